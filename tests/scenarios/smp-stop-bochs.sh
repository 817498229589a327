#!/bin/bash
# timeout: 420
# A VM stopped from another CPU, on 2 and 4 CPUs in Bochs
# (tests/iso/smp-stop.cfg): the bystander, pinned to CPU 0, prints its
# clock; the critical VM, pinned to CPU 1, crashes, and its failure
# stops the bystander by a call to CPU 0 long before its 30 s are up.
# A module pinned to a CPU that does not exist gets one line, and the run
# ends with exit code 2 (a bad configuration).
source "$(dirname "$0")/../lib.sh"

for n in 2 4; do
	LOG=smp-stop-$n-bochs.log
	CPUS=$n boot_bochs "$LOG" 360 build/iso-smp-stop.iso
	check_line "$LOG" "^mica: vm nowhere: not created: cpu=9: give a CPU from 0 to $((n - 1)) \\(this machine has $n\\)$" \
		bad_cpu_one_line_$n
	check_line "$LOG" '^\[bystander\] ready app=clock ' bystander_ran_$n
	check_line "$LOG" '^mica: vm crashy: crashed: triple fault .* \(cpu 1\)$' crashy_crashed_on_cpu1_$n
	check_line "$LOG" '^mica: vm crashy: critical, failed: stopping every other VM$' stop_announced_$n
	check_line "$LOG" '^mica: vm bystander: stopped: critical VM crashy failed \(cpu 1\) \(cpu 0\)$' \
		bystander_stopped_on_cpu0_$n
	# Its output came before its stop line, and none after: it did stop.
	last_out=$(grep -anE '^\[bystander\] ' "$OUT/$LOG" | tail -n 1 | cut -d: -f1)
	stop=$(grep -anE '^mica: vm bystander: stopped: ' "$OUT/$LOG" | head -n 1 | cut -d: -f1)
	if [[ -n $last_out && -n $stop ]] && ((last_out < stop)); then
		result PASS bystander_output_then_stop_$n
	else
		result FAIL bystander_output_then_stop_$n "last output at line ${last_out:-none}, stop at ${stop:-none}"
	fi
	check_no_line "$LOG" '^\[bystander\] result ' bystander_cut_short_$n
	check_line "$LOG" '^mica: summary: bystander +stopped( +[0-9]+){8} +0$' summary_stopped_$n
	check_line "$LOG" '^mica: summary: crashy +crashed( +[0-9]+){8} +1$' summary_crashy_cpu1_$n
	check_no_line "$LOG" 'panic|unhandled' no_panic_$n
	check_status 2 exit_code_2_$n
done
