/*
 * selftest.h - in-kernel self-tests, run at boot when the command line says
 * `selftest`, reported in KTAP (lib/ktap.h). The core tests here cover what
 * both kernels share; each kernel adds its own to its table.
 */
#ifndef LIB_SELFTEST_H
#define LIB_SELFTEST_H

#include <stdbool.h>

struct boot_info;

struct selftest {
	const char *name;
	bool (*run)(void);
};

/* Run (n) tests in order as one KTAP run. Returns the number that failed. */
unsigned selftest_run(const struct selftest *tests, unsigned n);

/* What the core tests look at: the kernel's boot information and frame
 * allocator. Call before selftest_run(). */
void selftest_set_boot_info(struct boot_info *bi);

/* Core tests, for the kernels' tables. */
bool selftest_fmt(void);            /* formatted output into a buffer */
bool selftest_breakpoint(void);     /* #BP reaches its handler and resumes */
bool selftest_invalid_opcode(void); /* #UD is caught and skipped */
bool selftest_page_fault(void);     /* #PF above the identity map reports CR2 */
bool selftest_identity_map(void);   /* the 4 GiB identity map reads back writes */
bool selftest_frames(void);         /* allocate, write, free, no duplicates */
bool selftest_cpu_tables(void);     /* GDT, TSS and IDT are the kernel's own */
bool selftest_low_memory_reserved(void);      /* the allocator never hands out: */
bool selftest_image_reserved(void);           /* ... the first 1 MiB, the kernel, */
bool selftest_modules_reserved(void);         /* ... the modules, */
bool selftest_multiboot_info_reserved(void);  /* ... the multiboot information */
bool selftest_bitmap_reserved(void);          /* ... or its own bitmap */

#define SELFTEST_CORE \
	{ "fmt_formats", selftest_fmt }, \
	{ "trap_breakpoint_resumes", selftest_breakpoint }, \
	{ "trap_invalid_opcode_caught", selftest_invalid_opcode }, \
	{ "trap_page_fault_reports_cr2", selftest_page_fault }, \
	{ "identity_map_4g", selftest_identity_map }, \
	{ "frame_alloc_free", selftest_frames }, \
	{ "cpu_tables_loaded", selftest_cpu_tables }, \
	{ "frames_low_1mib_reserved", selftest_low_memory_reserved }, \
	{ "frames_kernel_image_reserved", selftest_image_reserved }, \
	{ "frames_modules_reserved", selftest_modules_reserved }, \
	{ "frames_multiboot_info_reserved", selftest_multiboot_info_reserved }, \
	{ "frames_bitmap_reserved", selftest_bitmap_reserved }

#endif /* LIB_SELFTEST_H */
