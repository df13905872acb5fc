#!/bin/sh
# The query language and the grep-like options of newsgrep, end to end over
# corpus/: operators checked against the sets of passages they combine,
# filters, every output mode, --json read back by python3, counts and
# timelines checked against counts made another way, -C, a closed pipe.
. "${top_srcdir:-.}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed to read the JSON back"

db=$(corpus_db)
ng() { "$NEWSGREP" --db "$db" "$@"; }
# run ARGS...: sets $rc, $out (stdout) and $err (stderr).
run() {
    "$NEWSGREP" --db "$db" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    out=$(cat "$TMP/out")
    err=$(cat "$TMP/err")
}
# passages QUERY...: the ids (ID#N) of every matching passage, sorted.
passages() {
    ng --all-passages -n 100000 "$@" | sed -n 's/^\([^ ][^ ]*#[0-9][0-9]*\)  .*/\1/p' | sort
}
count_lines() { printf '%s' "$1" | grep -c . | tr -d ' '; }
SEED=seed/000_63da0c3924deb257.txt

# --- operators, checked as set operations ------------------------------------
passages Iraq >"$TMP/iraq"
passages Syria >"$TMP/syria"
passages Iraq Syria >"$TMP/both"
test -s "$TMP/iraq" && test -s "$TMP/syria" && test -s "$TMP/both"
ok $? "Iraq, Syria and both have passages"
is "$(passages 'Iraq -Syria')" "$(comm -23 "$TMP/iraq" "$TMP/syria")" "Iraq -Syria: the Iraq passages without Syria"
is "$(passages 'Iraq NOT Syria')" "$(comm -23 "$TMP/iraq" "$TMP/syria")" "NOT is the same"
is "$(passages -- Iraq -Syria)" "$(comm -23 "$TMP/iraq" "$TMP/syria")" "and so are words after --"
is "$(passages 'Iraq OR Syria')" "$(sort -u "$TMP/iraq" "$TMP/syria")" "Iraq OR Syria: either"
is "$(passages 'Iraq AND Syria')" "$(cat "$TMP/both")" "Iraq AND Syria: both, as juxtaposed"
is "$(passages --any 'Iraq AND Syria')" "$(cat "$TMP/both")" "AND requires both even with --any"
is "$(passages --any '+Iraq Syria')" "$(cat "$TMP/iraq")" "--any +Iraq Syria: Iraq required, Syria optional"
is "$(passages '(Iraq OR Syria) -(Iraq Syria)')" \
    "$(sort "$TMP/iraq" "$TMP/syria" | uniq -u)" "parentheses: one of them but not both"
ng --all-passages -n 10000 'war or peace' | grep '^  ' >"$TMP/or-word"
test -s "$TMP/or-word" && ! grep -qviw 'or' "$TMP/or-word" && ! grep -qvi 'peac' "$TMP/or-word"
ok $? "lower-case or is a word: every passage has it, and peace"
test "$(wc -l <"$TMP/or-word")" -lt "$(passages 'war OR peace' | wc -l)"
ok $? "far fewer passages than war OR peace"
is "$(passages '"Prime Minister"')" "$(passages 'Prime ADJ/1 Minister')" "ADJ/1 is a phrase"
passages '"Prime Minister" NEAR/5 Iraq' >"$TMP/near"
test -s "$TMP/near" && test -z "$(comm -23 "$TMP/near" "$TMP/iraq")" &&
    test -z "$(passages '"Prime Minister"' | comm -13 - "$TMP/near")"
ok $? "a phrase NEAR a word: passages with both"

# NEAR and ADJ, checked on the words of each passage
ng --json --all-passages -n 10000 'coalition NEAR/3 withdraw*' >"$TMP/near.json"
ng --json --all-passages -n 10000 'coalition ADJ/3 withdraw*' >"$TMP/adj.json"
python3 - "$TMP/near.json" "$TMP/adj.json" >"$TMP/near.out" <<'EOF'
import json, re, sys
def check(path, ordered):
    n = 0
    for line in open(path, encoding="utf-8"):
        words = re.findall(r"\w+", json.loads(line)["text"].lower())
        a = [i for i, w in enumerate(words) if w.startswith("coalition")]
        b = [i for i, w in enumerate(words) if w.startswith("withdr")]
        good = any(0 < (j - i if ordered else abs(j - i)) <= 3 for i in a for j in b)
        if not good:
            return "no: %s" % line[:80]
        n += 1
    return n
