#!/bin/bash
# timeout: 200
# The orchestrator (run/restart.run of the tests image): restart policies
# with back-off and max-restarts, replicas scaled up and down, stop.
source "$(dirname "$0")/../lib.sh"

LOG=containers-restart-qemu.log
boot_qemu "$LOG" 150 build/guest32.elf "containers script=tests:run/restart.run" \
	build/apps.cpio "" build/tests.cpio ""
check_line "$LOG" '^guest: container crashy-1: restart 1 of 3 in 10 ms \(restart=on-failure\)$' backoff_10ms
check_line "$LOG" '^guest: container crashy-1: restart 2 of 3 in 20 ms \(restart=on-failure\)$' backoff_doubles_20ms
check_line "$LOG" '^guest: container crashy-1: restart 3 of 3 in 40 ms \(restart=on-failure\)$' backoff_doubles_40ms
check_line "$LOG" '^guest: container crashy-1: 3 restarts reached \(max-restarts\); left stopped$' max_restarts_honoured
# A service that ran once, and once only: REGEX (its output) matched by
# exactly one line.
ran_once() { # REGEX NAME
	local n
	n=$(tr -d '\r' <"$OUT/$LOG" | grep -cE -- "$1")
	if ((n == 1)); then
		result PASS "$2"
	else
		result FAIL "$2" "$n lines match /$1/, want 1"
	fi
}
check_no_line "$LOG" '^guest: container fine-1: restart' on_failure_leaves_success
ran_once '^\[fine-1\] result app=hello checksum=0x4340f9fc ' on_failure_success_ran_once
ran_once '^guest: container fine-1 exited: status 0 \(ok\)' on_failure_success_exited_once
check_line "$LOG" '^guest: container again-1: restart 2 of 2 ' always_restarts_success
check_no_line "$LOG" '^guest: container once-1: restart' never_restarts
ran_once '^\[once-1\] fault: about to ud$' never_ran_once
ran_once '^guest: container once-1: pid 1 \(bin/fault\) killed: invalid opcode \(#UD\)' never_faulted_once
check_line "$LOG" '^summary: once-1 +fault +0 +1 ' never_summary_no_restart
for i in 1 2 3 4; do
	check_line "$LOG" "^\[web-$i\] ready app=idle pid=1 tsc=[0-9]+$" "web_${i}_ready"
done
check_line "$LOG" '^guest: engine: scale web from 2 to 4$' scaled_up
check_line "$LOG" '^guest: engine: scale web from 4 to 1$' scaled_down
check_line "$LOG" '^guest: container web-4 exited: status -2 \(killed\)' scale_down_stops_highest
check_line "$LOG" '^summary: crashy-1 +fault +3 ' summary_counts_restarts
check_status 0 exit_code_0
