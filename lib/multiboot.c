/*
 * multiboot.c - reads Multiboot 1 boot information (spec 0.6.96) without
 * trusting it: every address the loader gave goes through the caller's
 * mb_ptr_fn with its length before it is read. Runs in both kernels at
 * boot and in mica on a guest's memory; see lib/multiboot.h.
 */
#include "lib/fmt.h"
#include "lib/multiboot.h"
#include "lib/string.h"

/* Bytes of an mmap entry after its size field: addr, len and type. */
#define MMAP_ENTRY_MIN  (sizeof(struct multiboot_mmap_entry) - sizeof(uint32_t))

/* Strings are scanned a page at a time: readability may end at any page
 * boundary, so asking for more than the rest of a page could fail for a
 * short string that is perfectly readable. */
#define SCAN_CHUNK      4096

/* mem_upper counts from here (spec: "starting at 1 megabyte"). */
#define MB_UPPER_MEMORY_BASE 0x100000

int mb_reader_init(struct mb_reader *r, uint32_t magic, uint32_t mbi_pa, mb_ptr_fn ptr,
		   void *ctx, char *err, size_t errlen)
{
	*r = (struct mb_reader){ .mbi = NULL, .ptr = ptr, .ctx = ctx };
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		fmt_snprintf(err, err ? errlen : 0, "bad multiboot magic 0x%x, expected 0x%x",
			     magic, MULTIBOOT_BOOTLOADER_MAGIC);
		return -1;
	}
	/* Asking for the full 0.6.96 layout lets every field be read without
	 * further checks; loaders reserve all of it. */
	r->mbi = ptr(ctx, mbi_pa, sizeof(struct multiboot_info));
	if (r->mbi == NULL) {
		fmt_snprintf(err, err ? errlen : 0,
			     "multiboot info at 0x%x is not readable", mbi_pa);
		return -1;
	}
	return 0;
}

/*
 * The NUL-terminated string at physical (pa), or "". The string's length
 * is found first, and then the whole of it is asked for in one call: only
 * that guarantees it is contiguous in the caller's address space (two
 * guest pages need not be adjacent in mica's memory).
 */
static const char *string_at(const struct mb_reader *r, uint32_t pa)
{
	uint64_t len = 0;

	while (len < MB_STRING_MAX) {
		uint64_t at = (uint64_t)pa + len;
		uint64_t chunk = SCAN_CHUNK - at % SCAN_CHUNK;

		if (chunk > MB_STRING_MAX - len)
			chunk = MB_STRING_MAX - len;
		const char *p = r->ptr(r->ctx, at, chunk);
		if (p == NULL)
			return "";
		size_t n = strnlen(p, chunk);
		if (n < chunk) {
			const char *s = r->ptr(r->ctx, pa, len + n + 1);

			return s != NULL ? s : "";
		}
		len += chunk;
	}
	return "";      /* no terminator within MB_STRING_MAX bytes */
}

const char *mb_cmdline(const struct mb_reader *r)
{
	if (!(r->mbi->flags & MULTIBOOT_INFO_CMDLINE))
		return "";
	return string_at(r, r->mbi->cmdline);
}

const char *mb_boot_loader_name(const struct mb_reader *r)
{
	if (!(r->mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME))
		return "";
	return string_at(r, r->mbi->boot_loader_name);
}

/* One pass over the loader's memory map. With (fn) NULL it only checks the
 * map and counts its ranges; otherwise it also hands them to fn. */