print(check(sys.argv[1], False), check(sys.argv[2], True))
EOF
like "$(cat "$TMP/near.out")" "^[1-9][0-9]* [0-9]+$" "NEAR/3 and ADJ/3: every passage has the words within 3 ($(cat "$TMP/near.out"))"

# wildcards
passages withdraw >"$TMP/w1"
passages withdrawn >"$TMP/w2"
passages 'withdraw*' >"$TMP/wall"
test -s "$TMP/w2" && test -z "$(sort -u "$TMP/w1" "$TMP/w2" | comm -23 - "$TMP/wall")"
ok $? "withdraw* finds every passage of withdraw and of withdrawn"
ng --json -n 50 'withdraw*' >"$TMP/wild.json"
python3 - "$TMP/wild.json" >"$TMP/wild.out" <<'EOF'
import json, sys
bad = 0; n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    hit = json.loads(line)
    text = hit["text"].encode("utf-8")
    for s, e in hit["highlights"]:
        n += 1
        if not text[s:e].decode("utf-8").lower().startswith("withdr"):
            bad += 1
print(n, bad)
EOF
like "$(cat "$TMP/wild.out")" "^[1-9][0-9]* 0$" "withdraw*: each highlighted word begins with withdr"
run 'Iraq a*'
is "$rc" 2 "a* stands for too many terms: exit 2"
is "$err" "newsgrep: bad query at column 6: a* matches more than 1000 terms of the index: make the prefix longer" \
    "the message points at it and says what to do"

# fields
ng --json -n 1000 'title:earthquake' >"$TMP/title.json"
python3 -c '
import json, sys
titles = [json.loads(l)["title"].lower() for l in open(sys.argv[1], encoding="utf-8")]
print(len(titles), sum("earthquake" in t for t in titles))' "$TMP/title.json" >"$TMP/title.out"
like "$(cat "$TMP/title.out")" "^([1-9][0-9]*) \1$" "title:earthquake: every hit's title has the word"
python3 -c '
import gzip, json, sys
print(sum(1 for l in gzip.open(sys.argv[1], "rt", encoding="utf-8") if l.strip()))' \
    "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" >"$TMP/wn-count"
like "$(ng -c source:wikinews)" " in $(cat "$TMP/wn-count") articles$" \
    "source:wikinews matches every Wikinews article of the corpus ($(cat "$TMP/wn-count"))"
is "$(ng -c 'source:"The day book"' | sed 's/.* in //')" "$(ng -c 'source:"the  DAY book"' | sed 's/.* in //')" \
    "a source's name ignores case and runs of blanks"
is "$(passages "id:$SEED#9")" "$SEED#9" "id:ARTICLE#N is that passage"
is "$(passages "id:$SEED" | wc -l | tr -d ' ')" 10 "id:ARTICLE is its passages"

# stopwords
is "$(ng --any --stopwords -c 'the Daesh')" "$(ng --any -c Daesh)" "--any --stopwords leaves the out"
any_the=$(ng --any -c 'the Daesh' | cut -d' ' -f1)
test "$any_the" -gt "$(ng --any -c Daesh | cut -d' ' -f1)"
ok $? "without --stopwords, the counts ($any_the passages)"
is "$(ng --stopwords -c 'the Daesh')" "$(ng -c 'the Daesh')" "without --any, --stopwords changes nothing"
is "$(ng --any --stopwords -c '"the" Daesh')" "$(ng --any -c 'the Daesh')" "a quoted stopword stays"
"$NEWSGREP_INDEX" --quiet --language french --db "$TMP/fr.db" "$DATA/control.jsonl"
"$NEWSGREP" --db "$TMP/fr.db" --any --stopwords escape >/dev/null 2>"$TMP/err"
is $? 2 "--stopwords on an index without a list: exit 2"
is "$(cat "$TMP/err")" "newsgrep: --stopwords: no stopword list for 'french', the language of index $TMP/fr.db (lists: english)" \
    "the message names the language and the index"

# malformed queries, from the command line and from a file
run 'Iraq (Syria'
is "$rc:$err" "2:newsgrep: bad query at column 6: unbalanced parenthesis: no ) for this (" "an open parenthesis"
run 'Iraq AND'
is "$rc:$err" "2:newsgrep: bad query at column 6: AND needs a word after it" "an operator without operand"
run -- '-Syria'
is "$rc:$err" "2:newsgrep: bad query at column 1: nothing to exclude from: add a word to search for beside - or NOT" \
    "an exclusion alone"
