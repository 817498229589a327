#!/bin/bash
# timeout: 200
# The container host bare in QEMU: 16 containers, four each of the apps
# the unikernel VMs run, with the same checksums (docs/apps.md); the
# command-line form; every frame a container took comes back.
source "$(dirname "$0")/../lib.sh"

declare -A SUM=([hello]=0x4340f9fc [cpu]=0x87cd2bce [mem]=0xed1f6b1f [clock]=0x00000003)
LOG=containers-bare-qemu.log
boot_qemu "$LOG" 150 build/guest32.elf "containers script=apps:run/apps.run" build/apps.cpio ""
check_line "$LOG" '^guest: processes: ring 3 under PML4 entry 1, NX, SMEP (on|absent), SMAP (on|absent), [0-9]+ slots$' processes_set_up
for app in hello cpu mem clock; do
	for i in 1 2 3 4; do
		check_line "$LOG" "^\[$app-$i\] ready app=$app pid=1 tsc=[0-9]+$" "${app}_${i}_ready"
		check_line "$LOG" "^\[$app-$i\] result app=$app checksum=${SUM[$app]} tsc=[0-9]+" "${app}_${i}_checksum"
		check_line "$LOG" "^guest: container $app-$i exited: status 0 \(ok\)" "${app}_${i}_exit_0"
	done
done
# Frames: what was free for containers at the start is free at the end.
free_at() { sed -n "s/^guest: container host: $1.* \([0-9]*\) KiB free.*/\1/p" "$OUT/$LOG"; }
start=$(free_at "1 images"); end=$(free_at "done,")
if [[ -n $start && $start == "$end" ]]; then
	result PASS every_frame_returned
else
	result FAIL every_frame_returned "free at start ${start:-?} KiB, at the end ${end:-?} KiB"
fi
check_status 0 exit_code_0

# The command-line form: one service, the app's own arguments passed on.
LOG=containers-cmdline-qemu.log
boot_qemu "$LOG" 60 build/guest32.elf "containers app=cpu replicas=3 n=1000 rounds=2" build/apps.cpio ""
for i in 1 2 3; do
	check_line "$LOG" "^\[cpu-$i\] result app=cpu checksum=0x[0-9a-f]{8} tsc=[0-9]+ n=1000 rounds=2 " "cmdline_cpu_${i}_args_passed"
done
check_status 0 cmdline_exit_code_0
