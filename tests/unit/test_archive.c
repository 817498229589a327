/*
 * test_archive.c - host unit tests for lib/archive.c (cmocka, ASan, UBSan).
 * newc archives are written in memory by a small writer, then broken one
 * field at a time; each break must give its own error line. Archives are
 * read from exact-size heap copies, so ASan sees any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/archive.h"
#include "lib/string.h"

#define ARC_MAX    4096
#define S_IFREG    0100000
#define S_IFDIR    0040000

/* The archive being written, and the heap copy last handed to the reader. */
static uint8_t arc[ARC_MAX];
static size_t arc_len;
static uint8_t *copy;
static char err[160];

/* Header field values that the writer would not produce on its own. */
#define AUTO       UINT64_MAX

static void put_pad(void)
{
	while (arc_len % 4)
		arc[arc_len++] = 0;
}

/*
 * Append one newc entry. (namesize) and (filesize) are written into the
 * header as given unless AUTO, which means the true sizes; the name
 * (with its NUL) and the data are copied in either way.
 */
static size_t add_raw(const char *name, const void *data, size_t size, uint32_t mode,
		      uint64_t namesize, uint64_t filesize)
{
	size_t start = arc_len, nlen = strlen(name) + 1;

	if (namesize == AUTO)
		namesize = nlen;
	if (filesize == AUTO)
		filesize = size;
	assert_true(arc_len + 110 + nlen + 3 + size + 3 <= ARC_MAX);
	arc_len += (size_t)snprintf((char *)arc + arc_len, 112,
			"070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			0x1234u, mode, 0u, 0u, 1u, 0x5f5e1000u, (unsigned)filesize,
			0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
	memcpy(arc + arc_len, name, nlen);
	arc_len += nlen;
	put_pad();
	memcpy(arc + arc_len, data, size);
	arc_len += size;
	put_pad();
	return start;
}

static size_t add(const char *name, const void *data, size_t size)
{
	return add_raw(name, data, size, S_IFREG | 0644, AUTO, AUTO);
}

static void trailer(void)
{
	add_raw("TRAILER!!!", "", 0, 0, AUTO, AUTO);
}

/* Heap copy of the first (len) bytes of arc, exactly that size. */
static const void *cut(size_t len)
{
	free(copy);
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, arc, len);
	return copy;
}

static int count(void)
{
	err[0] = '\0';
	return archive_count(cut(arc_len), arc_len, err, sizeof(err));
}

static int setup(void **state)
{
	memset(arc, 0, sizeof(arc));
	arc_len = 0;
	return 0;
}

static int teardown(void **state)
{
	free(copy);
	copy = NULL;
	return 0;
}

