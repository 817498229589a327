/*
 * fault.c - a process that breaks a rule of ring 3 on purpose, so that
 * tests see the kernel end it (exit status SYS_STATUS_FAULT) and only it.
 * kind= says which rule:
 *   divide       divide by zero (#DE)
 *   pointer      write through a null pointer (#PF, not present)
 *   kernel       read the kernel's memory at 0x100000 (#PF, supervisor page)
 *   privileged   cli, then hlt, then a read of CR3 (#GP: ring 0 only)
 *   io           in from port 0x80 (#GP: no I/O permission in ring 3)
 *   ud           ud2 (#UD)
 *   stack        recurse until the stack runs into its guard page (#PF)
 *   write-text   write a byte of its own code (#PF, read-only page)
 *   write-rodata write a constant string (#PF, read-only page)
 *   exec-data    call into its writable data (#PF, no-execute page)
 *   exec-stack   call into its stack (#PF, no-execute page)
 *
 * Output (tests match it): "fault: about to KIND", then nothing more; if
 * the process survives, "fault: KIND survived" and exit code 3. An
 * unknown kind prints one line and exits with APP_EXIT_BAD_ARGS.
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define KERNEL_ADDR     0x100000UL
#define EXIT_SURVIVED   3
#define X86_RET         0xc3    /* the one-byte near return */
#define STACK_FRAME     256     /* bytes each recursion level keeps */
#define STACK_LEVELS    (1u << 30)  /* far more than the stack holds */

/* Volatile, so that the compiler cannot see the numbers, the null or the
 * constant, and neither replace the fault with a trap of its own choosing
 * nor compute 1 / x without dividing. */
static volatile int one = 1, zero;
static int *volatile null_pointer;
static const char constant[] = "constant";
static unsigned char data_code[16] = { X86_RET };

static void do_divide(void)
{
	volatile int r = one / zero;

	(void)r;
}

static void do_pointer(void)
{
	*null_pointer = 1;
}

static void do_kernel(void)
{
	volatile uint64_t v = *(volatile uint64_t *)KERNEL_ADDR;

	(void)v;
}

static void do_privileged(void)
{
	uint64_t cr3;

	__asm__ volatile("cli");
	__asm__ volatile("hlt");
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
}

static void do_io(void)
{
	uint8_t v;

	__asm__ volatile("inb $0x80, %0" : "=a"(v));
}

static void do_ud(void)
{
	__asm__ volatile("ud2");
}

/* Each level keeps a frame live across the call, so the recursion can
 * be neither a loop nor a tail call. */
static unsigned recurse(unsigned level)
{
	volatile char frame[STACK_FRAME];

	frame[0] = (char)level;
	if (level == STACK_LEVELS)
		return 0;
	return recurse(level + 1) + (unsigned)frame[0];
}

static void do_stack(void)
{
	recurse(0);
}

/* The byte written is the byte read: should the write go through, the
 * code is unchanged and the survivor reports it. */
static void do_write_text(void)
{
	volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)do_write_text;

	*p = *p;
}

static void do_write_rodata(void)
{
	volatile char *p = (volatile char *)(uintptr_t)constant;

	*p = *p;
}

static void do_exec_data(void)
{
	((void (*)(void))(uintptr_t)data_code)();
}

static void do_exec_stack(void)
{
	unsigned char stack_code[16] = { X86_RET };

	((void (*)(void))(uintptr_t)stack_code)();
}

static const struct kind {
	const char *name;
	void (*fn)(void);
} kinds[] = {
	{ "divide", do_divide },
	{ "pointer", do_pointer },
	{ "kernel", do_kernel },
	{ "privileged", do_privileged },
	{ "io", do_io },
	{ "ud", do_ud },
	{ "stack", do_stack },
	{ "write-text", do_write_text },
	{ "write-rodata", do_write_rodata },
	{ "exec-data", do_exec_data },
	{ "exec-stack", do_exec_stack },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const fault_keys[] = { "kind", "ready", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], kind[CMDLINE_VAL_MAX];

	if (app_check_keys(argc, argv, fault_keys, err, sizeof(err)) < 0)
		return app_bad_args("fault", err);
	if (!app_arg(argc, argv, "kind", kind, sizeof(kind)))
		kind[0] = '\0';

	for (size_t i = 0; i < NKINDS; i++) {
		if (strcmp(kind, kinds[i].name) != 0)
			continue;
		/* `ready`: first the ready line a started app prints, so that
		 * a restart's time to ready again can be measured. */
		if (app_arg(argc, argv, "ready", NULL, 0))
			app_ready("fault");
		uprintf("fault: about to %s\n", kind);
		kinds[i].fn();
		uprintf("fault: %s survived\n", kind);
		return EXIT_SURVIVED;
	}

	size_t len = (size_t)fmt_snprintf(err, sizeof(err), "kind=%s: unknown (known:", kind);
	for (size_t i = 0; i < NKINDS && len < sizeof(err); i++)
		len += (size_t)fmt_snprintf(err + len, sizeof(err) - len, " %s", kinds[i].name);
	uprintf("fault: %s)\n", err);
	return APP_EXIT_BAD_ARGS;
}
