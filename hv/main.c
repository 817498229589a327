/*
 * main.c - mica's bring-up: a readable list of init calls, then the guests.
 *
 * Runs on the boot CPU in 64-bit ring 0 (VMX root once VMXON ran), entered
 * from boot/boot.S with the loader's multiboot magic and information.
 */
#include "hv/selftest.h"
#include "hv/vm.h"
#include "hv/vmx/vmx.h"
#include "lib/boot_info.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/trap.h"
#include "lib/x86.h"

#define MICA_VERSION "0.1"

/* Legacy 8259 PIC data ports: all lines masked, mica polls. */
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

const char kernel_name[] = "mica";

/* Options mica understands on its own command line (docs/configuration.md). */
static const char *const hv_options[] = { "selftest", NULL };

static struct vm vms[BOOT_MAX_MODULES];

/* Vet every module before VT-x is even probed, so that a configuration
 * mistake is reported on any machine. One line per problem; returns how
 * many there are. */
static unsigned check_modules(const struct boot_info *bi)
{
	unsigned problems = 0;

	if (bi->nmodules == 0) {
		klog("no guest modules: add `module /boot/guest.elf name=NAME` lines to the GRUB entry\n");
		return 1;
	}
	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];
		char err[160];

		if (vm_check_image((const void *)(uintptr_t)m->start, m->end - m->start, err,
				   sizeof(err))) {
			klog("module %u ('%s'): %s\n", i, m->cmdline, err);
			problems++;
		}
	}
	return problems;
}

/* Run each module as a VM, one after the other. Returns how many did not
 * end with exit code 0. */
static unsigned run_guests(struct boot_info *bi)
{
	unsigned failed = 0, crashed = 0, ok = 0;

	if (bi->nmodules == 0)
		return 1;
	for (unsigned i = 0; i < bi->nmodules; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct vm *vm = &vms[i];

		if (vm_create(vm, i + 1, &bi->frames, (const void *)(uintptr_t)m->start,
			      m->end - m->start, m->cmdline)) {
			failed++;
			continue;
		}
		vm_run(vm);
		vm_report(vm);
		vm_destroy(vm);
		if (vm->state == VM_CRASHED)
			crashed++;
		else if (vm->exit_code != 0)
			failed++;
		else
			ok++;
	}
	klog("%u VMs: %u exited with 0, %u failed, %u crashed; %lu frames free\n", bi->nmodules,
	     ok, failed, crashed, (unsigned long)frame_pool_free_count(&bi->frames));
	return failed + crashed;
}

void kmain(uint32_t magic, uint32_t mbi_pa);

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	struct boot_info *bi;
	int status = EXIT_OK;

	console_init();                 /* COM1: from here on we can speak */
	cpu_init();                     /* our own GDT and TSS (VMX host TR) */
	trap_init();                    /* exceptions print registers and stop */
	outb(PIC1_DATA, 0xff);          /* no host interrupts: mica polls */
	outb(PIC2_DATA, 0xff);
	kprintf("\nmica %s: an x86-64 micro-hypervisor on Intel VT-x with EPT\n", MICA_VERSION);
	bi = boot_info_init(magic, mbi_pa, hv_options); /* command line, memory, modules */
	boot_info_print(bi);

	if (bi->selftest && hv_selftest(bi))
		status = EXIT_TEST_FAILED;
	if (check_modules(bi))          /* the guests we were given */
		status = EXIT_BAD_CONFIG;
	if (vmx_probe() != 0)           /* VT-x and EPT, or a clear refusal */
		machine_exit(EXIT_NO_VTX);
	if (vmx_on(&bi->frames) != 0)   /* VMX root operation */
		machine_exit(EXIT_NO_VTX);
	if (run_guests(bi) && status == EXIT_OK)
		status = EXIT_TEST_FAILED;
	machine_exit(status);
}
