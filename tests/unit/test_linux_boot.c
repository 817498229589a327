/*
 * test_linux_boot.c - host unit tests for hv/linux_boot.c (cmocka, ASan,
 * UBSan): synthetic bzImage headers, each field broken in turn, the plan,
 * boot_params, the e820 map, the entry state and what is written to a fake
 * guest RAM.
 *
 * With arguments, `test_linux_boot VMLINUZ [INITRD]` checks a real kernel
 * instead (tests/scenarios/linux-bare-qemu.sh runs it on Debian's): the
 * same plan and load into 128 MiB, and one summary line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/linux_boot.h"
#include "lib/string.h"

#define MiB (1024ULL * 1024)
#define IMG_LEN (64 * 1024)     /* setup sectors and a small "kernel" */
#define RAM_MAX (128 * MiB)

static uint8_t img[IMG_LEN];
static uint8_t *ram;            /* the fake guest RAM, RAM_MAX bytes */
static uint64_t ram_bytes;
static unsigned writes;
static char err[200];

static void w16(size_t off, uint16_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
}

static void w32(size_t off, uint32_t v)
{
	w16(off, (uint16_t)v);
	w16(off + 2, (uint16_t)(v >> 16));
}

static uint16_t r16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static uint32_t r32(const uint8_t *b, size_t off)
{
	return r16(b, off) | (uint32_t)r16(b, off + 2) << 16;
}

static uint64_t r64(const uint8_t *b, size_t off)
{
	return r32(b, off) | (uint64_t)r32(b, off + 4) << 32;
}

/* A bzImage of protocol 2.15 like Debian's: 64-bit entry, relocatable,
 * 2 MiB aligned, preferred at 16 MiB, init_size 8 MiB, 7 setup sectors. */
static void make_image(void)
{
	memset(img, 0, sizeof(img));
	img[LINUX_HDR_SETUP_SECTS] = 7;
	w16(LINUX_HDR_VID_MODE, 0xffff);
	w16(LINUX_HDR_BOOT_FLAG, LINUX_BOOT_FLAG);
	img[LINUX_HDR_JUMP] = 0xeb;
	img[LINUX_HDR_JUMP + 1] = 0x6a;        /* header ends at 0x26c */
	w32(LINUX_HDR_MAGIC, LINUX_HDR_MAGIC_VALUE);
	w16(LINUX_HDR_VERSION, 0x020f);
	img[LINUX_HDR_LOADFLAGS] = LINUX_LOADED_HIGH;
	w32(LINUX_HDR_CODE32_START, 0x100000);
	w32(LINUX_HDR_INITRD_ADDR_MAX, 0x7fffffff);
	w32(LINUX_HDR_KERNEL_ALIGNMENT, 0x200000);
	img[LINUX_HDR_RELOCATABLE] = 1;
	w16(LINUX_HDR_XLOADFLAGS, 0x7f);
	w32(LINUX_HDR_CMDLINE_SIZE, 2047);
	w32(LINUX_HDR_PREF_ADDRESS, 0x1000000);
	w32(LINUX_HDR_INIT_SIZE, 8 * MiB);
	/* The protected-mode kernel: a pattern to find again in RAM. */
	for (size_t i = 8 * 512; i < IMG_LEN; i++)
		img[i] = (uint8_t)(i * 7 + 1);
}

static int fake_write(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	(void)ctx;
	if (gpa > ram_bytes || len > ram_bytes - gpa)
		return -1;
	memcpy(ram + gpa, src, len);
	writes++;
	return 0;
}

static const struct linux_boot_mem mem = { NULL, fake_write };

static int plan(const char *cmdline, uint64_t initrd_len, uint64_t ram, struct linux_boot_plan *p)
{
	err[0] = '\0';
	return linux_boot_plan(img, sizeof(img), cmdline, initrd_len, ram, p, err, sizeof(err));
}

