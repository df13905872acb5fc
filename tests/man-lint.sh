#!/bin/sh
# The man pages: groff finds nothing to warn about, and each page documents
# every option that its program's --help lists.
. "${top_srcdir:-.}/tests/lib.sh"

GROFF=${GROFF:-$(command -v groff)}
[ -n "$GROFF" ] || skip_all "groff is not installed"

for page in newsgrep.1 newsgrep-index.1 newsgrep-formats.5; do
    warnings=$("$GROFF" -ww -t -man -z "$top_srcdir/man/$page" 2>&1)
    is "$warnings" "" "$page: groff -ww -man reports nothing"
done

# options_of PROGRAM: the long options its --help shows, one per line.
options_of() {
    "$1" --help | grep -Eo -- '--[a-z][a-z-]*' | sort -u
}
# documented PAGE OPTION: the page has the option, written as roff \-\- or --.
documented() {
    sed 's/\\-/-/g; s/\\f[BIRP]//g' "$top_srcdir/man/$1" | grep -q -- "$2"
}
for pair in "$NEWSGREP:newsgrep.1" "$NEWSGREP_INDEX:newsgrep-index.1"; do
    prog=${pair%:*} page=${pair##*:}
    for opt in $(options_of "$prog"); do
        documented "$page" "$opt"
        ok $? "$page documents $opt"
    done
done

done_testing
