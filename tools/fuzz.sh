#!/bin/bash
# fuzz.sh - `make fuzz`: hostile guests, processes and inputs, in numbers.
#
#   1. the parsers mica and the guest kernel use (ELF, cpio, command lines,
#      multiboot), fuzzed by the host unit tests build/unit/test_fuzz_*
#      with FUZZ_CASES generated inputs each
#   2. FUZZ_GUESTS fuzzed guests (tests/guest/fuzz.c) in four VM slots under
#      mica in Bochs, beside a canary VM that holds a memory pattern
#   3. FUZZ_SYSCALLS fuzzed system calls (guest/user/sysfuzz.c) in four
#      containers beside a canary container, in the container host
#
# Each step ends with one summary line: cases tried, crashes of mica or of
# the kernel, canary failures. FUZZ_SEED picks the seeds (the same seed,
# the same cases). The short fixed-seed versions run in `make test`.
#
# usage: [FUZZ_GUESTS=1000] [FUZZ_SYSCALLS=100000] [FUZZ_CASES=100000]
#        [FUZZ_SEED=1] [FUZZ_EVERY=10] [FUZZ_DIR=build/fuzz] tools/fuzz.sh
#
# FUZZ_EVERY is how many seconds apart the progress lines come; FUZZ_DIR
# where the images and logs go.
#
# Exit status: 0 if nothing crashed and every canary is intact; 1 otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1
GUESTS=${FUZZ_GUESTS:-1000}
SYSCALLS=${FUZZ_SYSCALLS:-100000}
CASES=${FUZZ_CASES:-100000}
SEED=${FUZZ_SEED:-1}
EVERY=${FUZZ_EVERY:-10}
DIR=${FUZZ_DIR:-build/fuzz}
mkdir -p "$DIR/image/run"
status=0
summaries=()

# watch WHAT TOTAL COUNT_FUNCTION COMMAND...: run COMMAND, and every EVERY s
# while it runs print how many of TOTAL cases COUNT_FUNCTION counts so far,
# with the rate. Returns COMMAND's status.
watch() {
	local what=$1 total=$2 count=$3 pid start now done n
	shift 3
	"$@" &
	pid=$!
	start=$(date +%s)
	while kill -0 $pid 2>/dev/null; do
		for ((n = 0; n < EVERY; n++)); do
			kill -0 $pid 2>/dev/null || break 2
			sleep 1
		done
		now=$(date +%s)
		done=$($count)
		echo "fuzz: $what: ${done:-0} of $total cases, $(awk -v d="${done:-0}" -v t=$((now - start)) \
			'BEGIN { printf "%.1f", t ? d / t : 0 }') a second, $((now - start)) s"
	done
	wait $pid
}

# ---- 1. parsers ----
parser_lines=0
# Cases done: those of the programs that have ended, by their own lines
# ("fuzz NAME: N cases, ...").
parser_cases() { cat "$DIR"/test_fuzz_*.log 2>/dev/null | sed -n 's/^fuzz .*: \([0-9]*\) cases.*/\1/p' | awk '{ s += $1 } END { print s + 0 }'; }
# The total: each test takes a fixed share of FUZZ_CASES, so 100 cases a
# test, run first (a fraction of a second), scale to it.
rm -f "$DIR"/test_fuzz_*.log
for t in build/unit/test_fuzz_*; do
	[ -x "$t" ] && MICA_FUZZ_CASES=100 "$t" 2>/dev/null
done >"$DIR/calibrate.log"
parser_total=$(sed -n 's/^fuzz .*: \([0-9]*\) cases.*/\1/p' "$DIR/calibrate.log" |
	awk -v c="$CASES" '{ s += $1 } END { printf "%.0f\n", s * c / 100 }')
echo "fuzz: the parsers, $parser_total generated inputs in all (FUZZ_CASES=$CASES a test)"
for t in build/unit/test_fuzz_*; do
	[ -x "$t" ] || continue
	if watch parsers "$parser_total" parser_cases \
		env MICA_FUZZ_CASES=$CASES "$t" > "$DIR/$(basename "$t").log" 2>&1; then
		summaries+=("$(grep -a '^fuzz ' "$DIR/$(basename "$t").log" | sed 's/^/fuzz parsers: /')")
	else
		summaries+=("fuzz parsers: $(basename "$t") FAILED (see $DIR/$(basename "$t").log)")
		status=1
	fi
	parser_lines=1
done
[ $parser_lines = 1 ] || summaries+=("fuzz parsers: no build/unit/test_fuzz_* (run make unit)")

# ---- 2. guests ----
per_slot=$(( (GUESTS + 3) / 4 ))
if [ $per_slot -gt 1001 ]; then
	echo "fuzz: FUZZ_GUESTS=$GUESTS: at most 4004 (four VM slots of 1001 lives)"
	exit 1
