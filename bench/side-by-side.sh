#!/bin/sh
# Compare two ways of indexing the same corpus by running them at once, one
# per core, so that the machine's drift (this VM's speed moves by 20% and
# more within an hour) slows both alike; timed one after the other, such
# differences drown in it. Each pair starts the two in the other order.
#
#   bench/side-by-side.sh CORPUS PAIRS 'COMMAND A' 'COMMAND B'
#
# A command gets the index to make and CORPUS as its last two arguments:
#   bench/side-by-side.sh c40.jsonl 4 \
#       '/tmp/before/index/newsgrep-index --quiet --jobs 1 --db' \
#       '/tmp/after/index/newsgrep-index --quiet --jobs 1 --db'
# Prints wall, user and system seconds, peak RSS (MiB) and index size (MB)
# of every run, then the means. Needs GNU time (apt-get install time).
set -eu
[ $# -eq 4 ] || { echo "usage: side-by-side.sh CORPUS PAIRS 'COMMAND A' 'COMMAND B'" >&2; exit 2; }
corpus=$1 pairs=$2 a=$3 b=$4
[ -x /usr/bin/time ] || { echo "side-by-side.sh: GNU time is needed (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-side.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run NAME COMMAND: one timed index of the corpus, a line in $work/NAME.runs
run() {
    rm -rf "$work/$1.db"
    # shellcheck disable=SC2086
    /usr/bin/time -o "$work/$1.time" -f '%e %U %S %M' $2 "$work/$1.db" "$corpus" >/dev/null 2>"$work/$1.err" ||
        { echo "side-by-side.sh: $1 failed:" >&2; cat "$work/$1.err" >&2; exit 1; }
    echo "$(cat "$work/$1.time") $(du -sm "$work/$1.db" | cut -f1)" >>"$work/$1.runs"
}

i=0
while [ "$i" -lt "$pairs" ]; do
    if [ $((i % 2)) -eq 0 ]; then
        run A "$a" & pa=$!; run B "$b" & pb=$!
    else
        run B "$b" & pb=$!; run A "$a" & pa=$!
    fi
    failed=0
    wait "$pa" || failed=1
    wait "$pb" || failed=1
    [ "$failed" -eq 0 ] || exit 1
    i=$((i + 1))
done

for side in A B; do
    awk -v side="$side" '
        { printf "%s  wall %7.2f s  user %7.2f s  sys %6.2f s  peak %5.0f MiB  index %5d MB\n", side, $1, $2, $3, $4 / 1024, $5
          w += $1; u += $2; s += $3; m += $4; n++ }
        END { printf "%s  mean %7.2f s  user %7.2f s  sys %6.2f s  peak %5.0f MiB\n", side, w / n, u / n, s / n, m / n / 1024 }' \
        "$work/$side.runs"
done
