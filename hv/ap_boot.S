/*
 * ap_boot.S - where a CPU that mica starts with INIT-SIPI-SIPI begins:
 * 16-bit real mode at the start of the trampoline page (hv/smp.c copies
 * ap_trampoline below 1 MiB; the SIPI's vector is its page number), then
 * 32-bit protected mode and 64-bit long mode in mica's own text, on the
 * boot CPU's page tables, into ap_main().
 *
 * SDM Vol. 3, "Multiple-Processor (MP) Initialization" ("MP
 * Initialization Protocol Algorithm"), "Initializing IA-32e Mode";
 * "Processor State After Reset" (an AP leaves INIT with CR0.CD and NW set).
 */
#include "lib/msr.h"
#include "lib/x86_regs.h"

#define AP_CS32         0x08
#define AP_DS           0x10
#define AP_CS64         0x18

/*
 * ap_entry32: from the trampoline, in 32-bit protected mode with paging
 * off. Out: ap_main(ap_boot_percpu) on ap_boot_stack in 64-bit mode. The
 * boot CPU writes ap_boot_* before each SIPI and waits for the CPU to say
 * it is alive before it starts the next, so one set of them serves all.
 */
	.text
	.code32
ap_entry32:
	mov $AP_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov ap_boot_cr3, %eax
	mov %eax, %cr3
	mov $MSR_IA32_EFER, %ecx
	mov ap_boot_efer, %eax          /* the boot CPU's LME, NXE, SCE */
	xor %edx, %edx
	wrmsr
	mov %cr0, %eax
	and $~(CR0_CD | CR0_NW), %eax   /* caches on */
	or $(CR0_PE | CR0_WP | CR0_PG), %eax
	mov %eax, %cr0
	ljmp $AP_CS64, $ap_entry64

	.code64
ap_entry64:
	mov $AP_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov ap_boot_stack(%rip), %rsp
	mov ap_boot_percpu(%rip), %rdi
	xor %ebp, %ebp                  /* ends stack traces */
	call ap_main
1:	cli
	hlt
	jmp 1b

/*
 * ap_trampoline: copied to a page below 1 MiB. The CPU starts here in
 * real mode with CS = that page's segment and IP = 0; only CS-relative
 * (DS = CS) data is within its reach, so the GDT pointer and the far
 * pointer to ap_entry32 live in the copy.
 */
	.section .rodata
	.code16
	.balign 16
	.globl ap_trampoline, ap_trampoline_end
ap_trampoline:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl ap_gdtr - ap_trampoline
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl *(ap_far32 - ap_trampoline)
	.balign 8
ap_gdtr:
	.word ap_gdt_end - ap_gdt - 1
	.long ap_gdt
ap_far32:
	.long ap_entry32
	.word AP_CS32
ap_trampoline_end:

	.balign 8
ap_gdt:
	.quad 0                         /* null */
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code, DPL 0 */
	.quad 0x00cf92000000ffff        /* 0x10: data, DPL 0 */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code, DPL 0 */
ap_gdt_end:
	.code64
