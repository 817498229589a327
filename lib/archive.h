/*
 * archive.h - a reader for cpio "newc" archives (cpio -o -H newc, the
 * Linux initramfs format). The guest kernel's container host receives its
 * container image as a multiboot module in this format, so every length
 * and offset in it is checked against the buffer before use.
 */
#ifndef LIB_ARCHIVE_H
#define LIB_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

/*
 * One archive member. name and data point into the caller's buffer; name
 * is NUL-terminated there (name_len excludes the NUL) and is taken as
 * written, e.g. "bin/sh" or "./bin/sh". Directories, symlinks and devices
 * are entries too: tell them apart by mode (S_IFMT bits, 0170000). For
 * hard links newc stores the data once, on the last link only.
 */
struct archive_entry {
	const char *name;
	size_t name_len;
	const void *data;
	size_t size;
	uint32_t mode;
};

/*
 * Read the entry of (buf, len) that starts at (*offset) into (out) and
 * advance *offset past it and its padding. Start with *offset = 0. An
 * archive begins at a 4-byte boundary of buf (padding counts from buf).
 * Returns 1 for an entry; 0 at the "TRAILER!!!" entry, which ends the
 * archive (*offset then points past it, out is not set); -1 if the entry
 * is malformed or *offset reaches len before the trailer, with a one-line
 * message starting "archive: " in (err, errlen). err may be NULL.
 */
int archive_next(const void *buf, size_t len, size_t *offset, struct archive_entry *out,
		 char *err, size_t errlen);

/*
 * Find the first entry named exactly (name) in (buf, len) and store it in
 * (out). Returns 1 found, 0 not found (the whole archive was read up to
 * its trailer), -1 malformed (err set as by archive_next). Entries after
 * the one found are not checked: call archive_count first to validate a
 * whole image.
 */
int archive_find(const void *buf, size_t len, const char *name, struct archive_entry *out,
		 char *err, size_t errlen);

/*
 * Check every entry of (buf, len). Returns the number of entries before
 * the trailer, or -1 with err set as by archive_next.
 */
int archive_count(const void *buf, size_t len, char *err, size_t errlen);

#endif /* LIB_ARCHIVE_H */