/* Sizes 0, 1, 3, 4, 5 and name lengths 1..7: every padding of both. */
static const struct { const char *name; const char *data; size_t size; } files[] = {
	{ "a", "", 0 },
	{ "bb", "x", 1 },
	{ "ccc", "xyz", 3 },
	{ "dddd", "wxyz", 4 },
	{ "eeeee", "vwxyz", 5 },
	{ "ffffff", "1", 1 },
	{ "bin/ggg", "abc", 3 },
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static void build_files(void)
{
	for (size_t i = 0; i < NFILES; i++)
		add(files[i].name, files[i].data, files[i].size);
	trailer();
}

static void test_next_walks_every_entry(void **state)
{
	struct archive_entry e;
	size_t off = 0;
	const void *buf;

	build_files();
	buf = cut(arc_len);
	for (size_t i = 0; i < NFILES; i++) {
		assert_int_equal(archive_next(buf, arc_len, &off, &e, err, sizeof(err)), 1);
		assert_string_equal(e.name, files[i].name);
		assert_int_equal(e.name_len, strlen(files[i].name));
		assert_int_equal(e.size, files[i].size);
		assert_memory_equal(e.data, files[i].data, files[i].size);
		assert_int_equal(e.mode, S_IFREG | 0644);
		assert_int_equal(off % 4, 0);
		/* Pointers stay in the buffer even for empty data. */
		assert_true((const uint8_t *)e.data + e.size <= (const uint8_t *)buf + arc_len);
	}
	assert_int_equal(archive_next(buf, arc_len, &off, &e, err, sizeof(err)), 0);
	assert_int_equal(off, arc_len);
}

static void test_count(void **state)
{
	build_files();
	assert_int_equal(count(), NFILES);
}

static void test_only_trailer_is_empty(void **state)
{
	trailer();
	assert_int_equal(count(), 0);
}

static void test_find(void **state)
{
	struct archive_entry e;

	build_files();
	cut(arc_len);
	assert_int_equal(archive_find(copy, arc_len, "dddd", &e, err, sizeof(err)), 1);
	assert_memory_equal(e.data, "wxyz", 4);
	assert_int_equal(archive_find(copy, arc_len, "bin/ggg", &e, err, sizeof(err)), 1);
	assert_int_equal(e.size, 3);
	assert_int_equal(archive_find(copy, arc_len, "a", &e, err, sizeof(err)), 1);
	assert_int_equal(e.size, 0);
	/* Exact names only: no prefix, no extension, no "./". */
	assert_int_equal(archive_find(copy, arc_len, "ddd", &e, err, sizeof(err)), 0);
	assert_int_equal(archive_find(copy, arc_len, "ddddd", &e, err, sizeof(err)), 0);
	assert_int_equal(archive_find(copy, arc_len, "./dddd", &e, err, sizeof(err)), 0);
	assert_int_equal(archive_find(copy, arc_len, "", &e, err, sizeof(err)), 0);
	/* The trailer ends the archive; it is not a member. */
	assert_int_equal(archive_find(copy, arc_len, "TRAILER!!!", &e, err, sizeof(err)), 0);
}

static void test_find_reports_malformed(void **state)
{
	struct archive_entry e;

	add("a", "1", 1);
	add_raw("b", "2", 1, S_IFREG, AUTO, 0xffffffffu);
	trailer();
	cut(arc_len);
	/* Found before the bad entry: later entries are not read. */
	assert_int_equal(archive_find(copy, arc_len, "a", &e, err, sizeof(err)), 1);
	assert_int_equal(archive_find(copy, arc_len, "zz", &e, err, sizeof(err)), -1);
	assert_string_equal(err, "archive: data of 'b' runs past the end at offset 0x74");
}

static void test_directory_mode(void **state)
{
	struct archive_entry e;

	add_raw("bin", "", 0, S_IFDIR | 0755, AUTO, AUTO);
	trailer();
	cut(arc_len);
	assert_int_equal(archive_find(copy, arc_len, "bin", &e, err, sizeof(err)), 1);
	assert_int_equal(e.mode, S_IFDIR | 0755);
}

/* Every proper prefix of a valid archive is malformed. */
static void test_every_truncation_fails(void **state)
{
	build_files();
	size_t full = arc_len;

	for (size_t len = 0; len < full; len++) {
		err[0] = '\0';
		assert_int_equal(archive_count(cut(len), len, err, sizeof(err)), -1);
		assert_true(strncmp(err, "archive: ", 9) == 0);
		assert_null(strchr(err, '\n'));
	}
	cut(0);
	assert_int_equal(archive_count(copy, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "archive: no TRAILER!!! entry");
	cut(50);
	assert_int_equal(archive_count(copy, 50, err, sizeof(err)), -1);
	assert_string_equal(err, "archive: truncated header at offset 0x0");
	cut(111);
	assert_int_equal(archive_count(copy, 111, err, sizeof(err)), -1);
	assert_string_equal(err, "archive: name runs past the end at offset 0x0");
}

static void test_no_trailer(void **state)
{
	build_files();
	arc_len -= 124;         /* drop the trailer: 110 + 11 + 3 pad */
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: no TRAILER!!! entry");
}

static void test_filesize_max(void **state)
{
	add("x", "", 0);
	add_raw("big", "abcd", 4, S_IFREG, AUTO, 0xffffffffu);
	trailer();
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: data of 'big' runs past the end at offset 0x70");
}

static void test_namesize_zero(void **state)
{
	add_raw("x", "", 0, S_IFREG, 0, AUTO);
	trailer();
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: name not NUL-terminated at offset 0x0");
}

static void test_namesize_max(void **state)
{
	add_raw("x", "", 0, S_IFREG, 0xffffffffu, AUTO);
	trailer();
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: name runs past the end at offset 0x0");
}

static void test_name_without_nul(void **state)
{
	/* namesize 2 covers "ab" but not its NUL. */
	add_raw("abc", "", 0, S_IFREG, 2, AUTO);
	trailer();
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: name not NUL-terminated at offset 0x0");
}

static void test_nul_inside_name(void **state)
{
	add_raw("ab", "", 0, S_IFREG, AUTO, AUTO);
	arc[110] = '\0';        /* "\0b\0": would look like the empty name */
	trailer();
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: NUL inside name at offset 0x0");
}

static void test_bad_magic(void **state)
{
	add("a", "1", 1);
	trailer();
	memcpy(arc, "070707", 6);       /* the old "odc" format */
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: bad magic at offset 0x0");
}

static void test_bad_magic_later(void **state)
{
	size_t second;

	add("a", "1", 1);
	second = add("b", "2", 1);
	trailer();
	arc[second + 5] = '2';          /* "070702", the CRC variant */
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: bad magic at offset 0x74");
}

static void test_bad_hex_digit(void **state)
{
	add("a", "1", 1);
	trailer();
	arc[6 + 6 * 8 + 7] = 'g';       /* last digit of filesize */
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: bad hex digit in field filesize at offset 0x0");
}

static void test_hex_rejects_sign_and_space(void **state)
{
	static const struct { size_t pos; char c; const char *field; } cases[] = {
		{ 6 + 1 * 8, ' ', "mode" },
		{ 6 + 11 * 8, '-', "namesize" },
		{ 6 + 11 * 8 + 1, 'x', "namesize" },
		{ 6 + 12 * 8 + 7, '\0', "check" },
	};
	char want[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(state);
		add("a", "1", 1);
		trailer();
		arc[cases[i].pos] = (uint8_t)cases[i].c;
		assert_int_equal(count(), -1);
		snprintf(want, sizeof(want), "archive: bad hex digit in field %s at offset 0x0",
			 cases[i].field);
		assert_string_equal(err, want);
	}
}

static void test_uppercase_and_lowercase_hex(void **state)
{
	struct archive_entry e;

	add("a", "0123456789", 10);
	trailer();
	memcpy(arc + 6 + 6 * 8, "0000000a", 8);   /* filesize 10, lowercase */
	cut(arc_len);
	assert_int_equal(archive_find(copy, arc_len, "a", &e, err, sizeof(err)), 1);
	assert_int_equal(e.size, 10);
}

static void test_error_quotes_name_on_one_line(void **state)
{
	add_raw("ev\nil", "", 0, S_IFREG, AUTO, 0x1000);
	trailer();
	assert_int_equal(count(), -1);
	assert_string_equal(err, "archive: data of 'ev' runs past the end at offset 0x0");
}

static void test_offset_past_end(void **state)
{
	struct archive_entry e;
	size_t off;

	trailer();
	off = arc_len + 1;
	cut(arc_len);
	assert_int_equal(archive_next(copy, arc_len, &off, &e, err, sizeof(err)), -1);
	assert_true(strncmp(err, "archive: truncated header", 25) == 0);
}

static void test_null_and_short_err(void **state)
{
	char small[10];

	add_raw("x", "", 0, S_IFREG, 0, AUTO);
	trailer();
	cut(arc_len);
	assert_int_equal(archive_count(copy, arc_len, NULL, 0), -1);
	assert_int_equal(archive_count(copy, arc_len, NULL, 100), -1);
	assert_int_equal(archive_count(copy, arc_len, small, sizeof(small)), -1);
	assert_string_equal(small, "archive: ");
}

/*
 * An archive written by the real cpio tool, so the reader is held to the
 * format as GNU cpio writes it and not only as our writer above does.
 * Skipped where /usr/bin/cpio is not installed (the build image has none
 * today); the other tests do not depend on it.
 */
static void test_real_cpio(void **state)
{
	char dir[] = "/tmp/test_archive.XXXXXX", cmd[512], path[600];
	struct archive_entry e;
	FILE *f;
	long n;

	if (access("/usr/bin/cpio", X_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir bin && printf '' > empty && printf 'hello\\n' > bin/hi && "
		 "printf 'abcde' > five && printf 'bin\\nbin/hi\\nempty\\nfive\\n' | "
		 "/usr/bin/cpio -o -H newc --quiet > out.cpio", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/out.cpio", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = (long)fread(arc, 1, sizeof(arc), f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	assert_true(n > 0 && n < (long)sizeof(arc));
	arc_len = (size_t)n;

	/* cpio pads the archive to 512-byte blocks; the reader stops at the
	 * trailer and ignores what follows. */
	assert_int_equal(count(), 4);
	assert_int_equal(archive_find(copy, arc_len, "bin", &e, err, sizeof(err)), 1);
	assert_int_equal(e.mode & 0170000, S_IFDIR);
	assert_int_equal(archive_find(copy, arc_len, "bin/hi", &e, err, sizeof(err)), 1);
	assert_int_equal(e.size, 6);
	assert_memory_equal(e.data, "hello\n", 6);
	assert_int_equal(e.mode & 0170000, S_IFREG);
	assert_int_equal(archive_find(copy, arc_len, "empty", &e, err, sizeof(err)), 1);
	assert_int_equal(e.size, 0);
	assert_int_equal(archive_find(copy, arc_len, "five", &e, err, sizeof(err)), 1);
	assert_memory_equal(e.data, "abcde", 5);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_next_walks_every_entry),
		T(test_count),
		T(test_only_trailer_is_empty),
		T(test_find),
		T(test_find_reports_malformed),
		T(test_directory_mode),
		T(test_every_truncation_fails),
		T(test_no_trailer),
		T(test_filesize_max),
		T(test_namesize_zero),
		T(test_namesize_max),
		T(test_name_without_nul),
		T(test_nul_inside_name),
		T(test_bad_magic),
		T(test_bad_magic_later),
		T(test_bad_hex_digit),
		T(test_hex_rejects_sign_and_space),
		T(test_uppercase_and_lowercase_hex),
		T(test_error_quotes_name_on_one_line),
		T(test_offset_past_end),
		T(test_null_and_short_err),
		T(test_real_cpio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
