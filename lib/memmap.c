/*
 * memmap.c - from a multiboot memory map to a frame allocator that never
 * hands out the low 1 MiB, the kernel image, the modules or the multiboot
 * information.
 *
 * Runs once at boot in ring 0 of either kernel (memmap_init), and on the
 * host in unit tests (the rest). Memory maps from firmware can overlap and
 * be unsorted; reserved wins over available wherever they overlap.
 */
#include "lib/fmt.h"
#include "lib/memmap.h"
#include "lib/multiboot.h"
#include "lib/string.h"

#define PAGE_SIZE FRAME_SIZE
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))

void memmap_reset(struct memmap *m, uint64_t limit)
{
	memset(m, 0, sizeof(*m));
	m->limit = limit;
}

static int add(struct mem_range *tab, unsigned *n, uint64_t base, uint64_t len)
{
	uint64_t end = base + len;

	if (len == 0)
		return 0;
	if (end < base)         /* wraps: clamp to the top of the address space */
		end = UINT64_MAX;
	if (*n == MEMMAP_MAX_RANGES)
		return -1;
	tab[(*n)++] = (struct mem_range){ base, end };
	return 0;
}

int memmap_add_usable(struct memmap *m, uint64_t base, uint64_t len)
{
	return add(m->usable, &m->nusable, base, len);
}

int memmap_add_reserved(struct memmap *m, uint64_t base, uint64_t len)
{
	return add(m->reserved, &m->nreserved, base, len);
}

/* The lowest page-aligned address >= (pa) where (len) bytes overlap no
 * reserved range, moving past each range in the way until none is, into
 * (*out). False if none is left below 2^64. Every sum is checked: maps
 * from firmware (or a hostile loader) may reach the top of the space. */
static bool skip_reserved(const struct memmap *m, uint64_t pa, uint64_t len, uint64_t *out)
{
	bool moved = true;

	while (moved) {
		moved = false;
		for (unsigned i = 0; i < m->nreserved; i++) {
			const struct mem_range *r = &m->reserved[i];

			if (pa < r->end && (r->base <= pa || r->base - pa < len)) {
				if (r->end > UINT64_MAX - (PAGE_SIZE - 1))
					return false;   /* nothing fits past it */
				pa = ALIGN_UP(r->end, PAGE_SIZE);
				moved = true;
			}
		}
	}
	*out = pa;
	return true;
}

int memmap_plan(struct memmap *m, char *err, size_t errlen)
{
	m->usable_bytes = m->ignored_bytes = m->top = 0;
	for (unsigned i = 0; i < m->nusable; i++) {
		struct mem_range r = m->usable[i];

		if (r.end > m->limit) {
			m->ignored_bytes += r.end - (r.base > m->limit ? r.base : m->limit);
			r.end = m->limit;
		}
		if (r.base < MEMMAP_LOW_LIMIT)
			r.base = MEMMAP_LOW_LIMIT;
		if (r.end <= r.base)
			continue;
		m->usable_bytes += r.end - r.base;
		if (r.end > m->top)
			m->top = r.end;
	}
	if (m->usable_bytes == 0) {
		fmt_snprintf(err, errlen, "memory map has no usable RAM above 1 MiB");
		return -1;
	}

	/* One bit per frame up to the highest usable byte, whole pages. */
	m->bitmap_bytes = ALIGN_UP(frame_bitmap_words(m->top / PAGE_SIZE) * 8, PAGE_SIZE);
	for (unsigned i = 0; i < m->nusable; i++) {
		const struct mem_range *r = &m->usable[i];
		uint64_t start = r->base < MEMMAP_LOW_LIMIT ? MEMMAP_LOW_LIMIT : r->base;
		uint64_t end = r->end < m->limit ? r->end : m->limit, pa;

		/* A range starting in the last page would align up to 0. */
		if (start > UINT64_MAX - (PAGE_SIZE - 1) ||
		    !skip_reserved(m, ALIGN_UP(start, PAGE_SIZE), m->bitmap_bytes, &pa))
			continue;
		if (pa <= end && m->bitmap_bytes <= end - pa) {
			m->bitmap_pa = pa;
			if (memmap_add_reserved(m, pa, m->bitmap_bytes)) {
				fmt_snprintf(err, errlen, "memory map has more than %d ranges",
					     MEMMAP_MAX_RANGES);
				return -1;
			}
			return 0;
		}
	}
	fmt_snprintf(err, errlen, "no room for the frame bitmap (%lu KiB) in usable RAM",
		     (unsigned long)(m->bitmap_bytes / 1024));
	return -1;
}

void memmap_fill(const struct memmap *m, struct frame_pool *pool, uint64_t *bitmap)
{
	frame_pool_init(pool, bitmap, m->top / PAGE_SIZE);
	for (unsigned i = 0; i < m->nusable; i++)
		frame_pool_release(pool, m->usable[i].base, m->usable[i].end - m->usable[i].base);
	/* Reserved ranges go last: they win over any overlapping usable one. */
	frame_pool_reserve(pool, 0, MEMMAP_LOW_LIMIT);
	for (unsigned i = 0; i < m->nreserved; i++)
		frame_pool_reserve(pool, m->reserved[i].base, m->reserved[i].end - m->reserved[i].base);
}

struct mmap_ctx {
	struct memmap *m;
	int full;
};

static int on_mmap(void *ctx, uint64_t base, uint64_t len, uint32_t type)
{
	struct mmap_ctx *c = ctx;
	int rc = type == MULTIBOOT_MEMORY_AVAILABLE ? memmap_add_usable(c->m, base, len)
						     : memmap_add_reserved(c->m, base, len);
	if (rc)
		c->full = 1;
	return 0;
}

static void reserve_string(struct memmap *m, const char *s)
{
	if (s && *s)
		memmap_add_reserved(m, (uint64_t)(uintptr_t)s, strlen(s) + 1);
}

int memmap_init(struct memmap *m, struct frame_pool *pool, const struct mb_reader *r,
		uint64_t image_start, uint64_t image_end, char *err, size_t errlen)
{
	struct mmap_ctx c = { .m = m, .full = 0 };
	const struct multiboot_info *mbi = r->mbi;

	if (mb_mmap_foreach(r, on_mmap, &c) < 0) {
		fmt_snprintf(err, errlen, "the loader gave no memory map");
		return -1;
	}
	if (c.full) {
		fmt_snprintf(err, errlen, "memory map has more than %d ranges", MEMMAP_MAX_RANGES);
		return -1;
	}
	memmap_add_reserved(m, image_start, image_end - image_start);
	memmap_add_reserved(m, (uint64_t)(uintptr_t)mbi, sizeof(*mbi));
	reserve_string(m, mb_cmdline(r));
	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP)
		memmap_add_reserved(m, mbi->mmap_addr, mbi->mmap_length);
	if (mbi->flags & MULTIBOOT_INFO_MODS)
		memmap_add_reserved(m, mbi->mods_addr,
				    (uint64_t)mbi->mods_count * sizeof(struct multiboot_module));
	for (uint32_t i = 0; i < mb_module_count(r); i++) {
		struct mb_module_info mod;

		if (mb_module(r, i, &mod) == 0) {
			memmap_add_reserved(m, mod.start, mod.end - mod.start);
			reserve_string(m, mod.cmdline);
		}
	}
	if (memmap_plan(m, err, errlen))
		return -1;
	memmap_fill(m, pool, (uint64_t *)(uintptr_t)m->bitmap_pa);
	return 0;
}
