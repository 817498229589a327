#!/bin/bash
# timeout: 1200
# Debian's own kernel (build/linux/vmlinuz, `make linux-kernel`: the
# linux-image-cloud-amd64 package, unmodified) as a VM under mica in Bochs
# (tests/iso/linux-debian.cfg), beside a unikernel VM running the cpu app,
# the two sharing the CPU: the kernel boots with nothing on its command line
# but console=ttyS0 acpi=off, starts the initramfs's init, whose lines
# appear under the VM's name, and the VM ends with exit code 0 after init
# powers it off; the unikernel VM's result is the one it prints alone.
# About 1.5 G instructions, a minute of Bochs on an idle machine.
source "$(dirname "$0")/../lib.sh"

LOG=linux-debian-bochs.log
boot_bochs "$LOG" 1100 build/iso-linux-debian.iso
release=$(sed -n 's/^Package: linux-image-\([^ ]*\) .*/\1/p' build/linux/version)
check_line "$LOG" '^mica: vm debian: Linux boot protocol 2\.[0-9]+, 64-bit entry at 0x[0-9a-f]+; .*; kernel command line '\''console=ttyS0 acpi=off'\''$' loaded_by_boot_protocol
check_line "$LOG" "^\\[debian\\] (\\[ *[0-9.]+\\] )?Linux version ${release//./\\.} \\(debian-kernel@lists\\.debian\\.org\\)" debian_kernel_boots
check_line "$LOG" '^\[debian\] (\[ *[0-9.]+\] )?serial8250: ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A$' uart_is_16550a
check_no_line "$LOG" '^\[debian\] .*(Unable to read current time from RTC|unchecked MSR access|Kernel panic|ttyS0: LSR safety check|too many iterations)' no_device_complaints
check_line "$LOG" '^\[debian\] (\[ *[0-9.]+\] )?Run /init as init process$' init_started
check_line "$LOG" '^mica: vm debian: Linux starts init [1-9][0-9]* TSC after VM create; guest RAM touched: [1-9][0-9]* KiB of 131072 KiB$' boot_measured
check_line "$LOG" "^\\[debian\\] linux-init: hello from Linux ${release//./\\.} pid=1 " init_line_under_vm_name
check_line "$LOG" '^\[debian\] result app=cpu checksum=0x87cd2bce ' debian_cpu_checksum
check_line "$LOG" '^\[debian\] linux-init: exit code 0, powering off$' init_powers_off
check_line "$LOG" '^mica: vm debian: exited with code 0$' debian_exit_0
check_line "$LOG" '^\[cpu\] result app=cpu checksum=0x87cd2bce ' neighbour_checksum
check_line "$LOG" '^mica: vm cpu: exited with code 0$' neighbour_exit_0
check_line "$LOG" '^mica: summary: cpu +ok +0 +0 ' neighbour_summary_ok
check_frames_returned "$LOG" every_frame_returned
check_status 0 exit_code_0
