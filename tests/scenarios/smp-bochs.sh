#!/bin/bash
# timeout: 420
# mica on 2 and on 4 CPUs in Bochs (cpu: count=N): the BIOS's ACPI MADT
# lists every CPU, mica starts each with INIT-SIPI-SIPI, and each started
# CPU writes what it did into its own record: the APIC ID its local APIC
# reports, a first cross-CPU call run (sent by IPI to its mailbox), then
# VMXON on its own region (a second call); an NMI the boot CPU sends it
# is taken through its own IDT and counted. The boot CPU prints the
# records; every CPU in VMX operation runs guests, as the boot line says
# (the one VM goes to the boot CPU, the least loaded).
source "$(dirname "$0")/../lib.sh"

for n in 2 4; do
	LOG=smp-$n-bochs.log
	CPUS=$n boot_bochs "$LOG" 200 build/iso-smp.iso
	check_line "$LOG" "^mica: CPUs: $n in the ACPI MADT, 0 disabled there$" madt_lists_$n
	check_line "$LOG" '^mica: cpu 0: APIC ID 0 \(its local APIC says 0\), in VMX operation, the boot CPU$' \
		boot_cpu_of_$n
	for ((i = 1; i < n; i++)); do
		check_line "$LOG" "^mica: cpu $i: APIC ID $i \\(its local APIC says $i\\), in VMX operation \\(VMPTRST: no current VMCS\\), alive [1-9][0-9]* TSC after the SIPI, 2 call IPIs \\(the first answered in [1-9][0-9]* TSC\\), 1 NMIs$" \
			cpu${i}_of_${n}_in_vmx
	done
	check_line "$LOG" "^mica: $n CPUs found, $n in VMX operation, $n running guests$" boot_line_$n
	check_line "$LOG" '^\[hello\] result app=hello checksum=0x4340f9fc ' vm_runs_$n
	check_no_line "$LOG" 'left out|panic|unhandled' no_cpu_left_out_$n
	check_status 0 exit_code_0_$n
done
