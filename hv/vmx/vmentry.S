/*
 * vmentry.S - VM entry and VM exit: guest general-purpose registers in and
 * out, and the exit loop's fast path. SDM Vol. 3, "VMLAUNCH/VMRESUME",
 * "VM Exits".
 *
 * Runs in VMX root, ring 0, interrupts off. The VMCS's HOST_RIP is
 * vmx_exit_entry; HOST_RSP is written here, before every entry from C, to
 * the stack pointer at that moment, so a VM exit lands on the frame that
 * vmx_enter_guest built, and a fast-path VMRESUME from that frame needs no
 * new HOST_RSP.
 */
#include "asm-offsets.h"

	.text
/*
 * int vmx_enter_guest(struct vcpu_regs *regs, int launched)
 * %rdi = regs (those of a struct vcpu: hv/vmx/vmexit_fast.c finds it from
 * them), %esi = launched (0: VMLAUNCH, else VMRESUME).
 * Returns 0 after a VM exit that vmx_exit_fast() left to C, with every
 * guest register saved in regs; 1 for VMfailInvalid, 2 for VMfailValid.
 */
	.globl vmx_enter_guest
vmx_enter_guest:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi                       /* found again at 0(%rsp) on exit */

	mov $VMCS_FIELD_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe fail                        /* CF or ZF: the write itself failed */

	test %esi, %esi
	mov VCPU_RAX(%rdi), %rax
	mov VCPU_RBX(%rdi), %rbx
	mov VCPU_RCX(%rdi), %rcx
	mov VCPU_RDX(%rdi), %rdx
	mov VCPU_RSI(%rdi), %rsi
	mov VCPU_RBP(%rdi), %rbp
	mov VCPU_R8(%rdi), %r8
	mov VCPU_R9(%rdi), %r9
	mov VCPU_R10(%rdi), %r10
	mov VCPU_R11(%rdi), %r11
	mov VCPU_R12(%rdi), %r12
	mov VCPU_R13(%rdi), %r13
	mov VCPU_R14(%rdi), %r14
	mov VCPU_R15(%rdi), %r15
	mov VCPU_RDI(%rdi), %rdi        /* last: it held the pointer */
	jnz 1f                          /* flags of the test above */
	vmlaunch
	jmp fail
1:	vmresume
	/* Only reached when the instruction failed: the guest never ran. */
fail:
	mov $1, %eax                    /* VM_FAIL_INVALID if CF */
	jc 2f
	mov $2, %eax                    /* VM_FAIL_VALID (ZF) */
2:	pop %rdi
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/*
 * HOST_RIP: a VM exit arrives here with the stack of vmx_enter_guest.
 * Only the registers a C call may clobber, and RBX (CPUID's output), go
 * to regs before vmx_exit_fast(regs) runs: RBP and R12-R15 stay the
 * guest's in the CPU, kept by the C calling convention. If it returns
 * nonzero the exit is handled and the guest resumes at once; else the
 * rest of the guest's registers are saved and vmx_enter_guest returns to
 * vmx_vcpu_run().
 */
	.globl vmx_exit_entry
vmx_exit_entry:
	push %rdi                       /* guest RDI, to free a register */
	mov 8(%rsp), %rdi               /* struct vcpu_regs * */
	mov %rax, VCPU_RAX(%rdi)
	mov %rbx, VCPU_RBX(%rdi)
	mov %rcx, VCPU_RCX(%rdi)
	mov %rdx, VCPU_RDX(%rdi)
	mov %rsi, VCPU_RSI(%rdi)
	mov %r8, VCPU_R8(%rdi)
	mov %r9, VCPU_R9(%rdi)
	mov %r10, VCPU_R10(%rdi)
	mov %r11, VCPU_R11(%rdi)
	pop VCPU_RDI(%rdi)
	call vmx_exit_fast              /* %rdi = regs */
	mov (%rsp), %rdi
	test %eax, %eax
	jz 3f
	mov VCPU_RAX(%rdi), %rax
	mov VCPU_RBX(%rdi), %rbx
	mov VCPU_RCX(%rdi), %rcx
	mov VCPU_RDX(%rdi), %rdx
	mov VCPU_RSI(%rdi), %rsi
	mov VCPU_R8(%rdi), %r8
	mov VCPU_R9(%rdi), %r9
	mov VCPU_R10(%rdi), %r10
	mov VCPU_R11(%rdi), %r11
	mov VCPU_RDI(%rdi), %rdi
	vmresume
	/* VMRESUME failed: the guest never ran. Its registers as they are. */
	push %rdi
	mov 8(%rsp), %rdi
	pop VCPU_RDI(%rdi)
	call save_callee_saved
	jmp fail
3:	call save_callee_saved
	xor %eax, %eax                  /* VM_SUCCESS: a VM exit */
	jmp 2b

/* %rdi = regs: the guest's RBP and R12-R15, still in the CPU, go there.
 * Preserves the flags (a failed VMRESUME's CF and ZF). */
save_callee_saved:
	mov %rbp, VCPU_RBP(%rdi)
	mov %r12, VCPU_R12(%rdi)
	mov %r13, VCPU_R13(%rdi)
	mov %r14, VCPU_R14(%rdi)
	mov %r15, VCPU_R15(%rdi)
	ret
