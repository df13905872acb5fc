#!/bin/sh
# Where phrases read where words stand: the index's forward file (the
# default), or Xapian's positions kept as well with newsgrep-index
# --positions, which a shard served by xapian-tcpsrv needs; the same
# answers either way, and an index made so is added to so.
. "${top_srcdir:-.}/tests/lib.sh"

"$NEWSGREP_INDEX" --quiet --db "$TMP/plain.db" "$CORPUS" >/dev/null 2>&1
ok $? "an index without Xapian's positions"
"$NEWSGREP_INDEX" --quiet --positions --db "$TMP/both.db" "$CORPUS" >/dev/null 2>&1
ok $? "an index with --positions"
[ ! -s "$TMP/plain.db/position.glass" ] && [ -s "$TMP/plain.db/newsgrep-forward" ]
ok $? "by default the words' positions are in the forward file only"
[ -s "$TMP/both.db/position.glass" ] && [ -s "$TMP/both.db/newsgrep-forward" ]
ok $? "with --positions in Xapian's positions as well"
plain=$(du -sk "$TMP/plain.db" | cut -f1) both=$(du -sk "$TMP/both.db" | cut -f1)
[ "$plain" -lt "$both" ]
ok $? "the index without them is smaller ($plain against $both KiB)"

for q in '"prime minister"' '"the government of"' 'coalition NEAR/3 withdraw*' 'president ADJ/2 said' \
    '"us troop*"' '("prime minister" OR premier) -"the prime"'; do
    a=$("$NEWSGREP" --db "$TMP/plain.db" --json -n 30 "$q" 2>&1)
    b=$("$NEWSGREP" --db "$TMP/both.db" --json -n 30 "$q" 2>&1)
    [ -n "$a" ] && [ "$a" = "$b" ]
    ok $? "$q: the same answers from the forward file as from Xapian's positions"
done

# A shard served by xapian-tcpsrv is read through Xapian alone: its phrases
# need its positions.
remote_checks="a --positions index served by xapian-tcpsrv|an addition to it|its added passages have positions"
skip_remote() { # skip the remote checks from the Nth on, for REASON
    echo "$remote_checks" | tr '|' '\n' | tail -n +"$1" | while read -r what; do skip "$what" "$2"; done
    tap_n=$((tap_n + $(echo "$remote_checks" | tr '|' '\n' | tail -n +"$1" | wc -l)))
}
if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    skip_remote 1 "xapian-tcpsrv is not installed"
    done_testing
    exit
fi
serve() { # serve DB: a xapian-tcpsrv on a free port; $port and $server set
    for port in $(seq $((20000 + $$ % 20000)) $((20000 + $$ % 20000 + 20))); do
        # a session of its own: on SIGTERM it signals its whole process group
        setsid xapian-tcpsrv --port "$port" "$1" >"$TMP/tcpsrv.log" 2>&1 &
        server=$!
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            grep -q "Listening" "$TMP/tcpsrv.log" 2>/dev/null && return 0
            kill -0 "$server" 2>/dev/null || break
            sleep 0.2
        done
        kill "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    done
    return 1
}
if serve "$TMP/both.db"; then
    printf 'remote localhost:%s\n' "$port" >"$TMP/remote.stub"
    a=$("$NEWSGREP" --db "$TMP/both.db" -n 10 --rank=passage '"prime minister"' 2>&1 | grep -v '^$' | sed 's/\x1b\[[0-9;]*m//g')
    b=$("$NEWSGREP" --db "$TMP/remote.stub" -n 10 --rank=passage '"prime minister"' 2>&1 | grep -v '^$' |
        sed 's/\x1b\[[0-9;]*m//g')
    [ -n "$a" ] && [ "$a" = "$b" ]
    ok $? "a --positions index served by xapian-tcpsrv: the same phrase answers"
    kill "$server"
    wait "$server" 2>/dev/null
    # added to later without the option, by workers: the new passages have
    # positions too
    "$NEWSGREP_INDEX" --quiet --jobs 2 --db "$TMP/both.db" "$DATA/mixed.jsonl" >/dev/null 2>&1
    [ $? -ne 2 ]
    ok $? "an addition to it"
    if serve "$TMP/both.db"; then
        printf 'remote localhost:%s\n' "$port" >"$TMP/remote.stub"
        got=$("$NEWSGREP" --db "$TMP/remote.stub" -l '"harbour strike"' 2>&1)
        is "$got" "good-1" "its added passages have positions: the phrase where it stands, not where its words are apart"
        kill "$server"
        wait "$server" 2>/dev/null
    else
        skip_remote 3 "no port for xapian-tcpsrv"
    fi
else
    skip_remote 1 "no port for xapian-tcpsrv"
fi

done_testing
