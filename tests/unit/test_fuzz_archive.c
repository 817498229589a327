/*
 * test_fuzz_archive.c - fuzzing lib/archive.c on the host (cmocka, ASan,
 * UBSan): random valid newc archives, the same cut at every length, with
 * header fields rewritten (edge sizes, bad digits), names without their
 * NUL, random bytes changed, wild starting offsets, and plain random
 * bytes. Every archive is read from an exact-size heap copy, so ASan sees
 * a read one byte past the end.
 *
 * Each walk checks archive.h's promises (names and data inside the
 * buffer, names NUL-terminated where name_len says, the offset moving
 * forward on 4-byte boundaries, so the loop ends) and compares every step
 * with an independent reader written from the newc format, whose sums are
 * done in 128 bits. archive_count and archive_find must agree with the
 * walk. MICA_FUZZ_CASES sets the number of cases (see fuzz.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/archive.h"
#include "lib/string.h"
#include "tests/unit/fuzz.h"

#define ARC_MAX         16384
#define ENTRIES_MAX     12
#define HDR             110
#define MIN_ENTRY       112     /* a header, a 1-byte name, padding */
#define F_MODE          1
#define F_FILESIZE      6
#define F_NAMESIZE      11
#define NFIELDS         13

typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------
 * The independent reader: newc as the format describes it. */

static size_t pad4(u128 pos)
{
	return (size_t)((4 - (pos & 3)) & 3);
}

static bool hex8(const uint8_t *p, uint32_t *v)
{
	static const char digits[] = "0123456789abcdef0123456789ABCDEF";

	*v = 0;
	for (int i = 0; i < 8; i++) {
		const char *d = p[i] ? strchr(digits, p[i]) : NULL;

		if (d == NULL)
			return false;
		*v = *v << 4 | (uint32_t)((d - digits) % 16);
	}
	return true;
}

/* What archive_next should do at (*off): 1 with (out) and (*off) set, 0 at
 * the trailer with (*off) set, -1 for anything malformed. */
static int ref_next(const uint8_t *b, size_t len, size_t *off, struct archive_entry *out)
{
	uint32_t f[NFIELDS];
	u128 pos = *off;

	if (pos + HDR > len || memcmp(b + *off, "070701", 6) != 0)
		return -1;
	for (int i = 0; i < NFIELDS; i++)
		if (!hex8(b + *off + 6 + 8 * i, &f[i]))
			return -1;
	pos += HDR;

	uint32_t namesize = f[F_NAMESIZE];
	if (namesize == 0 || pos + namesize > len)
		return -1;
	const char *name = (const char *)b + (size_t)pos;
	if (memchr(name, '\0', namesize) != name + namesize - 1)
		return -1;      /* the NUL must be there, once, and last */
	pos += namesize;
	pos += pad4(pos);
	if (pos > len)
		return -1;

	u128 data = pos;
	pos += f[F_FILESIZE];
	pos += pad4(pos);
	if (pos > len)
		return -1;
	*off = (size_t)pos;
	if (namesize == 11 && memcmp(name, "TRAILER!!!", 11) == 0)
		return 0;
	*out = (struct archive_entry){ name, namesize - 1, b + (size_t)data, f[F_FILESIZE],
				       f[F_MODE] };
	return 1;
}

/* ---------------------------------------------------------------------
 * Walking an archive and checking each step. */

/* A message of archive_next's: "archive: ...", one line, inside errlen. */
static void check_message(const char *err, size_t errlen)
{
	if (errlen == 0)
		return;
	size_t n = strnlen(err, errlen);

	FUZZ_CHECK(n < errlen);
	FUZZ_CHECK(strncmp(err, "archive: ", n < 9 ? n : 9) == 0);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(err[i] != '\n' && err[i] != '\r');
}

/* A buffer of errlen bytes (sometimes none, sometimes NULL). */
static char *errbuf(size_t *errlen)
{
	static const size_t errlens[] = { 0, 1, 9, 20, 160 };
	char *err;

	*errlen = errlens[fuzz_below(5)];
	err = fuzz_copy(NULL, *errlen, 0);
	if (*errlen > 0)
		err[0] = 'X';
	return fuzz_one_in(8) ? NULL : err;
}

