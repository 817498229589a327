#!/bin/bash
# timeout: 200
# The small Linux kernel (make linux-tiny) with mica's initramfs, bare in
# Bochs from GRUB (tests/iso/linux-tiny-bare.cfg): the kernel boots on
# Bochs's PC with no ACPI, the init runs the cpu app to the same checksum
# as QEMU and every other guest, and ends Bochs with exit code 0.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../linux.sh"

release='6\.1\.[0-9]+'
LOG=linux-tiny-bare-bochs.log
boot_bochs "$LOG" 150 build/iso-linux-tiny-bare.iso
check_line "$LOG" "^Linux version $release " kernel_booted
check_linux_init "$LOG" "$release"
