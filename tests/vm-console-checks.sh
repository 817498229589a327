# tests/vm-console-checks.sh - checks of what a bystander sees beside a hostile
# VM, for scenarios that source it after tests/lib.sh:
#
#   check_flood_lines LOG VM N NAME  VM's `test=flood lines=N` (tests/guest/
#                                    flood.c) arrived whole, in order, every
#                                    byte of it (tests/flood-lines.awk)
#   check_share LOG VM MIN NAME      VM's `test=share` meter (tests/guest/
#                                    share.c) got at least MIN percent

check_flood_lines() {
	local log want got
	log=$(_log "$1")
	_readable "$4" "$log" || return 1
	# Line n: 120 bytes and the digits of n and of N, its newline included.
	want=$(awk -v n="$3" 'BEGIN { for (i = 1; i <= n; i++) b += 120 + length(i) + length(n); print b }')
	got=$(awk -v vm="$2" -v total="$3" -f "$ROOT/tests/flood-lines.awk" "$log")
	if [[ $got == "bytes $want" ]]; then
		result PASS "$4"
	else
		result FAIL "$4" "$got (want bytes $want)"
	fi
}

check_share() {
	local log share
	log=$(_log "$1")
	_readable "$4" "$log" || return 1
	share=$(sed -n "s/^\[$2\] share: \([0-9]*\)\.\([0-9]\)% .*/\1\2/p" "$log" | head -n 1)
	if [[ -z $share ]]; then
		result FAIL "$4" "$2 printed no share line"
	elif ((share >= $3 * 10)); then
		result PASS "$4"
	else
		result FAIL "$4" "$2 got ${share:0:-1}.${share: -1} %, want at least $3 %"
	fi
}
