#!/bin/bash
# growth.sh - how start, switch cost and memory grow with the number of
# VMs and of containers, from 1 to the density limit: a CSV and a chart
# (part of `make report`), from the logs `make bench` leaves in
# build/bench/ (tools/bench.sh). Under Bochs every figure is an exact
# instruction count.
#
#   VMs: mica's copies=N runs of a spinning guest (tests/iso/bench-switch-
#   {2,16,256}.cfg: vm_create_each_N, vm_switch_N, vm_frames_each_N) and
#   the density run of the hello VM at its limit (bench-density.cfg:
#   vm_density, vm_create_each, vm_switch, vm_frames_each).
#   Containers: the container host's density step of bin/idle, which
#   prints at 1, 2, 4 .. containers the start (CPU work) of the last one
#   and the memory each holds (container_start_cpu_N, container_kib_each_N),
#   up to its limit; and one process switch (process_switch, 2 processes).
#
# usage: tools/growth.sh [BENCH_DIR [OUT_DIR]]   (build/bench, build)
# Writes OUT_DIR/growth.csv (model,n,what,value,unit; model vm: the
# spinning guest, vm_hello: the hello VM at the density limit, container)
# and OUT_DIR/growth.png.
# Exit status: 0, or 1 if a log or a figure is missing, or no chart.
set -u
cd "$(dirname "$0")/.." || exit 1
bench=${1:-build/bench}
out=${2:-build}
csv=$out/growth.csv
png=$out/growth.png
status=0

# fig LOG NAME: the value of "bench: NAME VALUE" in LOG.
fig() {
	sed 's/\r//g' "$bench/$1.log" 2>/dev/null |
		sed -n "s/^\(\[[^]]*\] \)\{0,2\}\(mica: \)\{0,1\}bench: $2 \([0-9][0-9]*\)$/\3/p" | head -n 1
}
for log in switch-2 switch-16 switch-256 density containers; do
	if [ ! -f "$bench/$log.log" ]; then
		echo "growth: no $bench/$log.log: run the benchmarks first (make bench)"
		exit 1
	fi
done
mkdir -p "$out" || exit 1
{
	echo "model,n,what,value,unit"
	row() { # MODEL N WHAT VALUE UNIT
		if [ -z "$4" ]; then
			echo "growth: missing: $3 of $1 at $2" >&2
			status=1
			return
		fi
		echo "$1,$2,$3,$4,$5"
	}
	for n in 2 16 256; do
		row vm "$n" start "$(fig "switch-$n" "vm_create_each_$n")" instructions
		row vm "$n" switch "$(fig "switch-$n" "vm_switch_$n")" instructions
		f=$(fig "switch-$n" "vm_frames_each_$n")
		row vm "$n" memory "${f:+$((f * 4))}" KiB
	done
	n=$(fig density vm_density)
	row vm_hello "${n:-0}" start "$(fig density vm_create_each)" instructions
	row vm_hello "${n:-0}" switch "$(fig density vm_switch)" instructions
	f=$(fig density vm_frames_each)
	row vm_hello "${n:-0}" memory "${f:+$((f * 4))}" KiB
	limit=$(fig containers container_density)
	for n in $(sed -n 's/^.*bench: container_start_cpu_\([0-9]*\) .*/\1/p' "$bench/containers.log"); do
		row container "$n" start "$(fig containers "container_start_cpu_$n")" instructions
		row container "$n" memory "$(fig containers "container_kib_each_$n")" KiB
	done
	row container 2 switch "$(fig containers process_switch)" instructions
	# At the limit: the memory the density line says they took, over their number.
	line=$(sed -n 's/^.*guest: density: \([0-9]*\) containers of .*(\([0-9]*\) KiB of kernel memory left of \([0-9]*\))$/\1 \2 \3/p' \
		"$bench/containers.log" | head -n 1)
	read -r count left before <<<"${line:-0 0 0}"
	[ "$count" = "$limit" ] && [ "$count" -gt 0 ] || count=
	row container "${limit:-0}" memory "${count:+$(((before - left) / count))}" KiB
} >"$csv" 2>"$out/growth.err"
cat "$out/growth.err" >&2
[ -s "$out/growth.err" ] && status=1
echo "growth: wrote $csv"

if ! command -v gnuplot >/dev/null; then
	echo "growth: no gnuplot, so no chart (apt-get install gnuplot-nox)"
	exit 1
fi
term=png
gnuplot -e 'set terminal pngcairo' 2>/dev/null && term=pngcairo
data=$(mktemp -d) || exit 1
trap 'rm -rf "$data"' EXIT
for m in vm vm_hello container; do
	for w in start switch memory; do
		awk -F, -v m=$m -v w=$w '$1 == m && $3 == w { print $2, $4 }' "$csv" | sort -n >"$data/$m-$w"
	done
done
if ! gnuplot <<EOF
set terminal $term size 1400,480 font "sans,10"
set output "$png"
set multiplot layout 1,3 title "How VMs and containers grow with their number, 1 to the density limit (make bench under Bochs: instructions)"
set logscale x 2
set logscale y
set grid
set xlabel "instances at once"
set key top left
set title "start: VM created (mica's work); container created and ready (CPU work)"
set ylabel "instructions"
plot "$data/vm-start" using 1:2 with linespoints title "VMs (a spinning guest)", \
     "$data/vm_hello-start" using 1:2 with points pointsize 2 title "hello VMs at the density limit", \
     "$data/container-start" using 1:2 with linespoints title "containers"
set title "switch: VM switch; process switch (2 processes)"
plot "$data/vm-switch" using 1:2 with linespoints title "VMs (a spinning guest)", \
     "$data/vm_hello-switch" using 1:2 with points pointsize 2 title "hello VMs at the density limit", \
     "$data/container-switch" using 1:2 with points pointsize 2 title "containers"
set title "memory each: frames at the peak; kernel memory taken"
set ylabel "KiB"
plot "$data/vm-memory" using 1:2 with linespoints title "VMs (a spinning guest)", \
     "$data/vm_hello-memory" using 1:2 with points pointsize 2 title "hello VMs at the density limit", \
     "$data/container-memory" using 1:2 with linespoints title "containers"
unset multiplot
EOF
then
	echo "growth: gnuplot failed"
	exit 1
fi
[ -s "$png" ] || { echo "growth: gnuplot drew no chart"; exit 1; }
echo "growth: wrote $png"
exit $status
