#!/bin/bash
# QEMU's software CPU has no VT-x: mica still boots, passes its self-tests,
# lists its modules, then says clearly that VT-x is not available and ends
# with exit code 3.
source "$(dirname "$0")/../lib.sh"

LOG=hv-novmx-qemu.log
boot_qemu "$LOG" 60 build/mica32.elf "selftest" build/guest32.elf "name=demo"
check_ktap "$LOG"
check_line "$LOG" "^mica: module 0: '(build/guest32.elf )?name=demo', [0-9]+ bytes" banner_lists_module
check_line "$LOG" '^mica: VT-x is not available: this CPU does not report VMX' clear_refusal
check_status 3 exit_code_3
