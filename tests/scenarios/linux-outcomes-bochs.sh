#!/bin/bash
# timeout: 1500
# How a Linux guest ends, each on its VM's stop line, with its restart
# policy applied (tests/iso/linux-outcomes.cfg), while a unikernel VM
# beside them runs its clock app undisturbed:
#   lpanic   init exits, Linux panics and, with panic=-1, reboots at once
#            through the keyboard controller's reset line: the VM is reset,
#            restart=on-failure brings it back once, then it stays down;
#   lloop    reboot(2) in a loop: restart=always max-restarts=1 with a
#            30 ms back-off, then it stays down;
#   ltriple  reboot=t: Linux reboots by a triple fault, a crash; restart=never;
#   loff     poweroff: with acpi=off Linux halts with interrupts off, the
#            end of a VM: exit code 0.
# (Without panic=N a panicked Linux spins for ever with interrupts off:
# its VM keeps its share of the CPU until mica is stopped; docs say so.)
source "$(dirname "$0")/../lib.sh"

LOG=linux-outcomes-bochs.log
boot_bochs "$LOG" 1400 build/iso-linux-outcomes.iso
check_line "$LOG" '^\[lpanic\] (\[ *[0-9.]+\] )?Kernel panic - not syncing: Attempted to kill init!' lpanic_panics
check_line "$LOG" '^mica: vm lpanic: reset by the guest \(keyboard controller reset line\)$' lpanic_reset
check_line "$LOG" '^mica: vm lpanic: restarting in 10 ms \(back-off; restart 1 of at most 1\)$' lpanic_restarted_by_policy
check_line "$LOG" '^mica: vm lpanic: restarted \(1 of at most 1\), rebuilt in [1-9][0-9]* TSC$' lpanic_rebuilt
check_line "$LOG" '^mica: summary: lpanic +reset +0 +1 ' lpanic_stays_down_after_max
check_line "$LOG" '^\[lloop\] (\[ *[0-9.]+\] )?reboot: Restarting system$' lloop_reboots
check_line "$LOG" '^mica: vm lloop: restarting in 30 ms \(back-off; restart 1 of at most 1\)$' lloop_backs_off
check_line "$LOG" '^mica: summary: lloop +reset +0 +1 ' lloop_stops_at_max
check_line "$LOG" '^mica: vm ltriple: crashed: triple fault at RIP 0x[0-9a-f]+$' ltriple_triple_fault
check_no_line "$LOG" '^mica: vm ltriple: restart' ltriple_not_restarted
check_line "$LOG" '^\[loff\] (\[ *[0-9.]+\] )?reboot: System halted$' loff_halts
check_line "$LOG" '^mica: vm loff: halted with interrupts off$' loff_powered_off
check_line "$LOG" '^mica: summary: loff +ok +0 +0 ' loff_exit_0
check_line "$LOG" '^\[steady\] result app=clock checksum=0x00000002 ' steady_undisturbed
check_line "$LOG" '^mica: vm steady: exited with code 0$' steady_exit_0
check_frames_returned "$LOG" every_frame_returned
check_status 1 exit_code_1_for_the_failed_vms
