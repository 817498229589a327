#!/bin/bash
# timeout: 400
# The virtual-PC test kernels as VMs under mica in Bochs, as in
# vpc-vm-bochs.sh, with mica's `apic-access=off`: every access to a
# guest's APIC page is an EPT violation, decoded and emulated. The
# verdicts must be the same as with the APIC-access page.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/vpc/expect.sh"

LOG=vpc-vm-ept-bochs.log
boot_bochs "$LOG" 360 build/iso-vpc-vm-ept.iso
vpc_vm_checks "$LOG"
check_line "$LOG" "^mica: apic-access=off: guests' APIC accesses exit as EPT violations$" apic_access_off_said
check_line "$LOG" '^mica: vm apic: [0-9]+ exits: (.* )?ept-violation [0-9]{3,}( |$)' \
	apic_accesses_exit_as_ept_violations
check_no_line "$LOG" '^mica: vm [a-z]+: [0-9]+ exits: (.* )?apic-access ' no_apic_access_exits
