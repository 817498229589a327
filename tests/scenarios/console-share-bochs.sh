#!/bin/bash
# timeout: 300
# Console share (tests/iso/console-share.cfg): a VM that writes THR in a
# tight loop without polling LSR, one that writes whole lines with REP
# OUTSB, and one that floods through the console hypercall (the first ends
# its lines with "\r\n"), beside a bystander VM
# printing numbered lines. Every line of
# each arrives once, in order and whole, every flood byte counted; mica
# never panics nor holds anyone up for the UART.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vm-console-checks.sh"

LOG=console-share-bochs.log
boot_bochs "$LOG" 240 build/iso-console-share.iso
for spec in thr:300 outs:300 hc:300 bystander:40; do
	vm=${spec%:*}
	check_flood_lines "$LOG" "$vm" "${spec#*:}" "${vm}_every_line_whole_in_order"
	check_line "$LOG" "^mica: vm $vm: exited with code 0$" "${vm}_exit_0"
done
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_status 0 exit_code_0
