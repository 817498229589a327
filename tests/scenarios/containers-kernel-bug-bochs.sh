#!/bin/bash
# The shared-kernel weakness (docs/containers.md): under mica, one process
# of a container host started with `kernel-bug` corrupts its kernel. The
# kernel panics and its VM ends, taking every container in it; the
# unikernel VM beside it finishes as if nothing happened. Without the flag
# the same call is refused.
source "$(dirname "$0")/../lib.sh"

LOG=containers-kernel-bug-bochs.log
boot_bochs "$LOG" 150 build/iso-containers-kernel-bug.iso
for i in 1 2 3; do
	check_line "$LOG" "^\[host\] \[web-$i\] ready app=idle pid=1 tsc=[0-9]+$" "web_${i}_was_up"
done
check_line "$LOG" '^\[host\] guest: kernel-bug: container attacker-1, pid 1: corrupting the process table, as a kernel bug would \(4 containers running\)$' bug_triggered
check_line "$LOG" '^\[host\] guest: panic: ' host_kernel_panics
check_no_line "$LOG" '^\[host\] guest: container web-[0-9] exited' no_container_ends_cleanly
check_line "$LOG" '^mica: vm host: exited with code 4$' host_vm_down
check_line "$LOG" '^\[bystander\] result app=cpu checksum=0x87cd2bce ' bystander_vm_unharmed
check_line "$LOG" '^mica: vm bystander: exited with code 0$' bystander_exit_0
check_status 1 exit_code_1_one_vm_failed
# docs/containers.md quotes this run (Bochs: the same on every run).
if docs_reference_bochs docs_excerpt_current; then
	if bash tools/docs.sh --check kernel-bug="$OUT/$LOG" >"$OUT/kernel-bug-docs.txt" 2>&1; then
		result PASS docs_excerpt_current
	else
		result FAIL docs_excerpt_current "make docs regenerates it:
	$(grep -v '^docs: regenerate' "$OUT/kernel-bug-docs.txt" | head -n 20)"
	fi
fi

# The same call without the flag: refused, and the kernel lives on.
LOG=containers-kernel-bug-off-qemu.log
boot_qemu "$LOG" 60 build/guest32.elf "containers script=tests:run/kernel-bug.run" \
	build/apps.cpio "" build/tests.cpio ""
check_line "$LOG" '^\[attacker-1\] kbug: returned -1 \(EPERM\)$' refused_without_flag
check_line "$LOG" '^guest: container host: done' kernel_lives_without_flag
check_status 0 exit_0_without_flag
