#!/bin/sh
# deps.sh - check that every tool mica needs is here (Debian 12 package names).
#
# usage: tools/deps.sh
#
# Prints nothing when all is present. Otherwise it names the missing packages:
# as root it installs them with apt-get; as another user it says what to run.
#
# Exit status: 0 all present (or installed now); 1 something is missing.
set -u

# Each check: a command name, or a path that must exist; then its package.
CHECKS='
gcc                                       gcc
ld                                        binutils
objcopy                                   binutils
make                                      make
nasm                                      nasm
grub-mkrescue                             grub-common
/usr/lib/grub/i386-pc/multiboot.mod       grub-pc-bin
xorriso                                   xorriso
mformat                                   mtools
bochs                                     bochs
/usr/share/bochs/BIOS-bochs-latest        bochsbios
/usr/share/vgabios/vgabios.bin            vgabios
bochs-term-plugin                         bochs-term
qemu-system-x86_64                        qemu-system-x86
/usr/include/cmocka.h                     libcmocka-dev
gnuplot                                   gnuplot-nox
cpio                                      cpio
script                                    bsdutils
timeout                                   coreutils
xargs                                     findutils
flock                                     util-linux
'

present() { # CHECK: is it here?
	case $1 in
	bochs-term-plugin)
		# Debian puts Bochs plugins under the multiarch library directory.
		for f in /usr/lib/*/bochs/plugins/libbx_term_gui.so /usr/lib/bochs/plugins/libbx_term_gui.so; do
			[ ! -e "$f" ] || return 0
		done
		return 1
		;;
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

missing() { # the packages of the checks that fail, each once
	echo "$CHECKS" | while read -r check package; do
		[ -z "$check" ] || present "$check" || echo "$package"
	done | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}

need=$(missing)
[ -n "$need" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "mica: missing packages: $need; run as root: apt-get install -y $need" >&2
	exit 1
fi
command -v apt-get >/dev/null || {
	echo "mica: missing packages: $need; no apt-get here to install them" >&2
	exit 1
}
echo "mica: installing missing packages: $need"
apt-get -qq update || exit 1
# $need is a list of words.
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need || exit 1

need=$(missing)
if [ -n "$need" ]; then
	echo "mica: still missing after apt-get install: $need" >&2
	exit 1
fi
