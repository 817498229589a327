#!/bin/sh
# linux-kernel.sh - fetch Debian's kernel for the Linux guest scenarios,
# unmodified, without installing anything: the package's .deb is fetched
# with apt-get download and unpacked with dpkg-deb into DIR.
#
# usage: tools/linux-kernel.sh PACKAGE DIR
#
# PACKAGE is a kernel package or its metapackage (linux-image-cloud-amd64,
# linux-image-amd64); a metapackage is followed to the image it depends on.
# DIR gets vmlinuz (the bzImage), config (the kernel's configuration) and
# version (the package and version it came from). A DIR that has them, of
# the package wanted, is left alone: the download is cached.
#
# The kernel is the one of the Debian release's own suite (SUITE, default
# this machine's codename: bookworm on Debian 12), not the latest security
# update: a release's suite changes only at a point release, so every
# machine fetches the same kernel and the Linux VM's figures in docs/ repeat
# under Bochs. A newer kernel would boot as well, with other counts.
#
# Exit status: 0 DIR/vmlinuz is there; 1 it is not (stderr says why).
set -u

die() {
	echo "linux-kernel: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: $0 PACKAGE DIR"
pkg=$1
dir=$2
suite=${SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}
[ -n "$suite" ] || die "cannot tell this system's Debian suite (set SUITE=, e.g. bookworm)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	die "apt-get and dpkg-deb are needed (a Debian system)"

# A fresh machine may have no package lists yet: as root, fetch them once.
if ! apt-cache show "$pkg/$suite" >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	apt-get -qq update >/dev/null 2>&1 || die "apt-get update failed"
fi

# A metapackage depends on exactly one linux-image-VERSION-FLAVOUR.
image=$pkg
dep=$(apt-cache depends "$pkg/$suite" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
[ -z "$dep" ] || image=$dep
apt-cache show "$image/$suite" >/dev/null 2>&1 ||
	die "no package $image in $suite's package lists (run apt-get update as root)"
[ -s "$dir/vmlinuz" ] && grep -q "^Package: $image " "$dir/version" 2>/dev/null && exit 0

mkdir -p "$dir" || die "cannot create $dir"
tmp=$(mktemp -d "$(cd "$dir" && pwd)/fetch.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

echo "  FETCH   $image from $suite (apt-get download)"
(cd "$tmp" && apt-get download -q "$image/$suite" >log 2>&1) || { cat "$tmp/log" >&2; die "apt-get download $image failed"; }
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download left no .deb"
mkdir "$tmp/x" && dpkg-deb -x "$deb" "$tmp/x" || die "cannot unpack $deb"
kernel=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$kernel" ] || die "$image has no /boot/vmlinuz-*"
cp "$tmp"/x/boot/config-* "$dir/config" 2>/dev/null
cp "$kernel" "$dir/vmlinuz.tmp" && mv -f "$dir/vmlinuz.tmp" "$dir/vmlinuz" || die "cannot write $dir/vmlinuz"
dpkg-deb -f "$deb" Package Version | tr '\n' ' ' | sed 's/ $/\n/' >"$dir/version"