run "$(printf 'Iraq \377')"
is "$rc:$err" "2:newsgrep: bad query at column 6: invalid UTF-8 (byte 0xFF): give the query in UTF-8" \
    "invalid UTF-8 in an argument"
run "$(printf '\303\251t\303\251 )')"
is "$err" "newsgrep: bad query at column 5: unbalanced parenthesis: no ( for this )" "columns count characters"
printf 'Iraq\000Syria' >"$TMP/nul"
run -f "$TMP/nul"
is "$rc:$err" "2:newsgrep: bad query at column 5: a NUL byte in the query" "a NUL byte in a query file"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "w%d ", i }' >"$TMP/many"
run -f "$TMP/many"
like "$rc:$err" "^2:newsgrep: bad query at column [0-9]+: too many words: a query may have at most 1000$" "10 000 words"
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "("; printf "Iraq"; for (i = 0; i < 1000; i++) printf ")" }' >"$TMP/deep"
run -f "$TMP/deep"
is "$rc:$err" "2:newsgrep: bad query at column 101: too many nested parentheses (at most 100)" "1 000 nested parentheses"
is "$(echo Daesh | ng -f -)" "$(ng Daesh)" "-f - reads the query from standard input"
printf '"security\npartnership"\n' >"$TMP/q"
is "$(ng -f "$TMP/q")" "$(ng '"security partnership"')" "a query file's lines are one query"
run -f "$TMP/q" Iraq
is "$rc:$err" "2:newsgrep: give the query as arguments or with -f, not both" "-f and arguments: exit 2"
run -f "$TMP/nowhere"
like "$rc:$err" "^2:newsgrep: cannot open query file $TMP/nowhere: " "a missing query file: exit 2"
run --bogus
like "$err" "a query word starting with - goes after --" "an unknown option says how to give -word"

# --- filters ------------------------------------------------------------------
ng --json -n 100000 --all-passages --since 2020-01 --until 2020-03-15 'coronavirus OR COVID*' >"$TMP/dates.json"
python3 -c '
import json, sys
dates = [json.loads(l)["date"] for l in open(sys.argv[1], encoding="utf-8")]
print(len(dates), sum("2020-01-01" <= d <= "2020-03-15" for d in dates))' "$TMP/dates.json" >"$TMP/dates.out"
like "$(cat "$TMP/dates.out")" "^([1-9][0-9]*) \1$" "--since/--until: every hit is in the range"
python3 -c '
import gzip, json, sys
n = 0
for l in gzip.open(sys.argv[1], "rt", encoding="utf-8"):
    if l.strip() and "2019-06-01" <= json.loads(l)["date"][:10] <= "2020-03-15":
        n += 1
print(n)' "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" >"$TMP/range-count"
like "$(ng -c --since 2019-06 --until 2020-03-15 source:wikinews)" " in $(cat "$TMP/range-count") articles$" \
    "--since 2019-06 --until 2020-03-15 counts what the dump holds in the range ($(cat "$TMP/range-count"))"
like "$(ng -n 1 --since 1916 --until 1916-01-02 war | head -1)" "^[^ ]+#[0-9]+  1916-01-0[12]  " \
    "the filter acts in the match: the best hit of the range, not of the whole"
a=$(ng -c --source wikinews war | sed 's/.* in //')
b=$(ng -c --source 'The day book' war | sed 's/.* in //')
ab=$(ng -c --source wikinews --source 'The day book' war | sed 's/.* in //')
is "$ab" "$(( ${a% articles} + ${b% articles} )) articles" "--source twice: either source"
is "$(ng -c --lang en war)" "$(ng -c --source wikinews war)" "--lang en: the Wikinews articles (the others have no language)"
is "$(ng -c --lang xx war; echo $?)" "$(printf '0 passages in 0 articles\n1')" "an unknown language: 0, exit 1"
run --since 2019-13 war
is "$rc:$err" "2:newsgrep: invalid date '2019-13' for --since: use YYYY, YYYY-MM or YYYY-MM-DD" "a bad date"
run --since 2021 --until 2020 war
is "$rc:$err" "2:newsgrep: --since 2021 is after --until 2020" "a range the wrong way"
run --source '' war
is "$rc" 2 "an empty --source: exit 2"

