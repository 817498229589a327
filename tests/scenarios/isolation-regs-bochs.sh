#!/bin/bash
# Isolation of the registers the CPU holds: a hostile VM sets DR0-DR3 on
# addresses mica uses (its entry, its stack), enables them in DR7, sets
# DR6, IA32_DEBUGCTL and CR8 = 15, and sleeps, over and over. Beside it
# two bystanders first read the reset values, then set values of their
# own, sleep while the hostile VM runs, and must read back exactly
# theirs; then the MOV DR rules and string I/O (tests/guest/test_regs.c,
# which runs bare in tests/scenarios/regs-bare-qemu.sh too). No
# breakpoint may fire in mica, and every frame comes back. A fourth VM
# makes the MOV DR rules its first debug-register accesses, which mica
# emulates (test=regs-first), where the bystanders run them on the CPU.
source "$(dirname "$0")/../lib.sh"

LOG=isolation-regs-bochs.log

boot_bochs "$LOG" 240 build/iso-isolation-regs.iso
check_ktap "$LOG"
# Its data breakpoints lie in mica's boot stack, which every exit uses.
read -r lo hi < <(nm build/mica.elf | awk '$3 == "boot_stack" { l = $1 } $3 == "boot_stack_top" { h = $1 } END { print l, h }')
bps=$(sed -n 's/^\[hostile\] guest: test: hostile: .* DR0-DR3 = 0x[0-9a-f]* \(0x[0-9a-f]*\) \(0x[0-9a-f]*\) \(0x[0-9a-f]*\),.*/\1 \2 \3/p' "$OUT/$LOG")
ok=0
for a in $bps; do
	((a >= 16#$lo && a < 16#$hi)) && ok=$((ok + 1))
done
if ((ok == 3)); then
	result PASS hostile_breakpoints_in_mica_stack
else
	result FAIL hostile_breakpoints_in_mica_stack "breakpoints '$bps', mica's boot stack [0x$lo, 0x$hi)"
fi
check_line "$LOG" '^\[hostile\] guest: test: hostile: ([1-9][0-9]|[1-9][0-9][0-9]+) rounds .*its own values kept in ([0-9]+)' hostile_ran_many_rounds
check_line "$LOG" '^mica: vm hostile: exited with code 0$' hostile_kept_its_own_values
for b in bystander1 bystander2; do
	check_line "$LOG" "^\[$b\] stringio: a line written by rep outsb$" "${b}_rep_outsb_line_whole"
	check_line "$LOG" "^\[$b\] stringio: this line crosses a page boundary$" "${b}_page_crossing_line_whole"
	check_line "$LOG" "^\[$b\] stringio: this line was written backwards$" "${b}_backwards_line_whole"
	check_line "$LOG" "^mica: vm $b: exited with code 0$" "${b}_exit_0"
done
check_line "$LOG" '^mica: vm hostile: [0-9]+ exits:.* dr-access [12] ' hostile_debug_registers_exit_until_used
# test=regs-first: the MOV DR rules as first accesses, emulated by mica.
check_line "$LOG" '^mica: vm first: [0-9]+ exits:.* dr-access (9|[1-9][0-9]+) ' first_accesses_emulated
check_line "$LOG" '^mica: vm first: exited with code 0$' first_exit_0
check_no_line "$LOG" '^mica: panic|debug exception' mica_never_panics
check_no_line "$LOG" '^mica: vm [a-z0-9]+: crashed' no_vm_crashed
check_frames_returned "$LOG" every_frame_returned
check_status 0 exit_code_0
