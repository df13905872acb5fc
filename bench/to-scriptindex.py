#!/usr/bin/env python3
"""Turn passages (JSON Lines {"id", "text"}) into scriptindex input: one
record per passage, fields "id" and "text", records parted by a blank line.

usage: to-scriptindex.py passages.jsonl > passages.scriptindex
"""
import json
import sys

for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    text = r["text"].replace("\n", " ")
    sys.stdout.write("id=%s\ntext=%s\n\n" % (r["id"].replace("\n", " "), text))
