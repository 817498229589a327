/*
 * linux_boot.c - the Linux/x86 boot protocol (Linux's
 * Documentation/arch/x86/boot.rst, "The Linux/x86 Boot Protocol"): check
 * a bzImage's setup header, plan where the kernel, boot_params, command
 * line and initrd go in a guest's RAM, build boot_params and write it all
 * through the caller's guest-memory accessor; the vCPU state of the
 * 64-bit entry ("64-bit Boot Protocol") or the 32-bit one ("32-bit Boot
 * Protocol"). Backend-neutral pure code of the hypervisor (VMX root).
 */
#include "hv/linux_boot.h"
#include "lib/bits.h"
#include "lib/fmt.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/x86_regs.h"

#define KiB ((uint64_t)1024)
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define PAGE ((uint64_t)4096)

/* The legacy hole as mica's multiboot map gives it (hv/vm.c): base memory
 * ends at 639 KiB, the EBDA and the BIOS's 64 KiB are reserved, RAM starts
 * again at 1 MiB. */
#define LOW_MEM_END     ((uint64_t)0x9fc00)
#define EBDA_END        ((uint64_t)0xa0000)
#define BIOS_START      ((uint64_t)0xf0000)
#define HIGH_MEM_START  (1 * MiB)

/* heap_end_ptr, relative to the real-mode setup code: the protocol's
 * example value (0xe000 - 0x200), which the 32- and 64-bit entries do not
 * use but a loader sets with CAN_USE_HEAP. */
#define HEAP_END_PTR    (0xe000 - 0x200)

/* The 64-bit entry, startup_64, is 0x200 bytes into the protected-mode
 * kernel. */
#define ENTRY64_OFFSET  0x200

/* Page-table entry bits: SDM Vol. 3, "Paging", "4-Level Paging" tables. */
#define PT_P            BIT(0)
#define PT_RW           BIT(1)
#define PT_PS           BIT(7)  /* in a PDE: maps 2 MiB */

/* Flat 4 GiB descriptors: base 0, limit 0xfffff with G, present, DPL 0,
 * code execute/read (type 0xb, accessed) or data read/write (type 0x3).
 * SDM Vol. 3, "Segment Descriptors". 64-bit code has L set and D clear. */
#define GDT_CODE64      0x00af9b000000ffffULL
#define GDT_CODE32      0x00cf9b000000ffffULL
#define GDT_DATA        0x00cf93000000ffffULL
#define GDT_ENTRIES     4

static uint8_t rd8(const uint8_t *b, size_t off)
{
	return b[off];
}

