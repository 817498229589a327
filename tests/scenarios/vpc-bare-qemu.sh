#!/bin/bash
# timeout: 240
# The virtual-PC test kernels (tests/vpc/) bare in QEMU's software CPU:
# the second implementation that mica's virtual PC is checked against.
# Where QEMU 7.2's TCG itself departs from the SDM, the case is listed
# with how, and vpc-bare-bochs.sh checks it against Bochs instead.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/vpc/expect.sh"

boot() { # KERNEL [WORDS [MODULE ARGS]...]
	local k=$1 words=${2:-vpc-$1}
	shift $(($# < 2 ? $# : 2))
	boot_qemu "vpc-bare-qemu-$k.log" 60 "build/fixtures/vpc-$k.elf" "$words" "$@"
	vpc_exited "$k"
}

# ends ASK LIMIT: the fault kernel, asked to end by then-ASK; its KTAP
# passes as in its plain run, and it never goes on.
ends() {
	LOG=vpc-bare-qemu-fault-$1.log
	boot_qemu "$LOG" "$2" build/fixtures/vpc-fault.elf "vpc-fault then-$1"
	vpc_check "$LOG" "fault-$1"
	check_no_line "$LOG" '# (woke up from HLT|went on after a triple fault)' "fault-$1:never_returns"
}

boot cpu
vpc_check vpc-bare-qemu-cpu.log cpu \
	"tsc_write=TCG's RDTSC ignores a WRMSR to IA32_TSC" \
	"tsc_adjust=TCG answers RDMSR of IA32_TSC_ADJUST though CPUID does not offer it" \
	"rf_set_on_faults=TCG pushes RF clear for faults" \
	"base_msrs_noncanonical_gp=TCG's WRMSR takes a non-canonical address in IA32_SYSENTER_ESP" \
	"x2apic_msrs_gp_in_xapic_mode=TCG reads an x2APIC MSR as 0 in xAPIC mode" \
	"unimplemented_msrs_gp=TCG reads an MSR it does not implement as 0" \
	"tsc_deadline_msr_matches_cpuid=TCG reads an MSR it does not implement as 0"
boot apic
vpc_check vpc-bare-qemu-apic.log apic \
	"svr_software_enable=its APIC lets LVT masks be cleared while software-disabled" \
	"lint1_lvt_mask_and_fields=its LVT LINT1 keeps every bit written, reserved ones too, and its mask clears while software-disabled" \
	"lint1_lvt_read_only_bits=its LVT LINT1 keeps every bit written, delivery status and remote IRR too" \
	"esr_illegal_vector=its APIC delivers vector 3 and records no error" \
	"lvt_error_interrupt=its APIC has no error interrupt" \
	"apic_base_reenable=its APIC stays off once IA32_APIC_BASE.EN was cleared (the rule of 3-wire APIC buses, not of FSB xAPICs)"
boot mem "$VPC_MEM_WORDS"
# QEMU gives the image's path as its -kernel was written, then -append.
vpc_cmdline vpc-bare-qemu-mem.log '' build/fixtures/vpc-mem.elf "$VPC_MEM_WORDS" mem_command_line_from_qemu
vpc_check vpc-bare-qemu-mem.log mem \
	"unbacked_reads_all_ones=its pc machine reads unassigned addresses as 0" \
	"unbacked_writes_dropped=its pc machine reads unassigned addresses as 0"
boot low vpc-low build/fixtures/vpc-mem.elf lowmod
vpc_check vpc-bare-qemu-low.log low \
	"multiboot_info_outside_image=its multiboot loader puts the information at 0x9000-0x9fff whatever the image" \
	"module_outside_image=its multiboot loader puts the information, module list included, at 0x9000-0x9fff whatever the image"
boot fault
vpc_check vpc-bare-qemu-fault.log fault
# A HLT nothing can wake: the CPU stays halted until QEMU's time limit.
ends halt 10
check_line "$LOG" '^# HLT with interrupts off, nothing to wake it$' fault-halt:halt_reached
check_status 124 fault-halt:still_halted_at_the_time_limit
# A HLT with every interrupt source masked: the same.
ends wait 10
check_line "$LOG" '^# HLT with interrupts on, every interrupt source masked$' fault-wait:wait_reached
check_status 124 fault-wait:still_halted_at_the_time_limit
# A triple fault: QEMU (-no-reboot) stops with no exit code.
ends triple-fault 30
check_line "$LOG" '^# a triple fault: an exception with an empty IDT$' fault-triple-fault:reached
check_status 125 fault-triple-fault:machine_shut_down