static bool same_entry(const struct archive_entry *a, const struct archive_entry *b)
{
	return a->name == b->name && a->name_len == b->name_len && a->data == b->data &&
	       a->size == b->size && a->mode == b->mode;
}

/* One archive_next at (*off), checked against the promises and the
 * reference reader. */
static int next_checked(const uint8_t *b, size_t len, size_t *off, struct archive_entry *e)
{
	size_t errlen, before = *off, ref_off = *off;
	char *err = errbuf(&errlen);
	struct archive_entry ref;
	int r = archive_next(b, len, off, e, err, errlen);
	int want = before <= len ? ref_next(b, len, &ref_off, &ref) : -1;

	FUZZ_CHECK(r == want);
	if (r < 0) {
		if (err != NULL)
			check_message(err, errlen);
		return r;
	}
	/* the cursor moves forward, within the buffer, to a 4-byte boundary */
	FUZZ_CHECK(*off == ref_off);
	FUZZ_CHECK(*off > before && *off <= len && *off % 4 == 0);
	if (r == 0)
		return 0;
	FUZZ_CHECK(same_entry(e, &ref));
	const char *start = (const char *)b, *end = start + len;
	FUZZ_CHECK(e->name > start + before && e->name < end);
	FUZZ_CHECK(e->name_len < (size_t)(end - e->name));
	FUZZ_CHECK(e->name[e->name_len] == '\0' && strnlen(e->name, e->name_len) == e->name_len);
	FUZZ_CHECK((const char *)e->data > e->name + e->name_len);
	FUZZ_CHECK((const char *)e->data <= end && e->size <= (size_t)(end - (const char *)e->data));
	FUZZ_CHECK((const char *)e->data + e->size <= start + *off);
	return 1;
}

/*
 * Walk the whole of (b, len) from offset 0, checking every step; then
 * archive_count and archive_find must say the same. Returns the number of
 * entries before the trailer, or -1 if the archive is malformed.
 */
static int walk(const uint8_t *b, size_t len)
{
	static struct archive_entry ents[ARC_MAX / MIN_ENTRY + 1];
	size_t off = 0, errlen, steps = 0;
	int n = 0, r;
	char *err;

	while ((r = next_checked(b, len, &off, &ents[n])) == 1) {
		n++;
		FUZZ_CHECK(++steps <= len / MIN_ENTRY);       /* it ends */
	}

	err = errbuf(&errlen);
	int count = archive_count(b, len, err, errlen);
	FUZZ_CHECK(count == (r == 0 ? n : -1));
	if (count < 0 && err != NULL)
		check_message(err, errlen);

	/* Look for an entry that is there (the first of that name wins), or
	 * for one that is not: then the whole archive is read. */
	struct archive_entry found;
	char missing[] = "no such \x01 entry";
	const char *name = missing;
	int first = -1;

	if (n > 0 && !fuzz_one_in(4)) {
		name = ents[fuzz_below(n)].name;
		for (first = 0; strcmp(ents[first].name, name) != 0; first++)
			;
	}
	err = errbuf(&errlen);
	int f = archive_find(b, len, name, &found, err, errlen);
	if (first >= 0) {
		FUZZ_CHECK(f == 1 && same_entry(&found, &ents[first]));
	} else {
		FUZZ_CHECK(f == r);
		if (f < 0 && err != NULL)
			check_message(err, errlen);
	}
	fuzz_count(r == 0 ? "complete" : "malformed", 1);
	return r == 0 ? n : -1;
}

/* ---------------------------------------------------------------------
 * Valid archives to start from. */

struct built {
	uint8_t arc[ARC_MAX];
	size_t len;
	unsigned n;                     /* entries before the trailer */
	size_t hdr[ENTRIES_MAX + 1];    /* where each header starts */
	size_t end;                     /* just past the trailer */
};

static void put_pad(struct built *b)
{
	while (b->len % 4)
		b->arc[b->len++] = 0;
}

/* Append one entry; a name of random bytes but NUL, or one of the names
 * that look like the trailer. */
