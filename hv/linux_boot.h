/*
 * linux_boot.h - the Linux/x86 boot protocol (Linux's
 * Documentation/arch/x86/boot.rst): a bzImage, its command line and its
 * initrd turned into guest memory contents (the protected-mode kernel,
 * the "zero page" boot_params, an e820 map, a GDT and page tables) and
 * the initial vCPU state of the kernel's 64-bit or 32-bit boot entry.
 * Backend-neutral pure code: guest memory is reached only through the
 * accessor of struct linux_boot_mem. Runs in the hypervisor (VMX root).
 */
#ifndef HV_LINUX_BOOT_H
#define HV_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/types.h"

/* Offsets in the image's first sectors and in boot_params ("zero page"),
 * which start the same: Linux's arch/x86/include/uapi/asm/bootparam.h. */
#define LINUX_BP_E820_ENTRIES   0x1e8   /* u8: entries in e820_table */
#define LINUX_HDR_START         0x1f1   /* struct setup_header starts here */
#define LINUX_HDR_SETUP_SECTS   0x1f1   /* u8: 512-byte setup sectors (0 means 4) */
#define LINUX_HDR_VID_MODE      0x1fa   /* u16 */
#define LINUX_HDR_BOOT_FLAG     0x1fe   /* u16: 0xAA55 */
#define LINUX_HDR_JUMP          0x200   /* u16: a short jump; its byte 0x201 gives the header's end */
#define LINUX_HDR_MAGIC         0x202   /* u32: "HdrS" */
#define LINUX_HDR_VERSION       0x206   /* u16: protocol version, major << 8 | minor */
#define LINUX_HDR_TYPE_OF_LOADER 0x210  /* u8 */
#define LINUX_HDR_LOADFLAGS     0x211   /* u8 */
#define LINUX_HDR_CODE32_START  0x214   /* u32 */
#define LINUX_HDR_RAMDISK_IMAGE 0x218   /* u32 */
#define LINUX_HDR_RAMDISK_SIZE  0x21c   /* u32 */
#define LINUX_HDR_HEAP_END_PTR  0x224   /* u16 */
#define LINUX_HDR_CMD_LINE_PTR  0x228   /* u32, 2.02+ */
#define LINUX_HDR_INITRD_ADDR_MAX 0x22c /* u32, 2.03+ */
#define LINUX_HDR_KERNEL_ALIGNMENT 0x230 /* u32, 2.05+ */
#define LINUX_HDR_RELOCATABLE   0x234   /* u8, 2.05+ */
#define LINUX_HDR_XLOADFLAGS    0x236   /* u16, 2.12+ */
#define LINUX_HDR_CMDLINE_SIZE  0x238   /* u32, 2.06+: longest command line, NUL excluded */
#define LINUX_HDR_PREF_ADDRESS  0x258   /* u64, 2.10+ */
#define LINUX_HDR_INIT_SIZE     0x260   /* u32, 2.10+: memory the kernel needs from its load address */
#define LINUX_HDR_MAX_END       0x290   /* boot_params' next field (edd_mbr_sig_buffer) */
#define LINUX_BP_E820_TABLE     0x2d0   /* struct boot_e820_entry[128] */
#define LINUX_BP_E820_MAX       128
#define LINUX_BP_SIZE           4096

#define LINUX_BOOT_FLAG         0xaa55
#define LINUX_HDR_MAGIC_VALUE   0x53726448u     /* "HdrS" */

/* loadflags */
#define LINUX_LOADED_HIGH       0x01    /* a bzImage: protected-mode code at 1 MiB or above */
#define LINUX_CAN_USE_HEAP      0x80    /* heap_end_ptr is valid */
/* xloadflags */
#define LINUX_XLF_KERNEL_64     0x0001  /* a 64-bit entry at the load address + 0x200 */

/* type_of_loader: 0xFF is "undefined", for a loader with no registered id. */
#define LINUX_LOADER_UNDEFINED  0xff

/* The boot GDT's selectors the protocol names (arch/x86/include/asm/segment.h). */
#define LINUX_BOOT_CS           0x10
#define LINUX_BOOT_DS           0x18

/* e820 entry types */
#define LINUX_E820_RAM          1
#define LINUX_E820_RESERVED     2

/* Where mica puts the loader's own data in a Linux guest's low memory,
 * all inside the first 640 KiB, none used by the kernel before it has
 * read boot_params. */
#define LINUX_GDT_GPA           ((uint64_t)0x1000)       /* the boot GDT, 4 descriptors */
#define LINUX_STACK_TOP         ((uint64_t)0x6000)       /* a small stack: not required, but sane */
#define LINUX_PARAMS_GPA        ((uint64_t)0x7000)       /* boot_params, one page */
#define LINUX_PML4_GPA          ((uint64_t)0x9000)       /* PML4, PDPT, 4 PDs: 4 GiB identity map */
#define LINUX_PT_PAGES          6
#define LINUX_CMDLINE_GPA       ((uint64_t)0x20000)      /* the command line, up to cmdline_size + 1 */

