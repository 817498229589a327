/*
 * ktap.c - KTAP output for in-kernel self-tests (see lib/ktap.h).
 *
 * Runs in ring 0 of either kernel, during boot, on the console.
 */
#include "lib/console.h"
#include "lib/ktap.h"

static unsigned plan, seen, failed;

void ktap_begin(unsigned planned)
{
	plan = planned;
	seen = failed = 0;
	kprintf("KTAP version 1\n1..%u\n", planned);
}

bool ktap_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	seen++;
	if (!ok)
		failed++;
	kprintf("%sok %u - ", ok ? "" : "not ", seen);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return ok;
}

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	kprintf("# ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

unsigned ktap_end(void)
{
	unsigned bad = failed;

	if (seen != plan) {
		kprintf("# plan was %u tests but %u ran\n", plan, seen);
		bad++;
	}
	kprintf("# %s tests: %u passed, %u failed\n", kernel_name, seen - failed, failed);
	return bad;
}
