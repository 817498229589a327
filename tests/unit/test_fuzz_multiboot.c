/*
 * test_fuzz_multiboot.c - fuzzing lib/multiboot.c and lib/memmap.c on the
 * host (cmocka, ASan, UBSan): boot information with random flags, memory
 * maps with absurd entries (length 0 or UINT64_MAX, ranges past 2^64,
 * overlaps, thousands of entries, entry sizes 0 or huge), module lists
 * with start > end or outside memory, command-line pointers anywhere,
 * absurd mem_lower/mem_upper; then the frame allocator's plan built from
 * that map the way memmap_init does. (Multiboot headers in images:
 * test_fuzz_mbheader.c.)
 *
 * Physical memory is a 64 KiB buffer with unreadable pages. The reader
 * reaches it through an mb_ptr_fn that refuses any range not wholly
 * readable, and that in half of the cases returns an exact-size heap copy
 * of the range asked for, so ASan reports a read past what the reader
 * asked for, not only past the buffer; in some cases it also refuses
 * ranges that cross a page, as mica's guest memory does.
 *
 * Every answer is compared with a reference written from multiboot.h and
 * memmap.h; addresses are summed in 128 bits there.
 * lib/boot_info.c is not linked: it needs a kernel (klog, machine_exit,
 * the linker's image symbols, identity-mapped pointers); its sequence of
 * calls is what test_boot_sequence repeats. MICA_FUZZ_CASES sets the
 * number of cases (see fuzz.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/frame.h"
#include "lib/memmap.h"
#include "lib/multiboot.h"
#include "lib/string.h"
#include "tests/unit/fuzz.h"

#define MEM_SIZE        0x10000ULL
#define PAGE            4096ULL
#define PAGES           (MEM_SIZE / PAGE)
#define MIB             0x100000ULL
#define GIB             (1024 * MIB)
#define MBI_SIZE        sizeof(struct multiboot_info)
#define FILL_TOP_MAX    (64 * MIB)      /* fill and check frame pools up to this top */

typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------
 * Fake physical memory and the reader's way into it. */

struct world {
	uint8_t *mem;                   /* MEM_SIZE bytes, exactly */
	bool readable[PAGES];
	bool copies;                    /* hand out exact-size copies */
	bool page_limited;              /* refuse ranges across a page boundary */
	uint64_t calls;
};

static struct world w;

static bool readable(uint64_t pa, uint64_t len)
{
	if (pa > MEM_SIZE || len > MEM_SIZE - pa)
		return false;
	if (len == 0)
		return true;
	if (w.page_limited && pa / PAGE != (pa + len - 1) / PAGE)
		return false;
	for (uint64_t p = pa / PAGE; p <= (pa + len - 1) / PAGE; p++)
		if (!w.readable[p])
			return false;
	return true;
}

static const void *fake_ptr(void *ctx, uint64_t pa, uint64_t len)
{
	FUZZ_CHECK(ctx == &w);
	FUZZ_CHECK(++w.calls < 100000);         /* no endless asking */
	if (!readable(pa, len))
		return NULL;
	return w.copies ? fuzz_copy(w.mem + pa, len, 0) : w.mem + pa;
}

static void new_world(void)
{
	w.mem = fuzz_copy(NULL, MEM_SIZE, 0);
	if (fuzz_one_in(2))
		memset(w.mem, 0, MEM_SIZE);
	for (unsigned p = 0; p < PAGES; p++)
		w.readable[p] = !fuzz_one_in(6);
	w.copies = fuzz_one_in(2);
	w.page_limited = fuzz_one_in(4);
	w.calls = 0;
}

/* Write (n) bytes at (pa), as much of them as fits in memory. */
static void poke(uint64_t pa, const void *src, size_t n)
{
	if (pa < MEM_SIZE)
		memcpy(w.mem + pa, src, n < MEM_SIZE - pa ? n : MEM_SIZE - pa);
}

