/*
 * applib.c - the apps' library (see applib.h): output through app_write,
 * the ready and result lines, argument lookup and checking, FNV-1a.
 * Runs wherever the apps run: in the guest kernel, in a container
 * program, and on the host in the unit tests.
 */
#include <stdarg.h>

#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* Output is gathered into chunks, so that a container program makes one
 * write system call per line rather than one per character. */
struct chunk {
	char buf[128];
	size_t len;
};

static void chunk_put(void *ctx, char c)
{
	struct chunk *ch = ctx;

	ch->buf[ch->len++] = c;
	if (c == '\n' || ch->len == sizeof(ch->buf)) {
		app_write(ch->buf, ch->len);
		ch->len = 0;
	}
}

int app_printf(const char *fmt, ...)
{
	struct chunk ch = { .len = 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(chunk_put, &ch, fmt, ap);
	va_end(ap);
	if (ch.len > 0)
		app_write(ch.buf, ch.len);
	return n;
}

uint64_t app_ready(const char *name)
{
	uint64_t tsc = app_tsc();

	app_printf("ready app=%s pid=%d tsc=%lu\n", name, app_getpid(), tsc);
	return tsc;
}

void app_result(const char *name, uint32_t checksum, const char *extra)
{
	bool more = extra != NULL && extra[0] != '\0';

	app_printf("result app=%s checksum=0x%08x tsc=%lu%s%s\n", name, checksum,
		   app_tsc(), more ? " " : "", more ? extra : "");
}

/* The key of argument (arg): the characters before its first '=', copied
 * into (key) when they fit. Returns false for a key too long to be one. */
static bool arg_key(const char *arg, char key[CMDLINE_KEY_MAX])
{
	size_t len = 0;

	while (arg[len] != '\0' && arg[len] != '=') {
		if (len + 1 >= CMDLINE_KEY_MAX)
			return false;
		key[len] = arg[len];
		len++;
	}
	key[len] = '\0';
	return true;
}

bool app_arg(int argc, char **argv, const char *key, char *val, size_t n)
{
	char k[CMDLINE_KEY_MAX];
	bool found = false;

	/* Keep going after a match: the last occurrence wins, as for the
	 * kernel's own options (cmdline_get). */
	for (int i = 1; i < argc; i++) {
		if (!arg_key(argv[i], k) || strcmp(k, key) != 0)
			continue;
		found = true;
		if (val != NULL && n > 0) {
			const char *eq = strchr(argv[i], '=');
			strlcpy(val, eq != NULL ? eq + 1 : "", n);
		}
	}
	return found;
}

static bool is_known(const char *arg, const char *const known[])
{
	char k[CMDLINE_KEY_MAX];

	if (!arg_key(arg, k))
		return false;
	for (size_t i = 0; known[i] != NULL; i++) {
		if (strcmp(k, known[i]) == 0)
			return true;
	}
	return false;
}

int app_check_keys(int argc, char **argv, const char *const known[], char *err, size_t n)
{
	for (int i = 1; i < argc; i++) {
		if (is_known(argv[i], known))
			continue;
		if (known[0] == NULL) {
			fmt_snprintf(err, n, "%s: unknown argument (this app takes none)", argv[i]);
			return -1;
		}

		/* Listing what is accepted saves a trip to docs/apps.md. */
		size_t len = (size_t)fmt_snprintf(err, n, "%s: unknown argument (known: ", argv[i]);
		for (size_t j = 0; known[j] != NULL && len < n; j++)
			len += (size_t)fmt_snprintf(err + len, n - len, "%s%s", j > 0 ? ", " : "", known[j]);
		if (len < n)
			fmt_snprintf(err + len, n - len, ")");
		return -1;
	}
	return 0;
}

int app_arg_uint(int argc, char **argv, const char *key, uint64_t def,
		 uint64_t min, uint64_t max, uint64_t *out, char *err, size_t n)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t v;

	if (!app_arg(argc, argv, key, val, sizeof(val))) {
		*out = def;
		return 0;
	}
	if (cmdline_parse_uint(val, &v) < 0) {
		fmt_snprintf(err, n, "%s=%s: not a number", key, val);
		return -1;
	}
	if (v < min || v > max) {
		fmt_snprintf(err, n, "%s=%s: must be from %lu to %lu", key, val, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int app_bad_args(const char *name, const char *err)
{
	app_printf("app=%s %s\n", name, err);
	return APP_EXIT_BAD_ARGS;
}

uint32_t app_fnv1a(uint32_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= APP_FNV_PRIME;
	}
	return h;
}

uint32_t app_fnv1a_u32(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= APP_FNV_PRIME;
	}
	return h;
}
