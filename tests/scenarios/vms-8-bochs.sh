#!/bin/bash
# Eight VMs of mixed apps run at once on one CPU, time-sliced by the
# VMX-preemption timer: every one finishes with the checksum its app gives
# anywhere, the clocks keep their rates, and mica's summary accounts for
# them all.
source "$(dirname "$0")/../lib.sh"

declare -A SUM=([hello]=0x4340f9fc [cpu]=0x87cd2bce [mem]=0xed1f6b1f [clock]=0x00000001)
LOG=vms-8-bochs.log
boot_bochs "$LOG" 150 build/iso-vms-8.iso
for vm in hello1 cpu1 mem1 clock1 hello2 cpu2 mem2 clock2; do
	app=${vm%[12]}
	check_line "$LOG" "^\[$vm\] result app=$app checksum=${SUM[$app]} " "${vm}_checksum"
	check_line "$LOG" "^mica: summary: $vm +ok +0 " "${vm}_summary_ok"
done
check_line "$LOG" '^\[clock1\] result app=clock .* hz=100 measured_hz=(99|100|101)$' clock1_at_100hz
check_line "$LOG" '^\[clock2\] result app=clock .* hz=200 measured_hz=(199|200|201)$' clock2_at_200hz
# The two cpu VMs shared the CPU: both had turns taken away by the timer.
check_line "$LOG" '^mica: vm cpu1: [0-9]+ exits: .*preemption-timer [0-9]{2,}' cpu1_preempted
check_line "$LOG" '^mica: vm cpu2: [0-9]+ exits: .*preemption-timer [0-9]{2,}' cpu2_preempted
check_line "$LOG" '^mica: summary: [0-9]{3,} VM switches' many_switches
check_line "$LOG" '^mica: 8 VMs: 8 exited with 0, 0 failed, 0 crashed' all_eight_ok
check_frames_returned "$LOG" every_frame_returned
check_status 0 exit_code_0
