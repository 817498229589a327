#!/bin/bash
# timeout: 300
# The experiment of `make run` (tests/iso/experiment.cfg, the default entry
# of tools/grub.cfg), booted twice in Bochs: every figure is there for
# tools/experiment.sh, the cpu app's checksum is the same in VMs and
# containers, and the two runs give identical instruction counts.
source "$(dirname "$0")/../lib.sh"

for run in a b; do
	boot_bochs "experiment-$run.log" 240 build/iso-experiment.iso
	check_status 1 "run_${run}_ends_with_the_planned_failure"
done
LOG=experiment-a.log
check_line "$LOG" '^\[containers\] guest: kernel-bug: container attacker-1, pid 1: .*\(4 containers running\)$' bug_takes_4_containers
check_line "$LOG" '^mica: vm containers: exited with code 4$' host_down
for i in 1 2 3 4; do
	check_line "$LOG" "^\[vm-$i\] result app=cpu checksum=0x87cd2bce " "vm_${i}_checksum"
	check_line "$LOG" "^\[containers\] \[cpu-$i\] result app=cpu checksum=0x87cd2bce " "container_${i}_checksum"
done
# Every figure: the lines the table is made of, run a against run b.
figures() { grep -aE '(summary|bench): ' "$OUT/$1"; }
# Both runs must have printed figures: the diff of two empty lists is empty.
na=$(figures experiment-a.log 2>/dev/null | grep -c 'summary: ')
nb=$(figures experiment-b.log 2>/dev/null | grep -c 'summary: ')
if ((na == 0 || nb == 0)); then
	result FAIL two_runs_identical_counts "summary lines: run a ${na:-0}, run b ${nb:-0}; want some in both"
elif diff <(figures experiment-a.log) <(figures experiment-b.log) > "$OUT/experiment-diff.txt"; then
	result PASS two_runs_identical_counts
else
	result FAIL two_runs_identical_counts "see $OUT/experiment-diff.txt"
fi
# The table: every row filled from this run's log.
if bash tools/experiment.sh tests/fixtures/experiment/baseline.log "$OUT/experiment-a.log" \
	"$OUT/experiment-a.csv" > "$OUT/experiment-a.table" 2>&1; then
	result PASS table_complete
else
	result FAIL table_complete "see $OUT/experiment-a.table"
fi
