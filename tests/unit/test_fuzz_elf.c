/*
 * test_fuzz_elf.c - fuzzing lib/elf.c on the host (cmocka, ASan, UBSan):
 * random bytes, random valid ELF32 and ELF64 executables, the same cut at
 * every length, with header fields set to edge values, and with random
 * bytes changed. Every input is parsed from an exact-size heap copy at a
 * random alignment, so ASan sees a read one byte past the end and UBSan a
 * misaligned one.
 *
 * Whatever elf_parse accepts must keep elf.h's promises (file ranges in
 * the buffer, filesz <= memsz, addresses in the class's space, the entry
 * in a PT_LOAD), and it must accept exactly what an independent checker
 * written from elf.h's contract accepts: that one reads the fields byte
 * by byte and does its sums in 128 bits, so that nothing can wrap.
 * MICA_FUZZ_CASES sets the number of cases (see fuzz.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/elf.h"
#include "lib/string.h"
#include "tests/unit/fuzz.h"

#define IMG_MAX         4096
#define PH_MAX          8
#define PT_GNU_STACK    0x6474e551

typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------
 * The independent checker: elf.h's contract, field by field. */

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Header field offsets of each class (gABI), and program header fields. */
struct layout {
	unsigned ehsize, entry, phoff, phentsize_at, phnum, addr_bytes;
	unsigned phentsize, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags;
};
static const struct layout L32 = { 52, 24, 28, 42, 44, 4, 32, 4, 8, 12, 16, 20, 24 };
static const struct layout L64 = { 64, 24, 32, 54, 56, 8, 56, 8, 16, 24, 32, 40, 4 };

struct ref_seg {
	uint32_t type;
	struct elf_segment s;
};

static void ref_segment(const uint8_t *b, const struct layout *l, uint64_t phoff, unsigned i,
			struct ref_seg *out)
{
	const uint8_t *p = b + phoff + (uint64_t)i * l->phentsize;
	unsigned w = l->addr_bytes;

	out->type = (uint32_t)le(p, 4);
	out->s = (struct elf_segment){
		.offset = le(p + l->p_offset, w), .vaddr = le(p + l->p_vaddr, w),
		.paddr = le(p + l->p_paddr, w), .filesz = le(p + l->p_filesz, w),
		.memsz = le(p + l->p_memsz, w), .flags = (uint32_t)le(p + l->p_flags, 4),
	};
}

static bool same_segment(const struct elf_segment *a, const struct elf_segment *b)
{
	return a->offset == b->offset && a->vaddr == b->vaddr && a->paddr == b->paddr &&
	       a->filesz == b->filesz && a->memsz == b->memsz && a->flags == b->flags;
}

/* Does elf.h say that (b, size) is an image to accept? */
static bool ref_accepts(const uint8_t *b, size_t size)
{
	if (size < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) != 0)
		return false;
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return false;

	bool is64 = b[EI_CLASS] == ELFCLASS64;
	const struct layout *l = is64 ? &L64 : &L32;
	u128 space = is64 ? (u128)1 << 64 : (u128)1 << 32;  /* addresses [0, space) */

	if (size < l->ehsize || b[EI_DATA] != ELFDATA2LSB || b[EI_VERSION] != EV_CURRENT)
		return false;
	if (le(b + 16, 2) != ET_EXEC || le(b + 18, 2) != (is64 ? EM_X86_64 : EM_386))
		return false;

	uint64_t entry = le(b + l->entry, l->addr_bytes), phoff = le(b + l->phoff, l->addr_bytes);
	unsigned phnum = (unsigned)le(b + l->phnum, 2);

	if (phnum == 0 || le(b + l->phentsize_at, 2) != l->phentsize)
		return false;
	if ((u128)phoff + (u128)phnum * l->phentsize > size)
		return false;

	bool load = false, entry_in = false;

	for (unsigned i = 0; i < phnum; i++) {
		struct ref_seg r;

		ref_segment(b, l, phoff, i, &r);
		if (r.s.filesz > 0 && (u128)r.s.offset + r.s.filesz > size)
			return false;
		if (r.type != PT_LOAD)
			continue;
		if (r.s.filesz > r.s.memsz)
			return false;
		if ((u128)r.s.vaddr + r.s.memsz > space || (u128)r.s.paddr + r.s.memsz > space)
			return false;
		/* (a zero-length range at the last address is still inside) */
		if (r.s.vaddr >= space || r.s.paddr >= space)
			return false;
		load = true;
		if (entry >= r.s.vaddr && (u128)entry < (u128)r.s.vaddr + r.s.memsz)
			entry_in = true;
	}
	return load && entry_in;
}

