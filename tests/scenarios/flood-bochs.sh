#!/bin/bash
# timeout: 300
# Console flood (tests/iso/flood.cfg): four VMs write 150 numbered lines
# each as fast as they can. mica's console holds a guest back instead of
# dropping bytes: every line of every VM arrives once, in order, whole,
# with nothing of another VM inside it. Then a line of 461 bytes, longer
# than mica's console line: its pieces, joined, give it back whole.
source "$(dirname "$0")/../lib.sh"

LOG=flood-bochs.log
N=150
boot_bochs "$LOG" 240 build/iso-flood.iso
for vm in f1 f2 f3 f4; do
	# The payload of line n is known: character i is 'a' + (n + 7i) % 26.
	bad=$(awk -v vm="[$vm]" -v total=$N '
		$1 == vm && $2 == "flood" && $3 != "long" {
			split($3, f, "/")
			n = f[1] + 0
			if (n != next_n + 1 || f[2] != total) { print "line " $3 " after " next_n; exit }
			want = ""
			for (i = 0; i < 100; i++)
				want = want sprintf("%c", 97 + (n + 7 * i) % 26)
			if ($5 != want || NF != 5) { print "line " n " damaged"; exit }
			next_n = n
		}
		END { if (next_n != total && bad == "") print "only " next_n " of " total " lines" }
	' "$OUT/$LOG")
	if [[ -z $bad ]]; then
		result PASS "${vm}_every_line_whole_in_order"
	else
		result FAIL "${vm}_every_line_whole_in_order" "$bad"
	fi
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
