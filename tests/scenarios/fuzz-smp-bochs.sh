#!/bin/bash
# timeout: 420
# The guest fuzzer on one CPU and the canary on another, on 2 and 4 CPUs
# in Bochs (tests/iso/fuzz-smp.cfg): 20 hostile cases in two VMs pinned
# to CPU 0 while the canary, pinned to CPU 1, holds a memory pattern and
# checks it. mica stays up to its own last line, every case ends with a
# reason, and the canary's pattern is intact.
source "$(dirname "$0")/../lib.sh"

for n in 2 4; do
	LOG=fuzz-smp-$n-bochs.log
	CPUS=$n boot_bochs "$LOG" 360 build/iso-fuzz-smp.iso
	count() { grep -acE "$1" "$OUT/$LOG"; }
	cases=$(count '^\[fuzz[0-9]\] guest: fuzz: seed [0-9]+ case [0-9]+: ')
	ended=$(count '^mica: vm fuzz[0-9]: (crashed: |exited with code |halted ).*\(cpu 0\)$')
	if ((cases == 20)); then result PASS twenty_cases_ran_$n; else result FAIL twenty_cases_ran_$n "$cases cases"; fi
	if ((ended == cases)); then
		result PASS every_case_ends_on_cpu0_$n
	else
		result FAIL every_case_ends_on_cpu0_$n "$cases cases, $ended ends reported on cpu 0"
	fi
	check_line "$LOG" '^\[canary\] result app=mem checksum=0xed1f6b1f ' canary_memory_intact_$n
	check_line "$LOG" '^mica: vm canary: exited with code 0 \(cpu 1\)$' canary_exit_0_on_cpu1_$n
	check_line "$LOG" '^mica: [0-9]+ VMs: ' mica_reached_its_summary_$n
	check_no_line "$LOG" '^mica: panic' mica_never_panics_$n
	check_status 1 exit_code_1_fuzzed_vms_failed_$n
done
