#!/bin/bash
# The registers a VM must own and string I/O (tests/guest/test_regs.c),
# run bare in QEMU's software CPU: the second implementation that mica's
# answers (tests/scenarios/isolation-regs-bochs.sh) must agree with.
# QEMU's software CPU cannot make these checks (each says why in its KTAP
# line): allowed skips, counted as skips.
KTAP_SKIPS="dr7_general_detect_db cr8_reserved_bits_gp debugctl_supported_bits_only first_dr7_general_detect_db"
source "$(dirname "$0")/../lib.sh"

LOG=regs-bare-qemu.log
boot_qemu "$LOG" 60 build/guest32.elf "test=regs"
check_ktap "$LOG"
check_line "$LOG" '^stringio: a line written by rep outsb$' rep_outsb_line_whole
check_line "$LOG" '^stringio: this line crosses a page boundary$' page_crossing_line_whole
check_line "$LOG" '^stringio: this line was written backwards$' backwards_line_whole
check_status 0 exit_code_0

LOG=regs-first-bare-qemu.log
boot_qemu "$LOG" 60 build/guest32.elf "test=regs-first"
check_ktap "$LOG" first
check_status 0 first_exit_code_0
