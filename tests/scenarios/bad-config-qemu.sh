#!/bin/bash
# Bad input gets one clear line naming the problem, and nothing crashes:
# an unknown option on mica's or the guest's command line, no modules (the
# built-in default set then runs), a module that is not a kernel, a bad
# start=. (No usable RAM above 1 MiB cannot be made
# in QEMU: tests/unit/test_memmap.c covers it.)
source "$(dirname "$0")/../lib.sh"

LOG=bad-config-qemu
boot_qemu "$LOG-option.log" 60 build/mica32.elf "bogus=1" build/guest32.elf "name=demo"
check_line "$LOG-option.log" "^mica: command line: unknown option 'bogus'" hv_unknown_option_named
check_no_line "$LOG-option.log" 'panic|exception' hv_unknown_option_no_crash
check_status 2 hv_unknown_option_exit_2

boot_qemu "$LOG-nomod.log" 60 build/mica32.elf ""
check_line "$LOG-nomod.log" '^mica: no modules given: running the built-in default set' no_modules_named
check_status 3 no_modules_then_vtx_refusal

boot_qemu "$LOG-notelf.log" 60 build/mica32.elf "" README.md "name=junk"
check_line "$LOG-notelf.log" "^mica: module 0 \('(README.md )?name=junk'\): no multiboot header in the first 8 KiB" not_a_kernel_named
check_no_line "$LOG-notelf.log" 'panic|exception' not_a_kernel_no_crash
# The bad module is said before the missing VT-x, and its code wins.
check_line "$LOG-notelf.log" '^mica: VT-x is not available' then_vtx_refusal
check_status 2 not_a_kernel_exit_2_before_vtx_3

boot_qemu "$LOG-guest.log" 60 build/guest32.elf "frobnicate"
check_line "$LOG-guest.log" "^guest: command line: unknown option 'frobnicate' \(known: " guest_unknown_option_named
check_status 2 guest_unknown_option_exit_2

# A guest's unknown test= is a bad configuration too, like an unknown app=.
boot_qemu "$LOG-test.log" 60 build/guest32.elf "test=nosuch"
check_line "$LOG-test.log" '^guest: test=nosuch: no such test \(known: ' guest_unknown_test_named
check_status 2 guest_unknown_test_exit_2
# QEMU puts the image's path first on the command line: not shown.
check_line "$LOG-test.log" "^guest: command line: 'test=nosuch'$" command_line_without_the_path

# start= takes first or last: anything else is named before the missing
# VT-x, and its code wins.
boot_qemu "$LOG-start.log" 60 build/mica32.elf "" build/guest32.elf "name=later start=soon"
check_line "$LOG-start.log" "^mica: module 0 \('(\S+ )?name=later start=soon'\): start=soon: give first or last$" bad_start_named
check_no_line "$LOG-start.log" 'panic|exception' bad_start_no_crash
check_status 2 bad_start_exit_2
