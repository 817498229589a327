#!/bin/bash
# timeout: 240
# The interactive targets as a user runs them, on a terminal (a pty of
# script(1)): `make qemu`, whose kernel ends the session, and `make debug`
# and `make bochs`, which the user ends with Ctrl-C. Each ends with status
# 0 and the line of tools/session.sh saying how it ended; make reports no
# error and no "Interrupt" (a SIGINT that reached make would end it with
# one, whatever the session's status).
source "$(dirname "$0")/../lib.sh"

# session NAME TARGET [WAIT_REGEX]: `make TARGET` on a pty; with
# WAIT_REGEX, Ctrl-C is typed once a line of the output matches it.
# Sets STATUS; the output is $OUT/make-sessions/NAME.out.
session() {
	local target=$2 wait=${3:-} out=$OUT/make-sessions/$1.out fifo=$OUT/make-sessions/$1.in i pid
	mkdir -p "$OUT/make-sessions"
	rm -f "$out" "$fifo"
	mkfifo "$fifo" || return 1
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS timeout -k 5 120 \
		script -qefc "make -s $target" /dev/null <"$fifo" >"$out" 2>&1 &
	pid=$!
	exec 3>"$fifo"
	if [[ -n $wait ]]; then
		for ((i = 0; i < 900; i++)); do
			tr -d '\r' <"$out" | grep -aqE -- "$wait" && break
			sleep 0.1
		done
		sleep 1
		printf '\003' >&3
	fi
	wait $pid
	STATUS=$?
	exec 3>&-
	rm -f "$fifo"
}

# check_session NAME HOW_REGEX: status 0, the session's last line, no
# error of make.
check_session() {
	local out=$OUT/make-sessions/$1.out
	if ((STATUS == 0)); then
		result PASS "$1_status_0"
	else
		result FAIL "$1_status_0" "make ended with status $STATUS; see $out"
	fi
	check_line "$out" "^mica: session ended$2" "$1_says_how_it_ended"
	check_no_line "$out" '^make(\[[0-9]+\])?: \*\*\*' "$1_no_make_error"
}

session qemu qemu
check_session qemu ": the kernel's exit code 0 "
check_line "$OUT/make-sessions/qemu.out" "^guest: command line: ''$" qemu_command_line_empty

session debug debug 'QEMU waits for gdb'
check_session debug ' \(Ctrl-C\)$'

session bochs bochs 'GNU GRUB|Booting'
check_session bochs ' \(Ctrl-C\)$'
