#!/bin/bash
# timeout: 200
# Isolation in the container host (run/isolation.run of the tests image):
# system calls given what is not the caller's fail with their error and
# never fault the kernel; aimed at a neighbour container that really
# exists (a live pid, a file of its image only), they reach nothing, and
# the neighbour's output goes on whole; ring-3 loads of the kernel's memory
# and of other frames end the process; each of the 11 kinds of fault ends
# only its process, named with container and pid, while a bystander
# computes on; PID namespaces start at 1 in each container; a container
# sees its own image's files; a process's control bytes never reach the
# console.
source "$(dirname "$0")/../lib.sh"

LOG=containers-isolation-qemu.log
boot_qemu "$LOG" 150 build/guest32.elf "containers script=tests:run/isolation.run" \
	build/apps.cpio "" build/tests.cpio "" build/neighbour.cpio ""
# Every check ran: as many "ok" lines as probe.c has checks (29, and 2
# aimed at the neighbour), and the summary says the same.
PROBE_CHECKS=31
oks=$(tr -d '\r' <"$OUT/$LOG" | grep -c '^\[probe-1\] probe [a-z0-9-]*: ok$')
if ((oks == PROBE_CHECKS)); then
	result PASS probe_ran_every_check
else
	result FAIL probe_ran_every_check "$oks checks printed ok, want $PROBE_CHECKS"
fi
check_line "$LOG" "^\[probe-1\] probe: $PROBE_CHECKS checks, 0 failed$" probe_every_check_passed
check_no_line "$LOG" '^\[probe-1\] probe .*: FAIL' probe_no_check_failed
check_line "$LOG" '^\[probe-1\] probe hostname=probe-host$' own_hostname
check_line "$LOG" '^\[probe-1\] probe pid=1 ppid=0$' probe_is_pid_1

# The neighbour: pid 2 was live when the probe tried to kill it (its ready
# line came first), and ticked on to the end after the probe had finished.
NTICKS=50
check_line "$LOG" '^\[neighbour-1\] ready app=neighbour pid=2 tsc=[0-9]+$' neighbour_pid_2_live
check_line "$LOG" '^\[probe-1\] probe kill-neighbour: ok$' kill_neighbour_pid_refused
ticks=$(tr -d '\r' <"$OUT/$LOG" | grep -c '^\[neighbour-1\] neighbour: pid 2 tick [0-9]*$')
after=$(tr -d '\r' <"$OUT/$LOG" | sed -n '/^\[probe-1\] probe: [0-9]* checks/,$p' |
	grep -c '^\[neighbour-1\] neighbour: pid 2 tick [0-9]*$')
if ((ticks == NTICKS && after > 0)); then
	result PASS neighbour_ticks_on
else
	result FAIL neighbour_ticks_on "$ticks of $NTICKS ticks, $after after the probe ended"
fi
check_line "$LOG" '^\[neighbour-1\] neighbour: child 2 exited 0$' neighbour_pid_2_exit_0
check_line "$LOG" '^guest: container neighbour-1 exited: status 0 \(ok\)' neighbour_exit_0
# Its file, of its image alone: the probe cannot open it; the neighbour
# reads the same bytes before and after.
check_line "$LOG" '^\[probe-1\] probe open-neighbour: ok$' open_neighbour_file_refused
size=$(wc -c <guest/user/images/neighbour/etc/secret)
reads=$(tr -d '\r' <"$OUT/$LOG" | grep "^\[neighbour-1\] neighbour: etc/secret bytes=$size fnv=0x[0-9a-f]*$" | sort | uniq -c)
if [[ $(echo "$reads" | awk 'NF { n++; c = $1 } END { print n "," c }') == 1,2 ]]; then
	result PASS neighbour_file_intact
else
	result FAIL neighbour_file_intact "want two equal reads of $size bytes, got: ${reads:-none}"
fi
for name in peek-kernel peek-frames; do
	check_line "$LOG" "^guest: container $name-1: pid 1 \(bin/probe\) killed: page fault at RIP 0x[0-9a-f]+, read of 0x[0-9a-f]+ \(protection violation\)$" "${name}_killed"
	check_no_line "$LOG" "^\[$name-1\] probe peek .* = " "${name}_read_nothing"
done
# Every kind of fault.c, by container name.
PF='page fault at RIP 0x[0-9a-f]+,'
declare -A FAULT=([divide]='divide error \(#DE\)' [pointer]="$PF write of 0x0 \(not mapped\)"
	[kernel]="$PF read of 0x100000 \(protection violation\)"
	[privileged]='general protection \(#GP\)' [io]='general protection \(#GP\)'
	[ud]='invalid opcode \(#UD\)' [stack]="$PF write of 0x[0-9a-f]+ \(not mapped\)"
	[text]="$PF write of 0x[0-9a-f]+ \(protection violation\)"
	[rodata]="$PF write of 0x[0-9a-f]+ \(protection violation\)"
	[exec-data]="$PF instruction fetch of 0x[0-9a-f]+ \(protection violation\)"
	[exec-stack]="$PF instruction fetch of 0x[0-9a-f]+ \(protection violation\)")
if ((${#FAULT[@]} == $(grep -c '^	{ "[a-z-]*", do_[a-z_]* },$' guest/user/fault.c))); then
	result PASS every_fault_kind_run
else
	result FAIL every_fault_kind_run "${#FAULT[@]} kinds checked, guest/user/fault.c has more"
fi
for kind in "${!FAULT[@]}"; do
	check_line "$LOG" "^guest: container $kind-1: pid 1 \(bin/fault\) killed: ${FAULT[$kind]}" "fault_${kind}_kills_its_process"
	check_line "$LOG" "^guest: container $kind-1 exited: status -1 \(fault\)" "fault_${kind}_status"
	check_no_line "$LOG" "^\[$kind-1\] fault: .* survived$" "fault_${kind}_not_survived"
done
check_line "$LOG" '^guest: container stack-1: .* write of 0x[0-9a-f]+ \(not mapped\)$' stack_overflow_hits_guard
check_line "$LOG" '^\[bystander-1\] result app=cpu checksum=0x87cd2bce ' bystander_unharmed
for c in a b; do
	check_line "$LOG" "^\[pids-$c-1\] pids: pid=1 ppid=0$" "pids_${c}_starts_at_1"
	for pid in 2 3 4; do
		check_line "$LOG" "^\[pids-$c-1\] pids: child $pid exited $pid$" "pids_${c}_child_$pid"
	done
done
check_line "$LOG" '^\[motd-tests-1\] Welcome to a mica container: image "tests"' file_view_own_image
# A process cannot drive the terminal: its control bytes (ESC, BEL, DEL)
# and bytes past ASCII reach the console as '?', a tab as itself; a line
# longer than 200 characters goes out in pieces of 200, each with its prefix.
check_line "$LOG" $'^\\[ctl-1\\] ctl: esc=\\?\\[2J bel=\\? del=\\? tab=\t high=\\?\\? end$' control_bytes_shown_as_question_marks
check_no_line "$LOG" $'[\x1b\x07\x7f]' no_control_byte_reaches_the_console
check_line "$LOG" '^\[ctl-1\] long:x{195}$' long_line_first_200
check_line "$LOG" '^\[ctl-1\] x{50}$' long_line_rest
check_line "$LOG" '^guest: container host: done' kernel_survived
check_status 0 exit_code_0
