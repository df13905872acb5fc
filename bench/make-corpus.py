#!/usr/bin/env python3
"""Build the benchmark corpus: SIZE_MB of JSON Lines news articles, made
deterministically from the real collections in the shared corpora folder
(1916 front pages, BBC, Reuters-21578, Wikinews), repeated under fresh ids
(suffix ~2, ~3, ...) until the size is reached. Same arguments, same bytes.

usage: make-corpus.py CORPORA_DIR SIZE_MB OUT.jsonl
"""
import glob
import gzip
import html
import json
import os
import re
import sys

MONTHS = {m: i + 1 for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}


def read_text(path):
    raw = open(path, "rb").read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def jsonl_articles(pattern):
    for path in sorted(glob.glob(pattern)):
        for line in read_text(path).splitlines():
            if line.strip():
                rec = json.loads(line)
                yield {k: rec.get(k, "") for k in
                       ("id", "date", "title", "source", "url", "language", "body")}


def bbc_articles(root):
    for path in sorted(glob.glob(os.path.join(root, "*", "*.txt"))):
        lines = read_text(path).split("\n")
        rel = os.path.relpath(path, root)
        yield {"id": "bbc/" + rel, "date": "", "title": lines[0].strip(),
               "source": "BBC News", "url": "", "language": "en",
               "body": "\n".join(lines[1:]).strip()}


def reuters_articles(root):
    tag = lambda name, s: (re.search(r"<%s>(.*?)</%s>" % (name, name), s, re.S) or [None, ""])[1]
    for path in sorted(glob.glob(os.path.join(root, "reut2-*.sgm*"))):
        for story in re.findall(r"<REUTERS(.*?)</REUTERS>", read_text(path), re.S):
            newid = re.search(r'NEWID="(\d+)"', story).group(1)
            date = ""
            m = re.search(r"<DATE>\s*(\d+)-([A-Z]{3})-(\d{4})", story)
            if m and m.group(2) in MONTHS:
                date = "%s-%02d-%02d" % (m.group(3), MONTHS[m.group(2)], int(m.group(1)))
            title = html.unescape(tag("TITLE", story)).strip()
            body = tag("BODY", story) or re.sub(r"<[^>]+>", "", tag("TEXT", story))
            body = html.unescape(body).replace("\x03", "").strip()
            if not title and not body:
                continue
            yield {"id": "reuters-" + newid, "date": date, "title": title,
                   "source": "Reuters", "url": "", "language": "en", "body": body}


def main():
    corpora, size_mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    articles = []
    articles += jsonl_articles(os.path.join(corpora, "chronam-1916", "*.jsonl.gz"))
    articles += bbc_articles(os.path.join(corpora, "bbc-news"))
    articles += reuters_articles(os.path.join(corpora, "reuters21578"))
    articles += jsonl_articles(os.path.join(corpora, "wikinews-en", "*.jsonl.gz"))
    target = int(size_mb * 1e6)
    written = 0
    copy = 1
    with open(out, "w", encoding="utf-8") as f:
        while written < target:
            for a in articles:
                rec = dict(a)
                if copy > 1:
                    rec["id"] = "%s~%d" % (a["id"], copy)
                line = json.dumps(rec, ensure_ascii=False) + "\n"
                f.write(line)
                written += len(line.encode("utf-8"))
                if written >= target:
                    break
            copy += 1
    print("%s: %d bytes, %d copies of %d articles" % (out, written, copy - 1, len(articles)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