# --- output modes ---------------------------------------------------------------
l=$(ng -l Iraq)
is "$(count_lines "$l")" "$(printf '%s\n' "$l" | sort -u | grep -c .)" "-l: each article once"
is "$(ng -c Iraq)" "$(wc -l <"$TMP/iraq" | tr -d ' ') passages in $(count_lines "$l") articles" \
    "-c: the passages of --all-passages and the articles of -l"
is "$(ng -c --json Iraq)" "{\"passages\":$(wc -l <"$TMP/iraq" | tr -d ' '),\"articles\":$(count_lines "$l")}" "-c --json"
is "$(ng -l -n 3 Iraq)" "$(printf '%s\n' "$l" | head -3)" "-l -n 3: the three best"
is "$(ng -l --offset 2 -n 2 Iraq)" "$(printf '%s\n' "$l" | sed -n 3,4p)" "-l --offset 2 -n 2: the next two"
is "$(ng -l --json -n 1 Iraq)" "{\"id\":\"$(printf '%s\n' "$l" | head -1)\"}" "-l --json"
is "$(ng -m 4 Iraq)" "$(ng -n 4 Iraq)" "-m is -n"
is "$(ng --max-count=4 Iraq)" "$(ng --hits 4 Iraq)" "--max-count is --hits"
is "$(ng -n 3 --offset 2 Iraq | grep -v '^ ' | grep .)" "$(ng -n 5 Iraq | grep -v '^ ' | grep . | sed -n 3,5p)" \
    "--offset 2 -n 3: hits 3 to 5"
run --offset 1000 Iraq
is "$rc:$out" "1:" "--offset past every hit: nothing, exit 1"
is "$(ng --all-passages --offset 1 -n 4294967295 Iraq | grep -v '^ ' | grep .)" \
    "$(ng --all-passages -n 4294967295 Iraq | grep -v '^ ' | grep . | sed 1d)" \
    "--all-passages --offset 1 -n 4294967295: every hit but the first (offset + limit past 2^32)"
is "$(ng --rank=passage --offset 1 -n 4294967295 Iraq | grep -v '^ ' | grep .)" \
    "$(ng --rank=passage -n 4294967295 Iraq | grep -v '^ ' | grep . | sed 1d)" \
    "--rank=passage --offset 1 -n 4294967295: every hit but the first"
run -c zzyzzyva
is "$rc:$out" "1:0 passages in 0 articles" "-c with no match: 0, exit 1"
run -l -c Iraq
is "$rc:$err" "2:newsgrep: -l, -c, --timeline and --trec-run exclude each other: choose one" "-l with -c: exit 2"

# --scores, --sort
ng --scores -n 20 --any Iraq troops >"$TMP/scores"
like "$(head -1 "$TMP/scores")" "^[^ ]+#[0-9]+  [0-9]+\.[0-9]{4}  " "--scores: the score follows ID#N"
grep -v '^ ' "$TMP/scores" | grep . | awk '{ print $2 }' >"$TMP/s"
is "$(sort -rn "$TMP/s")" "$(cat "$TMP/s")" "best score first"
ng --json -n 100 --sort=date war >"$TMP/asc.json"
ng --json -n 100 --sort=-date war >"$TMP/desc.json"
python3 -c '
import json, sys
def dates(p): return [json.loads(l)["date"] or "" for l in open(p, encoding="utf-8")]
a, d = dates(sys.argv[1]), dates(sys.argv[2])
print(len(a) == 100 and a == sorted(a), len(d) == 100 and d == sorted(d, reverse=True), max(a) <= d[0])' \
    "$TMP/asc.json" "$TMP/desc.json" >"$TMP/sort.out"
is "$(cat "$TMP/sort.out")" "True True True" "--sort=date oldest first, --sort=-date newest first"
run --sort=newest war
is "$rc" 2 "an unknown --sort: exit 2"

