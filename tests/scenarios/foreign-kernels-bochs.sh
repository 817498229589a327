#!/bin/bash
# Any multiboot 1 kernel that prints through a 16550 at 0x3f8 and ends by
# writing to port 0xf4 runs unchanged under mica: here a 32-bit kernel in
# plain assembly that never enters long mode, once as a flat binary loaded
# by its multiboot header's address fields, once as an ELF32 executable.
# A third runs CPUID as the last instruction below 4 GiB of its 32-bit code
# segment: mica must wrap EIP to 0 when it skips it, as the CPU would (and
# as QEMU's CPU does with the same kernel bare).
source "$(dirname "$0")/../lib.sh"

LOG=foreign-kernels-bochs.log
boot_bochs "$LOG" 120 build/iso-foreign-kernels.iso
check_line "$LOG" '^\[kludge\] hello from a plain multiboot kernel$' kludge_output_with_vm_name
check_line "$LOG" '^mica: vm kludge: exited with code 7$' kludge_exit_code
check_line "$LOG" '^\[elf32\] hello from a plain multiboot kernel$' elf32_output_with_vm_name
check_line "$LOG" '^mica: vm elf32: exited with code 7$' elf32_exit_code
check_line "$LOG" '^\[wrap\] EIP wrapped to 0 after a CPUID at 0xfffffffe$' eip_wraps_at_4g
check_line "$LOG" '^mica: vm wrap: exited with code 9$' wrap_exit_code
check_line "$LOG" '^mica: 3 VMs: 0 exited with 0, 3 failed, 0 crashed' summary
check_status 1 exit_code_1
# The same kernel bare in QEMU's software CPU says the same.
boot_qemu foreign-wrap-qemu.log 30 build/fixtures/tiny-wrap-elf32.elf ""
check_line foreign-wrap-qemu.log '^EIP wrapped to 0 after a CPUID at 0xfffffffe$' bare_eip_wraps_too
check_status 9 bare_wrap_exit_code
