#!/bin/sh
# deps.sh - check that every tool mica needs is here (Debian 12 package names).
#
# usage: tools/deps.sh
#
# Prints nothing when all is present. Otherwise it names the missing packages:
# as root it installs them with apt-get, without recommended packages, one
# line a step (apt's output goes to /tmp/mica-apt.log), naming a package
# that cannot be installed; as another user it says what to run.
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
/usr/lib/grub/x86_64-efi/multiboot.mod    grub-efi-amd64-bin
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
bc                                        bc
bison                                     bison
flex                                      flex
/usr/include/gelf.h                       libelf-dev
lz4                                       lz4
xz                                        xz-utils
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
	echo "mica: missing packages: $need; run as root: apt-get install -y --no-install-recommends $need" >&2
	exit 1
fi
command -v apt-get >/dev/null || {
	echo "mica: missing packages: $need; no apt-get here to install them" >&2
	exit 1
}
# apt's own output goes to a log; the terminal gets one line a step, and
# on failure the package that cannot be installed and apt's reason.
log=${TMPDIR:-/tmp}/mica-apt.log
: >"$log" 2>/dev/null || log=/dev/null
count=$(echo "$need" | wc -w)
echo "mica: installing $count missing packages, without recommended ones: $need"
echo "mica: [1/2] apt-get update (its output: $log)"
if ! apt-get -qq update >>"$log" 2>&1; then
	echo "mica: apt-get update failed:" >&2
	grep -E '^(E|W): ' "$log" | tail -n 5 >&2
	exit 1
fi
# which_package: name the first package apt cannot install on its own, and why.
which_package() {
	for p in $need; do
		why=$(LC_ALL=C apt-get install -s -qq --no-install-recommends "$p" 2>&1 | grep -E '^E: ' | head -n 1)
		if [ -n "$why" ]; then
			echo "mica: cannot install the package $p: ${why#E: }" >&2
			return 0
		fi
	done
	return 1
}
# What it takes: apt-get's own summary of the install, without doing it.
# $need is a list of words.
# shellcheck disable=SC2086
plan=$(LC_ALL=C apt-get install --assume-no --no-install-recommends $need 2>&1)
pkgs=$(echo "$plan" | sed -n 's/.* \([0-9]*\) newly installed.*/\1/p')
get=$(echo "$plan" | sed -n 's/^Need to get \([0-9.,]* [kMG]\{0,1\}B\).*/\1/p')
if echo "$plan" | grep -q '^E: '; then
	which_package || echo "mica: apt-get cannot install these: $(echo "$plan" | grep '^E: ' | head -n 1)" >&2
	exit 1
fi
disk=$(echo "$plan" | sed -n 's/^After this operation, \(.*\) of additional disk space.*/\1/p')
echo "mica: [2/2] apt-get install: ${pkgs:-?} packages with what they need, ${get:-?} to download, ${disk:-?} on disk"
# shellcheck disable=SC2086
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >>"$log" 2>&1; then
	which_package && exit 1
	echo "mica: apt-get install failed (see $log):" >&2
	grep -E '^(E|W): ' "$log" | tail -n 5 >&2
	exit 1
fi

need=$(missing)
if [ -n "$need" ]; then
	echo "mica: still missing after apt-get install: $need" >&2
	exit 1
fi
echo "mica: the packages are installed"
