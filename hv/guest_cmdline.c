/*
 * guest_cmdline.c - a guest's command line from its module's line
 * (hv/guest_cmdline.h): the image name, then the user's words minus
 * mica's keys. Runs in VMX root when a VM is created; bounded on every
 * input, since the line comes from the boot configuration.
 */
#include "hv/guest_cmdline.h"
#include "lib/cmdline.h"
#include "lib/string.h"

/* The keys hv/vm.c (name, mem, lifecycle), hv/main.c (for, density,
 * start) and hv/place.c (cpu, start-cpu) read from a module's line. */
const char *const mica_module_keys[] = {
	"name", "mem", "restart", "max-restarts", "backoff", "slice", "break-state",
	"nmi", "cpu-limit", "critical", "for", "density", "start", "cpu", "start-cpu", NULL
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool guest_cmdline_is_mica_key(const char *tok, size_t len)
{
	size_t klen = 0;

	while (klen < len && tok[klen] != '=')
		klen++;
	for (size_t i = 0; mica_module_keys[i] != NULL; i++) {
		const char *k = mica_module_keys[i];

		if (strlen(k) == klen && memcmp(k, tok, klen) == 0)
			return true;
	}
	return false;
}

/* Append the (len) bytes at (s) to the line of (*used) bytes, with a space
 * before unless it is the first word; counts what does not fit too. */
static void put_word(char *out, size_t outsz, size_t *used, const char *s, size_t len)
{
	if (*used > 0) {
		if (*used + 1 < outsz)
			out[*used] = ' ';
		(*used)++;
	}
	for (size_t i = 0; i < len; i++, (*used)++)
		if (*used + 1 < outsz)
			out[*used] = s[i];
}

size_t guest_cmdline(const char *module_line, char *out, size_t outsz)
{
	const char *p = module_line ? module_line : "";
	const char *args = cmdline_args(p);
	size_t used = 0;

	while (*p != '\0') {
		const char *tok;

		while (is_blank(*p))
			p++;
		tok = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if (p == tok)
			break;
		/* The image's name (before args) is the loader's, never a key. */
		if (tok < args || !guest_cmdline_is_mica_key(tok, (size_t)(p - tok)))
			put_word(out, outsz, &used, tok, (size_t)(p - tok));
	}
	if (outsz > 0)
		out[used < outsz ? used : outsz - 1] = '\0';
	return used;
}
