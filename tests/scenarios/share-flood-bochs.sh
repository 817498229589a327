#!/bin/bash
# timeout: 300
# CPU share beside console floods (tests/iso/share-flood.cfg): a VM that
# writes THR in a tight loop without polling LSR and one that floods
# through the console hypercall, beside a CPU share meter VM. A flooder
# waits for its share of the serial line off the CPU, as a slow UART would
# make it, so the meter keeps nearly all of the CPU (it measures 3 s of it;
# before back-pressure, mica spun on the UART in the flooder's turns and the
# meter got 44.8 %). No flood byte is lost.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vm-console-checks.sh"

LOG=share-flood-bochs.log
boot_bochs "$LOG" 240 build/iso-share-flood.iso
check_share "$LOG" meter 80 meter_share_at_least_80_percent
check_flood_lines "$LOG" thr 1000 thr_every_flood_byte_arrives
check_flood_lines "$LOG" hc 300 hc_every_flood_byte_arrives
for vm in thr hc; do
	check_line "$LOG" "^mica: vm $vm: exited with code 0$" "${vm}_exit_0"
done
check_line "$LOG" '^mica: vm meter: exited with code 0$' meter_exit_0
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_status 0 exit_code_0
