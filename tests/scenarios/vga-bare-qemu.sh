#!/bin/bash
# The guest kernel bare in QEMU with console=serial,vga: read from outside,
# through QEMU's monitor (pmemsave of 0xb8000 once the kernel has ended),
# the screen holds the serial console's lines, banner first, and the CRTC's
# cursor (as the kernel reads it back) follows them. Without the option the
# screen never gets the banner; a value the kernel does not know stops it
# with one line. A container host's process lines, which bare go to the
# UART without the console (guest/kernel/tty.c), are on the screen too.
source "$(dirname "$0")/../lib.sh"

# boot_screen LOG CMDLINE [INITRD]: boot build/guest32.elf with CMDLINE
# (and INITRD, QEMU's -initrd list, as the kernel's modules); no
# isa-debug-exit, so the machine stays up, halted, after "exit code N";
# then the monitor saves the text buffer to LOG.screen (80x25 cells) and
# quits. STATUS is the N the kernel printed (125 if none).
boot_screen() {
	local log screen
	log=$(_log "$1")
	screen=$log.screen
	_booted "$log"
	rm -f "$screen"
	{
		for _ in $(seq 1 200); do
			grep -aq 'exit code' "$log" 2>/dev/null && break
			sleep 0.3
		done
		echo "pmemsave 0xb8000 4000 \"$screen\""
		sleep 1
		echo quit
	} | timeout 90 qemu-system-x86_64 -kernel build/guest32.elf -append "$2" ${3:+-initrd "$3"} \
		-serial "file:$log" -display none -no-reboot -monitor stdio -cpu max -m 256 \
		>"$log.launcher" 2>&1
	STATUS=$(grep -aoE 'guest: exit code [0-9]+' "$log" | tail -n 1 | sed 's/.* //')
	STATUS=${STATUS:-125}
}

# screen_matches LOG NAME: the screen saved beside LOG shows the serial
# log's last lines, a line longer than 80 columns wrapped (fold) as the
# screen wraps it: all of them if they fit in the 24 rows above the
# cursor's blank row after the last '\n', else the last 24.
screen_matches() {
	local log
	log=$(_log "$1")
	rows "$1" >"$log.rows"
	tr -d '\r' <"$log" | fold -w 80 | sed 's/ *$//' | tail -n 24 >"$log.want"
	if [[ -s $log.rows ]] && diff "$log.want" "$log.rows" >"$log.diff"; then
		result PASS "$2"
	else
		result FAIL "$2" "see $log.rows against $log.want ($log.diff)"
	fi
}

# rows LOG: the screen saved beside LOG, one text line a row, blanks at the
# end of a row and empty rows at the end left out.
rows() {
	od -An -v -tu1 -w160 "$(_log "$1").screen" |
		awk '{ s = ""; for (i = 1; i <= NF; i += 2) s = s sprintf("%c", $i);
		       sub(/ +$/, "", s); print s }' | awk '{ a[NR] = $0 } $0 != "" { n = NR }
		       END { for (i = 1; i <= n; i++) print a[i] }'
}

LOG=vga-bare.log
boot_screen "$LOG" "console=serial,vga selftest app=hello"
check_status 0 exit_code_0
if [[ -s $OUT/$LOG.screen ]]; then
	result PASS screen_saved
else
	result FAIL screen_saved "QEMU saved no screen; see $OUT/$LOG.launcher"
fi
tr -d '\r' <"$OUT/$LOG" >"$OUT/$LOG.serial"
# The selftest's output scrolled the banner away.
if [[ $(tr -d '\r' <"$OUT/$LOG" | fold -w 80 | wc -l) -gt 24 ]]; then
	result PASS output_scrolls
else
	result FAIL output_scrolls "the run printed too little to scroll the screen"
fi
screen_matches "$LOG" screen_is_the_last_24_serial_rows
# The report came before anything scrolled: the banner in row 0, the
# cursor below the rows printed before the report.
before=$(($(grep -n '^guest: screen: ' "$OUT/$LOG.serial" | head -n 1 | cut -d: -f1) - 1))
check_line "$LOG" "^guest: screen: row 0 'mica guest kernel', cursor at row $(head -n "$before" "$OUT/$LOG.serial" | fold -w 80 | wc -l) column 0$" \
	report_reads_banner_and_cursor_back

LOG=vga-bare-short.log
boot_screen "$LOG" "console=serial,vga app=hello"
check_status 0 short_exit_code_0
screen_matches "$LOG" screen_is_the_serial_console
if [[ $(head -n 1 "$OUT/$LOG.rows") == "mica guest kernel" ]]; then
	result PASS short_banner_in_row_0
else
	result FAIL short_banner_in_row_0 "row 0: '$(head -n 1 "$OUT/$LOG.rows")'"
fi

LOG=vga-containers.log
boot_screen "$LOG" "console=serial,vga containers app=hello replicas=2" build/apps.cpio
check_status 0 containers_exit_code_0
check_line "$LOG" '^\[hello-2\] hello from app hello' containers_process_line
screen_matches "$LOG" containers_screen_has_process_lines

LOG=vga-bare-off.log
boot_screen "$LOG" "selftest app=hello"
check_status 0 off_exit_code_0
if rows "$LOG" | grep -q 'mica guest kernel'; then
	result FAIL default_leaves_screen_alone "the banner is on the screen without console=serial,vga"
else
	result PASS default_leaves_screen_alone
fi
check_no_line "$LOG" '^guest: screen: ' default_no_screen_report

LOG=vga-bare-bad.log
boot_screen "$LOG" "console=vga app=hello"
check_status 2 bad_value_exit_code_2
check_line "$LOG" '^guest: console=vga: give console=serial or console=serial,vga$' bad_value_named
