#!/bin/sh
# Crash safety: newsgrep-index killed with SIGKILL at random moments leaves an
# index that opens and passes xapian-check, and running the same command again
# ends with exactly the passages of a run that was never interrupted. The kill
# moments are drawn from a seeded generator (NEWSGREP_KILL_SEED); where each
# lands does not matter to the checks. NEWSGREP_KILL_TRIALS=200 runs more.
. "${top_srcdir:-.}/tests/lib.sh"

command -v xapian-check >/dev/null 2>&1 || skip_all "xapian-check (xapian-tools) is not installed"
command -v xapian-delve >/dev/null 2>&1 || skip_all "xapian-delve (xapian-tools) is not installed"
trials=${NEWSGREP_KILL_TRIALS:-20}
seed=${NEWSGREP_KILL_SEED:-20261126}

# The dumps: JSON Lines (plain and gzip), TREC, Reuters and text files, so that
# commits fall inside files and between them, and the ledger has several entries.
dumps="$TMP/dumps"
mkdir -p "$dumps/text" || exit 99
gzip -dc "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | sed -n '1,20p' >"$dumps/a.jsonl"
gzip -dc "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | sed -n '21,40p' | gzip >"$dumps/b.jsonl.gz"
gzip -dc "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" | sed -n '41,60p' >"$dumps/c.jsonl"
cp "$DATA/trec/wire.sgml" "$DATA/trec/reuters.sgm" "$dumps/" || exit 99
cp "$CORPUS/seed/000_63da0c3924deb257.txt" "$DATA/dumpdir/sub/column.txt" "$dumps/text/" || exit 99
# an article that comes again in a later dump, changed: the later one must win
printf '%s\n' '{"id": "wn-en-again", "title": "First version", "body": "The first version of the article."}' \
    >"$dumps/a0.jsonl"
printf '%s\n' '{"id": "wn-en-again", "title": "Second version", "body": "The second version, longer.\nIn two paragraphs."}' \
    >"$dumps/d.jsonl"

# The indexer runs in place of the shell when EXEC=exec (kill_after's
# subshell, so that its pid is the indexer's).
EXEC=
index() { # index DB [OPTIONS]: the command of every run (kill_after runs it too)
    db=$1
    shift
    $EXEC "$NEWSGREP_INDEX" --quiet --batch 7 --db "$db" "$@" "$dumps"
}
state() { # state DB: what must come out the same
    xapian-delve "$1" | sed -n 's/^number of documents = /documents /p'
    xapian-delve -1 -A XA "$1" | sort
    "$NEWSGREP_INDEX" --list-dumps --db "$1" | awk 'NR > 1 { print $3, $4, $6, $7, $8 }'
}
now_ms() { date +%s%3N; }

# reference NAME RUN WHAT: RUN "$TMP/NAME.db", never interrupted, timed
# (t0, t1 in ms), checked to succeed (WHAT), its state into $TMP/NAME.state
reference() {
    t0=$(now_ms)
    "$2" "$TMP/$1.db" 2>"$TMP/$1.err"
    rc=$?
    t1=$(now_ms)
    is "$rc" 0 "$3"
    state "$TMP/$1.db" >"$TMP/$1.state"
}

# The reference: one run, never interrupted; and how long it takes.
reference ref index "the uninterrupted run succeeds"
like "$(head -1 "$TMP/ref.state")" "^documents [1-9][0-9]*$" "it holds passages"
is "$("$NEWSGREP" --db "$TMP/ref.db" -c id:wn-en-again)" "2 passages in 1 article" \
    "the later version of a repeated article wins (2 passages)"
span=$((t1 - t0 + 50))
echo "# the uninterrupted run takes $((t1 - t0)) ms; kills fall in the first $span ms"

# A base index holding one of the dumps, for the trials that start from one.
"$NEWSGREP_INDEX" --quiet --db "$TMP/base.db" "$dumps/a.jsonl" || exit 99

# Kill delays, in ms, reproducible from the seed.
awk -v seed="$seed" -v n="$trials" -v span="$span" \
    'BEGIN { srand(seed); for (i = 0; i < 2 * n; i++) printf "%d\n", int(rand() * span) }' >"$TMP/delays"

# kill_after MS DB COMMAND...: start COMMAND (index or add, writing DB),
# SIGKILL it after MS milliseconds.
kill_after() {
    ms=$1 kdb=$2
    shift 2
    (
        EXEC=exec
        "$@" 2>/dev/null
    ) &
    pid=$! # the indexer itself: the subshell became it
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then
        killed=$((killed + 1))
        [ -e "$kdb" ] || killed_before_index=$((killed_before_index + 1))
    fi
    wait "$pid" 2>/dev/null
}

