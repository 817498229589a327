/*
 * test_ept.c - host unit tests for hv/vmx/ept.c: construction of a VM's
 * extended page tables, and a walk that checks every mapping (cmocka,
 * ASan, UBSan). The tables live in a region mapped at a fixed low host
 * address, so that "host-physical" addresses are usable pointers, as they
 * are in mica.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hv/vmx/ept.h"
#include "lib/frame.h"

#define M (1024ULL * 1024)
#define ARENA_BASE 0x10000000ULL        /* 256 MiB: free in a host process */
#define ARENA_SIZE (16 * M)
#define RAM_HPA 0x40000000ULL           /* pretend guest RAM: never touched */

static struct frame_pool pool;
static uint64_t *bitmap;

static int setup(void **state)
{
	uint64_t nframes = (ARENA_BASE + ARENA_SIZE) / FRAME_SIZE;
	void *p = mmap((void *)ARENA_BASE, ARENA_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)ARENA_BASE)
		return -1;
	bitmap = calloc(frame_bitmap_words(nframes), sizeof(uint64_t));
	frame_pool_init(&pool, bitmap, nframes);
	frame_pool_release(&pool, ARENA_BASE, ARENA_SIZE);
	return 0;
}

static int teardown(void **state)
{
	munmap((void *)ARENA_BASE, ARENA_SIZE);
	free(bitmap);
	return 0;
}

struct walk {
	uint64_t leaves, bytes, big;
	gpa_t next;
	int ordered;
};

static int count_leaf(void *ctx, gpa_t gpa, hpa_t hpa, uint64_t size, uint64_t perms)
{
	struct walk *w = ctx;

	w->leaves++;
	w->bytes += size;
	w->big += size == EPT_PAGE_2M;
	if (gpa != w->next || hpa != RAM_HPA + gpa || perms != EPT_RWX)
		w->ordered = 0;
	w->next = gpa + size;
	return 0;
}

static void test_map_mixed_pages(void **state)
{
	struct ept ept;
	uint64_t before = frame_pool_free_count(&pool), len = 6 * M + 12 * 1024;
	struct walk w = { 0, 0, 0, 0, 1 };

	assert_int_equal(ept_init(&ept, &pool, true), 0);
	assert_int_equal(ept_map(&ept, 0, RAM_HPA, len, EPT_RWX), 0);

	/* Every 4 KiB page translates to its host page, with the right leaf size. */
	for (gpa_t gpa = 0; gpa < len; gpa += 4096) {
		hpa_t hpa;
		uint64_t perms, size;

		assert_int_equal(ept_translate(&ept, gpa + 123, &hpa, &perms, &size), 0);
		assert_true(hpa == RAM_HPA + gpa + 123);
		assert_true(perms == EPT_RWX);
		assert_true(size == (gpa < 6 * M ? EPT_PAGE_2M : EPT_PAGE_4K));
	}
	assert_int_equal(ept_translate(&ept, len, NULL, NULL, NULL), -1);
	assert_int_equal(ept_translate(&ept, 1ULL << 40, NULL, NULL, NULL), -1);

	assert_int_equal(ept_foreach_leaf(&ept, count_leaf, &w), 0);
	assert_true(w.ordered);
	assert_int_equal(w.bytes, len);
	assert_int_equal(w.big, 3);
	assert_int_equal(w.leaves, 3 + 3);
	/* PML4, one PDPT, one PD, one PT. */
	assert_int_equal(ept.table_frames, 4);

	/* Leaves are write-back and large where they should be. */
	uint64_t *pml4 = (uint64_t *)(uintptr_t)ept.pml4;
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(pml4[0] & EPT_ADDR_MASK);
	uint64_t *pd = (uint64_t *)(uintptr_t)(pdpt[0] & EPT_ADDR_MASK);
	assert_true(pd[0] & EPT_LARGE_PAGE);
	assert_true((pd[0] & (7ULL << EPT_MEMTYPE_SHIFT)) == EPT_MEMTYPE_WB);
	assert_false(pd[3] & EPT_LARGE_PAGE);

	ept_destroy(&ept);
	assert_int_equal(frame_pool_free_count(&pool), before);
}

static void test_small_pages_only(void **state)
{
	struct ept ept;
	struct walk w = { 0, 0, 0, 0, 1 };

	assert_int_equal(ept_init(&ept, &pool, false), 0);
	assert_int_equal(ept_map(&ept, 0, RAM_HPA, 4 * M, EPT_RWX), 0);
	assert_int_equal(ept_foreach_leaf(&ept, count_leaf, &w), 0);
	assert_int_equal(w.big, 0);
	assert_int_equal(w.leaves, 1024);
	assert_true(w.ordered);
	ept_destroy(&ept);
}

