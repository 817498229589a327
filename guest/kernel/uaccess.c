/*
 * uaccess.c - copies between the kernel and a process's memory (see
 * uaccess.h). Runs in ring 0, inside system calls.
 */
#include "guest/include/sysabi.h"
#include "guest/kernel/mmu.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/uaccess.h"
#include "guest/kernel/vm.h"
#include "lib/string.h"

int uaccess_range_ok(uint64_t va, uint64_t len)
{
	return va >= USER_BASE && va < USER_END && len <= USER_END - va;
}

/*
 * The kernel's pointer to user address (va) of (p), with room for at most
 * (*chunk) bytes up to the end of its page. NULL if the page is not
 * mapped for ring 3 (or not writable when (write)). A stack page not yet
 * touched is mapped now, as a fault there would.
 */
static uint8_t *user_page(struct proc *p, uint64_t va, int write, uint64_t *chunk)
{
	uint64_t pa, rights, want = PTE_P | PTE_U | (write ? PTE_W : 0);

	if (vm_translate(p->pml4, va, &pa, &rights, NULL) != 0) {
		if (proc_grow_stack(p, va) != 0 ||
		    vm_translate(p->pml4, va, &pa, &rights, NULL) != 0)
			return NULL;
	}
	if ((rights & want) != want)
		return NULL;
	*chunk = PAGE_4K - (va & (PAGE_4K - 1));
	return (uint8_t *)(uintptr_t)pa;
}

/* Walk [va, va + len) page by page, copying to or from (buf). */
static int copy(struct proc *p, uint64_t va, uint8_t *buf, uint64_t len, int out)
{
	if (!uaccess_range_ok(va, len))
		return -SYS_EFAULT;
	while (len) {
		uint64_t n;
		uint8_t *k = user_page(p, va, out, &n);

		if (k == NULL)
			return -SYS_EFAULT;
		if (n > len)
			n = len;
		if (out)
			memcpy(k, buf, n);
		else
			memcpy(buf, k, n);
		va += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int uaccess_copy_in(struct proc *p, void *dst, uint64_t src, uint64_t len)
{
	return copy(p, src, dst, len, 0);
}

int uaccess_copy_out(struct proc *p, uint64_t dst, const void *src, uint64_t len)
{
	return copy(p, dst, (uint8_t *)src, len, 1);
}

long uaccess_string(struct proc *p, char *dst, uint64_t src, size_t n)
{
	size_t len = 0;

	while (len < n) {
		uint64_t chunk;
		const uint8_t *k;

		if (!uaccess_range_ok(src + len, 1))
			return -SYS_EFAULT;
		k = user_page(p, src + len, 0, &chunk);
		if (k == NULL)
			return -SYS_EFAULT;
		if (chunk > n - len)
			chunk = n - len;
		for (uint64_t i = 0; i < chunk; i++) {
			dst[len] = (char)k[i];
			if (k[i] == '\0')
				return (long)len;
			len++;
		}
	}
	dst[n - 1] = '\0';
	return -SYS_ENAMETOOLONG;
}