fi
# The canary holds its pattern about as long as the fuzzed guests run
# (about 0.1 s of emulated time per case, four slots at once).
hold=$(( GUESTS / 40 + 2 ))
[ $hold -le 600 ] || hold=600
{
	echo "serial --unit=0 --speed=115200"
	echo "terminal_input serial"
	echo "terminal_output serial"
	echo "set timeout=0"
	echo "menuentry \"mica: guest fuzzer, $GUESTS cases\" {"
	echo "	multiboot /boot/mica.elf"
	echo "	module /boot/guest.elf name=canary app=mem hold=$hold mem=8M"
	for i in 1 2 3 4; do
		echo "	module /boot/guest.elf name=fuzz$i test=fuzz seed=$((SEED * 4 + i)) restart=always max-restarts=$((per_slot - 1)) backoff=0 cpu-limit=100 mem=2M"
	done
	echo "	boot"
	echo "}"
} > "$DIR/guests.cfg"
sh tools/mkiso.sh "$DIR/guests.iso" "$DIR/guests.cfg" build/strip/mica.elf build/strip/guest.elf > /dev/null || exit 1
echo "fuzz: $GUESTS guests under mica in Bochs (this takes a while)"
guest_cases() { grep -acE '^\[fuzz[0-9]\] guest: fuzz: seed [0-9]+ case [0-9]+: ' "$DIR/guests.log"; }
: >"$DIR/guests.log"
watch guests "$GUESTS" guest_cases sh tools/bochs-run.sh --timeout 3600 --log "$DIR/guests.log" \
	--bochs-log "$DIR/guests.bochs.log" "$DIR/guests.iso"
log=$DIR/guests.log
cases=$(grep -acE '^\[fuzz[0-9]\] guest: fuzz: seed [0-9]+ case [0-9]+: ' "$log")
ended=$(grep -acE '^mica: vm fuzz[0-9]: (crashed: |exited with code |halted )' "$log")
mica_crashes=0
grep -aqE '^mica: [0-9]+ VMs: ' "$log" && ! grep -aq '^mica: panic' "$log" || mica_crashes=1
canary_failures=0
grep -aq '^\[canary\] result app=mem checksum=0xed1f6b1f ' "$log" &&
	grep -aq '^mica: vm canary: exited with code 0$' "$log" || canary_failures=1
summaries+=("fuzz guests: $cases cases tried, $ended ended with a reported reason, $mica_crashes mica crashes, $canary_failures canary failures")
[ "$cases" -ge "$GUESTS" ] && [ "$ended" = "$cases" ] && [ $mica_crashes = 0 ] &&
	[ $canary_failures = 0 ] || status=1

# ---- 3. system calls ----
each=$(( (SYSCALLS + 3) / 4 ))
{
	echo "# generated by tools/fuzz.sh: $SYSCALLS fuzzed system calls beside a canary"
	echo "run name=canary image=apps -- bin/cpu rounds=4"
	for i in 1 2 3 4; do
		echo "run name=fuzz$i image=tests mem=2M procs=8 -- bin/sysfuzz seed=$((SEED * 4 + i)) n=$each"
	done
	echo "wait"
	echo "stats"
} > "$DIR/image/run/sysfuzz.run"
sh tools/mkimage.sh "$DIR/fuzz.cpio" "$DIR/image" > /dev/null || exit 1
echo "fuzz: $SYSCALLS system calls in the container host (QEMU)"
syscall_cases() {
	local i n sum=0
	for i in 1 2 3 4; do
		n=$(sed -n "s/^\[fuzz$i-1\] sysfuzz: \([0-9]*\) calls, .*/\1/p" "$DIR/syscalls.log" 2>/dev/null | tail -n 1)
		sum=$((sum + ${n:-0}))
	done
	echo $sum
}
: >"$DIR/syscalls.log"
watch "system calls" "$SYSCALLS" syscall_cases sh tools/qemu-run.sh --timeout 3600 --log "$DIR/syscalls.log" build/guest32.elf \
	"containers script=fuzz:run/sysfuzz.run" build/apps.cpio "" build/tests.cpio "" \
	"$DIR/fuzz.cpio" "image=fuzz"
log=$DIR/syscalls.log
calls=0
for i in 1 2 3 4; do
	n=$(sed -n "s/^\[fuzz$i-1\] sysfuzz: \([0-9]*\) calls, .*/\1/p" "$log" | tail -1)
	calls=$((calls + ${n:-0}))
done
kernel_crashes=0
grep -aq '^guest: container host: done' "$log" && ! grep -aq 'panic' "$log" || kernel_crashes=1
canary_failures=0
grep -aq '^\[canary-1\] result app=cpu checksum=0x87cd2bce ' "$log" || canary_failures=1
summaries+=("fuzz syscalls: $calls calls, $kernel_crashes kernel crashes, $canary_failures canary failures")
[ "$calls" -ge "$SYSCALLS" ] && [ $kernel_crashes = 0 ] && [ $canary_failures = 0 ] || status=1

echo
printf '%s\n' "${summaries[@]}"
exit $status
