/*
 * test_multiboot.c - host unit tests for lib/multiboot.c (cmocka, ASan,
 * UBSan). A malloc'd buffer of exactly FAKE_SIZE bytes plays physical
 * memory, so ASan reports any read the reader's bounds checks let through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/multiboot.h"
#include "lib/string.h"

#define FAKE_SIZE  0x10000ULL   /* 64 KiB of "physical memory" */
#define MBI_PA     0x1000
#define MMAP_PA    0x2000
#define MODS_PA    0x3000
#define STR_PA     0x4000

struct fake {
	uint8_t *mem;
	uint64_t size;
	bool page_limited;      /* refuse ranges that cross a 4 KiB page */
};

static struct fake fake;

/* The mb_ptr_fn under test: bounds-checked like mica's gpa_to_hva. With
 * page_limited it behaves like guest memory whose pages are scattered in
 * the host, where only a range within one page is contiguous. */
static const void *fake_ptr(void *ctx, uint64_t pa, uint64_t len)
{
	struct fake *f = ctx;

	if (pa > f->size || len > f->size - pa)
		return NULL;
	if (f->page_limited && len > 0 && pa / 4096 != (pa + len - 1) / 4096)
		return NULL;
	return f->mem + pa;
}

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(fake.mem + pa, &v, sizeof(v));
}

static void put_str(uint64_t pa, const char *s)
{
	memcpy(fake.mem + pa, s, strlen(s) + 1);
}

static struct multiboot_info *mbi(void)
{
	return (struct multiboot_info *)(fake.mem + MBI_PA);
}

static int setup(void **state)
{
	fake.mem = calloc(1, FAKE_SIZE);
	fake.size = FAKE_SIZE;
	fake.page_limited = false;
	return fake.mem != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	free(fake.mem);
	return 0;
}

static struct mb_reader reader(void)
{
	struct mb_reader r;
	char err[96];

	assert_int_equal(mb_reader_init(&r, MULTIBOOT_BOOTLOADER_MAGIC, MBI_PA, fake_ptr, &fake,
					err, sizeof(err)), 0);
	return r;
}

static void test_init_ok(void **state)
{
	struct mb_reader r = reader();

	assert_ptr_equal(r.mbi, fake.mem + MBI_PA);
	assert_ptr_equal(r.ctx, &fake);
}

static void test_init_bad_magic(void **state)
{
	struct mb_reader r;
	char err[96];

	assert_int_equal(mb_reader_init(&r, 0x12345678, MBI_PA, fake_ptr, &fake, err, sizeof(err)), -1);
	assert_string_equal(err, "bad multiboot magic 0x12345678, expected 0x2badb002");
	assert_null(r.mbi);
	/* the header magic is not the boot loader magic */
	assert_int_equal(mb_reader_init(&r, MULTIBOOT_HEADER_MAGIC, MBI_PA, fake_ptr, &fake,
					NULL, 0), -1);
}

static void test_init_unreadable(void **state)
{
	struct mb_reader r;
	char err[96];

	assert_int_equal(mb_reader_init(&r, MULTIBOOT_BOOTLOADER_MAGIC, 0x20000, fake_ptr, &fake,
					err, sizeof(err)), -1);
	assert_string_equal(err, "multiboot info at 0x20000 is not readable");
	/* straddling the end of memory: the whole structure must be readable */
	uint32_t pa = (uint32_t)(FAKE_SIZE - sizeof(struct multiboot_info) + 1);
	assert_int_equal(mb_reader_init(&r, MULTIBOOT_BOOTLOADER_MAGIC, pa, fake_ptr, &fake,
					NULL, 0), -1);
	pa--;
	assert_int_equal(mb_reader_init(&r, MULTIBOOT_BOOTLOADER_MAGIC, pa, fake_ptr, &fake,
					NULL, 0), 0);
}

