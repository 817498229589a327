#!/bin/bash
# session.sh - an interactive session (make bochs, make qemu, make debug):
# runs a launcher (tools/bochs-run.sh or tools/qemu-run.sh with --show) and
# says how the session ended. A session the kernel ended, whatever its exit
# code, and one the user ended with Ctrl-C are normal ends: status 0, so
# that make does not report an error. Anything else (the launcher could not
# run, a time limit, no exit code) keeps the launcher's status.
#
# On a terminal the launcher runs as a job of its own in the foreground
# (job control), so that Ctrl-C reaches it and not make: make, which would
# otherwise get the same SIGINT, ends with "Interrupt" whatever the
# session's status.
#
# usage: tools/session.sh LAUNCHER_COMMAND...
# The terminal's foreground process group (field 8 of /proc/PID/stat): -1
# without a controlling terminal, where there is no job control to use.
tpgid=-1
[ ! -t 0 ] || read -r _ _ _ _ _ _ _ tpgid _ </proc/$$/stat 2>/dev/null
if [ "${tpgid:--1}" -gt 0 ] 2>/dev/null && set -m 2>/dev/null; then
	"$@" &
	fg %1 >/dev/null
	status=$?
	set +m
else
	"$@"
	status=$?
fi
case $status in
130)
	echo "mica: session ended (Ctrl-C)"
	exit 0
	;;
124 | 125) exit $status ;;
esac
if [ $status -le 122 ]; then
	echo "mica: session ended: the kernel's exit code $status (docs/configuration.md, \"Exit codes\")"
	exit 0
fi
exit $status
