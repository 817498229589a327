#!/bin/bash
# timeout: 400
# The virtual-PC test kernels (tests/vpc/) as VMs under mica in Bochs,
# each its own VM; every case must pass, with the answers the bare runs
# give (vpc-bare-qemu.sh, vpc-bare-bochs.sh).
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/vpc/expect.sh"

LOG=vpc-vm-bochs.log
boot_bochs "$LOG" 360 build/iso-vpc-vm.iso
check_ktap "$LOG"
# Each VM's command line is what GRUB gives a kernel: the image's name,
# then the user's words, none of mica's keys (name=, mem=, restart=).
# GRUB 2 gives mica a module's words without its path: cpu's and mem's
# lines write it, apic's and low's do not and get none.
vpc_cmdline "$LOG" '\[cpu\] ' /boot/vpc-cpu.elf "" cpu_command_line_image_name_only
for vm in apic low; do
	check_line "$LOG" "^\\[$vm\\] # command line: ''\$" "${vm}_command_line_empty"
done
vpc_cmdline "$LOG" '\[mem\] ' /boot/vpc-mem.elf "$VPC_MEM_WORDS" mem_command_line_as_grub_gives_it
for vm in cpu apic low; do
	check_line "$LOG" "^mica: vm $vm: exited with code 0\$" "${vm}_exit_code_0"
done
# mem's 5 reads and 2 writes of 0xe0000000 are counted on its stop line.
check_line "$LOG" '^mica: vm mem: exited with code 0; unbacked addresses: 5 reads \(all ones\), 2 writes \(dropped\)$' mem_exit_code_0_accesses_counted
check_line "$LOG" '^mica: 4 VMs: 4 exited with 0, 0 failed, 0 crashed' summary
check_status 0 exit_code_0
