#!/usr/bin/env python3
"""Print the passages of a newsgrep index as JSON Lines {"id": "ARTICLE#N",
"text": ...}, in index order, so that the peers index exactly the passages
newsgrep made. Reads the Xapian database with python3-xapian and decodes the
passage record of src/record.c (version byte, varint passage number, then
varint-length fields: article id, title, date, source, url, language, text).

usage: export-passages.py INDEX_DIR > passages.jsonl
"""
import json
import sys

import xapian


def varint(data, i):
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def decode(data):
    if not data or data[0] != 1:
        raise ValueError("not a newsgrep passage record")
    number, i = varint(data, 1)
    fields = []
    for _ in range(7):
        n, i = varint(data, i)
        fields.append(data[i:i + n].decode("utf-8", errors="replace"))
        i += n
    return number, fields


def main():
    db = xapian.Database(sys.argv[1])
    out = sys.stdout
    for post in db.postlist(""):
        number, f = decode(db.get_document(post.docid).get_data())
        out.write(json.dumps({"id": "%s#%d" % (f[0], number), "text": f[6]}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
