#!/bin/bash
# timeout: 300
# Console flood (tests/iso/flood.cfg): four VMs write 150 numbered lines
# each as fast as they can. mica's console holds a guest back instead of
# dropping bytes: every line of every VM arrives once, in order, whole,
# with nothing of another VM inside it.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vm-console-checks.sh"

LOG=flood-bochs.log
N=150
boot_bochs "$LOG" 240 build/iso-flood.iso
for vm in f1 f2 f3 f4; do
	check_flood_lines "$LOG" "$vm" $N "${vm}_every_line_whole_in_order"
	check_line "$LOG" "^mica: vm $vm: exited with code 0$" "${vm}_exit_0"
done
check_status 0 exit_code_0
