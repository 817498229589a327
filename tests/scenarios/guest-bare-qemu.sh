#!/bin/bash
# The guest kernel boots bare in QEMU's software CPU (multiboot via -kernel)
# and passes its self-tests.
source "$(dirname "$0")/../lib.sh"

LOG=guest-bare-qemu.log
boot_qemu "$LOG" 60 build/guest32.elf "selftest"
check_ktap "$LOG"
check_line "$LOG" '^guest: command line: .*selftest' banner_shows_command_line
check_status 0 exit_code_0
