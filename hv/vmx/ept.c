/*
 * ept.c - build, walk and tear down a VM's extended page tables.
 *
 * Runs in VMX root (and on the host in unit tests: the tables are plain
 * memory). Four levels, as in SDM Vol. 3, "EPT Translation Mechanism":
 * PML4 (bits 47:39), PDPT (38:30), PD (29:21), PT (20:12). Leaves carry
 * write-back memory type; 1 GiB leaves are never created.
 */
#include "hv/vmx/ept.h"
#include "lib/frame.h"
#include "lib/string.h"

#define EPTP_MEMTYPE_WB         6ULL
#define EPTP_WALK_LENGTH_4      ((EPT_LEVELS - 1ULL) << 3)

/* Index of (gpa) in the table of (level): 3 = PML4 ... 0 = PT. */
static unsigned idx(gpa_t gpa, int level)
{
	return (gpa >> (12 + 9 * level)) & (EPT_ENTRIES - 1);
}

static uint64_t *table(hpa_t pa)
{
	return hpa_to_hva(pa);
}

static hpa_t new_table(struct ept *ept)
{
	hpa_t pa = frame_alloc(ept->pool);

	if (pa) {
		memset(table(pa), 0, EPT_PAGE_4K);
		ept->table_frames++;
	}
	return pa;
}

int ept_init(struct ept *ept, struct frame_pool *pool, bool large_pages)
{
	ept->pool = pool;
	ept->large_pages = large_pages;
	ept->table_frames = 0;
	ept->pml4 = new_table(ept);
	return ept->pml4 ? 0 : -1;
}

uint64_t ept_eptp(const struct ept *ept)
{
	return ept->pml4 | EPTP_WALK_LENGTH_4 | EPTP_MEMTYPE_WB;
}

/* The entry for (gpa) at (level), creating tables above it on the way. */
static uint64_t *walk_create(struct ept *ept, gpa_t gpa, int level)
{
	uint64_t *t = table(ept->pml4);

	for (int l = EPT_LEVELS - 1; l > level; l--) {
		uint64_t *e = &t[idx(gpa, l)];

		if (!(*e & EPT_RWX)) {
			hpa_t pa = new_table(ept);

			if (!pa)
				return NULL;
			/* Non-leaf entries allow everything; the leaf decides. */
			*e = pa | EPT_RWX;
		} else if (*e & EPT_LARGE_PAGE) {
			return NULL;    /* already mapped by a larger page */
		}
		t = table(*e & EPT_ADDR_MASK);
	}
	return &t[idx(gpa, level)];
}

int ept_map(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t len, uint64_t perms)
{
	if ((gpa | hpa | len) & (EPT_PAGE_4K - 1))
		return -1;
	while (len) {
		bool big = ept->large_pages && len >= EPT_PAGE_2M &&
			   !((gpa | hpa) & (EPT_PAGE_2M - 1));
		uint64_t size = big ? EPT_PAGE_2M : EPT_PAGE_4K;
		uint64_t *e = walk_create(ept, gpa, big ? 1 : 0);

		if (!e || (*e & EPT_RWX))
			return -1;
		*e = hpa | (perms & EPT_RWX) | EPT_MEMTYPE_WB | (big ? EPT_LARGE_PAGE : 0);
		gpa += size;
		hpa += size;
		len -= size;
	}
	return 0;
}

int ept_unmap_4k(struct ept *ept, gpa_t gpa)
{
	uint64_t *t = table(ept->pml4);

	for (int l = EPT_LEVELS - 1; l > 0; l--) {
		uint64_t e = t[idx(gpa, l)];

		if (!(e & EPT_RWX) || (e & EPT_LARGE_PAGE))
			return -1;
		t = table(e & EPT_ADDR_MASK);
	}
	if (!(t[idx(gpa, 0)] & EPT_RWX))
		return -1;
	t[idx(gpa, 0)] = 0;
	return 0;
}

int ept_translate(const struct ept *ept, gpa_t gpa, hpa_t *hpa, uint64_t *perms,
		  uint64_t *page_size)
{
	uint64_t *t = table(ept->pml4);

	for (int l = EPT_LEVELS - 1; l >= 0; l--) {
		uint64_t e = t[idx(gpa, l)];
		uint64_t size = 1ULL << (12 + 9 * l);

		if (!(e & EPT_RWX))
			return -1;
		if (l == 0 || (e & EPT_LARGE_PAGE)) {
			if (hpa)
				*hpa = (e & EPT_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			if (perms)
				*perms = e & EPT_RWX;
			if (page_size)
				*page_size = size;
			return 0;
		}
		t = table(e & EPT_ADDR_MASK);
	}
	return -1;
}

static int foreach(const uint64_t *t, int level, gpa_t base,
		   int (*fn)(void *, gpa_t, hpa_t, uint64_t, uint64_t), void *ctx)
{
	for (unsigned i = 0; i < EPT_ENTRIES; i++) {
		uint64_t e = t[i], size = 1ULL << (12 + 9 * level);
		gpa_t gpa = base + i * size;
		int rc;

		if (!(e & EPT_RWX))
			continue;
		if (level == 0 || (e & EPT_LARGE_PAGE))
			rc = fn(ctx, gpa, e & EPT_ADDR_MASK, size, e & EPT_RWX);
		else
			rc = foreach(table(e & EPT_ADDR_MASK), level - 1, gpa, fn, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

int ept_foreach_leaf(const struct ept *ept,
		     int (*fn)(void *ctx, gpa_t gpa, hpa_t hpa, uint64_t size, uint64_t perms),
		     void *ctx)
{
	return foreach(table(ept->pml4), EPT_LEVELS - 1, 0, fn, ctx);
}

static void free_tables(struct ept *ept, hpa_t pa, int level)
{
	uint64_t *t = table(pa);

	for (unsigned i = 0; level > 0 && i < EPT_ENTRIES; i++)
		if ((t[i] & EPT_RWX) && !(t[i] & EPT_LARGE_PAGE))
			free_tables(ept, t[i] & EPT_ADDR_MASK, level - 1);
	frame_free(ept->pool, pa);
	ept->table_frames--;
}

void ept_destroy(struct ept *ept)
{
	if (ept->pml4)
		free_tables(ept, ept->pml4, EPT_LEVELS - 1);
	ept->pml4 = 0;
}