/* ---------------------------------------------------------------------
 * Parsing one input and checking the outcome. */

struct walk {
	unsigned calls, stop_at;
	const struct elf_image *e;
	const uint8_t *b;
	const struct layout *l;
	uint64_t phoff;
	unsigned next;                  /* table index to look from */
};

/* elf_foreach_load's callback: each call must be the next PT_LOAD. */
static int on_load(void *ctx, const struct elf_segment *s)
{
	struct walk *w = ctx;
	struct ref_seg r;

	do {
		FUZZ_CHECK(w->next < w->e->phnum);
		ref_segment(w->b, w->l, w->phoff, w->next++, &r);
	} while (r.type != PT_LOAD);
	FUZZ_CHECK(same_segment(&r.s, s));
	return ++w->calls == w->stop_at ? 7 : 0;
}

/* An accepted image: every promise of elf.h, against the raw bytes. */
static void check_accepted(const uint8_t *b, size_t size, const struct elf_image *e)
{
	const struct layout *l = e->is64 ? &L64 : &L32;
	uint64_t phoff = le(b + l->phoff, l->addr_bytes);
	uint64_t limit = e->is64 ? UINT64_MAX : UINT32_MAX;
	unsigned loads = 0;
	bool entry_in = false;

	FUZZ_CHECK(e->data == b && e->size == size);
	FUZZ_CHECK(e->is64 == (b[EI_CLASS] == ELFCLASS64));
	FUZZ_CHECK(e->machine == (e->is64 ? EM_X86_64 : EM_386));
	FUZZ_CHECK(e->phnum == le(b + l->phnum, 2) && e->phnum > 0);
	FUZZ_CHECK(e->entry == le(b + l->entry, l->addr_bytes));
	FUZZ_CHECK(phoff <= size && (uint64_t)e->phnum * l->phentsize <= size - phoff);

	for (unsigned i = 0; i < e->phnum; i++) {
		struct elf_segment s;
		struct ref_seg r;
		int type = elf_segment_get(e, i, &s);

		ref_segment(b, l, phoff, i, &r);
		FUZZ_CHECK(type >= 0);
		FUZZ_CHECK(type == (r.type > INT32_MAX ? PT_NULL : (int)r.type));
		FUZZ_CHECK(same_segment(&s, &r.s));
		FUZZ_CHECK(s.filesz == 0 || (s.offset <= size && s.filesz <= size - s.offset));
		if (type != PT_LOAD)
			continue;
		loads++;
		FUZZ_CHECK(s.filesz <= s.memsz);
		FUZZ_CHECK(s.vaddr <= limit && (s.memsz == 0 || s.memsz - 1 <= limit - s.vaddr));
		FUZZ_CHECK(s.paddr <= limit && (s.memsz == 0 || s.memsz - 1 <= limit - s.paddr));
		if (e->entry >= s.vaddr && e->entry - s.vaddr < s.memsz)
			entry_in = true;
	}
	FUZZ_CHECK(loads > 0 && entry_in);

	struct elf_segment s;
	FUZZ_CHECK(elf_segment_get(e, e->phnum, &s) == -1);
	FUZZ_CHECK(elf_segment_get(e, UINT32_MAX, &s) == -1);

	/* The walk sees every PT_LOAD in order, or stops where told. */
	struct walk w = { .stop_at = (unsigned)fuzz_below(loads + 2), .e = e, .b = b, .l = l,
			  .phoff = phoff };
	int r = elf_foreach_load(e, on_load, &w);
	if (w.stop_at >= 1 && w.stop_at <= loads)
		FUZZ_CHECK(r == 7 && w.calls == w.stop_at);
	else
		FUZZ_CHECK(r == 0 && w.calls == loads);
}

/* A rejection's message: one line, NUL-terminated inside errlen. */
static void check_message(const char *err, size_t errlen)
{
	if (errlen == 0)
		return;
	size_t n = strnlen(err, errlen);

	FUZZ_CHECK(n < errlen);
	FUZZ_CHECK(errlen == 1 || n > 0);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(err[i] != '\n' && err[i] != '\r');
}

/* Parse (size) bytes of (src) from a fresh exact-size copy; check the
 * outcome against the promises and the independent checker. Returns
 * whether it was accepted. */
