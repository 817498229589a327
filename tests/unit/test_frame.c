/*
 * test_frame.c - host unit tests for lib/frame.c (cmocka, ASan, UBSan).
 * The central property: after boot code releases the memory map and then
 * reserves what is taken, no reserved byte is ever handed out, whatever
 * the order and overlap of the ranges. A per-frame model checks that.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/frame.h"

#define K 1024ULL
#define M (1024ULL * 1024)

static struct frame_pool pool;
static uint64_t *bitmap;

/* A pool of (nframes) frames, all used; the bitmap is an exact-size heap
 * buffer so ASan sees any access past it. */
static void make_pool(uint64_t nframes)
{
	free(bitmap);
	size_t words = frame_bitmap_words(nframes);
	bitmap = malloc(words ? words * sizeof(uint64_t) : 1);
	assert_non_null(bitmap);
	frame_pool_init(&pool, bitmap, nframes);
}

static int teardown(void **state)
{
	free(bitmap);
	bitmap = NULL;
	return 0;
}

/* Free frames counted one by one, to check the pool's own nfree. */
static uint64_t count_free(void)
{
	uint64_t n = 0;

	for (uint64_t f = 0; f < pool.nframes; f++)
		n += !frame_is_used(&pool, f * FRAME_SIZE);
	return n;
}

static void test_bitmap_words(void **state)
{
	assert_int_equal(frame_bitmap_words(0), 0);
	assert_int_equal(frame_bitmap_words(1), 1);
	assert_int_equal(frame_bitmap_words(64), 1);
	assert_int_equal(frame_bitmap_words(65), 2);
	assert_int_equal(frame_bitmap_words(1ULL << 20), 1ULL << 14);
	assert_true(frame_bitmap_words(UINT64_MAX) == (UINT64_MAX >> 6) + 1);
}

static void test_init_all_used(void **state)
{
	make_pool(100);
	assert_int_equal(frame_pool_free_count(&pool), 0);
	assert_int_equal(count_free(), 0);
	assert_int_equal(frame_alloc(&pool), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, FRAME_SIZE), 0);
	assert_true(frame_is_used(&pool, 99 * FRAME_SIZE));
	assert_true(frame_is_used(&pool, 100 * FRAME_SIZE));    /* beyond the pool */
	assert_true(frame_is_used(&pool, UINT64_MAX));

	make_pool(0);                                   /* an empty pool works too */
	frame_pool_release(&pool, 0, 1 * M);
	assert_int_equal(frame_alloc(&pool), 0);
	assert_int_equal(frame_free(&pool, FRAME_SIZE), -1);
}

static void test_release_rounds_inward(void **state)
{
	make_pool(16);
	/* [0x1800, 0x4800): frames 2 and 3 lie wholly inside; 1 and 4 do not */
	frame_pool_release(&pool, 0x1800, 0x3000);
	assert_int_equal(frame_pool_free_count(&pool), 2);
	assert_true(frame_is_used(&pool, 0x1000));
	assert_false(frame_is_used(&pool, 0x2000));
	assert_false(frame_is_used(&pool, 0x3FFF));
	assert_true(frame_is_used(&pool, 0x4000));

	/* less than a frame: nothing */
	frame_pool_release(&pool, 0x8001, FRAME_SIZE);
	frame_pool_release(&pool, 0x9000, FRAME_SIZE - 1);
	frame_pool_release(&pool, 0xA000, 0);
	assert_int_equal(frame_pool_free_count(&pool), 2);

	/* releasing twice counts once */
	frame_pool_release(&pool, 0x2000, 0x2000);
	assert_int_equal(frame_pool_free_count(&pool), 2);
	assert_int_equal(count_free(), 2);
}

