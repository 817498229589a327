#!/bin/sh
# qemu-run.sh - boot a multiboot 1 ELF32 kernel, and its modules, in QEMU; or a
# Linux bzImage, whose one MODULE (with "" as its arguments) is its initrd.
#
# usage: tools/qemu-run.sh [options] IMAGE "CMDLINE" [MODULE "MODULE_ARGS"]...
#
#   --show        the serial console (COM1) is this terminal; it is still
#                 copied to the log
#   --timeout S   time limit in seconds (default 60, or none with --gdb;
#                 0 means none)
#   --log FILE    serial log (default build/qemu-serial.log)
#   --gdb PORT    start halted and wait for gdb on tcp::PORT
#   --kvm         demand KVM with nested VT-x (fail if it is not usable)
#   --no-kvm      use QEMU's software CPU (TCG, -cpu max), which has no VT-x
#   --mem M       memory in MiB (default 256)
#   --icount      the software CPU's clocks count instructions (8 ns each,
#                 -icount shift=3) instead of following the host's: a
#                 guest's measure of its CPU share then does not move with
#                 the host's load, as under Bochs
#
# By default KVM (-enable-kvm -cpu host) is used when tools/kvm-check.sh says
# nested VT-x works here, and TCG otherwise. QEMU refuses ELF64 images: boot
# the ELF32 copies (build/mica32.elf, build/guest32.elf).
#
# Like GRUB, QEMU starts each multiboot command line with the file's path:
# the kernel sees "IMAGE CMDLINE" and each module "MODULE MODULE_ARGS".
#
# Exit status:
#   0..122  the kernel's exit code (it wrote it to port 0xf4)
#   124     the time limit was reached
#   125     QEMU ended with no exit code (reset, triple fault, crash), or this
#           script failed (missing file, bad arguments); stderr says which
#   130     interrupted (Ctrl-C)
set -u

tools=$(dirname "$0")
show=0
limit=
log=$tools/../build/qemu-serial.log
gdb=
kvm=auto
mem=256
icount=0

LAUNCHER=qemu
. "$(dirname "$0")/launcher-lib.sh"

while [ $# -gt 0 ]; do
	case $1 in
	--show) show=1 ;;
	--timeout | --log | --gdb | --mem)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--timeout) number "$1" "$2"; limit=$2 ;;
		--log) log=$2 ;;
		--gdb) number "$1" "$2"; gdb=$2 ;;
		--mem) number "$1" "$2"; mem=$2 ;;
		esac
		shift
		;;
	--kvm) kvm=yes ;;
	--no-kvm) kvm=no ;;
	--icount) icount=1; kvm=no ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1 (see $0 --help)" ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 2 ] || die "usage: $0 [options] IMAGE \"CMDLINE\" [MODULE \"MODULE_ARGS\"]..."
[ $(($# % 2)) -eq 0 ] || die "each MODULE needs its MODULE_ARGS (\"\" for none)"
if [ -z "$limit" ]; then
	if [ -n "$gdb" ]; then limit=0; else limit=60; fi
fi

image=$1
cmdline=$2
shift 2
[ -f "$image" ] || die "no such kernel image: $image"
# EI_CLASS, the fifth byte of an ELF header: 1 is ELF32, 2 is ELF64.
# A Linux bzImage ("HdrS" at 0x202) goes to -kernel as it is.
if [ "$(od -An -c -j514 -N4 "$image" | tr -d ' ')" != HdrS ]; then
case $(od -An -tx1 -j4 -N1 "$image" | tr -d ' ') in
01) ;;
02) die "$image is ELF64; QEMU's -kernel needs ELF32 (objcopy -O elf32-i386)" ;;
*) die "$image is not an ELF32 file" ;;
esac
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (run tools/deps.sh)"

# QEMU splits the -initrd list at commas; a comma inside one entry is ",,".
commas() { printf '%s' "$1" | sed 's/,/,,/g'; }

initrd=
while [ $# -gt 0 ]; do
	[ -f "$1" ] || die "no such module: $1"
	case $1 in
	*[[:space:]]*) die "a module's path cannot contain spaces: '$1'" ;;
	esac
	entry=$1
	[ -z "$2" ] || entry="$1 $2"
	initrd=${initrd:+$initrd,}$(commas "$entry")
	shift 2
done

if reason=$(sh "$tools/kvm-check.sh"); then kvm_ok=1; else kvm_ok=0; fi
case $kvm in
yes) [ $kvm_ok = 1 ] || die "--kvm: KVM with nested VT-x is not usable here ($reason)" ;;
auto) [ $kvm_ok = 1 ] && kvm=yes || kvm=no ;;
esac

mkdir -p "$(dirname "$log")" || die "cannot create the directory of $log"
: >"$log" || die "cannot write $log"

# From here on the positional parameters are QEMU's command line.
set -- -kernel "$image" -append "$cmdline"
[ -z "$initrd" ] || set -- "$@" -initrd "$initrd"
if [ $show = 1 ]; then
	set -- "$@" -chardev "stdio,id=com1,signal=on,logfile=$(commas "$log")"
else
	set -- "$@" -chardev "file,id=com1,path=$(commas "$log")"
fi
set -- "$@" -serial chardev:com1 -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -m "$mem"
if [ $kvm = yes ]; then
	set -- "$@" -enable-kvm -cpu host
else
	set -- "$@" -cpu max
	[ $icount = 0 ] || set -- "$@" -icount shift=3,sleep=off
fi
[ -z "$gdb" ] || set -- "$@" -S -gdb "tcp::$gdb"

# QEMU runs in the background so that a signal to this script is handled at
# once; it keeps this terminal as its stdin (for --show) and stays in the
# foreground process group, so that Ctrl-C reaches it directly.
exec 3<&0
timeout --foreground -k 5 "$limit" qemu-system-x86_64 "$@" <&3 3<&- &
pid=$!
exec 3<&-
interrupted=0
trap 'interrupted=1; kill -TERM $pid 2>/dev/null' INT TERM HUP
while :; do
	wait $pid
	status=$?
	kill -0 $pid 2>/dev/null || break
done
trap - INT TERM HUP

if [ $interrupted = 1 ]; then
	echo "qemu: interrupted" >&2
	exit 130
fi

# The last "<who>: exit code N" line the kernel printed, if any.
printed=$(grep -aoE '(mica|guest|linux-init|vpc): exit code [0-9]+' "$log" | tail -n 1 | sed 's/.* //')

# isa-debug-exit makes QEMU exit with (N << 1) | 1. A few of those values
# also mean something else; the kernel's own line tells them apart.
code=$((status >> 1))
case $status in
1 | 125 | 127 | 137)
	if [ "$printed" = "$code" ]; then
		exit "$code"
	fi
	case $status in
	1) die "QEMU failed (status 1)" ;;
	125) die "timeout failed (status 125)" ;;
	127) die "could not run qemu-system-x86_64" ;;
	137) echo "qemu: time limit of $limit s reached (QEMU had to be killed)" >&2; exit 124 ;;
	esac
	;;
124)
	echo "qemu: time limit of $limit s reached" >&2
	exit 124
	;;
0)
	die "ended with no exit code (reset, triple fault or power-off); see $log"
	;;
esac
if [ $((status & 1)) = 1 ] && [ "$code" -le 122 ]; then
	exit "$code"
fi
if [ $((status & 1)) = 1 ]; then
	die "the kernel wrote exit code $code to port 0xf4; exit codes stop at 122"
fi
die "QEMU ended with status $status and no exit code; see $log"