static void poke32(uint64_t pa, uint32_t v)
{
	poke(pa, &v, 4);
}

static uint32_t peek32(uint64_t pa)
{
	uint32_t v;

	memcpy(&v, w.mem + pa, 4);
	return v;
}

static uint64_t peek64(uint64_t pa)
{
	uint64_t v;

	memcpy(&v, w.mem + pa, 8);
	return v;
}

/* A physical address for (len) bytes: mostly inside memory, sometimes
 * straddling its end, outside it or at the top of 32 bits. */
static uint32_t pick_pa(uint64_t len)
{
	switch (fuzz_below(10)) {
	case 0: return (uint32_t)(MEM_SIZE - fuzz_below(len + 8));
	case 1: return (uint32_t)fuzz_edge(MEM_SIZE);
	case 2: return (uint32_t)(fuzz_below(PAGES) * PAGE + PAGE - fuzz_below(len + 1));
	default: return (uint32_t)fuzz_below(MEM_SIZE - (len < MEM_SIZE ? len : 0));
	}
}

/* A string of random non-NUL bytes at a random place: short, or around
 * MB_STRING_MAX, sometimes without its NUL. Returns where. */
static uint32_t put_string(void)
{
	uint64_t len = fuzz_one_in(4) ? MB_STRING_MAX - 2 + fuzz_below(4) : fuzz_below(80);
	uint32_t pa = pick_pa(len + 1);

	for (uint64_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)(1 + fuzz_below(255));

		poke(pa + i, &c, 1);
	}
	if (!fuzz_one_in(8))
		poke(pa + len, "", 1);
	return pa;
}

/* ---------------------------------------------------------------------
 * Random boot information. */

/* A memory range: a PC-like one below 64 MiB, or an absurd one. */
static void pick_range(uint64_t *base, uint64_t *len)
{
	switch (fuzz_below(8)) {
	case 0:                                 /* past 2^64 */
		*base = UINT64_MAX - fuzz_below(2 * PAGE);
		*len = fuzz_edge(UINT64_MAX - *base);
		break;
	case 1:
		*base = fuzz_edge(4 * GIB);
		*len = fuzz_edge(*base);
		break;
	case 2:
		*base = fuzz_below(64) * MIB;
		*len = fuzz_one_in(2) ? 0 : UINT64_MAX - fuzz_below(2);
		break;
	default:                                /* PC-like, page-aligned or not */
		*base = fuzz_below(64 * MIB) & (fuzz_one_in(4) ? ~0ULL : ~(PAGE - 1));
		*len = fuzz_below(32 * MIB) & (fuzz_one_in(4) ? ~0ULL : ~(PAGE - 1));
		break;
	}
}

static uint32_t pick_type(void)
{
	static const uint32_t types[] = { MULTIBOOT_MEMORY_AVAILABLE, MULTIBOOT_MEMORY_AVAILABLE,
					  MULTIBOOT_MEMORY_AVAILABLE, MULTIBOOT_MEMORY_RESERVED,
					  MULTIBOOT_MEMORY_ACPI_RECLAIMABLE, MULTIBOOT_MEMORY_NVS,
					  MULTIBOOT_MEMORY_BADRAM, 0 };

	return fuzz_one_in(16) ? (uint32_t)fuzz_rand() : types[fuzz_below(8)];
}

/* A memory map at a random place: a few entries or thousands, entry
 * sizes mostly 20, sometimes 0, 19, 24 or absurd. Sets mmap_length to
 * its size, or to a value near it or anything. */
