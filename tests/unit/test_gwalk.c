/*
 * test_gwalk.c - host unit tests for the guest page-table walk (hv/gwalk.c;
 * cmocka, ASan, UBSan): paging off, 32-bit paging with 4 KiB and 4 MiB
 * pages, PAE and 4-level paging with large pages, the #PF error code of
 * each refused access, reserved bits, accessed and dirty flags, and tables
 * outside guest memory. The tables are built by hand in a fake guest RAM,
 * as the SDM's figures lay them out (Vol. 3, "Paging").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/gwalk.h"
#include "lib/msr.h"
#include "lib/x86_regs.h"

#define RAM_SIZE        0x40000
#define P               0x1ULL
#define RW              0x2ULL
#define US              0x4ULL
#define A               0x20ULL
#define D               0x40ULL
#define PS              0x80ULL
#define XD              (1ULL << 63)

static uint8_t ram[RAM_SIZE];

static void *map(void *ctx, uint64_t gpa, unsigned len)
{
	(void)ctx;
	return gpa + len <= RAM_SIZE ? ram + gpa : NULL;
}

static void put32(uint64_t gpa, uint32_t v) { memcpy(ram + gpa, &v, 4); }
static void put64(uint64_t gpa, uint64_t v) { memcpy(ram + gpa, &v, 8); }
static uint32_t get32(uint64_t gpa) { uint32_t v; memcpy(&v, ram + gpa, 4); return v; }
static uint64_t get64(uint64_t gpa) { uint64_t v; memcpy(&v, ram + gpa, 8); return v; }

/* Walk; return the result, with *gpa and *err. */
static enum gwalk_result walk(const struct gwalk_mode *m, uint64_t la, unsigned access,
			      uint64_t *gpa, uint32_t *err)
{
	*gpa = ~0ULL;
	*err = ~0u;
	return gwalk(m, la, access, map, NULL, gpa, err);
}

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	return 0;
}