static bool parse(const uint8_t *src, size_t size)
{
	static const size_t errlens[] = { 0, 1, 2, 8, 24, 128 };
	const uint8_t *b = fuzz_copy(src, size, fuzz_below(8));
	size_t errlen = errlens[fuzz_below(6)];
	char *err = fuzz_copy(NULL, errlen, 0);     /* exactly errlen bytes */
	struct elf_image e;

	if (errlen > 0)
		err[0] = 'X';
	/* err may be NULL; with errlen 0 nothing may be written to it */
	if (fuzz_one_in(8))
		err = NULL;
	int rc = elf_parse(b, size, &e, err, errlen);
	bool want = ref_accepts(b, size);

	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == 0) == want);
	if (rc == 0) {
		check_accepted(b, size, &e);
		fuzz_count("accepted", 1);
	} else {
		if (err != NULL)
			check_message(err, errlen);
		fuzz_count("rejected", 1);
	}
	return rc == 0;
}

/* ---------------------------------------------------------------------
 * Valid images to start from. */

struct built {
	uint8_t img[IMG_MAX];
	size_t size;            /* the whole image */
	size_t needed;          /* the last byte any header points at, + 1 */
	bool is64;
	const struct layout *l;
	uint64_t phoff;
	unsigned phnum;
};

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A random address range of (memsz) bytes inside the class's space. */
static uint64_t place(uint64_t memsz, bool is64)
{
	uint64_t top = is64 ? UINT64_MAX : UINT32_MAX;     /* the last address */
	uint64_t room = top - (memsz ? memsz - 1 : 0);      /* the last start */

	switch (fuzz_below(4)) {
	case 0: return room;                                /* at the very top */
	case 1: return fuzz_below(room / 0x1000 + 1) * 0x1000;
	default: return 0x100000 + fuzz_below(0x1000000) * 0x10;
	}
}

/* A random executable that elf.h says to accept. */
static void build(struct built *b, bool is64)
{
	static const uint32_t other_types[] = { PT_NULL, PT_NOTE, PT_PHDR, PT_DYNAMIC,
						PT_INTERP, PT_GNU_STACK, 0x70000000, 0xffffffff };
	const struct layout *l = is64 ? &L64 : &L32;
	uint64_t vaddr_entry = 0;

	memset(b, 0, sizeof(*b));
	b->is64 = is64;
	b->l = l;
	b->phnum = 1 + (unsigned)fuzz_below(PH_MAX);
	b->phoff = l->ehsize + (fuzz_one_in(2) ? 0 : fuzz_below(64));
	size_t table_end = b->phoff + (size_t)b->phnum * l->phentsize;
	b->size = table_end + fuzz_below(1024);
	b->needed = table_end;
	fuzz_bytes(b->img, b->size);

	memcpy(b->img, ELFMAG, SELFMAG);
	b->img[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	b->img[EI_DATA] = ELFDATA2LSB;
	b->img[EI_VERSION] = EV_CURRENT;
	put(b->img + 16, ET_EXEC, 2);
	put(b->img + 18, is64 ? EM_X86_64 : EM_386, 2);
	put(b->img + 20, EV_CURRENT, 4);
	put(b->img + l->phoff, b->phoff, l->addr_bytes);
	put(b->img + l->phentsize_at, l->phentsize, 2);
	put(b->img + l->phnum, b->phnum, 2);

	unsigned must_load = (unsigned)fuzz_below(b->phnum);
	for (unsigned i = 0; i < b->phnum; i++) {
		uint8_t *p = b->img + b->phoff + (size_t)i * l->phentsize;
		bool load = i == must_load || fuzz_one_in(2);
		uint64_t offset = fuzz_below(b->size + 1);
		uint64_t filesz = fuzz_one_in(4) ? 0 : fuzz_below(b->size - offset + 1);
		uint64_t memsz = filesz + (fuzz_one_in(3) ? 0 : fuzz_below(0x100000));

		if (i == must_load && memsz == 0)
			memsz = 1;
		if (!load && fuzz_one_in(4)) {         /* anything goes but the file range */
			memsz = fuzz_rand();
			if (!is64)
				memsz = (uint32_t)memsz;
		}
		uint64_t vaddr = load ? place(memsz, is64) : fuzz_rand();
		uint64_t paddr = load ? place(memsz, is64) : fuzz_rand();

		put(p, load ? PT_LOAD : other_types[fuzz_below(8)], 4);
		put(p + l->p_flags, fuzz_below(8), 4);
		put(p + l->p_offset, offset, l->addr_bytes);
		put(p + l->p_vaddr, vaddr, l->addr_bytes);
		put(p + l->p_paddr, paddr, l->addr_bytes);
		put(p + l->p_filesz, filesz, l->addr_bytes);
		put(p + l->p_memsz, memsz, l->addr_bytes);
		if (filesz > 0 && offset + filesz > b->needed)
			b->needed = offset + filesz;
		if (i == must_load)
			vaddr_entry = vaddr + fuzz_below(memsz);
	}
	put(b->img + l->entry, vaddr_entry, l->addr_bytes);
}

/* ---------------------------------------------------------------------
 * The tests. */

/* Random bytes, half of them behind a good identification and header. */
static void test_random_bytes(void **state)
{
	uint64_t n = fuzz_begin("elf random bytes", 1);
	uint8_t buf[512];

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		size_t size = fuzz_below(sizeof(buf) + 1);

		fuzz_bytes(buf, sizeof(buf));
		if (fuzz_one_in(2)) {
			bool is64 = fuzz_one_in(2);

			memcpy(buf, ELFMAG, SELFMAG);
			buf[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
			buf[EI_DATA] = ELFDATA2LSB;
			buf[EI_VERSION] = EV_CURRENT;
			put(buf + 16, ET_EXEC, 2);
			put(buf + 18, is64 ? EM_X86_64 : EM_386, 2);
			put(buf + (is64 ? L64 : L32).phentsize_at, (is64 ? L64 : L32).phentsize, 2);
			put(buf + (is64 ? L64 : L32).phnum, fuzz_below(16), 2);
			put(buf + (is64 ? L64 : L32).phoff, fuzz_below(size + 1),
			    (is64 ? L64 : L32).addr_bytes);
		}
		parse(buf, size);
	}
	fuzz_end();
}

/* Random valid images are accepted, segment for segment as written. */
static void test_valid_images(void **state)
{
	uint64_t n = fuzz_begin("elf valid images", 2);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, i % 2);
		FUZZ_CHECK(b.needed <= b.size);
		FUZZ_CHECK(parse(b.img, b.size));
		FUZZ_CHECK(parse(b.img, b.needed));
	}
	fuzz_end();
}

