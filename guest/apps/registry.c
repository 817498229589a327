/*
 * registry.c - the one table of apps: name, arguments, memory, entry
 * points. Pure data and lookups, linked into the guest kernel and into
 * the host unit tests. Adding an app means one file in guest/apps/, its
 * two declarations in registry.h and one row here.
 */
#include "guest/apps/registry.h"
#include "lib/string.h"

#define MIB (1024ULL * 1024)

/*
 * mem needs its size= (mem_check adds it) plus 1 MiB of slack: its pages
 * must be one contiguous run, and free memory is counted over all the
 * pieces the memory map left.
 */

const struct app apps[] = {
	{ "hello", "",                         0,       hello_check, hello_main },
	{ "cpu",   "[n=LIMIT] [rounds=R]",     0,       cpu_check,   cpu_main },
	{ "mem",   "[size=BYTES]",             1 * MIB, mem_check,   mem_main },
	{ "clock", "[seconds=S] [busy=1]",     0,       clock_check, clock_main },
};

const unsigned napps = sizeof(apps) / sizeof(apps[0]);

const struct app *app_find(const char *name)
{
	for (unsigned i = 0; i < napps; i++) {
		if (strcmp(apps[i].name, name) == 0)
			return &apps[i];
	}
	return NULL;
}

void app_list_known(char *buf, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < napps && len < n; i++) {
		if (i > 0)
			len += strlcpy(buf + len, ", ", n - len);
		if (len < n)
			len += strlcpy(buf + len, apps[i].name, n - len);
	}
}
