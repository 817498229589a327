# tests/vpc/expect.sh - sourced by the virtual-PC scenarios after
# tests/lib.sh: the check of one test kernel's KTAP against a reference
# implementation, with that reference's known deviations from the SDM.
#
# vpc_check LOG KERNEL [NAME=WHY]...
#
# One result per KTAP case of LOG, named KERNEL:case. A case that passed
# is a PASS; one that failed is a FAIL, unless it is listed as NAME=WHY: a
# place where this reference itself departs from the SDM (WHY says how),
# which is a SKIP (not a pass). A listed case that passes, or that the kernel does not
# have, is a FAIL: the list must say exactly where the reference differs.
# Then KERNEL:ran: the kernel printed its whole plan and ended by itself.
vpc_check() {
	local log kernel=$1 d verdict name why seen=" " plan count=0
	log=$(_log "$1")
	kernel=$2
	shift 2
	declare -A dev=()
	for d in "$@"; do
		dev[${d%%=*}]=${d#*=}
	done
	_readable "$kernel:ran" "$log" || return 1
	while IFS=$'\t' read -r verdict name why; do
		count=$((count + 1))
		seen="$seen$name "
		if [[ $verdict == ok && -n ${dev[$name]:-} ]]; then
			result FAIL "$kernel:$name" "passes, yet is listed as a deviation of this reference (${dev[$name]})"
		elif [[ $verdict == ok ]]; then
			result PASS "$kernel:$name"
		elif [[ -n ${dev[$name]:-} ]]; then
			# A listed departure of the reference: an allowed skip, as a
			# scenario's KTAP_SKIPS are, counted as a skip.
			_skip_ok=1
			result SKIP "$kernel:$name" "this reference is not faithful here: ${dev[$name]}"
			_skip_ok=0
		else
			result FAIL "$kernel:$name" "${why:-the kernel reported not ok}"
		fi
	done < <(tr -d '\r' <"$log" | awk '
		/^# [a-z0-9_]+: / { n = $2; sub(/:$/, "", n); w = $0; sub(/^# [a-z0-9_]+: /, "", w); reason[n] = w }
		/^(not )?ok [0-9]+ - / {
			v = ($1 == "not") ? "not_ok" : "ok"
			name = $0; sub(/^(not )?ok [0-9]+ - /, "", name); sub(/[ \t]*#.*/, "", name)
			printf "%s\t%s\t%s\n", v, name, reason[name]
		}')
	for d in "${!dev[@]}"; do
		[[ $seen == *" $d "* ]] || result FAIL "$kernel:$d" "listed as a deviation, but the kernel has no such case"
	done
	plan=$(tr -d '\r' <"$log" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
	if [[ -z $plan || $plan != "$count" ]] || ! tr -d '\r' <"$log" | grep -q '^# [0-9]* failed$'; then
		result FAIL "$kernel:ran" "plan 1..${plan:-?}, $count results, and no closing '# N failed' line"
	else
		result PASS "$kernel:ran"
	fi
}

# What the user wrote for vpc-mem in every run (tests/iso/vpc-vm.cfg,
# vpc-bare-mem.cfg, vpc-bare-qemu.sh): its command line must be the image's
# name, then exactly these words, whichever loader gave it.
VPC_MEM_WORDS="vpc-mem greeting=hello root=/dev/vda1 quiet"

# vpc_cmdline LOG PREFIX IMAGE WORDS NAME: the kernel printed its command
# line as exactly "IMAGE WORDS" (IMAGE alone if WORDS is empty).
vpc_cmdline() {
	local want="$3${4:+ $4}"
	check_line "$1" "^$2# command line: '${want//./\\.}'\$" "$5"
}

# vpc_exited KERNEL: the last boot ended with the kernel's own exit code
# through port 0xf4 (0: all passed, 1: some failed), not by a crash or
# the time limit.
vpc_exited() {
	_unchecked=
	if [[ $STATUS == 0 || $STATUS == 1 ]]; then
		result PASS "$1:exit_through_port_0xf4"
	else
		result FAIL "$1:exit_through_port_0xf4" "status $STATUS"
	fi
}
