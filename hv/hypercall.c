/*
 * hypercall.c - the hypercall dispatch array and one function per call.
 *
 * Runs in VMX root on a VMCALL exit. Every guest pointer goes through
 * gpa_to_hva() or the copy helpers of hv/vm.c: a bad one is an error for
 * the guest (HC_EFAULT), never a fault in mica.
 */
#include "hv/hypercall.h"
#include "hv/include/hvabi.h"
#include "hv/vm.h"
#include "lib/string.h"

typedef int64_t (*hc_fn)(struct vm *vm, const uint64_t *args);

/* HC_CONSOLE_WRITE(gpa buf, len, flags): append to the VM's console, exactly as
 * if written to its UART. Takes what its own console queue has room for
 * (all of it when the queue is empty: hv/vuart.h); a VM that filled its
 * queue leaves the CPU until the queue drains (unless it asked
 * HC_CONSOLE_NOWAIT: then it is told 0 and does other work), so it never
 * spins and never makes mica or another VM wait. The guest writes the rest again. */
static int64_t hc_console_write(struct vm *vm, const uint64_t *args)
{
	gpa_t buf = args[0];
	uint64_t len = args[1], flags = args[2], done = 0;

	if (len > HC_CONSOLE_MAX || (flags & ~(uint64_t)HC_CONSOLE_NOWAIT))
		return HC_EINVAL;
	while (done < len && !vuart_full(&vm->uart)) {
		/* One piece per host page: the buffer may span several. */
		uint64_t chunk = EPT_PAGE_4K - ((buf + done) & (EPT_PAGE_4K - 1)), took;
		const char *p;

		if (chunk > len - done)
			chunk = len - done;
		p = gpa_to_hva(vm, buf + done, chunk);
		if (!p) {
			if (!done)
				return HC_EFAULT;
			break;
		}
		took = vuart_write(&vm->uart, p, chunk);
		done += took;
		if (took < chunk)
			break;
	}
	if (vuart_full(&vm->uart) && !(flags & HC_CONSOLE_NOWAIT))
		vm_console_wait(vm);
	return (int64_t)done;
}

/* HC_EXIT(code): the VM ends with (code). */
static int64_t hc_exit(struct vm *vm, const uint64_t *args)
{
	vm_exit(vm, (int)(int32_t)args[0]);
	return HC_OK;
}

/* HC_INFO(gpa struct hvabi_info *): who and where the guest is. */
static int64_t hc_info(struct vm *vm, const uint64_t *args)
{
	struct hvabi_info info;

	memset(&info, 0, sizeof(info));
	info.version = HVABI_VERSION;
	info.vm_id = vm->id;
	info.mem_bytes = vm->mem_bytes;
	strlcpy(info.name, vm->name, sizeof(info.name));
	info.restarts = vm->restarts;
	return vm_copy_to_guest(vm, args[0], &info, sizeof(info)) ? HC_EFAULT : HC_OK;
}

/* HC_NULL(): nothing, to measure a round trip. */
static int64_t hc_null(struct vm *vm, const uint64_t *args)
{
	return HC_OK;
}

/* HC_STEAL_CLOCK(gpa u64 *): where to count the time off the CPU. */
static int64_t hc_steal_clock(struct vm *vm, const uint64_t *args)
{
	uint64_t zero = 0;

	if (args[0] & 7)
		return HC_EINVAL;
	if (args[0] && vm_copy_to_guest(vm, args[0], &zero, sizeof(zero)))
		return HC_EFAULT;
	vm->steal_clock = args[0];
	vm->steal_tsc = 0;
	return HC_OK;
}

static const hc_fn hypercalls[] = {
	[HC_CONSOLE_WRITE] = hc_console_write,
	[HC_EXIT] = hc_exit,
	[HC_INFO] = hc_info,
	[HC_NULL] = hc_null,
	[HC_STEAL_CLOCK] = hc_steal_clock,
};

int64_t hc_dispatch(struct vm *vm, uint64_t nr, const uint64_t args[HC_MAX_ARGS])
{
	if (nr >= sizeof(hypercalls) / sizeof(hypercalls[0]) || !hypercalls[nr])
		return HC_ENOSYS;
	return hypercalls[nr](vm, args);
}
