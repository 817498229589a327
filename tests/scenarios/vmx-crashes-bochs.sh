#!/bin/bash
# Guests that crash (an instruction mica does not emulate outside RAM,
# triple fault), halt, or cannot be
# built (not a kernel, too much memory) are each stopped alone with one
# line; the guest after them still runs and passes its self-tests. One
# whose state mica spoils after its first entry (break-state: EFER.LMA
# flipped once it is ready, as a faulty mode switch would) is stopped by mica's own entry
# check with the rule named, before the CPU sees the state (Bochs's log
# has no VMENTER line).
source "$(dirname "$0")/../lib.sh"

LOG=vmx-crashes-bochs.log
boot_bochs "$LOG" 120 build/iso-vmx-crashes.iso
check_line "$LOG" '^mica: vm eptv: crashed: EPT violation: write at guest-physical 0x40000000 \(outside its 8 MiB of RAM, no device there\), guest RIP 0x[0-9a-f]+: an instruction mica does not emulate there$' ept_violation_one_line
check_line "$LOG" '^mica: vm eptv: crashed; unbacked addresses: 1 reads \(all ones\), 1 writes \(dropped\)$' ept_violation_counted
check_no_line "$LOG" 'the ADD beyond RAM went through' ept_violation_add_stopped
check_line "$LOG" '^mica: vm tfault: crashed: triple fault at RIP 0x[0-9a-f]+$' triple_fault_one_line
check_no_line "$LOG" 'still alive after a triple fault' triple_fault_stopped
check_line "$LOG" '^mica: vm halter: halted with interrupts off$' halt_ends_vm
check_line "$LOG" "^mica: module 3 \('name=notelf'\): no multiboot header" bad_module_named_at_boot
check_line "$LOG" '^mica: vm notelf: not created: no multiboot header' bad_module_not_created
check_line "$LOG" '^mica: vm toobig: not created: mem=9G: ' bad_mem_not_created
check_line "$LOG" '^mica: vm spoiled: crashed: refusing VM entry: guest-state: EFER.LMA differs from VM_ENTRY_IA32E_MODE_GUEST \(VMCS_GUEST_IA32_EFER=0x[0-9a-f]+\) \[SDM Vol\. 3 "Checks on Guest Control Registers, Debug Registers, and MSRs"\]$' state_spoiled_after_entry_caught
check_line "$LOG" '^\[spoiled\] ready app=hello ' spoiled_ran_first
check_ktap "$LOG"
check_line "$LOG" '^mica: vm survivor: exited with code 0' survivor_exit_0
check_line "$LOG" '^mica: 7 VMs: 2 exited with 0, 2 failed, 3 crashed' summary
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_line "$LOG" "^mica: module 5 \('for=nobody'\): for=nobody names no VM$" orphan_module_named
check_frames_returned "$LOG" every_frame_returned
check_status 2 exit_code_2_bad_module
