/*
 * linux_vm.c - a Linux kernel as a VM: the boot protocol's plan
 * (hv/linux_boot.c) carried out in the VM's RAM through mica's checked
 * guest-memory helpers, the initrd taken from the VM's `for=` modules,
 * and the boot's figures: TSC from vm_create() to the kernel starting
 * init, and the guest RAM touched by then.
 *
 * Runs in VMX root on the boot CPU, while a VM is built and on its
 * console lines. Linux's Documentation/arch/x86/boot.rst.
 */
#include "hv/guest_cmdline.h"
#include "hv/linux_boot.h"
#include "hv/linux_vm.h"
#include "hv/spinlock.h"
#include "hv/vm.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/x86.h"

#define PAGE 4096ULL
/* The longest kernel command line mica builds; a kernel's own limit
 * (cmdline_size, 2048 for x86-64 Linux) is checked by the plan. */
#define LINUX_CMDLINE_MAX 4096

static int write_guest(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	return vm_copy_to_guest(ctx, gpa, src, len);
}

static int load(struct vm *vm, const char *module_line, struct linux_boot_regs *regs, char *err,
		  size_t n)
{
	/* Static: the plan is large for mica's stack; one build at a time
	 * (build_lock), as linux_boot_load()'s own tables are static too. */
	static struct linux_boot_plan p;
	static char line[LINUX_CMDLINE_MAX];
	const struct linux_boot_mem mem = { vm, write_guest };
	const struct vm_module *initrd = vm->nmods ? &vm->mods[0] : NULL;

	/* The module's words without mica's keys, as a boot loader gives
	 * them (hv/guest_cmdline.c). */
	if (guest_cmdline(module_line, line, sizeof(line)) >= sizeof(line)) {
		fmt_snprintf(err, n, "its command line is longer than %d bytes", LINUX_CMDLINE_MAX - 1);
		return -1;
	}
	if (linux_boot_plan(vm->image, vm->image_len, line, initrd ? initrd->len : 0,
			    vm->mem_bytes, &p, err, n) ||
	    linux_boot_load(vm->image, line, initrd ? initrd->data : NULL, &p, &mem, err, n))
		return -1;
	*regs = p.regs;
	vm->linux_guest = true;
	vm->image_start = p.kernel_gpa;
	vm->image_end = p.initrd_len ? p.initrd_gpa + p.initrd_len : p.kernel_end;
	klog("vm %s: Linux boot protocol %u.%02u, %s entry at 0x%lx; kernel at 0x%lx-0x%lx, "
	     "initrd %lu KiB at 0x%lx%s; kernel command line '%s'\n", vm->name, p.hdr.version >> 8, p.hdr.version & 0xff,
	     p.regs.long_mode ? "64-bit" : "32-bit", (unsigned long)p.regs.rip,
	     (unsigned long)p.kernel_gpa, (unsigned long)p.kernel_end,
	     (unsigned long)((p.initrd_len + 1023) >> 10), (unsigned long)p.initrd_gpa,
	     vm->nmods > 1 ? " (its other modules are not passed on: Linux takes one initrd)" : "",
	     line);
	return 0;
}

/* Serialises Linux builds: the plan, the command line and
 * linux_boot_load()'s page tables are static buffers, and VMs restart on
 * several CPUs at once. */
static struct spinlock build_lock;

int linux_vm_load(struct vm *vm, const char *module_line, struct linux_boot_regs *regs, char *err,
		  size_t n)
{
	int r;

	spin_lock(&build_lock);
	r = load(vm, module_line, regs, err, n);
	spin_unlock(&build_lock);
	return r;
}

/* The kernel's line "[    1.234567] Run /init as init process"
 * (init/main.c), the timestamp optional. */
static bool runs_init(const char *line, size_t len)
{
	static const char run[] = "Run ", init[] = " as init process";
	size_t at = 0;

	if (len && line[0] == '[') {
		while (at < len && line[at] != ']')
			at++;
		at += 2;        /* "] " */
	}
	return len >= at + sizeof(run) - 1 + sizeof(init) - 1 &&
	       memcmp(line + at, run, sizeof(run) - 1) == 0 &&
	       memcmp(line + len - (sizeof(init) - 1), init, sizeof(init) - 1) == 0;
}

bool linux_vm_ready_line(struct vm *vm, const char *line, size_t len)
{
	if (!runs_init(line, len))
		return false;
	/* Guest RAM is backed as it is touched (hv/gmem.c): what it holds
	 * now is what Linux touched on its way to init. */
	vm->tsc_ready = rdtsc();
	klog("vm %s: Linux starts init %lu TSC after VM create; guest RAM touched: %lu KiB of %lu KiB\n",
	     vm->name, (unsigned long)(vm->tsc_ready - vm->tsc_created),
	     (unsigned long)(vm->frames_ram * (PAGE >> 10)), (unsigned long)(vm->mem_bytes >> 10));
	return true;
}
