#!/bin/bash
# The guest kernel boots bare from GRUB in Bochs too, finds no mica
# signature, keeps its console on COM1, and its cpu app gives the same
# checksum as everywhere else.
source "$(dirname "$0")/../lib.sh"

LOG=guest-bare-bochs.log
boot_bochs "$LOG" 120 build/iso-guest-bare.iso
check_line "$LOG" '^guest: no mica signature: running bare, console on COM1$' no_mica_signature
check_line "$LOG" '^guest: time: timer at 100 Hz' timer_started
check_line "$LOG" '^result app=cpu checksum=0x87cd2bce tsc=[0-9]+ .*cycles=[0-9]+$' cpu_checksum
check_status 0 exit_code_0
