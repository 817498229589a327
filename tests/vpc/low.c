/*
 * low.c - a kernel linked at 0x8000, below the 1 MiB most kernels use,
 * as some hobby and test kernels are. A multiboot loader must load it
 * there and put its own information (the multiboot structure, memory
 * map, command line, module list) and the modules elsewhere, as GRUB
 * does. Its runs give it one module, an ELF image, whose command line
 * ends in "lowmod".
 */
#include "lib/multiboot.h"
#include "lib/string.h"
#include "tests/vpc/vpc.h"

#define LINK_ADDR       0x8000u

extern char _start[];
extern char image_end[];                /* vpc.ld: the end of the image, .bss included */
static const char signature[] = "linked at 0x8000";

static bool inside_image(uint32_t a, uint32_t len)
{
	return a < (uint32_t)(uintptr_t)image_end && a + len > LINK_ADDR;
}

/* The image runs where it was linked, its data intact. */
static const char *runs_at_link_address(void)
{
	uint32_t here;

	__asm__ volatile("call 1f; 1: popl %0" : "=r"(here));
	if (here < LINK_ADDR || here >= (uint32_t)(uintptr_t)image_end)
		return vpc_why("running at 0x%x, linked at 0x%x-0x%x", here, LINK_ADDR,
			       (uint32_t)(uintptr_t)image_end);
	if (signature[0] != 'l' || signature[15] != '0')
		return "the image's data is not what was linked";
	return 0;
}

/* The loader's information lies outside the image. */
static const char *multiboot_info_outside_image(void)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)vpc_mbi;

	if (inside_image(vpc_mbi, sizeof(*mbi)))
		return vpc_why("the multiboot information at 0x%x is inside the image", vpc_mbi);
	if ((mbi->flags & MULTIBOOT_INFO_MEM_MAP) && inside_image(mbi->mmap_addr, mbi->mmap_length))
		return vpc_why("the memory map at 0x%x is inside the image", mbi->mmap_addr);
	if ((mbi->flags & MULTIBOOT_INFO_CMDLINE) && inside_image(mbi->cmdline, 1))
		return vpc_why("the command line at 0x%x is inside the image", mbi->cmdline);
	return 0;
}

/* The module, its list entry and its command line lie outside the image
 * and the multiboot structure, and the module is the ELF image given. */
static const char *module_outside_image(void)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)vpc_mbi;
	const struct multiboot_module *m = (const void *)(uintptr_t)mbi->mods_addr;
	const char *line, *tail;
	uint32_t len;

	if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count != 1)
		return vpc_why("%u modules (flags 0x%x), want the one given",
			       mbi->flags & MULTIBOOT_INFO_MODS ? mbi->mods_count : 0, mbi->flags);
	if (inside_image(mbi->mods_addr, sizeof(*m)))
		return vpc_why("the module list at 0x%x is inside the image", mbi->mods_addr);
	len = m->mod_end - m->mod_start;
	if (m->mod_end <= m->mod_start || inside_image(m->mod_start, len) ||
	    (m->mod_start < vpc_mbi + sizeof(*mbi) && m->mod_end > vpc_mbi))
		return vpc_why("the module at 0x%x-0x%x overlaps the image or the multiboot structure",
			       m->mod_start, m->mod_end);
	if (memcmp((const void *)(uintptr_t)m->mod_start, "\x7f" "ELF", 4) != 0)
		return vpc_why("the module at 0x%x is not the ELF image given", m->mod_start);
	line = (const char *)(uintptr_t)m->cmdline;
	if (!m->cmdline || inside_image(m->cmdline, strlen(line) + 1))
		return vpc_why("the module's command line at 0x%x is missing or inside the image", m->cmdline);
	tail = line + strlen(line) - (strlen(line) < 6 ? strlen(line) : 6);
	return strcmp(tail, "lowmod") == 0 ? 0 : vpc_why("the module's command line is '%s'", line);
}

const struct vpc_test vpc_tests[] = {
	{ "runs_at_link_address", runs_at_link_address },
	{ "multiboot_info_outside_image", multiboot_info_outside_image },
	{ "module_outside_image", module_outside_image },
};
const unsigned vpc_ntests = sizeof(vpc_tests) / sizeof(vpc_tests[0]);
