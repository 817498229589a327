/*
 * test_memmap.c - host unit tests for lib/memmap.c: from a loader's memory
 * map to the frame allocator's plan (cmocka, ASan, UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/memmap.h"

#define M (1024ULL * 1024)
#define G (1024 * M)

static struct memmap map;
static char err[160];

/* A PC-like map: 639 KiB base memory, then RAM from 1 MiB to (top). */
static void pc_map(uint64_t top)
{
	memmap_reset(&map, 4 * G);
	memmap_add_usable(&map, 0, 0x9fc00);
	memmap_add_reserved(&map, 0x9fc00, 0x400);
	memmap_add_reserved(&map, 0xf0000, 0x10000);
	memmap_add_usable(&map, 1 * M, top - 1 * M);
}

static bool overlaps_reserved(uint64_t base, uint64_t end, const struct mem_range *skip)
{
	for (unsigned i = 0; i < map.nreserved; i++)
		if (&map.reserved[i] != skip && base < map.reserved[i].end && end > map.reserved[i].base)
			return true;
	return false;
}

static void test_plan_pc(void **state)
{
	pc_map(128 * M);
	memmap_add_reserved(&map, 1 * M, 200 * 1024);   /* the kernel image */
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), 0);
	assert_int_equal(map.usable_bytes, 127 * M);
	assert_int_equal(map.top, 128 * M);
	/* One bit per frame, whole pages: 32768 frames -> 4 KiB. */
	assert_int_equal(map.bitmap_bytes, 4096);
	assert_true(map.bitmap_pa >= 1 * M + 200 * 1024);
	assert_int_equal(map.bitmap_pa % 4096, 0);
	/* The bitmap is reserved now, and overlaps nothing else reserved. */
	assert_true(overlaps_reserved(map.bitmap_pa, map.bitmap_pa + map.bitmap_bytes,
				      &map.reserved[map.nreserved - 1]) == false);
	assert_int_equal(map.reserved[map.nreserved - 1].base, map.bitmap_pa);
}

static void test_bitmap_skips_every_reserved_range(void **state)
{
	pc_map(64 * M);
	/* Reserved ranges one after another where the one-page bitmap
	 * would go; the first free page is the gap at 1 MiB + 8 KiB. */
	memmap_add_reserved(&map, 1 * M + 3 * 4096, 10);
	memmap_add_reserved(&map, 1 * M + 4096, 4096);
	memmap_add_reserved(&map, 1 * M, 4096);
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), 0);
	assert_int_equal(map.bitmap_pa, 1 * M + 2 * 4096);

	/* 1 GiB needs an 8-page bitmap: the 1-page gap is too small. */
	pc_map(1 * G);
	memmap_add_reserved(&map, 1 * M + 3 * 4096, 10);
	memmap_add_reserved(&map, 1 * M, 2 * 4096);
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), 0);
	assert_int_equal(map.bitmap_bytes, 8 * 4096);
	assert_int_equal(map.bitmap_pa, 1 * M + 4 * 4096);
}

static void test_no_ram_above_1m(void **state)
{
	memmap_reset(&map, 4 * G);
	memmap_add_usable(&map, 0, 0x9fc00);
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), -1);
	assert_string_equal(err, "memory map has no usable RAM above 1 MiB");

	memmap_reset(&map, 4 * G);                       /* nothing at all */
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no usable RAM"));
}

static void test_ram_above_limit_ignored(void **state)
{
	pc_map(3 * G);
	memmap_add_usable(&map, 4 * G, 2 * G);
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), 0);
	assert_int_equal(map.ignored_bytes, 2 * G);
	assert_int_equal(map.top, 3 * G);
}

static void test_no_room_for_bitmap(void **state)
{
	memmap_reset(&map, 4 * G);
	memmap_add_usable(&map, 1 * M, 64 * M);
	memmap_add_reserved(&map, 1 * M, 64 * M);       /* every byte is taken */
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no room for the frame bitmap"));
}

static void test_fill_never_hands_out_reserved(void **state)
{
	struct frame_pool pool;
	uint64_t *bitmap, pa, kernel = 2 * M, kernel_end = 2 * M + 300 * 1024;
	uint64_t module = 5 * M + 123, module_end = 5 * M + 70000;

	pc_map(32 * M);
	/* Firmware maps can overlap: a reserved range inside usable RAM. */
	memmap_add_reserved(&map, 16 * M, 1 * M);
	memmap_add_reserved(&map, kernel, kernel_end - kernel);
	memmap_add_reserved(&map, module, module_end - module);
	assert_int_equal(memmap_plan(&map, err, sizeof(err)), 0);
	bitmap = calloc(1, map.bitmap_bytes);
	assert_non_null(bitmap);
	memmap_fill(&map, &pool, bitmap);
	while ((pa = frame_alloc(&pool)) != 0) {
		assert_true(pa >= 1 * M);
		assert_false(pa >= 16 * M && pa < 17 * M);
		assert_false(pa + 4096 > kernel && pa < kernel_end);
		assert_false(pa + 4096 > module && pa < module_end);
		assert_false(pa + 4096 > map.bitmap_pa && pa < map.bitmap_pa + map.bitmap_bytes);
	}
	free(bitmap);
}

static void test_table_full(void **state)
{
	memmap_reset(&map, 4 * G);
	for (int i = 0; i < MEMMAP_MAX_RANGES; i++)
		assert_int_equal(memmap_add_usable(&map, (uint64_t)i * 2 * M + 1 * M, M), 0);
	assert_int_equal(memmap_add_usable(&map, 1 * G, M), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_pc),
		cmocka_unit_test(test_bitmap_skips_every_reserved_range),
		cmocka_unit_test(test_no_ram_above_1m),
		cmocka_unit_test(test_ram_above_limit_ignored),
		cmocka_unit_test(test_no_room_for_bitmap),
		cmocka_unit_test(test_fill_never_hands_out_reserved),
		cmocka_unit_test(test_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
