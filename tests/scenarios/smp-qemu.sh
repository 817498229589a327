#!/bin/bash
# mica on 2 and 4 CPUs under QEMU's software CPU, which has no VT-x: the
# other CPUs are found (ACPI MADT; with smp=mptable, SeaBIOS's MP table),
# started with INIT-SIPI-SIPI, each reads its own APIC ID, runs a first
# call sent by IPI and takes an NMI through its own IDT; none enters VMX operation, and mica ends with its
# clear refusal (exit code 3) after saying so.
source "$(dirname "$0")/../lib.sh"

run() { # NAME CPUS SOURCE CMDLINE
	local LOG=smp-$1-qemu.log n=$2
	CPUS=$n boot_qemu "$LOG" 60 build/mica32.elf "$4" build/guest32.elf "name=demo"
	check_line "$LOG" "^mica: CPUs: $n in the $3, 0 disabled there$" $1_found
	for ((i = 1; i < n; i++)); do
		check_line "$LOG" "^mica: cpu $i: APIC ID $i \\(its local APIC says $i\\), running, not in VMX operation, alive [1-9][0-9]* TSC after the SIPI, 1 call IPIs \\(the first answered in [1-9][0-9]* TSC\\), 1 NMIs$" \
			$1_cpu${i}_ran
	done
	check_line "$LOG" "^mica: $n CPUs found, 0 in VMX operation, 0 running guests$" $1_boot_line
	check_line "$LOG" '^mica: VT-x is not available' $1_refusal
	check_status 3 $1_exit_code_3
}

run 2 2 "ACPI MADT" ""
run 4 4 "ACPI MADT" ""
run mptable 4 "MP table" "smp=mptable"

# One CPU: the summary line only.
LOG=smp-1-qemu.log
boot_qemu "$LOG" 60 build/mica32.elf "" build/guest32.elf "name=demo"
check_line "$LOG" '^mica: 1 CPU found, 0 in VMX operation, 0 running guests$' 1_boot_line
check_no_line "$LOG" '^mica: (CPUs:|cpu 0:)' 1_no_cpu_list
check_status 3 1_exit_code_3

LOG=smp-badvalue-qemu.log
CPUS=2 boot_qemu "$LOG" 60 build/mica32.elf "smp=acpi" build/guest32.elf "name=demo"
check_line "$LOG" '^mica: smp=acpi: the one value is smp=mptable ' bad_value_named
check_status 2 bad_value_exit_code_2