static void test_release_edges(void **state)
{
	make_pool(16);
	/* frame 0 is never released: 0 means "no frame" */
	frame_pool_release(&pool, 0, 2 * FRAME_SIZE);
	assert_true(frame_is_used(&pool, 0));
	assert_int_equal(frame_pool_free_count(&pool), 1);

	/* the part beyond the pool is ignored, and huge ranges do not wrap */
	frame_pool_release(&pool, 14 * FRAME_SIZE, 100 * FRAME_SIZE);
	assert_int_equal(frame_pool_free_count(&pool), 3);
	frame_pool_release(&pool, 0, UINT64_MAX);
	assert_int_equal(frame_pool_free_count(&pool), 15);
	frame_pool_release(&pool, UINT64_MAX - 10, UINT64_MAX);
	assert_int_equal(frame_pool_free_count(&pool), 15);
	assert_int_equal(count_free(), 15);
}

static void test_reserve_rounds_outward(void **state)
{
	make_pool(16);
	frame_pool_release(&pool, 0, 16 * FRAME_SIZE);
	assert_int_equal(frame_pool_free_count(&pool), 15);

	/* one byte at 0x2FFF to one byte at 0x4000: frames 2, 3 and 4 */
	frame_pool_reserve(&pool, 0x2FFF, 0x1002);
	assert_true(frame_is_used(&pool, 0x2000));
	assert_true(frame_is_used(&pool, 0x3000));
	assert_true(frame_is_used(&pool, 0x4000));
	assert_false(frame_is_used(&pool, 0x5000));
	assert_false(frame_is_used(&pool, 0x1000));
	assert_int_equal(frame_pool_free_count(&pool), 12);

	/* a single byte reserves its frame; zero bytes reserve nothing */
	frame_pool_reserve(&pool, 0x7123, 1);
	assert_true(frame_is_used(&pool, 0x7000));
	frame_pool_reserve(&pool, 0x8000, 0);
	assert_false(frame_is_used(&pool, 0x8000));
	assert_int_equal(frame_pool_free_count(&pool), 11);

	/* reserving twice, beyond the pool, or to 2^64 is harmless */
	frame_pool_reserve(&pool, 0x2000, 0x1000);
	frame_pool_reserve(&pool, 100 * FRAME_SIZE, FRAME_SIZE);
	frame_pool_reserve(&pool, 15 * FRAME_SIZE, UINT64_MAX);
	assert_true(frame_is_used(&pool, 15 * FRAME_SIZE));
	assert_int_equal(frame_pool_free_count(&pool), 10);
	assert_int_equal(count_free(), 10);
}

/* A 64 MiB machine as a BIOS describes it, booted like mica boots. */
struct range { uint64_t pa, len; };

static const struct range available[] = {
	{ 0, 0x9FC00 },                         /* conventional memory */
	{ 1 * M, 63 * M },                      /* extended memory */
	{ 0x9F000, 0x1000 },                    /* overlaps the first one */
	{ 40 * M + 0x800, 8 * M },              /* unaligned, overlapping */
};
static const struct range taken[] = {
	{ 0, 1 * M },                           /* low 1 MiB: BIOS, IVT, VGA */
	{ 1 * M, 300 * K + 123 },               /* kernel image, odd size */
	{ 4 * M + 17, 1 * M },                  /* a module at an odd address */
	{ 4 * M + 0x800, 2 * M },               /* a second module overlapping it */
	{ 63 * M + 1, 10 * M },                 /* runs past the end of RAM */
};

#define NAVAIL (sizeof(available) / sizeof(available[0]))
#define NTAKEN (sizeof(taken) / sizeof(taken[0]))

/* The model: frame f is free iff some available range holds it wholly,
 * no taken range touches it, and it is not frame 0. */
static bool model_free(uint64_t f)
{
	uint64_t lo = f * FRAME_SIZE, hi = lo + FRAME_SIZE;
	bool avail = false;

	for (size_t i = 0; i < NAVAIL; i++)
		avail |= available[i].pa <= lo && hi <= available[i].pa + available[i].len;
	for (size_t i = 0; i < NTAKEN; i++) {
		if (taken[i].len > 0 && lo < taken[i].pa + taken[i].len && taken[i].pa < hi)
			return false;
	}
	return avail && f != 0;
}