static void test_cmdline(void **state)
{
	put_str(STR_PA, "/boot/guest.elf mem=4M");
	mbi()->cmdline = STR_PA;

	struct mb_reader r = reader();
	assert_string_equal(mb_cmdline(&r), "");        /* flag not set */
	mbi()->flags = MULTIBOOT_INFO_CMDLINE;
	assert_string_equal(mb_cmdline(&r), "/boot/guest.elf mem=4M");
	assert_ptr_equal(mb_cmdline(&r), fake.mem + STR_PA);

	mbi()->cmdline = 0x20000;                       /* outside memory */
	assert_string_equal(mb_cmdline(&r), "");
	mbi()->cmdline = 0xFFFFFFFF;
	assert_string_equal(mb_cmdline(&r), "");

	mbi()->flags = MULTIBOOT_INFO_BOOT_LOADER_NAME;
	mbi()->boot_loader_name = STR_PA;
	assert_string_equal(mb_boot_loader_name(&r), "/boot/guest.elf mem=4M");
	assert_string_equal(mb_cmdline(&r), "");
}

static void test_cmdline_limits(void **state)
{
	struct mb_reader r = reader();

	mbi()->flags = MULTIBOOT_INFO_CMDLINE;
	mbi()->cmdline = STR_PA;

	/* 4095 characters + NUL: the longest accepted */
	memset(fake.mem + STR_PA, 'a', MB_STRING_MAX - 1);
	fake.mem[STR_PA + MB_STRING_MAX - 1] = '\0';
	assert_int_equal(strlen(mb_cmdline(&r)), MB_STRING_MAX - 1);
	/* one more, and it is refused */
	fake.mem[STR_PA + MB_STRING_MAX - 1] = 'a';
	fake.mem[STR_PA + MB_STRING_MAX] = '\0';
	assert_string_equal(mb_cmdline(&r), "");

	/* unterminated up to the end of memory: must not read past it */
	memset(fake.mem + FAKE_SIZE - 100, 'z', 100);
	mbi()->cmdline = (uint32_t)(FAKE_SIZE - 100);
	assert_string_equal(mb_cmdline(&r), "");

	/* a short string right at the end of memory is fine */
	put_str(FAKE_SIZE - 3, "ok");
	mbi()->cmdline = (uint32_t)(FAKE_SIZE - 3);
	assert_string_equal(mb_cmdline(&r), "ok");
}

static void test_cmdline_pages(void **state)
{
	struct mb_reader r = reader();

	fake.page_limited = true;
	mbi()->flags = MULTIBOOT_INFO_CMDLINE;

	/* near the end of a page: readable without asking past the page */
	put_str(0x5FF0, "selftest");
	mbi()->cmdline = 0x5FF0;
	assert_string_equal(mb_cmdline(&r), "selftest");

	/* across a page boundary: the scan succeeds, but the string is not
	 * contiguous for the caller, so it must not be returned */
	put_str(0x6FFC, "name=web");
	mbi()->cmdline = 0x6FFC;
	assert_string_equal(mb_cmdline(&r), "");

	fake.page_limited = false;
	assert_string_equal(mb_cmdline(&r), "name=web");
}

/* Memory map collection for mb_mmap_foreach. */
struct ranges {
	int n;
	int stop_after;         /* return nonzero after this many; 0 = never */
	uint64_t base[8], len[8];
	uint32_t type[8];
};

static int collect(void *ctx, uint64_t base, uint64_t len, uint32_t type)
{
	struct ranges *rs = ctx;

	assert_true(rs->n < 8);
	rs->base[rs->n] = base;
	rs->len[rs->n] = len;
	rs->type[rs->n] = type;
	rs->n++;
	return rs->stop_after != 0 && rs->n >= rs->stop_after;
}

/* Write one mmap entry at (pa) with the given size field; returns the
 * address of the next one. */
static uint64_t put_entry(uint64_t pa, uint32_t size, uint64_t addr, uint64_t len, uint32_t type)
{
	struct multiboot_mmap_entry e = { size, addr, len, type };

	memcpy(fake.mem + pa, &e, sizeof(e));
	return pa + size + 4;
}

/* A map as GRUB writes it, plus an entry with 4 extra bytes and an empty
 * one, which must be skipped. Entries end up unaligned. */
