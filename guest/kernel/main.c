/*
 * main.c - the guest kernel's bring-up: a readable list of init calls.
 *
 * Runs in 64-bit ring 0, entered from boot/boot.S exactly as mica's
 * hypervisor is: bare on a PC or emulator, or as a VM under mica, which
 * enters it the way GRUB does.
 */
#include "guest/kernel/selftest.h"
#include "lib/boot_info.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/trap.h"

const char kernel_name[] = "guest";

/* Options the guest kernel understands (docs/configuration.md). */
static const char *const guest_options[] = { "selftest", "name", NULL };

void kmain(uint32_t magic, uint32_t mbi_pa);

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct boot_info *bi;
	int status = EXIT_OK;

	console_init();                 /* COM1 */
	cpu_init();                     /* GDT and TSS */
	trap_init();                    /* exceptions print registers and stop */
	kprintf("\nmica guest kernel\n");
	bi = boot_info_init(magic, mbi_pa, guest_options); /* command line, memory */
	boot_info_print(bi);

	if (bi->selftest && guest_selftest(bi))
		status = EXIT_TEST_FAILED;
	machine_exit(status);
}
