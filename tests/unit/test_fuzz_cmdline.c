/*
 * test_fuzz_cmdline.c - fuzzing lib/cmdline.c on the host (cmocka, ASan,
 * UBSan): hostile command lines (keys and values at and over
 * CMDLINE_KEY_MAX and CMDLINE_VAL_MAX, runs of '=', control characters,
 * bytes >= 0x80, empty keys, only blanks, lines of 64 KiB) through
 * cmdline_args, cmdline_next, cmdline_check and cmdline_get, and absurd
 * numbers and sizes through cmdline_parse_uint and cmdline_parse_size.
 *
 * Lines, keys, values and error buffers are exact-size heap copies, so
 * ASan sees a read past a line's NUL or a write past a buffer. Every
 * result is compared with a reference written from cmdline.h's contract;
 * numbers are summed in 128 bits there, so an overflow cannot hide.
 * MICA_FUZZ_CASES sets the number of cases (see fuzz.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cmdline.h"
#include "lib/string.h"
#include "tests/unit/fuzz.h"

#define LINE_MAX_BYTES  65536
#define KNOWN_MAX       6

typedef unsigned __int128 u128;

/* ---------------------------------------------------------------------
 * The reference: cmdline.h's contract, written out plainly. */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *ref_args(const char *line)
{
	size_t i = 0, end;

	if (line == NULL)
		return "";
	while (blank(line[i]))
		i++;
	for (end = i; line[end] != '\0' && !blank(line[end]); end++)
		;
	if (memchr(line + i, '/', end - i) != NULL && memchr(line + i, '=', end - i) == NULL) {
		while (blank(line[end]))
			end++;
		return line + end;
	}
	return line + i;
}

struct ref_tok {
	int r;                                  /* as cmdline_next returns */
	const char *tok, *end;                  /* the token */
	char key[LINE_MAX_BYTES], val[LINE_MAX_BYTES];
};

static void ref_next(const char *s, struct ref_tok *t)
{
	while (blank(*s))
		s++;
	t->tok = s;
	while (*s != '\0' && !blank(*s))
		s++;
	t->end = s;
	t->key[0] = t->val[0] = '\0';
	if (t->end == t->tok) {
		t->r = 0;
		return;
	}

	size_t len = (size_t)(t->end - t->tok);
	const char *eq = memchr(t->tok, '=', len);
	size_t klen = eq ? (size_t)(eq - t->tok) : len;
	size_t vlen = eq ? len - klen - 1 : 0;

	t->r = klen == 0 || klen >= CMDLINE_KEY_MAX || vlen >= CMDLINE_VAL_MAX ? -1 : 1;
	if (t->r == 1) {
		memcpy(t->key, t->tok, klen);
		t->key[klen] = '\0';
		memcpy(t->val, t->tok + klen + 1, vlen);
		t->val[vlen] = '\0';
	}
}

/* ---------------------------------------------------------------------
 * Hostile command lines. */

static char line_buf[LINE_MAX_BYTES + 1];

/* Append (n) bytes of a kind to the line being built, within its room. */
static size_t put_run(size_t at, size_t n, const char *alphabet, size_t alen)
{
	for (size_t i = 0; i < n && at < LINE_MAX_BYTES; i++)
		line_buf[at++] = alphabet[fuzz_below(alen)];
	return at;
}

/* A length around a limit: the limit itself, one less, one more, ... */
static size_t around(size_t limit)
{
	return limit + fuzz_below(5) - 2;
}

static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:";
static const char hostile[] = "==//\t \x01\x02\x07\x08\n\r\x0b\x0c\x1b\x7f"
			      "\x80\x9b\xc3\xa9\xfe\xff\"'\\%";

/* One token: a key and a value of lengths at, around or far over the
 * limits, and of characters from the plain or the hostile alphabet. */
