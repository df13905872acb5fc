#!/bin/sh
# Ranking options of newsgrep: --bm25, --scores, and TREC runs of topics
# (--trec-run, --topics) as the relevance evaluation uses them.
. "${top_srcdir:-.}/tests/lib.sh"

db=$(corpus_db)
ng() { "$NEWSGREP" --db "$db" "$@"; }

# --bm25 sets the parameters; the scores move with them.
s1=$(ng --scores -n 1 coalition | head -1 | awk '{print $2}')
s2=$(ng --scores -n 1 --bm25=1.2,0.75,0.5 coalition | head -1 | awk '{print $2}')
is "$s2" "$s1" "--bm25=1.2,0.75,0.5 is the default"
s3=$(ng --scores -n 1 --bm25=0.5,0.3 coalition | head -1 | awk '{print $2}')
test "$s3" != "$s1"
ok $? "--bm25=0.5,0.3 gives other scores ($s3, not $s1)"
for bad in "" "1.2" "x,0.75" "1.2,1.5" "-1,0.5" "1.2,0.75,-1" "1.2,0.75,0.5,9" "1.2;0.75"; do
    ng --bm25="$bad" coalition >/dev/null 2>"$TMP/err"
    is $? 2 "--bm25='$bad' is refused"
done
like "$(cat "$TMP/err")" "invalid --bm25 '1.2;0.75'" "with a message naming it"

# How articles are ranked: --rank and --passage-weight.
best_passage=$(ng --all-passages --scores -n 1 --any Iraq coalition troops | head -1 | awk '{print $1, $2}')
is "$(ng --rank=passage --scores -n 1 --any Iraq coalition troops | head -1 | awk '{print $1, $2}')" "$best_passage" \
    "--rank=passage: the first article is the one of the best passage, with its score"
ng --scores -n 20 --any Iraq coalition troops >"$TMP/combined"
ng --scores -n 20 --any --rank=article Iraq coalition troops >"$TMP/article"
ng --scores -n 20 --any --passage-weight=0 Iraq coalition troops >"$TMP/weight0"
is "$(cat "$TMP/weight0")" "$(cat "$TMP/article")" "--passage-weight=0 ranks as --rank=article"
test "$(grep '#' "$TMP/combined" | awk '{print $2}' | head -1)" != "$(grep '#' "$TMP/article" | awk '{print $2}' | head -1)"
ok $? "the combined score adds the passage's to the article's"
is "$(grep '#' "$TMP/combined" | awk '{print $2}' | sort -gr | tr '\n' ' ')" "$(grep '#' "$TMP/combined" | awk '{print $2}' | tr '\n' ' ')" \
    "combined hits come best score first"
# an article's combined score: its article score plus 0.3 of its best passage's
art=$(awk '/^[^ ]/ && /#/ {print $2; exit}' "$TMP/article")
first=$(awk '/^[^ ]/ && /#/ {split($1, a, "#"); print a[1]; exit}' "$TMP/article")
pas=$(ng --all-passages --scores -n 1000 --any Iraq coalition troops | awk -v id="$first" '/^[^ ]/ && /#/ {split($1, a, "#"); if (a[1] == id) {print $2; exit}}')
comb=$(ng --scores -n 1000 --any Iraq coalition troops | awk -v id="$first" '/^[^ ]/ && /#/ {split($1, a, "#"); if (a[1] == id) {print $2; exit}}')
awk -v a="$art" -v p="$pas" -v c="$comb" 'BEGIN { d = a + 0.3 * p - c; exit !(d < 0.0002 && d > -0.0002) }'
ok $? "combined = article + 0.3 x best passage ($art + 0.3 x $pas = $comb)"
# An any-word query starts from the article documents: the candidates are
# the articles of best article score, and with --rank=article the first ten
# are exactly the first ten of all matching articles.
for q in "president wilson senate" "war germany" "coalition troops" "front page"; do
    # shellcheck disable=SC2086
    ng -l -n 10 --any --rank=article $q >"$TMP/ten"
    # shellcheck disable=SC2086
    ng -l -n 1000 --any --rank=article $q | head -10 >"$TMP/all"
    is "$(cat "$TMP/ten")" "$(cat "$TMP/all")" "--any --rank=article $q: the best ten of all articles"
done
# Articles whose title alone has the words rank high by article score but
# have no passage to show: the candidates go on past them.
i=0
while [ $i -lt 60 ]; do
    printf '{"id": "t%d", "title": "Quayside quayside report %d", "body": "Harbour pilots waited for the tide."}\n' $i $i
    i=$((i + 1))
done >"$TMP/titles.jsonl"
i=0
while [ $i -lt 12 ]; do
    printf '{"id": "b%d", "title": "Harbour report %d", "body": "A quayside crane fell over in the storm."}\n' $i $i
    i=$((i + 1))
