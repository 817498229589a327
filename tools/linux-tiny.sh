#!/bin/sh
# linux-tiny.sh - build the small Linux kernel of the fast Linux scenarios
# from Debian's own kernel source (package linux-source-6.1: Linux 6.1
# with Debian's patches), cached.
#
# usage: tools/linux-tiny.sh DIR
#
# The source package's .deb is fetched with apt-get download (nothing is
# installed) and unpacked into DIR/src; the kernel is configured with
# `make tinyconfig` plus tools/linux-tiny.config, and its bzImage built
# with $JOBS (2) jobs. DIR gets bzImage, config (the full .config),
# version (the source package and version) and key. The key names the
# source version, the configuration fragment and the compiler: a DIR whose
# key matches is left alone, so a second run does nothing. The kernel
# build needs gcc, make, bc, bison, flex, libelf-dev, lz4 and cpio
# (tools/deps.sh installs them); its output goes to DIR/build.log.
#
# Exit status: 0 DIR/bzImage is there; 1 it is not (stderr says why).
set -u

die() {
	echo "linux-tiny: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 DIR"
dir=$1
pkg=${LINUX_SRC_PKG:-linux-source-6.1}
jobs=${JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/linux-tiny.config
[ -s "$fragment" ] || die "no $fragment"
for t in apt-get apt-cache dpkg-deb gcc make bc bison flex lz4 cpio xz sha256sum; do
	command -v $t >/dev/null || die "$t is needed (run tools/deps.sh)"
done

# A fresh machine may have no package lists yet: as root, fetch them once.
if ! apt-cache show "$pkg" >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	apt-get -qq update >/dev/null 2>&1 || die "apt-get update failed"
fi
version=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: \([^ ]*\)$/\1/p')
[ -n "$version" ] && [ "$version" != "(none)" ] ||
	die "no package $pkg in the package lists (run apt-get update as root)"

key="$pkg $version $(sha256sum <"$fragment" | cut -c1-16) $(gcc -dumpfullversion)"
if [ -s "$dir/bzImage" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

mkdir -p "$dir" || die "cannot create $dir"
dir=$(cd "$dir" && pwd)
src=$dir/src
log=$dir/build.log
: >"$log" || die "cannot write $log"
start=$(date +%s)

# The source tree: unpacked once per source version.
if [ "$(cat "$src/.mica-version" 2>/dev/null)" != "$pkg $version" ]; then
	tmp=$(mktemp -d "$dir/fetch.XXXXXX") || die "cannot make a temporary directory"
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM HUP
	echo "  FETCH   $pkg $version (apt-get download)"
	(cd "$tmp" && apt-get download -q "$pkg=$version" >>"$log" 2>&1) ||
		{ tail -n 5 "$log" >&2; die "apt-get download $pkg failed"; }
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "apt-get download left no .deb"
	echo "  UNPACK  $(basename "$deb") ($(($(wc -c <"$deb") / 1048576)) MiB)"
	dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$tmp" ./usr/src ||
		die "cannot unpack $deb"
	tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1)
	[ -n "$tarball" ] || die "$pkg has no /usr/src/linux-source-*.tar.xz"
	rm -rf "$src" "$tmp/src" && mkdir "$tmp/src" &&
		tar -xJf "$tarball" -C "$tmp/src" --strip-components=1 || die "cannot unpack $tarball"
	echo "$pkg $version" >"$tmp/src/.mica-version"
	mv "$tmp/src" "$src" || die "cannot move the source to $src"
	rm -rf "$tmp"
fi

# tinyconfig, then the fragment's lines, each of which must survive
# olddefconfig: a line Kconfig drops (a dependency unmet) is an error.
echo "  CONFIG  tinyconfig + tools/linux-tiny.config"
kmake() { make -C "$src" ARCH=x86_64 "$@" >>"$log" 2>&1; }
kmake tinyconfig || { tail -n 5 "$log" >&2; die "make tinyconfig failed"; }
grep -E '^(CONFIG_|# CONFIG_)' "$fragment" >"$dir/want" || die "cannot read $fragment"
while read -r line; do
	case $line in
	"# CONFIG_"*) opt=${line#\# CONFIG_}; opt=${opt%% *}; "$src/scripts/config" --file "$src/.config" -d "$opt" ;;
	CONFIG_*=y) opt=${line#CONFIG_}; opt=${opt%%=*}; "$src/scripts/config" --file "$src/.config" -e "$opt" ;;
	CONFIG_*=*) opt=${line#CONFIG_}; opt=${opt%%=*}; "$src/scripts/config" --file "$src/.config" --set-val "$opt" "${line#*=}" ;;
	esac || die "cannot set $line"
done <"$dir/want"
kmake olddefconfig || { tail -n 5 "$log" >&2; die "make olddefconfig failed"; }
while read -r line; do
	case $line in
	"# CONFIG_"*) opt=${line#\# }; opt=${opt%% *}; ! grep -q "^$opt=" "$src/.config" ;;
	*) grep -qx "$line" "$src/.config" ;;
	esac || die "the kernel's configuration drops '$line' (a Kconfig dependency is not met)"
done <"$dir/want"
rm -f "$dir/want"

echo "  KBUILD  bzImage (make -j$jobs, output in $log)"
kmake -j"$jobs" bzImage || { tail -n 20 "$log" >&2; die "the kernel build failed (see $log)"; }
cp "$src/arch/x86/boot/bzImage" "$dir/bzImage.tmp" && mv -f "$dir/bzImage.tmp" "$dir/bzImage" ||
	die "cannot write $dir/bzImage"
cp "$src/.config" "$dir/config"
echo "$pkg $version" >"$dir/version"
echo "$key" >"$dir/key"
echo "  KERNEL  $dir/bzImage ($(wc -c <"$dir/bzImage") bytes, built in $(($(date +%s) - start)) s)"
