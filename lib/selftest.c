/*
 * selftest.c - the boot-time self-tests both kernels share (lib/selftest.h).
 *
 * Runs in ring 0 after the console, traps and frame allocator are up. The
 * trap tests borrow a vector's handler and give it back.
 */
#include "lib/boot_info.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/fmt.h"
#include "lib/frame.h"
#include "lib/ktap.h"
#include "lib/selftest.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define UD2_LENGTH 2

static struct boot_info *bi;
static struct frame_pool *pool;

void selftest_set_boot_info(struct boot_info *info)
{
	bi = info;
	pool = &info->frames;
}

unsigned selftest_run(const struct selftest *tests, unsigned n)
{
	ktap_begin(n);
	for (unsigned i = 0; i < n; i++)
		ktap_result(tests[i].run(), "%s", tests[i].name);
	return ktap_end();
}

bool selftest_fmt(void)
{
	char buf[64];

	fmt_snprintf(buf, sizeof(buf), "%d|%5u|%-4s|%08lx|%c", -42, 7u, "ab", 0xbeefUL, 'z');
	return strcmp(buf, "-42|    7|ab  |0000beef|z") == 0;
}

static volatile unsigned trap_hits;
static volatile uint64_t trap_cr2, trap_resume;

static bool on_breakpoint(struct trap_frame *tf)
{
	trap_hits++;
	return true;            /* #BP is a trap: RIP is already past INT3 */
}

bool selftest_breakpoint(void)
{
	trap_handler_fn old = trap_set_handler(VEC_BP, on_breakpoint);

	trap_hits = 0;
	__asm__ volatile("int3");
	trap_set_handler(VEC_BP, old);
	return trap_hits == 1;
}

static bool on_invalid_opcode(struct trap_frame *tf)
{
	trap_hits++;
	tf->rip += UD2_LENGTH;  /* #UD is a fault: skip the instruction */
	return true;
}

bool selftest_invalid_opcode(void)
{
	trap_handler_fn old = trap_set_handler(VEC_UD, on_invalid_opcode);

	trap_hits = 0;
	__asm__ volatile("ud2");
	trap_set_handler(VEC_UD, old);
	return trap_hits == 1;
}

static bool on_page_fault(struct trap_frame *tf)
{
	trap_hits++;
	trap_cr2 = read_cr2();
	tf->rip = trap_resume;
	return true;
}

bool selftest_page_fault(void)
{
	/* 512 GiB: far above the identity map, and canonical. */
	volatile uint64_t *unmapped = (volatile uint64_t *)0x8000000000ULL;
	trap_handler_fn old = trap_set_handler(VEC_PF, on_page_fault);

	trap_hits = 0;
	__asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
			 "movq %%rax, %0\n\t"
			 "movq (%1), %%rax\n"
			 "1:"
			 : "=m"(trap_resume) : "r"(unmapped) : "rax", "memory");
	trap_set_handler(VEC_PF, old);
	return trap_hits == 1 && trap_cr2 == (uint64_t)unmapped;
}

bool selftest_identity_map(void)
{
	/* A frame from the allocator is read and written at its physical
	 * address: proof that virtual equals physical there. */
	uint64_t pa = frame_alloc(pool);
	volatile uint64_t *p = (volatile uint64_t *)pa;
	bool ok;

	if (!pa)
		return false;
	p[0] = 0x5a5a5a5aa5a5a5a5ULL;
	p[511] = pa;
	ok = p[0] == 0x5a5a5a5aa5a5a5a5ULL && p[511] == pa;
	return frame_free(pool, pa) == 0 && ok;
}

bool selftest_frames(void)
{
	enum { N = 64 };
	uint64_t got[N], before = frame_pool_free_count(pool);
	bool ok = true;

	for (int i = 0; i < N; i++) {
		got[i] = frame_alloc(pool);
		if (got[i] < 0x100000 || (got[i] & (FRAME_SIZE - 1)))
			ok = false;
		for (int j = 0; j < i; j++)
			if (got[j] == got[i])
				ok = false;
	}
	if (frame_pool_free_count(pool) != before - N)
		ok = false;
	for (int i = 0; i < N; i++)
		if (frame_free(pool, got[i]))
			ok = false;
	/* A second free of the same frame must be refused. */
	if (frame_free(pool, got[0]) == 0)
		ok = false;
	return ok && frame_pool_free_count(pool) == before;
}

bool selftest_cpu_tables(void)
{
	struct desc_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	return gdtr.base == cpu_gdt_base() && read_tr() == GDT_TSS &&
	       read_cs() == GDT_KCODE && idtr.limit == 256 * 16 - 1;
}

/* True if every frame of [start, end) is marked used. */
static bool all_used(uint64_t start, uint64_t end)
{
	for (uint64_t pa = start & ~(FRAME_SIZE - 1); pa < end; pa += FRAME_SIZE)
		if (!frame_is_used(pool, pa))
			return false;
	return true;
}

bool selftest_low_memory_reserved(void)
{
	return all_used(0, MEMMAP_LOW_LIMIT);
}

bool selftest_image_reserved(void)
{
	return all_used(bi->image_start, bi->image_end);
}

bool selftest_modules_reserved(void)
{
	for (unsigned i = 0; i < bi->nmodules; i++)
		if (!all_used(bi->modules[i].start, bi->modules[i].end))
			return false;
	return true;
}

bool selftest_multiboot_info_reserved(void)
{
	uint64_t mbi = (uint64_t)(uintptr_t)bi->mb.mbi;

	return all_used(mbi, mbi + sizeof(*bi->mb.mbi));
}

bool selftest_bitmap_reserved(void)
{
	return all_used(bi->map.bitmap_pa, bi->map.bitmap_pa + bi->map.bitmap_bytes);
}
