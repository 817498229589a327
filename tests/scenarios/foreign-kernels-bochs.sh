#!/bin/bash
# Any multiboot 1 kernel that prints through a 16550 at 0x3f8 and ends by
# writing to port 0xf4 runs unchanged under mica: here a 32-bit kernel in
# plain assembly that never enters long mode, once as a flat binary loaded
# by its multiboot header's address fields, once as an ELF32 executable.
source "$(dirname "$0")/../lib.sh"

LOG=foreign-kernels-bochs.log
boot_bochs "$LOG" 120 build/iso-foreign-kernels.iso
check_line "$LOG" '^\[kludge\] hello from a plain multiboot kernel$' kludge_output_with_vm_name
check_line "$LOG" '^mica: vm kludge: exited with code 7$' kludge_exit_code
check_line "$LOG" '^\[elf32\] hello from a plain multiboot kernel$' elf32_output_with_vm_name
check_line "$LOG" '^mica: vm elf32: exited with code 7$' elf32_exit_code
check_line "$LOG" '^mica: 2 VMs: 0 exited with 0, 2 failed, 0 crashed' summary
check_status 1 exit_code_1