static void put_map(void)
{
	uint64_t pa = MMAP_PA;

	pa = put_entry(pa, 20, 0, 0x9FC00, MULTIBOOT_MEMORY_AVAILABLE);
	pa = put_entry(pa, 24, 0x9FC00, 0x400, MULTIBOOT_MEMORY_RESERVED);
	pa = put_entry(pa, 20, 0xE0000, 0, MULTIBOOT_MEMORY_RESERVED);
	pa = put_entry(pa, 20, 0x100000, 0x7EE0000, MULTIBOOT_MEMORY_AVAILABLE);
	pa = put_entry(pa, 20, 0xFFFC0000, 0x40000, MULTIBOOT_MEMORY_RESERVED);
	mbi()->flags = MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_MEMORY;
	mbi()->mmap_addr = MMAP_PA;
	mbi()->mmap_length = (uint32_t)(pa - MMAP_PA);
	mbi()->mem_lower = 1;                   /* must be ignored: the map wins */
	mbi()->mem_upper = 1;
}

static void test_mmap(void **state)
{
	struct mb_reader r = reader();
	struct ranges rs = { 0 };

	put_map();
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 4);
	assert_int_equal(rs.n, 4);
	assert_true(rs.base[0] == 0 && rs.len[0] == 0x9FC00);
	assert_int_equal(rs.type[0], MULTIBOOT_MEMORY_AVAILABLE);
	assert_true(rs.base[1] == 0x9FC00 && rs.len[1] == 0x400);
	assert_int_equal(rs.type[1], MULTIBOOT_MEMORY_RESERVED);
	assert_true(rs.base[2] == 0x100000 && rs.len[2] == 0x7EE0000);
	assert_true(rs.base[3] == 0xFFFC0000 && rs.len[3] == 0x40000);
	assert_int_equal(mb_mmap_foreach(&r, NULL, NULL), 4);   /* count only */
}

static void test_mmap_stop(void **state)
{
	struct mb_reader r = reader();
	struct ranges rs = { .stop_after = 2 };

	put_map();
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 2);
	assert_int_equal(rs.n, 2);
}

/* Every malformed map gives -1 before the callback ever runs. */
static void expect_malformed(const struct mb_reader *r)
{
	struct ranges rs = { 0 };

	assert_int_equal(mb_mmap_foreach(r, collect, &rs), -1);
	assert_int_equal(rs.n, 0);
}

static void test_mmap_malformed(void **state)
{
	struct mb_reader r = reader();
	uint64_t second = MMAP_PA + 24;

	put_map();
	put_entry(second, 8, 0x1000, 0x1000, 1);        /* size too small */
	expect_malformed(&r);

	/* size 16 leaves out the type, yet the next entry lines up after it */
	put_entry(MMAP_PA, 16, 0x1000, 0x1000, 1);
	put_entry(MMAP_PA + 20, 20, 0x100000, 0x100000, 1);
	mbi()->mmap_length = 44;
	expect_malformed(&r);

	put_map();
	put_entry(second, 0, 0x1000, 0x1000, 1);        /* would loop forever */
	expect_malformed(&r);

	put_map();
	put_entry(second, 0xFFFFFFF0, 0x1000, 0x1000, 1);       /* wraps the offset */
	expect_malformed(&r);

	put_map();
	mbi()->mmap_length -= 4;                        /* last entry overruns */
	expect_malformed(&r);

	put_map();
	mbi()->mmap_length += 2;                        /* trailing bytes */
	expect_malformed(&r);

	put_map();
	put_entry(second, 20, 0xFFFFFFFFFFFFF000ULL, 0x2000, 1);        /* wraps 2^64 */
	expect_malformed(&r);

	put_map();
	mbi()->mmap_addr = (uint32_t)(FAKE_SIZE - 10);  /* unreadable */
	expect_malformed(&r);

	put_map();
	mbi()->mmap_length = 0;                         /* no ranges */
	expect_malformed(&r);

	/* only empty entries */
	put_entry(MMAP_PA, 20, 0x1000, 0, 1);
	mbi()->mmap_length = 24;
	expect_malformed(&r);
}

