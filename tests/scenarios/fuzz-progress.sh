#!/bin/bash
# timeout: 240
# `make fuzz` (tools/fuzz.sh) shows its progress while a step runs: a line
# "fuzz: STEP: N of TOTAL cases, R a second, S s" every FUZZ_EVERY seconds
# (10 by default, 1 here), the count never going back, then one summary
# line a step. A small run: 4 fuzzed guests in Bochs, 20,000 system calls in
# QEMU, the parsers with 2,000 inputs each.
source "$(dirname "$0")/../lib.sh"

W=$OUT/$SCENARIO
LOG=$W/fuzz.out
rm -rf "$W"
mkdir -p "$W"
FUZZ_DIR=$W FUZZ_EVERY=1 FUZZ_GUESTS=4 FUZZ_SYSCALLS=20000 FUZZ_CASES=2000 bash tools/fuzz.sh >"$LOG" 2>&1
st=$?
if [[ $st == 0 ]]; then result PASS fuzz_exit_0; else result FAIL fuzz_exit_0 "status $st; see $LOG"; fi
# Per step: at least two progress lines, each S at most 2 s after the one
# before (1 s apart, and the count takes a moment), N never falling, and
# none past its TOTAL.
for step in guests 'system calls'; do
	why=$(tr -d '\r' <"$LOG" | awk -v step="$step" '
		index($0, "fuzz: " step ": ") == 1 && / cases, [0-9.]+ a second, [0-9]+ s$/ {
			line = substr($0, length("fuzz: " step ": ") + 1)
			split(line, f, " ")
			n = f[1]; total = f[3]; s = $NF + 0
			if (count && n + 0 < last) { print "the count fell from " last " to " n; exit }
			if (count && s - lasts > 2) { print "no line for " s - lasts " s"; exit }
			if (n + 0 > total + 0) { print n " of " total; exit }
			last = n + 0; lasts = s; count++
		}
		END { if (count < 2) print count + 0 " progress lines" }')
	name=${step// /_}_progress_every_second
	if [[ -z $why ]]; then result PASS "$name"; else result FAIL "$name" "$why"; fi
done
check_line "$LOG" '^fuzz guests: [0-9]+ cases tried, [0-9]+ ended with a reported reason, 0 mica crashes, 0 canary failures$' guests_summary
check_line "$LOG" '^fuzz syscalls: [0-9]+ calls, 0 kernel crashes, 0 canary failures$' syscalls_summary
check_line "$LOG" '^fuzz parsers: fuzz ' parsers_summary