/* The pool must match the model frame by frame; returns the free count. */
static uint64_t check_against_model(void)
{
	uint64_t n = 0;

	for (uint64_t f = 0; f < pool.nframes; f++) {
		if (model_free(f) == frame_is_used(&pool, f * FRAME_SIZE))
			fail_msg("frame %#llx: pool and model disagree", (unsigned long long)f);
		n += model_free(f);
	}
	assert_int_equal(frame_pool_free_count(&pool), n);
	return n;
}

/* Apply the ranges in an order given by two permutations. */
static void boot(const size_t *avail_order, const size_t *taken_order)
{
	make_pool(64 * M / FRAME_SIZE);
	for (size_t i = 0; i < NAVAIL; i++)
		frame_pool_release(&pool, available[avail_order[i]].pa, available[avail_order[i]].len);
	for (size_t i = 0; i < NTAKEN; i++)
		frame_pool_reserve(&pool, taken[taken_order[i]].pa, taken[taken_order[i]].len);
}

static void test_boot_any_order(void **state)
{
	size_t a[NAVAIL], t[NTAKEN];
	uint32_t seed = 7;

	for (int round = 0; round < 40; round++) {
		for (size_t i = 0; i < NAVAIL; i++)
			a[i] = i;
		for (size_t i = 0; i < NTAKEN; i++)
			t[i] = i;
		/* round 0 is the natural order, the others are shuffles */
		for (size_t i = NAVAIL - 1; round > 0 && i > 0; i--) {
			seed = seed * 1664525 + 1013904223;
			size_t j = (seed >> 8) % (i + 1), x = a[i];
			a[i] = a[j];
			a[j] = x;
		}
		for (size_t i = NTAKEN - 1; round > 0 && i > 0; i--) {
			seed = seed * 1664525 + 1013904223;
			size_t j = (seed >> 8) % (i + 1), x = t[i];
			t[i] = t[j];
			t[j] = x;
		}
		boot(a, t);
		check_against_model();
	}
}

/* Allocate everything: every frame is free in the model, none repeats,
 * and an exhausted pool returns 0 until something is freed. */
static void test_boot_exhaust(void **state)
{
	static const size_t a[NAVAIL] = { 0, 1, 2, 3 }, t[NTAKEN] = { 0, 1, 2, 3, 4 };

	boot(a, t);
	uint64_t expected = check_against_model();
	uint64_t n = 0, pa, last = 0;
	uint8_t *seen = calloc(pool.nframes, 1);

	assert_non_null(seen);
	assert_true(expected > 10000);
	while ((pa = frame_alloc(&pool)) != 0) {
		uint64_t f = pa / FRAME_SIZE;

		assert_int_equal(pa % FRAME_SIZE, 0);
		assert_true(f < pool.nframes);
		if (!model_free(f))
			fail_msg("reserved frame %#llx handed out", (unsigned long long)f);
		assert_int_equal(seen[f], 0);
		seen[f] = 1;
		last = pa;
		n++;
		assert_int_equal(frame_pool_free_count(&pool), expected - n);
	}
	assert_int_equal(n, expected);
	assert_int_equal(frame_pool_free_count(&pool), 0);
	assert_int_equal(frame_alloc(&pool), 0);
	assert_int_equal(frame_alloc(&pool), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, FRAME_SIZE), 0);

	/* one frame back, and it is the one handed out again */
	assert_int_equal(frame_free(&pool, last), 0);
	assert_int_equal(frame_alloc(&pool), last);
	assert_int_equal(frame_alloc(&pool), 0);
	free(seen);
}

