/*
 * test_elf.c - host unit tests for lib/elf.c (cmocka, ASan, UBSan).
 * Small ELF32 and ELF64 executables are built in memory, then broken one
 * field at a time; each break must give its own error line. Images are
 * parsed from exact-size heap copies, so ASan sees any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/elf.h"
#include "lib/string.h"

#define IMG_SIZE   0x2000
#define ENTRY64    0x401000ULL
#define ENTRY32    0x100000CU
#define NOTE_END   0x11A0       /* last byte any header points at, + 1 */

/* The image being edited, and the heap copy last handed to elf_parse. */
static uint8_t img[IMG_SIZE] __attribute__((aligned(8)));
static uint8_t *copy;
static struct elf_image image;
static char err[128];

static Elf64_Ehdr *eh64(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph64(int i) { return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i; }
static Elf32_Ehdr *eh32(void) { return (Elf32_Ehdr *)img; }
static Elf32_Phdr *ph32(int i) { return (Elf32_Phdr *)(img + sizeof(Elf32_Ehdr)) + i; }

static void ident(uint8_t class)
{
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = class;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
}

/* An x86-64 kernel: text, data+bss, and a note. */
static void build64(void)
{
	memset(img, 0, sizeof(img));
	*eh64() = (Elf64_Ehdr){
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = ENTRY64, .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 3,
	};
	ident(ELFCLASS64);
	*ph64(0) = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x1000, 0x100, 0x100, 0x1000 };
	*ph64(1) = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, 0x1100, 0x402100, 0x2100, 0x80, 0x2000, 0x1000 };
	*ph64(2) = (Elf64_Phdr){ PT_NOTE, PF_R, 0x1180, 0, 0, 0x20, 0x20, 4 };
}

/* An i386 kernel: one loadable segment and a GNU_STACK marker. */
static void build32(void)
{
	memset(img, 0, sizeof(img));
	*eh32() = (Elf32_Ehdr){
		.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
		.e_entry = ENTRY32, .e_phoff = sizeof(Elf32_Ehdr), .e_ehsize = sizeof(Elf32_Ehdr),
		.e_phentsize = sizeof(Elf32_Phdr), .e_phnum = 2,
	};
	ident(ELFCLASS32);
	*ph32(0) = (Elf32_Phdr){ PT_LOAD, 0x1000, 0x1000000, 0x1000000, 0x200, 0x400, PF_R | PF_X, 0x1000 };
	*ph32(1) = (Elf32_Phdr){ 0x6474e551, 0, 0, 0, 0, 0, PF_R | PF_W, 16 };
}

/* elf_parse on an exact-size heap copy of the first (size) bytes. */
static int parse(size_t size)
{
	free(copy);
	copy = malloc(size ? size : 1);
	assert_non_null(copy);
	memcpy(copy, img, size);
	err[0] = '\0';
	return elf_parse(copy, size, &image, err, sizeof(err));
}

static void expect_error(size_t size, const char *msg)
{
	assert_int_equal(parse(size), -1);
	assert_string_equal(err, msg);
}

static int teardown(void **state)
{
	free(copy);
	copy = NULL;
	return 0;
}

static void test_parse_elf64(void **state)
{
	struct elf_segment s;

	build64();
	assert_int_equal(parse(IMG_SIZE), 0);
	assert_ptr_equal(image.data, copy);
	assert_int_equal(image.size, IMG_SIZE);
	assert_true(image.is64);
	assert_int_equal(image.machine, EM_X86_64);
	assert_true(image.entry == ENTRY64);
	assert_int_equal(image.phnum, 3);

	assert_int_equal(elf_segment_get(&image, 1, &s), PT_LOAD);
	assert_true(s.offset == 0x1100 && s.vaddr == 0x402100 && s.paddr == 0x2100);
	assert_true(s.filesz == 0x80 && s.memsz == 0x2000);
	assert_int_equal(s.flags, PF_R | PF_W);
	assert_int_equal(elf_segment_get(&image, 2, &s), PT_NOTE);
	assert_int_equal(elf_segment_get(&image, 3, &s), -1);
	assert_int_equal(elf_segment_get(&image, ~0u, &s), -1);
}

