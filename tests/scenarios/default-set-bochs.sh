#!/bin/bash
# mica booted with no modules says so and runs its built-in default set:
# the guest kernel built into it, as three VMs with different apps.
source "$(dirname "$0")/../lib.sh"

LOG=default-set-bochs.log
boot_bochs "$LOG" 120 build/iso-default-set.iso
check_line "$LOG" '^mica: no modules given: running the built-in default set, 3 VMs' says_so
check_line "$LOG" '^\[hello\] result app=hello checksum=0x4340f9fc ' hello_ran
check_line "$LOG" '^\[cpu\] result app=cpu checksum=0x87cd2bce ' cpu_ran
check_line "$LOG" '^\[clock\] result app=clock checksum=0x00000002 ' clock_ran
check_line "$LOG" '^mica: 3 VMs: 3 exited with 0, 0 failed, 0 crashed' all_ok
check_status 0 exit_code_0
