#!/bin/sh
# Adding to an index with several workers: parts made in parallel, merged
# onto a copy of the index, the copy put in the index's place. The result
# must be what one writer makes: the same passages, articles replaced and
# not doubled, the ledger of every dump; and the index is never half-added.
. "${top_srcdir:-.}/tests/lib.sh"

DAY="$CORPUS/chronam-1916"
count() { xapian-delve "$1" 2>/dev/null | sed -n 's/^number of documents = //p'; }
inode() { stat -c %i "$1"; }
search() { "$NEWSGREP" --db "$1" --color=never -n 30 "$2" 2>&1; }

# The same three days, one writer against workers.
"$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/one.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
"$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/one.db" "$DAY/1916-01-02.jsonl.gz" "$DAY/1916-01-03.jsonl.gz" ||
    exit 99
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/two.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
before=$(inode "$TMP/two.db")
"$NEWSGREP_INDEX" --jobs 2 --db "$TMP/two.db" "$DAY/1916-01-02.jsonl.gz" "$DAY/1916-01-03.jsonl.gz" 2>"$TMP/err"
is $? 0 "two workers add two dumps: exit 0"
like "$(cat "$TMP/err")" "2 files \(0 already indexed\), [0-9]+ articles \([0-9]+ added, 0 replaced" \
    "the summary counts the dumps and their articles"
like "$(cat "$TMP/err")" "the new articles were searchable after [0-9.]+ s, merged into the index after [0-9.]+ s" \
    "and says when the new articles could be searched, and when they were merged"
after=$(inode "$TMP/two.db")
[ "$after" != "$before" ]
ok $? "the index was added to as a copy put in its place"
is "$(count "$TMP/two.db")" "$(count "$TMP/one.db")" "as many passages as one writer makes"
is "$(count "$TMP/two.db/articles")" "$(count "$TMP/one.db/articles")" "as many articles"
for q in "war germany" "president wilson" '"new year"' "zeppelin OR submarine"; do
    is "$(search "$TMP/two.db" "$q")" "$(search "$TMP/one.db" "$q")" "the same answers to $q"
done
"$NEWSGREP_INDEX" --list-dumps --db "$TMP/two.db" | cut -c21- >"$TMP/two.list"
"$NEWSGREP_INDEX" --list-dumps --db "$TMP/one.db" | cut -c21- >"$TMP/one.list"
is "$(cat "$TMP/two.list")" "$(cat "$TMP/one.list")" "the ledger holds every dump, with the same counts"
ls -d "$TMP"/two.db.new-* >/dev/null 2>&1
is $? 2 "nothing is left aside"

# An index named with a trailing slash (as a shell completes a folder) is
# the folder itself: made, then added to, with nothing left aside in it.
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/slash.db/" "$DAY/1916-01-01.jsonl.gz"
is $? 0 "a new index named slash.db/: exit 0"
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/slash.db//" "$DAY/1916-01-02.jsonl.gz" "$DAY/1916-01-03.jsonl.gz"
is $? 0 "added to by workers as slash.db//: exit 0"
is "$(count "$TMP/slash.db")" "$(count "$TMP/one.db")" "it holds the passages of the three dumps"
is "$(find "$TMP" -name '*.new-*' | wc -l)" 0 "and nothing is left aside, in it or beside it"

# An index reached through a symbolic link (relative, in another folder) is
# added to where it is: the link stays a link.
mkdir -p "$TMP/real" "$TMP/links" || exit 99
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/real/news.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
ln -s ../real/news.db "$TMP/links/news.db" || exit 99
"$NEWSGREP_INDEX" --jobs 2 --db "$TMP/links/news.db" "$DAY/1916-01-02.jsonl.gz" "$DAY/1916-01-03.jsonl.gz" \
    2>"$TMP/err"
