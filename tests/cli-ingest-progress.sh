#!/bin/sh
# The progress line: drawn on a terminal (script(1) gives the run one), never
# when standard error is a file or with --quiet; the summary line ends a run.
. "${top_srcdir:-.}/tests/lib.sh"

command -v script >/dev/null 2>&1 || skip_all "script (util-linux) is not installed"
script -qec true /dev/null >/dev/null 2>&1 || skip_all "script cannot open a terminal here"
cr=$(printf '\r')
esc=$(printf '\033')

# on_tty DB [OPTIONS]: index the Wikinews dump with stderr on a terminal.
on_tty() {
    db=$1
    shift
    script -qec "'$NEWSGREP_INDEX' --db '$db' $* '$CORPUS/wikinews-en/wikinews-en.jsonl.gz'" /dev/null |
        tr '\r' '\n' | sed "s/$esc\\[K//g" >"$TMP/tty.out"
}

on_tty "$TMP/a.db" --batch 50
out=$(cat "$TMP/tty.out")
like "$out" '^\[[#.]{10}\] +[0-9]+%  [0-9.]+/[0-9.]+ MB  [0-9]+ articles?, [0-9]+/s  [0-9.]+ MB/s  ETA [0-9]+:[0-9]{2}' \
    "on a terminal, a progress line: bytes read of total, articles, articles/s, MB/s, ETA"
like "$out" '^\[##########\] 100%' "it reaches 100%"
like "$out" '^newsgrep-index: 1 file \(0 already indexed\), 336 articles \(336 added, 0 replaced, 0 skipped\)' \
    "the summary line ends the run"
total=$(wc -c <"$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | awk '{ printf "%.1f", $1 / 1e6 }')
like "$out" "/$total MB" "the total is the dump's size ($total MB)"

"$NEWSGREP_INDEX" --db "$TMP/b.db" --batch 50 "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" 2>"$TMP/err"
ok $? "the same run with standard error in a file"
unlike "$(cat "$TMP/err")" "$cr|ETA|MB/s" "prints no progress line"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "only the summary line"

on_tty "$TMP/c.db" --quiet
is "$(cat "$TMP/tty.out")" "" "with --quiet, nothing on a terminal either"

on_tty "$TMP/c.db" --force
like "$(cat "$TMP/tty.out")" "336 articles \(0 added, 336 replaced" "a run on a terminal indexes as any other"

done_testing
