#!/bin/sh
# Where indexing CPU goes: perf samples of newsgrep-index (one worker) over
# the first SIZE_MB of the benchmark corpus, grouped by the code they hit:
# newsgrep's own code, the libraries it drives, Xapian and what Xapian calls.
#
#   bench/profile.sh CORPUS.jsonl [SIZE_MB]      (needs linux-perf)
set -eu
corpus=$1
size=${2:-20}
builddir=$(cd "${BUILDDIR:-.}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-profile.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v perf >/dev/null || { echo "profile: perf missing: apt-get install linux-perf" >&2; exit 2; }
head -c "$((size * 1000000))" "$corpus" | sed '$d' >"$work/sample.jsonl"
perf record -q -o "$work/perf.data" "$builddir/index/newsgrep-index" --quiet --jobs 1 \
    --db "$work/db" "$work/sample.jsonl" 2>/dev/null
perf report -q -i "$work/perf.data" --no-children --sort dso 2>/dev/null |
    awk '{ gsub(/%/, "", $1); share[$2] += $1 }
         END {
           own = share["newsgrep-index"]
           libs = share["libjansson.so.4.14.0"] + share["libstemmer.so.0d.0.0"] + share["libutf8proc.so.2.6.0"]
           xap = share["libxapian.so.30.12.3"]
           printf "| newsgrep-index (own code: readers, segmenter, analyzer, ingest) | %.1f%% |\n", own
           printf "| jansson, libstemmer, utf8proc (called by our code) | %.1f%% |\n", libs
           printf "| **newsgrep and the libraries it calls** | **%.1f%%** |\n", own + libs
           printf "| libxapian | %.1f%% |\n", xap
           printf "| libc, libstdc++, jemalloc (malloc, memcmp, std::map: almost all from Xapian) | %.1f%% |\n", share["libc.so.6"] + share["libstdc++.so.6.0.30"] + share["libjemalloc.so.2"]
           printf "| zlib (Xapian compressing document data) | %.1f%% |\n", share["libz.so.1.2.13"]
           printf "| kernel (I/O) | %.1f%% |\n", share["[kernel.kallsyms]"]
         }'