done >>"$TMP/titles.jsonl"
"$NEWSGREP_INDEX" --quiet --db "$TMP/titles.db" "$TMP/titles.jsonl" || exit 99
"$NEWSGREP" --db "$TMP/titles.db" -l -n 10 --any quayside >"$TMP/ten"
is "$(grep -c '^b' "$TMP/ten")" 10 "--any: ten articles with a passage to show, past those with the words in their title only"

ng --rank=best coalition >/dev/null 2>"$TMP/err"
is $? 2 "--rank=best is refused"
ng --passage-weight=-1 coalition >/dev/null 2>"$TMP/err"
is $? 2 "--passage-weight=-1 is refused"

# TREC runs: the two topic formats give the same run.
ng --trec-run t1 --topics "$DATA/topics.tsv" >"$TMP/tsv.run" 2>"$TMP/err"
is $? 0 "--trec-run over TSV topics: exit 0"
like "$(cat "$TMP/err")" "topics\.tsv:5: topic 4 skipped: the query has no word to search for" \
    "a topic without words is skipped with FILE:LINE"
ng --trec-run t1 --topics "$DATA/topics.trec" >"$TMP/trec.run"
is $? 0 "--trec-run over TREC topics: exit 0"
is "$(cat "$TMP/trec.run")" "$(cat "$TMP/tsv.run")" "TREC <top> topics (title only) rank as the TSV ones"
is "$(awk 'NF != 6 || $2 != "Q0" || $6 != "t1"' "$TMP/tsv.run")" "" "every line is TOPIC Q0 DOCID RANK SCORE TAG"
is "$(cut -d' ' -f1 "$TMP/tsv.run" | uniq | tr '\n' ' ')" "1 2 3 " "topics in file order"
is "$(awk '$1 == p && ($4 != r + 1 || $5 > s) {print} {p = $1; r = $4; s = $5}' "$TMP/tsv.run")" "" \
    "ranks count up from 1 and scores never rise within a topic"
is "$(awk '$1 == 1 {print $3; exit}' "$TMP/tsv.run")" "seed/000_63da0c3924deb257.txt" "topic 1's first article is the seed"
is "$(awk '$1 == 1' "$TMP/tsv.run" | sort -k3,3 -u | wc -l | tr -d ' ')" "$(awk '$1 == 1' "$TMP/tsv.run" | wc -l | tr -d ' ')" \
    "one line per article by default"

# A topic ranks as --any over its words; its scores are those of --scores.
first=$(awk '$1 == 2 && $4 == 1 {printf "%s %.4f\n", $3, $5}' "$TMP/tsv.run")
shown=$(ng --any --scores -n 1 Hajj stampede pilgrims | head -1 | sed 's/#[0-9]*//' | awk '{print $1, $2}')
is "$shown" "$first" "topic 2 ranks as newsgrep --any does, with the same score"
# Operators mean nothing in a topic: NOT and OR are words.
printf '9\tIraq NOT Syria\n' >"$TMP/op.tsv"
printf '9\tIraq not Syria\n' >"$TMP/lower.tsv"
is "$(ng --trec-run t --topics "$TMP/op.tsv")" "$(ng --trec-run t --topics "$TMP/lower.tsv")" \
    "a topic's NOT is a plain word, not an operator"

# Depth and passage level.
is "$(ng --trec-run t --topics "$DATA/topics.tsv" -n 3 2>/dev/null | awk '$1 == 1' | wc -l | tr -d ' ')" 3 "-n sets the depth"
ng --trec-run t --topics "$DATA/topics.tsv" --all-passages 2>/dev/null >"$TMP/p.run"
is "$(awk '$3 !~ /#[0-9]+$/' "$TMP/p.run")" "" "--all-passages ranks passages: ids ARTICLE#N"
is "$(awk '$1 == 1 {print $3; exit}' "$TMP/p.run")" "seed/000_63da0c3924deb257.txt#9" "topic 1's first passage is the seed's 9th"

# Misuse.
ng --trec-run t >/dev/null 2>"$TMP/err"
is $? 2 "--trec-run without --topics: exit 2"
like "$(cat "$TMP/err")" "--trec-run needs --topics FILE" "with a message"
ng --topics "$DATA/topics.tsv" coalition >/dev/null 2>"$TMP/err"
is $? 2 "--topics without --trec-run: exit 2"
ng --trec-run t --topics "$DATA/topics.tsv" coalition >/dev/null 2>"$TMP/err"
is $? 2 "--trec-run with a query too: exit 2"
ng --trec-run "two words" --topics "$DATA/topics.tsv" >/dev/null 2>"$TMP/err"
is $? 2 "a tag with a space is refused"
ng --trec-run t --topics "$TMP/none.tsv" >/dev/null 2>"$TMP/err"
is $? 2 "a missing topics file: exit 2"
like "$(cat "$TMP/err")" "none\.tsv" "named in the message"
printf 'no tab here\n' >"$TMP/bad.tsv"
ng --trec-run t --topics "$TMP/bad.tsv" >/dev/null 2>"$TMP/err"
is $? 2 "a topics line without a tab: exit 2"
like "$(cat "$TMP/err")" "bad\.tsv:1: not a topic line" "named with its line"

done_testing