is $? 0 "workers add to an index through a symbolic link: exit 0"
like "$(cat "$TMP/err")" "searchable after" "its new articles searched while merged"
[ -L "$TMP/links/news.db" ]
ok $? "the link is still a link"
is "$(count "$TMP/real/news.db")" "$(count "$TMP/one.db")" "the index it leads to holds the passages of the three dumps"
is "$(find "$TMP/links" "$TMP/real" -name '*.new-*' | wc -l)" 0 "and nothing is left aside"

# On a file system that cannot swap two folders in one step, one writer adds
# in place what the workers would have, and nothing is left aside.
NOSWAP="$top_builddir/tests/noswap.so"
if [ -f "$NOSWAP" ]; then
    "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/noswap.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
    before=$(inode "$TMP/noswap.db")
    LD_PRELOAD="$(cd "$(dirname "$NOSWAP")" && pwd)/noswap.so" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        "$NEWSGREP_INDEX" --jobs 2 --db "$TMP/noswap.db" "$DAY/1916-01-02.jsonl.gz" "$DAY/1916-01-03.jsonl.gz" \
        2>"$TMP/err"
    is $? 0 "without RENAME_EXCHANGE, --jobs 2 adds the dumps: exit 0"
    like "$(cat "$TMP/err")" "2 files \(0 already indexed\), [0-9]+ articles \([0-9]+ added, 0 replaced" \
        "and counts them"
    is "$(inode "$TMP/noswap.db")" "$before" "one writer added them in place"
    is "$(count "$TMP/noswap.db")" "$(count "$TMP/one.db")" "the same passages as one writer makes"
    is "$(search "$TMP/noswap.db" "president wilson")" "$(search "$TMP/one.db" "president wilson")" \
        "and the same answers"
    ls -d "$TMP"/noswap.db.new-* >/dev/null 2>&1
    is $? 2 "nothing is left aside"
fi

# Dumps already indexed are passed over, and the index is not copied.
before=$(inode "$TMP/two.db")
"$NEWSGREP_INDEX" --jobs 2 --db "$TMP/two.db" "$DAY/1916-01-02.jsonl.gz" 2>"$TMP/err"
is $? 0 "adding a dump again: exit 0"
like "$(cat "$TMP/err")" "1 file \(1 already indexed\), ([0-9]+) articles \(0 added, 0 replaced, \1 skipped\)" "it is passed over"
is "$(inode "$TMP/two.db")" "$before" "and the index is left as it is"

# A dump that replaces articles: the old versions go, in whichever part.
zcat "$DAY/1916-01-02.jsonl.gz" | sed 's/"body": *"/"body": "Corrected edition, quuxification. /' >"$TMP/fix.jsonl"
"$NEWSGREP_INDEX" --jobs 2 --db "$TMP/two.db" "$TMP/fix.jsonl" 2>"$TMP/err"
is $? 0 "a dump of corrected articles: exit 0"
n=$(zcat "$DAY/1916-01-02.jsonl.gz" | wc -l)
like "$(cat "$TMP/err")" "1 file \(0 already indexed\), $n articles \(0 added, $n replaced" \
    "every article counts as replaced"
unlike "$(cat "$TMP/err")" "searchable after" "replaced articles are searched only once merged (not beside their old versions)"
"$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/one.db" "$TMP/fix.jsonl" || exit 99
is "$(count "$TMP/two.db")" "$(count "$TMP/one.db")" "no passage doubled: as many as one writer leaves"
is "$(count "$TMP/two.db/articles")" "$(count "$TMP/one.db/articles")" "no article doubled"
like "$("$NEWSGREP" --db "$TMP/two.db" -c quuxification)" "^[0-9]+ passages in $n articles" \
    "the new versions are found"
is "$(search "$TMP/two.db" "president wilson")" "$(search "$TMP/one.db" "president wilson")" \
    "and rank as one writer's"
like "$("$NEWSGREP_INDEX" --list-dumps --db "$TMP/two.db")" " $n +$n +[0-9]+ +0  .*/fix\.jsonl$" \
    "the ledger records the dump's articles as replaced"