/* The oldest protocol mica loads: 2.06 gives cmdline_size and the
 * relocatable fields. The 64-bit entry needs 2.12 (xloadflags). */
#define LINUX_PROTO_MIN         0x0206
#define LINUX_PROTO_64BIT       0x020c

struct boot_e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct boot_e820_entry) == 20, "boot_e820_entry");

/* What the setup header says, checked by linux_boot_check. */
struct linux_setup_info {
	uint16_t version;               /* e.g. 0x020f for 2.15 */
	uint8_t loadflags;
	uint16_t xloadflags;            /* 0 before 2.12 */
	bool relocatable;
	bool entry64;                   /* 2.12+ with XLF_KERNEL_64: mica uses the 64-bit entry */
	uint32_t kernel_alignment;      /* 0 when not relocatable */
	uint32_t initrd_addr_max;       /* highest byte address the initrd may occupy */
	uint32_t cmdline_size;
	uint64_t pref_address;          /* where it wants to run (code32_start before 2.10) */
	uint64_t init_size;             /* memory it needs from there (at least its own length) */
	uint64_t kernel_offset;         /* the protected-mode kernel's offset in the image */
	uint64_t kernel_len;            /* and its length */
	uint32_t header_end;            /* end of the setup header in the image: 0x202 + byte 0x201 */
};

/* The vCPU state at the boot entry. Segment registers other than CS
 * (DS, ES, SS, FS, GS) hold (ds); both are flat 4 GiB descriptors of the
 * GDT at gdt_base. Every general register not named here is zero. */
struct linux_boot_regs {
	bool long_mode;                 /* 64-bit entry: EFER.LME/LMA, paging on */
	uint64_t rip, rsi, rsp, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds;
};

/* Where everything goes, decided before anything is written. */
struct linux_boot_plan {
	struct linux_setup_info hdr;
	gpa_t kernel_gpa;               /* load address of the protected-mode kernel */
	gpa_t kernel_end;               /* kernel_gpa + its init_size */
	gpa_t cmdline_gpa;
	uint64_t cmdline_len;           /* without the NUL */
	gpa_t initrd_gpa;               /* 0 with no initrd */
	uint64_t initrd_len;
	uint64_t ram_bytes;
	struct linux_boot_regs regs;
};

/* Guest memory as the loader sees it: RAM is [0, ram_bytes) less the
 * legacy hole; write copies (len) bytes to (gpa) and returns 0, or a
 * negative value when the range is not guest RAM. */
struct linux_boot_mem {
	void *ctx;
	int (*write)(void *ctx, gpa_t gpa, const void *src, uint64_t len);
};

/* Whether (image) of (len) bytes is a Linux kernel with a boot-protocol
 * header ("HdrS" at 0x202 and boot_flag 0xAA55): the module loader's
 * question before it tries multiboot. */
bool linux_boot_is_bzimage(const void *image, size_t len);

/* Read and check the setup header of (image) into (*h). Returns 0, or -1
 * with one line in (err) (n bytes) saying why mica cannot boot it. */
int linux_boot_check(const void *image, size_t len, struct linux_setup_info *h,
		     char *err, size_t n);

/* Plan the boot of (image) with the command line (cmdline, NUL-ended) and
 * an initrd of (initrd_len) bytes (0: none) in a guest of (ram_bytes) of
 * RAM. Fills (*p), registers included. Returns 0, or -1 with one line in
 * (err): a header linux_boot_check refuses, a kernel that is not
 * relocatable and wants memory beyond RAM, an initrd that does not fit, a
 * command line longer than the kernel's cmdline_size. */
int linux_boot_plan(const void *image, size_t len, const char *cmdline, uint64_t initrd_len,
		    uint64_t ram_bytes, struct linux_boot_plan *p, char *err, size_t n);

/* The guest's e820 map for (ram_bytes) of RAM, as mica's multiboot map:
 * base memory to 639 KiB, the EBDA and BIOS area reserved, the rest of
 * RAM from 1 MiB. Fills at most (max) entries of (e); returns the count. */
unsigned linux_boot_e820(uint64_t ram_bytes, struct boot_e820_entry *e, unsigned max);

/* Fill (zp), LINUX_BP_SIZE bytes, with the boot_params of plan (p) for
 * (image): zeroes, the image's setup header, then what the loader sets. */
void linux_boot_params(const void *image, const struct linux_boot_plan *p, uint8_t *zp);

/* Write everything plan (p) places: the kernel from (image), boot_params,
 * the command line (cmdline), (initrd) of p->initrd_len bytes, the GDT and
 * (64-bit entry) the page tables. Returns 0, or -1 with one line in (err)
 * when a write outside guest RAM was refused. */
int linux_boot_load(const void *image, const char *cmdline, const void *initrd,
		    const struct linux_boot_plan *p, const struct linux_boot_mem *mem,
		    char *err, size_t n);

#endif /* HV_LINUX_BOOT_H */