static void put_mmap(struct multiboot_info *mbi)
{
	uint64_t entries = fuzz_one_in(8) ? fuzz_below(MEM_SIZE / 24) : fuzz_below(12);
	uint32_t addr = pick_pa(entries * 24);
	uint64_t room = addr < MEM_SIZE ? MEM_SIZE - addr : 0, off = 0;

	for (uint64_t i = 0; i < entries && off + 24 <= room; i++) {
		static const uint32_t odd[] = { 0, 1, 16, 19, 21, 24, 28, 1000, UINT32_MAX };
		uint32_t size = fuzz_one_in(12) ? odd[fuzz_below(9)] : 20;
		uint64_t base, len;
		uint32_t type = pick_type();

		pick_range(&base, &len);
		poke32(addr + off, size);
		poke(addr + off + 4, &base, 8);
		poke(addr + off + 12, &len, 8);
		poke32(addr + off + 20, type);
		if (size > room - off - 4)
			break;
		off += 4 + size;
	}
	mbi->mmap_addr = addr;
	mbi->mmap_length = (uint32_t)(fuzz_one_in(6) ? fuzz_edge(off) : off);
}

/* A module list at a random place with start > end sometimes, modules
 * outside memory, command lines anywhere; mods_count near what is there
 * or absurd. */
static void put_modules(struct multiboot_info *mbi)
{
	uint64_t n = fuzz_below(10);
	uint32_t addr = pick_pa(n * 16);

	for (uint64_t i = 0; i < n; i++) {
		struct multiboot_module m = {
			.mod_start = (uint32_t)(fuzz_one_in(3) ? fuzz_edge(MEM_SIZE) : fuzz_below(64 * MIB)),
			.cmdline = fuzz_one_in(6) ? (uint32_t)fuzz_edge(MEM_SIZE) : put_string(),
		};

		m.mod_end = fuzz_one_in(4) ? (uint32_t)fuzz_edge(m.mod_start)
					   : m.mod_start + (uint32_t)fuzz_below(4 * MIB);
		poke(addr + i * 16, &m, sizeof(m));
	}
	mbi->mods_addr = addr;
	mbi->mods_count = (uint32_t)(fuzz_one_in(4) ? fuzz_edge(n) : n);
}

/* Boot information at a random place; returns its address. */
static uint32_t put_mbi(void)
{
	struct multiboot_info mbi;
	uint32_t pa = fuzz_one_in(4) ? pick_pa(MBI_SIZE) : (uint32_t)fuzz_below(MEM_SIZE - MBI_SIZE);

	fuzz_bytes(&mbi, sizeof(mbi));
	if (fuzz_one_in(4)) {
		mbi.flags = (uint32_t)fuzz_rand();
	} else {
		static const uint32_t bits[] = { MULTIBOOT_INFO_MEMORY, MULTIBOOT_INFO_CMDLINE,
						 MULTIBOOT_INFO_MODS, MULTIBOOT_INFO_MEM_MAP,
						 MULTIBOOT_INFO_BOOT_LOADER_NAME };
		mbi.flags = 0;
		for (unsigned i = 0; i < 5; i++)
			if (!fuzz_one_in(4))
				mbi.flags |= bits[i];
	}
	mbi.mem_lower = (uint32_t)(fuzz_one_in(3) ? fuzz_edge(640) : 639);
	mbi.mem_upper = (uint32_t)(fuzz_one_in(3) ? fuzz_edge(UINT32_MAX) : fuzz_below(4 * 1024 * 1024));
	mbi.cmdline = fuzz_one_in(6) ? (uint32_t)fuzz_edge(MEM_SIZE) : put_string();
	mbi.boot_loader_name = fuzz_one_in(6) ? (uint32_t)fuzz_edge(MEM_SIZE) : put_string();
	put_mmap(&mbi);
	put_modules(&mbi);
	/* written last: the other writes may have landed on top of it */
	poke(pa, &mbi, sizeof(mbi));
	return pa;
}

/* ---------------------------------------------------------------------
 * The reference reader. */

static const char *ref_string(uint32_t pa)
{
	for (uint64_t n = 0; n < MB_STRING_MAX; n++) {
		if (!readable((uint64_t)pa + n, 1))
			return "";
		if (w.mem[pa + n] == '\0')
			return readable(pa, n + 1) ? (const char *)w.mem + pa : "";
	}
	return "";
}