static void test_double_free_and_bad_free(void **state)
{
	make_pool(64);
	frame_pool_release(&pool, 0, 64 * FRAME_SIZE);

	uint64_t pa = frame_alloc(&pool);
	uint64_t before = frame_pool_free_count(&pool);

	assert_true(pa != 0);
	assert_int_equal(frame_free(&pool, pa), 0);
	assert_int_equal(frame_pool_free_count(&pool), before + 1);
	assert_int_equal(frame_free(&pool, pa), -1);            /* double free */
	assert_int_equal(frame_pool_free_count(&pool), before + 1);

	pa = frame_alloc(&pool);
	assert_int_equal(frame_free(&pool, pa + 8), -1);        /* unaligned */
	assert_int_equal(frame_free(&pool, 64 * FRAME_SIZE), -1);       /* out of range */
	assert_int_equal(frame_free(&pool, UINT64_MAX & ~(FRAME_SIZE - 1)), -1);
	assert_int_equal(frame_free(&pool, 0), -1);             /* frame 0 */
	assert_true(frame_is_used(&pool, pa));
	assert_int_equal(frame_pool_free_count(&pool), before);
	assert_int_equal(count_free(), before);
}

/* Frames just freed are taken again before fresh ones further on (in a
 * VM under mica, a frame never touched costs an exit to back it): a
 * process's pages, freed at its exit, serve the next one. */
