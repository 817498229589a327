#!/bin/bash
# timeout: 600
# The virtual-PC test kernels (tests/vpc/) bare in Bochs, loaded by GRUB:
# the reference for the cases where QEMU's software CPU departs from the
# SDM (vpc-bare-qemu.sh). Bochs models a real Skylake-X and its chipset,
# so it departs elsewhere; those cases are listed with how.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/vpc/expect.sh"

boot() { # KERNEL
	boot_bochs "vpc-bare-bochs-$1.log" 240 "build/iso-vpc-bare-$1.iso"
	vpc_exited "$1"
}

boot cpu
vpc_check vpc-bare-bochs-cpu.log cpu \
	"cpuid_no_pdcm=it models a Skylake-X, whose CPUID offers PDCM" \
	"cpuid_no_pmu_leaf=it models a Skylake-X, whose CPUID offers PMU version 4" \
	"misc_enable_reads_back=it ignores writes to IA32_MISC_ENABLE's fast-strings bit"
boot apic
# Another Bochs than Debian's 2.7 (BOCHS=, make test-bochs3) is another
# reference: Bochs 3.0's APIC timer count does not fall between two reads
# of a one-shot count in this configuration (clock: sync=none).
newer=()
[[ -z ${BOCHS:-} ]] || newer=("timer_one_shot=Bochs 3.0's current count stays at the initial count between reads")
vpc_check vpc-bare-bochs-apic.log apic \
	"lint0_masking=its 8259A reaches the CPU whatever LVT LINT0 says" \
	"lint1_lvt_read_only_bits=its LVT LINT1 keeps what is written to delivery status (bit 12) and remote IRR (bit 14)" \
	"lvt_error_interrupt=its APIC records errors in ESR but raises no error interrupt" \
	"apic_base_reenable=its APIC stays off once IA32_APIC_BASE.EN was cleared (the rule of 3-wire APIC buses, not of FSB xAPICs)" \
	"${newer[@]}"
boot mem
vpc_check vpc-bare-bochs-mem.log mem
# GRUB 2 gives a multiboot kernel the words after its path.
vpc_cmdline vpc-bare-bochs-mem.log '' "" "$VPC_MEM_WORDS" mem_command_line_from_grub
boot low
vpc_check vpc-bare-bochs-low.log low
