/*
 * boot_info.c - a kernel's view of what its loader handed over: command
 * line, memory map (turned into the frame allocator) and modules.
 *
 * Runs once at boot, in 64-bit ring 0, identity-mapped: loader addresses
 * are usable as pointers once checked to lie below 4 GiB.
 */
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/string.h"

#define IDENTITY_LIMIT 0x100000000ULL   /* boot.S maps [0, 4 GiB) */

extern char __image_start[], __image_end[];

static struct boot_info boot;

/* Loader pointers are physical; below 4 GiB they are also virtual. */
static const void *identity_ptr(void *ctx, uint64_t pa, uint64_t len)
{
	if (pa + len < pa || pa + len > IDENTITY_LIMIT)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static void bad_config(const char *what, const char *err)
{
	klog("%s: %s\n", what, err);
	machine_exit(EXIT_BAD_CONFIG);
}

struct boot_info *boot_info_init(uint32_t magic, uint32_t mbi_pa, const char *const options[])
{
	struct boot_info *bi = &boot;
	char err[160];

	if (mb_reader_init(&bi->mb, magic, mbi_pa, identity_ptr, NULL, err, sizeof(err)))
		bad_config("multiboot", err);

	bi->cmdline = mb_cmdline(&bi->mb);
	if (cmdline_check(bi->cmdline, options, err, sizeof(err)))
		bad_config("command line", err);
	bi->selftest = cmdline_get(bi->cmdline, "selftest", NULL, 0);

	bi->image_start = (uint64_t)(uintptr_t)__image_start;
	bi->image_end = (uint64_t)(uintptr_t)__image_end;
	memmap_reset(&bi->map, IDENTITY_LIMIT);
	if (memmap_init(&bi->map, &bi->frames, &bi->mb, bi->image_start, bi->image_end,
			err, sizeof(err)))
		bad_config("memory", err);

	for (uint32_t i = 0; i < mb_module_count(&bi->mb); i++) {
		struct mb_module_info mod;

		if (bi->nmodules == BOOT_MAX_MODULES) {
			klog("modules: only the first %d are used\n", BOOT_MAX_MODULES);
			break;
		}
		if (mb_module(&bi->mb, i, &mod)) {
			klog("module %u: the loader's entry is malformed; skipped\n", i);
			continue;
		}
		bi->modules[bi->nmodules++] = (struct boot_module){
			.start = mod.start, .end = mod.end, .cmdline = mod.cmdline,
		};
	}
	return bi;
}

void boot_info_print(const struct boot_info *bi)
{
	/* QEMU (like some loaders) puts the image's path first: no option. */
	klog("command line: '%s'\n", cmdline_args(bi->cmdline));
	klog("memory: %lu MiB usable in %u ranges, %lu frames free, kernel at 0x%lx-0x%lx\n",
	     (unsigned long)(bi->map.usable_bytes >> 20), bi->map.nusable,
	     (unsigned long)frame_pool_free_count(&bi->frames),
	     (unsigned long)bi->image_start, (unsigned long)bi->image_end);
	if (bi->map.ignored_bytes)
		klog("memory: %lu MiB above 4 GiB not used\n",
		     (unsigned long)(bi->map.ignored_bytes >> 20));
	klog("modules: %u\n", bi->nmodules);
	for (unsigned i = 0; i < bi->nmodules; i++)
		klog("module %u: '%s', %lu bytes at 0x%lx\n", i, bi->modules[i].cmdline,
		     (unsigned long)(bi->modules[i].end - bi->modules[i].start),
		     (unsigned long)bi->modules[i].start);
}
