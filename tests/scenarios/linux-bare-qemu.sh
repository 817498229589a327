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
check_line "$LOG" "^linux-init: hello from Linux $(sed -n 's/^Package: linux-image-\([^ ]*\) .*/\1/p' build/linux/version) pid=1 " init_says_hello
check_line "$LOG" '^result app=cpu checksum=0x87cd2bce tsc=[0-9]+ n=200000 rounds=6 primes=17984 ' cpu_checksum
check_line "$LOG" '^linux-init: exit code 0, powering off' init_exit_line
check_no_line "$LOG" 'Kernel panic|Unknown kernel command line|unable to open an initial console' no_panic_no_warning
check_status 0 exit_code_0
