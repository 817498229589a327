#!/bin/bash
# A firmware table entry for a CPU that does not exist (ghostcpu=7 adds
# APIC ID 7 to Bochs's three CPUs): mica sends it INIT-SIPI-SIPI, gets no
# answer, reports it and leaves it out. A CPU whose VMXON fails
# (badvmxon=2 gives APIC ID 2 a region that is not page-aligned) is
# reported with the failure and left out too. The other CPU still starts
# and enters VMX operation, and the VM runs.
source "$(dirname "$0")/../lib.sh"

LOG=smp-ghost-bochs.log
CPUS=3 boot_bochs "$LOG" 200 build/iso-smp-ghost.iso
check_line "$LOG" '^mica: CPUs: 3 in the ACPI MADT, 1 more named by ghostcpu=, 0 disabled there$' ghost_listed
check_line "$LOG" '^mica: cpu 1: APIC ID 1 \(its local APIC says 1\), in VMX operation \(VMPTRST: no current VMCS\), alive ' real_cpu_started
check_line "$LOG" '^mica: cpu 2: APIC ID 2: left out: VMXON failed \(VMfailInvalid\): .*, region 0x[0-9a-f]*008$' \
	failed_vmxon_left_out
check_line "$LOG" '^mica: cpu 3: APIC ID 7: left out: no answer to INIT-SIPI-SIPI within 1000 ms$' ghost_left_out
check_line "$LOG" '^mica: 4 CPUs found, 2 in VMX operation, 2 running guests$' boot_line
check_line "$LOG" '^\[hello\] result app=hello checksum=0x4340f9fc ' vm_runs
check_status 0 exit_code_0
