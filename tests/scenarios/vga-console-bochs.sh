#!/bin/bash
# mica with console=serial,vga (tests/iso/vga-console.cfg), as tools/grub.cfg
# boots it on a real PC, in Bochs: read back from Bochs's VGA (its memory
# and its CRTC), the screen starts with mica's banner and the cursor stands
# below the rows mica had printed; the guest, which asks for the screen
# too, is told it has none under mica and runs on. tests/scenarios/
# vga-bare-qemu.sh compares the whole screen with the serial console.
source "$(dirname "$0")/../lib.sh"

LOG=vga-console.log
boot_bochs "$LOG" 120 build/iso-vga-console.iso
check_status 0 exit_code_0
tr -d '\r' <"$OUT/$LOG" >"$OUT/$LOG.serial"
# The rows mica printed before its report, from the banner on, wrapped at
# 80 columns as the screen wraps them.
first=$(grep -n '^mica 0\.[0-9]*: an x86-64 micro-hypervisor' "$OUT/$LOG.serial" | head -n 1 | cut -d: -f1)
report=$(grep -n '^mica: screen: ' "$OUT/$LOG.serial" | head -n 1 | cut -d: -f1)
rows=$(sed -n "${first:-1},$((${report:-1} - 1))p" "$OUT/$LOG.serial" | fold -w 80 | wc -l)
check_line "$LOG" "^mica: screen: row 0 'mica 0\.[0-9]+: an x86-64 micro-hypervisor on Intel VT-x with EPT', cursor at row $rows column 0$" \
	screen_holds_banner_cursor_follows
check_line "$LOG" '^\[hello\] guest: console=serial,vga: no screen under mica, which keeps it; console on serial only$' \
	guest_told_no_screen
check_line "$LOG" '^\[hello\] result app=hello checksum=' guest_runs_on
