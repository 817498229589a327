#!/bin/bash
# timeout: 150
# The small Linux kernel (build/linux-tiny/bzImage, `make linux-tiny`:
# built from Debian's linux-source with tools/linux-tiny.config) with
# mica's initramfs, bare in QEMU's software CPU with `console=ttyS0` (the
# kernel has no ACPI, so no acpi=off: it would be an unknown parameter,
# handed to init): the init runs the cpu app to the checksum of every other
# guest and ends the machine with exit code 0. Then the init's test modes,
# which show how each way a Linux guest ends looks from outside: poweroff
# alone halts the CPU (the machine stays on, so the time limit ends it),
# panic (init exits) restarts after panic=1's second, reboot restarts.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../linux.sh"

KERNEL=build/linux-tiny/bzImage
INITRD=build/linux-initramfs.cpio
for f in "$KERNEL" "$INITRD"; do
	if [[ ! -s $f ]]; then
		result FAIL prerequisites "no $f (make linux-tiny linux-initramfs)"
		exit 1
	fi
done
release='6\.1\.[0-9]+'

LOG=linux-tiny-bare-qemu.log
boot_qemu "$LOG" 60 "$KERNEL" "console=ttyS0" "$INITRD" ""
check_line "$LOG" "^Linux version $release " kernel_booted
check_linux_init "$LOG" "$release"

# reboot(POWER_OFF) with no ACPI: Linux halts with interrupts off.
LOG=linux-tiny-poweroff.log
boot_qemu "$LOG" 20 "$KERNEL" "console=ttyS0 -- poweroff" "$INITRD" ""
check_line "$LOG" '^linux-init: exit code 0, powering off' poweroff_exit_line
check_line "$LOG" '^reboot: System halted$' poweroff_halts
check_no_line "$LOG" 'Kernel panic|reboot\(POWER_OFF\) returned' poweroff_no_panic
check_status 124 poweroff_machine_stays_on

LOG=linux-tiny-panic.log
boot_qemu "$LOG" 60 "$KERNEL" "console=ttyS0 panic=1 -- panic" "$INITRD" ""
check_line "$LOG" '^linux-init: test mode panic: process 1 exits$' panic_mode_line
check_line "$LOG" '^Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000$' kernel_panics
check_line "$LOG" '^Rebooting in 1 seconds' panic_restarts
check_no_line "$LOG" '^result app=' panic_mode_skips_app
check_status 125 panic_ends_in_reset

LOG=linux-tiny-reboot.log
boot_qemu "$LOG" 60 "$KERNEL" "console=ttyS0 -- reboot" "$INITRD" ""
check_line "$LOG" '^linux-init: test mode reboot: reboot\(RESTART\)$' reboot_mode_line
check_line "$LOG" '^reboot: Restarting system$' kernel_restarts
check_no_line "$LOG" 'Kernel panic|reboot\(RESTART\) returned' reboot_no_panic
check_status 125 reboot_ends_in_reset
