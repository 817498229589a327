/*
 * mem.c - a memory workload: take size= bytes from the kernel, write a
 * pattern over every 64-bit word, give the CPU away once, then read it all
 * back, checking each word and hashing it into the checksum. A word that
 * changed in between is reported with its offset. Runs wherever the apps
 * run (guest/apps/app.h).
 */
#include "guest/apps/app.h"
#include "guest/apps/applib.h"
#include "guest/apps/registry.h"
#include "lib/cmdline.h"
#include "lib/fmt.h"

#define MEM_SIZE_DEFAULT        (4ULL << 20)
#define MEM_HOLD_MAX            600     /* seconds */
#define MEM_SIZE_MAX            (1ULL << 40)    /* 1024G: far beyond any RAM, and no overflow */
#define MEM_PAGE                4096ULL

/* Fibonacci hashing's multiplier, 2^64 / golden ratio. It is odd, so
 * word i's value (i + 1) * MEM_GOLDEN is never 0 and no two words in
 * 2^64 of them are equal: a word written to or read from the wrong
 * address shows up as a mismatch. */
#define MEM_GOLDEN              0x9e3779b97f4a7c15ULL

static const char *const mem_keys[] = { "size", "hold", NULL };

static int mem_parse(int argc, char **argv, uint64_t *size, char *err, size_t n)
{
	char val[CMDLINE_VAL_MAX];

	uint64_t hold;

	if (app_check_keys(argc, argv, mem_keys, err, n) < 0 ||
	    app_arg_uint(argc, argv, "hold", 0, 0, MEM_HOLD_MAX, &hold, err, n) < 0)
		return -1;
	if (!app_arg(argc, argv, "size", val, sizeof(val))) {
		*size = MEM_SIZE_DEFAULT;
		return 0;
	}
	if (cmdline_parse_size(val, size) < 0) {
		fmt_snprintf(err, n, "size=%s: not a size (e.g. 4M, 512K, 0x100000)", val);
		return -1;
	}
	if (*size == 0 || *size % MEM_PAGE != 0 || *size > MEM_SIZE_MAX) {
		fmt_snprintf(err, n, "size=%s: must be a multiple of 4K from 4K to 1024G", val);
		return -1;
	}
	return 0;
}

static uint64_t pattern(uint64_t i)
{
	return (i + 1) * MEM_GOLDEN;
}

int mem_check(int argc, char **argv, uint64_t *extra_mem_bytes, char *err, size_t n)
{
	return mem_parse(argc, argv, extra_mem_bytes, err, n);
}

int mem_main(int argc, char **argv)
{
	char err[APP_ERR_MAX], extra[128];
	uint64_t size, hold = 0, bad = 0, first_bad = 0, first_val = 0;
	uint32_t h = APP_FNV_OFFSET;

	if (mem_parse(argc, argv, &size, err, sizeof(err)) < 0)
		return app_bad_args("mem", err);
	if (app_arg_uint(argc, argv, "hold", 0, 0, MEM_HOLD_MAX, &hold, err, sizeof(err)) < 0)
		return app_bad_args("mem", err);

	/* The words are volatile so that the compiler really stores and
	 * loads each one, instead of computing the checksum from the
	 * pattern alone. */
	volatile uint64_t *words = app_alloc_pages(size);
	uint64_t nwords = size / sizeof(uint64_t);

	if (words == NULL) {
		app_printf("mem: cannot get %lu KiB of contiguous memory\n", size >> 10);
		return APP_EXIT_BAD_ARGS;
	}

	uint64_t start = app_ready("mem");

	for (uint64_t i = 0; i < nwords; i++)
		words[i] = pattern(i);

	/* Where other processes or VMs exist, they run now, and the pattern
	 * must survive them: for hold= seconds, if asked (an isolation
	 * canary), else for one yield. */
	if (hold)
		app_sleep_ms(hold * 1000);
	else
		app_yield();

	for (uint64_t i = 0; i < nwords; i++) {
		uint64_t w = words[i];

		if (w != pattern(i) && bad++ == 0) {
			first_bad = i;
			first_val = w;
		}
		/* FNV-1a over the word's two 32-bit halves (low first), rather
		 * than its 8 bytes: a quarter of the work for the same
		 * purpose, a checksum that depends on every bit read. */
		h = (h ^ (uint32_t)w) * APP_FNV_PRIME;
		h = (h ^ (uint32_t)(w >> 32)) * APP_FNV_PRIME;
	}
	if (bad > 0) {
		app_printf("mem: %lu of %lu words changed; the first, at offset 0x%lx, "
			   "reads 0x%016lx instead of 0x%016lx\n", bad, nwords,
			   first_bad * sizeof(uint64_t), first_val, pattern(first_bad));
		return APP_EXIT_FAILED;
	}

	uint64_t cycles = app_tsc() - start;

	fmt_snprintf(extra, sizeof(extra), "bytes=%lu cycles=%lu", size, cycles);
	app_result("mem", h, extra);
	return APP_EXIT_OK;
}
