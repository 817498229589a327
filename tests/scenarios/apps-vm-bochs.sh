#!/bin/bash
# The same guest.elf and apps as tests/scenarios/apps-bare-qemu.sh, each
# as a VM under mica in Bochs: same ready and result lines, same
# checksums, the timer at the rate asked for (mica's virtual PIT and PIC,
# interrupts injected at VM entry).
source "$(dirname "$0")/../lib.sh"

declare -A SUM=([hello]=0x4340f9fc [cpu]=0x87cd2bce [mem]=0xed1f6b1f [clock]=0x00000003)
LOG=apps-vm-bochs.log
boot_bochs "$LOG" 150 build/iso-apps-vm.iso
for app in hello cpu mem clock; do
	check_line "$LOG" "^\[$app\] guest: running under mica: console and exit through hypercalls$" "${app}_detects_mica"
	check_line "$LOG" "^\[$app\] ready app=$app pid=1 tsc=[0-9]+$" "${app}_ready"
	check_line "$LOG" "^\[$app\] result app=$app checksum=${SUM[$app]} tsc=[0-9]+" "${app}_checksum"
	check_line "$LOG" "^mica: vm $app: exited with code 0$" "${app}_exit_0"
done
check_line "$LOG" '^\[clock\] result app=clock .* hz=100 measured_hz=(99|100|101)$' clock_ticks_at_100hz
check_line "$LOG" '^\[fast\] result app=clock .* hz=250 measured_hz=(249|250|251)$' clock_ticks_at_250hz
# A guest that never halts gets its timer interrupts all the same: the
# ticks it counted itself, at the rate asked for (a slice end also causes
# a preemption-timer exit, so counting those would prove nothing), and it
# never halted. A halted one is woken at each tick (300 ticks in 3 s: a
# few may coalesce).
check_line "$LOG" '^\[busy\] result app=clock .* ticks=(99|100|101) hz=100 measured_hz=(99|100|101)$' busy_guest_gets_ticks
check_line "$LOG" '^mica: vm busy: exited with code 0$' busy_exit_0
check_no_line "$LOG" '^mica: vm busy: [0-9]+ exits: .* hlt [0-9]' busy_guest_never_halts
check_line "$LOG" '^mica: vm clock: [0-9]+ exits: .*hlt [2-9][0-9][0-9] ' halted_guest_wakes_each_tick
check_line "$LOG" '^\[nope\] guest: app=nope: no such app \(known: hello, cpu, mem, clock\)$' unknown_app_lists_known
check_line "$LOG" '^mica: vm nope: exited with code 2$' unknown_app_exit_2
check_status 1 exit_code_1_for_the_bad_app
