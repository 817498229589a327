/*
 * cmdline.c - multiboot command line parsing (see lib/cmdline.h): tokens,
 * "key=value" options, checking against the options a kernel knows, and
 * numbers with size suffixes. Runs in both kernels at boot, on strings a
 * loader or a guest configuration supplied, so every length is bounded.
 */
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* How much of a malformed token an error message quotes. */
#define QUOTE_MAX 40

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

static const char *token_end(const char *s)
{
	while (*s != '\0' && !is_blank(*s))
		s++;
	return s;
}

const char *cmdline_args(const char *line)
{
	if (line == NULL)
		return "";
	line = skip_blanks(line);

	const char *end = token_end(line);
	bool slash = false, equals = false;

	for (const char *p = line; p < end; p++) {
		slash |= *p == '/';
		equals |= *p == '=';
	}
	/* "app=/bin/sh" is an option even though it has a '/'. */
	if (slash && !equals)
		line = skip_blanks(end);
	return line;
}

int cmdline_next(const char **cursor, char key[CMDLINE_KEY_MAX], char val[CMDLINE_VAL_MAX])
{
	const char *tok = skip_blanks(*cursor);

	key[0] = '\0';
	val[0] = '\0';
	if (*tok == '\0') {
		*cursor = tok;
		return 0;
	}

	const char *end = token_end(tok);
	const char *eq = tok;

	*cursor = end;
	while (eq < end && *eq != '=')
		eq++;

	/* Only the first '=' splits: "app=a=b" has the value "a=b". */
	size_t klen = (size_t)(eq - tok);
	size_t vlen = eq < end ? (size_t)(end - eq - 1) : 0;

	if (klen == 0 || klen >= CMDLINE_KEY_MAX || vlen >= CMDLINE_VAL_MAX)
		return -1;
	memcpy(key, tok, klen);
	key[klen] = '\0';
	if (vlen > 0)
		memcpy(val, eq + 1, vlen);
	val[vlen] = '\0';
	return 1;
}

/* Append (s) to the NUL-terminated message in (err), truncating. */
static void append(char *err, size_t errlen, const char *s)
{
	size_t n = strnlen(err, errlen);

	if (n < errlen)
		strlcpy(err + n, s, errlen - n);
}

static bool is_known(const char *key, const char *const known[])
{
	for (size_t i = 0; known != NULL && known[i] != NULL; i++) {
		if (strcmp(key, known[i]) == 0)
			return true;
	}
	return false;
}

/* err for the malformed token [tok, end): quote it (shortened), say why. */
static void report_malformed(char *err, size_t errlen, const char *tok, const char *end)
{
	size_t len = (size_t)(end - tok);
	size_t klen = 0;

	while (klen < len && tok[klen] != '=')
		klen++;

	const char *why = klen == 0 ? "empty key"
		: klen >= CMDLINE_KEY_MAX ? "key too long" : "value too long";

	fmt_snprintf(err, errlen, "malformed option '%.*s%s' (%s)",
		     (int)(len > QUOTE_MAX ? QUOTE_MAX : len), tok,
		     len > QUOTE_MAX ? "..." : "", why);
}

/* An error quotes the command line: its control characters become '?',
 * so that the error stays one line and cannot drive a terminal. */
static void printable(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

int cmdline_check(const char *line, const char *const known[], char *err, size_t errlen)
{
	const char *cursor = cmdline_args(line);
	char key[CMDLINE_KEY_MAX], val[CMDLINE_VAL_MAX];

	if (err == NULL)
		errlen = 0;
	for (;;) {
		const char *tok = skip_blanks(cursor);
		int r = cmdline_next(&cursor, key, val);

		if (r == 0)
			return 0;
		if (r < 0) {
			report_malformed(err, errlen, tok, cursor);
			if (errlen)
				printable(err);
			return -1;
		}
		if (is_known(key, known))
			continue;

		/* Listing what is accepted saves a trip to the documentation. */
		fmt_snprintf(err, errlen, "unknown option '%s' (known: ", key);
		for (size_t i = 0; errlen > 0 && known != NULL && known[i] != NULL; i++) {
			if (i > 0)
				append(err, errlen, ", ");
			append(err, errlen, known[i]);
		}
		if (errlen > 0) {
			append(err, errlen, known != NULL && known[0] != NULL ? ")" : "none)");
			printable(err);
		}
		return -1;
	}
}

bool cmdline_get(const char *line, const char *key, char *val, size_t vallen)
{
	const char *cursor = cmdline_args(line);
	char k[CMDLINE_KEY_MAX], v[CMDLINE_VAL_MAX];
	bool found = false;
	int r;

	/* Keep going after a match: a later occurrence overrides, so a boot
	 * menu entry can append "mem=8M" to a default line. */
	while ((r = cmdline_next(&cursor, k, v)) != 0) {
		if (r < 0 || strcmp(k, key) != 0)
			continue;
		found = true;
		if (val != NULL && vallen > 0)
			strlcpy(val, v, vallen);
	}
	return found;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The number at (*s), decimal or 0x hex; (*s) moves past its digits.
 * -1 if there is no digit or the value overflows 64 bits. */
static int parse_number(const char **s, uint64_t *out)
{
	const char *p = *s;
	unsigned base = 10;
	uint64_t v = 0;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p) < 0 || (unsigned)digit_value(*p) >= base)
		return -1;
	while ((d = digit_value(*p)) >= 0 && (unsigned)d < base) {
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return -1;
		v = v * base + (unsigned)d;
		p++;
	}
	*s = p;
	*out = v;
	return 0;
}

int cmdline_parse_uint(const char *s, uint64_t *out)
{
	uint64_t v;

	if (parse_number(&s, &v) < 0 || *s != '\0')
		return -1;
	*out = v;
	return 0;
}

int cmdline_parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	unsigned shift = 0;

	if (parse_number(&s, &v) < 0)
		return -1;
	switch (*s) {
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	}
	if (*s != '\0' || v > UINT64_MAX >> shift)
		return -1;
	*out = v << shift;
	return 0;
}
