#!/bin/sh
# mkimage.sh - make a container image: a cpio "newc" archive (lib/archive.h)
# holding a tree of static files and the given programs under bin/.
#
# usage: STRIP=strip tools/mkimage.sh OUT.cpio STATIC_DIR PROGRAM...
#
# The files of STATIC_DIR keep their paths below it (e.g. etc/motd); each
# PROGRAM (build/user/NAME.elf) becomes bin/NAME, stripped of its symbols.
# Archive paths have no leading "/" or "./". The archive is the same byte for
# byte on every build: sorted names, modes 0755 (directories and programs) or
# 0644, owner 0:0, mtime 0, inodes numbered in order, no device numbers.
#
# Exit status: 0 the image was written; 1 it was not (stderr says why).
set -u

die() {
	echo "mkimage: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: $0 OUT.cpio STATIC_DIR PROGRAM..."
out=$1
static=$2
shift 2
[ -d "$static" ] || die "no such directory: $static"
command -v cpio >/dev/null || die "cpio not found (run tools/deps.sh)"
strip=${STRIP:-strip}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkimage.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

root=$tmp/root
mkdir -p "$root/bin" || die "cannot make $root/bin"
cp -R "$static/." "$root/" || die "cannot copy $static"
for p in "$@"; do
	[ -f "$p" ] || die "no such file: $p"
	name=$(basename "$p" .elf)
	[ ! -e "$root/bin/$name" ] || die "two programs named $name"
	"$strip" -o "$root/bin/$name" "$p" || die "cannot strip $p"
done

# Whatever the umask, the checkout and the clock said: fixed metadata.
find "$root" -type d -exec chmod 0755 {} + || die "cannot set modes in $root"
find "$root" -type f -exec chmod 0644 {} + || die "cannot set modes in $root"
find "$root/bin" -type f -exec chmod 0755 {} + || die "cannot set modes in $root/bin"
find "$root" -exec touch -h -d @0 {} + || die "cannot set the times in $root"

# Write beside OUT and rename, so a failed run never leaves half an image.
mkdir -p "$(dirname "$out")" || die "cannot create the directory of $out"
(cd "$root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$out.tmp" ||
	{ rm -f "$out.tmp"; die "cpio failed"; }
mv -f "$out.tmp" "$out" || die "cannot write $out"
