/*
 * test_uaccess.c - host unit tests for guest/kernel/uaccess.c, the
 * container host's only path to a process's memory (cmocka, ASan, UBSan).
 *
 * Two checks stand between a system call and a kernel address: the range
 * check (uaccess_range_ok: [USER_BASE, USER_END) and no wrap) and the page
 * check (user_page: present, user, and writable to write, at every level
 * of the process's own tables). In the kernel each hides the loss of the
 * other, so here each is tested with the other out of the way: the range
 * check against tables that wrongly map kernel addresses for ring 3, the
 * page check called directly, and through the copies at user addresses
 * the range check passes. The tables are built by the real vm_map() and
 * walked by the real vm_translate() (guest/kernel/vm.c) in an arena at a
 * fixed low host address, so that "physical" addresses are pointers, as
 * they are in the guest kernel's identity map.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>

/* The file under test, whole: its static page check is tested directly. */
#include "guest/kernel/uaccess.c"

#include "guest/kernel/vm.h"
#include "lib/frame.h"

#define ARENA_BASE      0x10000000ULL   /* 256 MiB: free in a host process */
#define ARENA_SIZE      (4ULL << 20)
#define KERNEL_VA       0x100000ULL     /* the guest kernel's image */
#define BELOW_USER      (USER_BASE - PAGE_4K)
#define USER_RW         (USER_HEAP)             /* user, writable */
#define USER_RO         (USER_TEXT)             /* user, read-only */
#define USER_SUPER      (USER_HEAP + 0x10000)   /* in the user range, supervisor-only */
#define USER_NONE       (USER_HEAP + 0x20000)   /* in the user range, not mapped */

/* What guest/kernel/vm.c and uaccess.c need of the rest of the kernel. */
char __image_start[PAGE_4K], __text_end[1], __rodata_end[1], __image_end[1];
void klog(const char *fmt, ...) { }
int kprintf(const char *fmt, ...) { return 0; }
void panic(const char *fmt, ...) { abort(); }
static unsigned grow_calls;
int proc_grow_stack(struct proc *p, uint64_t va)
{
	grow_calls++;
	return -1;      /* nothing grows here: an unmapped page stays unmapped */
}

static struct frame_pool pool;
static uint64_t *bitmap;
static struct proc proc;

/* A page of the arena, filled with (byte), mapped at (va) with (flags). */
static uint8_t *map(uint64_t va, uint64_t flags, uint8_t byte)
{
	uint64_t pa = frame_alloc(&pool);

	assert_int_not_equal(pa, 0);
	memset((void *)(uintptr_t)pa, byte, PAGE_4K);
	assert_int_equal(vm_map(proc.pml4, va, pa, PAGE_4K, flags, &pool), 0);
	return (uint8_t *)(uintptr_t)pa;
}

static uint8_t *kernel_page, *below_page, *rw_page, *ro_page, *super_page;