/* The plan must fail with a line containing (want). */
static void refused(const char *cmdline, uint64_t initrd_len, uint64_t ram, const char *want)
{
	struct linux_boot_plan p;

	assert_int_equal(plan(cmdline, initrd_len, ram, &p), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_null(strchr(err, '\n'));
}

static int setup(void **state)
{
	(void)state;
	make_image();
	ram_bytes = 64 * MiB;
	writes = 0;
	memset(ram, 0xcc, RAM_MAX);
	return 0;
}

static void test_recognises_bzimage(void **state)
{
	assert_true(linux_boot_is_bzimage(img, sizeof(img)));
	assert_false(linux_boot_is_bzimage(img, 0x200));
	w16(LINUX_HDR_BOOT_FLAG, 0);
	assert_false(linux_boot_is_bzimage(img, sizeof(img)));
	make_image();
	img[LINUX_HDR_MAGIC] = 'h';
	assert_false(linux_boot_is_bzimage(img, sizeof(img)));
	refused("", 0, ram_bytes, "not a Linux kernel");
}

static void test_header_read(void **state)
{
	struct linux_setup_info h;

	assert_int_equal(linux_boot_check(img, sizeof(img), &h, err, sizeof(err)), 0);
	assert_int_equal(h.version, 0x020f);
	assert_true(h.entry64);
	assert_true(h.relocatable);
	assert_int_equal(h.kernel_alignment, 0x200000);
	assert_int_equal(h.pref_address, 0x1000000);
	assert_int_equal(h.init_size, 8 * MiB);
	assert_int_equal(h.kernel_offset, 8 * 512);
	assert_int_equal(h.kernel_len, IMG_LEN - 8 * 512);
	assert_int_equal(h.header_end, 0x26c);
	assert_int_equal(h.cmdline_size, 2047);

	/* setup_sects 0 means 4. */
	img[LINUX_HDR_SETUP_SECTS] = 0;
	assert_int_equal(linux_boot_check(img, sizeof(img), &h, err, sizeof(err)), 0);
	assert_int_equal(h.kernel_offset, 5 * 512);
}

static void test_too_old_and_zimage(void **state)
{
	w16(LINUX_HDR_VERSION, 0x0205);
	refused("", 0, ram_bytes, "Linux boot protocol 2.05 is too old");
	make_image();
	img[LINUX_HDR_LOADFLAGS] = 0;
	refused("", 0, ram_bytes, "zImage");
	make_image();
	img[LINUX_HDR_JUMP + 1] = 0x90;        /* header "ends" at 0x292 */
	refused("", 0, ram_bytes, "setup header ends at 0x292");
	make_image();
	img[LINUX_HDR_SETUP_SECTS] = 200;      /* 100 KiB of setup in a 64 KiB image */
	refused("", 0, ram_bytes, "ends inside its 200 setup sectors");
	make_image();
	w32(LINUX_HDR_KERNEL_ALIGNMENT, 0x300000);
	refused("", 0, ram_bytes, "kernel_alignment 0x300000");
}

static void test_entry64(void **state)
{
	struct linux_boot_plan p;

	assert_int_equal(plan("console=ttyS0", 0, ram_bytes, &p), 0);
	assert_true(p.regs.long_mode);
	assert_int_equal(p.kernel_gpa, 0x1000000);
	assert_int_equal(p.kernel_end, 0x1000000 + 8 * MiB);
	assert_int_equal(p.regs.rip, 0x1000200);        /* startup_64 */
	assert_int_equal(p.regs.rsi, LINUX_PARAMS_GPA);
	assert_int_equal(p.regs.cs, 0x10);
	assert_int_equal(p.regs.ds, 0x18);
	assert_int_equal(p.regs.cr0 & 0x80000001u, 0x80000001u);        /* PG, PE */
	assert_int_equal(p.regs.cr4 & 0x20, 0x20);                      /* PAE */
	assert_int_equal(p.regs.efer & 0x500, 0x500);                   /* LME, LMA */
	assert_int_equal(p.regs.cr3, LINUX_PML4_GPA);
	assert_int_equal(p.regs.rflags & 0x200, 0);                     /* IF clear */
	assert_int_equal(p.regs.gdt_base, LINUX_GDT_GPA);
	assert_int_equal(p.regs.gdt_limit, 31);
}

static void test_entry32(void **state)
{
	struct linux_boot_plan p;

	/* 2.11 has no xloadflags: the 32-bit entry, whatever byte 0x236 says. */
	w16(LINUX_HDR_VERSION, 0x020b);
	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	assert_false(p.regs.long_mode);
	assert_int_equal(p.regs.rip, 0x1000000);
	assert_int_equal(p.regs.rsi, LINUX_PARAMS_GPA);
	assert_int_equal(p.regs.cr0 & 0x80000001u, 1);  /* PE, paging off */
	assert_int_equal(p.regs.efer, 0);
	assert_int_equal(p.regs.cr4, 0);
	assert_int_equal(p.regs.cs, 0x10);

	/* 2.12 without XLF_KERNEL_64 (a 32-bit kernel). */
	make_image();
	w16(LINUX_HDR_XLOADFLAGS, 0);
	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	assert_false(p.regs.long_mode);
}

static void test_placement(void **state)
{
	struct linux_boot_plan p;

	/* Preferred address below 1 MiB, relocatable: up to 2 MiB. */
	w32(LINUX_HDR_PREF_ADDRESS, 0x10000);
	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	assert_int_equal(p.kernel_gpa, 0x200000);

	/* Misaligned preferred address: up to the alignment. */
	w32(LINUX_HDR_PREF_ADDRESS, 0x1100000);
	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	assert_int_equal(p.kernel_gpa, 0x1200000);

	/* Not relocatable: exactly where it asks, or refused. */
	make_image();
	img[LINUX_HDR_RELOCATABLE] = 0;
	w32(LINUX_HDR_PREF_ADDRESS, 0x1100000);
	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	assert_int_equal(p.kernel_gpa, 0x1100000);
	refused("", 0, 24 * MiB, "kernel (not relocatable) needs [0x1100000, 0x1900000)");
	w32(LINUX_HDR_PREF_ADDRESS, 0x8000);
	refused("", 0, ram_bytes, "not relocatable and wants 0x8000");

	/* Relocatable but RAM ends before init_size does. */
	make_image();
	refused("", 0, 20 * MiB, "more than the VM's 20 MiB of RAM");
	assert_int_equal(plan("", 0, 24 * MiB, &p), 0);    /* exactly enough */
	refused("", 0, 1 * MiB, "needs more than 1024 KiB");
}

static void test_initrd(void **state)
{
	struct linux_boot_plan p;

	/* As high as RAM allows, page-aligned. */
	assert_int_equal(plan("", 10000, ram_bytes, &p), 0);
	assert_int_equal(p.initrd_gpa, (ram_bytes - 10000) & ~0xfffULL);
	assert_int_equal(p.initrd_len, 10000);

	/* Below initrd_addr_max when that is lower than RAM's end. */
	w32(LINUX_HDR_INITRD_ADDR_MAX, 0x1ffffff);
	assert_int_equal(plan("", 4096, ram_bytes, &p), 0);
	assert_int_equal(p.initrd_gpa, 0x2000000 - 4096);

	/* Above the kernel's init_size or not at all. */
	make_image();
	assert_int_equal(plan("", 40 * MiB, ram_bytes, &p), 0);
	assert_true(p.initrd_gpa >= p.kernel_end);
	refused("", 41 * MiB, ram_bytes, "initrd of 41984 KiB does not fit");
	refused("", 65 * MiB, ram_bytes, "does not fit");
}

static void test_cmdline_size(void **state)
{
	struct linux_boot_plan p;
	static char line[3000];

	memset(line, 'a', 2047);
	line[2047] = '\0';
	assert_int_equal(plan(line, 0, ram_bytes, &p), 0);
	assert_int_equal(p.cmdline_len, 2047);
	line[2047] = 'b';
	line[2048] = '\0';
	refused(line, 0, ram_bytes, "command line of 2048 bytes is longer than the kernel's cmdline_size 2047");
}

static void test_e820(void **state)
{
	struct boot_e820_entry e[8];

	assert_int_equal(linux_boot_e820(64 * MiB, e, 8), 4);
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].size, 0x9fc00);
	assert_int_equal(e[0].type, LINUX_E820_RAM);
	assert_int_equal(e[1].addr, 0x9fc00);
	assert_int_equal(e[1].addr + e[1].size, 0xa0000);
	assert_int_equal(e[1].type, LINUX_E820_RESERVED);
	assert_int_equal(e[2].addr, 0xf0000);
	assert_int_equal(e[2].addr + e[2].size, 0x100000);
	assert_int_equal(e[2].type, LINUX_E820_RESERVED);
	assert_int_equal(e[3].addr, 0x100000);
	assert_int_equal(e[3].addr + e[3].size, 64 * MiB);
	assert_int_equal(e[3].type, LINUX_E820_RAM);
	assert_int_equal(linux_boot_e820(64 * MiB, e, 2), 2);
}