# --batch asks for commits as one writer goes: no copy.
before=$(inode "$TMP/two.db")
"$NEWSGREP_INDEX" --quiet --jobs 2 --batch 10 --db "$TMP/two.db" "$CORPUS/wikinews-en"
is "$(inode "$TMP/two.db")" "$before" "--batch adds with one writer, in place"

# Without --jobs, workers add the dumps that are not small beside the index;
# a small one is added in place.
if [ "$(nproc)" -ge 2 ]; then
    "$NEWSGREP_INDEX" --quiet --db "$TMP/auto.db" "$DATA/dumpdir/day1.jsonl" || exit 99
    before=$(inode "$TMP/auto.db")
    "$NEWSGREP_INDEX" --quiet --db "$TMP/auto.db" "$DAY/1916-01-03.jsonl.gz"
    after=$(inode "$TMP/auto.db")
    [ "$after" != "$before" ]
    ok $? "a dump larger than a small index is added by workers"
    "$NEWSGREP_INDEX" --quiet --db "$TMP/auto.db" "$DATA/dumpdir/sub/column.txt"
    is "$(inode "$TMP/auto.db")" "$after" "a small dump beside a larger index is added in place"
fi

# A named pipe cannot be read by several workers: one reads all of it.
if mkfifo "$TMP/night.pipe" 2>/dev/null; then
    zcat "$DAY/1916-01-02.jsonl.gz" >"$TMP/night.pipe" &
    "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/pipe.db" "$TMP/night.pipe"
    "$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/file.db" "$DAY/1916-01-02.jsonl.gz"
    is "$(count "$TMP/pipe.db")" "$(count "$TMP/file.db")" "a new index from a named pipe has all its passages"
fi

# Killed while adding: the index is as it was, and the next run tidies up.
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/kill.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
was=$(count "$TMP/kill.db")
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/kill.db" "$DAY/1916-01-03.jsonl.gz" &
pid=$!
i=0
while [ $i -lt 200 ] && ! ls -d "$TMP"/kill.db.new-*/part-1 >/dev/null 2>&1; do
    sleep 0.05
    i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
is "$(count "$TMP/kill.db")" "$was" "a killed addition leaves the index as it was"
"$NEWSGREP" --db "$TMP/kill.db" -c wilson >/dev/null
ok $? "and searchable"
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/kill.db" "$DAY/1916-01-03.jsonl.gz"
is $? 0 "the same command, run again, adds the dump"
ls -d "$TMP"/kill.db.new-* >/dev/null 2>&1
is $? 2 "and removes what the killed run left aside"
is "$(count "$TMP/kill.db")" "$(
    "$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/kill1.db" "$DAY/1916-01-01.jsonl.gz" "$DAY/1916-01-03.jsonl.gz"
    count "$TMP/kill1.db"
)" "with the passages of both dumps"

# New articles are searched beside the index while they are merged onto it:
# a stub listing the index and the parts stands in its place. The indexer is
# stopped as soon as the stub appears (tried again if it was too fast), so
# that what a search sees then can be checked; killed there, it leaves the
# stub, and the next run puts the index back before adding.
"$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/view.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
"$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/view1.db" "$DAY/1916-01-01.jsonl.gz" "$DAY/1916-01-03.jsonl.gz" ||
    exit 99
