# tests/lib.sh - helpers for boot scenarios; sourced by tests/scenarios/NAME.sh.
#
# A scenario boots an image in an emulator, then checks the serial log. Each
# check prints exactly one result line:
#
#   PASS <scenario>/<check>
#   FAIL <scenario>/<check>: <why>
#   SKIP <scenario>/<check>: <why>     (only checks of a boot_qemu_kvm run,
#                                       where KVM with nested VT-x is missing,
#                                       KTAP tests named in KTAP_SKIPS, and
#                                       fresh-debian-record in the run that
#                                       measures a new record)
#
# Anything else that says SKIP is a FAIL: a missing tool is a missing
# dependency, not a reason to pass.
#
# Boots:
#   boot_qemu LOG TIMEOUT IMAGE CMDLINE [MODULE MODULE_ARGS]...
#                        tools/qemu-run.sh with QEMU's software CPU (no VT-x)
#   boot_qemu_kvm LOG TIMEOUT IMAGE CMDLINE [MODULE MODULE_ARGS]...
#                        the same with KVM; if nested VT-x is missing here, it
#                        boots nothing and the checks that follow print SKIP
#   boot_bochs LOG TIMEOUT ISO
#                        tools/bochs-run.sh (BOCHS=path picks the Bochs);
#                        Bochs's own log is LOG.bochs, and a check that it
#                        has no VMENTER/VMFAIL line follows the boot
# A machine of several processors: CPUS=N before boot_qemu or boot_bochs
# (default 1).
# Each sets STATUS to the launcher's exit status: the kernel's exit code,
# 124 time limit reached, 125 no exit code. What the launcher printed is in
# LOG.launcher. A boot first removes LOG, LOG.launcher and LOG.bochs, so a
# check never reads what an earlier run left; a check of a log directly in
# build/tests/ that this run did not boot fails. Every boot's STATUS must be
# checked (check_status) before the next boot and by the end: a boot whose
# status nobody checked is a FAIL "<log>_status_unchecked".
#
# Checks:
#   check_ktap LOG [TAG]           one result per KTAP test line, and FAIL if
#                                  the plan and the lines disagree, the plan
#                                  is 1..0 or no test printed a result; a
#                                  "not ok N name # SKIP" is a FAIL unless
#                                  NAME is in KTAP_SKIPS (words); TAG
#                                  (names become TAG:name) tells apart two
#                                  runs of the same tests in one scenario
#   check_line LOG REGEX NAME      some line matches REGEX (grep -E)
#   check_no_line LOG REGEX NAME   no line matches REGEX
#   check_status WANT NAME         STATUS is WANT
#   result PASS|FAIL|SKIP NAME [WHY]   for checks of your own
#
# A LOG without a '/' is a file in build/tests/. Serial logs are read with
# their carriage returns removed. Scenarios run from the top of the tree; the
# first line "# timeout: S" in a scenario sets the runner's time limit for it
# (default 180 s). The scenario's exit status is 1 if a check failed.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/build/tests
SCENARIO=$(basename "$0" .sh)
STATUS=
SKIP_REASON=
LAST_LOG=
KTAP_SKIPS=${KTAP_SKIPS:-}
cd "$ROOT" || exit 1
mkdir -p "$OUT"

_fails=0
_results=0
_skip_ok=0              # set while a SKIP is one of the allowed kinds
_unchecked=             # the log of the last boot, until check_status ran
declare -A _fresh=()    # the logs this run booted

_status_unchecked() { # a boot whose exit status no check looked at
	[[ -n $_unchecked ]] || return 0
	result FAIL "$(basename "$_unchecked" .log)_status_unchecked" \
		"the boot of $_unchecked ended with status $STATUS ($(_meaning "$STATUS")) and no check_status looked at it"
	_unchecked=
}

_finish() {
	local status=$?
	_status_unchecked
	((_fails == 0)) || exit 1
	exit "$status"
}
trap _finish EXIT

# docs_reference_bochs NAME: true when this run's Bochs is the one the
# docs' figures come from (Debian's 2.7: BOCHS unset). Otherwise NAME is
# an allowed SKIP saying why: another Bochs executes other instructions
# (its BIOS, its own emulation), so its counts differ from the docs'.
docs_reference_bochs() {
	[[ -z ${BOCHS:-} ]] && return 0
	_skip_ok=1
	result SKIP "$1" "the docs' figures are Debian Bochs 2.7's instruction counts; BOCHS=$BOCHS counts its own"
	_skip_ok=0
	return 1
}

# result PASS|FAIL|SKIP NAME [WHY]
result() {
	local verdict=$1 name=$2 why=${3:-}
	if [[ $verdict == SKIP && $_skip_ok != 1 ]]; then
		verdict=FAIL
		why="a skip is a failure here (only KVM boots and KTAP_SKIPS may skip): ${why:-skipped}"
	fi
	_results=$((_results + 1))
	[[ $verdict != FAIL ]] || _fails=$((_fails + 1))
	if [[ -n $why && $verdict != PASS ]]; then
		echo "$verdict $SCENARIO/$name: $why"
	else
		echo "$verdict $SCENARIO/$name"
	fi
	[[ $verdict != FAIL ]]
}

