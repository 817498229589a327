#!/bin/bash
# timeout: 200
# Container limits (run/limits.run of the tests image): a fork bomb stops
# at procs=16, memory at mem=256K, and a cpu=20 container gets about a
# fifth of the CPU beside an unlimited one; each limit says so once.
source "$(dirname "$0")/../lib.sh"

LOG=containers-limits-qemu.log
boot_qemu "$LOG" 150 build/guest32.elf "containers script=tests:run/limits.run" \
	build/apps.cpio "" build/tests.cpio ""
check_line "$LOG" '^guest: container bomb-1: process limit of 16 reached; spawn refused$' procs_limit_line
check_line "$LOG" '^\[bomb-1\] forkbomb: pid [0-9]+ spawn refused: EAGAIN$' bomb_sees_eagain
check_line "$LOG" '^\[bomb-1\] forkbomb: contained$' bomb_contained
check_line "$LOG" '^guest: container hog-1: memory limit of 256 KiB reached; allocation refused$' mem_limit_line
check_line "$LOG" '^\[hog-1\] memhog: got [0-9]+ KiB, then ENOMEM$' hog_sees_enomem
check_line "$LOG" '^guest: container hog-1 exited: status 0 \(ok\), 256 KiB at most' hog_held_to_256k
check_line "$LOG" '^guest: container slow-1: CPU share of 20% used up; throttled until the next second$' cpu_limit_line
# The share: slow's CPU time over both, from the exit lines.
cpu_of() { sed -n "s/^guest: container $1-1 exited: .* CPU \([0-9]*\) TSC$/\1/p" "$OUT/$LOG"; }
slow=$(cpu_of slow); fast=$(cpu_of fast)
if [[ -n $slow && -n $fast ]] && ((slow * 100 >= (slow + fast) * 15 && slow * 100 <= (slow + fast) * 26)); then
	result PASS cpu_share_about_20_percent
else
	result FAIL cpu_share_about_20_percent "slow ${slow:-?} TSC, fast ${fast:-?} TSC"
fi
check_status 0 exit_code_0