static void test_parse_elf32(void **state)
{
	struct elf_segment s;

	build32();
	assert_int_equal(parse(IMG_SIZE), 0);
	assert_false(image.is64);
	assert_int_equal(image.machine, EM_386);
	assert_true(image.entry == ENTRY32);
	assert_int_equal(image.phnum, 2);
	assert_int_equal(elf_segment_get(&image, 0, &s), PT_LOAD);
	assert_true(s.offset == 0x1000 && s.vaddr == 0x1000000 && s.paddr == 0x1000000);
	assert_true(s.filesz == 0x200 && s.memsz == 0x400);
	assert_int_equal(s.flags, PF_R | PF_X);
	assert_int_equal(elf_segment_get(&image, 1, &s), 0x6474e551);
}

/* A program header type above INT_MAX must not look like the -1 error. */
static void test_segment_type_high(void **state)
{
	struct elf_segment s;

	build64();
	ph64(2)->p_type = 0xF0000000;
	assert_int_equal(parse(IMG_SIZE), 0);
	assert_int_equal(elf_segment_get(&image, 2, &s), PT_NULL);
}

struct visit {
	int calls;
	int stop_at;            /* return this call's number when it is reached */
	uint64_t vaddr[4];
};

static int visit(void *ctx, const struct elf_segment *s)
{
	struct visit *v = ctx;

	v->vaddr[v->calls++] = s->vaddr;
	return v->calls == v->stop_at ? 40 + v->calls : 0;
}

static void test_foreach_load(void **state)
{
	struct visit v = { 0 };

	build64();
	assert_int_equal(parse(IMG_SIZE), 0);
	assert_int_equal(elf_foreach_load(&image, visit, &v), 0);
	assert_int_equal(v.calls, 2);                   /* the note is skipped */
	assert_true(v.vaddr[0] == 0x401000 && v.vaddr[1] == 0x402100);

	v = (struct visit){ .stop_at = 1 };
	assert_int_equal(elf_foreach_load(&image, visit, &v), 41);
	assert_int_equal(v.calls, 1);
}

static void test_bad_magic_and_header(void **state)
{
	build64();
	assert_int_equal(elf_parse(NULL, 0, &image, err, sizeof(err)), -1);
	assert_string_equal(err, "not an ELF image (bad magic)");
	expect_error(3, "not an ELF image (bad magic)");
	img[3] = 'X';
	expect_error(IMG_SIZE, "not an ELF image (bad magic)");

	build64();
	expect_error(10, "truncated ELF header");
	expect_error(sizeof(Elf64_Ehdr) - 1, "truncated ELF header");
	build32();
	expect_error(sizeof(Elf32_Ehdr) - 1, "truncated ELF header");

	build64();
	img[EI_CLASS] = 0;
	expect_error(IMG_SIZE, "unsupported ELF class 0");
	build64();
	img[EI_DATA] = 2;
	expect_error(IMG_SIZE, "not little-endian");
	build64();
	img[EI_VERSION] = 0;
	expect_error(IMG_SIZE, "unsupported ELF version 0");
}

static void test_bad_type_and_machine(void **state)
{
	build64();
	eh64()->e_type = ET_DYN;
	expect_error(IMG_SIZE, "not an executable (e_type 3)");
	eh64()->e_type = ET_REL;
	expect_error(IMG_SIZE, "not an executable (e_type 1)");

	build64();
	eh64()->e_machine = 40;                         /* ARM */
	expect_error(IMG_SIZE, "unsupported machine 40");
	eh64()->e_machine = EM_386;
	expect_error(IMG_SIZE, "unsupported machine 3 in ELF64");
	build32();
	eh32()->e_machine = EM_X86_64;
	expect_error(IMG_SIZE, "unsupported machine 62 in ELF32");
}

