#!/bin/bash
# timeout: 900
# VMs moved between CPUs keep their state. mica on 2 and on 4 CPUs in
# Bochs starts seven test=move guests on CPU 0 (tests/iso/smp-move.cfg:
# six free to move, one pinned there with cpu=0). Each fills a buffer of
# its RAM and checksums it CPU-bound, and at every check compares its sums,
# its timer ticks, its TSC and the registers the CPU holds for it (an SSE
# register, IA32_KERNEL_GS_BASE, CR2). The balancer must spread them: moves
# happen, every VM that moved says it ran on more than one CPU, the pinned
# one never moves, and every VM ends with exit code 0 with every check
# right: a move lost neither memory, nor time, nor registers.
source "$(dirname "$0")/../lib.sh"

for n in 2 4; do
	LOG=smp-move-$n-bochs.log
	CPUS=$n boot_bochs "$LOG" 420 build/iso-smp-move.iso
	check_line "$LOG" "^mica: $n CPUs found, $n in VMX operation, $n running guests$" guests_on_${n}_cpus
	for vm in a b c d e f pin; do
		check_line "$LOG" "^\\[$vm\\] move: [0-9]+ checks, 0 bad; [1-9][0-9]* sums, 0 wrong; registers lost 0 times$" \
			${vm}_kept_its_state_on_$n
		check_line "$LOG" "^mica: vm $vm: exited with code 0( \\(cpu [0-9]+\\))?$" ${vm}_exit_0_on_$n
	done
	check_no_line "$LOG" '^\[[a-z]+\] move: check [0-9]+: BAD' no_bad_check_on_$n
	# Moves: some VM moved and ran on two CPUs or more; a VM that says it
	# moved names more than one CPU; the pinned VM stayed on CPU 0.
	check_line "$LOG" '^mica: vm [a-f]: moved [1-9][0-9]* times between CPUs \(ran on cpus [0-9]+( [0-9]+)+\), [1-9][0-9]* TSC each$' \
		vms_moved_on_$n
	check_no_line "$LOG" '^mica: vm [a-z]+: moved [1-9][0-9]* times between CPUs \(ran on cpus [0-9]+\)' \
		no_move_without_a_second_cpu_on_$n
	check_line "$LOG" '^mica: vm pin: moved 0 times between CPUs \(ran on cpus 0\), 0 TSC each$' \
		pinned_vm_stays_on_$n
	check_line "$LOG" "^mica: summary: 7 VMs on $n CPUs took [1-9][0-9]* TSC; [1-9][0-9]* moves between CPUs, [1-9][0-9]* TSC each$" \
		summary_counts_moves_on_$n
	check_line "$LOG" '^mica: 7 VMs: 7 exited with 0, 0 failed, 0 crashed; ' all_seven_ok_on_$n
	check_no_line "$LOG" 'panic|unhandled|: crashed' no_crash_on_$n
	check_status 0 exit_code_0_on_$n
done
