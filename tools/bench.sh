#!/bin/sh
# bench.sh - mica's benchmarks, behind `make bench`. Each boots an ISO of
# tests/iso/bench-*.cfg in Bochs and prints the "bench: NAME VALUE" lines
# the guest wrote. Under Bochs, RDTSC counts instructions (one CPU,
# "clock: sync=none"), so every figure is an exact instruction count:
# repeatable, and a regression shows as a changed number.
#
# usage: tools/bench.sh        (after `make all` and the bench ISOs)
#
# Exit status: 0, or 1 if a benchmark did not report.
set -u
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/bench
status=0

for iso in build/iso-bench-*.iso; do
	name=$(basename "$iso" .iso)
	name=${name#iso-}
	log=build/bench/$name.log
	sh tools/bochs-run.sh --timeout 300 --log "$log" --bochs-log "build/bench/$name.bochs.log" "$iso"
	lines=$(sed -n 's/^\[[^]]*\] bench: //p' "$log")
	if [ -z "$lines" ]; then
		echo "$name: no result (see $log)"
		status=1
		continue
	fi
	echo "$lines" | while read -r metric value; do
		printf '%-32s %10s instructions (Bochs)\n' "$metric" "$value"
	done
done
exit $status