_log() { # LOG -> its path
	case $1 in
	*/*) echo "$1" ;;
	*) echo "$OUT/$1" ;;
	esac
}

_booted() { # LOG: the runner shows the tail of every log a failed scenario booted
	_status_unchecked
	LAST_LOG=$1
	_unchecked=$1
	_fresh[$1]=1
	rm -f -- "$1" "$1.launcher" "$1.bochs"
	grep -qxF -- "$1" "$OUT/$SCENARIO.logs" 2>/dev/null || echo "$1" >>"$OUT/$SCENARIO.logs"
}

boot_qemu() {
	local log limit
	log=$(_log "$1")
	limit=$2
	shift 2
	SKIP_REASON=
	_booted "$log"
	sh "$ROOT/tools/qemu-run.sh" --no-kvm --timeout "$limit" --cpus "${CPUS:-1}" --log "$log" "$@" \
		</dev/null 2>"$log.launcher"
	STATUS=$?
}

boot_qemu_kvm() {
	local log limit reason
	log=$(_log "$1")
	limit=$2
	shift 2
	_status_unchecked
	if ! reason=$(sh "$ROOT/tools/kvm-check.sh"); then
		SKIP_REASON="no KVM with nested VT-x: $reason"
		STATUS=
		return 0
	fi
	SKIP_REASON=
	_booted "$log"
	sh "$ROOT/tools/qemu-run.sh" --kvm --timeout "$limit" --log "$log" "$@" \
		</dev/null 2>"$log.launcher"
	STATUS=$?
}

boot_bochs() {
	local log
	log=$(_log "$1")
	SKIP_REASON=
	_booted "$log"
	# BOCHS_MEM=MiB: a machine with that much memory (512 by default).
	sh "$ROOT/tools/bochs-run.sh" --timeout "$2" --cpus "${CPUS:-1}" --log "$log" \
		--bochs-log "$log.bochs" ${BOCHS_MEM:+--mem "$BOCHS_MEM"} "$3" \
		</dev/null 2>"$log.launcher"
	STATUS=$?
	# Bochs (2.7, 3.0) logs a VM entry it refused or found wrong as
	# VMENTER/VMFAIL: a state silicon might reject. None may appear.
	local vmx name=no_vmentry_warnings
	[[ $(basename "$log" .log) == "$SCENARIO" ]] || name=$(basename "$log" .log)_$name
	vmx=$(grep -aE 'VMENTER|VMFAIL' "$log.bochs" 2>/dev/null | head -n 1)
	if [[ -n $vmx ]]; then
		result FAIL "$name" "Bochs's log says: $vmx"
	else
		result PASS "$name"
	fi
}

_skipped() { # NAME: print SKIP if the last boot was skipped
	[[ -n $SKIP_REASON ]] || return 1
	_skip_ok=1
	result SKIP "$1" "$SKIP_REASON"
	_skip_ok=0
	return 0
}

_readable() { # NAME LOG: the log exists, and if it is a boot's, this run wrote it
	if [[ $2 == "$OUT"/* && $2 != "$OUT"/*/* && -z ${_fresh[$2]:-} ]]; then
		result FAIL "$1" "$2 was not booted by this run"
		return 1
	fi
	[[ -f $2 ]] && return 0
	result FAIL "$1" "no log $2: the launcher wrote none (status $STATUS, $(_meaning "$STATUS"))"
	return 1
}

# check_line LOG REGEX NAME
check_line() {
	local log
	log=$(_log "$1")
	_skipped "$3" && return 0
	_readable "$3" "$log" || return 1
	if tr -d '\r' <"$log" | grep -aqE -- "$2"; then
		result PASS "$3"
	else
		result FAIL "$3" "no line matches /$2/ in $log"
	fi
}

# check_no_line LOG REGEX NAME
check_no_line() {
	local log line
	log=$(_log "$1")
	_skipped "$3" && return 0
	_readable "$3" "$log" || return 1
	line=$(tr -d '\r' <"$log" | grep -anE -- "$2" | head -n 1)
	if [[ -z $line ]]; then
		result PASS "$3"
	else
		result FAIL "$3" "line ${line%%:*} matches /$2/: ${line#*:}"
	fi
}

_meaning() { # STATUS -> words
	case $1 in
	124) echo "time limit reached" ;;
	125) echo "no exit code" ;;
	*) echo "exit code $1" ;;
	esac
}

# check_status WANT NAME
check_status() {
	local why said
	_unchecked=
	_skipped "$2" && return 0
	if [[ $STATUS == "$1" ]]; then
		result PASS "$2"
		return
	fi
	why="status $STATUS ($(_meaning "$STATUS")), want $1 ($(_meaning "$1"))"
	said=$(grep -E '^(qemu|bochs): ' "$LAST_LOG.launcher" 2>/dev/null | head -n 1)
	[[ -z $said ]] || why="$why: $said"
	result FAIL "$2" "$why"
}

