/*
 * vm.c - the guest kernel's page tables: a map-range helper on which any
 * address space can be built, and the kernel's own identity map of
 * [0, 4 GiB) with per-section rights, which replaces boot/boot.S's tables.
 *
 * Runs in 64-bit ring 0. SDM Vol. 3, "4-Level Paging and 5-Level Paging"
 * (the walk and the entry formats) and "Access Rights" (how levels combine).
 */
#include "guest/kernel/mmu.h"
#include "lib/cpuid.h"
#include "guest/kernel/vm.h"
#include "lib/boot_info.h"
#include "lib/console.h"
#include "lib/frame.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define IDENTITY_LIMIT  0x100000000ULL  /* the kernel maps up to 4 GiB, as boot.S did (page 0 left out) */
#define PHYS_LIMIT      (1ULL << PHYS_ADDR_BITS_MAX)

/* Leaf bits a caller of vm_map() may ask for. */
#define MAP_FLAGS       (PTE_W | PTE_U | PTE_NX | PTE_PWT | PTE_PCD | PTE_G)

/* Section bounds from linker/kernel.ld.inc, each on a page boundary: text
 * is [__image_start, __text_end), read-only data [__text_end,
 * __rodata_end), data and bss (the boot stack too) [__rodata_end,
 * __image_end). */
extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

/* IA32_EFER.NXE is on, so PTE_NX may be used (without it bit 63 is
 * reserved, and an entry that sets it faults every access). */
static bool nx;

/* Bit i: the identity map may map GiB i of [0, 4 GiB) with one 1 GiB
 * page (vm_init sets it); vm_map() uses 2 MiB pages elsewhere. */
static uint64_t gib_pages;

/* Index of (va) in its table at (level): 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT. */
static unsigned idx(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + PT_INDEX_BITS * level)) & (PT_ENTRIES - 1);
}

/* Bytes one entry at (level) maps: 4 KiB in a PT, 2 MiB in a PD, ... */
static uint64_t level_size(int level)
{
	return 1ULL << (PAGE_SHIFT + PT_INDEX_BITS * level);
}

/* Table frames come from the allocator, which boot_info_init() keeps below
 * 4 GiB, where the kernel runs identity-mapped: a table's physical address
 * is also its address. */
static uint64_t *table(uint64_t pa)
{
	return (uint64_t *)(uintptr_t)pa;
}

static uint64_t new_table(struct frame_pool *p)
{
	uint64_t pa = frame_alloc(p);

	if (pa)
		memset(table(pa), 0, PAGE_4K);
	return pa;
}

/* Bits 63:47 all equal: anything else faults (#GP) before paging looks. */
static bool canonical(uint64_t va)
{
	int unused = 64 - LINEAR_ADDR_BITS;

	return (uint64_t)((int64_t)(va << unused) >> unused) == va;
}

/* [va, va + len) does not wrap and lies in one canonical half. */
static bool canonical_range(uint64_t va, uint64_t len)
{
	uint64_t last = va + len - 1;

	return last >= va && canonical(va) && canonical(last) && !((va ^ last) >> 63);
}

/* vm_walk's allocator for vm_map: a zeroed table from the pool (ctx). */
static uint64_t pool_table(void *ctx)
{
	return new_table(ctx);
}

uint64_t *vm_create(struct frame_pool *p)
{
	return table(new_table(p));
}

