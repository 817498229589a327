/*
 * cmdline.h - parsing of multiboot command lines such as
 * "/boot/guest.elf name=web mem=4M app=httpd selftest", and of the sizes
 * and numbers in their values. Used by both kernels at boot and by mica
 * for each guest's module command line.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffer sizes for one key and one value, terminator included: a longer
 * key or value makes its token malformed. */
#define CMDLINE_KEY_MAX 32
#define CMDLINE_VAL_MAX 128

/*
 * The options part of (line): loaders (GRUB, QEMU) put the image path
 * first, so a first token that contains '/' and no '=' is skipped. Leading
 * blanks are skipped too. A NULL line gives "". Never fails.
 */
const char *cmdline_args(const char *line);

/*
 * Read the next token at (*cursor). Tokens are separated by spaces and
 * tabs; "k=v" gives key "k" and value "v" (the value may contain more
 * '='), a bare "flag" gives key "flag" and value "".
 * Returns 1 for a token, 0 at the end of the line, or -1 for a malformed
 * token (empty key, key longer than CMDLINE_KEY_MAX - 1, value longer than
 * CMDLINE_VAL_MAX - 1); then key and val are "". In every case (*cursor)
 * moves past the token, so a loop can report a bad token and go on.
 */
int cmdline_next(const char **cursor, char key[CMDLINE_KEY_MAX], char val[CMDLINE_VAL_MAX]);

/*
 * Check that every option of cmdline_args(line) has a key listed in
 * (known), a NULL-terminated array. Returns 0, or -1 for the first bad
 * token with one line in (err) (errlen bytes, may be NULL), e.g.
 * "unknown option 'bogus' (known: selftest, mem, name)" or
 * "malformed option '=x'". Kernels call it at boot so that a typo in an
 * option stops the run instead of being ignored.
 */
int cmdline_check(const char *line, const char *const known[], char *err, size_t errlen);

/*
 * Look up (key) among the options of cmdline_args(line). Returns true if
 * it is present; the last occurrence wins and its value ("" for a bare
 * flag) is copied to (val), truncated to (vallen) - 1 characters. (val)
 * may be NULL to test presence only. Malformed tokens are ignored.
 */
bool cmdline_get(const char *line, const char *key, char *val, size_t vallen);

/*
 * Parse a size: decimal ("4096") or hex ("0x1000"), optionally followed by
 * one of K, M, G (KiB, MiB, GiB; either case): "4K", "16M", "1g".
 * Returns 0 with the byte count in (*out), or -1 (out untouched) for an
 * empty string, anything else in it, or a result above UINT64_MAX.
 */
int cmdline_parse_size(const char *s, uint64_t *out);

/* Parse an unsigned number, decimal or "0x" hex. Returns 0 with (*out)
 * set, or -1 (out untouched) for empty input, other characters, or a
 * value above UINT64_MAX. */
int cmdline_parse_uint(const char *s, uint64_t *out);

#endif /* LIB_CMDLINE_H */