static void test_unaligned_and_overlap_refused(void **state)
{
	struct ept ept;

	assert_int_equal(ept_init(&ept, &pool, true), 0);
	assert_int_equal(ept_map(&ept, 100, RAM_HPA, 4096, EPT_RWX), -1);
	assert_int_equal(ept_map(&ept, 0, RAM_HPA + 8, 4096, EPT_RWX), -1);
	assert_int_equal(ept_map(&ept, 0, RAM_HPA, 4095, EPT_RWX), -1);
	assert_int_equal(ept_map(&ept, 2 * M, RAM_HPA, 2 * M, EPT_RWX), 0);
	/* A 4 KiB page inside the 2 MiB leaf, or the same leaf again. */
	assert_int_equal(ept_map(&ept, 2 * M + 4096, RAM_HPA, 4096, EPT_RWX), -1);
	assert_int_equal(ept_map(&ept, 2 * M, RAM_HPA, 2 * M, EPT_RWX), -1);
	/* Read-only mapping keeps its permissions. */
	assert_int_equal(ept_map(&ept, 8 * M, RAM_HPA, 4096, EPT_READ), 0);
	uint64_t perms;
	assert_int_equal(ept_translate(&ept, 8 * M, NULL, &perms, NULL), 0);
	assert_true(perms == EPT_READ);
	ept_destroy(&ept);
}

/* One 4 KiB page out and in again, as the APIC-access page is; a 2 MiB
 * leaf or an empty slot is not unmapped. */
static void test_unmap_4k(void **state)
{
	struct ept ept;
	const gpa_t apic = 0xfee00000;

	assert_int_equal(ept_init(&ept, &pool, true), 0);
	assert_int_equal(ept_map(&ept, 0, RAM_HPA, 2 * M, EPT_RWX), 0);
	assert_int_equal(ept_unmap_4k(&ept, apic), -1);
	assert_int_equal(ept_map(&ept, apic, RAM_HPA, 4096, EPT_READ | EPT_WRITE), 0);
	assert_int_equal(ept_map(&ept, apic + 4096, RAM_HPA, 4096, EPT_READ), 0);
	assert_int_equal(ept_unmap_4k(&ept, apic), 0);
	assert_int_equal(ept_translate(&ept, apic, NULL, NULL, NULL), -1);
	assert_int_equal(ept_translate(&ept, apic + 4096, NULL, NULL, NULL), 0); /* its neighbour stays */
	assert_int_equal(ept_unmap_4k(&ept, apic), -1);
	assert_int_equal(ept_unmap_4k(&ept, 4096), -1);   /* inside a 2 MiB leaf */
	assert_int_equal(ept_translate(&ept, 4096, NULL, NULL, NULL), 0);
	assert_int_equal(ept_map(&ept, apic, RAM_HPA, 4096, EPT_READ | EPT_WRITE), 0);
	ept_destroy(&ept);
}

static void test_eptp_format(void **state)
{
	struct ept ept;

	assert_int_equal(ept_init(&ept, &pool, true), 0);
	/* SDM "Extended-Page-Table Pointer": bits 2:0 memory type 6 (WB),
	 * bits 5:3 walk length minus one (3), address from bit 12. */
	assert_true((ept_eptp(&ept) & 7) == 6);
	assert_true(((ept_eptp(&ept) >> 3) & 7) == 3);
	assert_true((ept_eptp(&ept) & ~0xfffULL) == ept.pml4);
	ept_destroy(&ept);
}

static void test_out_of_frames(void **state)
{
	struct ept ept;

	/* Leave two frames: root and PDPT fit, the PD does not. */
	uint64_t a = frame_alloc(&pool), b = frame_alloc(&pool);
	uint64_t nframes = frame_pool_free_count(&pool);
	/* Take everything else, so only a and b remain after freeing them. */
	uint64_t *taken = calloc(nframes, sizeof(uint64_t));
	for (uint64_t i = 0; i < nframes; i++)
		taken[i] = frame_alloc(&pool);
	frame_free(&pool, a);
	frame_free(&pool, b);
	assert_int_equal(ept_init(&ept, &pool, true), 0);
	assert_int_equal(ept_map(&ept, 0, RAM_HPA, 4096, EPT_RWX), -1);
	ept_destroy(&ept);
	assert_int_equal(frame_pool_free_count(&pool), 2);
	for (uint64_t i = 0; i < nframes; i++)
		frame_free(&pool, taken[i]);
	free(taken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_mixed_pages),
		cmocka_unit_test(test_small_pages_only),
		cmocka_unit_test(test_unaligned_and_overlap_refused),
		cmocka_unit_test(test_unmap_4k),
		cmocka_unit_test(test_eptp_format),
		cmocka_unit_test(test_out_of_frames),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