struct range_list {
	uint64_t base[MEM_SIZE / 24 + 2], len[MEM_SIZE / 24 + 2];
	uint32_t type[MEM_SIZE / 24 + 2];
	int n, stop_at;                         /* stop_at: 1-based, 0 never */
};

static int record(void *ctx, uint64_t base, uint64_t len, uint32_t type)
{
	struct range_list *l = ctx;

	FUZZ_CHECK(l->n < (int)(MEM_SIZE / 24 + 2));
	l->base[l->n] = base;
	l->len[l->n] = len;
	l->type[l->n] = type;
	return ++l->n == l->stop_at;
}

/* mb_mmap_foreach as multiboot.h tells it, into (l). */
static int ref_mmap(const struct multiboot_info *mbi, struct range_list *l, bool call)
{
	l->n = 0;
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		uint64_t addr = mbi->mmap_addr, length = mbi->mmap_length, off = 0;
		int count = 0;

		if (!readable(addr, length))
			return -1;
		/* the whole map is checked first */
		while (off < length) {
			if (length - off < 24)
				return -1;
			uint32_t size = peek32(addr + off);
			uint64_t base = peek64(addr + off + 4), len = peek64(addr + off + 12);

			if (size < 20 || (u128)off + 4 + size > length)
				return -1;
			if ((u128)base + len > (u128)1 << 64)
				return -1;
			off += 4 + (uint64_t)size;
			count += len > 0;
		}
		if (count == 0)
			return -1;
		for (off = 0, count = 0; off < length; off += 4 + (uint64_t)peek32(addr + off)) {
			uint64_t len = peek64(addr + off + 12);

			if (len == 0)
				continue;
			count++;
			if (call && record(l, peek64(addr + off + 4), len, peek32(addr + off + 20)))
				break;
		}
		return count;
	}
	if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		int count = 0;

		if (mbi->mem_lower > 0) {
			count++;
			if (call && record(l, 0, (uint64_t)mbi->mem_lower * 1024, MULTIBOOT_MEMORY_AVAILABLE))
				return count;
		}
		if (mbi->mem_upper > 0) {
			count++;
			if (call)
				record(l, MIB, (uint64_t)mbi->mem_upper * 1024, MULTIBOOT_MEMORY_AVAILABLE);
		}
		return count > 0 ? count : -1;
	}
	return -1;
}

static uint32_t ref_module_count(const struct multiboot_info *mbi)
{
	if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0)
		return 0;
	return readable(mbi->mods_addr, (uint64_t)mbi->mods_count * 16) ? mbi->mods_count : 0;
}

/* ---------------------------------------------------------------------
 * The frame allocator's plan, checked against memmap.h. */

#define ALIGN_UP(x) (((u128)(x) + PAGE - 1) / PAGE * PAGE)

static bool overlaps(u128 base, u128 end, const struct mem_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (base < r[i].end && end > r[i].base)
			return true;
	return false;
}

/* The lowest place for (bytes) in usable range (u) below (limit), above
 * 1 MiB, page-aligned, overlapping no reserved range of (m); or 2^64+ if
 * there is none. Where a place is free, the lowest one is its range's
 * start or just past a reserved range. */
static u128 lowest_fit(const struct memmap *m, const struct mem_range *u, uint64_t bytes)
{
	u128 base = ALIGN_UP(u->base < MEMMAP_LOW_LIMIT ? MEMMAP_LOW_LIMIT : u->base);
	u128 end = u->end < m->limit ? u->end : m->limit, best = (u128)1 << 65;

	for (unsigned i = 0; i <= m->nreserved; i++) {
		u128 pa = i == m->nreserved ? base : ALIGN_UP(m->reserved[i].end);

		if (pa >= base && pa < best && pa + bytes <= end &&
		    !overlaps(pa, pa + bytes, m->reserved, m->nreserved))
			best = pa;
	}
	return best;
}

/* Is frame (f) free by memmap.h: wholly in usable RAM below the pool's
 * top, above 1 MiB, touching no reserved range? */
