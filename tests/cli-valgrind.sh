#!/bin/sh
# newsgrep-index and newsgrep under valgrind's memcheck: no invalid read or
# write, no use of an uninitialised value, no leak, in the parent nor in the
# workers it forks (valgrind follows a fork); a new index by two workers, an
# addition by the workers and one by the single writer, and queries of each
# mode. Skipped without valgrind, and in an AddressSanitizer build (the two
# cannot run together).
. "${top_srcdir:-.}/tests/lib.sh"

command -v valgrind >/dev/null 2>&1 || skip_all "valgrind is not installed"
if ldd "$NEWSGREP_INDEX" 2>/dev/null | grep -q libasan; then
    skip_all "an AddressSanitizer build: valgrind cannot run it"
fi


# vg NAME CMD...: run CMD under memcheck; every error and every definite or
# possible leak makes it exit 99; its report goes to $TMP/NAME.vg
vg() {
    name=$1
    shift
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
        --error-exitcode=99 --log-file="$TMP/$name.vg" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
}
# report NAME: the valgrind report of NAME, as TAP comments
report() {
    cat "$TMP/$1.vg" "$TMP/$1.err" 2>/dev/null | head -30 | sed 's/^/#   /'
}
check() { # check NAME STATUS DESCRIPTION (after vg NAME ...): it exited with STATUS
    status=$?
    is "$status" "$2" "$3"
    [ "$status" -eq "$2" ] || report "$1"
}

mkdir -p "$TMP/dumps" || exit 99
gzip -dc "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | sed -n '1,30p' >"$TMP/dumps/a.jsonl"
gzip -dc "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | sed -n '31,60p' >"$TMP/dumps/b.jsonl"
db="$TMP/db"

vg new "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$db" "$TMP/dumps/a.jsonl" "$DATA/trec/wire.sgml"
check new 0 "a new index by two workers: memcheck finds nothing"
vg workers "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$db" "$TMP/dumps/b.jsonl"
check workers 0 "an addition by the workers: memcheck finds nothing"
vg writer "$NEWSGREP_INDEX" --quiet --jobs 1 --db "$db" "$DATA/mixed.jsonl" "$CORPUS/seed"
check writer 3 "an addition by the single writer, of a dump with bad records (exit 3): memcheck finds nothing"
n=$("$NEWSGREP" --db "$db" --count -- the 2>/dev/null)
like "$n" '^[1-9][0-9]* passages in [1-9][0-9]* articles$' "the index answers after the three runs"

vg all "$NEWSGREP" --db "$db" coalition withdrawal
check all 0 "an all-words query: memcheck finds nothing"
vg any "$NEWSGREP" --db "$db" --any war peace election
check any 0 "an any-word query: memcheck finds nothing"
vg phrase "$NEWSGREP" --db "$db" --json '"the president"'
check phrase 0 "a phrase, as JSON: memcheck finds nothing"
vg bad "$NEWSGREP" --db "$TMP/none" word
check bad 2 "no index: the error exit (2), and memcheck finds nothing"

done_testing