static void test_bad_program_header_table(void **state)
{
	build64();
	eh64()->e_phnum = 0;
	expect_error(IMG_SIZE, "no loadable segment");

	build64();
	eh64()->e_phentsize = sizeof(Elf32_Phdr);
	expect_error(IMG_SIZE, "bad program header size 32");

	build64();
	eh64()->e_phoff = IMG_SIZE;
	expect_error(IMG_SIZE, "program headers out of bounds");
	eh64()->e_phoff = IMG_SIZE - 3 * sizeof(Elf64_Phdr) + 1;       /* one byte over */
	expect_error(IMG_SIZE, "program headers out of bounds");
	eh64()->e_phoff = UINT64_MAX - 8;               /* offset + size wraps */
	expect_error(IMG_SIZE, "program headers out of bounds");
	eh64()->e_phnum = 0xFFFF;
	eh64()->e_phoff = sizeof(Elf64_Ehdr);
	expect_error(IMG_SIZE, "program headers out of bounds");

	/* the table may sit at the very end of the file */
	build64();
	memcpy(img + IMG_SIZE - 3 * sizeof(Elf64_Phdr), ph64(0), 3 * sizeof(Elf64_Phdr));
	eh64()->e_phoff = IMG_SIZE - 3 * sizeof(Elf64_Phdr);
	assert_int_equal(parse(IMG_SIZE), 0);
}

static void test_bad_segments(void **state)
{
	build64();
	ph64(1)->p_offset = IMG_SIZE - 0x10;
	expect_error(IMG_SIZE, "segment 1: file range out of bounds");
	ph64(1)->p_offset = UINT64_MAX;                 /* offset + filesz wraps */
	expect_error(IMG_SIZE, "segment 1: file range out of bounds");
	/* a segment with no file bytes may have any offset (pure bss) */
	ph64(1)->p_filesz = 0;
	assert_int_equal(parse(IMG_SIZE), 0);

	build64();
	ph64(2)->p_filesz = IMG_SIZE;                   /* a note, not PT_LOAD */
	expect_error(IMG_SIZE, "segment 2: file range out of bounds");

	build64();
	ph64(1)->p_memsz = 0x7F;                        /* filesz is 0x80 */
	expect_error(IMG_SIZE, "segment 1: filesz > memsz");

	build64();
	ph64(1)->p_vaddr = 0xFFFFFFFFFFFFF000ULL;
	expect_error(IMG_SIZE, "segment 1: address range overflows");
	ph64(1)->p_memsz = 0x1000;                      /* ends exactly at 2^64 */
	ph64(1)->p_filesz = 0x80;
	assert_int_equal(parse(IMG_SIZE), 0);

	build64();
	ph64(0)->p_paddr = UINT64_MAX;
	expect_error(IMG_SIZE, "segment 0: address range overflows");
}

static void test_bad_segments_elf32(void **state)
{
	build32();
	ph32(0)->p_vaddr = 0xFFFFF000;                  /* 0x400 bytes fit below 4 GiB */
	eh32()->e_entry = 0xFFFFF000;
	assert_int_equal(parse(IMG_SIZE), 0);
	ph32(0)->p_memsz = 0x1001;                      /* crosses 4 GiB */
	expect_error(IMG_SIZE, "segment 0: address range overflows");

	build32();
	ph32(0)->p_offset = 0xFFFFFFFF;
	expect_error(IMG_SIZE, "segment 0: file range out of bounds");
}