static void add_entry(struct built *b, bool trailer)
{
	static const char *const tricky[] = { "TRAILER!!", "TRAILER!!!!", "TRAILER!!!\x01",
					      ".", "./bin/sh", "bin/sh" };
	char name[96];
	size_t nlen, size = trailer ? (fuzz_one_in(4) ? fuzz_below(8) : 0) : fuzz_below(300);

	if (trailer) {
		strcpy(name, "TRAILER!!!");
	} else if (fuzz_one_in(6)) {
		strcpy(name, tricky[fuzz_below(6)]);
	} else {
		nlen = 1 + fuzz_below(sizeof(name) - 1);
		for (size_t i = 0; i < nlen; i++)
			name[i] = (char)(1 + fuzz_below(255));
		name[nlen] = '\0';
	}
	nlen = strlen(name) + 1;

	b->hdr[b->n] = b->len;
	b->len += (size_t)snprintf((char *)b->arc + b->len, HDR + 1,
		fuzz_one_in(2) ? "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
			       : "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		(unsigned)fuzz_rand(), (unsigned)fuzz_rand(), (unsigned)fuzz_rand(),
		(unsigned)fuzz_rand(), (unsigned)fuzz_rand(), (unsigned)fuzz_rand(),
		(unsigned)size, (unsigned)fuzz_rand(), (unsigned)fuzz_rand(),
		(unsigned)fuzz_rand(), (unsigned)fuzz_rand(), (unsigned)nlen, 0u);
	memcpy(b->arc + b->len, name, nlen);
	b->len += nlen;
	put_pad(b);
	fuzz_bytes(b->arc + b->len, size);
	b->len += size;
	put_pad(b);
}

/* An archive of up to (most) entries and the trailer, and junk after it. */
static void build(struct built *b, unsigned most)
{
	b->len = 0;
	b->n = 0;
	for (unsigned k = (unsigned)fuzz_below(most + 1); k-- > 0;) {
		add_entry(b, false);
		b->n++;
	}
	add_entry(b, true);
	b->end = b->len;
	/* what follows the trailer is never read */
	size_t junk = fuzz_one_in(2) ? 0 : fuzz_below(200);
	fuzz_bytes(b->arc + b->len, junk);
	b->len += junk;
}

/* A fresh exact-size copy of the first (len) bytes, walked and checked. */
static int walk_copy(const struct built *b, size_t len)
{
	return walk(fuzz_copy(b->arc, len, fuzz_below(8)), len);
}

/* ---------------------------------------------------------------------
 * The tests. */

static void test_valid_archives(void **state)
{
	uint64_t n = fuzz_begin("archive valid archives", 11);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, ENTRIES_MAX);
		FUZZ_CHECK(walk_copy(&b, b.len) == (int)b.n);
		FUZZ_CHECK(walk_copy(&b, b.end) == (int)b.n);
	}
	fuzz_end();
}

/* Cut at every length: complete exactly from the trailer's end on. */
static void test_truncated(void **state)
{
	uint64_t n = fuzz_begin_weighted("archive truncated at every length", 12, 2);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, 4);
		for (size_t len = 0; len <= b.len; len++)
			FUZZ_CHECK(walk_copy(&b, len) == (len >= b.end ? (int)b.n : -1));
		fuzz_count("lengths", b.len + 1);
	}
	fuzz_end();
}

/* Header fields rewritten: sizes around what is left of the buffer and
 * around 2^32, digits that are not hex, names that lose their NUL. */
