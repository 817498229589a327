#!/bin/bash
# timeout: 400
# The virtual-PC test kernels (tests/vpc/) as VMs under mica in Bochs,
# each its own VM; every case must pass, with the answers the bare runs
# give (vpc-bare-qemu.sh, vpc-bare-bochs.sh).
source "$(dirname "$0")/../lib.sh"

LOG=vpc-vm-bochs.log
boot_bochs "$LOG" 360 build/iso-vpc-vm.iso
check_ktap "$LOG"
for vm in cpu apic low; do
	check_line "$LOG" "^mica: vm $vm: exited with code 0\$" "${vm}_exit_code_0"
done
# mem's 5 reads and 2 writes of 0xe0000000 are counted on its stop line.
check_line "$LOG" '^mica: vm mem: exited with code 0; unbacked addresses: 5 reads \(all ones\), 2 writes \(dropped\)$' mem_exit_code_0_accesses_counted
check_line "$LOG" '^mica: 4 VMs: 4 exited with 0, 0 failed, 0 crashed' summary
check_status 0 exit_code_0