static void test_freed_frames_reused_first(void **state)
{
	make_pool(1024);
	frame_pool_release(&pool, 0, 1024 * FRAME_SIZE);

	uint64_t a[8], again[8];

	for (int i = 0; i < 8; i++)
		a[i] = frame_alloc(&pool);
	for (int i = 0; i < 200; i++)           /* the kernel's own, kept */
		assert_true(frame_alloc(&pool) != 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(frame_free(&pool, a[i]), 0);
	for (int i = 0; i < 8; i++)
		again[i] = frame_alloc(&pool);
	for (int i = 0; i < 8; i++) {
		int found = 0;

		for (int j = 0; j < 8; j++)
			found |= again[i] == a[j];
		assert_true(found);
	}
	/* A contiguous free likewise (a kernel stack). */
	uint64_t run = frame_alloc_contig(&pool, 4, FRAME_SIZE);

	for (int i = 0; i < 100; i++)
		assert_true(frame_alloc(&pool) != 0);
	assert_int_equal(frame_free_contig(&pool, run, 4), 0);
	assert_int_equal(frame_alloc(&pool), run);
}

static void test_free_contig_all_or_nothing(void **state)
{
	make_pool(64);
	frame_pool_release(&pool, 0, 64 * FRAME_SIZE);

	uint64_t pa = frame_alloc_contig(&pool, 8, FRAME_SIZE);
	uint64_t before = frame_pool_free_count(&pool);

	assert_true(pa != 0);
	assert_int_equal(frame_free(&pool, pa + 3 * FRAME_SIZE), 0);    /* a hole */
	/* one of the eight is already free: nothing changes */
	assert_int_equal(frame_free_contig(&pool, pa, 8), -1);
	assert_int_equal(frame_pool_free_count(&pool), before + 1);
	assert_true(frame_is_used(&pool, pa));
	assert_true(frame_is_used(&pool, pa + 7 * FRAME_SIZE));

	assert_int_equal(frame_free_contig(&pool, pa, 3), 0);
	assert_int_equal(frame_free_contig(&pool, pa + 4 * FRAME_SIZE, 4), 0);
	assert_int_equal(frame_pool_free_count(&pool), before + 8);

	assert_int_equal(frame_free_contig(&pool, pa, 0), -1);
	assert_int_equal(frame_free_contig(&pool, 60 * FRAME_SIZE, 5), -1);    /* past the end */
	assert_int_equal(frame_free_contig(&pool, FRAME_SIZE, UINT64_MAX), -1);
	assert_int_equal(count_free(), frame_pool_free_count(&pool));
}

static void test_contig_alignment(void **state)
{
	make_pool(16 * M / FRAME_SIZE);
	frame_pool_release(&pool, 0, 16 * M);
	frame_pool_reserve(&pool, 0, 1 * M);

	uint64_t free0 = frame_pool_free_count(&pool);
	uint64_t a = frame_alloc_contig(&pool, 512, 2 * M);     /* one large page */
	uint64_t b = frame_alloc_contig(&pool, 3, 64 * K);
	uint64_t c = frame_alloc_contig(&pool, 1, 2 * M);

	assert_int_equal(a % (2 * M), 0);
	assert_true(a >= 1 * M);
	assert_int_equal(b % (64 * K), 0);
	assert_int_equal(c % (2 * M), 0);
	assert_true(a != 0 && b != 0 && c != 0);
	assert_true(c != a);
	for (uint64_t pa = a; pa < a + 2 * M; pa += FRAME_SIZE)
		assert_true(frame_is_used(&pool, pa));
	/* b's run does not overlap a's */
	assert_true(b + 3 * FRAME_SIZE <= a || b >= a + 2 * M);
	assert_int_equal(frame_pool_free_count(&pool), free0 - 512 - 3 - 1);
	assert_int_equal(count_free(), frame_pool_free_count(&pool));
}

static void test_contig_bad_args_and_no_run(void **state)
{
	make_pool(64);
	frame_pool_release(&pool, 0, 64 * FRAME_SIZE);

	assert_int_equal(frame_alloc_contig(&pool, 0, FRAME_SIZE), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, 0), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, 2048), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, 3 * FRAME_SIZE), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, FRAME_SIZE + 1), 0);
	assert_int_equal(frame_alloc_contig(&pool, 64, FRAME_SIZE), 0);  /* only 63 are free */
	assert_int_equal(frame_alloc_contig(&pool, UINT64_MAX, FRAME_SIZE), 0);
	assert_int_equal(frame_alloc_contig(&pool, 1, 1ULL << 63), 0);   /* only 0 is aligned */
	assert_int_equal(frame_pool_free_count(&pool), 63);

	/* every other frame used: plenty free, but no run of two */
	for (uint64_t f = 2; f < 64; f += 2)
		frame_pool_reserve(&pool, f * FRAME_SIZE, FRAME_SIZE);
	assert_int_equal(frame_pool_free_count(&pool), 32);
	assert_int_equal(frame_alloc_contig(&pool, 2, FRAME_SIZE), 0);
	assert_int_equal(frame_pool_free_count(&pool), 32);

	/* a run of four exists only at frames 40..43 (39 and 44 used), and
	 * it is found */
	frame_pool_reserve(&pool, 39 * FRAME_SIZE, FRAME_SIZE);
	frame_pool_release(&pool, 40 * FRAME_SIZE, 4 * FRAME_SIZE);
	assert_int_equal(frame_alloc_contig(&pool, 4, FRAME_SIZE), 40 * FRAME_SIZE);
	/* it would also satisfy 8-frame alignment; 41..44 would not */
	frame_free_contig(&pool, 40 * FRAME_SIZE, 4);
	assert_int_equal(frame_alloc_contig(&pool, 4, 8 * FRAME_SIZE), 40 * FRAME_SIZE);
	frame_free_contig(&pool, 40 * FRAME_SIZE, 4);
	assert_int_equal(frame_alloc_contig(&pool, 4, 16 * FRAME_SIZE), 0);
	assert_int_equal(count_free(), frame_pool_free_count(&pool));
}

