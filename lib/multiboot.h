/*
 * multiboot.h - Multiboot 1 (specification 0.6.96) layouts and a reader for
 * the boot information that checks every address it follows. Used by the
 * 32-bit boot code (constants only), by both kernels at boot, and by mica
 * when it builds or inspects a guest's boot information.
 */
#ifndef LIB_MULTIBOOT_H
#define LIB_MULTIBOOT_H

/* Spec 0.6.96, "Header magic fields" and "Machine state": the header's
 * magic, and the value the loader leaves in EAX. */
#define MULTIBOOT_HEADER_MAGIC          0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC      0x2BADB002

/* The header must lie wholly within the image's first 8192 bytes, on a
 * 4-byte boundary ("OS image format"). */
#define MULTIBOOT_SEARCH                8192
#define MULTIBOOT_HEADER_ALIGN          4

/* Header flags ("The magic fields of Multiboot header"). */
#define MULTIBOOT_PAGE_ALIGN            0x00000001  /* modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO           0x00000002  /* fill in mem_* and mmap_* */
#define MULTIBOOT_VIDEO_MODE            0x00000004  /* fill in the video fields */
#define MULTIBOOT_AOUT_KLUDGE           0x00010000  /* the address fields are valid */

/* Info flags ("Boot information format"): which fields the loader set. */
#define MULTIBOOT_INFO_MEMORY           0x00000001  /* mem_lower, mem_upper */
#define MULTIBOOT_INFO_BOOTDEV          0x00000002  /* boot_device */
#define MULTIBOOT_INFO_CMDLINE          0x00000004  /* cmdline */
#define MULTIBOOT_INFO_MODS             0x00000008  /* mods_count, mods_addr */
#define MULTIBOOT_INFO_AOUT_SYMS        0x00000010  /* syms as a.out table */
#define MULTIBOOT_INFO_ELF_SHDR         0x00000020  /* syms as ELF section headers */
#define MULTIBOOT_INFO_MEM_MAP          0x00000040  /* mmap_length, mmap_addr */
#define MULTIBOOT_INFO_DRIVE_INFO       0x00000080  /* drives_length, drives_addr */
#define MULTIBOOT_INFO_CONFIG_TABLE     0x00000100  /* config_table */
#define MULTIBOOT_INFO_BOOT_LOADER_NAME 0x00000200  /* boot_loader_name */
#define MULTIBOOT_INFO_APM_TABLE        0x00000400  /* apm_table */
#define MULTIBOOT_INFO_VBE_INFO         0x00000800  /* vbe_* */
#define MULTIBOOT_INFO_FRAMEBUFFER_INFO 0x00001000  /* framebuffer_* */

/* Memory map entry types ("Boot information format", mmap_*). */
#define MULTIBOOT_MEMORY_AVAILABLE        1
#define MULTIBOOT_MEMORY_RESERVED         2
#define MULTIBOOT_MEMORY_ACPI_RECLAIMABLE 3
#define MULTIBOOT_MEMORY_NVS              4
#define MULTIBOOT_MEMORY_BADRAM           5

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The header an OS image carries in its first 8 KiB. The address fields
 * count only when flags has MULTIBOOT_AOUT_KLUDGE. */
struct multiboot_header {
	uint32_t magic;                 /* MULTIBOOT_HEADER_MAGIC */
	uint32_t flags;
	uint32_t checksum;              /* magic + flags + checksum == 0 (mod 2^32) */
	uint32_t header_addr;           /* physical address of this header */
	uint32_t load_addr;             /* start of the text segment */
	uint32_t load_end_addr;         /* end of data, 0 = whole file */
	uint32_t bss_end_addr;          /* end of bss, 0 = none */
	uint32_t entry_addr;            /* where to jump */
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_header) == 32, "multiboot_header");

/* The bytes of a header that every image has, without the address fields. */
#define MULTIBOOT_HEADER_MIN_SIZE       12

/* What the loader passes in EBX. All addresses are 32-bit physical. */
struct multiboot_info {
	uint32_t flags;                 /* MULTIBOOT_INFO_*: which fields are valid */
	uint32_t mem_lower;             /* KiB of memory from 0 (at most 640) */
	uint32_t mem_upper;             /* KiB of memory from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;               /* NUL-terminated string */
	uint32_t mods_count;
	uint32_t mods_addr;             /* array of struct multiboot_module */
	uint32_t syms[4];               /* a.out or ELF symbol information */
	uint32_t mmap_length;           /* bytes of memory map */
	uint32_t mmap_addr;             /* struct multiboot_mmap_entry, variable size */
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;          /* BIOS ROM configuration table */
	uint32_t boot_loader_name;      /* NUL-terminated string */
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
	uint8_t framebuffer_color_info[6];      /* palette or RGB field layout */
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_info) == 116, "multiboot_info");

