#!/bin/bash
# A guest under mica in Bochs exercises every VM-exit handler (CPUID,
# hypercalls, MSR allow-list, XSETBV, INVD/WBINVD, CR0/CR4, VMX
# instructions, I/O) and reports KTAP through its virtual UART; mica prints
# the exit counts per reason when the VM ends.
source "$(dirname "$0")/../lib.sh"

LOG=vmx-exits-bochs.log
boot_bochs "$LOG" 120 build/iso-vmx-exits.iso
check_ktap "$LOG"
check_line "$LOG" '^\[vmx\] hello through the console hypercall$' console_hypercall_line
check_line "$LOG" '^\[vmx\] escape: \?\[31mred\?\[0m$' control_characters_shown_as_question_marks
check_line "$LOG" '^mica: vm vmx: exited with code 0' vm_exit_code_0
# One count per exit reason the guest caused, in the exit table's order.
for reason in 'cpuid [0-9]+' 'invd 1' 'vmcall [0-9]+' 'vmread 1' 'vmxoff 1' \
	'vmxon 1' 'cr-access [0-9]+' 'io [0-9]+' 'rdmsr [0-9]+' 'wrmsr [0-9]+' 'wbinvd 1' \
	'xsetbv [0-9]+'; do
	check_line "$LOG" "^mica: vm vmx: [0-9]+ exits: (.* )?$reason( |\$)" \
		"exit_count_${reason%% *}"
done
# The guest gets its own multiboot information: memory map, command line
# and the module meant for it (for=vmx), which is not run as a VM.
check_line "$LOG" "^\[vmx\] guest: command line: 'test=vmx expect-name=vmx'$" guest_command_line
check_line "$LOG" '^\[vmx\] guest: memory: 15 MiB usable in 2 ranges' guest_memory_map
check_line "$LOG" "^\[vmx\] guest: module 0: 'kind=blob', 101 bytes at 0x" guest_module
check_line "$LOG" '^mica: 1 VMs: 1 exited with 0' module_is_not_a_vm
check_status 0 exit_code_0
