#!/bin/sh
# bochs-run.sh - boot a GRUB ISO in Bochs (2.7 or later), whose CPU emulates
# VT-x with EPT.
#
# usage: tools/bochs-run.sh [options] ISO
#
#   --show            show the serial console (COM1) on this terminal, live
#   --timeout S       time limit in seconds (default 120; 0 means none)
#   --log FILE        serial log (default build/bochs-serial.log)
#   --bochs-log FILE  Bochs's own log (default build/bochs.log); it says why
#                     a VMX instruction or VM entry failed
#   --mem M           memory in MiB (default 512)
#   --cpus N          processors (default 1): Bochs's BIOS lists them in its
#                     ACPI MADT and MP table, and holds the others for SIPI
#
# Which Bochs (environment):
#   BOCHS=PATH          the Bochs binary (default: bochs on PATH)
#   BOCHS_BIOS=FILE     its BIOS ROM (default: PREFIX/share/bochs/BIOS-bochs-latest
#                       beside the binary, PREFIX being the directory above bin/)
#   BOCHS_VGABIOS=FILE  its VGA BIOS ROM (default: /usr/share/vgabios/vgabios.bin
#                       for /usr/bin/bochs, as Debian has it, else
#                       PREFIX/share/bochs/VGABIOS-lgpl-latest[.bin])
#   BOCHS_PLUGINS=DIR   its plugin directory, where the build has plugins
#                       (default: PREFIX/lib/bochs/plugins or Debian's
#                       /usr/lib/*/bochs/plugins; none for a build without them)
# A build with the internal debugger (Debian's) stops before the first
# instruction and is told to continue (-rc); one without (a default build
# from source) is not: `bochs --help` says which.
#
# Bochs runs with no window: its "term" display draws the VGA screen on a
# pseudo-terminal made by script(1), and that drawing is thrown away. One CPU
# (unless --cpus) and "clock: sync=none", so RDTSC counts the instructions
# executed; the CMOS clock starts at 2026-01-01 00:00:00 ("time0"), not at
# the host's time, so that a guest that reads the date (Linux seeds its
# random numbers with it) runs the same instructions on every boot.
#
# The exit code is the value the kernel wrote to port 0xf4 (Bochs logs it),
# else the one in the kernel's last "<who>: exit code N" line.
#
# Exit status:
#   0..122  the kernel's exit code
#   124     the time limit was reached
#   125     Bochs ended with no exit code (triple fault, panic, crash), or this
#           script failed (missing file, bad arguments); stderr says which
#   130     interrupted (Ctrl-C)
set -u

tools=$(dirname "$0")
show=0
limit=120
log=$tools/../build/bochs-serial.log
blog=$tools/../build/bochs.log
mem=512
cpus=1

LAUNCHER=bochs
. "$(dirname "$0")/launcher-lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	--show) show=1 ;;
	--timeout | --log | --bochs-log | --mem | --cpus)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--timeout) number "$1" "$2"; limit=$2 ;;
		--log) log=$2 ;;
		--bochs-log) blog=$2 ;;
		--mem) number "$1" "$2"; mem=$2 ;;
		--cpus) number "$1" "$2"; cpus=$2 ;;
		esac
		shift
		;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1 (see $0 --help)" ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || die "usage: $0 [options] ISO"
iso=$1

[ -f "$iso" ] || die "no such ISO: $iso"
command -v script >/dev/null || die "script not found (run tools/deps.sh)"
bochs_find || exit 125
for f in "$log" "$blog"; do
	mkdir -p "$(dirname "$f")" || die "cannot create the directory of $f"
	: >"$f" || die "cannot write $f"
done

abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bochs-run.XXXXXX") || die "cannot make a temporary directory"

