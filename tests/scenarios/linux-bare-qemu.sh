#!/bin/bash
# timeout: 150
# Debian's own kernel (build/linux/vmlinuz, `make linux-kernel`: the
# package fetched with apt-get download, unmodified) with mica's initramfs
# (build/linux-initramfs.cpio), bare in QEMU's software CPU with nothing on
# its command line but `console=ttyS0 acpi=off`: the init runs, says which
# kernel it runs on, runs the cpu app to the checksum the unikernel and the
# container program print, and ends the machine with exit code 0. Before
# that, mica's boot-protocol loader (hv/linux_boot.c) plans and loads the
# same kernel and initrd into 128 MiB of host memory and checks the result.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../linux.sh"

KERNEL=build/linux/vmlinuz
INITRD=build/linux-initramfs.cpio
for f in "$KERNEL" "$INITRD" build/unit/test_linux_boot; do
	if [[ ! -s $f ]]; then
		result FAIL prerequisites "no $f (make linux-kernel linux-initramfs unit)"
		exit 1
	fi
done

loader=$(build/unit/test_linux_boot "$KERNEL" "$INITRD" 2>&1)
if [[ $? == 0 && $loader == *"64-bit entry at 0x"*"loaded and checked" ]]; then
	result PASS loader_plans_debian_kernel
else
	result FAIL loader_plans_debian_kernel "$loader"
fi

LOG=linux-bare-qemu.log
boot_qemu "$LOG" 90 "$KERNEL" "console=ttyS0 acpi=off" "$INITRD" ""
check_line "$LOG" '^\[ *[0-9.]+\] Linux version [0-9]+\.[0-9]+\.[0-9]+-[0-9]+-[a-z0-9-]+ \(debian-kernel@' debian_kernel_booted
check_linux_init "$LOG" "$(sed -n 's/^Package: linux-image-\([^ ]*\) .*/\1/p' build/linux/version)"
