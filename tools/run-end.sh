#!/bin/bash
# run-end.sh - the end of `make run` (tools/run.sh), once its boots are
# done: the table of the logs (tools/experiment.sh) and its CSV, the chart
# (tools/report.sh, quietly), one line for each row that is not a plain
# measurement, and where every output is.
#
# usage: tools/run-end.sh OUT_DIR [--balance N=LOG]... BASELINE_LOG EXPERIMENT_LOG
#        (after OUT_DIR, tools/experiment.sh's arguments); writes
#        OUT_DIR/experiment.csv and, with gnuplot, OUT_DIR/experiment.png
#
# Exit status: tools/experiment.sh's (0: the table is complete).
set -u
cd "$(dirname "$0")/.." || exit 125
if [ $# -lt 3 ]; then
	echo "usage: $0 OUT_DIR [--balance N=LOG]... BASELINE_LOG EXPERIMENT_LOG" >&2
	exit 1
fi
out=$1
shift
base=${*: -2:1} exp=${*: -1}
mkdir -p "$out" || exit 1
bash tools/experiment.sh "$@" "$out/experiment.csv"
status=$?
# The chart, quietly (tools/report.sh prints the table again).
chart=
command -v gnuplot >/dev/null && bash tools/report.sh "$@" "$out" >/dev/null 2>&1 &&
	chart=$out/experiment.png
echo
echo "Rows that are not plain measurements:"
echo "  start, CPU: the CPU work of creating and readying one instance, other VMs' turns left out"
echo "  start latency, recovery: wall clock on the one CPU, other VMs' turns included"
echo "  least memory, VMs: the RAM each touched of its mem=2M (backed as touched)"
echo "  density, VMs: as many as fit in 16 MiB, each at the peak one copy alone reached"
echo "  density, containers: made one after another until the host's memory ran out"
echo "  bare / instance: a ratio of CPU figures, 1.000 = as fast as bare"
echo "  blast radius: deliberate failures (a triple fault, a null pointer, the kernel bug), counted"
echo "  balance a skewed load, VMs: CPU-bound VMs all started on CPU 0, until every CPU had one to run"
echo "  balance a skewed load, containers: an autoscaled service under load, from its start to the count it keeps"
echo "  CPU-bound VMs on N CPUs: the same VMs' run, first created to last stopped, on 1, 2 and 4 CPUs"
echo "  image size: file sizes of the stripped guest kernel and program"
echo "  a different OS: Debian's own kernel, unmodified, booted once the other VMs have stopped"
echo
echo "Outputs:"
printf '  %-26s %s\n' "$out/experiment.csv" "every figure, metric,model,value,unit"
if [ -n "$chart" ]; then
	printf '  %-26s %s\n' "$chart" "the chart (make report draws it again)"
else
	echo "  (no chart: gnuplot is missing or failed; make report says why)"
fi
printf '  %-26s %s\n' "$base" "the baseline's whole console"
printf '  %-26s %s\n' "$exp" "the experiment's whole console (docs/experiments.md explains each line)"
for a in "$@"; do
	case $a in
	[124]=*) printf '  %-26s %s\n' "${a#*=}" "the balance run's console, on ${a%%=*} CPU$([ "${a%%=*}" = 1 ] || echo s)" ;;
	esac
done
exit $status
