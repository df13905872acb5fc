#!/usr/bin/env python3
"""Index passages (JSON Lines {"id", "text"}) into SQLite FTS5 with the porter
stemmer over unicode61, one row per passage, in one transaction.

usage: index-fts5.py passages.jsonl DB_FILE
"""
import json
import sqlite3
import sys


def main():
    db = sqlite3.connect(sys.argv[2])
    db.execute("CREATE VIRTUAL TABLE passages USING fts5(id UNINDEXED, text, tokenize='porter unicode61')")
    with open(sys.argv[1], encoding="utf-8") as f, db:
        db.executemany("INSERT INTO passages(id, text) VALUES (?, ?)",
                       ((r["id"], r["text"]) for r in map(json.loads, f)))
    db.close()


if __name__ == "__main__":
    main()
