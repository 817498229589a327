#!/bin/bash
# timeout: 300
# The experiment of `make run` (build/iso-experiment.iso, tests/iso/
# experiment.cfg, the default entry of tools/grub.cfg) and its bare
# baseline (build/baseline.iso), booted in Bochs, the experiment twice:
# every figure is there for tools/experiment.sh, the cpu app's checksum is
# the same in VMs and containers, the two runs print the same log line for
# line, and every figure of README.md and docs/ that comes from these runs
# is the one committed (tools/docs.sh --check names any that is not).
source "$(dirname "$0")/../lib.sh"

boot_bochs experiment-baseline.log 120 build/baseline.iso
check_status 0 baseline_exit_0
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
# The two runs, line for line (without carriage returns and GRUB's
# terminal escapes), and each with its summary tables.
clean() { sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' "$OUT/$1"; }
for run in a b; do
	check_line "experiment-$run.log" '^mica: summary: vm-1 ' "run_${run}_has_mica_summary"
	check_line "experiment-$run.log" '^\[containers\] summary: cpu-1 ' "run_${run}_has_container_summary"
done
if diff <(clean experiment-a.log) <(clean experiment-b.log) >"$OUT/experiment-diff.txt"; then
	result PASS two_runs_same_log_line_for_line
else
	result FAIL two_runs_same_log_line_for_line "$(grep -c '^[<>]' "$OUT/experiment-diff.txt") lines differ; see $OUT/experiment-diff.txt"
fi
# The table: every row filled from this run's logs.
CSV=$OUT/experiment-a.csv
if bash tools/experiment.sh "$OUT/experiment-baseline.log" "$OUT/experiment-a.log" "$CSV" \
	>"$OUT/experiment-a.table" 2>&1; then
	result PASS table_complete
else
	result FAIL table_complete "see $OUT/experiment-a.table"
fi
# The docs: every figure, table and quote of these runs as committed.
if bash tools/docs.sh --check baseline="$OUT/experiment-baseline.log" experiment="$OUT/experiment-a.log" \
	>"$OUT/experiment-docs.txt" 2>&1; then
	result PASS docs_figures_current
else
	result FAIL docs_figures_current "$(grep -c ': committed \|is not generated\|: no \|bad ' "$OUT/experiment-docs.txt") stale; make docs regenerates them:
$(grep -v '^docs: regenerate' "$OUT/experiment-docs.txt" | head -n 20)"
fi
