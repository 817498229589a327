/*
 * boot_info.h - what a kernel was given at boot by its multiboot loader
 * (GRUB, QEMU, or mica for a guest): its command line, the memory map (as a
 * frame allocator) and the modules with their command lines. Shared by mica
 * and the guest kernel.
 */
#ifndef LIB_BOOT_INFO_H
#define LIB_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/frame.h"
#include "lib/memmap.h"
#include "lib/multiboot.h"

#define BOOT_MAX_MODULES 32

struct boot_module {
	uint64_t start, end;            /* physical, identity-mapped */
	const char *cmdline;            /* "" when the loader gave none */
};

struct boot_info {
	struct mb_reader mb;
	const char *cmdline;
	bool selftest;                  /* `selftest` on the command line */
	uint64_t image_start, image_end; /* the kernel itself */
	struct memmap map;
	struct frame_pool frames;       /* every frame mica may hand out */
	unsigned nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
};

/*
 * Read the loader's information: check the magic and the command line
 * against (options) (NULL-terminated keys this kernel understands), build
 * the frame allocator, list the modules. Anything unusable (bad magic,
 * unknown option, no usable RAM above 1 MiB) gets one line naming it and
 * ends the run with EXIT_BAD_CONFIG. Returns the one boot_info.
 */
struct boot_info *boot_info_init(uint32_t magic, uint32_t mbi_pa, const char *const options[]);

/* Print what the loader gave: command line, memory, modules. */
void boot_info_print(const struct boot_info *bi);

#endif /* LIB_BOOT_INFO_H */
