/*
 * init.c - process 1 of the initramfs mica builds for a Linux guest
 * (guest ring 3, a static binary with no C library). It says which kernel
 * it runs on ("linux-init: hello from Linux RELEASE"), runs the cpu app of
 * guest/apps/ with its default arguments (the same sources as the
 * unikernel and the container program), prints the app's exit code ("linux-init: exit code N"), writes
 * it to the exit port 0xf4 (QEMU's isa-debug-exit, which mica gives every
 * VM; nothing on a PC without it), writes "Shutdown" to Bochs's power-off
 * port 0x8900 (nothing elsewhere) and powers the machine off.
 *
 * Test modes, for seeing how a machine takes each way a Linux guest ends:
 * one word after `--` on the kernel's command line (Linux hands those
 * words to init as its arguments; a dotted word such as mica.test=panic
 * never reaches init, Linux takes it for a module's parameter):
 *   poweroff  skip the ports: reboot(POWER_OFF) alone (with acpi=off
 *             Linux halts, interrupts off);
 *   reboot    reboot(RESTART) instead (the kernel's reboot= parameter
 *             picks how: reboot=t makes it a triple fault);
 *   panic     init exits, and Linux panics ("Attempted to kill init!";
 *             panic=N then restarts the machine after N seconds).
 * Otherwise process 1 never exits, so every path ends in reboot(2).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "guest/linux/lsys.h"

/* QEMU's isa-debug-exit and mica's exit port (docs/hypercalls.md). */
#define EXIT_PORT 0xf4

/* Bochs ends when "Shutdown" is written to this port, byte by byte. */
#define BOCHS_SHUTDOWN_PORT 0x8900

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

/* reboot(2) with (cmd) (LNX_REBOOT_CMD_*), which returns only on failure:
 * say so and try again. */
static void __attribute__((noreturn)) reboot_loop(unsigned long cmd, const char *name)
{
	for (;;) {
		long err = lnx_syscall6(LNX_SYS_reboot, LNX_REBOOT_MAGIC1, LNX_REBOOT_MAGIC2,
					(long)cmd, 0, 0, 0);

		app_printf("linux-init: reboot(%s) returned %ld\n", name, err);
		lnx_syscall3(LNX_SYS_sched_yield, 0, 0, 0);
	}
}

/* Open (port) for ring 3 in the TSS's I/O bitmap (init runs as root). */
static int port_open(uint16_t port)
{
	if (lnx_syscall3(LNX_SYS_ioperm, port, 1, 1) == 0)
		return 1;
	app_printf("linux-init: ioperm(0x%x) refused\n", port);
	return 0;
}

/* Write (code) to the exit port, then ask Bochs to power off. */
static void exit_ports(int code)
{
	uint8_t v = (uint8_t)code;

	if (port_open(EXIT_PORT))
		__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"((uint16_t)EXIT_PORT));
	if (port_open(BOCHS_SHUTDOWN_PORT))
		for (const char *p = "Shutdown"; *p; p++)
			__asm__ volatile("outb %0, %1"
					 :
					 : "a"(*p), "Nd"((uint16_t)BOCHS_SHUTDOWN_PORT));
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

	int reboot = has_arg(argc, iargv, "reboot"), panic = has_arg(argc, iargv, "panic");

	app_printf("linux-init: exit code %d, %s\n", code,
		   panic ? "exiting (the kernel panics)" : reboot ? "rebooting" : "powering off");
	/* The console's bytes must be out of the UART before the machine
	 * stops: write(2) returns when they are queued in the tty. */
	lnx_syscall3(LNX_SYS_ioctl, 1, LNX_TCSBRK, 1);
	if (panic)
		app_exit(code);
	if (reboot)
		reboot_loop(LNX_REBOOT_CMD_RESTART, "RESTART");
	if (!has_arg(argc, iargv, "poweroff"))
		exit_ports(code);
	reboot_loop(LNX_REBOOT_CMD_POWER_OFF, "POWER_OFF");
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
