#!/bin/sh
# bench/report.py's record of every run: a run's row in bench/runs.tsv is
# computed from its measurements (the ratios the targets name), a run
# recorded again replaces its row, rows stay newest first, and the table
# made from them has every figure in its column; the shipped runs.tsv is
# well formed.
. "${top_srcdir:-.}/tests/lib.sh"

PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || skip_all "python3 is not installed"
REPORT="$top_srcdir/bench/report.py"

# a run's measurements, made up so that each figure is known
work="$TMP/work"
mkdir "$work"
tab=$(printf '\t')
cat >"$work/index.tsv" <<END
newsgrep${tab}100.0${tab}190.0${tab}40960${tab}81920
newsgrep-1${tab}180.0${tab}178.0${tab}40960${tab}40960
nightly${tab}50.0${tab}90.0${tab}40960${tab}81920
fts5${tab}20.0${tab}19.0${tab}16384${tab}16384
scriptindex${tab}250.0${tab}240.0${tab}180000${tab}180000
END
printf 'newsgrep\t2300\nfts5\t1000\nscriptindex\t3000\n' >"$work/size.tsv"
# one query per mode, so that every percentile is that query's time
for row in "inproc and 1.0" "inproc or 2.0" "inproc phrase 4.0" "process and 10.0" "process or 12.0" \
    "process phrase 14.0" "fts5 and 50.0" "fts5 or 40.0" "fts5 phrase 20.0"; do
    set -- $row
    printf '%s\t%s\tq\t%s\t10\n' "$1" "$2" "$3"
done >"$work/queries.tsv"
echo 45.5 >"$work/nightly.searchable"
echo "2026-12-07 01:00" >"$work/started"
echo abc1234 >"$work/code"
echo 9.1 >"$work/own-code"

runs="$TMP/runs.tsv"
"$PY" "$REPORT" record "$work" 500 "$runs"
ok $? "a run is recorded in a new file"
is "$(sed -n 1p "$runs" | awk -F '\t' '{ print NF, $1, $NF }')" "20 run index_x_fts5" "the columns are named on the first line"
# the CPU column is this machine's; every other figure follows from the above
is "$(sed -n 2p "$runs" | cut -f 1,2,4-)" \
    "$(printf '2026-12-07 01:00\t500\tabc1234\t100.0\t250.0\t2.50\t1.80\t9.1\t45.5\t50.0\t2.00\t20.0\t50.0\t20.0\t5.0\t3.96\t14.0\t12.0\t2.30')" \
    "the run's row: seconds, ratios to the peers, percentiles"
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
case $model in
*"AMD EPYC"*) kind="AMD EPYC" ;;
*Xeon*) kind=Xeon ;;
*) kind=$model ;;
esac
is "$(sed -n 2p "$runs" | cut -f 3)" "$kind" "the processor's kind"

"$PY" "$REPORT" record "$work" 500 "$runs"
is "$(wc -l <"$runs" | tr -d ' ')" 2 "a run recorded again replaces its row"
echo "2026-12-06 23:00" >"$work/started"
rm "$work/own-code" "$work/nightly.searchable"
"$PY" "$REPORT" record "$work" 500 "$runs"
is "$(cut -f 1 "$runs" | tr '\n' ',')" "run,2026-12-07 01:00,2026-12-06 23:00," "an earlier run goes below"
is "$(sed -n 3p "$runs" | cut -f 9,10)" "$(printf -- '-\t-')" "a figure not measured is -"

table=$("$PY" "$REPORT" runs "$runs")
like "$table" '^## Every whole run' "the table has its heading"
like "$table" '^\| 2026-12-07 01:00 \| 500 \| [^|]+ \| abc1234 \| 100\.0 \| 250\.0 \| 2\.50 \| 1\.80 \| 9\.1% \| 45\.5, 50\.0 \| 2\.00 \(20\.0\) \| 50\.0, 20\.0, 5\.0 \| 3\.96, 14\.0 \| 12\.0 \| 2\.30 \|$' \
    "a run's cells in the table"
like "$table" '^\| 2026-12-06 23:00 \|.*\| - \| 50\.0 \| 2\.00' "without a search during the merge, the one nightly figure"

# the shipped record: every row has every column, and the table a cell each
shipped="$top_srcdir/bench/runs.tsv"
is "$(awk -F '\t' '{ print NF }' "$shipped" | sort -u)" 20 "bench/runs.tsv: 20 columns on every line"
is "$("$PY" "$REPORT" runs "$shipped" | grep '^| [0-9]' | awk -F '|' '{ print NF }' | sort -u)" 17 \
    "bench/runs.tsv: 15 cells in every row of its table"

done_testing