uint64_t *vm_walk(uint64_t *pml4, uint64_t va, int level, uint64_t user,
		  uint64_t (*alloc)(void *ctx), void *ctx)
{
	uint64_t *t = pml4;

	for (int l = PT_LEVELS - 1; l > level; l--) {
		uint64_t *e = &t[idx(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t pa = alloc ? alloc(ctx) : 0;

			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		/* The rights of a walk are those every level grants ("Access
		 * Rights"): upper levels grant write, and user once any leaf
		 * below is a user page, and leave the choice to the leaf. */
		*e |= user;
		t = table(*e & PTE_ADDR_MASK);
	}
	return &t[idx(va, level)];
}

int vm_map(uint64_t *pml4, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags,
	   struct frame_pool *p)
{
	uint64_t leaf = PTE_P | (flags & MAP_FLAGS);

	if (!nx)
		leaf &= ~PTE_NX;
	if ((va | pa | len) & (PAGE_4K - 1))
		return -1;
	if (len == 0)
		return 0;
	/* A physical address beyond bit 51 would spill into the entry's
	 * flag bits 63:52. */
	if (!canonical_range(va, len) || pa >= PHYS_LIMIT || len > PHYS_LIMIT - pa)
		return -1;
	while (len) {
		bool gib = va < IDENTITY_LIMIT && ((gib_pages >> (va / PAGE_1G)) & 1);
		int level = gib && len >= PAGE_1G && !((va | pa) & (PAGE_1G - 1)) ? 2 :
			    len >= PAGE_2M && !((va | pa) & (PAGE_2M - 1)) ? 1 : 0;
		uint64_t size = level_size(level);
		uint64_t *e = vm_walk(pml4, va, level, leaf & PTE_U, pool_table, p);

		if (!e)
			return -1;
		/* One walk per table, not per page: the rest of this table's
		 * entries take the same page size, since a larger page could
		 * only begin where the next table does. */
		for (unsigned i = idx(va, level);; ) {
			if (*e & PTE_P)
				return -1;
			*e++ = pa | leaf | (level ? PTE_PS : 0);
			va += size;
			pa += size;
			len -= size;
			if (++i == PT_ENTRIES || len < size)
				break;
		}
	}
	return 0;
}

int vm_translate(const uint64_t *pml4, uint64_t va, uint64_t *pa, uint64_t *rights,
		 uint64_t *page_size)
{
	const uint64_t *t = pml4;
	uint64_t granted = PTE_P | PTE_W | PTE_U, denied = 0;

	if (!canonical(va))
		return -1;
	for (int l = PT_LEVELS - 1; l >= 0; l--) {
		uint64_t e = t[idx(va, l)], size = level_size(l);

		if (!(e & PTE_P))
			return -1;
		granted &= e;
		denied |= e & PTE_NX;
		if (l == 0 || (e & PTE_PS)) {
			/* A large page's low address bits are the offset (bit
			 * 12 there is PAT, not address). */
			if (pa)
				*pa = (e & PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			if (rights)
				*rights = granted | denied;
			if (page_size)
				*page_size = size;
			return 0;
		}
		t = table(e & PTE_ADDR_MASK);
	}
	return -1;
}

/* Free the table (t) at (level) and every table below it. A PS entry
 * maps memory, which is not the tables' to give back. */
static void free_tables(uint64_t *t, int level, struct frame_pool *p)
{
	for (unsigned i = 0; level > 0 && i < PT_ENTRIES; i++)
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
			free_tables(table(t[i] & PTE_ADDR_MASK), level - 1, p);
	frame_free(p, (uint64_t)(uintptr_t)t);
}

void vm_destroy(uint64_t *pml4, struct frame_pool *p)
{
	free_tables(pml4, PT_LEVELS - 1, p);
}

/* With CR4.PCIDE = 0, CR3 bits 11:0 are flags (PWT, PCD), not address. */
uint64_t *vm_current(void)
{
	return table(read_cr3() & PTE_ADDR_MASK);
}

bool vm_is_writable(uint64_t va)
{
	uint64_t rights;

	return vm_translate(vm_current(), va, NULL, &rights, NULL) == 0 && (rights & PTE_W);
}

bool vm_is_executable(uint64_t va)
{
	uint64_t rights;

	return vm_translate(vm_current(), va, NULL, &rights, NULL) == 0 && !(rights & PTE_NX);
}

/*
 * Turn IA32_EFER.NXE on if the CPU has NX. boot.S does so already; this
 * covers a kernel entered some other way. Leaf 80000001H exists: boot.S
 * read it to find long mode.
 */
static bool enable_nx(void)
{
	uint64_t efer;

	if (!(cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_NX))
		return false;
	efer = rdmsr(MSR_IA32_EFER);
	if (!(efer & EFER_NXE))
		wrmsr(MSR_IA32_EFER, efer | EFER_NXE);
	return true;
}

/* Does [base, end) overlap GiB (g)? */
static bool in_gib(uint64_t base, uint64_t end, uint64_t g)
{
	return base < (g + 1) * PAGE_1G && end > g * PAGE_1G;
}

/*
 * The GiBs of [0, 4 GiB) that one 1 GiB page may map (bit i: GiB i): none
 * if the CPU has no such pages (CPUID 80000001H EDX bit 26); else those the
 * memory map says nothing of, or that one usable range covers whole with
 * nothing reserved in them. A large page must not span memory of different
 * MTRR types (SDM Vol. 3, "Large Page Size Considerations"); a GiB where the
 * map changes may, so it gets 2 MiB pages as before.
 */
static uint64_t gib_regions(const struct memmap *m)
{
	uint64_t ok = 0;

	if (!(cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_PAGE1GB))
		return 0;
	for (uint64_t g = 0; g < IDENTITY_LIMIT / PAGE_1G; g++) {
		unsigned touching = 0;
		bool whole = false;

		for (unsigned i = 0; i < m->nusable; i++) {
			if (in_gib(m->usable[i].base, m->usable[i].end, g)) {
				touching++;
				whole |= m->usable[i].base <= g * PAGE_1G &&
					 m->usable[i].end >= (g + 1) * PAGE_1G;
			}
		}
		for (unsigned i = 0; i < m->nreserved; i++)
			touching += in_gib(m->reserved[i].base, m->reserved[i].end, g) ? 2 : 0;
		if (touching == 0 || (touching == 1 && whole))
			ok |= 1ULL << g;
	}
	return ok;
}

static bool page_aligned(const char *sym)
{
	return ((uintptr_t)sym & (PAGE_4K - 1)) == 0;
}

int vm_init(struct boot_info *bi)
{
	struct frame_pool *p = &bi->frames;
	uint64_t free_before = frame_pool_free_count(p), frames;
	uint64_t image_start = (uintptr_t)__image_start, text_end = (uintptr_t)__text_end;
	uint64_t rodata_end = (uintptr_t)__rodata_end, image_end = (uintptr_t)__image_end;
	/* Page 0 stays unmapped, so that a null pointer faults, in the kernel
	 * and in a process alike. In address order, so that vm_map() reaches
	 * each 2 MiB region that
	 * holds part of the image with 4 KiB steps, and every other one at
	 * a 2 MiB boundary with 2 MiB left: it picks the page sizes. */
	const struct { uint64_t start, end, flags; } layout[] = {
		{ PAGE_4K,     image_start,    PTE_W | PTE_NX },  /* low memory */
		{ image_start, text_end,       0 },               /* text */
		{ text_end,    rodata_end,     PTE_NX },          /* read-only data */
		{ rodata_end,  image_end,      PTE_W | PTE_NX },  /* data, bss, stack */
		{ image_end,   IDENTITY_LIMIT, PTE_W | PTE_NX },  /* RAM, MMIO */
	};
	uint64_t *pml4;

	if (!page_aligned(__image_start) || !page_aligned(__text_end) ||
	    !page_aligned(__rodata_end) || !page_aligned(__image_end))
		panic("vm_init: kernel sections not page-aligned (linker/kernel.ld.inc)");

	nx = enable_nx();               /* before vm_map() decides on bit 63 */
	gib_pages = gib_regions(&bi->map);
	pml4 = vm_create(p);
	if (!pml4)
		goto out_of_frames;
	for (unsigned i = 0; i < sizeof(layout) / sizeof(layout[0]); i++)
		if (vm_map(pml4, layout[i].start, layout[i].start,
			   layout[i].end - layout[i].start, layout[i].flags, p))
			goto out_of_frames;
	/* Nothing else takes frames meanwhile: the difference is the tables. */
	frames = free_before - frame_pool_free_count(p);

	/* Ring 0 ignores read-only pages unless CR0.WP is set ("Access
	 * Rights"); boot.S set it, a kernel entered another way may not. */
	if (!(read_cr0() & CR0_WP))
		write_cr0(read_cr0() | CR0_WP);
	/* The new tables map the running code, stack and data at the same
	 * addresses, so execution goes on; loading CR3 flushes the boot
	 * tables' translations (none is global). */
	write_cr3((uint64_t)(uintptr_t)pml4);

	if (nx)
		klog("paging: 4 GiB identity-mapped but page 0, kernel text read-only, data no-execute "
		     "(%lu page-table frames)\n", frames);
	else
		klog("paging: 4 GiB identity-mapped but page 0, kernel text read-only, no-execute "
		     "unavailable: CPU lacks NX (%lu page-table frames)\n", frames);
	return 0;

out_of_frames:
	klog("paging: out of frames for page tables (%lu free at start); "
	     "staying on the boot tables\n", free_before);
	if (pml4)
		vm_destroy(pml4, p);
	return -1;
}
