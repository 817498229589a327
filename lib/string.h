/*
 * string.h - the C library's memory and string functions, for kernels that
 * have no C library. Shared by mica and the guest kernel (ring 0), and built
 * for the host by the unit tests.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

/*
 * gcc calls memcpy, memmove, memset and memcmp on its own (struct copies,
 * large initializers) even with -ffreestanding, so the kernel must define
 * these exact names. A host unit test links the C library too, which owns
 * the same names; there ours are renamed to lib_* and the test links
 * lib/string.c, so the host runs this file's code and not libc's.
 * Host sources must include system headers before this one.
 */
#ifdef UNIT_TEST
#define memcpy  lib_memcpy
#define memmove lib_memmove
#define memset  lib_memset
#define memcmp  lib_memcmp
#define strlen  lib_strlen
#define strnlen lib_strnlen
#define strcmp  lib_strcmp
#define strncmp lib_strncmp
#define strchr  lib_strchr
#define strrchr lib_strrchr
#define strlcpy lib_strlcpy
#endif

/* Copy (n) bytes from (src) to (dst); the ranges must not overlap.
 * Returns dst. */
void *memcpy(void *dst, const void *src, size_t n);

/* Copy (n) bytes from (src) to (dst); the ranges may overlap.
 * Returns dst. */
void *memmove(void *dst, const void *src, size_t n);

/* Fill (n) bytes at (dst) with the byte (c). Returns dst. */
void *memset(void *dst, int c, size_t n);

/* Compare (n) bytes as unsigned char. Returns <0, 0 or >0 as (a) sorts
 * before, equal to, or after (b). */
int memcmp(const void *a, const void *b, size_t n);

/* Length of the NUL-terminated string (s), not counting the NUL. */
size_t strlen(const char *s);

/* Like strlen, but reads at most (max) bytes of (s): returns max when there
 * is no NUL among them. Safe on buffers that may lack a terminator. */
size_t strnlen(const char *s, size_t max);

/* Compare two strings as unsigned char. Returns <0, 0 or >0. */
int strcmp(const char *a, const char *b);

/* Compare at most (n) characters of two strings. Returns <0, 0 or >0. */
int strncmp(const char *a, const char *b, size_t n);

/* First (c) in (s), or NULL. (c) may be '\0': that finds the terminator. */
char *strchr(const char *s, int c);

/* Last (c) in (s), or NULL. (c) may be '\0': that finds the terminator. */
char *strrchr(const char *s, int c);

/*
 * Copy the string (src) into (dst), which has room for (size) bytes: at
 * most size - 1 characters are copied and dst is always NUL-terminated when
 * size > 0. Returns strlen(src), so the copy was truncated exactly when
 * the return value is >= size.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* LIB_STRING_H */
