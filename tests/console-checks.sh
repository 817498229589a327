# tests/console-checks.sh - the checks of run/console.run of the tests
# image (guest/user/images/tests/run/console.run), sourced by the
# containers-console-* scenarios after tests/lib.sh, whatever the console:
#
#   console_checks LOG PREFIX
#
# PREFIX is what comes before a container's "[name]" on each line: "" bare,
# "[host] " under mica. The bystanders (bin/share) must have had at least
# 45% of the CPU while a container flooded the console; the cpu=20
# flooder at most 26% over 2 s (its CPU time between the two stats lines);
# every line each flooding process says it wrote arrived, once, whole, and
# no line is mixed with another's.

# The regular expression for literal text (T).
_re() { printf '%s' "$1" | sed 's/[][\\.*^$/]/\\&/g'; }

_console_share() { # LOG PREFIX CONTAINER
	local share
	share=$(tr -d '\r' <"$OUT/$1" | sed -n "s/^$(_re "$2")\[$3\] share: \([0-9]*\)\.\([0-9]\)% ms=[0-9]*\$/\1\2/p")
	if [[ -z $share ]]; then
		result FAIL "${3}_share_at_least_45_percent" "no share line of $3"
	elif ((share >= 450)); then
		result PASS "${3}_share_at_least_45_percent"
	else
		result FAIL "${3}_share_at_least_45_percent" "$3 had ${share:0:-1}.${share: -1}% of the CPU"
	fi
}

_console_lines() { # LOG PREFIX CONTAINER: every flood line arrived, whole
	local log=$OUT/$1 pre n got uniq max bad ok=1 why= pids=0
	pre="$(_re "$2")\\[$3\\] "
	while read -r pid n; do
		pids=$((pids + 1))
		got=$(tr -d '\r' <"$log" | grep -caE "^${pre}flood $pid [0-9]+ ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\$")
		uniq=$(tr -d '\r' <"$log" | sed -n "s/^${pre}flood $pid \([0-9]*\) [A-Za-z0-9]*\$/\1/p" | sort -un | wc -l)
		max=$(tr -d '\r' <"$log" | sed -n "s/^${pre}flood $pid \([0-9]*\) [A-Za-z0-9]*\$/\1/p" | sort -n | tail -n 1)
		if ((n == 0 || got != n || uniq != n || ${max:--1} != n - 1)); then
			ok=0
			why+="pid $pid wrote $n lines, $got arrived whole ($uniq numbers, last ${max:-none}); "
		fi
	done < <(tr -d '\r' <"$log" | sed -n "s/^${pre}flood: pid \([0-9]*\) wrote \([0-9]*\) lines\$/\1 \2/p")
	((pids > 0)) || { ok=0; why="no process of $3 said how many lines it wrote"; }
	if ((ok)); then
		result PASS "${3}_every_line_arrived"
	else
		result FAIL "${3}_every_line_arrived" "$why"
	fi
}

_console_mixed() { # LOG: no line has bytes of two writers
	local bad payload=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789
	# A line with a flooder's words that is not exactly one of its lines
	# or results, nor a kernel line about it, has bytes of two writers.
	bad=$(tr -d '\r' <"$OUT/$1" | grep -aE 'flood|ABCDEF|6789$' | grep -av 'Booting `' |
		grep -avE "^(\[host\] )?\[[a-z0-9-]+\] (flood [0-9]+ [0-9]+ $payload|flood: pid [0-9]+ wrote [0-9]+ lines|flood: done)\$" |
		grep -avE '^(\[host\] )?(guest: (engine: run|container) [a-z0-9-]+|console: a flooder|stats: |summary: |mica: |\[[a-z0-9-]+\] share: )' |
		head -n 1)
	if [[ -z $bad ]]; then
		result PASS no_line_mixed
	else
		result FAIL no_line_mixed "this line is mixed: ${bad:0:160}"
	fi
}

console_checks() { # LOG PREFIX
	local log=$OUT/$1 pre khz cpu1 cpu2 pct
	pre=$(_re "$2")
	_console_share "$1" "$2" by-1
	_console_share "$1" "$2" by20-1
	_console_lines "$1" "$2" flood-1
	_console_lines "$1" "$2" slow-1
	_console_mixed "$1"
	# The cpu=20 flooder's CPU time over the 2 s between the stats lines.
	khz=$(tr -d '\r' <"$log" | sed -n "s/^${pre}guest: time: .*, TSC at \([0-9]*\) kHz .*/\1/p" | head -n 1)
	read -r cpu1 cpu2 < <(tr -d '\r' <"$log" | sed -n "s/^${pre}stats: slow-1 *[0-9]* *[0-9]* *[0-9]* *\([0-9]*\) .*/\1/p" | tr '\n' ' ')
	if [[ -n $khz && -n $cpu1 && -n $cpu2 ]]; then
		pct=$(((cpu2 - cpu1) * 1000 / (khz * 2000)))
		if ((pct <= 260)); then
			result PASS slow_flooder_held_to_cpu_20
		else
			result FAIL slow_flooder_held_to_cpu_20 "the cpu=20 flooder had $((pct / 10)).$((pct % 10))% of the CPU over 2 s"
		fi
	else
		result FAIL slow_flooder_held_to_cpu_20 "no TSC rate (${khz:-?} kHz) or not two stats lines of slow-1 (${cpu1:-?}, ${cpu2:-?})"
	fi
	check_line "$1" "^${pre}guest: container flood-1 exited: status 0 \\(ok\\)" flooder_ok
	check_line "$1" "^${pre}guest: container slow-1 exited: status 0 \\(ok\\)" slow_flooder_ok
}