static uint16_t rd16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *b, size_t off)
{
	return (uint32_t)rd16(b, off) | (uint32_t)rd16(b, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *b, size_t off)
{
	return (uint64_t)rd32(b, off) | (uint64_t)rd32(b, off + 4) << 32;
}

static void wr16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *b, size_t off, uint32_t v)
{
	wr16(b, off, (uint16_t)v);
	wr16(b, off + 2, (uint16_t)(v >> 16));
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

bool linux_boot_is_bzimage(const void *image, size_t len)
{
	const uint8_t *b = image;

	return len >= LINUX_HDR_MAX_END && rd16(b, LINUX_HDR_BOOT_FLAG) == LINUX_BOOT_FLAG &&
	       rd32(b, LINUX_HDR_MAGIC) == LINUX_HDR_MAGIC_VALUE;
}

int linux_boot_check(const void *image, size_t len, struct linux_setup_info *h,
		     char *err, size_t n)
{
	const uint8_t *b = image;

	memset(h, 0, sizeof(*h));
	if (!linux_boot_is_bzimage(image, len)) {
		fmt_snprintf(err, n, "not a Linux kernel: no boot-protocol header (\"HdrS\", 0xAA55)");
		return -1;
	}
	h->version = rd16(b, LINUX_HDR_VERSION);
	if (h->version < LINUX_PROTO_MIN) {
		fmt_snprintf(err, n, "Linux boot protocol %u.%02u is too old: mica needs 2.06 or later",
			     h->version >> 8, h->version & 0xff);
		return -1;
	}
	h->loadflags = rd8(b, LINUX_HDR_LOADFLAGS);
	if (!(h->loadflags & LINUX_LOADED_HIGH)) {
		fmt_snprintf(err, n, "a zImage (kernel loaded at 64 KiB) is not supported: only a bzImage");
		return -1;
	}
	h->header_end = LINUX_HDR_JUMP + 2 + rd8(b, LINUX_HDR_JUMP + 1);
	if (h->header_end > LINUX_HDR_MAX_END) {
		fmt_snprintf(err, n, "setup header ends at 0x%x, beyond boot_params' 0x%x",
			     h->header_end, LINUX_HDR_MAX_END);
		return -1;
	}

	unsigned setup_sects = rd8(b, LINUX_HDR_SETUP_SECTS);

	if (setup_sects == 0)
		setup_sects = 4;        /* the protocol's rule for old images */
	h->kernel_offset = (uint64_t)(setup_sects + 1) * 512;
	if (h->kernel_offset >= len) {
		fmt_snprintf(err, n, "image of %lu bytes ends inside its %u setup sectors",
			     (unsigned long)len, setup_sects);
		return -1;
	}
	h->kernel_len = len - h->kernel_offset;
	h->initrd_addr_max = rd32(b, LINUX_HDR_INITRD_ADDR_MAX);
	h->cmdline_size = rd32(b, LINUX_HDR_CMDLINE_SIZE);
	h->relocatable = rd8(b, LINUX_HDR_RELOCATABLE) != 0;
	if (h->relocatable) {
		h->kernel_alignment = rd32(b, LINUX_HDR_KERNEL_ALIGNMENT);
		if (h->kernel_alignment < PAGE || (h->kernel_alignment & (h->kernel_alignment - 1))) {
			fmt_snprintf(err, n, "kernel_alignment 0x%x is not a power of two of a page or more",
				     h->kernel_alignment);
			return -1;
		}
	}
	if (h->version >= 0x020a) {
		h->pref_address = rd64(b, LINUX_HDR_PREF_ADDRESS);
		h->init_size = rd32(b, LINUX_HDR_INIT_SIZE);
	} else {
		h->pref_address = rd32(b, LINUX_HDR_CODE32_START);
	}
	/* A kernel decompresses within init_size; it is never smaller than
	 * the image itself (before 2.10 it is not given at all). */
	if (h->init_size < h->kernel_len)
		h->init_size = h->kernel_len;
	if (h->version >= LINUX_PROTO_64BIT)
		h->xloadflags = rd16(b, LINUX_HDR_XLOADFLAGS);
	h->entry64 = (h->xloadflags & LINUX_XLF_KERNEL_64) != 0;
	return 0;
}

/* Where the protected-mode kernel goes: its preferred address, moved up
 * to 1 MiB and its alignment when it is relocatable. Never lower: a
 * 64-bit kernel loaded below its LOAD_PHYSICAL_ADDR (pref_address)
 * decompresses itself there anyway, so init_size must fit from the
 * preferred address on. Returns 0 or -1 with (err). */
static int place_kernel(struct linux_boot_plan *p, char *err, size_t n)
{
	const struct linux_setup_info *h = &p->hdr;
	uint64_t at = h->pref_address;

	if (h->relocatable)
		at = align_up(at < HIGH_MEM_START ? HIGH_MEM_START : at, h->kernel_alignment);
	else if (at < HIGH_MEM_START) {
		fmt_snprintf(err, n, "kernel is not relocatable and wants 0x%lx, below 1 MiB", at);
		return -1;
	}
	if (at > p->ram_bytes || h->init_size > p->ram_bytes - at) {
		fmt_snprintf(err, n, "kernel (%srelocatable) needs [0x%lx, 0x%lx): more than the VM's %lu MiB of RAM",
			     h->relocatable ? "" : "not ", at, at + h->init_size, p->ram_bytes / MiB);
		return -1;
	}
	p->kernel_gpa = at;
	p->kernel_end = at + h->init_size;
	return 0;
}

/* The initrd goes as high as the kernel allows, page-aligned, above the
 * kernel's init_size (GRUB and QEMU do the same). */
static int place_initrd(struct linux_boot_plan *p, char *err, size_t n)
{
	uint64_t top = p->ram_bytes;

	if (p->initrd_len == 0)
		return 0;
	if ((uint64_t)p->hdr.initrd_addr_max + 1 < top)
		top = (uint64_t)p->hdr.initrd_addr_max + 1;
	if (top < p->initrd_len || ((top - p->initrd_len) & ~(PAGE - 1)) < p->kernel_end) {
		fmt_snprintf(err, n, "initrd of %lu KiB does not fit between the kernel's end 0x%lx and 0x%lx",
			     (p->initrd_len + KiB - 1) / KiB, p->kernel_end, top);
		return -1;
	}
	p->initrd_gpa = (top - p->initrd_len) & ~(PAGE - 1);
	return 0;
}

/* The boot entry's state: "64-bit Boot Protocol" (long mode, paging on
 * with an identity map, RSI = boot_params) or "32-bit Boot Protocol"
 * (protected mode, paging off, ESI = boot_params). Both: CS = __BOOT_CS,
 * the data segments __BOOT_DS, interrupts off. */
static void entry_state(struct linux_boot_plan *p)
{
	struct linux_boot_regs *r = &p->regs;

	memset(r, 0, sizeof(*r));
	r->long_mode = p->hdr.entry64;
	r->rsi = LINUX_PARAMS_GPA;
	r->rsp = LINUX_STACK_TOP;
	r->rflags = RFLAGS_RESERVED1;
	r->gdt_base = LINUX_GDT_GPA;
	r->gdt_limit = GDT_ENTRIES * 8 - 1;
	r->cs = LINUX_BOOT_CS;
	r->ds = LINUX_BOOT_DS;
	if (r->long_mode) {
		r->rip = p->kernel_gpa + ENTRY64_OFFSET;
		r->cr0 = CR0_PE | CR0_ET | CR0_PG;
		r->cr3 = LINUX_PML4_GPA;
		r->cr4 = CR4_PAE;
		r->efer = EFER_LME | BIT(EFER_LMA_BIT);
	} else {
		r->rip = p->kernel_gpa;
		r->cr0 = CR0_PE | CR0_ET;
	}
}

int linux_boot_plan(const void *image, size_t len, const char *cmdline, uint64_t initrd_len,
		    uint64_t ram_bytes, struct linux_boot_plan *p, char *err, size_t n)
{
	memset(p, 0, sizeof(*p));
	if (linux_boot_check(image, len, &p->hdr, err, n) < 0)
		return -1;
	p->ram_bytes = ram_bytes;
	p->initrd_len = initrd_len;
	if (ram_bytes < 2 * HIGH_MEM_START) {
		fmt_snprintf(err, n, "a Linux guest needs more than %lu KiB of RAM", ram_bytes / KiB);
		return -1;
	}
	p->cmdline_len = strlen(cmdline);
	if (p->cmdline_len > p->hdr.cmdline_size) {
		fmt_snprintf(err, n, "command line of %lu bytes is longer than the kernel's cmdline_size %u",
			     p->cmdline_len, p->hdr.cmdline_size);
		return -1;
	}
	if (p->cmdline_len + 1 > LOW_MEM_END - LINUX_CMDLINE_GPA) {
		fmt_snprintf(err, n, "command line of %lu bytes does not fit in base memory",
			     p->cmdline_len);
		return -1;
	}
	p->cmdline_gpa = LINUX_CMDLINE_GPA;
	if (place_kernel(p, err, n) < 0 || place_initrd(p, err, n) < 0)
		return -1;
	entry_state(p);
	return 0;
}

unsigned linux_boot_e820(uint64_t ram_bytes, struct boot_e820_entry *e, unsigned max)
{
	const struct boot_e820_entry map[] = {
		{ 0, LOW_MEM_END, LINUX_E820_RAM },
		{ LOW_MEM_END, EBDA_END - LOW_MEM_END, LINUX_E820_RESERVED },
		{ BIOS_START, HIGH_MEM_START - BIOS_START, LINUX_E820_RESERVED },
		{ HIGH_MEM_START, ram_bytes - HIGH_MEM_START, LINUX_E820_RAM },
	};
	unsigned count = ram_bytes > HIGH_MEM_START ? 4 : 3;

	if (count > max)
		count = max;
	memcpy(e, map, count * sizeof(map[0]));
	return count;
}

void linux_boot_params(const void *image, const struct linux_boot_plan *p, uint8_t *zp)
{
	struct boot_e820_entry e820[LINUX_BP_E820_MAX];

	/* "The setup header ... copied from the kernel image": the fields a
	 * loader does not set keep the kernel's values (version, vid_mode,
	 * xloadflags...); everything outside it is zero. */
	memset(zp, 0, LINUX_BP_SIZE);
	memcpy(zp + LINUX_HDR_START, (const uint8_t *)image + LINUX_HDR_START,
	       p->hdr.header_end - LINUX_HDR_START);

	zp[LINUX_HDR_TYPE_OF_LOADER] = LINUX_LOADER_UNDEFINED;
	zp[LINUX_HDR_LOADFLAGS] |= LINUX_CAN_USE_HEAP;
	wr16(zp, LINUX_HDR_HEAP_END_PTR, HEAP_END_PTR);
	wr32(zp, LINUX_HDR_CODE32_START, (uint32_t)p->kernel_gpa);
	wr32(zp, LINUX_HDR_CMD_LINE_PTR, (uint32_t)p->cmdline_gpa);
	wr32(zp, LINUX_HDR_RAMDISK_IMAGE, (uint32_t)p->initrd_gpa);
	wr32(zp, LINUX_HDR_RAMDISK_SIZE, (uint32_t)p->initrd_len);

	unsigned count = linux_boot_e820(p->ram_bytes, e820, LINUX_BP_E820_MAX);

	zp[LINUX_BP_E820_ENTRIES] = (uint8_t)count;
	memcpy(zp + LINUX_BP_E820_TABLE, e820, count * sizeof(e820[0]));
}

/* The 64-bit entry's identity map of the first 4 GiB in 2 MiB pages:
 * PML4, one PDPT, four page directories, at LINUX_PML4_GPA. */
static void page_tables(uint64_t (*pt)[512])
{
	uint64_t base = LINUX_PML4_GPA;

	memset(pt, 0, LINUX_PT_PAGES * PAGE);
	pt[0][0] = (base + PAGE) | PT_P | PT_RW;
	for (unsigned g = 0; g < 4; g++) {
		pt[1][g] = (base + (2 + g) * PAGE) | PT_P | PT_RW;
		for (unsigned i = 0; i < 512; i++)
			pt[2 + g][i] = (g * GiB + i * 2 * MiB) | PT_P | PT_RW | PT_PS;
	}
}

static int put(const struct linux_boot_mem *mem, gpa_t gpa, const void *src, uint64_t len,
	       const char *what, char *err, size_t n)
{
	if (len == 0 || mem->write(mem->ctx, gpa, src, len) == 0)
		return 0;
	fmt_snprintf(err, n, "cannot write the %s to [0x%lx, 0x%lx): not guest RAM", what, gpa,
		     gpa + len);
	return -1;
}

int linux_boot_load(const void *image, const char *cmdline, const void *initrd,
		    const struct linux_boot_plan *p, const struct linux_boot_mem *mem,
		    char *err, size_t n)
{
	/* Static, not on the hypervisor's small stack: one load at a time
	 * (hv/linux_vm.c's build_lock; the unit tests build one by one). */
	static uint64_t pt[LINUX_PT_PAGES][512];
	static uint8_t zp[LINUX_BP_SIZE];
	uint64_t gdt[GDT_ENTRIES] = { 0, 0, p->regs.long_mode ? GDT_CODE64 : GDT_CODE32, GDT_DATA };

	linux_boot_params(image, p, zp);
	if (put(mem, p->kernel_gpa, (const uint8_t *)image + p->hdr.kernel_offset,
		p->hdr.kernel_len, "kernel", err, n) < 0 ||
	    put(mem, LINUX_PARAMS_GPA, zp, sizeof(zp), "boot_params", err, n) < 0 ||
	    put(mem, p->cmdline_gpa, cmdline, p->cmdline_len + 1, "command line", err, n) < 0 ||
	    put(mem, p->initrd_gpa, initrd, p->initrd_len, "initrd", err, n) < 0 ||
	    put(mem, LINUX_GDT_GPA, gdt, sizeof(gdt), "boot GDT", err, n) < 0)
		return -1;
	if (!p->regs.long_mode)
		return 0;
	page_tables(pt);
	return put(mem, LINUX_PML4_GPA, pt, sizeof(pt), "page tables", err, n);
}
