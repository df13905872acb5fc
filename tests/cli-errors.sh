#!/bin/sh
# Exit codes and messages of newsgrep: 0 a match, 1 none, 2 trouble, with a
# one-line message that says what to do.
. "${top_srcdir:-.}/tests/lib.sh"

db=$(corpus_db)

# run ARGS...: sets $rc, $out (stdout) and $err (stderr).
run() {
    "$NEWSGREP" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    out=$(cat "$TMP/out")
    err=$(cat "$TMP/err")
}
lines() { printf '%s\n' "$1" | wc -l | tr -d ' '; }

run --db "$db" coalition
is "$rc" 0 "a match: exit 0"
is "$err" "" "and nothing on stderr"

run --db "$db" zzyzzyva
is "$rc" 1 "no match: exit 1"
is "$out$err" "" "and no output at all"

run --db "$TMP/nowhere" coalition
is "$rc" 2 "no index at the path: exit 2"
is "$err" "newsgrep: no index at $TMP/nowhere: build one first with 'newsgrep-index --db $TMP/nowhere DUMP...'" \
    "the message names the path and what to run"

mkdir "$TMP/notanindex" && echo junk >"$TMP/notanindex/file"
run --db "$TMP/notanindex" coalition
is "$rc" 2 "a folder that is no index: exit 2"
like "$err" "^newsgrep: cannot open index $TMP/notanindex: " "the message names the path"
is "$(lines "$err")" 1 "in one line"

: >"$TMP/plainfile"
run --db "$TMP/plainfile" coalition
is "$rc" 2 "a plain file as index: exit 2"
like "$err" "^newsgrep: cannot open index $TMP/plainfile: " "with a message"

run --db "$db" ""
is "$rc" 2 "an empty query: exit 2"
is "$err" "newsgrep: bad query at column 1: empty query" "the message says so"
run --db "$db" "   "
is "$rc" 2 "a blank query: exit 2"
run --db "$db" "!!! ---"
is "$rc" 2 "a query without words: exit 2"
is "$err" "newsgrep: bad query at column 1: the query has no word to search for" "the message says so"
run --db "$db" 'coalition "troops withdrawal'
is "$rc" 2 "an unbalanced quote: exit 2"
is "$err" 'newsgrep: bad query at column 11: unbalanced quote: no closing "' "the message points at the quote"

run --db "$db"
is "$rc" 2 "no query: exit 2"
like "$err" "^newsgrep: no query given" "the message says so"
like "$err" "Usage: newsgrep " "and shows the usage"

run --db "$db" --bogus coalition
is "$rc" 2 "an unknown option: exit 2"
like "$err" "Try 'newsgrep --help'" "points at --help"
run --db "$db" -n many coalition
is "$rc" 2 "-n needs a number"
like "$err" "invalid number of hits 'many'" "and says so"
run --db "$db" --color=sometimes coalition
is "$rc" 2 "--color takes always, never or auto"
like "$err" "invalid --color argument 'sometimes'" "and says so"

NEWSGREP_DB=$db "$NEWSGREP" coalition >/dev/null 2>&1
is $? 0 "NEWSGREP_DB names the index when --db is absent"
HOME="$TMP/home" XDG_DATA_HOME= "$NEWSGREP" coalition >/dev/null 2>"$TMP/err"
is $? 2 "the default index is under HOME"
like "$(cat "$TMP/err")" "no index at $TMP/home/\.local/share/newsgrep/db" "at ~/.local/share/newsgrep/db"
XDG_DATA_HOME="$TMP/xdg" "$NEWSGREP" coalition >/dev/null 2>"$TMP/err"
like "$(cat "$TMP/err")" "no index at $TMP/xdg/newsgrep/db" "or under XDG_DATA_HOME"

run --help
is "$rc" 0 "--help: exit 0"
like "$out" "^Usage: newsgrep " "--help prints the usage on stdout"
run --version
is "$rc" 0 "--version: exit 0"
like "$out" "^newsgrep [0-9]+\.[0-9]+" "--version prints the version"

done_testing
