/*
 * main.c - mica's bring-up: a readable list of init calls.
 *
 * Runs on the boot CPU in 64-bit ring 0 (VMX root once VMXON ran), entered
 * from boot/boot.S with the loader's multiboot magic and information.
 */
#include "hv/selftest.h"
#include "hv/vmx/vmx.h"
#include "lib/boot_info.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/elf.h"
#include "lib/trap.h"

#define MICA_VERSION "0.1"

const char kernel_name[] = "mica";

/* Options mica understands on its own command line (docs/configuration.md). */
static const char *const hv_options[] = { "selftest", NULL };

/* Every module must be a loadable ELF, and there must be at least one.
 * Prints one line per problem; returns the number of problems. */
static int check_modules(const struct boot_info *bi)
{
	int problems = 0;

	if (bi->nmodules == 0) {
		klog("no guest modules: add `module /boot/guest.elf name=NAME` lines to the GRUB entry\n");
		return 1;
	}
	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct elf_image img;
		char err[120];

		if (elf_parse((const void *)(uintptr_t)m->start, m->end - m->start, &img,
			      err, sizeof(err))) {
			klog("module %u ('%s'): %s\n", i, m->cmdline, err);
			problems++;
		}
	}
	return problems;
}

void kmain(uint32_t magic, uint32_t mbi_pa);

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct boot_info *bi;
	int status = EXIT_OK;

	console_init();                 /* COM1: from here on we can speak */
	cpu_init();                     /* our own GDT and TSS (VMX host TR) */
	trap_init();                    /* exceptions print registers and stop */
	kprintf("\nmica %s: an x86-64 micro-hypervisor on Intel VT-x with EPT\n", MICA_VERSION);
	bi = boot_info_init(magic, mbi_pa, hv_options); /* command line, memory, modules */
	boot_info_print(bi);

	if (bi->selftest && hv_selftest(bi))
		status = EXIT_TEST_FAILED;
	if (check_modules(bi))          /* guests mica was asked to run */
		status = status ? status : EXIT_BAD_CONFIG;
	if (vmx_probe() != 0)           /* VT-x and EPT, or a clear refusal */
		machine_exit(EXIT_NO_VTX);
	machine_exit(status);
}
