/*
 * fuzz_modes.S - the guest fuzzer's way out of long mode (tests/guest/
 * fuzz.c): into 32-bit protected mode with paging off, or on into real
 * mode, to run random bytes there. Never returns: whatever the bytes do
 * ends the VM, and mica reports how.
 *
 * SDM Vol. 3, "Mode Switching": leave long mode from compatibility mode
 * by clearing CR0.PG, then IA32_EFER.LME; real mode is entered from a
 * 16-bit protected-mode code segment by clearing CR0.PE and jumping to a
 * real-mode segment. The 16-bit part must run below 64 KiB, so it is
 * copied to FUZZ_TRAMPOLINE first.
 */
#include "lib/msr.h"

#define FUZZ_TRAMPOLINE 0x6000          /* the 16-bit trampoline's copy */
#define FUZZ_STACK      0x7000          /* a stack for the random code */

/* In .data, and with the accessed bits set: the CPU sets them when it
 * loads a selector, and a write to a read-only GDT in the middle of an
 * exception's delivery would be a double fault. */
	.data
	.balign 8
fuzz_gdt:
	.quad 0                         /* 0x00 null */
	.quad 0x00af9b000000ffff        /* 0x08 64-bit code */
	.quad 0x00cf93000000ffff        /* 0x10 flat data, 32-bit */
	.quad 0x00cf9b000000ffff        /* 0x18 flat code, 32-bit */
	.quad 0x00009b000000ffff        /* 0x20 code, 16-bit, base 0, 64 KiB */
	.quad 0x000093000000ffff        /* 0x28 data, 16-bit, base 0, 64 KiB */
fuzz_gdt_end:
fuzz_gdtr:
	.word fuzz_gdt_end - fuzz_gdt - 1
	.quad fuzz_gdt

	.text
	.code64
/* void fuzz_leave_long_mode(uint32_t code, int real): jump to (code), an
 * address below 4 GiB (below 64 KiB for real mode, CS = 0). */
	.globl fuzz_leave_long_mode
fuzz_leave_long_mode:
	cli
	mov %edi, %ebx                  /* the random code */
	mov %esi, %ebp                  /* real mode? */
	lgdt fuzz_gdtr(%rip)
	/* The 16-bit trampoline, copied below 64 KiB. */
	lea fuzz_tramp16(%rip), %rsi
	mov $FUZZ_TRAMPOLINE, %edi
	mov $(fuzz_tramp16_end - fuzz_tramp16), %ecx
	rep movsb
	pushq $0x18
	lea 1f(%rip), %rax
	pushq %rax
	lretq

	.code32
1:	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov %cr0, %eax                  /* paging off: long mode ends */
	and $0x7fffffff, %eax
	mov %eax, %cr0
	mov $MSR_IA32_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	mov $FUZZ_STACK, %esp
	test %ebp, %ebp
	jnz 2f
	jmp *%ebx                       /* 32-bit protected mode, paging off */
2:	ljmp $0x20, $FUZZ_TRAMPOLINE

	.code16
fuzz_tramp16:
	mov $0x28, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr0, %eax                  /* protection off: real mode */
	and $~1, %eax
	mov %eax, %cr0
	ljmp $0, $(FUZZ_TRAMPOLINE + 3f - fuzz_tramp16)
3:	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $FUZZ_STACK, %sp
	jmp *%bx
fuzz_tramp16_end:
	.code64