# rerun DB REF WHAT COMMAND...: after the kills of trial WHAT, COMMAND run
# again must succeed and leave DB as REF (a state file) says, with nothing
# left aside.
rerun() {
    rdb=$1 ref=$2 what=$3
    shift 3
    "$@" 2>"$TMP/rerun.err" || { bad_final=$((bad_final + 1)); sed 's/^/#   /' "$TMP/rerun.err"; }
    state "$rdb" >"$TMP/state"
    if ! cmp -s "$ref" "$TMP/state"; then
        bad_final=$((bad_final + 1))
        echo "# $what: the index differs from the uninterrupted run's"
        diff "$ref" "$TMP/state" | head -5 | sed 's/^/#   /'
    fi
    ls -d "$rdb".new-* >/dev/null 2>&1 && leftovers=$((leftovers + 1))
}

# databases DB: the databases of the index DB, one per line: DB itself, or
# when an addition was killed while merged, those its stub lists
databases() {
    if [ -f "$1/XAPIANDB" ]; then
        stubs=$((stubs + 1))
        sed -n 's/^glass //p' "$1/XAPIANDB" | while IFS= read -r d; do printf '%s/%s\n' "$1" "$d"; done
    else
        printf '%s\n' "$1"
    fi
}

# sound DB: after a kill, the index is absent (nothing was committed yet) or
# passes xapian-check and answers a search.
sound() {
    [ -e "$1" ] || return 0
    databases "$1" >"$TMP/databases"
    while IFS= read -r d; do
        xapian-check "$d" >"$TMP/check.out" 2>&1 || { sed 's/^/#   /' "$TMP/check.out" | tail -3; return 1; }
    done <"$TMP/databases"
    "$NEWSGREP" --db "$1" harbour >/dev/null 2>&1
    [ $? -le 1 ]
}

bad_sound=0 bad_final=0 leftovers=0 killed=0 killed_before_index=0 stubs=0
trial=1
exec 3<"$TMP/delays"
while [ "$trial" -le "$trials" ]; do
    db="$TMP/t$trial/news.db"
    mkdir -p "$TMP/t$trial"
    # odd trials make a new index, even ones add to an existing one
    [ $((trial % 2)) -eq 0 ] && cp -R "$TMP/base.db" "$db"
    read -r d1 <&3
    read -r d2 <&3
    kill_after "$d1" "$db" index "$db" --wait
    sound "$db" || { bad_sound=$((bad_sound + 1)); echo "# trial $trial: unsound after a kill at $d1 ms"; }
    # every third trial is killed twice
    if [ $((trial % 3)) -eq 0 ]; then
        kill_after "$d2" "$db" index "$db" --wait
        sound "$db" || { bad_sound=$((bad_sound + 1)); echo "# trial $trial: unsound after a second kill at $d2 ms"; }
    fi
    rerun "$db" "$TMP/ref.state" "trial $trial (kill at $d1 ms)" index "$db" --wait
    rm -rf "$TMP/t$trial"
    trial=$((trial + 1))
done
exec 3<&-

echo "# $killed kills hit a running indexer ($killed_before_index before the index existed); the others came after it ended"
is "$bad_sound" 0 "after each of the kills of $trials trials, the index opens and passes xapian-check"
is "$bad_final" 0 "after each of $trials trials, running the command again gives the uninterrupted run's index"
is "$leftovers" 0 "no index being made is left over after a complete run"

# Additions of new articles only, by two workers: searched beside the index
# while they are merged (a stub in the index's place), so that some kills
# land there; the next run must put the index back and add them again.
night="$TMP/night"
mkdir -p "$night/text" || exit 99
cp "$dumps/b.jsonl.gz" "$dumps/c.jsonl" "$dumps/wire.sgml" "$dumps/reuters.sgm" "$night/" || exit 99
cp "$dumps/text/"* "$night/text/" || exit 99
add() { $EXEC "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$1" "$night"; }
cp -R "$TMP/base.db" "$TMP/nref.db" || exit 99
reference nref add "the uninterrupted addition of new articles succeeds"
span=$((t1 - t0 + 20))
echo "# it takes $((t1 - t0)) ms; kills fall in the first $span ms"
awk -v seed="$seed" -v n="$trials" -v span="$span" \
    'BEGIN { srand(seed + 1); for (i = 0; i < n; i++) printf "%d\n", int(rand() * span) }' >"$TMP/delays"
bad_sound=0 bad_final=0 leftovers=0 killed=0 stubs=0
trial=1
exec 3<"$TMP/delays"
while [ "$trial" -le "$trials" ]; do
    db="$TMP/n$trial/news.db"
    mkdir -p "$TMP/n$trial"
    cp -R "$TMP/base.db" "$db" || exit 99
    read -r d <&3
    kill_after "$d" "$db" add "$db"
    sound "$db" || { bad_sound=$((bad_sound + 1)); echo "# addition $trial: unsound after a kill at $d ms"; }
    rerun "$db" "$TMP/nref.state" "addition $trial (kill at $d ms)" add "$db"
    rm -rf "$TMP/n$trial"
    trial=$((trial + 1))
done
exec 3<&-
echo "# $killed kills hit a running addition ($stubs while it was searched beside the index and merged)"
is "$bad_sound" 0 "after each kill of $trials additions, the index (or the stub in its place) passes xapian-check"
is "$bad_final" 0 "after each of $trials additions, running it again gives the uninterrupted addition's index"
is "$leftovers" 0 "nothing is left aside after a complete addition"

done_testing
