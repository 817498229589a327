#!/bin/bash
# timeout: 120
# What a process writes reaches the console as text only
# (docs/containers.md, "Console output"): bin/cat copies a file of its
# image that holds every byte from 0x01 to 0xff but the newline, and the
# console shows each control character but tab, DEL and every byte from
# 0x80 up as '?', the printable ones as they are; a line of more than 200
# characters is printed in pieces of 200, none lost. The image is made
# here (tools/mkimage.sh).
source "$(dirname "$0")/../lib.sh"

W=$OUT/$SCENARIO
LOG=$SCENARIO.log
rm -rf "$W"
mkdir -p "$W/img/etc" "$W/img/run"
# The file: "ctl:" 0x01-0x09 0x0b-0x1f "|del:" 0x7f "|high:" 0x80-0xff
# "|text:" 0x20-0x7e, then a newline: 276 bytes.
{
	printf 'ctl:'
	for b in $(seq 1 9) $(seq 11 31); do printf "\\$(printf %03o "$b")"; done
	printf '|del:\177|high:'
	for b in $(seq 128 255); do printf "\\$(printf %03o "$b")"; done
	printf '|text:'
	for b in $(seq 32 126); do printf "\\$(printf %03o "$b")"; done
	printf '\n'
} >"$W/img/etc/bytes"
echo 'run name=bytes image=bytes -- bin/cat path=etc/bytes' >"$W/img/run/bytes.run"
echo 'wait bytes' >>"$W/img/run/bytes.run"
if ! STRIP=strip sh tools/mkimage.sh "$W/bytes.cpio" "$W/img" build/user/cat.elf >"$W/mkimage.out" 2>&1; then
	result FAIL image_made "$(cat "$W/mkimage.out")"
fi
boot_qemu "$LOG" 60 build/guest32.elf "containers script=bytes:run/bytes.run" \
	build/apps.cpio "" "$W/bytes.cpio" ""
check_status 0 exit_code_0
check_line "$LOG" '^\[bytes-1\] cat: etc/bytes bytes=276 fnv=0x[0-9a-f]{8}$' cat_read_the_whole_file

# What the console should show: the same bytes, each one that is not text
# (but tab) as '?', in pieces of 200 characters.
want=$(perl -e '
	my $s = "ctl:" . join("", map { chr } 1 .. 9, 11 .. 31) . "|del:\x7f|high:" .
		join("", map { chr } 128 .. 255) . "|text:" . join("", map { chr } 32 .. 126);
	(my $t = $s) =~ s/[^\t\x20-\x7e]/?/g;
	print substr($t, 0, 200), "\n", substr($t, 200), "\n";')
got=$(tr -d '\r' <"$OUT/$LOG" | grep -a '^\[bytes-1\] ' | grep -av ' cat: etc/bytes ' | sed 's/^\[bytes-1\] //')
if [[ $got == "$want" ]]; then
	result PASS bytes_shown_as_text
else
	result FAIL bytes_shown_as_text "want:
$want
got:
$got"
fi
# No byte of the file reached the terminal raw: no ESC, no byte from 0x80 up.
if LC_ALL=C grep -aq $'\x1b\|[\x80-\xff]' "$OUT/$LOG"; then
	result FAIL no_raw_byte_reached_the_console "the log holds an ESC or a byte from 0x80 up"
else
	result PASS no_raw_byte_reached_the_console
fi
