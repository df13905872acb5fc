#!/bin/sh
# Build a libFuzzer target with clang and run it:
#   tests/fuzz/fuzz.sh [SECONDS [JOBS [TARGET]]]   (default: 600 seconds, 1 job, query)
# TARGET is query (the query parser, fuzz-query.c, seeds in tests/fuzz/corpus)
# or reader (the dump readers, segmenter and analyzer, fuzz-reader.c, seeds in
# tests/fuzz/reader-corpus). Run from anywhere; it builds and runs in a
# scratch folder ($FUZZ_WORK, else a new one under $TMPDIR) and grows a copy
# of the seed corpus there. A crash leaves its input there (crash-*): add it
# to tests/fuzz/crashes (tests/fuzz/reader-crashes), where make check
# replays it, and fix the bug.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../src"
index="$here/../../index"
seconds=${1:-600}
jobs=${2:-1}
target=${3:-query}
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || { echo "fuzz.sh: clang is needed (apt-get install clang)" >&2; exit 2; }

case $target in
query)
    seeds="$here/corpus" max_len=4096
    # shellcheck disable=SC2046
    set -- "$here/fuzz-query.c" "$src/query.c" "$src/analyzer.c" "$src/buf.c" "$src/layout.c" \
        "$src/stopword.c" "$src/status.c" "$src/highlight.c" "$src/utf8.c" \
        $(pkg-config --cflags --libs libutf8proc) -lstemmer ;;
reader)
    seeds="$here/reader-corpus" max_len=16384
    # shellcheck disable=SC2046
    set -- "$here/fuzz-reader.c" "$index/reader.c" "$index/read-jsonl.c" "$index/read-text.c" \
        "$index/read-trec.c" "$index/input.c" "$index/segment.c" "$src/utf8.c" "$src/analyzer.c" \
        "$src/buf.c" "$src/status.c" \
        $(pkg-config --cflags --libs libutf8proc jansson zlib) -lstemmer ;;
*)
    echo "fuzz.sh: no target $target (query or reader)" >&2; exit 2 ;;
esac

work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-fuzz.XXXXXX")}
mkdir -p "$work/corpus"
cp "$seeds"/* "$work/corpus/"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src" -I"$index" "$@" -o "$work/fuzz-$target"
echo "fuzz.sh: running $work/fuzz-$target for $seconds s ($jobs jobs)" >&2
cd "$work"
if [ "$jobs" -gt 1 ]; then
    set -- -jobs="$jobs" -workers="$jobs"
else
    set --
fi
"./fuzz-$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$@" corpus
