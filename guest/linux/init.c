/*
 * init.c - process 1 of the initramfs mica builds for a Linux guest
 * (guest ring 3, a static binary with no C library). It says which kernel
 * it runs on ("linux-init: hello from Linux RELEASE"), runs the cpu app of
 * guest/apps/ with its default arguments (the same sources as the
 * unikernel and the container program), prints the app's exit code ("linux-init: exit code N"), writes
 * it to the exit port 0xf4 (QEMU's isa-debug-exit, which mica gives every
 * VM; nothing on a PC without it) and powers the machine off. The argument
 * `poweroff` (kernel command line `-- poweroff`) skips the exit port, to
 * see how the machine takes reboot(2) alone. Process 1 must never exit
 * (Linux panics), so every path ends in reboot(2).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "guest/linux/lsys.h"

/* QEMU's isa-debug-exit and mica's exit port (docs/hypercalls.md). */
#define EXIT_PORT 0xf4

/* The character device Linux's console is: major 5, minor 1. */
#define CONSOLE_DEV ((5u << 8) | 1u)

/* The kernel opens /dev/console as fds 0-2 before it runs init; an
 * initramfs without that node leaves them closed. Make the node and open
 * it then, so the lines are never lost. */
static void console_open(void)
{
	if (lnx_syscall3(LNX_SYS_write, 1, (long)"", 0) == 0)
		return;
	lnx_syscall3(LNX_SYS_mkdir, (long)"/dev", 0755, 0);
	lnx_syscall3(LNX_SYS_mknod, (long)"/dev/console", LNX_S_IFCHR | 0600, CONSOLE_DEV);

	long fd = lnx_syscall3(LNX_SYS_open, (long)"/dev/console", LNX_O_RDWR, 0);

	for (long i = 0; fd >= 0 && i < 3; i++)
		if (fd != i)
			lnx_syscall3(LNX_SYS_dup2, fd, i, 0);
}

static void __attribute__((noreturn)) power_off(void)
{
	for (;;) {
		long err = lnx_syscall6(LNX_SYS_reboot, LNX_REBOOT_MAGIC1, LNX_REBOOT_MAGIC2,
					LNX_REBOOT_CMD_POWER_OFF, 0, 0, 0);

		app_printf("linux-init: reboot(POWER_OFF) returned %ld\n", err);
		lnx_syscall3(LNX_SYS_sched_yield, 0, 0, 0);
	}
}

/* Write (code) to the exit port, which ring 3 may reach once ioperm(2)
 * opened it in the TSS's I/O bitmap (init runs as root). */
static void exit_port(int code)
{
	uint8_t v = (uint8_t)code;

	if (lnx_syscall3(LNX_SYS_ioperm, EXIT_PORT, 1, 1) < 0) {
		app_printf("linux-init: ioperm(0xf4) refused\n");
		return;
	}
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"((uint16_t)EXIT_PORT));
}

static int has_arg(int argc, char **argv, const char *word)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *w = word;

		while (*a && *a == *w)
			a++, w++;
		if (*a == '\0' && *w == '\0')
			return 1;
	}
	return 0;
}

int init_main(long *sp)
{
	int argc = (int)sp[0];
	char **iargv = (char **)(sp + 1);
	struct lnx_utsname u;
	char *argv[] = { "cpu", NULL };

	console_open();
	if (lnx_syscall3(LNX_SYS_uname, (long)&u, 0, 0) < 0)
		u.release[0] = '\0';
	u.release[sizeof(u.release) - 1] = '\0';
	app_printf("linux-init: hello from Linux %s pid=%d tsc=%lu\n", u.release, app_getpid(),
		   app_tsc());

	int code = cpu_main(1, argv);

	app_printf("linux-init: exit code %d, powering off\n", code);
	/* The console's bytes must be out of the UART before the machine
	 * stops: write(2) returns when they are queued in the tty. */
	lnx_syscall3(LNX_SYS_ioctl, 1, LNX_TCSBRK, 1);
	if (!has_arg(argc, iargv, "poweroff"))
		exit_port(code);
	power_off();
}

/* The entry point: Linux starts init with RSP at argc, then argv and
 * envp; hand that to init_main and align the stack as the ABI wants at a
 * call. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call init_main\n"
	"	ud2\n");
