#!/bin/sh
# One writer at a time: a second newsgrep-index fails at once with a clear
# message, or waits with --wait; searches keep working while an index is
# written. A writer reading a named pipe holds the index for as long as the
# test keeps the pipe open, so nothing here depends on timing.
. "${top_srcdir:-.}/tests/lib.sh"

mkfifo "$TMP/pipe" 2>/dev/null || skip_all "cannot make a named pipe"
db="$TMP/news.db"
"$NEWSGREP_INDEX" --quiet --db "$db" "$DATA/dumpdir/day1.jsonl" || exit 99

# The first writer takes the lock, then opens the pipe: once our end of the
# pipe is open, the lock is surely held.
"$NEWSGREP_INDEX" --quiet --batch 5 --db "$db" "$TMP/pipe" 2>"$TMP/first.err" &
first=$!
exec 3>"$TMP/pipe"

"$NEWSGREP_INDEX" --db "$db" "$DATA/dumpdir/sub/column.txt" >"$TMP/out" 2>"$TMP/err" 3>&-
is $? 2 "a second writer fails at once: exit 2"
is "$(cat "$TMP/err")" \
    "newsgrep-index: index $db is locked: another newsgrep-index is writing to it (--wait waits for it to finish)" \
    "with a message that says so and what to do"
"$NEWSGREP_INDEX" --dry-run --quiet "$DATA/dumpdir/sub/column.txt"
ok $? "a dry run needs no index, locked or not"
"$NEWSGREP_INDEX" --list-dumps --db "$db" >"$TMP/list"
ok $? "--list-dumps reads a locked index"
like "$(cat "$TMP/list")" "day1\.jsonl$" "and shows the dumps of its last commit"

# A second writer with --wait: it cannot finish while the first holds the lock.
"$NEWSGREP_INDEX" --quiet --wait --db "$db" "$DATA/dumpdir/sub/column.txt" 2>"$TMP/wait.err" 3>&- &
waiter=$!

# Searches while the first writer ingests, batch after batch.
fails=0 searches=0
i=0
while [ $i -lt 12 ]; do
    j=0
    while [ $j -lt 25 ]; do
        printf '{"id": "pipe-%d-%d", "title": "Harbour report %d", "body": "Harbour pilots and dock workers, day %d, item %d."}\n' \
            $i $j $i $i $j >&3
        j=$((j + 1))
    done
    "$NEWSGREP" --db "$db" --any harbour heatwave >/dev/null 2>"$TMP/search.err" 3>&-
    [ $? -le 1 ] || { fails=$((fails + 1)); sed 's/^/#   /' "$TMP/search.err"; }
    searches=$((searches + 1))
    i=$((i + 1))
done
is "$fails" 0 "$searches searches while the index is written all work (exit 0 or 1)"
kill -0 "$waiter" 2>/dev/null
ok $? "the waiting writer is still waiting while the first one writes"

exec 3>&-
wait "$first"
is $? 0 "the first writer ends well when its input ends"
wait "$waiter"
is $? 0 "then the waiting writer gets the index and ends well"
is "$(cat "$TMP/wait.err")" "" "without a message"

"$NEWSGREP" --db "$db" -n 1000 --all-passages harbour >"$TMP/out"
is "$(grep -c '^pipe-' "$TMP/out")" 300 "the 300 articles piped in are all searchable"
"$NEWSGREP" --db "$db" shade >/dev/null
ok $? "and so is the waiting writer's article"
"$NEWSGREP" --db "$db" cattle >/dev/null
ok $? "and the article that was there before"
is "$("$NEWSGREP_INDEX" --list-dumps --db "$db" | awk 'NR > 1 { print $4 }' | sort -n | tr '\n' ' ')" "1 1 300 " \
    "the ledger has the three dumps, the pipe with its 300 articles"

done_testing