static int walk_mmap(const uint8_t *map, uint32_t length,
		     int (*fn)(void *ctx, uint64_t base, uint64_t len, uint32_t type), void *ctx)
{
	uint32_t off = 0;
	int count = 0;

	while (off < length) {
		/* The size field itself and the fields it must cover have to
		 * fit in what is left of the map; (length - off) cannot wrap. */
		if (length - off < sizeof(uint32_t) + MMAP_ENTRY_MIN)
			return -1;
		const struct multiboot_mmap_entry *e = (const void *)(map + off);
		if (e->size < MMAP_ENTRY_MIN || e->size > length - off - sizeof(uint32_t))
			return -1;
		if (e->len > 0 && e->len - 1 > UINT64_MAX - e->addr)
			return -1;      /* range wraps past 2^64 */
		off += e->size + sizeof(uint32_t);
		if (e->len == 0)
			continue;
		count++;
		if (fn != NULL && fn(ctx, e->addr, e->len, e->type) != 0)
			break;
	}
	return count;
}

int mb_mmap_foreach(const struct mb_reader *r,
		    int (*fn)(void *ctx, uint64_t base, uint64_t len, uint32_t type), void *ctx)
{
	const struct multiboot_info *mbi = r->mbi;

	if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
		const uint8_t *map = r->ptr(r->ctx, mbi->mmap_addr, mbi->mmap_length);

		if (map == NULL)
			return -1;
		/* Check everything first, so that a caller building a frame
		 * allocator never acts on half of a broken map. */
		if (walk_mmap(map, mbi->mmap_length, NULL, NULL) <= 0)
			return -1;
		return walk_mmap(map, mbi->mmap_length, fn, ctx);
	}

	if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
		/* Older loaders give only the two sizes: conventional memory
		 * below 640 KiB, and extended memory from 1 MiB. */
		uint64_t lower = (uint64_t)mbi->mem_lower * 1024;
		uint64_t upper = (uint64_t)mbi->mem_upper * 1024;
		int count = 0;

		if (lower > 0) {
			count++;
			if (fn != NULL && fn(ctx, 0, lower, MULTIBOOT_MEMORY_AVAILABLE) != 0)
				return count;
		}
		if (upper > 0) {
			count++;
			if (fn != NULL)
				fn(ctx, MB_UPPER_MEMORY_BASE, upper, MULTIBOOT_MEMORY_AVAILABLE);
		}
		return count > 0 ? count : -1;
	}
	return -1;
}

uint32_t mb_module_count(const struct mb_reader *r)
{
	const struct multiboot_info *mbi = r->mbi;

	if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0)
		return 0;
	/* 64-bit arithmetic: mods_count * 16 can exceed 2^32. */
	uint64_t bytes = (uint64_t)mbi->mods_count * sizeof(struct multiboot_module);
	if (r->ptr(r->ctx, mbi->mods_addr, bytes) == NULL)
		return 0;
	return mbi->mods_count;
}

int mb_module(const struct mb_reader *r, uint32_t i, struct mb_module_info *out)
{
	if (i >= mb_module_count(r))
		return -1;

	uint64_t pa = r->mbi->mods_addr + (uint64_t)i * sizeof(struct multiboot_module);
	const struct multiboot_module *m = r->ptr(r->ctx, pa, sizeof(*m));
	if (m == NULL || m->mod_end < m->mod_start)
		return -1;
	out->start = m->mod_start;
	out->end = m->mod_end;
	out->cmdline = string_at(r, m->cmdline);
	return 0;
}

const struct multiboot_header *mb_header_find(const void *image, size_t len)
{
	const uint8_t *bytes = image;
	size_t limit = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;

	for (size_t off = 0; off + MULTIBOOT_HEADER_MIN_SIZE <= limit; off += MULTIBOOT_HEADER_ALIGN) {
		/* The image buffer may have any alignment; the packed struct
		 * makes gcc read its fields byte-safely. */
		const struct multiboot_header *h = (const void *)(bytes + off);

		if (h->magic != MULTIBOOT_HEADER_MAGIC)
			continue;
		if ((uint32_t)(h->magic + h->flags + h->checksum) != 0)
			continue;
		/* The address fields are read only with the a.out kludge,
		 * so only then must they be inside the image too. */
		if ((h->flags & MULTIBOOT_AOUT_KLUDGE) && off + sizeof(*h) > limit)
			continue;
		return h;
	}
	return NULL;
}
