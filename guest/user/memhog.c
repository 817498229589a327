/*
 * memhog.c - takes memory until the kernel refuses (guest ring 3), to
 * show a container's memory limit holding: SYS_MMAP a page at a time, so
 * that N is all the limit left for it (a refused larger call would keep
 * the pages it mapped before the refusal out of the count),
 * checking that every word of the fresh pages reads zero (nothing of
 * another process may show through) and writing each page, so that the
 * memory is really there and not only promised. Its .bss, more than a
 * page of it, must read zero too, before anything else.
 *
 * Output (tests match it), one line:
 *   memhog: got N KiB, then ENOMEM            exit code 0
 *   memhog: got N KiB, then ENAME             another error: exit code 1
 *   memhog: word at 0xADDR reads 0xV, not 0   exit code 1
 */
#include <stdbool.h>

#include "guest/user/ulib.h"

#define PAGE            4096
#define MEMHOG_CHUNK    PAGE

/* .bss: a whole page and part of the next, which the kernel's loader
 * must hand out zeroed like any other page. */
static volatile uint64_t bss[(PAGE + 64) / sizeof(uint64_t)];

/* Does every word of (w, n words) read zero? Prints the first that does not. */
static bool all_zero(volatile uint64_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (w[i] != 0) {
			uprintf("memhog: word at 0x%lx reads 0x%lx, not 0\n",
				(uint64_t)(uintptr_t)&w[i], w[i]);
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	uint64_t got = 0;

	if (!all_zero(bss, sizeof(bss) / sizeof(bss[0])))
		return 1;
	for (;;) {
		long addr = sys_mmap(MEMHOG_CHUNK);

		if (addr < 0) {
			uprintf("memhog: got %lu KiB, then %s\n", got >> 10, sys_strerror(addr));
			return addr == -SYS_ENOMEM ? 0 : 1;
		}

		volatile uint64_t *w = (volatile uint64_t *)addr;

		if (!all_zero(w, MEMHOG_CHUNK / sizeof(*w)))
			return 1;
		for (size_t off = 0; off < MEMHOG_CHUNK; off += PAGE)
			w[off / sizeof(*w)] = off + 1;
		got += MEMHOG_CHUNK;
	}
}
