#!/bin/bash
# fresh-debian.sh - the README's two commands on a fresh Debian 12, timed,
# with what they download: the figures of the README's quick start.
#
# usage: tools/fresh-debian.sh [--dir DIR] [--record FILE] [--mirror URL] [--commit REV]
#
#   --dir DIR      where everything happens (default build/fresh): DIR/root
#                  is the Debian root, DIR/*.out the whole output of each step
#   --record FILE  the record of the run (default docs/fresh-debian.log),
#                  which `make docs` reads the README's figures from
#   --mirror URL   the Debian mirror (default http://deb.debian.org/debian)
#   --commit REV   the commit to measure (default HEAD)
#
# As root, on a Debian host with debootstrap (apt-get install
# --no-install-recommends debootstrap). It makes a minimal Debian 12
# (bookworm) root with `debootstrap --variant=minbase`, the base of the
# debian:12 image and of a minimal server, with bookworm, bookworm-updates
# and bookworm-security as its sources; installs make there (`apt-get
# install make`, the README's one prerequisite); clones this repository at
# REV into it (uncommitted changes are not measured); and, chrooted
# with /proc, /sys and /dev mounted, runs the README's two commands as
# written, `make run` then `make test`, each timed. The packages they install
# come from tools/deps.sh in the clone, so the measurement follows that list.
#
# Nothing is done on the host outside DIR (apt, dpkg and the builds run in
# the root), and every mount is undone at the end, on failure or interrupt
# too. The machine, the load and the time go into the record: timings of a
# shared machine are not exact, and the README says on what they were taken.
#
# The record is "fresh-debian: WHAT: ..." lines and the verbatim lines of
# tools/deps.sh and of the test runner they come from, ended by the SHA-256
# of the lines above it, so that a figure changed by hand in it shows.
# tests/scenarios/fresh-debian-record.sh checks the record against the
# README and against tools/deps.sh's list; it never boots a Debian root.
#
# Exit status: 0 measured, the record written (whatever the two commands'
# own status was: the record says it); 1 the root could not be made or run.
set -u
cd "$(dirname "$0")/.." || exit 1
src=$(pwd)

usage="usage: $0 [--dir DIR] [--record FILE] [--mirror URL] [--commit REV]"
dir=build/fresh
record=docs/fresh-debian.log
mirror=http://deb.debian.org/debian
rev=HEAD
while [ $# -gt 0 ]; do
	case $1 in
	--dir | --record | --mirror | --commit)
		[ $# -ge 2 ] || { echo "$usage" >&2; exit 1; }
		case $1 in --dir) dir=$2 ;; --record) record=$2 ;; --mirror) mirror=$2 ;; --commit) rev=$2 ;; esac
		shift
		;;
	*) echo "$usage" >&2; exit 1 ;;
	esac
	shift
done
die() { echo "fresh-debian: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"
command -v debootstrap >/dev/null ||
	die "no debootstrap: apt-get install --no-install-recommends debootstrap"
commit=$(git rev-parse --verify "$rev^{commit}") || die "no commit $rev here"
[ "$rev" != HEAD ] || [ -z "$(git status --porcelain --untracked-files=no)" ] ||
	echo "fresh-debian: uncommitted changes are not measured: the clone is of $commit"
mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)
root=$dir/root

# mounted: the mount points under the root, deepest first.
mounted() { awk -v r="$root/" 'index($2 "/", r) == 1 { print $2 }' /proc/self/mounts | sort -r; }
# cleanup: end what still runs in the root (by pid), undo every mount.
cleanup() {
	local p pids
	pids=
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && pids="$pids ${p#/proc/}"
	done
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		sleep 2
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
	fi
	for m in $(mounted); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	[ -z "$(mounted)" ] || echo "fresh-debian: still mounted: $(mounted | tr '\n' ' ')" >&2
}
[ -z "$(mounted)" ] || die "mounts remain under $root from an earlier run: $(mounted | tr '\n' ' ')"
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

now() { date +%s; }
rm -rf "$root" || die "cannot remove the old $root"
echo "fresh-debian: [1/5] debootstrap --variant=minbase bookworm $root ($dir/debootstrap.out)"
t0=$(now)
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$dir/debootstrap.out" 2>&1 ||
	{ tail -n 5 "$dir/debootstrap.out" >&2; die "debootstrap failed"; }
