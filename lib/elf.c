/*
 * elf.c - ELF32/ELF64 executable parsing for loaders (see lib/elf.h).
 * Runs in mica (guest kernel images) and in the guest kernel (programs),
 * both in ring 0, on bytes that came from a boot module: nothing in the
 * image is trusted until it has been checked against the buffer's size.
 */
#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* The header fields a loader needs, the same for both classes. */
struct ehdr_info {
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
};

/* The image may sit at any alignment inside a module, so headers are
 * copied out with memcpy instead of being read through a cast pointer. */
static void read_ehdr(const uint8_t *data, bool is64, struct ehdr_info *h)
{
	if (is64) {
		Elf64_Ehdr eh;

		memcpy(&eh, data, sizeof(eh));
		*h = (struct ehdr_info){ eh.e_type, eh.e_machine, eh.e_phentsize, eh.e_phnum,
					 eh.e_entry, eh.e_phoff };
	} else {
		Elf32_Ehdr eh;

		memcpy(&eh, data, sizeof(eh));
		*h = (struct ehdr_info){ eh.e_type, eh.e_machine, eh.e_phentsize, eh.e_phnum,
					 eh.e_entry, eh.e_phoff };
	}
}

/* Program header (i) at (phoff), widened; returns p_type. The caller has
 * checked that the table lies inside the image. */
static uint32_t read_phdr(const uint8_t *data, bool is64, uint64_t phoff, unsigned i,
			  struct elf_segment *s)
{
	if (is64) {
		Elf64_Phdr ph;

		memcpy(&ph, data + phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		*s = (struct elf_segment){ ph.p_offset, ph.p_vaddr, ph.p_paddr,
					   ph.p_filesz, ph.p_memsz, ph.p_flags };
		return ph.p_type;
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, data + phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		*s = (struct elf_segment){ ph.p_offset, ph.p_vaddr, ph.p_paddr,
					   ph.p_filesz, ph.p_memsz, ph.p_flags };
		return ph.p_type;
	}
}

/* Does [start, start + len) reach beyond (limit), the last address of the
 * class (2^32 - 1 for ELF32)? Written so that nothing can wrap. */
static bool range_overflows(uint64_t start, uint64_t len, uint64_t limit)
{
	if (start > limit)
		return true;
	return len > 0 && len - 1 > limit - start;
}

int elf_parse(const void *data, size_t size, struct elf_image *out, char *err, size_t errlen)
{
	const uint8_t *b = data;
	struct ehdr_info h;
	bool is64;

	if (err == NULL)
		errlen = 0;
#define FAIL(...) do { fmt_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

	if (b == NULL || size < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0)
		FAIL("not an ELF image (bad magic)");
	if (size < EI_NIDENT)
		FAIL("truncated ELF header");
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		FAIL("unsupported ELF class %u", b[EI_CLASS]);
	is64 = b[EI_CLASS] == ELFCLASS64;
	if (size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		FAIL("truncated ELF header");
	if (b[EI_DATA] != ELFDATA2LSB)
		FAIL("not little-endian");
	if (b[EI_VERSION] != EV_CURRENT)
		FAIL("unsupported ELF version %u", b[EI_VERSION]);

	read_ehdr(b, is64, &h);
	if (h.type != ET_EXEC)
		FAIL("not an executable (e_type %u)", h.type);
	if (h.machine != EM_386 && h.machine != EM_X86_64)
		FAIL("unsupported machine %u", h.machine);
	/* x86-64 code in an ELF32 file (the x32 ABI) or i386 code in an
	 * ELF64 file cannot be started by our loaders. */
	if (h.machine != (is64 ? EM_X86_64 : EM_386))
		FAIL("unsupported machine %u in ELF%d", h.machine, is64 ? 64 : 32);
	if (h.phnum == 0)
		FAIL("no loadable segment");
	if (h.phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		FAIL("bad program header size %u", h.phentsize);
	if (h.phoff > size || (uint64_t)h.phnum * h.phentsize > size - h.phoff)
		FAIL("program headers out of bounds");

	uint64_t limit = is64 ? UINT64_MAX : UINT32_MAX;
	unsigned loads = 0;
	bool entry_ok = false;

	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_segment s;
		uint32_t type = read_phdr(b, is64, h.phoff, i, &s);

		/* Any segment's bytes may be read by someone (notes, the
		 * loader), so every file range is checked, not only PT_LOAD. */
		if (s.filesz > 0 && (s.offset > size || s.filesz > size - s.offset))
			FAIL("segment %u: file range out of bounds", i);
		if (type != PT_LOAD)
			continue;
		if (s.filesz > s.memsz)
			FAIL("segment %u: filesz > memsz", i);
		if (range_overflows(s.vaddr, s.memsz, limit) || range_overflows(s.paddr, s.memsz, limit))
			FAIL("segment %u: address range overflows", i);
		loads++;
		if (h.entry >= s.vaddr && h.entry - s.vaddr < s.memsz)
			entry_ok = true;
	}
	if (loads == 0)
		FAIL("no loadable segment");
	/* Jumping outside every loaded segment would run whatever happens
	 * to be in memory there. */
	if (!entry_ok)
		FAIL("entry point 0x%llx outside the loadable segments", (unsigned long long)h.entry);
#undef FAIL

	*out = (struct elf_image){ .data = b, .size = size, .is64 = is64, .machine = h.machine,
				   .entry = h.entry, .phnum = h.phnum };
	return 0;
}

int elf_segment_get(const struct elf_image *e, unsigned i, struct elf_segment *out)
{
	struct ehdr_info h;

	if (i >= e->phnum)
		return -1;
	/* The table offset is not kept in struct elf_image; elf_parse has
	 * checked the header it comes from. */
	read_ehdr(e->data, e->is64, &h);

	uint32_t type = read_phdr(e->data, e->is64, h.phoff, i, out);
	return type > INT32_MAX ? PT_NULL : (int)type;
}

int elf_foreach_load(const struct elf_image *e,
		     int (*fn)(void *ctx, const struct elf_segment *s), void *ctx)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		struct elf_segment s;

		if (elf_segment_get(e, i, &s) != PT_LOAD)
			continue;
		int r = fn(ctx, &s);
		if (r != 0)
			return r;
	}
	return 0;
}
