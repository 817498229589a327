/*
 * boot.S - multiboot 1 header and the 32-bit to 64-bit trampoline that both
 * kernels (mica and the guest kernel) start with.
 *
 * Runs first, in 32-bit protected mode with paging off, exactly as a
 * multiboot loader (GRUB, QEMU -kernel, or mica for its guests) leaves the
 * machine: EAX = 0x2BADB002, EBX = physical address of the multiboot info.
 * SDM Vol. 3, "Initializing IA-32e Mode"; Multiboot Specification 0.6.96.
 */
#include "lib/cpuid.h"
#include "lib/multiboot.h"

#define COM1            0x3f8
#define COM1_LSR        (COM1 + 5)
#define LSR_THR_EMPTY   0x20

#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_IA32_EFER   0xc0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)

#define PTE_P           (1 << 0)
#define PTE_W           (1 << 1)
#define PTE_PS          (1 << 7)        /* 2 MiB page in a page directory */
#define PAGE_SIZE       4096
#define IDENTITY_GIB    4               /* identity map [0, 4 GiB) */

#define BOOT_CS         0x08
#define BOOT_DS         0x10

#define MB_FLAGS        (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

/* The header must lie in the first 8 KiB of the image: the linker scripts
 * place .multiboot first. */
	.section .multiboot, "a"
	.balign 4
multiboot_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
/*
 * _start: entry from the loader.
 * In: EAX = multiboot magic, EBX = multiboot info (physical), interrupts
 * may be on, no stack. Out: kmain(magic, mbi) in 64-bit mode with
 * [0, 4 GiB) identity-mapped by 2 MiB pages; never returns.
 */
	.globl _start
_start:
	cli
	cld
	cmp $MULTIBOOT_BOOTLOADER_MAGIC, %eax
	jne bad_magic
	mov %eax, %esi                  /* keep magic and info out of the */
	mov %ebx, %ebp                  /* way of stosl and cpuid below */

	/* The loader zeroes .bss for an ELF image, but a kernel entered some
	 * other way must not find stale page tables: clear it ourselves. */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	mov %esi, boot_magic
	mov %ebp, boot_mbi
	mov $boot_stack_top, %esp

	/* Long mode must exist before we try to enter it. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	test $CPUID_EXT_EDX_LM, %edx
	jz no_long_mode
	mov %edx, %ebx                  /* remember NX support */

	/* PML4[0] -> PDPT; PDPT[i] -> PD i; each PD entry maps 2 MiB. */
	mov $boot_pdpt, %eax
	or $(PTE_P | PTE_W), %eax
	mov %eax, boot_pml4
	mov $boot_pd, %eax
	or $(PTE_P | PTE_W), %eax
	xor %ecx, %ecx
1:	mov %eax, boot_pdpt(, %ecx, 8)
	add $PAGE_SIZE, %eax
	inc %ecx
	cmp $IDENTITY_GIB, %ecx
	jne 1b

	mov $(PTE_P | PTE_W | PTE_PS), %eax     /* low half: physical address */
	xor %edx, %edx                          /* high half: 2 MiB pages >= 4 GiB */
	xor %ecx, %ecx
2:	mov %eax, boot_pd(, %ecx, 8)
	movl $0, boot_pd + 4(, %ecx, 8)
	add $0x200000, %eax
	inc %ecx
	cmp $(IDENTITY_GIB * 512), %ecx
	jne 2b

	/* SDM Vol. 3, "Initializing IA-32e Mode": PAE on, CR3 loaded,
	 * EFER.LME set, then paging on activates long mode. */
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $MSR_IA32_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	test $CPUID_EXT_EDX_NX, %ebx
	jz 3f
	or $EFER_NXE, %eax
3:	wrmsr
	mov %cr0, %eax
	or $(CR0_PE | CR0_WP | CR0_PG), %eax
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $BOOT_CS, $long_entry

/* Print the NUL-terminated string at ESI on COM1, then halt for good. */
bad_magic:
	mov $msg_bad_magic, %esi
	jmp die32
no_long_mode:
	mov $msg_no_long_mode, %esi
die32:
	mov $COM1_LSR, %dx
4:	in %dx, %al
	test $LSR_THR_EMPTY, %al
	jz 4b
	lodsb
	test %al, %al
	jz 5f
	mov $COM1, %dx
	out %al, %dx
	mov $COM1_LSR, %dx
	jmp 4b
5:	cli
	hlt
	jmp 5b

	.code64
long_entry:
	mov $BOOT_DS, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp                  /* ends stack traces */
	mov boot_magic(%rip), %edi
	mov boot_mbi(%rip), %esi
	call kmain
6:	cli
	hlt
	jmp 6b

	.section .rodata
msg_bad_magic:
	.asciz "boot: this kernel must be started by a multiboot loader (GRUB, QEMU -kernel, mica); halting\n"
msg_no_long_mode:
	.asciz "boot: this CPU has no 64-bit long mode; halting\n"

	.balign 8
boot_gdt:
	.quad 0                         /* null */
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff        /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .bss
	.balign PAGE_SIZE
boot_pml4:
	.skip PAGE_SIZE
boot_pdpt:
	.skip PAGE_SIZE
	.balign 4
boot_magic:
	.long 0
boot_mbi:
	.long 0

	/* Not cleared (linker/kernel.ld.inc): every PD entry is written
	 * above before paging is on, and a stack needs no zeroes. */
	.section .noinit, "aw", @nobits
	.balign PAGE_SIZE
boot_pd:
	.skip PAGE_SIZE * IDENTITY_GIB
	.globl boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:
