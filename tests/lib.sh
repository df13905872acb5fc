# Shared by the CLI tests: TAP output, the built programs, a scratch folder.
# A test script sources this, then calls ok/is/... and finally done.
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}"
NEWSGREP="$top_builddir/src/newsgrep"
NEWSGREP_INDEX="$top_builddir/index/newsgrep-index"
CORPUS="$top_srcdir/corpus"
DATA="$top_srcdir/tests/data"
unset NEWSGREP_DB NO_COLOR

TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-test.XXXXXX") || exit 99
trap 'rm -rf "$TMP"' EXIT

tap_n=0
tap_failed=0

# ok CONDITION-STATUS DESCRIPTION: pass when the status ($?) is 0.
ok() {
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

# is GOT WANT DESCRIPTION
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else
        ok 1 "$3"
        printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | sed '3,$s/^/#         /'
    fi
}

# like TEXT PATTERN DESCRIPTION: TEXT matches the extended regexp PATTERN.
like() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
        ok 1 "$3"
        printf '%s\n' "$1" | head -5 | sed 's/^/#   got: /'
        echo "#   want a match for: $2"
    fi
}

# unlike TEXT PATTERN DESCRIPTION
unlike() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        ok 1 "$3"
        printf '%s\n' "$1" | grep -E -- "$2" | head -3 | sed 's/^/#   matched: /'
    else ok 0 "$3"; fi
}

# skip DESCRIPTION REASON: a check that cannot be made here, counted as skipped.
skip() {
    tap_n=$((tap_n + 1))
    echo "ok $tap_n - $1 # SKIP $2"
}

# ignored SIGNUMBER (1-32): true when this shell was started with the signal
# ignored (as nohup leaves SIGHUP), which its children then inherit.
ignored() {
    mask=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status 2>/dev/null) || return 1
    mask=${mask#????????} # the low 32 bits: the shell's arithmetic is signed
    [ -n "$mask" ] && [ $(((0x$mask >> ($1 - 1)) & 1)) -eq 1 ]
}

skip_all() {
    echo "1..0 # SKIP $1"
    exit 0
}

done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}

# The shipped corpus, indexed once per script, in $TMP/corpus.db.
corpus_db() {
    if [ ! -d "$TMP/corpus.db" ]; then
        "$NEWSGREP_INDEX" --quiet --db "$TMP/corpus.db" "$CORPUS" >"$TMP/corpus-index.out" 2>&1 ||
            { cat "$TMP/corpus-index.out" >&2; echo "Bail out! cannot index corpus/"; exit 1; }
    fi
    echo "$TMP/corpus.db"
}
