#!/bin/sh
# run.sh - run mica's tests: what `make test` does.
#
# usage: tests/run.sh [PATTERN]
#
# First each host unit test build/unit/test_* (cmocka), one line each. Then
# the boot scenarios tests/scenarios/*.sh (only those whose name contains
# PATTERN, a shell pattern), two at a time; each one's output is kept in
# build/tests/NAME.out and printed when it ends. A scenario's time limit is
# 180 s, or S from a line "# timeout: S" in it. For a failed scenario the
# tail of each serial log it booted, what the launcher said and the VMX lines
# of Bochs's log follow its result lines.
#
#   UNIT=0   skip the unit tests
#   JOBS=N   scenarios run at a time (default 2)
#
# The last line is "N passed, N failed, N skipped". Only the checks of a
# QEMU+KVM boot (where nested VT-x is missing) may skip: tests/lib.sh turns
# any other SKIP into a FAIL, and a unit test that skipped, or a unit
# binary that ran no test, fails here.
#
# Exit status: 0 everything passed; 1 something failed, or PATTERN matched
# no scenario.
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=build/tests
mkdir -p "$OUT" || exit 1

# Indented, without carriage returns and terminal escapes, each line ended.
indent() { sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' | awk '{ print "    " $0 }'; }

# What a unit test binary printed last: from a sanitizer's report if there
# is one (its first lines say what and where), else the last lines.
unit_tail() {
	if grep -qE '==ERROR: |runtime error: ' "$1"; then
		sed -n '/==ERROR: \|runtime error: /,$p' "$1" | head -n 15 | indent
	else
		tail -n 15 "$1" | indent
	fi
}

# --one NAME: run one scenario (the parallel part; called through xargs).
if [ "${1:-}" = --one ]; then
	name=$2
	out=$OUT/$name.out
	script=tests/scenarios/$name.sh
	rm -f "$out" "$OUT/$name.logs"
	limit=$(sed -n 's/^# timeout: *\([0-9][0-9]*\).*/\1/p' "$script" | head -n 1)
	limit=${limit:-180}

	timeout -k 10 "$limit" bash "$script" </dev/null >"$out" 2>&1 &
	pid=$!
	trap 'kill -TERM $pid 2>/dev/null; exit 130' INT TERM HUP
	wait $pid
	status=$?
	trap - INT TERM HUP

	if [ $status = 124 ] || [ $status = 137 ]; then
		echo "FAIL $name/time_limit: the scenario ran for more than $limit s" >>"$out"
	elif ! grep -qE '^(PASS|FAIL|SKIP) ' "$out"; then
		echo "FAIL $name/results: it printed no result line (exit status $status)" >>"$out"
	elif [ $status != 0 ] && ! grep -q '^FAIL ' "$out"; then
		echo "FAIL $name/exit: it exited with status $status" >>"$out"
	fi

	if grep -q '^FAIL ' "$out" && [ -f "$OUT/$name.logs" ]; then
		while read -r log; do
			if [ -s "$log" ]; then
				echo "  last lines of $log:"
				tail -n 15 "$log" | indent
			else
				echo "  $log is empty"
			fi
			if [ -s "$log.launcher" ]; then
				echo "  the launcher said:"
				indent <"$log.launcher"
			fi
			# (bochs-run.sh already showed them if Bochs ended with no exit code.)
			vmx=$(grep -aE 'VMFAIL|VMENTER|VMEXIT|PANIC' "$log.bochs" 2>/dev/null |
				grep -v 'Shutdown port: shutdown requested' | tail -n 20)
			if [ -n "$vmx" ] && ! grep -q 'ended with no exit code' "$log.launcher" 2>/dev/null; then
				echo "  VMX lines of $log.bochs:"
				echo "$vmx" | indent
			fi
		done <"$OUT/$name.logs" >>"$out"
	fi

	# One scenario's output at a time, whole.
	flock "$OUT/.print.lock" cat "$out"
	exit 0
fi

pattern=${1:-}
passed=0
failed=0
skipped=0

count() { # WHAT N: add N to a total
	eval "$1=\$((\$$1 + $2))"
}

# Host unit tests.
if [ "${UNIT:-1}" != 0 ]; then
	mkdir -p "$OUT/unit"
	for bin in build/unit/test_*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		name=$(basename "$bin")
		out=$OUT/unit/$name.out
		timeout --foreground -k 5 120 "$bin" >"$out" 2>&1 </dev/null
		status=$?
		# cmocka's summary: "[  PASSED  ] 3 test(s)." and, when some
		# failed, "[  FAILED  ] 1 test(s), listed below:".
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s).*/\1/p' "$out" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$out" | tail -n 1)
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$out" | tail -n 1)
		p=${p:-0} f=${f:-0} s=${s:-0}
		if ! grep -qE '^\[  (PASSED|FAILED)  \] [0-9]+ test' "$out"; then
			echo "FAIL unit/$name: exited with status $status and no cmocka summary (see $out)"
			f=1
			p=0
			unit_tail "$out"
		elif [ "$p" = 0 ] && [ "$f" = 0 ]; then
			echo "FAIL unit/$name: it ran no test (see $out)"
			f=1
		elif [ "$s" != 0 ]; then
			# Only QEMU+KVM boots may skip: a skipped unit test is
			# one that did not run.
			echo "FAIL unit/$name: $s skipped (a unit test may not skip; see $out)"
			f=$((f + s))
			s=0
		elif [ "$f" != 0 ]; then
			names=$(sed -n 's/^\[  FAILED  \] \([^ ]*\)$/\1/p' "$out" | awk '!seen[$0]++' | tr '\n' ' ')
			echo "FAIL unit/$name: $f of $((p + f)) failed: ${names% } (see $out)"
		elif [ $status != 0 ]; then
			echo "FAIL unit/$name: $p passed, then it exited with status $status (see $out)"
			f=1
			unit_tail "$out"
		else
			echo "PASS unit/$name: $p passed"
		fi
		count passed "$p"
		count failed "$f"
		count skipped "$s"
	done
fi

# Boot scenarios.
names=
for script in tests/scenarios/*.sh; do
	[ -f "$script" ] || continue
	name=$(basename "$script" .sh)
	case $name in
	*$pattern*) names="$names $name" ;;
	esac
done
if [ -n "$pattern" ] && [ -z "$names" ]; then
	echo "FAIL tests/filter: no scenario name contains '$pattern'"
	count failed 1
fi
if [ -n "$names" ]; then
	: >"$OUT/.print.lock"
	# The names are words; xargs runs JOBS of them at a time.
	# shellcheck disable=SC2086
	printf '%s\n' $names | xargs -P "${JOBS:-2}" -n 1 sh tests/run.sh --one
	for name in $names; do
		if [ ! -f "$OUT/$name.out" ]; then
			echo "FAIL $name/results: it did not run"
			count failed 1
			continue
		fi
		count passed "$(grep -c '^PASS ' "$OUT/$name.out")"
		count failed "$(grep -c '^FAIL ' "$OUT/$name.out")"
		count skipped "$(grep -c '^SKIP ' "$OUT/$name.out")"
	done
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