static bool ref_frame_free(const struct memmap *m, uint64_t f)
{
	u128 a = (u128)f * PAGE;
	bool in = false;

	if (f == 0 || a < MEMMAP_LOW_LIMIT || a + PAGE > m->top)
		return false;
	for (unsigned i = 0; i < m->nusable && !in; i++)
		in = m->usable[i].base <= a && a + PAGE <= m->usable[i].end;
	return in && !overlaps(a, a + PAGE, m->reserved, m->nreserved);
}

static int by_base(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Bytes of the union of (m)'s usable ranges within [1 MiB, limit). */
static u128 union_bytes(const struct memmap *m, bool *overlap)
{
	static struct mem_range r[MEMMAP_MAX_RANGES];
	unsigned n = 0;
	u128 total = 0, reach = 0;

	for (unsigned i = 0; i < m->nusable; i++) {
		struct mem_range x = m->usable[i];

		x.base = x.base < MEMMAP_LOW_LIMIT ? MEMMAP_LOW_LIMIT : x.base;
		x.end = x.end < m->limit ? x.end : m->limit;
		if (x.end > x.base)
			r[n++] = x;
	}
	qsort(r, n, sizeof(*r), by_base);
	*overlap = false;
	for (unsigned i = 0; i < n; i++) {
		if (r[i].base < reach)
			*overlap = true;
		u128 from = r[i].base > reach ? r[i].base : reach;
		if (r[i].end > from)
			total += r[i].end - from;
		if (r[i].end > reach)
			reach = r[i].end;
	}
	return total;
}

/* memmap_plan on (m), checked; then, for a small enough top, memmap_fill
 * into a fresh exact-size bitmap, checked on sample frames. */
static void plan_checked(struct memmap *m)
{
	static struct memmap before;
	static const size_t errlens[] = { 1, 2, 30, 160 };
	size_t errlen = errlens[fuzz_below(4)];
	char *err = fuzz_copy(NULL, errlen, 0);

	before = *m;
	int rc = memmap_plan(m, err, errlen);

	/* what every outcome fills in */
	u128 top = 0;
	for (unsigned i = 0; i < before.nusable; i++) {
		uint64_t end = before.usable[i].end < before.limit ? before.usable[i].end : before.limit;

		if (end > MEMMAP_LOW_LIMIT && end > before.usable[i].base && end > top)
			top = end;
	}
	bool overlap;
	u128 total = union_bytes(&before, &overlap), sum = 0;
	for (unsigned i = 0; i < before.nusable; i++) {
		uint64_t base = before.usable[i].base < MEMMAP_LOW_LIMIT ? MEMMAP_LOW_LIMIT
									 : before.usable[i].base;
		uint64_t end = before.usable[i].end < before.limit ? before.usable[i].end : before.limit;

		sum += end > base ? end - base : 0;
	}
	FUZZ_CHECK(m->top == top);
	/* usable_bytes counts RAM that overlapping ranges share twice, and
	 * only with a limit near 2^64 can that sum pass 2^64 and wrap */
	if (sum <= UINT64_MAX) {
		FUZZ_CHECK(m->usable_bytes == sum && sum >= total);
		FUZZ_CHECK(overlap || sum == total);
	} else {
		fuzz_count("usable_bytes past 2^64", 1);
	}
	FUZZ_CHECK(m->nusable == before.nusable && m->limit == before.limit);
	FUZZ_CHECK(memcmp(m->usable, before.usable, sizeof(m->usable)) == 0);
	FUZZ_CHECK(memcmp(m->reserved, before.reserved, before.nreserved * sizeof(*m->reserved)) == 0);

	if (total == 0) {
		FUZZ_CHECK(rc == -1);
		fuzz_count("no RAM", 1);
		goto message;
	}
	uint64_t bytes = m->bitmap_bytes;
	u128 need = (u128)frame_bitmap_words(top / PAGE) * 8;
	FUZZ_CHECK(bytes % PAGE == 0 && bytes >= need && bytes < need + PAGE);

	/* the place the allocator's bitmap should go: the lowest in the first
	 * usable range, in table order, that has room (memmap.h says "the
	 * lowest place", which is that for a sorted map but not for all) */
	u128 best = (u128)1 << 65;
	for (unsigned i = 0; i < before.nusable && best > ((u128)1 << 64); i++)
		best = lowest_fit(&before, &before.usable[i], bytes);
	bool fits = best <= ((u128)1 << 64) && before.nreserved < MEMMAP_MAX_RANGES;

	if (!fits) {
		FUZZ_CHECK(rc == -1);
		fuzz_count(before.nreserved == MEMMAP_MAX_RANGES ? "table full" : "no room", 1);
		goto message;
	}
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(m->bitmap_pa == best);
	FUZZ_CHECK(m->nreserved == before.nreserved + 1);
	FUZZ_CHECK(m->reserved[before.nreserved].base == m->bitmap_pa);
	FUZZ_CHECK(m->reserved[before.nreserved].end == m->bitmap_pa + bytes);
	fuzz_count("planned", 1);

	if (top > FILL_TOP_MAX)
		return;
	struct frame_pool pool;
	uint64_t *bitmap = fuzz_copy(NULL, bytes, 0);
	uint64_t frames = (uint64_t)top / PAGE;

	memmap_fill(m, &pool, bitmap);
	FUZZ_CHECK(pool.nframes == frames && pool.nfree <= frames);
	for (int k = 0; k < 64 + 4 * (int)(m->nusable + m->nreserved); k++) {
		uint64_t f;
		unsigned i = (unsigned)(k - 64) / 4;

		if (k < 64)
			f = fuzz_below(frames);
		else if (i < m->nusable)
			f = (k % 2 ? m->usable[i].base : m->usable[i].end - 1) / PAGE + (k % 4 >= 2);
		else
			f = (k % 2 ? m->reserved[i - m->nusable].base
				   : m->reserved[i - m->nusable].end - 1) / PAGE + (k % 4 >= 2);
		if (f >= frames)
			continue;
		FUZZ_CHECK(frame_is_used(&pool, f * PAGE) != ref_frame_free(m, f));
	}
	fuzz_count("pools filled", 1);
	return;

message:
	FUZZ_CHECK(strnlen(err, errlen) < errlen);
	FUZZ_CHECK(errlen < 2 || err[0] != '\0');
	FUZZ_CHECK(strchr(err, '\n') == NULL);
}

/* ---------------------------------------------------------------------
 * The tests. */

/* The reader on random boot information, every answer checked. */
static void check_reader(uint32_t magic, uint32_t mbi_pa, struct mb_reader *r, bool *ok)
{
	static const size_t errlens[] = { 0, 1, 16, 96 };
	size_t errlen = errlens[fuzz_below(4)];
	char *err = fuzz_copy(NULL, errlen, 0);
	bool no_err = fuzz_one_in(8);
	int rc = mb_reader_init(r, magic, mbi_pa, fake_ptr, &w, no_err ? NULL : err, errlen);

	*ok = magic == MULTIBOOT_BOOTLOADER_MAGIC && readable(mbi_pa, MBI_SIZE);
	FUZZ_CHECK(rc == (*ok ? 0 : -1));
	FUZZ_CHECK(r->ptr == fake_ptr && r->ctx == &w);
	FUZZ_CHECK((r->mbi != NULL) == *ok);
	if (*ok) {
		FUZZ_CHECK(memcmp(r->mbi, w.mem + mbi_pa, MBI_SIZE) == 0);
	} else if (!no_err && errlen > 0) {
		FUZZ_CHECK(strnlen(err, errlen) < errlen && strchr(err, '\n') == NULL);
		FUZZ_CHECK(errlen == 1 || err[0] != '\0');
	}
}

static void check_string(const char *got, bool present, uint32_t pa)
{
	const char *want = present ? ref_string(pa) : "";

	FUZZ_CHECK(got != NULL && strcmp(got, want) == 0);
	if (!w.copies && *want != '\0')
		FUZZ_CHECK(got == want);
}

static void test_boot_information(void **state)
{
	uint64_t n = fuzz_begin("multiboot boot information", 31);
	static struct range_list got, want;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		new_world();

		uint32_t mbi_pa = put_mbi();
		uint32_t magic = fuzz_one_in(10) ? (uint32_t)fuzz_rand() : MULTIBOOT_BOOTLOADER_MAGIC;
		struct mb_reader r;
		bool ok;

		check_reader(magic, mbi_pa, &r, &ok);
		if (!ok) {
			fuzz_count("refused by mb_reader_init", 1);
			continue;
		}
		const struct multiboot_info *mbi = r.mbi;

		check_string(mb_cmdline(&r), mbi->flags & MULTIBOOT_INFO_CMDLINE, mbi->cmdline);
		check_string(mb_boot_loader_name(&r), mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME,
			     mbi->boot_loader_name);

		/* the memory map, walked whole or stopped by the callback */
		got.n = want.n = 0;
		got.stop_at = want.stop_at = fuzz_one_in(4) ? (int)fuzz_below(6) : 0;
		bool call = !fuzz_one_in(8);
		int count = mb_mmap_foreach(&r, call ? record : NULL, &got);
		FUZZ_CHECK(count == ref_mmap(mbi, &want, call));
		FUZZ_CHECK(got.n == want.n);
		for (int k = 0; k < got.n; k++)
			FUZZ_CHECK(got.base[k] == want.base[k] && got.len[k] == want.len[k] &&
				   got.type[k] == want.type[k] && got.len[k] > 0 &&
				   got.len[k] - 1 <= UINT64_MAX - got.base[k]);
		fuzz_count(count < 0 ? "bad maps" : "maps", 1);

		/* the modules, and indices at and past the end */
		uint32_t mods = mb_module_count(&r);
		FUZZ_CHECK(mods == ref_module_count(mbi));
		for (int k = 0; k < 16; k++) {
			uint32_t m = k < 10 ? (uint32_t)k : (uint32_t)fuzz_edge(mods);
			uint64_t pa = mbi->mods_addr + (uint64_t)m * 16;
			struct mb_module_info mod = { 0 };
			int rc = mb_module(&r, m, &mod);

			if (m >= mods) {
				FUZZ_CHECK(rc == -1);
				continue;
			}
			uint32_t start = peek32(pa), end = peek32(pa + 4);
			FUZZ_CHECK(rc == (end < start ? -1 : 0));
			if (rc == 0) {
				FUZZ_CHECK(mod.start == start && mod.end == end);
				check_string(mod.cmdline, true, peek32(pa + 8));
				fuzz_count("modules", 1);
			}
		}
	}
	fuzz_end();
}

