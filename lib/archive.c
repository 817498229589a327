/*
 * archive.c - cpio "newc" archive reader (see lib/archive.h). Runs in the
 * guest kernel (ring 0) on a boot module, and on the host in unit tests.
 * The format: a 110-byte ASCII header ("070701" and 13 8-digit hex
 * fields), the NUL-terminated name, the data, each padded to 4 bytes.
 */
#include "lib/archive.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define HDR_SIZE        110
#define MAGIC           "070701"
#define MAGIC_LEN       6
#define FIELD_LEN       8
#define NFIELDS         13
#define TRAILER         "TRAILER!!!"

/* Header fields in file order; the index is the field's position. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
       F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static const char *const field_names[NFIELDS] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor",
	"devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

/* Longest part of a name quoted in an error message. */
#define ERR_NAME_MAX    64

/* Parse 8 hex digits at (s) into (*v); false on any other character.
 * Only digits count: no sign, no "0x", no spaces, unlike strtoul. */
static int parse_hex8(const char *s, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		char c = s[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return 0;
		x = x << 4 | d;
	}
	*v = x;
	return 1;
}

/* Bytes from (pos) up to the next 4-byte boundary of the buffer. */
static size_t pad4(size_t pos)
{
	return (4 - (pos & 3)) & 3;
}

/* How much of (name) may be quoted: the name is untrusted, and a newline
 * or escape sequence in it must not break the one-line message. */
static int printable_len(const char *name, size_t len)
{
	size_t n = 0;

	while (n < len && n < ERR_NAME_MAX && name[n] >= 0x20 && name[n] < 0x7f)
		n++;
	return (int)n;
}

int archive_next(const void *buf, size_t len, size_t *offset, struct archive_entry *out,
		 char *err, size_t errlen)
{
	const char *b = buf;
	size_t off = *offset, pos, name_len;
	uint32_t f[NFIELDS];
	const char *name;

	if (err == NULL)
		errlen = 0;
#define FAIL(...) do { fmt_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

	if (off == len)
		FAIL("archive: no TRAILER!!! entry");
	/* Every later check compares a size with what is left after a
	 * position already known to be <= len, so no sum can wrap. */
	if (off > len || len - off < HDR_SIZE)
		FAIL("archive: truncated header at offset 0x%zx", off);
	if (memcmp(b + off, MAGIC, MAGIC_LEN) != 0)
		FAIL("archive: bad magic at offset 0x%zx", off);
	for (int i = 0; i < NFIELDS; i++)
		if (!parse_hex8(b + off + MAGIC_LEN + (size_t)i * FIELD_LEN, &f[i]))
			FAIL("archive: bad hex digit in field %s at offset 0x%zx",
			     field_names[i], off);

	/* The name: namesize counts the NUL, which must be its last byte
	 * and its only NUL, so that name_len and strlen(name) agree. */
	pos = off + HDR_SIZE;
	if (f[F_NAMESIZE] > len - pos)
		FAIL("archive: name runs past the end at offset 0x%zx", off);
	name = b + pos;
	if (f[F_NAMESIZE] == 0 || name[f[F_NAMESIZE] - 1] != '\0')
		FAIL("archive: name not NUL-terminated at offset 0x%zx", off);
	name_len = f[F_NAMESIZE] - 1;
	if (strnlen(name, name_len) != name_len)
		FAIL("archive: NUL inside name at offset 0x%zx", off);
	pos += f[F_NAMESIZE];
	if (pad4(pos) > len - pos)
		FAIL("archive: name runs past the end at offset 0x%zx", off);
	pos += pad4(pos);

	/* The data and its padding; the trailer must fit like any entry. */
	if (f[F_FILESIZE] > len - pos || pad4(pos + f[F_FILESIZE]) > len - pos - f[F_FILESIZE])
		FAIL("archive: data of '%.*s' runs past the end at offset 0x%zx",
		     printable_len(name, name_len), name, off);
	*offset = pos + f[F_FILESIZE] + pad4(pos + f[F_FILESIZE]);

	if (name_len == sizeof(TRAILER) - 1 && memcmp(name, TRAILER, name_len) == 0)
		return 0;
	*out = (struct archive_entry){
		.name = name, .name_len = name_len, .data = b + pos,
		.size = f[F_FILESIZE], .mode = f[F_MODE],
	};
	return 1;
#undef FAIL
}

int archive_find(const void *buf, size_t len, const char *name, struct archive_entry *out,
		 char *err, size_t errlen)
{
	size_t off = 0, want = strlen(name);
	struct archive_entry e;
	int r;

	while ((r = archive_next(buf, len, &off, &e, err, errlen)) == 1) {
		if (e.name_len == want && memcmp(e.name, name, want) == 0) {
			*out = e;
			return 1;
		}
	}
	return r;
}

int archive_count(const void *buf, size_t len, char *err, size_t errlen)
{
	size_t off = 0;
	struct archive_entry e;
	int n = 0, r;

	while ((r = archive_next(buf, len, &off, &e, err, errlen)) == 1) {
		/* An entry takes at least 112 bytes, so only a buffer of
		 * hundreds of gigabytes could get here; still, no overflow. */
		if (n == __INT_MAX__) {
			if (err != NULL)
				fmt_snprintf(err, errlen, "archive: too many entries");
			return -1;
		}
		n++;
	}
	return r < 0 ? -1 : n;
}
