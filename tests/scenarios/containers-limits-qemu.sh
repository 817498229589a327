#!/bin/bash
# timeout: 200
# Container limits (run/limits.run of the tests image), each checked by
# what it allowed: a fork bomb stops at procs=16, and exactly 16 processes
# lived at once; a memory hog under mem=256K obtained all but its own
# process's pages of it, and never more; a cpu=20 container gets about a
# fifth of the CPU beside an unlimited one; each limit says so once.
# QEMU's clocks count instructions (--icount), so the CPU shares do not
# follow the load of the machine running the test.
source "$(dirname "$0")/../lib.sh"

LOG=containers-limits-qemu.log
boot_qemu "$LOG" 150 --icount build/guest32.elf "containers script=tests:run/limits.run" \
	build/apps.cpio "" build/tests.cpio ""
check_line "$LOG" '^guest: container bomb-1: process limit of 16 reached; spawn refused$' procs_limit_line
check_line "$LOG" '^\[bomb-1\] forkbomb: pid [0-9]+ spawn refused: EAGAIN$' bomb_sees_eagain
check_line "$LOG" '^\[bomb-1\] forkbomb: contained$' bomb_contained
# What procs=16 let live at once: the first process and the children it
# killed while they slept (each said it was up).
check_line "$LOG" '^\[wide-1\] forkbomb: pid 1 spawn refused: EAGAIN$' wide_sees_eagain
check_line "$LOG" '^\[wide-1\] forkbomb: 16 processes at once$' procs_16_at_once
up=$(tr -d '\r' <"$OUT/$LOG" | grep -c '^\[wide-1\] forkbomb: child pid [0-9]* up$')
if ((up == 15)); then
	result PASS procs_15_children_ran
else
	result FAIL procs_15_children_ran "$up children said they were up, want 15"
fi
check_line "$LOG" '^guest: container wide-1 exited: status 0 \(ok\)' wide_exit_0
check_line "$LOG" '^guest: container hog-1: memory limit of 256 KiB reached; allocation refused$' mem_limit_line
check_line "$LOG" '^\[hog-1\] memhog: got [0-9]+ KiB, then ENOMEM$' hog_sees_enomem
check_line "$LOG" '^guest: container hog-1 exited: status 0 \(ok\), 256 KiB at most' hog_held_to_256k
# What mem=256K let the hog have, a page at a time, written and read: less
# than 256 KiB (its kernel stack and page tables are charged too: 12 KiB at
# least), but not less than 256 KiB less a small process's 64 KiB.
got=$(tr -d '\r' <"$OUT/$LOG" | sed -n 's/^\[hog-1\] memhog: got \([0-9]*\) KiB, then ENOMEM$/\1/p')
if [[ -n $got ]] && ((got >= 256 - 64 && got <= 256 - 12)); then
	result PASS hog_obtained_close_to_256k
else
	result FAIL hog_obtained_close_to_256k "got ${got:-?} KiB, want 192 to 244"
fi
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
