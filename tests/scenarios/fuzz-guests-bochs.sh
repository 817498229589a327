#!/bin/bash
# timeout: 300
# The guest fuzzer, a fixed set (tests/iso/fuzz-guests.cfg): 40 hostile
# cases in four VMs beside a canary. mica stays up to its own last line,
# every case ends with a reason mica reports, and the canary's memory
# pattern is intact. `make fuzz` runs 1,000 and more (tools/fuzz.sh).
source "$(dirname "$0")/../lib.sh"

LOG=fuzz-guests-bochs.log
boot_bochs "$LOG" 240 build/iso-fuzz-guests.iso
count() { grep -acE "$1" "$OUT/$LOG"; }
cases=$(count '^\[fuzz[0-9]\] guest: fuzz: seed [0-9]+ case [0-9]+: ')
ended=$(count '^mica: vm fuzz[0-9]: (crashed: |exited with code |halted )')
if ((cases == 40)); then result PASS forty_cases_ran; else result FAIL forty_cases_ran "$cases cases"; fi
if ((ended == cases)); then
	result PASS every_case_ends_with_a_reason
else
	result FAIL every_case_ends_with_a_reason "$cases cases, $ended ends reported"
fi
check_line "$LOG" '^\[canary\] result app=mem checksum=0xed1f6b1f ' canary_memory_intact
check_line "$LOG" '^mica: vm canary: exited with code 0$' canary_exit_0
check_line "$LOG" '^mica: [0-9]+ VMs: ' mica_reached_its_summary
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_status 1 exit_code_1_fuzzed_vms_failed
