#!/bin/sh
# Every example of the man pages, run: each "$ command" line of an .EX block
# runs in a folder holding corpus/, with newsgrep's index of corpus/ as
# NEWSGREP_DB; it must exit 0 and print the lines the page shows under it, in
# order (a shown line ending in "..." need only start the same).
. "${top_srcdir:-.}/tests/lib.sh"

db=$(corpus_db)
work="$TMP/work"
mkdir "$work" && ln -s "$(cd "$top_srcdir" && pwd)/corpus" "$work/corpus" || exit 99
bindir="$TMP/bin"
mkdir "$bindir" &&
    ln -s "$(cd "$(dirname "$NEWSGREP")" && pwd)/newsgrep" "$bindir/newsgrep" &&
    ln -s "$(cd "$(dirname "$NEWSGREP_INDEX")" && pwd)/newsgrep-index" "$bindir/newsgrep-index" || exit 99

# The examples of PAGE as "$ command" and expected-output lines, roff escapes undone.
examples() {
    sed -n '/^\.EX/,/^\.EE/p' "$1" | grep -v '^\.E[XE]' |
        sed 's/\\-/-/g; s/\\(dq/"/g; s/\\(aq/'"'"'/g; s/\\e/\\/g; s/\\&//g'
}

# check_example COMMAND EXPECTED-FILE
check_example() {
    (cd "$work" && PATH="$bindir:$PATH" NEWSGREP_DB="$db" sh -c "$1") >"$TMP/ex.out" 2>"$TMP/ex.err"
    status=$?
    ok $status "example runs: $1"
    [ $status -eq 0 ] || sed 's/^/#   stderr: /' "$TMP/ex.err" | head -5
    [ -s "$2" ] || return 0
    # every shown line, in order, among the output lines
    missing=$(awk -v expected="$2" '
        BEGIN { while ((getline line < expected) > 0) want[++n] = line; i = 1 }
        i <= n {
            w = want[i]
            if (w ~ /\.\.\.$/) { w = substr(w, 1, length(w) - 3); if (index($0, w) == 1) i++ }
            else if ($0 == w) i++
        }
        END { if (i <= n) print want[i] }' "$TMP/ex.out")
    is "$missing" "" "its output shows what the page says"
}

for page in "$top_srcdir"/man/*.[1-8]; do
    cmd="" && : >"$TMP/expected"
    examples "$page" >"$TMP/examples"
    while IFS= read -r line; do
        case $line in
        '$ '*)
            [ -n "$cmd" ] && check_example "$cmd" "$TMP/expected"
            cmd=${line#\$ } && : >"$TMP/expected"
            ;;
        *) printf '%s\n' "$line" >>"$TMP/expected" ;;
        esac
    done <"$TMP/examples"
    [ -n "$cmd" ] && check_example "$cmd" "$TMP/expected"
done

done_testing
