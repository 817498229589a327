#!/bin/bash
# The container host as a VM under mica in Bochs (VT-x): 16 containers of
# the four apps, with the checksums the unikernel VMs beside it print for
# the same apps; SYSCALL, SYSRET and ring 3 inside a VM.
source "$(dirname "$0")/../lib.sh"

declare -A SUM=([hello]=0x4340f9fc [cpu]=0x87cd2bce [mem]=0xed1f6b1f [clock]=0x00000003)
LOG=containers-vm-bochs.log
boot_bochs "$LOG" 200 build/iso-containers-vm.iso
check_line "$LOG" '^\[host\] guest: running under mica: console and exit through hypercalls$' host_detects_mica
check_line "$LOG" '^\[host\] guest: processes: ring 3 under PML4 entry 1, NX, SMEP on, SMAP on, [0-9]+ slots$' smep_smap_in_a_vm
for app in hello cpu mem clock; do
	for i in 1 2 3 4; do
		check_line "$LOG" "^\[host\] \[$app-$i\] result app=$app checksum=${SUM[$app]} tsc=[0-9]+" "${app}_${i}_checksum"
	done
done
for app in hello cpu; do
	check_line "$LOG" "^\[$app\] result app=$app checksum=${SUM[$app]} tsc=[0-9]+" "vm_${app}_same_checksum"
	check_line "$LOG" "^mica: vm $app: exited with code 0$" "vm_${app}_exit_0"
done
check_line "$LOG" '^mica: vm host: exited with code 0$' host_exit_0
check_frames_returned "$LOG" mica_frames_returned
check_status 0 exit_code_0
