/*
 * linux_vm.h - a VM whose module is a Linux kernel (a bzImage): loading
 * it with the Linux boot protocol (hv/linux_boot.c) into the VM's RAM,
 * its initrd, and what mica measures of its boot. Backend-neutral.
 */
#ifndef HV_LINUX_VM_H
#define HV_LINUX_VM_H

#include <stdbool.h>
#include <stddef.h>

struct vm;
struct linux_boot_regs;

/*
 * Load (vm)'s image, a bzImage, into its RAM as boot.rst says: the
 * protected-mode kernel at its preferred address, boot_params with an
 * e820 map of the VM's RAM, the command line (the words of (module_line)
 * that are not mica's keys), and as initrd the
 * first of the VM's modules (`for=NAME`), if any. Fills (*regs) with the
 * boot entry's state. Returns 0, or -1 with one line in (err) (n bytes).
 * Caller: vm_create(), after the RAM is there.
 */
int linux_vm_load(struct vm *vm, const char *module_line, struct linux_boot_regs *regs,
		  char *err, size_t n);

/* Whether (line) of a Linux VM's console marks it ready: the kernel's
 * "Run /init as init process" (init starts now). If so, sets
 * vm->tsc_ready and prints how long that took from vm_create() and how
 * much of its RAM the guest has written by then. Caller:
 * vm_console_line(), until the VM is ready. */
bool linux_vm_ready_line(struct vm *vm, const char *line, size_t len);

#endif /* HV_LINUX_VM_H */
