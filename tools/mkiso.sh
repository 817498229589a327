#!/bin/sh
# mkiso.sh - make a GRUB ISO (CD, or USB stick written with dd) that boots in
# legacy BIOS and, where Debian's grub-efi-amd64-bin is installed (as
# tools/deps.sh does), in UEFI too: grub-mkrescue puts in every GRUB platform
# it finds in /usr/lib/grub (i386-pc: El Torito and an MBR; x86_64-efi: an
# EFI system partition image with BOOTX64.EFI).
#
# usage: tools/mkiso.sh OUT.iso GRUB.cfg FILE...
#
# Each FILE that GRUB.cfg names (/boot/NAME) is copied to /boot/ on the ISO,
# the others are left out, and GRUB.cfg becomes /boot/grub/grub.cfg. An ISO
# thus holds only what its boot reads: a change to a file it does not use
# cannot move where GRUB finds the others, and with that the instruction
# counts of a Bochs boot (the timer ticks land elsewhere). Only the GRUB modules below go in (no fonts, themes or
# translations), which keeps the ISO small; a grub.cfg that needs another
# module must add it to MODULES. A module that one platform lacks (biosdisk
# under UEFI) is left out of the list for both: grub-mkrescue fails on a
# missing one, and builds the BIOS boot image with biosdisk in it anyway.
#
# Exit status: 0 the ISO was written; 1 it was not (stderr says why).
set -u

MODULES="multiboot multiboot2 normal serial terminal echo test sleep
	configfile halt reboot iso9660 linux biosdisk part_msdos part_gpt fat search ls cat true"

die() {
	echo "mkiso: $*" >&2
	exit 1
}

[ $# -ge 3 ] || die "usage: $0 OUT.iso GRUB.cfg FILE..."
out=$1
cfg=$2
shift 2
[ -f "$cfg" ] || die "no such file: $cfg"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue not found (run tools/deps.sh)"
[ -f /usr/lib/grub/i386-pc/multiboot.mod ] ||
	die "no GRUB BIOS modules in /usr/lib/grub/i386-pc (run tools/deps.sh)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkiso.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$tmp/iso/boot/grub"
cp "$cfg" "$tmp/iso/boot/grub/grub.cfg" || die "cannot copy $cfg"
for f in "$@"; do
	[ -f "$f" ] || die "no such file: $f"
	name=$(basename "$f")
	[ ! -e "$tmp/iso/boot/$name" ] || die "two files named $name"
	grep -qE "/boot/$(printf '%s' "$name" | sed 's/[.]/[.]/g')([^A-Za-z0-9._-]|\$)" "$cfg" || continue
	cp "$f" "$tmp/iso/boot/" || die "cannot copy $f"
done

# Write beside OUT and rename, so a failed run never leaves half an ISO.
mkdir -p "$(dirname "$out")" || die "cannot create the directory of $out"
modules=
for m in $MODULES; do
	for dir in /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi; do
		[ ! -d "$dir" ] || [ -f "$dir/$m.mod" ] || continue 2
	done
	modules="$modules $m"
done
if ! grub-mkrescue --install-modules="$modules" --locales= --fonts= --themes= \
	-o "$out.tmp" "$tmp/iso" >"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	rm -f "$out.tmp"
	die "grub-mkrescue failed"
fi
mv -f "$out.tmp" "$out" || die "cannot write $out"