static size_t put_token(size_t at)
{
	const char *alpha = fuzz_one_in(4) ? hostile : plain;
	size_t alen = alpha == hostile ? sizeof(hostile) - 1 : sizeof(plain) - 1;
	size_t klen, vlen;

	switch (fuzz_below(6)) {
	case 0: klen = around(CMDLINE_KEY_MAX - 1); break;
	case 1: klen = 0; break;
	case 2: klen = fuzz_below(4096); break;
	default: klen = 1 + fuzz_below(12); break;
	}
	at = put_run(at, klen, alpha, alen);
	if (fuzz_one_in(4))
		return at;                              /* a bare flag */
	at = put_run(at, 1 + (fuzz_one_in(6) ? fuzz_below(8) : 0), "=", 1);
	switch (fuzz_below(6)) {
	case 0: vlen = around(CMDLINE_VAL_MAX - 1); break;
	case 1: vlen = 0; break;
	case 2: vlen = fuzz_below(8192); break;
	default: vlen = fuzz_below(16); break;
	}
	return put_run(at, vlen, alpha, alen);
}

/* A random hostile line in line_buf; returns its length. */
static size_t make_line(void)
{
	size_t at = 0, target;

	switch (fuzz_below(8)) {
	case 0:                                 /* nothing but blanks */
		at = put_run(0, fuzz_below(300), " \t", 2);
		break;
	case 1:                                 /* every byte but NUL */
		for (size_t n = fuzz_below(2048); at < n; at++)
			line_buf[at] = (char)(1 + fuzz_below(255));
		break;
	case 2:                                 /* up to 64 KiB of tokens */
		target = LINE_MAX_BYTES - fuzz_below(16);
		while (at < target) {
			at = put_token(at);
			at = put_run(at, 1 + fuzz_below(3), " \t", 2);
		}
		break;
	default:                                /* a path, then options */
		if (fuzz_one_in(2))
			at = put_run(0, 1 + fuzz_below(20), "/boot/guest.elf=", 16);
		for (unsigned k = (unsigned)fuzz_below(12); k-- > 0;) {
			at = put_run(at, fuzz_below(3), " \t", 2);
			at = put_token(at);
		}
		at = put_run(at, fuzz_below(3), " \t", 2);
		break;
	}
	if (at > LINE_MAX_BYTES)
		at = LINE_MAX_BYTES;
	line_buf[at] = '\0';
	return strlen(line_buf);                /* a hostile run may hold no NUL */
}

/* The line as an exact-size heap copy at a random alignment. */
static const char *line_copy(size_t *len)
{
	*len = make_line();
	return fuzz_copy(line_buf, *len + 1, fuzz_below(8));
}

/* ---------------------------------------------------------------------
 * The tests. */

/* cmdline_args and then cmdline_next to the end: each step as the
 * reference says, the cursor always moving forward inside the line. */
static void test_tokens(void **state)
{
	uint64_t n = fuzz_begin("cmdline tokens", 21);
	static struct ref_tok ref;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		size_t len;
		const char *line = line_copy(&len), *end = line + len;
		const char *cursor = cmdline_args(line);
		char *key = fuzz_copy(NULL, CMDLINE_KEY_MAX, 0);
		char *val = fuzz_copy(NULL, CMDLINE_VAL_MAX, 0);
		size_t steps = 0;
		int r;

		FUZZ_CHECK(cursor == ref_args(line));
		FUZZ_CHECK(cursor >= line && cursor <= end);
		do {
			const char *before = cursor;

			ref_next(cursor, &ref);
			r = cmdline_next(&cursor, key, val);
			FUZZ_CHECK(r == ref.r);
			FUZZ_CHECK(cursor == (r == 0 ? ref.tok : ref.end));
			FUZZ_CHECK(cursor <= end);
			FUZZ_CHECK(r == 0 ? *cursor == '\0' : cursor > before);
			FUZZ_CHECK(strcmp(key, ref.key) == 0 && strcmp(val, ref.val) == 0);
			fuzz_count(r > 0 ? "tokens" : r < 0 ? "malformed" : "lines", 1);
			FUZZ_CHECK(++steps <= len + 1);         /* it ends */
		} while (r != 0);
		/* at the end it stays at the end */
		FUZZ_CHECK(cmdline_next(&cursor, key, val) == 0 && cursor <= end);
	}
	FUZZ_CHECK(strcmp(cmdline_args(NULL), "") == 0);
	fuzz_end();
}

/* A known list: none, empty, or some of the line's own keys. */
static unsigned pick_known(const char *line, const char *known[KNOWN_MAX + 1],
			   char words[KNOWN_MAX][CMDLINE_KEY_MAX])
{
	const char *cursor = cmdline_args(line);
	char val[CMDLINE_VAL_MAX];
	unsigned n = 0;
	int r;

	while (n < KNOWN_MAX && (r = cmdline_next(&cursor, words[n], val)) != 0)
		if (r > 0 && fuzz_one_in(2))
			n++;
	if (n < KNOWN_MAX && fuzz_one_in(2))
		strcpy(words[n++], "selftest");
	for (unsigned i = 0; i < n; i++)
		known[i] = words[i];
	known[n] = NULL;
	return n;
}

