#!/bin/sh
# Build the libFuzzer target of the query parser with clang and run it:
#   tests/fuzz/fuzz.sh [SECONDS [JOBS]]       (default: 600 seconds, 1 job)
# Run from anywhere; it builds and runs in a scratch folder ($FUZZ_WORK, else
# a new one under $TMPDIR) and grows a copy of the seed corpus
# (tests/fuzz/corpus) there. A crash leaves its input there (crash-*): add it
# to tests/fuzz/crashes, where make check replays it, and fix the bug.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../src"
seconds=${1:-600}
jobs=${2:-1}
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || { echo "fuzz.sh: clang is needed (apt-get install clang)" >&2; exit 2; }

work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-fuzz.XXXXXX")}
mkdir -p "$work/corpus"
cp "$here"/corpus/* "$work/corpus/"
# shellcheck disable=SC2046
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src" $(pkg-config --cflags libutf8proc) \
    "$here/fuzz-query.c" "$src/query.c" "$src/analyzer.c" "$src/buf.c" "$src/layout.c" \
    "$src/stopword.c" "$src/status.c" "$src/highlight.c" \
    $(pkg-config --libs libutf8proc) -lstemmer -o "$work/fuzz-query"
echo "fuzz.sh: running $work/fuzz-query for $seconds s ($jobs jobs)" >&2
cd "$work"
if [ "$jobs" -gt 1 ]; then
    set -- -jobs="$jobs" -workers="$jobs"
else
    set --
fi
./fuzz-query -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$@" corpus