# pid is script(1), which runs timeout, which runs Bochs, in a new session
# on a pseudo-terminal; $tmp/pid is the leader of that session and of its
# process group. tailpid is the tail -f of --show.
pid=
tailpid=
stop() { # on a signal: end Bochs; the main loop then finds script gone
	if [ -s "$tmp/pid" ]; then
		kill -HUP "$(cat "$tmp/pid")" 2>/dev/null
	elif [ -n "$pid" ]; then
		kill -KILL "$pid" 2>/dev/null
	fi
}
end_bochs() { # make sure Bochs is gone: it ignores SIGTERM, not SIGHUP
	[ -s "$tmp/pid" ] || return 0
	leader=$(cat "$tmp/pid")
	rm -f "$tmp/pid"
	kill -HUP "$leader" 2>/dev/null || return 0
	n=0
	while kill -0 "$leader" 2>/dev/null && [ $n -lt 20 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -KILL -- "-$leader" 2>/dev/null
}
cleanup() {
	end_bochs
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null
	[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# bochsrc has no quoting for paths: it names only links in the temporary
# directory, which point to the real files.
case $tmp in
*[!A-Za-z0-9/._-]*) die "the temporary directory $tmp has characters bochsrc cannot take" ;;
esac
ln -s "$(abspath "$iso")" "$tmp/cd.iso" &&
	ln -s "$(abspath "$bios")" "$tmp/bios.rom" &&
	ln -s "$(abspath "$vgabios")" "$tmp/vgabios.rom" &&
	ln -s "$(abspath "$log")" "$tmp/serial.log" &&
	ln -s "$(abspath "$blog")" "$tmp/bochs.log" || die "cannot set up $tmp"

cat >"$tmp/bochsrc" <<EOF
# written by tools/bochs-run.sh
cpu: model=corei7_skylake_x, count=$cpus, ips=50000000, reset_on_triple_fault=0
memory: guest=$mem, host=$mem
romimage: file=$tmp/bios.rom
vgaromimage: file=$tmp/vgabios.rom
ata0-master: type=cdrom, path=$tmp/cd.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$tmp/serial.log
port_e9_hack: enabled=1
display_library: term
mouse: enabled=0
speaker: enabled=0
clock: sync=none, time0=1767225600
log: $tmp/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
# The exit port 0xf4 is unmapped in Bochs: log the writes to it.
debug: action=ignore, unmapped=report
EOF
# A build with the debugger stops before the first instruction: continue. It
# stops again on a triple fault or a reset: quit then.
printf 'c\nquit\n' >"$tmp/cmds"

# The term display needs a terminal type it knows; script runs the command
# with $SHELL and, with -e, exits with its status. timeout stays in the
# foreground of the pseudo-terminal, where the term display must be; if
# script is killed, the pseudo-terminal hangs up and that ends Bochs too.
run="echo \$\$ >$tmp/pid; exec timeout --foreground -s HUP -k 5 $limit"
run="$run $bochs -q -f $tmp/bochsrc"
[ "$bochs_debugger" = 0 ] || run="$run -rc $tmp/cmds"
[ -z "$bochs_plugins" ] || export LTDL_LIBRARY_PATH="$bochs_plugins"
SHELL=/bin/sh TERM=vt100 script -eqc "$run" /dev/null </dev/null >"$tmp/console" 2>&1 &
pid=$!
if [ $show = 1 ]; then
	tail -n +1 -s 0.2 --pid=$pid -f "$log" &
	tailpid=$!
fi

interrupted=0
trap 'interrupted=1; stop' INT TERM HUP
while :; do
	wait $pid
	status=$?
	kill -0 $pid 2>/dev/null || break
done
pid=
end_bochs
if [ -n "$tailpid" ]; then
	wait $tailpid
	tailpid=
fi
trap - INT TERM HUP

if [ $interrupted = 1 ]; then
	echo "bochs: interrupted" >&2
	exit 130
fi

port=$(bochs_exit_port "$blog")
printed=$(grep -aoE '(mica|guest|linux-init): exit code [0-9]+' "$log" | tail -n 1 | sed 's/.* //')

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "bochs: time limit of $limit s reached" >&2
	[ -z "$port" ] || echo "bochs: the kernel wrote exit code $((0x$port)) to port 0xf4 but never wrote Shutdown to port 0x8900" >&2
	exit 124
fi

if [ -n "$port" ]; then
	code=$((0x$port))
	[ -z "$printed" ] || [ "$printed" = "$code" ] ||
		echo "bochs: the kernel printed exit code $printed but wrote $code to port 0xf4" >&2
elif [ -n "$printed" ]; then
	code=$printed
else
	echo "bochs: ended with no exit code; see $blog" >&2
	lines=$(grep -aE 'VMFAIL|VMENTER|VMEXIT|PANIC|ERROR' "$blog")
	if [ -n "$lines" ]; then
		n=$(printf '%s\n' "$lines" | wc -l)
		if [ "$n" -le 20 ]; then
			printf '%s\n' "$lines" >&2
		else
			printf '%s\n' "$lines" | head -n 10 >&2
			echo "[... $((n - 20)) more lines ...]" >&2
			printf '%s\n' "$lines" | tail -n 10 >&2
		fi
	else
		# Nothing in the log: Bochs may have failed to start. Its console
		# says why, between the screen drawing.
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$tmp/console" |
			grep -av -e '^[[:space:]]*$' -e 'ALSA lib' | tail -n 5 >&2
	fi
	exit 125
fi
[ "$code" -le 122 ] || die "the kernel's exit code $code is above 122"
exit "$code"
