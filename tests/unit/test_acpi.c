/*
 * test_acpi.c - hv/acpi.c and hv/mptable.c: the machine's CPUs from an
 * ACPI MADT or an MP table, built byte by byte in a fake physical memory;
 * bad and short tables are refused with one line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/acpi.h"

#define MEM_SIZE 0x110000
static uint8_t mem[MEM_SIZE];
static char err[200];

static const void *map(void *ctx, uint64_t pa, size_t len)
{
	(void)ctx;
	if (pa > MEM_SIZE || len > MEM_SIZE - pa)
		return NULL;
	return mem + pa;
}

static const struct phys_mem pm = { map, NULL };

static void w16(uint64_t pa, uint16_t v) { mem[pa] = v & 0xff; mem[pa + 1] = v >> 8; }
static void w32(uint64_t pa, uint32_t v) { w16(pa, v & 0xffff); w16(pa + 2, v >> 16); }
static void w64(uint64_t pa, uint64_t v) { w32(pa, (uint32_t)v); w32(pa + 4, v >> 32); }

/* Set the byte at (sum_at) so that [pa, pa + len) sums to 0. */
static void fix(uint64_t pa, size_t len, uint64_t sum_at)
{
	uint8_t s = 0;

	mem[sum_at] = 0;
	for (size_t i = 0; i < len; i++)
		s += mem[pa + i];
	mem[sum_at] = (uint8_t)-s;
}

/* An ACPI table header at (pa): signature, length, checksum at byte 9
 * (fixed by the caller after the body is written). */
static void sdt(uint64_t pa, const char *sig, uint32_t len)
{
	memcpy(mem + pa, sig, 4);
	w32(pa + 4, len);
	mem[pa + 8] = 1;
}

#define RSDP    0xe0010
#define RSDT    0x10000
#define XSDT    0x10100
#define FADT    0x10200
#define MADT    0x10400

static uint32_t madt_len;

/* RSDP revision (rev) -> RSDT (and, rev 2, XSDT) -> FADT, MADT. */
static void rsdp(uint8_t rev)
{
	memcpy(mem + RSDP, "RSD PTR ", 8);
	mem[RSDP + 15] = rev;
	w32(RSDP + 16, RSDT);
	if (rev >= 2) {
		w32(RSDP + 20, 36);
		w64(RSDP + 24, XSDT);
	}
	fix(RSDP, 20, RSDP + 8);        /* then the extended sum, which covers it */
	if (rev >= 2)
		fix(RSDP, 36, RSDP + 32);
}

static void madt_begin(void)
{
	madt_len = 44;
	w32(MADT + 36, 0xfee00000);
}

static void madt_entry(const uint8_t *e, uint8_t len)
{
	memcpy(mem + MADT + madt_len, e, len);
	madt_len += len;
}

static void lapic(uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, id, id, flags & 0xff, flags >> 8, 0, 0 };

	madt_entry(e, 8);
}

static void x2apic(uint32_t id, uint32_t flags)
{
	uint8_t e[16] = { 9, 16 };

	memcpy(e + 4, &id, 4);
	memcpy(e + 8, &flags, 4);
	madt_entry(e, 16);
}

static void madt_end(void)
{
	sdt(MADT, "APIC", madt_len);
	fix(MADT, madt_len, MADT + 9);
}

/* RSDT and XSDT both list a FADT, then the MADT. */
static void root_tables(void)
{
	sdt(FADT, "FACP", 36);
	fix(FADT, 36, FADT + 9);
	sdt(RSDT, "RSDT", 36 + 8);
	w32(RSDT + 36, FADT);
	w32(RSDT + 40, MADT);
	fix(RSDT, 44, RSDT + 9);
	sdt(XSDT, "XSDT", 36 + 16);
	w64(XSDT + 36, FADT);
	w64(XSDT + 44, MADT);
	fix(XSDT, 52, XSDT + 9);
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	err[0] = '\0';
	root_tables();
	madt_begin();
	return 0;
}

static int parse(struct cpu_list *l)
{
	uint64_t pa;

	if (acpi_find_rsdp(&pm, 0, &pa))
		return -2;
	assert_int_equal(pa, RSDP);
	return acpi_madt_cpus(&pm, pa, l, err, sizeof(err));
}

static void four_cpus_one_disabled(void **state)
{
	struct cpu_list l;

	(void)state;
	rsdp(0);
	lapic(0, 1);
	lapic(1, 1);
	lapic(2, 0);    /* not enabled: left out, counted */
	lapic(3, 1);
	madt_end();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.apic_id[0], 0);
	assert_int_equal(l.apic_id[1], 1);
	assert_int_equal(l.apic_id[2], 3);
	assert_int_equal(l.disabled, 1);
	assert_int_equal(l.lapic_base, 0xfee00000);
	assert_string_equal(l.source, "ACPI MADT");
}

