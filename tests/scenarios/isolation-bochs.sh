#!/bin/bash
# Isolation: while two canary VMs hold a pattern in their memory, another
# VM writes a pattern over all of its own memory and then probes just
# above its RAM, and another writes far outside it. Above a VM's RAM there
# is no device: as on a PC's bus (and as KVM emulates MMIO to nothing),
# the write is dropped and a read sees all ones, counted on the VM's stop
# line; the canaries find their memory intact. An instruction mica does
# not emulate there (ADD to memory) stops its VM alone, with one line.
# State reached by plain instructions: a hostile VM writes IA32_TSC_AUX,
# KERNEL_GS_BASE (by WRMSR and SWAPGS) and every CMOS byte in a loop while
# a bystander VM holds a TSC_AUX of its own (read back by RDMSR and
# RDTSCP), a KERNEL_GS_BASE of its own that it exchanges by SWAPGS, unseen
# by mica, and bytes of its own in its CMOS NVRAM (each VM has its own
# CMOS: the hostile's writes never reach it).
source "$(dirname "$0")/../lib.sh"

LOG=isolation-bochs.log
boot_bochs "$LOG" 150 build/iso-isolation.iso
check_line "$LOG" '^\[prober\] guest: test: wrote a pattern over [0-9]+ KiB, all of this VM.s free memory$' prober_filled_its_memory
check_line "$LOG" '^\[prober\] guest: test: the write above RAM at 0x800000 was dropped: it reads back 0xffffffffffffffff$' prober_reads_all_ones
check_line "$LOG" '^mica: vm prober: exited with code 0; unbacked addresses: 1 reads \(all ones\), 1 writes \(dropped\)$' prober_accesses_counted
check_no_line "$LOG" 'the write above RAM went through' probe_did_not_land
check_line "$LOG" '^\[crasher\] guest: test: the write beyond RAM was dropped: it reads back 0xffffffffffffffff$' crasher_reads_all_ones
check_line "$LOG" '^mica: vm crasher: crashed: EPT violation: write at guest-physical 0x40000000 \(outside its [0-9]+ MiB of RAM, no device there\), guest RIP 0x[0-9a-f]+: an instruction mica does not emulate there$' crasher_stopped
check_no_line "$LOG" 'the ADD beyond RAM went through' crasher_add_did_not_run
for c in canary1 canary2; do
	check_line "$LOG" "^\[$c\] result app=mem checksum=0xed1f6b1f " "${c}_memory_intact"
	check_line "$LOG" "^mica: vm $c: exited with code 0$" "${c}_exit_0"
done
check_no_line "$LOG" '^mica: panic' mica_never_panics
# Registers too: two VMs keep their own SSE values while the other runs.
check_line "$LOG" '^\[fpu1\] guest: test: SSE registers intact after sleeping' fpu1_registers_intact
check_line "$LOG" '^\[fpu2\] guest: test: SSE registers intact after sleeping' fpu2_registers_intact
# The neighbours: the bystander's KTAP, and the hostile VM writing all the
# while (its start before the bystander's checks end, its end after they
# began).
check_ktap "$LOG"
check_line "$LOG" '^\[hostile\] guest: test: hostile: [1-9][0-9]* rounds, 0 TSC_AUX writes refused$' hostile_wrote
span=$(tr -d '\r' <"$OUT/$LOG" | awk '
	/^\[hostile\] guest: test: hostile: writing/ { hs = NR }
	/^\[hostile\] guest: test: hostile: [0-9]+ rounds/ { he = NR }
	/^\[bystander\] guest: test: bystander: IA32_TSC_AUX/ { bs = NR }
	/^\[bystander\] guest: test: bystander: [0-9]+ rounds done/ { be = NR }
	END { print (hs && he && bs && be && hs < be && he > bs) ? "overlap" : hs "," he "," bs "," be }')
if [[ $span == overlap ]]; then
	result PASS hostile_ran_beside_bystander
else
	result FAIL hostile_ran_beside_bystander "lines hostile start,end and bystander start,end: $span"
fi
check_line "$LOG" '^mica: vm bystander: exited with code 0$' bystander_exit_0
check_line "$LOG" '^mica: vm hostile: exited with code 0$' hostile_exit_0
check_frames_returned "$LOG" every_frame_returned
check_status 1 exit_code_1
