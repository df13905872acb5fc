#!/bin/sh
# Set newsgrep up on a fresh Debian machine, then search or test:
#   ./quickstart.sh "coalition withdrawal"   build, index corpus/ when needed, search it
#   ./quickstart.sh check                     build, then run the tests (make check)
# Set-up progress goes to stderr; stdout carries only the search's hits.
set -eu
cd "$(dirname "$0")"

say() { printf 'quickstart: %s\n' "$*" >&2; }

if [ $# -eq 0 ]; then
    echo "usage: $0 QUERY...   (build, index corpus/, search)" >&2
    echo "       $0 check      (build, run the tests)" >&2
    exit 2
fi

# --- build dependencies (Debian package names) ---------------------------
PACKAGES="gcc g++ make autoconf automake pkg-config libxapian-dev xapian-tools
libstemmer-dev zlib1g-dev libjansson-dev libutf8proc-dev libjemalloc-dev groff-base python3"
# the tests run the programs under valgrind too (tests/cli-valgrind.sh)
[ "$*" = check ] && PACKAGES="$PACKAGES valgrind"
if command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for p in $PACKAGES; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        if [ "$(id -u)" -eq 0 ]; then
            say "installing:$missing"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -q >&2
            # shellcheck disable=SC2086
            apt-get install -y -q --no-install-recommends $missing >&2
        else
            say "missing packages; run this, then ./quickstart.sh again:"
            echo "sudo apt-get install -y$missing" >&2
            exit 1
        fi
    fi
else
    say "not a Debian system: make sure the equivalents of these are installed: $PACKAGES"
fi

# --- build ----------------------------------------------------------------
if [ ! -x configure ]; then
    say "autoreconf"
    autoreconf -fi >&2
fi
if [ ! -f Makefile ]; then
    say "configure"
    ./configure >&2
fi
say "make"
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
make -j"$jobs" >&2

if [ "$*" = check ]; then
    say "make check"
    exec make -j"$jobs" check
fi

# --- index corpus/ into the default index when missing or older ----------
db=${NEWSGREP_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/newsgrep/db}
case $db in /*) ;; *) db="$HOME/.local/share/newsgrep/db" ;; esac
if [ ! -f "$db/iamglass" ] || [ -n "$(find corpus -newer "$db/iamglass" | head -1)" ]; then
    say "indexing corpus/ into $db"
    index/newsgrep-index --db "$db" corpus >&2
fi

exec src/newsgrep --db "$db" "$@"