/* Random allocations and frees against a shadow copy of who owns what. */
static void test_random_alloc_free(void **state)
{
	enum { N = 300 };
	uint8_t owned[N] = { 0 };
	uint32_t seed = 99;

	make_pool(N);
	frame_pool_release(&pool, 0, N * FRAME_SIZE);
	frame_pool_reserve(&pool, 0, 10 * FRAME_SIZE);
	frame_pool_share(&pool);        /* as mica's: every call takes the lock */
	for (int step = 0; step < 20000; step++) {
		assert_int_equal(pool.lock, 0); /* and gave it back, failures too */
		seed = seed * 1664525 + 1013904223;
		uint64_t f = (seed >> 8) % N;

		switch ((seed >> 24) % 3) {
		case 0: {
			uint64_t pa = frame_alloc(&pool);
			if (pa == 0) {
				assert_int_equal(frame_pool_free_count(&pool), 0);
				break;
			}
			assert_true(pa >= 10 * FRAME_SIZE);
			assert_int_equal(owned[pa / FRAME_SIZE], 0);
			owned[pa / FRAME_SIZE] = 1;
			break;
		}
		case 1:
			/* freeing must succeed exactly for frames we own; the
			 * reserved ones look owned to the pool, so skip them */
			if (f < 10)
				break;
			assert_int_equal(frame_free(&pool, f * FRAME_SIZE), owned[f] ? 0 : -1);
			owned[f] = 0;
			break;
		default: {
			uint64_t pa = frame_alloc_contig(&pool, 1 + f % 5, FRAME_SIZE << (f % 3));
			for (uint64_t i = 0; pa != 0 && i < 1 + f % 5; i++) {
				assert_true(pa >= 10 * FRAME_SIZE);
				assert_int_equal(owned[pa / FRAME_SIZE + i], 0);
				owned[pa / FRAME_SIZE + i] = 1;
			}
			break;
		}
		}
		if (step % 97 == 0)
			assert_int_equal(count_free(), frame_pool_free_count(&pool));
	}
	assert_int_equal(count_free(), frame_pool_free_count(&pool));
}

/* Ranges released and reserved across word boundaries, then contiguous
 * runs: the pool matches a per-frame model, and a run is always the
 * lowest aligned free one (the word-at-a-time paths change no answer). */
static void test_ranges_and_lowest_run(void **state)
{
	enum { N = 1000 };
	uint8_t used[N];
	uint32_t seed = 7;

	make_pool(N);
	for (int i = 0; i < N; i++)
		used[i] = 1;
	for (int step = 0; step < 3000; step++) {
		seed = seed * 1664525 + 1013904223;
		uint64_t a = (seed >> 4) % N, len = (seed >> 14) % 300;
		uint64_t end = a + len > N ? N : a + len;

		if ((seed >> 28) % 3 == 0) {
			frame_pool_reserve(&pool, a * FRAME_SIZE, len * FRAME_SIZE);
			for (uint64_t f = a; f < end; f++)
				used[f] = 1;
		} else if ((seed >> 28) % 3 == 1) {
			frame_pool_release(&pool, a * FRAME_SIZE, len * FRAME_SIZE);
			for (uint64_t f = a ? a : 1; f < end; f++)
				used[f] = 0;
		} else {
			uint64_t count = 1 + a % 70, step_f = 1ULL << (len % 4), want = 0;

			for (uint64_t s = step_f; s + count <= N && want == 0; s += step_f) {
				uint64_t k = 0;

				while (k < count && !used[s + k])
					k++;
				if (k == count)
					want = s;
			}
			assert_int_equal(frame_alloc_contig(&pool, count, step_f * FRAME_SIZE),
					 want * FRAME_SIZE);
			for (uint64_t k = 0; want && k < count; k++)
				used[want + k] = 1;
		}
		for (uint64_t f = 0; f < N; f++)
			assert_int_equal(frame_is_used(&pool, f * FRAME_SIZE), used[f]);
		assert_int_equal(count_free(), frame_pool_free_count(&pool));
	}
}

#define T(name) cmocka_unit_test_teardown(name, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bitmap_words),
		T(test_init_all_used),
		T(test_release_rounds_inward),
		T(test_release_edges),
		T(test_reserve_rounds_outward),
		T(test_boot_any_order),
		T(test_boot_exhaust),
		T(test_double_free_and_bad_free),
		T(test_freed_frames_reused_first),
		T(test_free_contig_all_or_nothing),
		T(test_contig_alignment),
		T(test_contig_bad_args_and_no_run),
		T(test_random_alloc_free),
		T(test_ranges_and_lowest_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
