#!/bin/bash
# timeout: 300
# Console flood (tests/iso/flood.cfg): four VMs write 150 numbered lines
# each as fast as they can. mica's console holds a guest back instead of
# dropping bytes: every line of every VM arrives once, in order, whole,
# with nothing of another VM inside it. Then a line of 461 bytes, longer
# than mica's console line: its pieces, joined, give it back whole.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vm-console-checks.sh"

LOG=flood-bochs.log
N=150
boot_bochs "$LOG" 240 build/iso-flood.iso
for vm in f1 f2 f3 f4; do
	check_flood_lines "$LOG" "$vm" $N "${vm}_every_line_whole_in_order"
	# The long line: "flood long " and 450 letters 'A' + 11i % 26, in
	# pieces of this VM's lines.
	long=$(awk -v vm="[$vm]" '
		index($0, vm " ") != 1 { next }
		{ text = substr($0, length(vm) + 2) }
		!started && text ~ /^flood long / { started = 1; acc = "" }
		started { acc = acc text; if (length(acc) >= 461) { print acc; exit } }
		END { if (started && length(acc) < 461) print acc }
	' "$OUT/$LOG")
	want="flood long $(awk 'BEGIN { for (i = 0; i < 450; i++) printf "%c", 65 + (i * 11) % 26 }')"
	if [[ $long == "$want" ]]; then
		result PASS "${vm}_long_line_whole"
	else
		result FAIL "${vm}_long_line_whole" "joined: '${long:0:80}...' (${#long} bytes), want ${#want}"
	fi
	check_line "$LOG" "^mica: vm $vm: exited with code 0$" "${vm}_exit_0"
done
check_status 0 exit_code_0
