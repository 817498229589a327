#!/bin/bash
# timeout: 300
# CPU share beside an exit storm (tests/iso/share-exits.cfg): a VM that
# runs CPUID and null hypercalls back to back for 4 s, each served by
# mica's exit fast path (hv/vmx/vmexit_fast.c) without going back to the
# scheduler, beside a CPU share meter VM that measures 2 s. The fast path
# still ends the storm's slices on time, so the meter keeps about half of
# the CPU; every answer the storm got is right; and the time mica spent on
# the storm's exits is charged to the storm as mica's time, not as its
# guest's: more of the storm's time is mica's than its own (each exit
# costs mica more than the guest's loop around it).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vm-console-checks.sh"

LOG=share-exits-bochs.log
boot_bochs "$LOG" 240 build/iso-share-exits.iso
check_share "$LOG" meter 40 meter_share_at_least_40_percent
# ... and while the storm ran: a storm that kept the CPU would end before
# the meter, which then has it alone.
meter_at=$(grep -n '^\[meter\] share: [0-9.]*% ' "$OUT/$LOG" | head -n 1 | cut -d: -f1)
storm_at=$(grep -n '^\[storm\] exit-storm: ' "$OUT/$LOG" | head -n 1 | cut -d: -f1)
if [[ -n $meter_at && -n $storm_at ]] && ((meter_at < storm_at)); then
	result PASS meter_measured_during_the_storm
else
	result FAIL meter_measured_during_the_storm "meter's share at line ${meter_at:-none}, storm's end at line ${storm_at:-none}"
fi
check_line "$LOG" '^\[storm\] exit-storm: [1-9][0-9]{3,} CPUID and [0-9]+ VMCALL exits in 4000 ms, 0 wrong answers$' \
	storm_answers_right
check_line "$LOG" '^mica: vm storm: [0-9]+ exits: .*cpuid [1-9][0-9]{3,} .*vmcall [1-9][0-9]{3,}' storm_exits_counted
# summary: vm outcome code restarts guest_tsc mica_tsc ...
row=$(sed -n 's/^mica: summary: storm  *ok  *0  *0  *\([0-9]*\)  *\([0-9]*\) .*/\1 \2/p' "$OUT/$LOG")
if [[ -n $row ]] && (( ${row#* } > ${row% *} )); then
	result PASS storm_exits_charged_to_mica
else
	result FAIL storm_exits_charged_to_mica "storm's guest_tsc mica_tsc: ${row:-no summary row}; want mica_tsc > guest_tsc"
fi
check_line "$LOG" '^mica: vm meter: exited with code 0$' meter_exit_0
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_status 0 exit_code_0