t_debootstrap=$(($(now) - t0))
# The sources of a fresh Debian 12: the release, its updates, its security.
security=http://deb.debian.org/debian-security
[ "$mirror" = http://deb.debian.org/debian ] || security=${mirror%/debian}/debian-security
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf" || die "cannot copy /etc/resolv.conf"
base_pkgs=$(chroot "$root" dpkg-query -W -f '${Status}\n' | grep -c ' installed$')
version=$(cat "$root/etc/debian_version")

# /proc, /sys, /dev: each a slave of the host's, so that unmounting them
# here never unmounts anything on the host; /dev/shm a tmpfs of its own.
mount -t proc proc "$root/proc" &&
	mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys" &&
	mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" &&
	mount -t tmpfs -o mode=1777 shm "$root/dev/shm" || die "cannot mount /proc, /sys, /dev in $root"

# in_root CMD: run CMD (sh) in the root as a fresh login would, as root;
# MICA_MEASURING_FRESH=1 tells tests/scenarios/fresh-debian-record.sh that
# the record it would check is the one this run replaces.
in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 MICA_MEASURING_FRESH=1 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/sh -c "$1" </dev/null
}
# stamped OUT: each line of standard input, to OUT after the seconds since
# $t0 ("[  12] line"), and the lines the record keeps (tools/deps.sh's and
# the runner's last) to OUT.keep.
stamped() {
	perl -e '$| = 1; my $t0 = shift; open my $k, ">", "$ARGV[0].keep" or die;
		open my $o, ">", $ARGV[0] or die; $k->autoflush(1); $o->autoflush(1);
		while (<STDIN>) { s/\r//g; my $t = time - $t0;
			printf $o "[%4d] %s", $t, $_;
			printf $k "[%4d] %s", $t, $_ if m{^mica: (installing|\[\d/\d\]|the packages|still missing|cannot install|missing packages|apt-get|KVM|QEMU)} || /^\d+ passed, \d+ failed/ || /^\s*FETCH /;
		}' "$t0" "$1"
}

echo "fresh-debian: [2/5] apt-get update; apt-get install make ($dir/make.out)"
in_root 'apt-get update && apt-get install -y make' >"$dir/make.out" 2>&1 ||
	{ tail -n 5 "$dir/make.out" >&2; die "apt-get install make failed in the root"; }
make_line=$(sed -n 's/^Need to get \(.*\) of archives\.$/\1/p' "$dir/make.out" | tail -n 1)

echo "fresh-debian: [3/5] git clone $src (at $commit) into $root/root/mica"
git clone -q "$src" "$root/root/mica" && git -C "$root/root/mica" checkout -q "$commit" ||
	die "cannot clone $src into the root"

machine() {
	echo "$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))," \
		"$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
		"load average $(cut -d ' ' -f 1 /proc/loadavg)"
}
machine_start=$(machine)
start=$(date -u '+%Y-%m-%d %H:%M UTC')

# timed STEP TARGET: `make TARGET` in the clone, its output stamped into
# $dir/TARGET.out; sets TARGET_start, TARGET_end, TARGET_status.
timed() {
	echo "fresh-debian: [$1] make $2, timed ($dir/$2.out)"
	t0=$(now)
	eval "${2}_start=$t0"
	in_root "cd /root/mica && make $2" 2>&1 | stamped "$dir/$2.out"
	local status=${PIPESTATUS[0]} end
	end=$(now)
	eval "${2}_status=$status ${2}_end=$end"
	echo "fresh-debian: make $2 ended with status $status after $((end - t0)) s"
}
timed 4/5 run
timed 5/5 test
# The Linux guest's kernel package, fetched by make test with apt-get download.
# build/linux/version says "Package: NAME Version: VERSION".
version_of=$(cat "$root/root/mica/build/linux/version" 2>/dev/null)
linux=$(echo "$version_of" | sed -n 's/^Package: \([^ ]*\) Version: \([^ ]*\).*/\1 \2/p')
linux_size=
[ -z "$linux" ] || linux_size=$(in_root "apt-cache show --no-all-versions '${linux% *}=${linux#* }'" |
	sed -n 's/^Size: //p' | head -n 1)
disk=$(du -sxm "$root" | cut -f 1)

tmp=$record.tmp
{
	echo "fresh-debian: measured by tools/fresh-debian.sh, mica $commit, $start"
	echo "fresh-debian: machine: $machine_start at the start, $(cut -d ' ' -f 1 /proc/loadavg) at the end"
	echo "fresh-debian: root: Debian $version, debootstrap --variant=minbase bookworm in $t_debootstrap s: $base_pkgs packages"
	echo "fresh-debian: make: apt-get install make: ${make_line:-?} to download"
	echo "fresh-debian: deps: $(sh "$root/root/mica/tools/deps.sh" --list | tr '\n' ' ' | sed 's/ $//')"
	echo "fresh-debian: make run: started $run_start"
	cat "$dir/run.out.keep"
	echo "fresh-debian: make run: ended $run_end, status $run_status"
	echo "fresh-debian: make test: started $test_start"
	cat "$dir/test.out.keep"
	echo "fresh-debian: make test: ended $test_end, status $test_status"
	echo "fresh-debian: linux: ${linux:-none ?} ${linux_size:-0} bytes"
	echo "fresh-debian: root: $disk MB on disk at the end"
} >"$tmp" || die "cannot write $tmp"
echo "fresh-debian: sha256 $(sha256sum <"$tmp" | cut -d ' ' -f 1)" >>"$tmp"
mv "$tmp" "$record" || die "cannot write $record"
echo "fresh-debian: wrote $record; make docs writes its figures into README.md"
cat "$record"