static bool ref_known(const char *key, const char *const known[])
{
	for (unsigned k = 0; known != NULL && known[k] != NULL; k++)
		if (strcmp(key, known[k]) == 0)
			return true;
	return false;
}

/* cmdline_check: 0 exactly when every token is well formed and known;
 * otherwise one line, inside the buffer, and nothing written when there
 * is no room at all. */
static void test_check(void **state)
{
	static const size_t errlens[] = { 0, 1, 2, 10, 40, 160, 1024 };
	uint64_t n = fuzz_begin("cmdline check", 22);
	static struct ref_tok ref;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		size_t len, errlen = errlens[fuzz_below(7)];
		const char *line = line_copy(&len);
		const char *known[KNOWN_MAX + 1];
		char words[KNOWN_MAX][CMDLINE_KEY_MAX];
		char *err = fuzz_copy(NULL, errlen, 0), *copy = fuzz_copy(err, errlen, 0);

		pick_known(line, known, words);
		bool null_known = fuzz_one_in(8), null_err = fuzz_one_in(8);
		int r = cmdline_check(line, null_known ? NULL : known, null_err ? NULL : err, errlen);

		/* the reference: the first token that is malformed or unknown */
		int want = 0;
		for (const char *c = ref_args(line);; c = ref.end) {
			ref_next(c, &ref);
			if (ref.r == 0)
				break;
			if (ref.r < 0 || !ref_known(ref.key, null_known ? NULL : known)) {
				want = -1;
				break;
			}
		}
		FUZZ_CHECK(r == want);
		fuzz_count(r == 0 ? "accepted" : "rejected", 1);
		if (r == 0 || null_err || errlen == 0) {
			FUZZ_CHECK(memcmp(err, copy, errlen) == 0);
			continue;
		}
		size_t msg = strnlen(err, errlen);
		FUZZ_CHECK(msg < errlen);
		FUZZ_CHECK(errlen < 2 || msg > 0);
		/* One line, whatever the command line holds: control
		 * characters in a quoted token come out as '?'. */
		FUZZ_CHECK(memchr(err, '\n', msg) == NULL && memchr(err, '\r', msg) == NULL);
	}
	fuzz_end();
}

/* cmdline_get: the last well-formed occurrence, truncated to the buffer. */
static void test_get(void **state)
{
	uint64_t n = fuzz_begin("cmdline get", 23);
	static struct ref_tok ref;

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		size_t len, vallen = fuzz_one_in(3) ? around(CMDLINE_VAL_MAX) : fuzz_below(200);
		const char *line = line_copy(&len);
		const char *known[KNOWN_MAX + 1];
		char words[KNOWN_MAX][CMDLINE_KEY_MAX], key[64];

		/* a key of the line, or a long, empty or odd one */
		unsigned nknown = pick_known(line, known, words);

		if (nknown > 0 && !fuzz_one_in(4))
			strcpy(key, known[fuzz_below(nknown)]);
		else if (fuzz_one_in(2))
			snprintf(key, sizeof(key), "%.*s", (int)around(CMDLINE_KEY_MAX - 1),
				 "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk");
		else
			strcpy(key, fuzz_one_in(2) ? "" : "=");

		char *val = fuzz_copy(NULL, vallen, 0);
		bool null_val = fuzz_one_in(8);
		bool found = cmdline_get(line, fuzz_copy(key, strlen(key) + 1, 0),
					 null_val ? NULL : val, vallen);

		bool want = false;
		char last[CMDLINE_VAL_MAX] = "";
		for (const char *c = ref_args(line);; c = ref.end) {
			ref_next(c, &ref);
			if (ref.r == 0)
				break;
			if (ref.r > 0 && strcmp(ref.key, key) == 0) {
				want = true;
				strcpy(last, ref.val);
			}
		}
		FUZZ_CHECK(found == want);
		fuzz_count(found ? "found" : "absent", 1);
		if (found && !null_val && vallen > 0) {
			FUZZ_CHECK(strnlen(val, vallen) < vallen);
			FUZZ_CHECK(strncmp(val, last, vallen - 1) == 0);
			FUZZ_CHECK(strlen(val) == (strlen(last) < vallen ? strlen(last) : vallen - 1));
		}
	}
	fuzz_end();
}

