/*
 * elf.h - ELF32 and ELF64 executable images: the layouts of the System V
 * ABI ("gABI", chapters "ELF Header" and "Program Header") and a parser
 * that checks every offset and size before use. mica loads guest kernels
 * and the guest kernel loads its programs with it, from untrusted modules.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* e_ident[] ("ELF Identification") */
#define EI_NIDENT       16
#define EI_MAG0         0               /* "\x7f" "ELF" in bytes 0..3 */
#define EI_CLASS        4
#define   ELFCLASS32      1
#define   ELFCLASS64      2
#define EI_DATA         5
#define   ELFDATA2LSB     1             /* little-endian */
#define EI_VERSION      6
#define   EV_CURRENT      1
#define ELFMAG          "\177ELF"
#define SELFMAG         4

/* e_type */
#define ET_REL          1
#define ET_EXEC         2
#define ET_DYN          3

/* e_machine */
#define EM_386          3
#define EM_X86_64       62

/* p_type */
#define PT_NULL         0
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_PHDR         6

/* p_flags */
#define PF_X            0x1
#define PF_W            0x2
#define PF_R            0x4

/*
 * The gABI's own type names are kept (Elf64_Ehdr, ...) rather than the
 * usual untypedef'd struct, so that they match the specification and
 * every other ELF tool word for word.
 */
typedef struct {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_entry;
	uint32_t e_phoff;
	uint32_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
} Elf32_Ehdr;
_Static_assert(sizeof(Elf32_Ehdr) == 52, "Elf32_Ehdr");

typedef struct {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
} Elf64_Ehdr;
_Static_assert(sizeof(Elf64_Ehdr) == 64, "Elf64_Ehdr");

/* The two program header layouts order their fields differently. */
typedef struct {
	uint32_t p_type;
	uint32_t p_offset;
	uint32_t p_vaddr;
	uint32_t p_paddr;
	uint32_t p_filesz;
	uint32_t p_memsz;
	uint32_t p_flags;
	uint32_t p_align;
} Elf32_Phdr;
_Static_assert(sizeof(Elf32_Phdr) == 32, "Elf32_Phdr");

typedef struct {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
} Elf64_Phdr;
_Static_assert(sizeof(Elf64_Phdr) == 56, "Elf64_Phdr");

/* A parsed image: filled in by elf_parse, read by the functions below.
 * (data) stays the caller's buffer and must outlive the image. */
struct elf_image {
	const uint8_t *data;
	size_t size;
	bool is64;                      /* ELFCLASS64 */
	uint16_t machine;               /* EM_386 or EM_X86_64 */
	uint64_t entry;
	uint16_t phnum;
};

/* One program header, widened to 64 bits whatever the class. */
struct elf_segment {
	uint64_t offset, vaddr, paddr, filesz, memsz;
	uint32_t flags;                 /* PF_* */
};

/*
 * Check the (size) bytes at (data) as an executable: ELF32 with EM_386 or
 * ELF64 with EM_X86_64, little-endian, ET_EXEC; the program header table
 * inside the image; every segment's file bytes inside the image; for each
 * PT_LOAD, filesz <= memsz and no address range past the class's address
 * space; at least one PT_LOAD; the entry point inside a PT_LOAD.
 * Returns 0 with (out) filled, or -1 with one line in (err) (errlen bytes,
 * may be NULL) naming the problem, e.g. "not an ELF image (bad magic)",
 * "unsupported machine 40", "segment 2: file range out of bounds".
 * (data) may have any alignment.
 */
int elf_parse(const void *data, size_t size, struct elf_image *out, char *err, size_t errlen);

/*
 * Program header (i) of a parsed image, of any type, into (out). Returns
 * its p_type (PT_LOAD, ...), or -1 if i >= e->phnum. Types above INT_MAX,
 * which no ABI defines, are returned as PT_NULL so that -1 stays unique.
 */
int elf_segment_get(const struct elf_image *e, unsigned i, struct elf_segment *out);

/*
 * Call (fn)(ctx, segment) for each PT_LOAD segment in table order. A
 * nonzero return from fn stops the walk and is returned; otherwise 0.
 */
int elf_foreach_load(const struct elf_image *e,
		     int (*fn)(void *ctx, const struct elf_segment *s), void *ctx);

#endif /* LIB_ELF_H */
