# launcher-lib.sh - what tools/qemu-run.sh and tools/bochs-run.sh share,
# sourced by both after they set LAUNCHER (the name in their messages).

# die TEXT: one line on stderr, then the launcher's own failure status.
die() {
	echo "$LAUNCHER: $*" >&2
	exit 125
}

# usage STATUS: the script's header comment, then exit.
usage() {
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p;}' "$0"
	exit "$1"
}

# number NAME VALUE: VALUE must be a decimal number.
number() {
	case $2 in
	'' | *[!0-9]*) die "$1 needs a number, not '$2'" ;;
	esac
}