static void test_header_fields(void **state)
{
	static const char not_hex[] = " gGxX-+\t\n\x80\xff.";
	uint64_t n = fuzz_begin("archive header fields", 13);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, ENTRIES_MAX);
		for (unsigned k = 1 + (unsigned)fuzz_below(3); k-- > 0;) {
			size_t h = b.hdr[fuzz_below(b.n + 1)];
			unsigned field = (unsigned)fuzz_below(NFIELDS);
			char *at = (char *)b.arc + h + 6 + 8 * field;
			uint32_t v;
			char digits[9];

			switch (fuzz_below(6)) {
			case 0:         /* namesize: around the real one, without the NUL */
				if (!hex8(b.arc + h + 6 + 8 * F_NAMESIZE, &v))
					break;  /* (an earlier round broke it) */
				snprintf(digits, sizeof(digits), "%08X", (unsigned)(v + fuzz_below(5) - 2));
				memcpy(b.arc + h + 6 + 8 * F_NAMESIZE, digits, 8);
				break;
			case 1:         /* the name's NUL becomes a byte, or one comes early */
				if (!hex8(b.arc + h + 6 + 8 * F_NAMESIZE, &v) || v == 0 ||
				    v > b.len - h - HDR)
					break;
				b.arc[h + HDR + fuzz_below(v)] = fuzz_one_in(2) ? 0 : 'A';
				break;
			case 2:         /* a size near what is left, or near 2^32 */
				field = fuzz_one_in(2) ? F_FILESIZE : F_NAMESIZE;
				at = (char *)b.arc + h + 6 + 8 * field;
				snprintf(digits, sizeof(digits), "%08X",
					 (unsigned)fuzz_edge(b.len - h - HDR));
				memcpy(at, digits, 8);
				break;
			case 3:         /* a digit that is not one */
				at[fuzz_below(8)] = not_hex[fuzz_below(sizeof(not_hex) - 1)];
				break;
			case 4:         /* the magic */
				b.arc[h + fuzz_below(6)] ^= (uint8_t)(1u << fuzz_below(8));
				break;
			default:        /* any value in any field */
				snprintf(digits, sizeof(digits), "%08x", (unsigned)fuzz_edge(b.len));
				memcpy(at, digits, 8);
				break;
			}
		}
		walk_copy(&b, b.len);
	}
	fuzz_end();
}

/* Random bytes changed anywhere, then sometimes cut. */
static void test_byte_flips(void **state)
{
	uint64_t n = fuzz_begin("archive byte flips", 14);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, ENTRIES_MAX);
		for (unsigned k = 1 + (unsigned)fuzz_below(6); k-- > 0;) {
			size_t at = fuzz_below(b.len);

			if (fuzz_one_in(2))
				b.arc[at] ^= (uint8_t)(1u << fuzz_below(8));
			else
				b.arc[at] = (uint8_t)fuzz_rand();
		}
		walk_copy(&b, fuzz_one_in(4) ? fuzz_below(b.len + 1) : b.len);
	}
	fuzz_end();
}

/* Random bytes, some with a magic in front, some all headers' digits. */
static void test_random_bytes(void **state)
{
	uint64_t n = fuzz_begin("archive random bytes", 15);
	uint8_t buf[1024];

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		size_t len = fuzz_below(sizeof(buf) + 1);

		fuzz_bytes(buf, sizeof(buf));
		if (fuzz_one_in(2)) {
			memcpy(buf, "070701", 6);
			for (size_t k = 6; k < HDR; k++)
				buf[k] = "0123456789abcdef"[fuzz_below(fuzz_one_in(2) ? 2 : 16)];
		}
		walk(fuzz_copy(buf, len, fuzz_below(8)), len);
	}
	fuzz_end();
}

/* archive_next from offsets a caller should never pass: past the end,
 * near SIZE_MAX, in the middle of an entry, not on a 4-byte boundary. */
static void test_wild_offsets(void **state)
{
	uint64_t n = fuzz_begin("archive wild offsets", 16);
	static struct built b;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		build(&b, ENTRIES_MAX);

		const uint8_t *a = fuzz_copy(b.arc, b.len, fuzz_below(8));
		struct archive_entry e;
		size_t off;

		switch (fuzz_below(3)) {
		case 0: off = fuzz_edge(b.len); break;
		case 1: off = SIZE_MAX - fuzz_below(2 * HDR); break;
		default: off = fuzz_below(b.len + 1); break;
		}
		/* from there on each step must still keep every promise */
		for (size_t steps = 0; next_checked(a, b.len, &off, &e) == 1; steps++)
			FUZZ_CHECK(steps <= b.len / MIN_ENTRY);
	}
	fuzz_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_archives),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_byte_flips),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_wild_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
