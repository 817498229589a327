#!/bin/bash
# A module whose keys cannot make a VM (mem=9G) is a bad configuration:
# mica says so in one line, runs the good VM beside it, and ends with exit
# code 2 (docs/configuration.md), not 1 as for a VM that ran and failed.
source "$(dirname "$0")/../lib.sh"

LOG=bad-key-bochs.log
boot_bochs "$LOG" 120 build/iso-bad-key.iso
check_line "$LOG" '^mica: vm badmem: not created: mem=9G: give a size from 2M to 4G' bad_key_one_line
check_line "$LOG" '^mica: vm good: exited with code 0$' good_vm_runs
check_status 2 exit_code_2_bad_configuration