static void test_boot_params(void **state)
{
	struct linux_boot_plan p;
	static uint8_t zp[LINUX_BP_SIZE];

	assert_int_equal(plan("console=ttyS0 acpi=off", 8192, ram_bytes, &p), 0);
	memset(zp, 0xcc, sizeof(zp));
	linux_boot_params(img, &p, zp);

	/* Zero outside the setup header (screen_info, sentinel...), the
	 * kernel's own bytes inside it, except what the loader sets. */
	for (size_t i = 0; i < LINUX_BP_E820_ENTRIES; i++)
		assert_int_equal(zp[i], 0);
	assert_int_equal(zp[0x1ef], 0);         /* sentinel */
	assert_int_equal(r16(zp, LINUX_HDR_VERSION), 0x020f);
	assert_int_equal(r16(zp, LINUX_HDR_VID_MODE), 0xffff);
	assert_int_equal(r16(zp, LINUX_HDR_BOOT_FLAG), LINUX_BOOT_FLAG);
	assert_int_equal(r32(zp, LINUX_HDR_MAGIC), LINUX_HDR_MAGIC_VALUE);
	assert_int_equal(r16(zp, LINUX_HDR_XLOADFLAGS), 0x7f);
	assert_int_equal(r64(zp, LINUX_HDR_PREF_ADDRESS), 0x1000000);
	assert_int_equal(zp[LINUX_HDR_TYPE_OF_LOADER], 0xff);
	assert_int_equal(zp[LINUX_HDR_LOADFLAGS], LINUX_LOADED_HIGH | LINUX_CAN_USE_HEAP);
	assert_int_equal(r16(zp, LINUX_HDR_HEAP_END_PTR), 0xde00);
	assert_int_equal(r32(zp, LINUX_HDR_CMD_LINE_PTR), LINUX_CMDLINE_GPA);
	assert_int_equal(r32(zp, LINUX_HDR_RAMDISK_IMAGE), p.initrd_gpa);
	assert_int_equal(r32(zp, LINUX_HDR_RAMDISK_SIZE), 8192);
	assert_int_equal(r32(zp, LINUX_HDR_CODE32_START), 0x1000000);
	for (size_t i = 0x26c; i < LINUX_BP_E820_TABLE; i++)
		assert_int_equal(zp[i], 0);

	/* The e820 table. */
	assert_int_equal(zp[LINUX_BP_E820_ENTRIES], 4);
	assert_int_equal(r64(zp, LINUX_BP_E820_TABLE + 3 * 20), 0x100000);
	assert_int_equal(r64(zp, LINUX_BP_E820_TABLE + 3 * 20 + 8), 63 * MiB);
	assert_int_equal(r32(zp, LINUX_BP_E820_TABLE + 3 * 20 + 16), LINUX_E820_RAM);
	assert_int_equal(zp[LINUX_BP_E820_TABLE + 4 * 20], 0);
}

