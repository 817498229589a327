#!/bin/bash
# Guest memory on demand, in a 40 MiB machine. A bystander writes a
# pattern over 4 MiB of its memory and holds it; a hostile VM (mem=64M)
# writes over all of its free memory, more than the host has: it ends with
# one line saying the host ran out, mica lives on, and the bystander reads
# its pattern back intact. Then a scanner, which waited untouched while
# the hostile VM held and gave back its frames, reads all of its free
# memory: every word must be zero (frames are zeroed before reuse). Every
# frame is back at the end, and each VM's ram_kib is what it touched.
source "$(dirname "$0")/../lib.sh"

LOG=gmem-bochs.log
BOCHS_MEM=40 boot_bochs "$LOG" 300 build/iso-gmem.iso
check_line "$LOG" '^mica: vm hostile: created: 64 MiB RAM' hostile_created_beyond_host_memory
check_line "$LOG" '^mica: vm hostile: crashed: out of host memory: no frame left for guest-physical 0x[0-9a-f]+ \(it holds [0-9]+ KiB of its 64 MiB\)$' hostile_ends_out_of_host_memory
check_no_line "$LOG" 'test: wrote a pattern over' hostile_never_finished
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_line "$LOG" '^\[bystander\] result app=mem checksum=0xed1f6b1f ' bystander_memory_intact
check_line "$LOG" '^mica: vm bystander: exited with code 0$' bystander_exit_0
check_line "$LOG" '^\[scanner\] guest: test: scan: 0 of [1-9][0-9]{3,} free frames hold data$' scanner_sees_only_zeros
check_line "$LOG" '^mica: vm scanner: exited with code 0$' scanner_exit_0
# The scan must come after the hostile VM gave its frames back, or it
# proves nothing.
order=$(tr -d '\r' <"$OUT/$LOG" | awk '
	/^mica: vm hostile: crashed: out of host memory/ { h = NR }
	/^\[scanner\] guest: test: scan:/ { s = NR }
	END { print (h && s && h < s) ? "after" : h "," s }')
if [[ $order == after ]]; then
	result PASS scan_after_hostile_stopped
else
	result FAIL scan_after_hostile_stopped "lines of the hostile's end, the scan: $order"
fi
# ram_kib: what each VM touched, not its mem=: the hostile's is more than
# the bystander's 4 MiB and less than the 38 MiB machine.
ram=$(tr -d '\r' <"$OUT/$LOG" | awk '$2 == "summary:" && $3 == "hostile" { h = $9 } $2 == "summary:" && $3 == "bystander" { b = $9 }
	END { print (b >= 4096 && b < 16384 && h > 16384 && h < 38912) ? "ok" : b "," h }')
if [[ $ram == ok ]]; then
	result PASS ram_kib_is_what_was_touched
else
	result FAIL ram_kib_is_what_was_touched "bystander, hostile ram_kib: $ram"
fi
check_frames_returned "$LOG" every_frame_returned
check_status 1 exit_code_1