static void test_mmap_last_range_to_top(void **state)
{
	struct mb_reader r = reader();
	struct ranges rs = { 0 };

	/* a range ending exactly at 2^64 does not wrap */
	put_entry(MMAP_PA, 20, 0xFFFFFFFFFFFFF000ULL, 0x1000, 2);
	mbi()->flags = MULTIBOOT_INFO_MEM_MAP;
	mbi()->mmap_addr = MMAP_PA;
	mbi()->mmap_length = 24;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 1);
}

static void test_mmap_from_mem_fields(void **state)
{
	struct mb_reader r = reader();
	struct ranges rs = { 0 };

	mbi()->flags = MULTIBOOT_INFO_MEMORY;
	mbi()->mem_lower = 639;
	mbi()->mem_upper = 64512;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 2);
	assert_true(rs.base[0] == 0 && rs.len[0] == 639 * 1024);
	assert_true(rs.base[1] == 0x100000 && rs.len[1] == 64512ULL * 1024);
	assert_int_equal(rs.type[0], MULTIBOOT_MEMORY_AVAILABLE);
	assert_int_equal(rs.type[1], MULTIBOOT_MEMORY_AVAILABLE);

	/* no conventional memory: one range */
	rs.n = 0;
	mbi()->mem_lower = 0;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 1);
	assert_true(rs.base[0] == 0x100000);

	/* stop after the first */
	rs = (struct ranges){ .stop_after = 1 };
	mbi()->mem_lower = 639;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 1);

	/* the largest sizes do not overflow */
	rs.n = 0;
	rs.stop_after = 0;
	mbi()->mem_upper = 0xFFFFFFFF;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), 2);
	assert_true(rs.len[1] == 0xFFFFFFFFULL * 1024);

	/* nothing at all */
	mbi()->mem_lower = mbi()->mem_upper = 0;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), -1);
	mbi()->flags = 0;
	assert_int_equal(mb_mmap_foreach(&r, collect, &rs), -1);
}

static void put_module(uint32_t i, uint32_t start, uint32_t end, uint32_t cmdline)
{
	uint64_t pa = MODS_PA + i * sizeof(struct multiboot_module);

	put32(pa, start);
	put32(pa + 4, end);
	put32(pa + 8, cmdline);
	put32(pa + 12, 0);
}

static void test_modules(void **state)
{
	struct mb_reader r = reader();
	struct mb_module_info m;

	put_str(STR_PA, "/boot/web.elf name=web");
	put_module(0, 0x8000, 0x9000, STR_PA);
	put_module(1, 0xA000, 0xA000, 0x20000);         /* empty, cmdline unreadable */
	mbi()->mods_count = 2;
	mbi()->mods_addr = MODS_PA;

	assert_int_equal(mb_module_count(&r), 0);       /* flag not set */
	assert_int_equal(mb_module(&r, 0, &m), -1);

	mbi()->flags = MULTIBOOT_INFO_MODS;
	assert_int_equal(mb_module_count(&r), 2);
	assert_int_equal(mb_module(&r, 0, &m), 0);
	assert_int_equal(m.start, 0x8000);
	assert_int_equal(m.end, 0x9000);
	assert_string_equal(m.cmdline, "/boot/web.elf name=web");
	assert_int_equal(mb_module(&r, 1, &m), 0);
	assert_int_equal(m.start, m.end);
	assert_string_equal(m.cmdline, "");
	assert_int_equal(mb_module(&r, 2, &m), -1);
	assert_int_equal(mb_module(&r, UINT32_MAX, &m), -1);

	put_module(1, 0xA000, 0x9FFF, STR_PA);          /* ends before it starts */
	assert_int_equal(mb_module(&r, 1, &m), -1);
}

static void test_modules_unreadable(void **state)
{
	struct mb_reader r = reader();
	struct mb_module_info m;

	mbi()->flags = MULTIBOOT_INFO_MODS;
	mbi()->mods_addr = MODS_PA;
	mbi()->mods_count = 0;
	assert_int_equal(mb_module_count(&r), 0);

	/* an array running off the end of memory is ignored entirely */
	mbi()->mods_addr = (uint32_t)(FAKE_SIZE - 24);
	mbi()->mods_count = 2;
	assert_int_equal(mb_module_count(&r), 0);
	assert_int_equal(mb_module(&r, 0, &m), -1);
	mbi()->mods_count = 1;
	assert_int_equal(mb_module_count(&r), 1);

	/* a count whose byte size overflows 32 bits */
	mbi()->mods_addr = MODS_PA;
	mbi()->mods_count = 0x10000001;
	assert_int_equal(mb_module_count(&r), 0);
}