static void test_paging_off(void **state)
{
	struct gwalk_mode m = { .cr0 = CR0_PE, .maxphyaddr = 39 };
	uint64_t gpa;
	uint32_t err;

	(void)state;
	assert_int_equal(walk(&m, 0x12345, GWALK_WRITE, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x12345);
	assert_int_equal(walk(&m, 0x100012345ULL, 0, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x12345);         /* linear addresses are 32-bit */
}

/* 32-bit paging: CR3 0x1000, PDE 0 -> PT 0x2000, PTE 5 -> frame 0x7000. */
static void paging32(struct gwalk_mode *m, uint32_t pte_flags)
{
	*m = (struct gwalk_mode){ .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = 0x1000, .maxphyaddr = 39 };
	put32(0x1000, 0x2000 | P | RW | US);
	put32(0x2000 + 5 * 4, 0x7000 | pte_flags);
}

static void test_32bit_4k(void **state)
{
	struct gwalk_mode m;
	uint64_t gpa;
	uint32_t err;

	(void)state;
	paging32(&m, P | RW);
	assert_int_equal(walk(&m, 0x5123, 0, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x7123);
	assert_true(get32(0x1000) & A);
	assert_true(get32(0x2000 + 5 * 4) & A);
	assert_false(get32(0x2000 + 5 * 4) & D);
	assert_int_equal(walk(&m, 0x5123, GWALK_WRITE, &gpa, &err), GWALK_OK);
	assert_true(get32(0x2000 + 5 * 4) & D);
	/* not present: no P in the error code */
	assert_int_equal(walk(&m, 0x6000, GWALK_WRITE | GWALK_USER, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_W | PFERR_U);
	/* a supervisor page from CPL 3 */
	assert_int_equal(walk(&m, 0x5000, GWALK_USER, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_U);
}

static void test_32bit_write_protect(void **state)
{
	struct gwalk_mode m;
	uint64_t gpa;
	uint32_t err;

	(void)state;
	paging32(&m, P | US);                   /* read-only */
	assert_int_equal(walk(&m, 0x5000, GWALK_WRITE, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_W);
	assert_int_equal(walk(&m, 0x5000, GWALK_WRITE | GWALK_USER, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_W | PFERR_U);
	m.cr0 &= ~(uint64_t)CR0_WP;             /* ring 0 writes anything */
	assert_int_equal(walk(&m, 0x5000, GWALK_WRITE, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x7000);
	assert_int_equal(walk(&m, 0x5000, GWALK_WRITE | GWALK_USER, &gpa, &err), GWALK_FAULT);
}

static void test_32bit_4m_pse36(void **state)
{
	struct gwalk_mode m;
	uint64_t gpa;
	uint32_t err;

	(void)state;
	paging32(&m, P | RW);
	put32(0x1000 + 1 * 4, 0x00400000 | (1u << 13) | PS | P | RW);
	m.cr4 = CR4_PSE;
	assert_int_equal(walk(&m, 0x401234, 0, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x100401234ULL);  /* PSE-36: bits 39:32 from 20:13 */
	/* without CR4.PSE, PS is ignored: the entry points to a table at
	 * 0x400000, outside this RAM */
	m.cr4 = 0;
	assert_int_equal(walk(&m, 0x401234, 0, &gpa, &err), GWALK_NO_MEMORY);
}

/* PAE: PDPTE 1 -> PD 0x3000; PDE 0 -> PT 0x4000, PDE 1: a 2 MiB page. */
static void test_pae(void **state)
{
	struct gwalk_mode m = { .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr4 = CR4_PAE, .maxphyaddr = 39 };
	uint64_t gpa;
	uint32_t err;

	(void)state;
	m.pdpte[1] = 0x3000 | P;
	put64(0x3000, 0x4000 | P | RW);
	put64(0x4000 + 2 * 8, 0x9000 | P | RW);
	put64(0x3000 + 8, 0x00600000 | PS | P | RW);
	assert_int_equal(walk(&m, 0x40002abc, GWALK_WRITE, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x9abc);
	assert_true(get64(0x4000 + 2 * 8) & D);
	assert_int_equal(walk(&m, 0x40212345, 0, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x00612345);
	/* PDPTE 0 not present */
	assert_int_equal(walk(&m, 0x1000, 0, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, 0);
	/* XD without EFER.NXE is a reserved bit */
	put64(0x4000 + 3 * 8, 0xa000 | P | XD);
	assert_int_equal(walk(&m, 0x40003000, 0, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_RSVD);
	/* a PDPTE with a reserved bit */
	m.pdpte[2] = 0x3000 | P | RW;
	assert_int_equal(walk(&m, 0x80000000, 0, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_RSVD);
}

/* 4-level: PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000. */
#define LA(pml4, pdpt, pd, pt, off) \
	(((uint64_t)(pml4) << 39) | ((uint64_t)(pdpt) << 30) | ((uint64_t)(pd) << 21) | \
	 ((uint64_t)(pt) << 12) | (off))

static void four_level(struct gwalk_mode *m)
{
	*m = (struct gwalk_mode){ .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = 0x1000,
				  .cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA | EFER_NXE,
				  .maxphyaddr = 39 };
	put64(0x1000 + 1 * 8, 0x2000 | P | RW | US);
	put64(0x2000 + 2 * 8, 0x3000 | P | RW | US);
	put64(0x3000 + 3 * 8, 0x4000 | P | RW | US);
	put64(0x4000 + 4 * 8, 0x8000 | P | RW | US);
}

static void test_4level(void **state)
{
	struct gwalk_mode m;
	uint64_t gpa;
	uint32_t err;

	(void)state;
	four_level(&m);
	assert_int_equal(walk(&m, LA(1, 2, 3, 4, 0x567), GWALK_WRITE | GWALK_USER, &gpa, &err),
			 GWALK_OK);
	assert_int_equal(gpa, 0x8567);
	assert_true(get64(0x1000 + 8) & A);
	assert_true(get64(0x4000 + 4 * 8) & (A | D));
	/* a 1 GiB page (PAT bit 12 below the offset) and a 2 MiB one */
	put64(0x2000 + 3 * 8, 0x40000000 | (1ULL << 12) | PS | P | RW);
	assert_int_equal(walk(&m, LA(1, 3, 5, 6, 0x789), 0, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x40000000 + LA(0, 0, 5, 6, 0x789));
	put64(0x3000 + 4 * 8, 0x00800000 | PS | P);
	assert_int_equal(walk(&m, LA(1, 2, 4, 7, 0x10), 0, &gpa, &err), GWALK_OK);
	assert_int_equal(gpa, 0x00807010);
	/* PS in a PML4 entry is reserved */
	put64(0x1000 + 2 * 8, 0x2000 | PS | P);
	assert_int_equal(walk(&m, LA(2, 0, 0, 0, 0), 0, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_RSVD);
	/* an address above MAXPHYADDR in an entry is reserved */
	put64(0x4000 + 5 * 8, (1ULL << 45) | P);
	assert_int_equal(walk(&m, LA(1, 2, 3, 5, 0), GWALK_WRITE, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_RSVD | PFERR_W);
	/* a fetch from an execute-disabled page */
	put64(0x4000 + 6 * 8, 0x9000 | P | XD);
	assert_int_equal(walk(&m, LA(1, 2, 3, 6, 0), GWALK_FETCH, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_I);
	/* a table outside guest RAM */
	put64(0x4000 + 7 * 8, 0x9000 | P);
	put64(0x3000 + 5 * 8, 0x100000 | P);
	assert_int_equal(walk(&m, LA(1, 2, 5, 0, 0), 0, &gpa, &err), GWALK_NO_MEMORY);
}

static void test_smap_smep(void **state)
{
	struct gwalk_mode m;
	uint64_t gpa;
	uint32_t err;

	(void)state;
	four_level(&m);
	m.cr4 |= CR4_SMAP | CR4_SMEP;
	/* ring 0 on a user page: refused under SMAP unless RFLAGS.AC */
	assert_int_equal(walk(&m, LA(1, 2, 3, 4, 0), 0, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P);
	m.ac = true;
	assert_int_equal(walk(&m, LA(1, 2, 3, 4, 0), GWALK_WRITE, &gpa, &err), GWALK_OK);
	/* SMEP: no ring-0 fetch from a user page, AC or not */
	assert_int_equal(walk(&m, LA(1, 2, 3, 4, 0), GWALK_FETCH, &gpa, &err), GWALK_FAULT);
	assert_int_equal(err, PFERR_P | PFERR_I);
	/* ring 3 is not affected */
	m.ac = false;
	assert_int_equal(walk(&m, LA(1, 2, 3, 4, 0), GWALK_USER, &gpa, &err), GWALK_OK);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_32bit_4k, setup),
		cmocka_unit_test_setup(test_32bit_write_protect, setup),
		cmocka_unit_test_setup(test_32bit_4m_pse36, setup),
		cmocka_unit_test_setup(test_pae, setup),
		cmocka_unit_test_setup(test_4level, setup),
		cmocka_unit_test_setup(test_smap_smep, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
