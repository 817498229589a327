#!/bin/bash
# report.sh - the experiment's report, behind `make report`: the table of
# tools/experiment.sh from the two logs of `make run`, its CSV, and a chart
# of the main figures, VMs against containers, drawn with gnuplot
# (docs/experiments.md).
#
# usage: tools/report.sh [--balance N=LOG]... [BASELINE_LOG EXPERIMENT_LOG [OUT_DIR]]
#        (defaults: build/run/baseline.log, build/run/experiment.log, build;
#        e.g. tools/report.sh tests/fixtures/experiment/{baseline,experiment}.log
#        charts the fixture run). --balance: the balance runs' logs, as
#        tools/experiment.sh takes them; without logs given, those of
#        `make run` (build/run/balance-N.log) that are there, so that the
#        CSV is the one `make run` wrote.
#
# Writes OUT_DIR/experiment.csv and OUT_DIR/experiment.png, and prints their
# paths. Exit status: 0, or 1 if a log is missing, a figure is missing
# (the CSV says which), or the chart could not be drawn.
set -u
cd "$(dirname "$0")/.." || exit 1
balance=()
while [ "${1:-}" = --balance ]; do
	balance+=("$1" "${2:-}")
	shift 2 || shift
done
if [ $# = 0 ] && [ ${#balance[@]} = 0 ]; then
	for n in 1 2 4; do
		[ ! -f "build/run/balance-$n.log" ] || balance+=(--balance "$n=build/run/balance-$n.log")
	done
fi
baseline=${1:-build/run/baseline.log}
experiment=${2:-build/run/experiment.log}
out=${3:-build}
csv=$out/experiment.csv
png=$out/experiment.png

for log in "$baseline" "$experiment"; do
	if [ ! -f "$log" ]; then
		echo "report: no $log: run the experiment first (make run)"
		exit 1
	fi
done
mkdir -p "$out" || exit 1
bash tools/experiment.sh "${balance[@]}" "$baseline" "$experiment" "$csv"
status=$?
echo
echo "report: wrote $csv"

if ! command -v gnuplot >/dev/null; then
	echo "report: no gnuplot, so no chart (apt-get install gnuplot-nox)"
	exit 1
fi
# Debian's gnuplot-nox has pngcairo; a build without cairo has png (libgd).
term=png
gnuplot -e 'set terminal pngcairo' 2>/dev/null && term=pngcairo

# The chart's data: one line per figure, "label" vm container, from the CSV.
data=$(mktemp) || exit 1
trap 'rm -f "$data"' EXIT
awk -F, '
	NR > 1 { v[$1, $2] = $3 }
	function bar(label, metric) {
		if (v[metric, "vm"] == "missing" || v[metric, "container"] == "missing") return
		printf "\"%s\" %s %s\n", label, v[metric, "vm"], v[metric, "container"]
	}
	END {
		bar("start latency p50, TSC", "start_latency_p50")
		bar("recovery, TSC", "recovery")
		bar("CPU of the cpu app, TSC", "cpu_time")
		bar("crossing, TSC", "crossing_cost")
		bar("switch, TSC", "switch_cost")
		bar("memory each, KiB", "memory_per_instance")
		bar("density in " v["density_budget", "vm"] / 1024 " MiB", "density")
		bar("image, bytes", "image_size")
	}' "$csv" >"$data"
if [ ! -s "$data" ]; then
	echo "report: no figure to chart"
	exit 1
fi

if ! gnuplot <<EOF
set terminal $term size 1200,640 font "sans,10"
set output "$png"
set title "VMs (unikernels on mica) against containers (one container-host VM): figures of one boot under Bochs\n(TSC = instructions; log scale; lower is better, but for density)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [1:*]
set format y "10^{%L}"
set grid ytics
set xtics nomirror rotate by -15 offset -1,0
set key top right
# Bar values, short: 6.53M, 409k, 305.
short(x) = x >= 1e6 ? sprintf("%.2fM", x / 1e6) : x >= 1e4 ? sprintf("%.0fk", x / 1e3) : sprintf("%.0f", x)
plot "$data" using 2:xtic(1) title "VMs" linecolor rgb "#3b6ea5", \
     "" using 3 title "containers" linecolor rgb "#d9822b", \
     "" using (\$0 - 1.0/6):2:(short(\$2)) with labels offset 0,0.6 font ",8" notitle, \
     "" using (\$0 + 1.0/6):3:(short(\$3)) with labels offset 0,0.6 font ",8" notitle
EOF
then
	echo "report: gnuplot failed"
	exit 1
fi
if [ ! -s "$png" ]; then
	echo "report: gnuplot drew no chart"
	exit 1
fi
echo "report: wrote $png"
exit $status