/* Valid images cut at every length: accepted exactly from (needed) on. */
static void test_truncated(void **state)
{
	uint64_t n = fuzz_begin_weighted("elf truncated at every length", 3, 2);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, i % 2);
		for (size_t len = 0; len <= b.size; len++)
			FUZZ_CHECK(parse(b.img, len) == (len >= b.needed));
		fuzz_count("lengths", b.size + 1);
	}
	fuzz_end();
}

/* Header fields set to edge values: sizes, offsets and addresses around
 * 0, the buffer's size, UINT32_MAX, UINT64_MAX and sums that wrap. */
static void test_field_edges(void **state)
{
	uint64_t n = fuzz_begin("elf edge values in fields", 4);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, i % 2);

		const struct layout *l = b.l;
		unsigned w = l->addr_bytes;

		for (unsigned k = 1 + (unsigned)fuzz_below(3); k-- > 0;) {
			unsigned ph = (unsigned)fuzz_below(b.phnum);
			uint8_t *p = b.img + b.phoff + (size_t)ph * l->phentsize;
			uint64_t near = fuzz_one_in(2) ? b.size : le(p + l->p_offset, w);
			uint64_t v = fuzz_edge(near);

			switch (fuzz_below(10)) {
			case 0: put(b.img + l->phoff, v, w); break;
			case 1: put(b.img + l->phnum, v, 2); break;
			case 2: put(b.img + l->phentsize_at, v, 2); break;
			case 3: put(b.img + l->entry, fuzz_one_in(2) ? v
				    : le(p + l->p_vaddr, w) + le(p + l->p_memsz, w) - fuzz_below(2), w);
				break;
			case 4: put(p + l->p_offset, v, w); break;
			case 5: put(p + l->p_filesz, v, w); break;
			case 6: put(p + l->p_memsz, v, w); break;
			case 7: put(p + l->p_vaddr, v, w); break;
			case 8: put(p + l->p_paddr, v, w); break;
			default: put(p, fuzz_one_in(2) ? PT_LOAD : v, 4); break;
			}
		}
		parse(b.img, b.size);
	}
	fuzz_end();
}

/* Random bytes of the headers changed: bits flipped, bytes replaced. */
static void test_byte_flips(void **state)
{
	uint64_t n = fuzz_begin("elf byte flips", 5);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, i % 2);
		for (unsigned k = 1 + (unsigned)fuzz_below(8); k-- > 0;) {
			size_t at = fuzz_one_in(5) ? fuzz_below(b.size) : fuzz_below(b.needed);

			switch (fuzz_below(4)) {
			case 0: b.img[at] ^= (uint8_t)(1u << fuzz_below(8)); break;
			case 1: b.img[at] = 0; break;
			case 2: b.img[at] = 0xff; break;
			default: b.img[at] = (uint8_t)fuzz_rand(); break;
			}
		}
		parse(b.img, fuzz_one_in(4) ? fuzz_below(b.size + 1) : b.size);
	}
	fuzz_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_valid_images),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_field_edges),
		cmocka_unit_test(test_byte_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