static void xsdt_and_x2apic(void **state)
{
	struct cpu_list l;

	(void)state;
	rsdp(2);
	/* The RSDT names no MADT: only the XSDT leads to it. */
	w32(RSDT + 40, FADT);
	fix(RSDT, 44, RSDT + 9);
	lapic(0, 1);
	x2apic(0x100, 1);
	x2apic(0x101, 0);
	{
		uint8_t ov[12] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe };
		madt_entry(ov, 12);
	}
	madt_end();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.apic_id[1], 0x100);
	assert_int_equal(l.disabled, 1);
	assert_int_equal(l.lapic_base, 0xfee00000);
}

static void rsdp_in_ebda_first(void **state)
{
	uint64_t pa;

	(void)state;
	rsdp(0);
	memcpy(mem + 0x9fc00 + 0x40, mem + RSDP, 20);
	assert_int_equal(acpi_find_rsdp(&pm, 0x9fc00, &pa), 0);
	assert_int_equal(pa, 0x9fc40);
}

/* UEFI firmware leaves the RSDP in its ACPI memory, not the BIOS areas:
 * found by the range search, missed by the legacy one. */
static void rsdp_in_a_given_range(void **state)
{
	uint64_t pa;

	(void)state;
	rsdp(2);
	memcpy(mem + 0x20030, mem + RSDP, 36);
	memset(mem + RSDP, 0, 36);
	assert_int_equal(acpi_find_rsdp(&pm, 0, &pa), -1);
	assert_int_equal(acpi_find_rsdp_range(&pm, 0x20000, 0x21000, &pa), 0);
	assert_int_equal(pa, 0x20030);
	/* The range's end is respected: the structure's 16 bytes must fit. */
	assert_int_equal(acpi_find_rsdp_range(&pm, 0x20000, 0x2003f, &pa), -1);
	assert_int_equal(acpi_find_rsdp_range(&pm, 0x20031, 0x21000, &pa), -1);
}

static void bad_rsdp_checksum_not_found(void **state)
{
	uint64_t pa;

	(void)state;
	rsdp(0);
	mem[RSDP + 8]++;
	assert_int_equal(acpi_find_rsdp(&pm, 0, &pa), -1);
	/* Revision 2: the first 20 bytes are right, the extended sum is not. */
	rsdp(2);
	mem[RSDP + 33]++;
	assert_int_equal(acpi_find_rsdp(&pm, 0, &pa), -1);
}

static void many_cpus_counted_beyond_max(void **state)
{
	struct cpu_list l;

	(void)state;
	rsdp(0);
	for (unsigned i = 0; i < CPU_LIST_MAX + 3; i++)
		lapic((uint8_t)i, 1);
	lapic(4, 1);    /* a repeated ID is one CPU */
	madt_end();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.n, CPU_LIST_MAX);
	assert_int_equal(l.beyond_max, 3);
}

/* Each broken MADT is refused with one line naming what is wrong. */
static void expect_refused(const char *what)
{
	struct cpu_list l;

	assert_int_equal(parse(&l), -1);
	if (!strstr(err, what))
		fail_msg("error '%s' does not say '%s'", err, what);
	assert_null(strchr(err, '\n'));
}

static void bad_madt_checksum(void **state)
{
	(void)state;
	rsdp(0);
	lapic(0, 1);
	madt_end();
	mem[MADT + 44 + 2] ^= 1;
	expect_refused("ACPI APIC at 0x10400: bad checksum");
}

static void madt_shorter_than_fixed_fields(void **state)
{
	(void)state;
	rsdp(0);
	madt_len = 40;
	madt_end();
	expect_refused("shorter than its fixed fields");
}

static void madt_shorter_than_header(void **state)
{
	(void)state;
	rsdp(0);
	madt_len = 20;
	madt_end();
	expect_refused("shorter than its header");
}

static void entry_of_length_zero(void **state)
{
	uint8_t e[2] = { 0, 0 };

	(void)state;
	rsdp(0);
	lapic(0, 1);
	madt_entry(e, 2);       /* would loop for ever if followed */
	madt_end();
	expect_refused("the entry at offset 52 has a length below 2");
}

static void entry_past_the_table(void **state)
{
	uint8_t e[4] = { 0, 8, 1, 1 };   /* says 8 bytes, 4 left */

	(void)state;
	rsdp(0);
	lapic(0, 1);
	madt_entry(e, 4);
	madt_end();
	expect_refused("runs past the table");
}

static void lapic_entry_too_short(void **state)
{
	uint8_t e[4] = { 0, 4, 1, 1 };

	(void)state;
	rsdp(0);
	madt_entry(e, 4);
	madt_end();
	expect_refused("entry type 0 at offset 44 has length 4, too short");
}

static void madt_past_memory(void **state)
{
	(void)state;
	rsdp(0);
	lapic(0, 1);
	madt_end();
	w32(MADT + 4, MEM_SIZE);        /* length beyond the readable range */
	expect_refused("run past readable memory");
}

static void no_madt(void **state)
{
	(void)state;
	rsdp(0);
	w32(RSDT + 40, FADT);
	fix(RSDT, 44, RSDT + 9);
	expect_refused("ACPI RSDT at 0x10000: lists no MADT");
}