# -C: the neighbouring passages of the article
out=$(ng -C 1 -n 1 "coalition withdrawal")
is "$(printf '%s\n' "$out" | head -1 | cut -d' ' -f1)" "$SEED#9" "-C 1: the hit is the seed's passage 9"
is "$(printf '%s\n' "$out" | grep -c '^- ')" 2 "with one passage before and one after"
is "$(printf '%s\n' "$out" | sed -n 2p)" "- $(ng --all-passages "id:$SEED#8" | sed -n 's/^  //p')" "before it, passage 8"
is "$(printf '%s\n' "$out" | sed -n 4p)" "- $(ng --all-passages "id:$SEED#10" | sed -n 's/^  //p')" "after it, passage 10"
grep -qF "$(printf '%s\n' "$out" | sed -n 's/^- //p' | head -1)" "$CORPUS/$SEED"
ok $? "as the article has it"
is "$(printf '%s\n' "$out" | sed -n 3p)" "$(ng -n 1 "coalition withdrawal" | sed -n 2p)" "the hit's own passage, indented"
out=$(ng -C 3 --all-passages "id:$SEED#1")
is "$(printf '%s\n' "$out" | grep -c '^- ')" 3 "-C 3 at the first passage: three after, none before"
is "$(printf '%s\n' "$out" | sed -n 2p | cut -c1-2)" "  " "the hit comes first"
out=$(ng -C 5 --all-passages "id:$SEED#10")
is "$(printf '%s\n' "$out" | grep -c '^- ')" 5 "-C 5 at the last passage: five before, none after"
ng --json -C 2 -n 1 "coalition withdrawal" >"$TMP/ctx.json"
is "$(python3 -c '
import json, sys
h = json.loads(open(sys.argv[1]).read())
print([c["passage"] for c in h["context"]])' "$TMP/ctx.json")" "[7, 8, 10]" "-C 2 --json: the context array (the article ends at 10)"

# --json, read back
ng --json -n 30 --any 'Iraq coalition Daesh' >"$TMP/hits.json"
python3 - "$TMP/hits.json" >"$TMP/json.out" <<'EOF'
import json, sys
fields = ["id", "passage", "score", "date", "source", "title", "url", "language", "text", "highlights"]
n = bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    hit = json.loads(line)
    n += 1
    text = hit["text"].encode("utf-8")
    spans = hit["highlights"]
    ok = list(hit) == fields and isinstance(hit["passage"], int) and isinstance(hit["score"], float)
    ok = ok and all(hit[f] is None or isinstance(hit[f], str) for f in ["date", "source", "title", "url", "language"])
    ok = ok and len(spans) > 0 and all(0 <= s < e <= len(text) for s, e in spans)
    ok = ok and all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
    words = [text[s:e].decode("utf-8").lower() for s, e in spans]
    ok = ok and all(w.startswith(("iraq", "coalit", "daesh")) for w in words)
    bad += not ok
print(n, bad)
EOF
n=$(ng -c --any 'Iraq coalition Daesh' | sed 's/.* in \([0-9]*\) articles/\1/')
[ "$n" -gt 30 ] && n=30
is "$(cat "$TMP/json.out")" "$n 0" "--json: $n objects with every field, highlights on the query's words"
is "$(ng --json -n 30 --any 'Iraq coalition Daesh' | python3 -c '
import json, sys
print("\n".join("%s#%d" % (h["id"], h["passage"]) for h in map(json.loads, sys.stdin)))')" \
    "$(ng -n 30 --any 'Iraq coalition Daesh' | grep -v '^ ' | grep . | cut -d' ' -f1)" "the same hits as the text output"
"$NEWSGREP_INDEX" --quiet --db "$TMP/latin1.db" "$DATA/latin1"
ok $? "a Latin-1 text article indexes"
if [ -d "$TMP/latin1.db" ]; then
    "$NEWSGREP" --db "$TMP/latin1.db" --json caf >"$TMP/latin1.json"
    is "$(python3 -c '
import json, sys
h = json.loads(open(sys.argv[1], encoding="utf-8").read())
t = h["text"].encode("utf-8")
print(h["text"], [t[s:e].decode() for s, e in h["highlights"]])' "$TMP/latin1.json")" \
        "Un café caf ['caf']" "Latin-1 bytes are read as Windows-1252 at indexing: JSON text in UTF-8, offsets follow"
fi

# --timeline: the counts, checked against the hits and against the dump
ng --json --all-passages -n 100000 war >"$TMP/war.json"
python3 - "$TMP/war.json" >"$TMP/war.expected" <<'EOF'
import collections, json, sys
arts = {}
for line in open(sys.argv[1], encoding="utf-8"):
    h = json.loads(line)
    arts[h["id"]] = (h["date"] or "")[:7]
