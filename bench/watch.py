#!/usr/bin/env python3
"""The benchmark's watchers, which must take as little of the machine as they
can: what they take, the indexers they watch (newsgrep-index on both cores)
lose.

usage: watch.py rss ROOT FILE
  every 0.5 s until killed, the summed RSS in kB of ROOT's descendants (an
  indexer and its workers), read from /proc; the peak into FILE
usage: watch.py search NEWSGREP DB QUERY FILE
  from now, a whole newsgrep process searching DB for QUERY each time DB's
  folder changes (a file or the folder itself replaced, looked at every
  0.05 s) and at least every 2 s; once one finds it (exit 0), the seconds
  since now into FILE, and how many searches it took to standard error.
  Given up after an hour.
"""
import os
import subprocess
import sys
import time


def descendants_rss(root):
    parent, rss = {}, {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue  # ended since the listing
        fields = stat[stat.rindex(b")") + 2:].split()  # after "pid (comm) "
        pid = int(name)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * page_kb
    total = 0
    for pid in parent:
        p, seen = parent.get(pid), 0
        while p is not None and p != root and seen < 64:
            p, seen = parent.get(p), seen + 1
        if p == root:
            total += rss[pid]
    return total


def watch_rss(root, out):
    peak = 0
    while True:
        now = descendants_rss(root)
        if now > peak:
            peak = now
            with open(out, "w") as f:
                f.write("%d\n" % peak)
        time.sleep(0.5)


def folder_state(db):
    try:
        st = os.stat(db)
    except OSError:
        return None
    state = [("", st.st_ino, st.st_mtime_ns, st.st_size)]
    try:
        for e in os.scandir(db):
            s = e.stat(follow_symlinks=False)
            state.append((e.name, s.st_ino, s.st_mtime_ns, s.st_size))
    except OSError:
        pass  # replaced while read: the next look sees the new one
    return sorted(state)


def watch_search(newsgrep, db, query, out):
    t0 = time.monotonic()
    seen, last, searches = (), -1e9, 0
    while time.monotonic() - t0 < 3600:
        state = folder_state(db)
        if state != seen or time.monotonic() - last >= 2:
            seen, last = state, time.monotonic()
            searches += 1
            found = subprocess.run([newsgrep, "--db", db, "-c", query], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL).returncode == 0
            if found:
                with open(out, "w") as f:
                    f.write("%.1f\n" % (time.monotonic() - t0))
                print("watch: found after %d searches" % searches, file=sys.stderr)
                return
        time.sleep(0.05)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "rss":
        watch_rss(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "search":
        watch_search(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