static void no_enabled_cpu(void **state)
{
	(void)state;
	rsdp(0);
	lapic(0, 0);
	madt_end();
	expect_refused("no enabled processor");
}

/* ---- MP table ---- */
#define MPF     0xf5a00
#define MPC     0xf5b00

static uint32_t mpc_len;
static uint16_t mpc_count;

static void mp_begin(void)
{
	memcpy(mem + MPF, "_MP_", 4);
	w32(MPF + 4, MPC);
	mem[MPF + 8] = 1;
	mem[MPF + 9] = 4;
	fix(MPF, 16, MPF + 10);
	mpc_len = 44;
	mpc_count = 0;
}

static void mp_cpu(uint8_t id, uint8_t flags)
{
	uint8_t *e = mem + MPC + mpc_len;

	memset(e, 0, 20);
	e[0] = 0;
	e[1] = id;
	e[2] = 0x14;
	e[3] = flags;
	mpc_len += 20;
	mpc_count++;
}

static void mp_other(uint8_t type)
{
	memset(mem + MPC + mpc_len, 0, 8);
	mem[MPC + mpc_len] = type;
	mpc_len += 8;
	mpc_count++;
}

static void mp_end(void)
{
	memcpy(mem + MPC, "PCMP", 4);
	w16(MPC + 4, (uint16_t)mpc_len);
	mem[MPC + 6] = 4;
	w16(MPC + 34, mpc_count);
	w32(MPC + 36, 0xfee00000);
	fix(MPC, mpc_len, MPC + 7);
}

static int mp_parse(struct cpu_list *l)
{
	uint64_t pa;

	if (mptable_find(&pm, 0, 0, &pa))
		return -2;
	assert_int_equal(pa, MPF);
	return mptable_cpus(&pm, pa, l, err, sizeof(err));
}

static void mp_two_cpus(void **state)
{
	struct cpu_list l;

	(void)state;
	mp_begin();
	mp_cpu(0, 3);   /* enabled, boot processor */
	mp_other(1);    /* a bus */
	mp_cpu(1, 1);
	mp_cpu(2, 0);   /* disabled */
	mp_other(2);    /* an I/O APIC */
	mp_end();
	assert_int_equal(mp_parse(&l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.apic_id[1], 1);
	assert_int_equal(l.disabled, 1);
	assert_string_equal(l.source, "MP table");
}

static void mp_refusals(void **state)
{
	struct cpu_list l;
	uint64_t pa;

	(void)state;
	mp_begin();
	mp_cpu(0, 3);
	mp_end();
	mem[MPC + 44 + 1] ^= 1;
	assert_int_equal(mp_parse(&l), -1);
	assert_non_null(strstr(err, "MP table at 0xf5b00: bad checksum"));

	mp_begin();
	mp_cpu(0, 3);
	mp_other(7);
	mp_end();
	assert_int_equal(mp_parse(&l), -1);
	assert_non_null(strstr(err, "unknown entry type 7 at offset 64"));

	mp_begin();
	mp_cpu(0, 3);
	mp_end();
	w16(MPC + 34, 2);       /* one entry more than the length holds */
	fix(MPC, mpc_len, MPC + 7);
	assert_int_equal(mp_parse(&l), -1);
	assert_non_null(strstr(err, "runs past its length"));

	mp_begin();
	mem[MPF + 11] = 5;      /* a default configuration: no table */
	fix(MPF, 16, MPF + 10);
	assert_int_equal(mp_parse(&l), -1);
	assert_non_null(strstr(err, "default configuration 5"));

	mp_begin();
	mem[MPF + 3]++;         /* no valid floating pointer anywhere */
	assert_int_equal(mptable_find(&pm, 0, 0, &pa), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(four_cpus_one_disabled, setup),
		cmocka_unit_test_setup(xsdt_and_x2apic, setup),
		cmocka_unit_test_setup(rsdp_in_ebda_first, setup),
		cmocka_unit_test_setup(rsdp_in_a_given_range, setup),
		cmocka_unit_test_setup(bad_rsdp_checksum_not_found, setup),
		cmocka_unit_test_setup(many_cpus_counted_beyond_max, setup),
		cmocka_unit_test_setup(bad_madt_checksum, setup),
		cmocka_unit_test_setup(madt_shorter_than_fixed_fields, setup),
		cmocka_unit_test_setup(madt_shorter_than_header, setup),
		cmocka_unit_test_setup(entry_of_length_zero, setup),
		cmocka_unit_test_setup(entry_past_the_table, setup),
		cmocka_unit_test_setup(lapic_entry_too_short, setup),
		cmocka_unit_test_setup(madt_past_memory, setup),
		cmocka_unit_test_setup(no_madt, setup),
		cmocka_unit_test_setup(no_enabled_cpu, setup),
		cmocka_unit_test_setup(mp_two_cpus, setup),
		cmocka_unit_test_setup(mp_refusals, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
