#!/bin/bash
# timeout: 1500
# A Linux kernel as a VM under mica in Bochs (tests/iso/linux-vm.cfg),
# beside a unikernel VM running the cpu app: the bzImage is loaded by the
# Linux boot protocol with the initramfs given `for=linux` as its initrd
# and the module's words that are not mica's keys as its command line;
# Linux finds the devices it needs (the 16550 with its interrupt, the PIT,
# the PIC, the CMOS clock), starts init, whose lines appear under the VM's
# name, and the VM ends with exit code 0. The unikernel VM's result is the
# one it prints without Linux beside it. mica prints how many TSC ticks
# (instructions, under Bochs) Linux took from VM create to init, and the
# guest RAM touched by then.
source "$(dirname "$0")/../lib.sh"

LOG=linux-vm-bochs.log
boot_bochs "$LOG" 1400 build/iso-linux-vm.iso
check_line "$LOG" '^mica: vm linux: Linux boot protocol 2\.[0-9]+, 64-bit entry at 0x[0-9a-f]+; kernel at 0x[0-9a-f]+-0x[0-9a-f]+, initrd [1-9][0-9]* KiB at 0x[0-9a-f]+; kernel command line '\''console=ttyS0 acpi=off'\''$' loaded_by_boot_protocol
check_line "$LOG" '^\[linux\] (\[ *[0-9.]+\] )?Linux version [0-9]+\.[0-9]+' linux_boots
check_line "$LOG" '^\[linux\] (\[ *[0-9.]+\] )?Kernel command line: console=ttyS0 acpi=off$' mica_keys_not_passed
check_line "$LOG" '^\[linux\] (\[ *[0-9.]+\] )?serial8250: ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A$' uart_is_16550a
check_no_line "$LOG" '^\[linux\] .*(Unable to read current time from RTC|unchecked MSR access|Kernel panic|ttyS0: LSR safety check|too many iterations)' no_device_complaints
# Linux takes its TSC's rate from CPUID leaf 15H: the rate mica measured.
mica_khz=$(sed -n 's/^mica: clock: TSC runs at \([0-9]*\) kHz.*/\1/p' "$OUT/$LOG" | head -n 1)
linux_khz=$(sed -n 's/^\[linux\] \(\[ *[0-9.]*\] \)\{0,1\}tsc: Detected \([0-9]*\)\.\([0-9]*\) MHz processor$/\2\3/p' "$OUT/$LOG" | head -n 1)
if [[ -n $mica_khz && -n $linux_khz ]] && ((linux_khz * 10000 >= mica_khz * 9999 && linux_khz * 10000 <= mica_khz * 10001)); then
	result PASS linux_tsc_rate_is_micas
else
	result FAIL linux_tsc_rate_is_micas "mica measured ${mica_khz:-?} kHz, Linux detected ${linux_khz:-?} kHz"
fi
check_line "$LOG" '^\[linux\] (\[ *[0-9.]+\] )?Run /init as init process$' init_started
check_line "$LOG" '^mica: vm linux: Linux starts init [1-9][0-9]* TSC after VM create; guest RAM touched: [1-9][0-9]* KiB of 65536 KiB$' boot_measured
check_line "$LOG" '^\[linux\] linux-init: hello from Linux [0-9]+\.[0-9]+\.[0-9]+[^ ]* pid=1 ' init_line_under_vm_name
check_line "$LOG" '^\[linux\] result app=cpu checksum=0x87cd2bce ' linux_cpu_checksum
check_line "$LOG" '^mica: vm linux: exited with code 0$' linux_exit_0
check_line "$LOG" '^\[cpu\] result app=cpu checksum=0x87cd2bce ' neighbour_checksum
check_line "$LOG" '^mica: vm cpu: exited with code 0$' neighbour_exit_0
check_frames_returned "$LOG" every_frame_returned
check_status 0 exit_code_0
