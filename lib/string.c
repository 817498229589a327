/*
 * string.c - memory and string functions with standard C semantics, plus
 * strlcpy. Linked into both kernels (ring 0, any mode) and into the host
 * unit tests under lib_* names (see lib/string.h).
 *
 * Plain byte loops: easy to check, and fast enough for boot-time copies.
 */
#include <stdint.h>

#include "lib/string.h"

#if defined(__x86_64__) && !defined(UNIT_TEST)
/*
 * In the 64-bit kernels, memcpy and memset use the string instructions, eight
 * bytes a step: they zero and copy whole guest memories (16 MiB for a VM),
 * where a byte loop costs eight times the steps. DF is clear in both
 * kernels (boot.S and every trap entry clear it).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint64_t v = 0x0101010101010101ULL * (unsigned char)c;
	void *d = dst;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(v) : "memory");
	return dst;
}
#else
/* On the host (unit tests) and in 32-bit test kernels (tests/vpc/), the
 * plain loops: what the unit tests check. */
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	return dst;
}
#endif

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/*
	 * When dst starts above src, a forward copy would overwrite source
	 * bytes before reading them, so copy from the end instead. The
	 * addresses are compared as integers: comparing pointers into
	 * different objects is undefined in C.
	 */
	if ((uintptr_t)d > (uintptr_t)s) {
		while (n > 0) {
			n--;
			d[n] = s[n];
		}
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
	return dst;
}

#ifdef UNIT_TEST
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = (unsigned char)c;
	return dst;
}
#endif

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* The C standard orders strings by their characters as unsigned char, so
 * "\xff" sorts after "a" whatever the signedness of char. */
int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x != y)
			return x < y ? -1 : 1;
		if (x == '\0')
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
