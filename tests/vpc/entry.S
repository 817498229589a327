/*
 * entry.S - the start of every test kernel of the virtual PC (tests/vpc/):
 * a multiboot 1 header, the 32-bit entry (protected mode, paging off, as a
 * multiboot loader leaves it), the 256 IDT stubs, and the excursion to
 * ring 3. 32-bit code; nothing here knows mica.
 *
 * Trap frame, built by the stubs and common_trap (struct vpc_frame in
 * vpc.h): EDI..EAX (pushal), vector, error code (0 when the CPU pushes
 * none), then what the CPU pushed: EIP, CS, EFLAGS (and ESP, SS from ring 3).
 */
#define MB_MAGIC        0x1BADB002
#define MB_FLAGS        0

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	movl $stack_top, %esp
	pushl %ebx                      /* multiboot information */
	pushl %eax                      /* magic */
	call vpc_main
1:	cli
	hlt
	jmp 1b

/* The stubs: vectors with a CPU error code push only their number. */
	.altmacro
	.macro stub v
	.align 16
	.if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
	pushl $0
	.endif
	pushl $\v
	jmp common_trap
	.endm

	.align 16
	.globl vpc_stubs
vpc_stubs:
	.set i, 0
	.rept 256
	stub %i
	.set i, i + 1
	.endr

/* Data segments may be null after a return from ring 3: reload them. */
common_trap:
	pushal
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	pushl %esp
	call vpc_trap
	addl $4, %esp
	popal
	addl $8, %esp                   /* vector, error code */
	iret

/*
 * int vpc_user(void (*fn)(void)): run (fn) in ring 3 on the user stack;
 * (fn) must end in a fault, which vpc_trap turns into a return to
 * user_back in ring 0. Returns the vector of that fault.
 */
	.globl vpc_user
vpc_user:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, user_saved_esp
	movl 20(%esp), %ecx             /* fn */
	movl $user_back, vpc_user_fixup
	pushl $0x23                     /* SS: ring-3 data */
	pushl $user_stack_top
	pushl $0x002                    /* EFLAGS: IF clear */
	pushl $0x1b                     /* CS: ring-3 code */
	pushl %ecx
	movw $0x23, %ax
	movw %ax, %ds
	movw %ax, %es
	iret
user_back:
	movl user_saved_esp, %esp
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl vpc_fault_vector, %eax
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.bss
	.align 16
	.space 16384
	.globl stack_top
stack_top:
	.space 4096
user_stack_top:
	.space 4096                     /* ring 0's stack for a fault from ring 3 (TSS ESP0) */
	.globl trap_stack_top
trap_stack_top:
	.globl user_saved_esp
user_saved_esp:
	.long 0