static void test_load64(void **state)
{
	struct linux_boot_plan p;
	static uint8_t initrd[5000];
	const char *cmd = "console=ttyS0 acpi=off";

	memset(initrd, 0x5a, sizeof(initrd));
	assert_int_equal(plan(cmd, sizeof(initrd), ram_bytes, &p), 0);
	assert_int_equal(linux_boot_load(img, cmd, initrd, &p, &mem, err, sizeof(err)), 0);

	/* The protected-mode kernel at its load address, nothing more. */
	assert_memory_equal(ram + 0x1000000, img + 8 * 512, IMG_LEN - 8 * 512);
	assert_int_equal(ram[0x1000000 + IMG_LEN - 8 * 512], 0xcc);
	assert_memory_equal(ram + LINUX_CMDLINE_GPA, cmd, strlen(cmd) + 1);
	assert_memory_equal(ram + p.initrd_gpa, initrd, sizeof(initrd));
	assert_int_equal(r32(ram + LINUX_PARAMS_GPA, LINUX_HDR_MAGIC), LINUX_HDR_MAGIC_VALUE);
	assert_int_equal(r32(ram + LINUX_PARAMS_GPA, LINUX_HDR_RAMDISK_IMAGE), p.initrd_gpa);

	/* GDT: null, null, 64-bit code (L set, D clear), flat data. */
	assert_int_equal(r64(ram + LINUX_GDT_GPA, 0), 0);
	assert_int_equal(r64(ram + LINUX_GDT_GPA, 0x10), 0x00af9b000000ffffULL);
	assert_int_equal(r64(ram + LINUX_GDT_GPA, 0x18), 0x00cf93000000ffffULL);

	/* Walk the page tables for a few addresses: identity, 2 MiB pages. */
	const uint64_t probe[] = { 0, 0x1000200, 63 * MiB + 5, 0xfee00000, 0xffffffffULL };

	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		uint64_t va = probe[i];
		uint64_t pml4e = r64(ram + (p.regs.cr3 & ~0xfffULL), (va >> 39 & 511) * 8);
		uint64_t pdpte = r64(ram + (pml4e & ~0xfffULL), (va >> 30 & 511) * 8);
		uint64_t pde = r64(ram + (pdpte & ~0xfffULL), (va >> 21 & 511) * 8);

		assert_int_equal(pml4e & 3, 3);
		assert_int_equal(pdpte & 0x83, 3);
		assert_int_equal(pde & 0x83, 0x83);
		assert_int_equal((pde & ~0x1fffffULL & 0xffffffffffULL) | (va & 0x1fffff), va);
	}
}

