#!/bin/bash
# The harness itself (tests/lib.sh): each way a check could pass without
# its work is put in a small scenario of its own, which must print FAIL and
# exit 1: a log left by an earlier run, a boot whose exit status nobody
# checks, KTAP with the plan 1..0 or no results, a KTAP skip the scenario
# did not allow, a SKIP of a check that is not a KVM boot's. The same
# scenarios with the fault taken out must pass.
source "$(dirname "$0")/../lib.sh"

DIR=$OUT/harness
rm -rf "$DIR"
mkdir -p "$DIR"

# inner NAME BODY: a scenario NAME sourcing tests/lib.sh, then BODY.
inner() {
	printf '#!/bin/bash\nsource %q/tests/lib.sh\n%s\n' "$ROOT" "$2" >"$DIR/$1.sh"
	bash "$DIR/$1.sh" >"$DIR/$1.out" 2>&1
	echo $? >"$DIR/$1.status"
}

# expect NAME fail|pass REGEX CHECK: the inner scenario's exit status and a
# line of its output.
expect() {
	local st out
	st=$(cat "$DIR/$1.status")
	out=$(cat "$DIR/$1.out")
	if [[ $2 == fail && $st != 1 ]]; then
		result FAIL "$4" "harness-$1 exited with $st, want 1: $(head -c 300 <<<"$out")"
	elif [[ $2 == pass && $st != 0 ]]; then
		result FAIL "$4" "harness-$1 exited with $st, want 0: $(head -c 300 <<<"$out")"
	elif ! grep -qE -- "$3" <<<"$out"; then
		result FAIL "$4" "no line of harness-$1 matches /$3/: $(head -c 300 <<<"$out")"
	else
		result PASS "$4"
	fi
}

# A log from an earlier run, then a boot whose launcher stops at once (no
# such image): the old log must not be read.
printf 'guest: exit code 0\n' >"$OUT/harness-stale.log"
inner stale 'boot_qemu harness-stale.log 30 build/no-such-image.elf ""
check_line harness-stale.log "exit code 0" old_line
check_status 125 launcher_refused'
expect stale fail '^FAIL stale/old_line: no log .*harness-stale.log: the launcher wrote none' stale_log_fails

# A log in build/tests/ that this run never booted.
inner unbooted 'check_line harness-stale.log "exit code 0" old_line'
expect unbooted fail '^FAIL unbooted/old_line: .* was not booted by this run' unbooted_log_fails

# A boot whose exit status nobody checks: a hang after the expected lines
# would pass.
inner unchecked 'boot_qemu harness-unchecked.log 30 build/guest32.elf "app=hello"
check_line harness-unchecked.log "^result app=hello " hello
boot_qemu harness-unchecked2.log 30 build/guest32.elf "app=hello"
check_line harness-unchecked2.log "^result app=hello " hello2'
expect unchecked fail '^FAIL unchecked/harness-unchecked_status_unchecked: the boot of .* ended with status 0' \
	unchecked_status_fails
expect unchecked fail '^FAIL unchecked/harness-unchecked2_status_unchecked: ' last_unchecked_status_fails

# The same with the status checked: it passes.
inner checked 'boot_qemu harness-checked.log 30 build/guest32.elf "app=hello"
check_line harness-checked.log "^result app=hello " hello
check_status 0 exit_0'
expect checked pass '^PASS checked/exit_0$' checked_status_passes

# KTAP: no tests at all, no results, a skip nobody allowed, a skip allowed.
printf 'KTAP version 1\n1..0\n' >"$DIR/empty.log"
inner ktap-empty "check_ktap $DIR/empty.log"
expect ktap-empty fail '^FAIL ktap-empty/ktap_plan: the plan is 1\.\.0' ktap_empty_plan_fails
printf 'KTAP version 1\n1..2\n' >"$DIR/noresult.log"
inner ktap-noresult "check_ktap $DIR/noresult.log"
expect ktap-noresult fail '^FAIL ktap-noresult/ktap_plan: the plan is 1\.\.2 and 0 results' ktap_no_results_fails
printf 'KTAP version 1\n1..2\nok 1 - one\nnot ok 2 - two # SKIP no tool\n' >"$DIR/skip.log"
inner ktap-skip "check_ktap $DIR/skip.log"
expect ktap-skip fail "^FAIL ktap-skip/two: skipped \\(no tool\\) but not in this scenario's KTAP_SKIPS" \
	ktap_skip_not_allowed_fails
inner ktap-skip-allowed "KTAP_SKIPS=two
check_ktap $DIR/skip.log"
expect ktap-skip-allowed pass '^SKIP ktap-skip-allowed/two: no tool$' ktap_allowed_skip_skips

# A check of a scenario's own that skips (say, a tool is missing): a FAIL.
inner own-skip 'result SKIP chart "no gnuplot"'
expect own-skip fail '^FAIL own-skip/chart: a skip is a failure here' own_skip_fails
