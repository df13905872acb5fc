#!/bin/sh
# newsgrep as a user meets it, over the shipped corpus: ranking, the all-words
# default and --any, stemming, phrases, collapsing, highlighting.
. "${top_srcdir:-.}/tests/lib.sh"

db=$(corpus_db)
ng() { "$NEWSGREP" --db "$db" "$@"; }

# The demo query: the seed's paragraph where Sudani calls on the coalition to withdraw.
out=$(ng "coalition withdrawal")
ok $? "coalition withdrawal matches (exit 0)"
is "$(printf '%s\n' "$out" | head -1)" \
    "seed/000_63da0c3924deb257.txt#9  Baghdad, Washington to start talks to end US military presence in Iraq" \
    "the first hit is the seed's paragraph 9, with id, passage number and title"
like "$(printf '%s\n' "$out" | sed -n 2p)" "^  Washington has carried out strikes .*al-Sudani calling on the coalition to withdraw from the country\.$" \
    "the passage follows, indented, in full"

# All words by default; --any ranks passages with any of them.
all=$(ng --all-passages -n 1000 coalition withdrawal | grep -c '^  ')
any=$(ng --all-passages -n 1000 --any coalition withdrawal | grep -c '^  ')
only_coalition=$(ng --all-passages -n 1000 coalition | grep -c '^  ')
only_withdraw=$(ng --all-passages -n 1000 withdrawal | grep -c '^  ')
test "$all" -ge 1 && test "$all" -lt "$any"
ok $? "--any finds more passages ($any) than the all-words default ($all)"
is "$any" "$((only_coalition + only_withdraw - all))" "--any finds exactly the passages with either word"
ng --all-passages -n 1000 coalition withdrawal | grep '^  ' >"$TMP/and"
is "$(grep -ic 'coalition' "$TMP/and")" "$all" "every all-words passage contains coalition"
is "$(grep -Eic 'withdr[ae]w' "$TMP/and")" "$all" "and a form of withdraw"

# The same words, however given: stems, case, several arguments.
is "$(ng coalition withdrawal)" "$out" "words as separate arguments are one query"
is "$(ng "COALITIONS WITHDRAWING")" "$out" "case and inflection do not matter"

# Hit count and collapsing.
is "$(ng -n 3 --any Iraq | grep -c '^  ')" 3 "-n 3 prints three hits"
is "$(ng -n 1000 Daesh | grep -c '^seed/')" 1 "by default one passage per article"
ng -n 1000 --all-passages Daesh | grep '^seed/' >"$TMP/seed"
is "$(wc -l <"$TMP/seed" | tr -d ' ')" 4 "--all-passages shows each of the 4 seed passages with Daesh"
is "$(sort -u "$TMP/seed" | wc -l | tr -d ' ')" 4 "each passage once"

# Phrases, and words the analyzer splits into phrases.
like "$(ng '"security partnership"' | head -1)" "^seed/000_63da0c3924deb257\.txt#5 " "a quoted phrase matches"
ng '"partnership security"' >/dev/null
is $? 1 "a phrase's words must be in order"
like "$(ng al-Sudani | head -1)" "^seed/000_63da0c3924deb257\.txt#9 " "al-Sudani is the phrase al Sudani"
like "$(ng 2500 troops | head -1)" "^seed/000_63da0c3924deb257\.txt#6 " "2500 finds 2,500"
like "$(ng U.S. Iraq -n 100)" "^seed/000_63da0c3924deb257\.txt#" "U.S. finds US"

# Ranking is by BM25 score, best first; ties are stable run to run.
is "$(ng --any -n 50 Iraq coalition troops)" "$(ng --any -n 50 Iraq coalition troops)" "the same query gives the same ranking"

# Dates and sources appear when known.
like "$(ng -n 1 Hajj stampede | head -1)" "^wn-en-[0-9a-f]+#[0-9]+  [0-9]{4}-[0-9]{2}-[0-9]{2}  Wikinews  " "a Wikinews hit shows date and source"

# Highlighting: never in a pipe, always when asked, on a terminal unless NO_COLOR.
esc=$(printf '\033')
unlike "$out" "$esc" "no escape sequences when the output is not a terminal"
col=$(ng --color=always "coalition withdrawal" | sed -n 2p)
like "$col" "${esc}\[01;31mcoalition${esc}\[m" "--color=always highlights coalition"
like "$col" "${esc}\[01;31mwithdraw${esc}\[m" "and withdraw, the stem's other form"
is "$(printf '%s\n' "$col" | grep -o "${esc}\[01;31m" | wc -l | tr -d ' ')" 2 "and nothing else in the passage"
is "$(NO_COLOR=1 ng --color=always "coalition withdrawal")" "$(ng --color=always "coalition withdrawal")" "--color=always beats NO_COLOR"
is "$(ng --color=never "coalition withdrawal")" "$out" "--color=never is plain"
if script -qec true /dev/null >/dev/null 2>&1; then
    tty=$(script -qec "'$NEWSGREP' --db '$db' -n 1 coalition withdrawal" /dev/null </dev/null)
    like "$tty" "${esc}\[01;31mcoalition" "on a terminal, matches are coloured"
    tty=$(NO_COLOR=1 script -qec "'$NEWSGREP' --db '$db' -n 1 coalition withdrawal" /dev/null </dev/null)
    unlike "$tty" "$esc" "on a terminal with NO_COLOR set, nothing is coloured"
fi

# Control characters in the data never reach the terminal.
"$NEWSGREP_INDEX" --quiet --db "$TMP/ctl.db" "$DATA/control.jsonl"
ctl=$("$NEWSGREP" --db "$TMP/ctl.db" --color=never escape)
ok $? "an article with escape characters is found"
unlike "$ctl" "$esc" "its escape characters are printed as spaces"
like "$ctl" "^esc-1#1  Escape  \[31mtitle$" "in the title too"

done_testing
