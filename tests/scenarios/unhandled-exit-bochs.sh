#!/bin/bash
# A VM exit with no handler (a hardware task switch in a 32-bit guest):
# mica dumps the VMCS and stops that VM only; the next VM runs.
source "$(dirname "$0")/../lib.sh"

LOG=unhandled-exit-bochs.log
boot_bochs "$LOG" 120 build/iso-unhandled-exit.iso
check_line "$LOG" '^\[tasker\] hello from a plain multiboot kernel$' tasker_ran
check_line "$LOG" '^mica: vm tasker: unhandled VM exit, reason 9 \(task-switch\); VMCS:$' names_the_exit
check_line "$LOG" '^      VMCS_GUEST_RIP +0x[0-9a-f]+$' dumps_guest_rip
check_line "$LOG" '^      VMCS_EXIT_QUALIFICATION +0x[0-9a-f]+$' dumps_exit_qualification
check_line "$LOG" '^mica: vm tasker: crashed: unhandled VM exit 9 \(task-switch\)$' stops_that_vm
check_line "$LOG" '^mica: vm after: exited with code 7$' next_vm_runs
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_status 1 exit_code_1
