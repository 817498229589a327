#!/bin/bash
# timeout: 240
# Bad autoscaling values in a script get one line naming the value and
# what is wrong with it, and the container host ends with exit code 2
# (a bad configuration) without starting the service: MIN above MAX, a
# MIN of 0, a 0% or 101% target, garbage, a target without autoscale= or
# the reverse, replicas= outside MIN..MAX, wait-replicas without a count.
# (Their reasons, one by one, are tests/unit/test_autoscale.c's.)
# Each script is a file of an image made here (tools/mkimage.sh).
source "$(dirname "$0")/../lib.sh"

W=$OUT/$SCENARIO
rm -rf "$W"
mkdir -p "$W/img/run"
L='run name=web image=apps'
n=0
while IFS='|' read -r name line want; do
	n=$((n + 1))
	printf '%s\n' "$line" >"$W/img/run/$name.run"
	printf '%s|%s\n' "$name" "$want" >>"$W/cases"
done <<EOF
min_above_max|$L autoscale=4-1 target=50 -- bin/idle|autoscale=4-1: MIN 4 is greater than MAX 1
min_zero|$L autoscale=0-3 target=50 -- bin/idle|autoscale=0-3: MIN must be at least 1
max_too_many|$L autoscale=1-100000 target=50 -- bin/idle|autoscale=1-100000: MAX 100000 is more than the [0-9]+ replicas there is room for
range_garbage|$L autoscale=lots target=50 -- bin/idle|autoscale=lots: takes MIN-MAX, two replica counts \(e.g. 1-4\)
target_zero|$L autoscale=1-4 target=0% -- bin/idle|target=0%: takes the CPU use aimed at, 1 to 100 \(%\)
target_over_100|$L autoscale=1-4 target=101 -- bin/idle|target=101: takes the CPU use aimed at, 1 to 100 \(%\)
target_garbage|$L autoscale=1-4 target=half -- bin/idle|target=half: takes the CPU use aimed at, 1 to 100 \(%\)
target_alone|$L target=50 -- bin/idle|target=: only with autoscale=MIN-MAX
autoscale_alone|$L autoscale=1-4 -- bin/idle|autoscale=: needs target=PCT, the CPU use to aim at
replicas_outside|$L replicas=6 autoscale=1-4 target=50 -- bin/idle|replicas=: 6 is outside autoscale=1-4
wait_replicas_no_count|wait-replicas web|\(nothing\): wait-replicas takes a count of replicas
EOF
echo "run name=web image=apps -- bin/idle" | cat - "$W/img/run/wait_replicas_no_count.run" >"$W/t" &&
	mv "$W/t" "$W/img/run/wait_replicas_no_count.run"
if ! STRIP=strip sh tools/mkimage.sh "$W/bad.cpio" "$W/img" >"$W/mkimage.out" 2>&1; then
	result FAIL image_made "$(cat "$W/mkimage.out")"
fi
while IFS='|' read -r name want; do
	line=1
	[[ $name == wait_replicas_no_count ]] && line=2
	boot_qemu "$SCENARIO-$name.log" 60 build/guest32.elf "containers script=bad:run/$name.run" \
		build/apps.cpio "" "$W/bad.cpio" ""
	check_line "$SCENARIO-$name.log" "^guest: bad:run/$name.run line $line: $want$" "${name}_named"
	# (The last case's first line starts web; the bad line stops it.)
	[[ $line == 2 ]] || check_no_line "$SCENARIO-$name.log" '^\[web-1\] ready' "${name}_nothing_started"
	check_status 2 "${name}_exit_2"
done <"$W/cases"
