#!/bin/bash
# timeout: 400
# The virtual-PC test kernels (tests/vpc/) as VMs under mica in Bochs,
# each its own VM; every case must pass, with the answers the bare runs
# give (vpc-bare-qemu.sh, vpc-bare-bochs.sh). Bochs 2.7 can virtualize
# APIC accesses: the apic kernel's accesses to its APIC exit as APIC
# accesses, after the first (an EPT violation, which maps the page) and
# the first after the APIC was disabled and enabled again.
# vpc-vm-ept-bochs.sh runs the same kernels with that turned off.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/vpc/expect.sh"

LOG=vpc-vm-bochs.log
boot_bochs "$LOG" 360 build/iso-vpc-vm.iso
vpc_vm_checks "$LOG"
check_line "$LOG" '^mica: VT-x: .*, APIC-access page yes$' cpu_offers_apic_access_page
check_line "$LOG" '^mica: vm apic: [0-9]+ exits: (.* )?apic-access [0-9]{3,} (.* )?ept-violation [1-9]( |$)' \
	apic_accesses_exit_as_apic_accesses