static int setup(void **state)
{
	uint64_t nframes = (ARENA_BASE + ARENA_SIZE) / FRAME_SIZE;
	void *a = mmap((void *)ARENA_BASE, ARENA_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (a != (void *)ARENA_BASE)
		return -1;
	bitmap = calloc(frame_bitmap_words(nframes), sizeof(uint64_t));
	frame_pool_init(&pool, bitmap, nframes);
	frame_pool_release(&pool, ARENA_BASE, ARENA_SIZE);
	proc.pml4 = vm_create(&pool);
	if (proc.pml4 == NULL)
		return -1;
	/* Kernel addresses wrongly mapped for ring 3: only the range check
	 * stands between a system call and them. */
	kernel_page = map(KERNEL_VA, PTE_U | PTE_W, 'k');
	below_page = map(BELOW_USER, PTE_U | PTE_W, 'b');
	rw_page = map(USER_RW, PTE_U | PTE_W, 'w');
	ro_page = map(USER_RO, PTE_U, 'r');
	/* In the user range, but the leaf is the kernel's: only the page
	 * check stands. */
	super_page = map(USER_SUPER, PTE_W, 's');
	return 0;
}

static int teardown(void **state)
{
	munmap((void *)ARENA_BASE, ARENA_SIZE);
	free(bitmap);
	return 0;
}

/* ---- The range check alone ---- */

static void range_ok_bounds(void **state)
{
	static const struct { uint64_t va, len; int ok; } cases[] = {
		{ USER_BASE, 0, 1 },
		{ USER_BASE, 1, 1 },
		{ USER_BASE, USER_END - USER_BASE, 1 },
		{ USER_END - 1, 1, 1 },
		{ USER_END - 1, 2, 0 },
		{ USER_END, 0, 0 },
		{ USER_END, 1, 0 },
		{ USER_BASE - 1, 1, 0 },
		{ USER_BASE - 1, 2, 0 },
		{ 0, 1, 0 },
		{ KERNEL_VA, 16, 0 },
		{ 0xffffffffULL, 1, 0 },
		{ 0x8000000000000000ULL, 16, 0 },
		{ 0xffff800000000000ULL, 16, 0 },
		{ 0xfffffffffffff000ULL, 0x2000, 0 },
		{ USER_HEAP, 1ULL << 62, 0 },
		{ USER_HEAP, 0 - USER_HEAP, 0 },        /* to address 0: wraps */
		{ USER_HEAP, UINT64_MAX, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (uaccess_range_ok(cases[i].va, cases[i].len) != cases[i].ok)
			fail_msg("uaccess_range_ok(0x%lx, 0x%lx) != %d", (unsigned long)cases[i].va,
				 (unsigned long)cases[i].len, cases[i].ok);
	}
}

/* The tables grant ring 3 these kernel pages, so the page check would let
 * them through (shown first); every copy must still refuse them, and
 * leave them as they were. */
static void range_check_refuses_what_the_tables_grant(void **state)
{
	static const uint64_t bad[] = { KERNEL_VA, BELOW_USER };
	char buf[32] = "untouched";
	uint64_t chunk;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t va = bad[i];

		assert_non_null(user_page(&proc, va, 1, &chunk));
		assert_int_equal(uaccess_copy_in(&proc, buf, va, 16), -SYS_EFAULT);
		assert_int_equal(uaccess_copy_out(&proc, va, "overwritten", 12), -SYS_EFAULT);
		assert_int_equal(uaccess_string(&proc, buf, va, sizeof(buf)), -SYS_EFAULT);
	}
	assert_string_equal(buf, "untouched");
	assert_int_equal(kernel_page[0], 'k');
	assert_int_equal(below_page[0], 'b');
	/* A string that runs from the last page below the user range into
	 * it, or a copy that starts there and ends in it. */
	assert_int_equal(uaccess_copy_in(&proc, buf, USER_BASE - 8, 16), -SYS_EFAULT);
}

/* ---- The page check alone ---- */

/* Called directly, with no range check before it: kernel addresses the
 * process's tables keep supervisor-only, as the real kernel's entry 0 is. */
static void page_check_refuses_supervisor_pages(void **state)
{
	uint64_t saved = proc.pml4[0], chunk;

	proc.pml4[0] &= ~(uint64_t)PTE_U;       /* entry 0: the kernel's, supervisor-only */
	assert_null(user_page(&proc, KERNEL_VA, 0, &chunk));
	assert_null(user_page(&proc, KERNEL_VA, 1, &chunk));
	proc.pml4[0] = saved;
	assert_null(user_page(&proc, USER_SUPER, 0, &chunk));
	assert_null(user_page(&proc, USER_SUPER, 1, &chunk));
	/* The same pages, once user: the check is the U bit, not the address. */
	assert_non_null(user_page(&proc, USER_RW, 0, &chunk));
	assert_int_equal(chunk, PAGE_4K);
	assert_non_null(user_page(&proc, USER_RW + 100, 1, &chunk));
	assert_int_equal(chunk, PAGE_4K - 100);
}

static void page_check_refuses_writes_to_read_only(void **state)
{
	uint64_t chunk;

	assert_non_null(user_page(&proc, USER_RO, 0, &chunk));
	assert_null(user_page(&proc, USER_RO, 1, &chunk));
}

static void page_check_refuses_unmapped(void **state)
{
	uint64_t chunk;
	unsigned before = grow_calls;

	assert_null(user_page(&proc, USER_NONE, 0, &chunk));
	assert_null(user_page(&proc, USER_END - PAGE_4K, 0, &chunk));
	assert_int_equal(grow_calls, before + 2);       /* the stack was asked first */
}

/* Through the copies, at addresses the range check passes: the page
 * check alone refuses, and nothing is written where it must not be. */
static void copies_refused_by_the_page_check(void **state)
{
	char buf[32] = "untouched";

	assert_int_equal(uaccess_range_ok(USER_SUPER, 16), 1);
	assert_int_equal(uaccess_copy_in(&proc, buf, USER_SUPER, 16), -SYS_EFAULT);
	assert_int_equal(uaccess_copy_out(&proc, USER_SUPER, "x", 1), -SYS_EFAULT);
	assert_int_equal(uaccess_string(&proc, buf, USER_SUPER, sizeof(buf)), -SYS_EFAULT);
	assert_int_equal(super_page[0], 's');
	assert_int_equal(uaccess_copy_out(&proc, USER_RO, "x", 1), -SYS_EFAULT);
	assert_int_equal(ro_page[0], 'r');
	assert_int_equal(uaccess_copy_in(&proc, buf, USER_NONE, 1), -SYS_EFAULT);
	assert_string_equal(buf, "untouched");
	/* Half on a good page, half off it (the first half may be copied). */
	assert_int_equal(uaccess_copy_in(&proc, buf, USER_RW + PAGE_4K - 8, 16), -SYS_EFAULT);
}

/* And both checks pass what is the process's own. */
static void own_memory_copies(void **state)
{
	char buf[32];

	assert_int_equal(uaccess_copy_out(&proc, USER_RW + 8, "hello", 6), 0);
	assert_memory_equal(rw_page + 8, "hello", 6);
	assert_int_equal(uaccess_copy_in(&proc, buf, USER_RW + 8, 6), 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(uaccess_string(&proc, buf, USER_RW + 8, sizeof(buf)), 5);
	assert_int_equal(uaccess_copy_in(&proc, buf, USER_RO, 4), 0);
	assert_memory_equal(buf, "rrrr", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(range_ok_bounds),
		cmocka_unit_test(range_check_refuses_what_the_tables_grant),
		cmocka_unit_test(page_check_refuses_supervisor_pages),
		cmocka_unit_test(page_check_refuses_writes_to_read_only),
		cmocka_unit_test(page_check_refuses_unmapped),
		cmocka_unit_test(copies_refused_by_the_page_check),
		cmocka_unit_test(own_memory_copies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