/* An image buffer with a header at (off); returns the image. */
static uint8_t *image_with_header(size_t size, size_t off, uint32_t flags, uint32_t fix)
{
	uint8_t *img = calloc(1, size);
	uint32_t h[3] = { MULTIBOOT_HEADER_MAGIC, flags,
			  (uint32_t)-(MULTIBOOT_HEADER_MAGIC + flags) + fix };

	assert_non_null(img);
	if (off + sizeof(h) <= size)
		memcpy(img + off, h, sizeof(h));
	return img;
}

static void test_header_find(void **state)
{
	uint8_t *img;

	img = image_with_header(16384, 0, MULTIBOOT_PAGE_ALIGN, 0);
	assert_ptr_equal(mb_header_find(img, 16384), img);
	free(img);

	img = image_with_header(16384, 64, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO, 0);
	const struct multiboot_header *h = mb_header_find(img, 16384);
	assert_ptr_equal(h, img + 64);
	assert_int_equal(h->flags, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
	free(img);

	/* the last place it may be: 12 bytes ending at 8192 */
	img = image_with_header(16384, 8180, 0, 0);
	assert_ptr_equal(mb_header_find(img, 16384), img + 8180);
	free(img);

	/* beyond the first 8192 bytes */
	img = image_with_header(16384, 8184, 0, 0);
	assert_null(mb_header_find(img, 16384));
	free(img);
}

static void test_header_find_rejects(void **state)
{
	uint8_t *img;

	/* wrong checksum */
	img = image_with_header(8192, 0, 0, 1);
	assert_null(mb_header_find(img, 8192));
	free(img);

	/* not 4-byte aligned */
	img = image_with_header(8192, 2, 0, 0);
	assert_null(mb_header_find(img, 8192));
	free(img);

	/* image shorter than a header (exact-size buffers for ASan) */
	img = image_with_header(11, 0, 0, 0);
	assert_null(mb_header_find(img, 11));
	free(img);
	assert_null(mb_header_find(NULL, 0));

	/* a.out kludge: all 32 bytes must be inside the image */
	img = image_with_header(28, 0, MULTIBOOT_AOUT_KLUDGE, 0);
	assert_null(mb_header_find(img, 28));
	free(img);
	img = image_with_header(32, 0, MULTIBOOT_AOUT_KLUDGE, 0);
	assert_ptr_equal(mb_header_find(img, 32), img);
	free(img);
}

/* A later valid header is found after a bad one; and the image itself
 * need not be aligned. */
static void test_header_find_unaligned(void **state)
{
	uint8_t *buf = calloc(1, 4097);
	uint32_t bad[3] = { MULTIBOOT_HEADER_MAGIC, 0, 0 };
	uint32_t good[3] = { MULTIBOOT_HEADER_MAGIC, 2, (uint32_t)-(MULTIBOOT_HEADER_MAGIC + 2) };

	assert_non_null(buf);
	memcpy(buf + 1 + 8, bad, sizeof(bad));
	memcpy(buf + 1 + 100, good, sizeof(good));
	const struct multiboot_header *h = mb_header_find(buf + 1, 4096);
	assert_ptr_equal(h, buf + 1 + 100);
	assert_int_equal(h->flags, 2);
	free(buf);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_ok),
		T(test_init_bad_magic),
		T(test_init_unreadable),
		T(test_cmdline),
		T(test_cmdline_limits),
		T(test_cmdline_pages),
		T(test_mmap),
		T(test_mmap_stop),
		T(test_mmap_malformed),
		T(test_mmap_last_range_to_top),
		T(test_mmap_from_mem_fields),
		T(test_modules),
		T(test_modules_unreadable),
		T(test_header_find),
		T(test_header_find_rejects),
		T(test_header_find_unaligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