/* One memory map entry. (size) counts the bytes after itself, so the next
 * entry starts size + 4 bytes further on; it may exceed 20 when a loader
 * appends fields. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;                  /* MULTIBOOT_MEMORY_* */
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "multiboot_mmap_entry");

/* One boot module: [mod_start, mod_end) holds its bytes. */
struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t cmdline;               /* NUL-terminated string */
	uint32_t pad;                   /* must be 0 */
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_module) == 16, "multiboot_module");

/*
 * Translate the physical range [pa, pa + len) into a pointer the caller
 * can read, or NULL if any of it is not readable. This is how the reader
 * reaches memory: an identity-mapped kernel returns (void *)pa after a
 * bounds check, mica checks and translates a guest-physical address, and
 * unit tests index a fake memory buffer. (ctx) is the caller's.
 */
typedef const void *(*mb_ptr_fn)(void *ctx, uint64_t pa, uint64_t len);

/* A validated boot information structure and how to reach what it points to. */
struct mb_reader {
	const struct multiboot_info *mbi;
	mb_ptr_fn ptr;
	void *ctx;
};

struct mb_module_info {
	uint32_t start, end;            /* physical [start, end) */
	const char *cmdline;            /* never NULL; "" if absent */
};

/* The longest string the reader follows, terminator included. */
#define MB_STRING_MAX 4096

/*
 * Set up (r) to read the boot information at physical (mbi_pa), reached
 * through (ptr)(ctx). (magic) is the loader's EAX. Returns 0, or -1 with a
 * one-line reason in (err) (errlen bytes; err may be NULL): a wrong magic
 * ("bad multiboot magic 0x..., expected 0x2badb002") or an unreadable
 * structure. Call once at boot before any other mb_* function.
 */
int mb_reader_init(struct mb_reader *r, uint32_t magic, uint32_t mbi_pa, mb_ptr_fn ptr,
		   void *ctx, char *err, size_t errlen);

/* The kernel's command line, image path included, or "" when there is
 * none or it is not NUL-terminated within MB_STRING_MAX readable bytes. */
const char *mb_cmdline(const struct mb_reader *r);

/* The loader's name ("GRUB 2.06"), or "" as for mb_cmdline. */
const char *mb_boot_loader_name(const struct mb_reader *r);

/*
 * Call (fn)(ctx, base, len, type) for each range of the memory map, in
 * order; zero-length entries are skipped. Without MULTIBOOT_INFO_MEM_MAP
 * but with MULTIBOOT_INFO_MEMORY, two MULTIBOOT_MEMORY_AVAILABLE ranges
 * are made up from mem_lower and mem_upper: [0, mem_lower KiB) and
 * [1 MiB, 1 MiB + mem_upper KiB).
 * The whole map is checked before (fn) runs: an entry of size < 20, one
 * that overruns mmap_length, or a range that wraps past 2^64 makes it
 * malformed, and then (fn) is never called.
 * Returns the number of ranges passed to (fn); -1 if the map is malformed,
 * unreadable, or has no range. A nonzero return from (fn) stops the walk
 * (the count then includes that range). (fn) may be NULL to only count.
 */
int mb_mmap_foreach(const struct mb_reader *r,
		    int (*fn)(void *ctx, uint64_t base, uint64_t len, uint32_t type), void *ctx);

/* Number of boot modules: 0 unless MULTIBOOT_INFO_MODS is set and the
 * whole module array is readable. */
uint32_t mb_module_count(const struct mb_reader *r);

/* Module (i) into (out). Returns 0, or -1 if i >= mb_module_count(r) or
 * the module ends before it starts. out->cmdline is "" if unreadable. */
int mb_module(const struct mb_reader *r, uint32_t i, struct mb_module_info *out);

/*
 * The multiboot header of an OS image of (len) bytes at (image): the first
 * one at a 4-byte offset within the first 8192 bytes whose checksum is
 * right and that fits in (len) (all 32 bytes when MULTIBOOT_AOUT_KLUDGE
 * is set). NULL if none. Used by mica to load guest kernels.
 */
const struct multiboot_header *mb_header_find(const void *image, size_t len);

#endif /* !__ASSEMBLER__ */

#endif /* LIB_MULTIBOOT_H */
