/*
 * mem.c - the physical address space a guest finds: an address with
 * neither RAM nor a device reads as all ones and ignores writes, as on a
 * PC's bus, and the loader's memory map does not call it RAM. Guest RAM
 * is small (tens of MiB), so 0xE0000000 is such an address.
 */
#include "lib/multiboot.h"
#include "tests/vpc/vpc.h"

#define PROBE           0xe0000000u

static volatile uint32_t *probe32(void)
{
	return (volatile uint32_t *)(uintptr_t)PROBE;
}

/* The multiboot memory map calls no byte of the probe's page RAM. */
static const char *mmap_excludes_probe(void)
{
	const struct multiboot_info *mbi = (const void *)(uintptr_t)vpc_mbi;
	uint32_t off = 0;

	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP))
		return "no memory map in the multiboot information";
	while (off + sizeof(struct multiboot_mmap_entry) <= mbi->mmap_length) {
		const struct multiboot_mmap_entry *e = (const void *)(uintptr_t)(mbi->mmap_addr + off);

		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr <= PROBE && e->addr + e->len > PROBE)
			return vpc_why("the memory map says RAM at 0x%llx, length 0x%llx", e->addr, e->len);
		off += e->size + sizeof(e->size);
	}
	return 0;
}

static const char *unbacked_reads_all_ones(void)
{
	uint32_t d = *probe32();
	uint8_t b = *(volatile uint8_t *)(uintptr_t)(PROBE + 3);
	uint16_t w = *(volatile uint16_t *)(uintptr_t)(PROBE + 0x10);

	if (d != 0xffffffffu || b != 0xff || w != 0xffff)
		return vpc_why("read 0x%x, 0x%x, 0x%x at 0x%x", d, b, w, PROBE);
	return 0;
}

static const char *unbacked_writes_dropped(void)
{
	uint32_t d;

	*probe32() = 0x12345678;
	*(volatile uint8_t *)(uintptr_t)(PROBE + 0x21) = 0;
	d = *probe32();
	if (d != 0xffffffffu || *(volatile uint8_t *)(uintptr_t)(PROBE + 0x21) != 0xff)
		return vpc_why("wrote 0x12345678, read back 0x%x", d);
	return 0;
}

const struct vpc_test vpc_tests[] = {
	{ "mmap_excludes_probe_address", mmap_excludes_probe },
	{ "unbacked_reads_all_ones", unbacked_reads_all_ones },
	{ "unbacked_writes_dropped", unbacked_writes_dropped },
};
const unsigned vpc_ntests = sizeof(vpc_tests) / sizeof(vpc_tests[0]);