static void test_load32_no_page_tables(void **state)
{
	struct linux_boot_plan p;

	w16(LINUX_HDR_XLOADFLAGS, 0);
	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	assert_int_equal(linux_boot_load(img, "", NULL, &p, &mem, err, sizeof(err)), 0);
	assert_int_equal(r64(ram + LINUX_GDT_GPA, 0x10), 0x00cf9b000000ffffULL);  /* 32-bit code */
	assert_int_equal(ram[LINUX_PML4_GPA], 0xcc);
	assert_int_equal(writes, 4);    /* kernel, boot_params, command line, GDT */
}

static void test_load_refused_write(void **state)
{
	struct linux_boot_plan p;

	assert_int_equal(plan("", 0, ram_bytes, &p), 0);
	ram_bytes = 0x1000000 + 100;    /* the accessor refuses the kernel */
	assert_int_equal(linux_boot_load(img, "", NULL, &p, &mem, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot write the kernel to [0x1000000, "));
}

#define T(f) cmocka_unit_test_setup(f, setup)

/* The real-image mode: one line for the scenario, exit 0 if all held. */
static int real_image(const char *path, const char *initrd_path)
{
	struct linux_boot_plan p;
	long len, ilen = 0;
	uint8_t *image, *initrd = NULL;
	FILE *f = fopen(path, "rb");

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
	    !(image = malloc((size_t)len)) || fread(image, 1, (size_t)len, f) != (size_t)len) {
		printf("linux_boot: cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	if (initrd_path) {
		f = fopen(initrd_path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (ilen = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
		    !(initrd = malloc((size_t)ilen)) || fread(initrd, 1, (size_t)ilen, f) != (size_t)ilen) {
			printf("linux_boot: cannot read %s\n", initrd_path);
			return 1;
		}
		fclose(f);
	}
	ram_bytes = RAM_MAX;
	if (linux_boot_plan(image, (size_t)len, "console=ttyS0 acpi=off", (uint64_t)ilen, ram_bytes,
			    &p, err, sizeof(err)) < 0 ||
	    linux_boot_load(image, "console=ttyS0 acpi=off", initrd, &p, &mem, err, sizeof(err)) < 0) {
		printf("linux_boot: %s: %s\n", path, err);
		free(image);
		free(initrd);
		return 1;
	}

	const uint8_t *zp = ram + LINUX_PARAMS_GPA;
	int ok = memcmp(ram + p.kernel_gpa, image + p.hdr.kernel_offset, p.hdr.kernel_len) == 0 &&
		 (!initrd || memcmp(ram + p.initrd_gpa, initrd, (size_t)ilen) == 0) &&
		 r16(zp, LINUX_HDR_VERSION) == p.hdr.version &&
		 r32(zp, LINUX_HDR_RAMDISK_SIZE) == (uint32_t)ilen &&
		 p.regs.rip == p.kernel_gpa + (p.regs.long_mode ? 0x200 : 0);

	printf("linux_boot: %s: protocol %u.%02u, %s entry at 0x%llx, kernel at 0x%llx, init_size %llu KiB, "
	       "initrd %ld bytes at 0x%llx, loaded %s\n",
	       path, p.hdr.version >> 8, p.hdr.version & 0xff, p.regs.long_mode ? "64-bit" : "32-bit",
	       (unsigned long long)p.regs.rip, (unsigned long long)p.kernel_gpa,
	       (unsigned long long)(p.hdr.init_size / 1024), ilen,
	       (unsigned long long)p.initrd_gpa, ok ? "and checked" : "WRONG");
	free(image);
	free(initrd);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_recognises_bzimage),
		T(test_header_read),
		T(test_too_old_and_zimage),
		T(test_entry64),
		T(test_entry32),
		T(test_placement),
		T(test_initrd),
		T(test_cmdline_size),
		T(test_e820),
		T(test_boot_params),
		T(test_load64),
		T(test_load32_no_page_tables),
		T(test_load_refused_write),
	};

	ram = malloc(RAM_MAX);
	if (!ram)
		return 1;
	int status = argc > 1 ? real_image(argv[1], argc > 2 ? argv[2] : NULL)
			      : cmocka_run_group_tests(tests, NULL, NULL);

	free(ram);
	return status;
}