# stop_merging FROM DUMP [HUP]: copy the index FROM to $TMP/view.try, start
# adding DUMP to the copy by workers (with SIGHUP ignored, as nohup would,
# when told HUP), and stop the indexer (its pid in $pid) once the stub
# stands in the index's place; 1 when it was always too fast
stop_merging() {
    tries=0
    while [ $tries -lt 20 ]; do
        tries=$((tries + 1))
        rm -rf "$TMP/view.try"
        cp -R "$1" "$TMP/view.try" || exit 99
        (
            [ "${3:-}" = HUP ] && trap '' HUP
            exec "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/view.try" "$2"
        ) &
        pid=$!
        while kill -0 $pid 2>/dev/null && [ ! -f "$TMP/view.try/XAPIANDB" ]; do :; done
        kill -STOP $pid 2>/dev/null
        [ -f "$TMP/view.try/XAPIANDB" ] && return 0
        kill -CONT $pid 2>/dev/null
        wait $pid
    done
    return 1
}
caught=0
stop_merging "$TMP/view.db" "$DAY/1916-01-03.jsonl.gz" && caught=1
echo "# the indexer was stopped while merging at try $tries"
is "$caught" 1 "an addition of new articles puts a stub in the index's place while it merges"
if [ "$caught" -eq 1 ]; then
    is "$(count "$TMP/view.try")" "$(count "$TMP/view1.db")" "a search then reads the index and the new articles"
    for q in "war germany" "president wilson" '"new year"'; do
        is "$("$NEWSGREP" --db "$TMP/view.try" --scores --color=never -n 30 "$q" 2>&1)" \
            "$("$NEWSGREP" --db "$TMP/view1.db" --scores --color=never -n 30 "$q" 2>&1)" \
            "with the same answers and scores as the index made of both dumps, for $q"
    done
    is "$("$NEWSGREP" --db "$TMP/view.try" --any --scores --color=never -n 30 "war germany" 2>&1)" \
        "$("$NEWSGREP" --db "$TMP/view1.db" --any --scores --color=never -n 30 "war germany" 2>&1)" \
        "and for any of the words war germany"
    kill -9 $pid
    kill -CONT $pid 2>/dev/null
    wait $pid 2>/dev/null
    is "$(count "$TMP/view.try")" "$(count "$TMP/view1.db")" "killed while merging, it leaves the stub, which reads"
    unlike "$("$NEWSGREP_INDEX" --list-dumps --db "$TMP/view.try")" "1916-01-03" \
        "the dump it was adding is not recorded as indexed"
    was=$(count "$TMP/view.db")
    "$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/view.try" "$DATA/dumpdir/sub/column.txt"
    is $? 0 "the next writer"
    [ -f "$TMP/view.try/iamglass" ] && [ ! -e "$TMP/view.try/XAPIANDB" ]
    ok $? "puts the index back in the stub's place"
    cp -R "$TMP/view.db" "$TMP/viewcol.db" || exit 99
    "$NEWSGREP_INDEX" --quiet --jobs 1 --db "$TMP/viewcol.db" "$DATA/dumpdir/sub/column.txt" || exit 99
    is "$(count "$TMP/view.try")" "$(count "$TMP/viewcol.db")" "before adding its own dump to it"
    ls -d "$TMP"/view.try.new-* >/dev/null 2>&1
    is $? 2 "and removes what the killed run left aside"
    "$NEWSGREP_INDEX" --jobs 2 --db "$TMP/view.try" "$DAY/1916-01-03.jsonl.gz" 2>"$TMP/err"
    is $? 0 "the killed command, run again, adds the dump"
    like "$(cat "$TMP/err")" "searchable after [0-9.]+ s, merged into the index after [0-9.]+ s" \
        "and says when its articles could be searched and when they were merged"
    is "$(count "$TMP/view.try")" "$(($(count "$TMP/view1.db") + $(count "$TMP/viewcol.db") - was))" \
        "the index holds every passage"
fi

# A writer that waits for the lock while the stub stands in the index's place
# writes to the merged index once the addition ends.
caught=0
stop_merging "$TMP/view.db" "$DAY/1916-01-03.jsonl.gz" && caught=1
is "$caught" 1 "stopped again while merging (try $tries)"
if [ "$caught" -eq 1 ]; then
    "$NEWSGREP_INDEX" --quiet --wait --db "$TMP/view.try" "$DATA/dumpdir/sub/column.txt" 2>"$TMP/err" &
    waiter=$!
    sleep 0.2
    kill -CONT $pid
    wait $pid
    is $? 0 "the addition ends"
    wait $waiter
    is $? 0 "the writer that waited for it ends too"
    is "$(cat "$TMP/err")" "" "without a message"
    is "$("$NEWSGREP_INDEX" --list-dumps --db "$TMP/view.try" | grep -c -e 1916-01-01 -e 1916-01-03 -e column.txt)" 3 \
        "the index records the three dumps"
    [ -f "$TMP/view.try/iamglass" ]
    ok $? "and is one database again"
