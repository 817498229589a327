#!/bin/bash
# mica boots from a GRUB ISO in Bochs (which emulates VT-x with EPT), passes
# its self-tests, turns VT-x on and runs one guest.
source "$(dirname "$0")/../lib.sh"

LOG=hv-selftest-bochs.log
boot_bochs "$LOG" 120 build/iso-hv-selftest.iso
check_ktap "$LOG"
check_line "$LOG" '^mica: VT-x: VMCS revision .*EPT yes.*unrestricted guest yes' vtx_capabilities_line
check_line "$LOG" '^mica: VT-x: VMXON done' vmxon
check_line "$LOG" '^\[demo\] guest: exit code 0' guest_ran_under_vmx
check_status 0 exit_code_0
