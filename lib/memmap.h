/*
 * memmap.h - turn a loader's memory map into a ready frame allocator.
 *
 * Shared by mica and the guest kernel. The plan is pure arithmetic over
 * address ranges (host unit-tested); only memmap_init() touches memory.
 */
#ifndef LIB_MEMMAP_H
#define LIB_MEMMAP_H

#include <stddef.h>
#include <stdint.h>
#include "lib/frame.h"

struct mb_reader;

#define MEMMAP_MAX_RANGES 128     /* firmware's, plus 2 per module (32) and a few */
#define MEMMAP_LOW_LIMIT 0x100000ULL    /* the first 1 MiB is never handed out */

/* A physical range [base, end). */
struct mem_range {
	uint64_t base, end;
};

struct memmap {
	struct mem_range usable[MEMMAP_MAX_RANGES];     /* available RAM below limit */
	unsigned nusable;
	struct mem_range reserved[MEMMAP_MAX_RANGES];   /* never handed out */
	unsigned nreserved;
	uint64_t limit;          /* RAM at or above this is ignored */
	uint64_t ignored_bytes;  /* available RAM above limit */
	uint64_t usable_bytes;   /* available RAM in [1 MiB, limit) */
	uint64_t top;            /* end of the highest usable range */
	uint64_t bitmap_pa;      /* where the allocator's bitmap goes */
	uint64_t bitmap_bytes;
};

/* Start an empty map that ignores RAM at or above (limit). */
void memmap_reset(struct memmap *m, uint64_t limit);

/* Record available RAM [base, base+len). Returns -1 when the table is full. */
int memmap_add_usable(struct memmap *m, uint64_t base, uint64_t len);

/* Record a range that must never be handed out (firmware, the kernel image,
 * modules, the multiboot information). Returns -1 when the table is full. */
int memmap_add_reserved(struct memmap *m, uint64_t base, uint64_t len);

/*
 * Decide where the allocator's bitmap lives: the lowest page-aligned place
 * in usable RAM above 1 MiB that overlaps no reserved range. Fills
 * usable_bytes, top, bitmap_pa and bitmap_bytes, and reserves the bitmap.
 * Returns 0, or -1 with one line in (err): no usable RAM above 1 MiB, or no
 * room for the bitmap.
 */
int memmap_plan(struct memmap *m, char *err, size_t errlen);

/* Build (pool) over (bitmap), which must hold m->bitmap_bytes: usable RAM
 * free, then every reserved range (and the low 1 MiB) used. */
void memmap_fill(const struct memmap *m, struct frame_pool *pool, uint64_t *bitmap);

/*
 * For a kernel running identity-mapped: read the multiboot memory map of
 * (r), reserve the image [image_start, image_end), the multiboot
 * information, its command lines and the modules, plan, and build (pool)
 * with its bitmap in place. Returns 0 or -1 with one line in (err).
 */
int memmap_init(struct memmap *m, struct frame_pool *pool, const struct mb_reader *r,
		uint64_t image_start, uint64_t image_end, char *err, size_t errlen);

#endif /* LIB_MEMMAP_H */
