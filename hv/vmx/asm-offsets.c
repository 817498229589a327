/*
 * asm-offsets.c - struct offsets for hv/vmx/vmentry.S. The Makefile
 * compiles this file to assembly and turns each ASM_OFFSET line into a
 * #define in build/gen/asm-offsets.h, so no offset is typed by hand.
 */
#include <stddef.h>
#include "hv/vmx/vcpu_regs.h"
#include "hv/vmx/vmcs.h"

#define ASM_OFFSET(name, value) \
	__asm__ volatile("\n@@ASM_OFFSET " #name " %c0" : : "i"(value))

void asm_offsets(void);

void asm_offsets(void)
{
	ASM_OFFSET(VCPU_RAX, offsetof(struct vcpu_regs, rax));
	ASM_OFFSET(VCPU_RBX, offsetof(struct vcpu_regs, rbx));
	ASM_OFFSET(VCPU_RCX, offsetof(struct vcpu_regs, rcx));
	ASM_OFFSET(VCPU_RDX, offsetof(struct vcpu_regs, rdx));
	ASM_OFFSET(VCPU_RSI, offsetof(struct vcpu_regs, rsi));
	ASM_OFFSET(VCPU_RDI, offsetof(struct vcpu_regs, rdi));
	ASM_OFFSET(VCPU_RBP, offsetof(struct vcpu_regs, rbp));
	ASM_OFFSET(VCPU_R8, offsetof(struct vcpu_regs, r8));
	ASM_OFFSET(VCPU_R9, offsetof(struct vcpu_regs, r9));
	ASM_OFFSET(VCPU_R10, offsetof(struct vcpu_regs, r10));
	ASM_OFFSET(VCPU_R11, offsetof(struct vcpu_regs, r11));
	ASM_OFFSET(VCPU_R12, offsetof(struct vcpu_regs, r12));
	ASM_OFFSET(VCPU_R13, offsetof(struct vcpu_regs, r13));
	ASM_OFFSET(VCPU_R14, offsetof(struct vcpu_regs, r14));
	ASM_OFFSET(VCPU_R15, offsetof(struct vcpu_regs, r15));
	ASM_OFFSET(VMCS_FIELD_HOST_RSP, VMCS_HOST_RSP);
}
