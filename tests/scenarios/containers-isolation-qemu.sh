#!/bin/bash
# timeout: 200
# Isolation in the container host (run/isolation.run of the tests image):
# system calls given what is not the caller's fail with their error and
# never fault the kernel; ring-3 loads of the kernel's memory and of other
# frames end the process; each kind of fault ends only its process, named
# with container and pid, while a bystander computes on; PID namespaces
# start at 1 in each container; a container sees its own image's files.
source "$(dirname "$0")/../lib.sh"

LOG=containers-isolation-qemu.log
boot_qemu "$LOG" 150 build/guest32.elf "containers script=tests:run/isolation.run" \
	build/apps.cpio "" build/tests.cpio ""
check_line "$LOG" '^\[probe-1\] probe: [0-9]+ checks, 0 failed$' probe_every_check_passed
check_no_line "$LOG" '^\[probe-1\] probe .*: FAIL' probe_no_check_failed
check_line "$LOG" '^\[probe-1\] probe hostname=probe-host$' own_hostname
check_line "$LOG" '^\[probe-1\] probe pid=1 ppid=0$' probe_is_pid_1
for name in peek-kernel peek-frames; do
	check_line "$LOG" "^guest: container $name-1: pid 1 \(bin/probe\) killed: page fault at RIP 0x[0-9a-f]+, read of 0x[0-9a-f]+ \(protection violation\)$" "${name}_killed"
	check_no_line "$LOG" "^\[$name-1\] probe peek .* = " "${name}_read_nothing"
done
declare -A FAULT=([divide]='divide error \(#DE\)' [pointer]='page fault' [kernel]='page fault'
	[privileged]='general protection \(#GP\)' [ud]='invalid opcode \(#UD\)' [stack]='page fault'
	[text]='page fault')
for kind in "${!FAULT[@]}"; do
	check_line "$LOG" "^guest: container $kind-1: pid 1 \(bin/fault\) killed: ${FAULT[$kind]}" "fault_${kind}_kills_its_process"
	check_line "$LOG" "^guest: container $kind-1 exited: status -1 \(fault\)" "fault_${kind}_status"
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
check_line "$LOG" '^guest: container host: done' kernel_survived
check_status 0 exit_code_0