/* ---------------------------------------------------------------------
 * Numbers and sizes. */

static int digit(char c, unsigned base)
{
	static const char hex[] = "0123456789abcdef";
	const char *d = c != '\0' ? strchr(hex, c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c) : NULL;

	return d != NULL && (unsigned)(d - hex) < base ? (int)(d - hex) : -1;
}

/* cmdline.h's numbers: decimal or 0x hex, one optional K, M or G for a
 * size, nothing else, nothing above UINT64_MAX. */
static int ref_number(const char *s, bool size, uint64_t *out)
{
	unsigned base = 10, shift = 0;
	u128 v = 0;
	bool any = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; digit(*s, base) >= 0; s++, any = true) {
		v = v * base + (unsigned)digit(*s, base);
		if (v > UINT64_MAX)
			return -1;
	}
	if (!any)
		return -1;
	if (size && *s != '\0' && strchr("kKmMgG", *s) != NULL) {
		shift = *s == 'k' || *s == 'K' ? 10 : *s == 'm' || *s == 'M' ? 20 : 30;
		s++;
	}
	if (*s != '\0' || (v << shift) > UINT64_MAX)
		return -1;
	*out = (uint64_t)(v << shift);
	return 0;
}

/* An absurd number: the classics, or random digits, prefixes and
 * suffixes around the edges of 64 bits. */
static void make_number(char *s, size_t room)
{
	static const char *const classics[] = {
		"", "0", "0x", "0X", "x", "0x0", "00", "-1", "+1", " 1", "1 ", "1K ", "K", "0K",
		"99999999999999999999G", "18446744073709551615", "18446744073709551616",
		"18446744073709551615K", "17179869183G", "17179869184G", "17592186044415M",
		"17592186044416M", "18014398509481983K", "18014398509481984K", "16E", "1T",
		"0xffffffffffffffff", "0x10000000000000000", "0x3ffffffffG", "0x400000000G",
		"0xFFFFFFFFFFFFFFFFk", "0x0000000000000000000000001", "1KK", "1KB", "1k\x01",
		"4096\n", "0x1g", "0xG", "0x1000M", "1e3", "0b101", "\xff", "00000000000000000000000000042",
	};
	size_t at = 0;

	if (fuzz_one_in(3)) {
		snprintf(s, room, "%s", classics[fuzz_below(sizeof(classics) / sizeof(*classics))]);
		return;
	}
	if (fuzz_one_in(3))
		at += (size_t)snprintf(s, room, "%s", fuzz_one_in(2) ? "0x" : "0X");
	size_t digits = fuzz_one_in(2) ? 15 + fuzz_below(8) : fuzz_below(30);
	const char *alpha = fuzz_one_in(4) ? "0123456789abcdefABCDEF" : "0123456789";
	for (size_t k = 0; k < digits && at + 3 < room; k++)
		s[at++] = alpha[fuzz_below(strlen(alpha))];
	if (fuzz_one_in(2))
		s[at++] = "kKmMgGtTeExX \t=-"[fuzz_below(16)];
	if (fuzz_one_in(8))
		s[at++] = (char)(1 + fuzz_below(255));
	s[at] = '\0';
}

static void test_numbers(void **state)
{
	uint64_t n = fuzz_begin_weighted("cmdline numbers and sizes", 24, 400);

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		char text[64];

		make_number(text, sizeof(text));

		const char *s = fuzz_copy(text, strlen(text) + 1, fuzz_below(8));
		const uint64_t untouched = 0x5a5a5a5a5a5a5a5aULL;
		uint64_t got = untouched, want = untouched;
		int r = cmdline_parse_uint(s, &got);

		FUZZ_CHECK(r == ref_number(s, false, &want));
		FUZZ_CHECK(got == want);                /* on failure, out untouched */
		got = want = untouched;
		r = cmdline_parse_size(s, &got);
		FUZZ_CHECK(r == ref_number(s, true, &want));
		FUZZ_CHECK(got == want);
		fuzz_count(r == 0 ? "sizes" : "rejected sizes", 1);
	}
	fuzz_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