per = collections.Counter(arts.values())
for p in sorted(k for k in per if k):
    print(p, per[p])
if "" in per:
    print("undated", per[""])
EOF
ng --timeline --json war | python3 -c '
import json, sys
for h in map(json.loads, sys.stdin):
    print(h["period"] or "undated", h["articles"])' >"$TMP/war.timeline"
test -s "$TMP/war.timeline"
ok $? "--timeline --json war has periods"
is "$(cat "$TMP/war.timeline")" "$(cat "$TMP/war.expected")" "--timeline: articles per month, as the hits have them"
is "$(ng --timeline war | awk '$1 != "..." && $2 != 0 { print $1, $2 }')" "$(cat "$TMP/war.timeline")" \
    "the bar chart's numbers are the same"
like "$(ng --timeline=year war)" "^\.\.\. +\([0-9]+ years without a match\)$" "a run of empty years is one line"
like "$(ng --timeline war | head -1)" "^1916-01 +[0-9]+ #+$" "a line: period, count, bar"
python3 - "$CORPUS/wikinews-en/wikinews-en.jsonl.gz" >"$TMP/wn.expected" <<'EOF'
import collections, gzip, json, sys
per = collections.Counter(json.loads(l)["date"][:4] for l in gzip.open(sys.argv[1], "rt", encoding="utf-8") if l.strip())
for p in sorted(per):
    print(p, per[p])
EOF
is "$(ng --timeline=year --json source:wikinews | python3 -c '
import json, sys
for h in map(json.loads, sys.stdin):
    print(h["period"], h["articles"])')" "$(cat "$TMP/wn.expected")" "--timeline=year of source:wikinews: the dump's articles per year"
python3 - "$TMP/war.json" >"$TMP/war.days" <<'EOF'
import collections, json, sys
per = collections.Counter((json.loads(l)["date"] or "undated") for l in open(sys.argv[1], encoding="utf-8"))
for p in sorted(k for k in per if k != "undated"):
    print(p, per[p])
if "undated" in per:
    print("undated", per["undated"])
EOF
is "$(ng --timeline=day --all-passages --json war | python3 -c '
import json, sys
for h in map(json.loads, sys.stdin):
    print(h["period"] or "undated", h["passages"])')" "$(cat "$TMP/war.days")" \
    "--timeline=day --all-passages: passages per day"
run --timeline zzyzzyva
is "$rc:$out" "1:" "a timeline of nothing: no output, exit 1"
run --timeline=week war
is "$rc" 2 "--timeline=week: exit 2"

# --- pipes ---------------------------------------------------------------------
esc=$(printf '\033')
unlike "$(ng --timeline war; ng -l war; ng -c war)" "$esc" "no colour in a pipe in any mode"
ng --json -n 1 --all-passages --any 'the' >"$TMP/long.json"
long=$(python3 -c '
import json, sys
print(json.loads(open(sys.argv[1], encoding="utf-8").read())["text"])' "$TMP/long.json")
is "$(ng -n 1 --all-passages --any the | sed -n 's/^  //p')" "$long" "a passage is printed whole, never cut"
(
    "$NEWSGREP" --db "$db" --all-passages -n 100000 --any the of and war
    echo $? >"$TMP/pipe-rc"
) 2>"$TMP/pipe-err" | head -1 >"$TMP/pipe-out"
is "$(cat "$TMP/pipe-rc")" 0 "a closed pipe (| head -1): exit 0, as if all was read"
is "$(cat "$TMP/pipe-err")" "" "and not a word on stderr"
is "$(wc -l <"$TMP/pipe-out" | tr -d ' ')" 1 "head got its line"
(
    trap '' PIPE
    "$NEWSGREP" --db "$db" --json --all-passages -n 100000 --any the of and war
    echo $? >"$TMP/pipe-rc"
) 2>"$TMP/pipe-err" | head -c 100 >/dev/null
is "$(cat "$TMP/pipe-rc"):$(cat "$TMP/pipe-err")" "0:" "the same when SIGPIPE was ignored by the caller"
if [ -w /dev/full ]; then
    "$NEWSGREP" --db "$db" Iraq >/dev/full 2>"$TMP/full-err"
    is "$?" 2 "a full disk is an error: exit 2"
    like "$(cat "$TMP/full-err")" "^newsgrep: error writing output: " "with a message"
fi

done_testing