/* Boot information into a frame allocator, the way boot_info_init and
 * memmap_init do it, but with physical addresses for what a kernel would
 * reserve by pointer. */
static void test_boot_sequence(void **state)
{
	uint64_t n = fuzz_begin("multiboot to memmap plan", 32);
	static struct memmap map;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		new_world();

		uint32_t mbi_pa = put_mbi();
		struct mb_reader r;
		bool ok;

		check_reader(MULTIBOOT_BOOTLOADER_MAGIC, mbi_pa, &r, &ok);
		if (!ok)
			continue;

		const struct multiboot_info *mbi = r.mbi;
		uint64_t limit = fuzz_one_in(4) ? fuzz_edge(4 * GIB) : 4 * GIB;
		uint64_t image = fuzz_below(8 * MIB), image_end = image + fuzz_below(2 * MIB);
		unsigned usable = 0, reserved = 0;
		bool full = false;
		static struct range_list l;

		if (fuzz_one_in(8))
			image_end = fuzz_edge(image);   /* even before its start */
		memmap_reset(&map, limit);
		l.n = 0;
		l.stop_at = 0;
		if (mb_mmap_foreach(&r, record, &l) < 0) {
			fuzz_count("no map", 1);
			continue;
		}
		for (int k = 0; k < l.n; k++) {
			bool avail = l.type[k] == MULTIBOOT_MEMORY_AVAILABLE;
			int rc = avail ? memmap_add_usable(&map, l.base[k], l.len[k])
				       : memmap_add_reserved(&map, l.base[k], l.len[k]);
			unsigned *in = avail ? &usable : &reserved;

			FUZZ_CHECK(rc == (*in == MEMMAP_MAX_RANGES ? -1 : 0));
			if (rc == 0) {
				const struct mem_range *e = avail ? &map.usable[*in] : &map.reserved[*in];
				FUZZ_CHECK(e->base == l.base[k]);
				FUZZ_CHECK(e->end == (l.len[k] > UINT64_MAX - l.base[k] ? UINT64_MAX
							: l.base[k] + l.len[k]));
				++*in;
			}
			full |= rc != 0;
		}
		FUZZ_CHECK(map.nusable == usable && map.nreserved == reserved);
		if (full) {
			fuzz_count("map too long", 1);
			continue;
		}

		/* what memmap_init reserves; a full table is not an error there */
		memmap_add_reserved(&map, image, image_end - image);
		memmap_add_reserved(&map, mbi_pa, MBI_SIZE);
		if (*mb_cmdline(&r))
			memmap_add_reserved(&map, mbi->cmdline, strlen(mb_cmdline(&r)) + 1);
		if (mbi->flags & MULTIBOOT_INFO_MEM_MAP)
			memmap_add_reserved(&map, mbi->mmap_addr, mbi->mmap_length);
		if (mbi->flags & MULTIBOOT_INFO_MODS)
			memmap_add_reserved(&map, mbi->mods_addr, (uint64_t)mbi->mods_count * 16);
		for (uint32_t k = 0; k < mb_module_count(&r) && k < 64; k++) {
			struct mb_module_info mod;

			if (mb_module(&r, k, &mod) == 0) {
				FUZZ_CHECK(mod.end >= mod.start);
				memmap_add_reserved(&map, mod.start, mod.end - mod.start);
			}
		}
		plan_checked(&map);
	}
	fuzz_end();
}