fi

# Told to stop (SIGTERM, SIGHUP; SIGINT alike, but a shell script's
# background jobs ignore it) while the stub stands in its place, the indexer
# puts the index back as it was first.
for sig in TERM HUP; do
    # an indexer started with SIGHUP ignored (nohup) keeps it ignored
    if [ $sig = HUP ] && ignored 1; then
        skip "SIGHUP while merging" "SIGHUP is ignored here (nohup?), and so by the indexer"
        continue
    fi
    caught=0
    stop_merging "$TMP/view.db" "$DAY/1916-01-03.jsonl.gz" && caught=1
    is "$caught" 1 "stopped while merging, for SIG$sig (try $tries)"
    [ "$caught" -eq 1 ] || continue
    kill -$sig $pid
    kill -CONT $pid
    wait $pid
    [ $? -gt 128 ]
    ok $? "SIG$sig stops the addition"
    [ -f "$TMP/view.try/iamglass" ] && [ ! -e "$TMP/view.try/XAPIANDB" ]
    ok $? "the index is back in the stub's place"
    is "$(count "$TMP/view.try")" "$(count "$TMP/view.db")" "as it was before the addition"
done

# Started with SIGHUP ignored (under nohup), the indexer leaves it ignored:
# a hangup while the stub stands does not stop the addition.
caught=0
stop_merging "$TMP/view.db" "$DAY/1916-01-03.jsonl.gz" HUP && caught=1
is "$caught" 1 "stopped while merging, started with SIGHUP ignored (try $tries)"
if [ "$caught" -eq 1 ]; then
    kill -HUP $pid
    kill -CONT $pid
    wait $pid
    is $? 0 "SIGHUP ignored, the addition ends"
    is "$(count "$TMP/view.try")" "$(count "$TMP/view1.db")" "with the new articles"
fi

# A writer waiting for the lock while workers add: once they are done, it
# writes to the index put in place, and holds it: a third writer is refused.
# The waiting writer reads a named pipe: once the test has the pipe open,
# the writer holds the index it writes to.
mkfifo "$TMP/pipe" 2>/dev/null || skip_rest=1
if [ -z "${skip_rest:-}" ]; then
    "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/wait.db" "$DAY/1916-01-01.jsonl.gz" || exit 99
    "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/wait.db" "$DAY/1916-01-03.jsonl.gz" &
    adder=$!
    i=0
    while [ $i -lt 200 ] && ! ls -d "$TMP"/wait.db.new-* >/dev/null 2>&1; do
        sleep 0.05
        i=$((i + 1))
    done
    "$NEWSGREP_INDEX" --quiet --wait --db "$TMP/wait.db" "$TMP/pipe" &
    waiter=$!
    wait $adder
    is $? 0 "the addition by workers ends"
    exec 3>"$TMP/pipe"
    "$NEWSGREP_INDEX" --db "$TMP/wait.db" "$DATA/dumpdir/sub/column.txt" 2>"$TMP/err" 3>&-
    is $? 2 "the writer that waited holds the lock of the index in place: a third writer is refused"
    printf '{"id": "waited-1", "title": "Harbour report", "body": "Pilots waited for the tide."}\n' >&3
    exec 3>&-
    wait $waiter
    is $? 0 "the writer that waited ends"
    like "$("$NEWSGREP_INDEX" --list-dumps --db "$TMP/wait.db")" "pipe$" "its articles are in the index"
    like "$("$NEWSGREP_INDEX" --list-dumps --db "$TMP/wait.db")" "1916-01-03\.jsonl\.gz$" "and so are the workers'"
fi

done_testing