# check_frames_returned LOG NAME
#
# mica's boot banner counts the free frames, and its end-of-run line counts
# them again: every frame a VM took (RAM, EPT tables, VMCS, FPU area) must
# be back, all but the one VMXON region.
check_frames_returned() {
	local log before after
	log=$(_log "$1")
	_readable "$2" "$log" || return 1
	before=$(sed -n 's/^mica: memory: .* ranges, \([0-9]*\) frames free.*/\1/p' "$log" | head -n 1)
	after=$(sed -n 's/^mica: [0-9]* VMs: .*; \([0-9]*\) frames free$/\1/p' "$log" | tail -n 1)
	if [[ -n $before && -n $after ]] && ((after == before - 1)); then
		result PASS "$2"
	else
		result FAIL "$2" "frames free at boot ${before:-?}, at the end ${after:-?} (want one less: the VMXON region)"
	fi
}

# check_ktap LOG [TAG]
#
# A KTAP block starts at "KTAP version 1"; whatever precedes that on its
# line (such as the VM-name prefix mica's console puts on a guest's lines)
# is its prefix, and the block's other lines are those with the same prefix:
# the plan "1..N", then "ok N - name" or "not ok N - name", where
# " # SKIP reason" after the name makes it a SKIP (a FAIL unless the name is
# in KTAP_SKIPS). A block with the plan 1..0 or no result line fails. With a prefix, the check
# names are "prefix:name" (the prefix without brackets, colons and spaces).
check_ktap() {
	local log tag=${2:+$2:} verdict name why
	log=$(_log "$1")
	_skipped "${tag}ktap" && return 0
	_readable "${tag}ktap" "$log" || return 1
	while IFS=$'\t' read -r verdict name why; do
		if [[ $verdict == SKIP ]]; then
			if [[ " $KTAP_SKIPS " == *" ${name##*:} "* ]]; then
				_skip_ok=1
			else
				verdict=FAIL
				why="skipped ($why) but not in this scenario's KTAP_SKIPS"
			fi
		fi
		result "$verdict" "$tag$name" "$why"
		_skip_ok=0
	done < <(tr -d '\r' <"$log" | awk -v logfile="$log" '
		function tag(p) { gsub(/[\[\]: \t]/, "", p); return p == "" ? "" : p ":" }
		function finish(b) {
			if (!planned[b])
				printf "FAIL\t%sktap_plan\tno plan line \"1..N\" in the KTAP block\n", tag(prefix[b])
			else if (plan[b] == 0 || seen[b] == 0)
				printf "FAIL\t%sktap_plan\tthe plan is 1..%d and %d results were printed: no test ran\n",
					tag(prefix[b]), plan[b], seen[b]
			else if (plan[b] != seen[b])
				printf "FAIL\t%sktap_plan\tthe plan is 1..%d but %d results were printed\n",
					tag(prefix[b]), plan[b], seen[b]
		}
		/KTAP version 1[ \t]*$/ {
			p = $0; sub(/KTAP version 1[ \t]*$/, "", p)
			nblocks++; prefix[nblocks] = p; current[p] = nblocks
			next
		}
		{
			# The block this line belongs to: the longest matching prefix.
			b = 0; best = -1
			for (p in current)
				if (substr($0, 1, length(p)) == p && length(p) > best) { b = current[p]; best = length(p) }
			if (!b) next
			line = substr($0, best + 1)
			if (line ~ /^1\.\.[0-9]+[ \t]*$/) {
				planned[b] = 1; plan[b] = substr(line, 4) + 0
			} else if (line ~ /^(not )?ok [0-9]+/) {
				seen[b]++
				verdict = (line ~ /^not /) ? "FAIL" : "PASS"
				rest = line; sub(/^(not )?ok [0-9]+[ \t]*(- )?/, "", rest)
				name = rest; why = ""
				if (match(rest, /[ \t]*#[ \t]*/)) {
					name = substr(rest, 1, RSTART - 1)
					directive = substr(rest, RSTART + RLENGTH)
					if (directive ~ /^[Ss][Kk][Ii][Pp]/) {
						verdict = "SKIP"
						why = directive; sub(/^[Ss][Kk][Ii][Pp][ \t]*/, "", why)
						if (why == "") why = "skipped"
					}
				}
				gsub(/[ \t]+$/, "", name); gsub(/[ \t]+/, "_", name)
				if (name == "") name = "test" substr(line, index(line, "ok ") + 3) + 0
				if (verdict == "FAIL") why = "the kernel reported \"" line "\""
				printf "%s\t%s%s\t%s\n", verdict, tag(prefix[b]), name, why
			}
		}
		END {
			if (!nblocks)
				printf "FAIL\tktap\tno KTAP block (\"KTAP version 1\") in %s\n", logfile
			for (b = 1; b <= nblocks; b++) finish(b)
		}')
}
