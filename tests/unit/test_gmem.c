/*
 * test_gmem.c - hv/gmem.c on the host: guest RAM backed on first touch,
 * frames zeroed before any VM gets them (from the idle reserve or on the
 * spot), given back when the VM stops, and a VM that touches more than
 * the host has left ends alone. The "physical" memory is an arena mapped
 * at its own address, so host-physical addresses are pointers, as in mica.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "hv/gmem.h"
#include "hv/vm.h"
#include "lib/frame.h"

#define M (1024ULL * 1024)
#define ARENA_BASE 0x10000000ULL        /* 256 MiB: free in a host process */
#define ARENA_FRAMES 2048ULL            /* 8 MiB */
#define PATTERN 0x5a5a5a5a5a5a5a5aULL

static struct frame_pool pool;
static uint64_t *bitmap;
static struct vm *vm;
static unsigned crashes;

/* hv/vm.c's vm_crash, as gmem_fault calls it: the VM stops. */
void vm_crash(struct vm *v, const char *fmt, ...)
{
	(void)fmt;
	v->state = VM_CRASHED;
	crashes++;
}

static int setup(void **state)
{
	uint64_t nframes = ARENA_BASE / FRAME_SIZE + ARENA_FRAMES;
	void *p = mmap((void *)ARENA_BASE, ARENA_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (void *)ARENA_BASE)
		return -1;
	/* Memory that held someone's data: nothing is zero to begin with. */
	for (uint64_t i = 0; i < ARENA_FRAMES * FRAME_SIZE / 8; i++)
		((uint64_t *)p)[i] = PATTERN;
	bitmap = calloc(frame_bitmap_words(nframes), sizeof(uint64_t));
	frame_pool_init(&pool, bitmap, nframes);
	frame_pool_release(&pool, ARENA_BASE, ARENA_FRAMES * FRAME_SIZE);
	gmem_init(&pool);
	vm = calloc(1, sizeof(*vm));
	vm->mem_bytes = 64 * M;         /* more than the arena */
	vm->state = VM_RUNNING;
	crashes = 0;
	return ept_init(&vm->ept, &pool, false);
}

static int free_leaf(void *ctx, gpa_t gpa, hpa_t hpa, uint64_t size, uint64_t perms)
{
	gmem_release(hpa);
	return 0;
}

/* What vm_destroy does with the VM's RAM and tables. */
static void destroy(void)
{
	ept_foreach_leaf(&vm->ept, free_leaf, NULL);
	ept_destroy(&vm->ept);
	vm->frames_ram = 0;
}

static int teardown(void **state)
{
	if (vm->ept.pml4)
		destroy();
	munmap((void *)ARENA_BASE, ARENA_FRAMES * FRAME_SIZE);
	free(bitmap);
	free(vm);
	return 0;
}

static const uint64_t *page_of(gpa_t gpa)
{
	hpa_t hpa;

	assert_int_equal(ept_translate(&vm->ept, gpa, &hpa, NULL, NULL), 0);
	return hpa_to_hva(hpa & ~(FRAME_SIZE - 1));
}

static void assert_zero(gpa_t gpa)
{
	const uint64_t *w = page_of(gpa);

	for (unsigned i = 0; i < FRAME_SIZE / 8; i++)
		if (w[i] != 0)
			fail_msg("gpa 0x%llx word %u holds 0x%llx", (unsigned long long)gpa, i,
				 (unsigned long long)w[i]);
}

/* Back (n) pages from gpa 0, check each zero, then fill each with PATTERN. */
static void touch(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		gpa_t gpa = (gpa_t)i * FRAME_SIZE;

		assert_int_equal(ept_translate(&vm->ept, gpa, NULL, NULL, NULL), -1);
		assert_int_equal(gmem_fault(vm, gpa + 123), 0);
		assert_zero(gpa);
		uint64_t *w = (uint64_t *)page_of(gpa);
		for (unsigned k = 0; k < FRAME_SIZE / 8; k++)
			w[k] = PATTERN;
	}
}

/* Memory is charged to the VM as it touches it; the host's free count
 * counts what gmem holds too, and all of it is back after the VM. */
static void test_charged_and_returned(void **state)
{
	uint64_t before = gmem_free_frames();

	assert_int_equal(before, ARENA_FRAMES - 1);     /* the EPT root */
	touch(300);
	assert_int_equal(vm->frames_ram, 300);
	assert_int_equal(vm->frames_ram_peak, 300);
	assert_int_equal(gmem_free_frames(), before - 300 - vm->ept.table_frames + 1);
	destroy();
	assert_int_equal(gmem_free_frames(), ARENA_FRAMES);
	assert_int_equal(vm->frames_ram_peak, 300);     /* kept after the stop */
}

/* A next VM gets the frames the last one dirtied, zeroed: on the spot
 * (no idle time between) or by the idle hook. */
static void reuse_is_zero(bool idle)
{
	touch(400);
	destroy();
	assert_int_equal(ept_init(&vm->ept, &pool, false), 0);
	while (idle && gmem_idle())
		;
	assert_int_equal(gmem_free_frames(), ARENA_FRAMES - 1);
	touch(400);     /* checks every page zero before writing it */
}

static void test_reuse_zeroed_on_the_spot(void **state)
{
	reuse_is_zero(false);
}

static void test_reuse_zeroed_at_idle(void **state)
{
	reuse_is_zero(true);
}

/* A guest that touches more than the host has: it stops, with host_oom,
 * and everything it held goes back. */
static void test_out_of_host_memory(void **state)
{
	gpa_t gpa = 0;

	while (gmem_fault(vm, gpa) == 0)
		gpa += FRAME_SIZE;
	assert_true(vm->host_oom);
	assert_int_equal(vm->state, VM_CRASHED);
	assert_int_equal(crashes, 1);
	assert_int_equal(gmem_free_frames(), 0);
	assert_true(gpa > (ARENA_FRAMES - 16) * FRAME_SIZE);   /* all but its tables */
	assert_int_equal(gmem_fault(vm, gpa), -1);
	assert_int_equal(crashes, 1);                   /* once */
	destroy();
	assert_int_equal(gmem_free_frames(), ARENA_FRAMES);
}

/* The low-water mark: the most frames in use at once since the reset. */
static void test_low_water(void **state)
{
	uint64_t before = gmem_free_frames();

	gmem_low_water_reset();
	touch(50);
	destroy();
	assert_int_equal(ept_init(&vm->ept, &pool, false), 0);
	touch(20);
	assert_int_equal(before - gmem_low_water(), 50 + 3);   /* RAM and three tables */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_charged_and_returned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_zeroed_on_the_spot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_zeroed_at_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_host_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_low_water, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
