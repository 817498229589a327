#!/bin/bash
# timeout: 300
# A service scaled to its CPU use (run/autoscale.run), the container host
# a VM under mica in Bochs: web (autoscale=1-4 target=50 cpu=20) under
# load scales up to its max of 4, a cooldown between changes; once its
# load stops it scales back down to 1 after two windows under target, and
# stays there. ps and stats show the count and why it last changed. The
# clock beside it, the bystander, prints its line every second
# throughout, on time.
source "$(dirname "$0")/../lib.sh"

LOG=containers-autoscale-bochs.log
boot_bochs "$LOG" 240 build/iso-containers-autoscale.iso
# The container host's lines, its "[host] " prefix taken off.
W=$OUT/$SCENARIO
rm -rf "$W"
mkdir -p "$W"
H=$W/host
tr -d '\r' <"$OUT/$LOG" | sed -n 's/^\[host\] //p' >"$H"

E='^guest: engine: autoscale web: '
check_line "$H" "${E}1 to 4 replicas, target cpu 50% of cpu=20% each$" policy_accepted

# The events, as "LINE_NUMBER KIND FROM TO CPU MS" (KIND up, down, steady,
# idle: a replica's load phase over).
awk '
	/^guest: engine: autoscale web: scaled [0-9]+->[0-9]+: cpu [0-9]+% [<>] target 50% \(at [0-9]+ ms\)$/ {
		split($6, c, "->"); cpu = $8; sub(/%/, "", cpu); ms = $13
		print NR, ($9 == ">" ? "up" : "down"), c[1], c[2] + 0, cpu, ms; next }
	/^guest: engine: autoscale web: steady at / { print NR, "steady", $7, $7, 0, 0; next }
	/^\[web-[0-9]+\] load: idle at [0-9]+ ms$/ { print NR, "idle", 0, 0, 0, $5 }
' "$H" >"$W/events"
ev() { awk -v k="$1" '$2 == k' "$W/events"; }

# Up: a chain from 1 to 4, each over target beyond the 10% tolerance
# (and a use per replica, against its share: at most 100% and a tick),
# each change at least two windows after the one before (a window's
# cooldown, then a window measured), and at least two of them: from one
# replica at about 100% the rule asks for ceil(1 x 100 / 50) = 2 or 3.
ups=$(ev up)
if [[ -z $ups ]]; then
	result FAIL scaled_up "no line /${E}scaled A->B: cpu U% > target 50%/"