static void test_no_load_and_entry(void **state)
{
	build64();
	ph64(0)->p_type = PT_NOTE;
	ph64(1)->p_type = PT_NULL;
	expect_error(IMG_SIZE, "no loadable segment");

	build64();
	eh64()->e_entry = 0x500000;
	expect_error(IMG_SIZE, "entry point 0x500000 outside the loadable segments");
	eh64()->e_entry = 0x401100;                     /* one past text */
	expect_error(IMG_SIZE, "entry point 0x401100 outside the loadable segments");
	eh64()->e_entry = 0x4010FF;                     /* last byte of text */
	assert_int_equal(parse(IMG_SIZE), 0);
	eh64()->e_entry = 0x404000;                     /* in bss: still loaded */
	assert_int_equal(parse(IMG_SIZE), 0);
}

static void test_error_buffer(void **state)
{
	char small[8];

	build64();
	img[EI_DATA] = 2;
	memset(small, 'X', sizeof(small));
	assert_int_equal(elf_parse(img, IMG_SIZE, &image, small, 6), -1);
	assert_string_equal(small, "not l");
	assert_int_equal(small[6], 'X');
	assert_int_equal(elf_parse(img, IMG_SIZE, &image, NULL, 100), -1);
}

/* Every prefix of a good image: short ones fail, long enough ones work. */
static void test_every_truncation(void **state)
{
	build64();
	for (size_t size = 0; size <= IMG_SIZE; size++)
		assert_int_equal(parse(size), size < NOTE_END ? -1 : 0);
}

/* The image may start at any address inside a module. */
static void test_unaligned_image(void **state)
{
	uint8_t *buf = malloc(IMG_SIZE + 1);
	struct elf_segment s;

	build64();
	assert_non_null(buf);
	memcpy(buf + 1, img, IMG_SIZE);
	assert_int_equal(elf_parse(buf + 1, IMG_SIZE, &image, err, sizeof(err)), 0);
	assert_int_equal(elf_segment_get(&image, 1, &s), PT_LOAD);
	assert_true(s.vaddr == 0x402100 && s.memsz == 0x2000);
	free(buf);
}

/* Random damage to the headers: parsing must never read out of bounds,
 * and whatever it accepts must satisfy the promised checks. */
static void test_random_damage(void **state)
{
	uint32_t seed = 1;
	int accepted = 0;

	for (int round = 0; round < 20000; round++) {
		if (round % 2)
			build64();
		else
			build32();
		for (int k = 0; k < 4; k++) {
			seed = seed * 1664525 + 1013904223;
			img[(seed >> 8) % 0x100] = (uint8_t)(seed >> 24);
		}
		seed = seed * 1664525 + 1013904223;
		size_t size = (seed >> 20) % 4 == 0 ? (seed >> 8) % IMG_SIZE : IMG_SIZE;

		if (parse(size) != 0) {
			assert_true(err[0] != '\0');
			continue;
		}
		bool entry_ok = false;
		for (unsigned i = 0; i < image.phnum; i++) {
			struct elf_segment s;
			int type = elf_segment_get(&image, i, &s);

			assert_true(type >= 0);
			assert_true(s.filesz == 0 || (s.offset <= size && s.filesz <= size - s.offset));
			if (type != PT_LOAD)
				continue;
			assert_true(s.filesz <= s.memsz);
			if (image.entry >= s.vaddr && image.entry - s.vaddr < s.memsz)
				entry_ok = true;
		}
		assert_true(entry_ok);
		accepted++;
	}
	print_message("%d of 20000 damaged images accepted\n", accepted);
	/* both outcomes must be well exercised for the test to mean much */
	assert_true(accepted > 2000 && accepted < 18000);
}

#define T(name) cmocka_unit_test_teardown(name, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parse_elf64),
		T(test_parse_elf32),
		T(test_segment_type_high),
		T(test_foreach_load),
		T(test_bad_magic_and_header),
		T(test_bad_type_and_machine),
		T(test_bad_program_header_table),
		T(test_bad_segments),
		T(test_bad_segments_elf32),
		T(test_no_load_and_entry),
		T(test_error_buffer),
		T(test_every_truncation),
		T(test_unaligned_image),
		T(test_random_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