/* memmap on its own: many ranges (past the table's size), absurd ones,
 * overlapping ones, and absurd limits. */
static void test_memmap_plan(void **state)
{
	uint64_t n = fuzz_begin("memmap plan", 33);
	static struct memmap map;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		uint64_t limit;

		switch (fuzz_below(6)) {
		case 0: limit = fuzz_edge(4 * GIB); break;
		case 1: limit = 64 * MIB + fuzz_below(2) * PAGE; break;
		case 2: limit = UINT64_MAX - fuzz_below(2); break;
		default: limit = 4 * GIB; break;
		}
		memmap_reset(&map, limit);
		FUZZ_CHECK(map.limit == limit && map.nusable == 0 && map.nreserved == 0);

		for (int table = 0; table < 2; table++) {
			unsigned count = fuzz_one_in(8) ? MEMMAP_MAX_RANGES - 2 + (unsigned)fuzz_below(5)
							: (unsigned)fuzz_below(10);

			for (unsigned k = 0; k < count; k++) {
				unsigned *in = table ? &map.nreserved : &map.nusable;
				unsigned had = *in;
				uint64_t base, len;

				pick_range(&base, &len);
				int rc = table ? memmap_add_reserved(&map, base, len)
					       : memmap_add_usable(&map, base, len);
				FUZZ_CHECK(rc == (len > 0 && had == MEMMAP_MAX_RANGES ? -1 : 0));
				FUZZ_CHECK(*in == had + (rc == 0 && len > 0));
			}
		}
		plan_checked(&map);
	}
	fuzz_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_information),
		cmocka_unit_test(test_boot_sequence),
		cmocka_unit_test(test_memmap_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
