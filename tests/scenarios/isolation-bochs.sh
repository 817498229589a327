#!/bin/bash
# Isolation: while two canary VMs hold a pattern in their memory, another
# VM writes a pattern over all of its own memory and then probes just
# above its RAM, and another writes far outside it. Each offender is
# stopped alone by an EPT violation; the canaries find their memory intact.
source "$(dirname "$0")/../lib.sh"

LOG=isolation-bochs.log
boot_bochs "$LOG" 150 build/iso-isolation.iso
check_line "$LOG" '^\[prober\] guest: test: wrote a pattern over [0-9]+ KiB, all of this VM.s free memory$' prober_filled_its_memory
check_line "$LOG" '^mica: vm prober: crashed: EPT violation: write at guest-physical 0x800000 \(outside its 8 MiB of RAM\)' prober_stopped_at_its_ram_end
check_no_line "$LOG" 'the write above RAM went through' probe_did_not_land
check_line "$LOG" '^mica: vm crasher: crashed: EPT violation: write at guest-physical 0x40000000' crasher_stopped
for c in canary1 canary2; do
	check_line "$LOG" "^\[$c\] result app=mem checksum=0xed1f6b1f " "${c}_memory_intact"
	check_line "$LOG" "^mica: vm $c: exited with code 0$" "${c}_exit_0"
done
check_no_line "$LOG" '^mica: panic' mica_never_panics
# Registers too: two VMs keep their own SSE values while the other runs.
check_line "$LOG" '^\[fpu1\] guest: test: SSE registers intact after sleeping' fpu1_registers_intact
check_line "$LOG" '^\[fpu2\] guest: test: SSE registers intact after sleeping' fpu2_registers_intact
check_frames_returned "$LOG" every_frame_returned
check_status 1 exit_code_1
