#!/bin/bash
# mutate.sh - mica's own mutation testing: does the suite catch known faults?
#
# usage: tests/mutate.sh [PATTERN]      (make mutate)
#
# Each tests/mutants/NN-NAME.diff is one small, meaningful fault, with a
# header before the diff:
#
#   fault: what the diff breaks, in a user's words
#   area:  isolation | limits | devices | checker | console | figures
#   catch: the tests that must catch it: unit:NAME (build/unit/test_NAME)
#          and scenario:PATTERN (tests/run.sh PATTERN), any number
#
# The working tree is copied (tracked and untracked files, not build/
# but for the Linux kernels) to a scratch directory, built, and every
# named test run once there without any fault: a test that fails already
# cannot catch anything, and is left out (the line "baseline: TEST fails
# without any fault"). Then for each mutant (those whose file name matches
# PATTERN, an extended regular expression such as '05|18'): apply it,
# build, run its tests until one fails, take it out again. One line each:
#
#   caught   NN-NAME by TEST
#   survived NN-NAME (TESTS passed with the fault in)
#   error    NN-NAME: does not apply or does not build
#
# and a last line "N mutants: N caught, N survived, N errors". Logs are in
# build/mutate/. The working tree is never changed. Not part of `make
# test`: each mutant costs a build and its tests (minutes for a Bochs one).
#
#   KEEP=1   keep the scratch directory (its path is printed)
#
# Exit status: 0 every mutant caught; 1 otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
LOGS=$ROOT/build/mutate
pattern=${1:-}
mkdir -p "$LOGS" || exit 1

die() { echo "mutate: $*" >&2; exit 1; }

command -v git >/dev/null || die "git not found"
mutants=()
for m in tests/mutants/*.diff; do
	[ -f "$m" ] || continue
	[[ $(basename "$m") =~ $pattern ]] && mutants+=("$m")
done
[ ${#mutants[@]} -gt 0 ] || die "no mutant in tests/mutants/ matches '$pattern'"

header() { # FILE KEY: the value of "KEY: ..." in the header
	sed -n "/^diff --git /q; s/^$2: *//p" "$1" | head -n 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mica-mutate.XXXXXX") || die "no scratch directory"
if [ "${KEEP:-0}" = 1 ]; then
	echo "mutate: scratch tree $scratch"
else
	trap 'rm -rf "$scratch"' EXIT
fi
trap 'exit 130' INT TERM HUP

# The tree as it is now, committed or not: a symbolic link copied as a
# link (the Linux initramfs's /init is one: followed, it is a dangling
# target and the copy has no /init), a file deleted but not committed left
# out.
git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
	while IFS= read -r -d '' f; do
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
	done | xargs -0 cp -P --parents -t "$scratch" ||
	die "could not copy the tree to $scratch"
[ -f "$scratch/Makefile" ] || die "could not copy the tree to $scratch"
# The Linux kernels the Linux scenarios boot are Debian's, downloaded or
# built from Debian's source (tools/linux-kernel.sh, tools/linux-tiny.sh):
# no mutant changes them, so the tree's are used rather than a download
# and a kernel build in the scratch copy (linux-tiny's key comes along:
# a kernel stale in the tree is built again there too).
for f in linux/vmlinuz linux/config linux/version \
	linux-tiny/bzImage linux-tiny/config linux-tiny/version linux-tiny/key; do
	[ -f "build/$f" ] || continue
	if ! mkdir -p "$scratch/build/${f%/*}" || ! cp -p "build/$f" "$scratch/build/$f"; then
		die "could not copy build/$f to $scratch"
	fi
done

# build: the kernels, the unit tests and the ISOs the named scenarios boot.
isos_of() { # SCENARIO-PATTERN...
	local p
	for p in "$@"; do
		cat "$scratch"/tests/scenarios/*"$p"*.sh 2>/dev/null
	done | grep -oE 'build/(iso-[a-z0-9-]*|baseline)\.iso' | sort -u
}
build() { # LOG TESTS...
	local log=$1 scen=() t
	shift
	for t in "$@"; do
		case $t in scenario:*) scen+=("${t#scenario:}") ;; esac
	done
	# shellcheck disable=SC2046
	make -C "$scratch" -j2 all unit $(isos_of "${scen[@]}") >"$log" 2>&1
}

# run_test TEST LOG: 0 if it passed, 1 if it failed.
run_test() {
	case $1 in
	unit:*)
		[ -x "$scratch/build/unit/test_${1#unit:}" ] || { echo "no unit test ${1#unit:}" >>"$2"; return 1; }
		(cd "$scratch" && timeout -k 5 120 "build/unit/test_${1#unit:}") >>"$2" 2>&1 </dev/null
		;;
	scenario:*)
		(cd "$scratch" && UNIT=0 sh tests/run.sh "${1#scenario:}") >>"$2" 2>&1 </dev/null
		;;
	*)
		echo "unknown test kind: $1" >>"$2"
		return 1
		;;
	esac
}

# Every test any mutant names, without a fault first.
all_tests=$(for m in "${mutants[@]}"; do header "$scratch/$m" catch; done | tr ' ' '\n' | sed '/^$/d' | sort -u)
# shellcheck disable=SC2086
build "$LOGS/baseline.build" $all_tests || die "the tree does not build (see $LOGS/baseline.build)"
: >"$LOGS/baseline.log"
broken=
for t in $all_tests; do
	echo "== $t" >>"$LOGS/baseline.log"
	run_test "$t" "$LOGS/baseline.log" || broken="$broken $t"
done
for t in $broken; do
	echo "baseline: $t fails without any fault: it cannot catch one, and is not run (see $LOGS/baseline.log)"
done
echo "baseline: $(($(echo $all_tests | wc -w) - $(echo $broken | wc -w))) of $(echo $all_tests | wc -w) tests pass without a fault"

caught=0
survived=0
errors=0
for m in "${mutants[@]}"; do
	name=$(basename "$m" .diff)
	log=$LOGS/$name.log
	tests=$(header "$scratch/$m" catch)
	echo "fault: $(header "$scratch/$m" fault)" >"$log"
	if [ -z "$tests" ] || ! (cd "$scratch" && git apply "$m") >>"$log" 2>&1; then
		echo "error    $name: does not apply, or names no test (see $log)"
		errors=$((errors + 1))
		continue
	fi
	# shellcheck disable=SC2086
	if ! build "$log.build" $tests; then
		echo "error    $name: does not build (see $log.build)"
		errors=$((errors + 1))
	else
		by=
		for t in $tests; do
			case " $broken " in *" $t "*) continue ;; esac
			echo "== $t" >>"$log"
			if ! run_test "$t" "$log"; then
				by=$t
				break
			fi
		done
		if [ -n "$by" ]; then
			echo "caught   $name by $by"
			caught=$((caught + 1))
		else
			echo "survived $name ($tests passed with the fault in)"
			survived=$((survived + 1))
		fi
	fi
	(cd "$scratch" && git apply -R "$m") >>"$log" 2>&1 ||
		die "could not take $name out again (see $log)"
done

echo "${#mutants[@]} mutants: $caught caught, $survived survived, $errors errors"
[ "$survived" = 0 ] && [ "$errors" = 0 ]