else
	why=$(awk 'BEGIN { want = 1 }
		$3 != want { print "scaled " $3 "->" $4 " where the count was " want; exit }
		$5 < 55 { print "scaled up at cpu " $5 "%, within the tolerance of 50%"; exit }
		$5 > 120 { print "cpu " $5 "%: not per replica against its 20% share"; exit }
		{ want = $4 }
		END { if (want != 4 && !NR) exit; if (want != 4) print "reached " want ", not 4" }' <<<"$ups")
	result "$([[ -z $why ]] && echo PASS || echo FAIL)" scaled_up_1_to_4_over_target "$why"
	n=$(wc -l <<<"$ups")
	gaps=$(awk 'NR > 1 { print $6 - ms } { ms = $6 }' <<<"$ups" | tr '\n' ' ')
	if ((n >= 2)) && awk 'NR > 1 && $6 - ms < 2000 { bad = 1 } { ms = $6 } END { exit bad }' <<<"$ups"; then
		result PASS up_changes_apart_by_cooldown_and_window
	else
		result FAIL up_changes_apart_by_cooldown_and_window "$n changes up, ms between them: ${gaps:-none} (want 2 or more, each >= 2000)"
	fi
fi
steady=$(ev steady | head -n 1)
last_up=$(ev up | tail -n 1 | cut -d' ' -f1)
idle=$(ev idle | head -n 1)
if [[ -n $steady && -n $last_up && -n $idle && ${steady%% *} -gt $last_up && ${steady%% *} -lt ${idle%% *} ]] &&
	[[ $(cut -d' ' -f3 <<<"$steady") == 4 ]]; then
	result PASS steady_at_4_before_the_load_stops
else
	result FAIL steady_at_4_before_the_load_stops "steady: '${steady:-none}', last up at line ${last_up:-none}, load over: '${idle:-none}'"
fi

# Down: once, 4->1, under target, after the load stopped and two windows
# under target (at least 1.55 s: a window may begin up to 0.45 s before
# the load stops and still be under 45%).
downs=$(ev down)
if [[ $(wc -l <<<"$downs") == 1 && -n $downs && -n $idle ]] &&
	awk -v i="${idle%% *}" '$1 > i && $3 == 4 && $4 == 1 && $5 < 45 { ok = 1 } END { exit !ok }' <<<"$downs"; then
	result PASS scaled_down_4_to_1_under_target_once
else
	result FAIL scaled_down_4_to_1_under_target_once "down: '${downs:-none}'; load over: '${idle:-none}'"
fi
idle_ms=$(awk '{ print $6 }' <<<"$idle") down_ms=$(awk '{ print $6; exit }' <<<"$downs")
if [[ -n $idle_ms && -n $down_ms ]] && ((down_ms - idle_ms >= 1550)); then
	result PASS down_after_two_windows_under_target
else
	result FAIL down_after_two_windows_under_target "load over at ${idle_ms:-?} ms, scaled down at ${down_ms:-?} ms (want 1550 ms or more after)"
fi
# No flapping: every change is one of those above, and none follows.
all=$(grep -cE "${E}scaled " "$H")
if ((all == $(wc -l <<<"$ups") + 1)); then
	result PASS no_other_change
else
	result FAIL no_other_change "$all scaled lines"
fi

# ps and stats: the count, the policy, the CPU use and the last reason;
# at the max, the 4 replicas' processes; at the end, web-1 alone.
for cmd in ps stats; do
	check_line "$H" "^$cmd: service web: replicas 4 \(autoscale 1-4\), cpu [0-9]+%, target 50%, scaled [0-9]->4: cpu [0-9]+% > target 50%$" "${cmd}_shows_4_and_why"
	check_line "$H" "^$cmd: service web: replicas 1 \(autoscale 1-4\), cpu [0-9]+%, target 50%, scaled 4->1: cpu [0-9]+% < target 50%$" "${cmd}_shows_1_and_why"
done
# ps blocks: "ps: CONTAINER" starts one; the web-N rows of each.
awk '/^ps: CONTAINER/ { b++ } b && /^ps: web-[0-9]+ / { print b, $2 }' "$H" >"$W/ps"
first=$(awk '$1 == 1 { print $2 }' "$W/ps" | sort | tr '\n' ' ')
last=$(awk -v b="$(grep -c '^ps: CONTAINER' "$H")" '$1 == b { print $2 }' "$W/ps" | tr '\n' ' ')
[[ $first == "web-1 web-2 web-3 web-4 " ]] && result PASS ps_at_max_lists_4_replicas ||
	result FAIL ps_at_max_lists_4_replicas "first ps: ${first:-none}"
[[ $last == "web-1 " ]] && result PASS ps_at_end_lists_web_1_alone ||
	result FAIL ps_at_end_lists_web_1_alone "last ps: ${last:-none}"
last=$(grep '^ps: service web: ' "$H" | tail -n 1)
[[ $last == "ps: service web: replicas 1 (autoscale 1-4), cpu 0%, target 50%, scaled 4->1: "* ]] &&
	result PASS stays_at_1_idle || result FAIL stays_at_1_idle "last ps: ${last:-none}"

# The bystander: a line every second, each on time (+90 to +110 ticks
# at 100 Hz), between every two changes and after the last, and it ran
# until the script stopped it.
awk '/^\[clock-1\] clock: second [0-9]+, ticks=[0-9]+ \(\+[0-9]+\)$/ {
	d = $6; gsub(/[(+)]/, "", d); sub(/,/, "", $4); print NR, $4, d }' "$H" >"$W/clock"
why=$(awk '$2 != NR { print "second " $2 " where " NR " was due"; exit }
	$3 < 90 || $3 > 110 { print "second " $2 " came after +" $3 " ticks"; exit }
	END { if (NR < 10) print NR " lines" }' "$W/clock")
result "$([[ -z $why ]] && echo PASS || echo FAIL)" bystander_every_second_on_time "$why"
# The marks: each change, steady, the load's end, the last ps (2.5 s of
# idle after the scale-down): a clock line between every two.
marks=$(awk '$2 != "idle" || !i++ { print $1 }' "$W/events" | sort -n | tr '\n' ' ')
end=$(grep -n '^guest: engine: stop web$' "$H" | cut -d: -f1)
why=$(awk -v m="$marks ${end:-0}" 'BEGIN { n = split(m, at, " ") }
	{ line[NR] = $1 }
	END { for (i = 1; i < n; i++) { ok = 0
		for (j = 1; j <= NR; j++) if (line[j] > at[i] && line[j] < at[i + 1]) ok = 1
		if (!ok) { print "no line between lines " at[i] " and " at[i + 1]; exit } } }' "$W/clock")
[[ -n $end ]] || why="no line 'engine: stop web'"
result "$([[ -z $why ]] && echo PASS || echo FAIL)" bystander_output_throughout "$why"
stop=$(grep -n '^guest: engine: stop clock$' "$H" | cut -d: -f1)
exited=$(grep -n '^guest: container clock-1 exited' "$H" | head -n 1 | cut -d: -f1)
[[ -n $stop && -n $exited ]] && ((exited > stop)) && result PASS bystander_ran_until_stopped ||
	result FAIL bystander_ran_until_stopped "stop at line ${stop:-none}, exited at line ${exited:-none}"

check_line "$H" '^bench: container_autoscale_to_target [1-9][0-9]*$' figure_to_target
check_line "$OUT/$LOG" '^mica: vm host: exited with code 0' host_exit_0
check_status 0 exit_code_0
