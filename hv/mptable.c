/*
 * mptable.c - the machine's CPUs from the MP configuration table, for a
 * machine whose firmware has no ACPI: the floating pointer structure, then
 * the base table's processor entries.
 *
 * Runs once at boot on the boot CPU, and on the host in unit tests.
 * Intel MultiProcessor Specification 1.4, "MP Floating Pointer Structure",
 * "MP Configuration Table Header", "Base MP Configuration Table Entries".
 */
#include "hv/acpi.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define MPF_LEN         16
#define MPF_PHYSPTR     4       /* the configuration table's address */
#define MPF_LENGTH      8       /* in 16-byte units: 1 */
#define MPF_FEATURE1    11      /* nonzero: a default configuration, no table */

#define MPC_HDR_LEN     44
#define MPC_LENGTH      4       /* base table length, 16 bits */
#define MPC_COUNT       34      /* entries in the base table, 16 bits */
#define MPC_LAPIC       36      /* the local APICs' address */

/* Base table entry types and lengths */
#define MPC_PROCESSOR           0
#define   MPC_PROCESSOR_LEN     20
#define   MPC_PROC_APIC_ID      1
#define   MPC_PROC_FLAGS        3
#define   MPC_CPU_EN            0x1
#define MPC_OTHER_LEN           8       /* bus, I/O APIC, I/O and local interrupt */
#define MPC_LAST_TYPE           4

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static bool mpf_at(const struct phys_mem *m, uint64_t pa)
{
	const uint8_t *p = m->map(m->ctx, pa, MPF_LEN);

	return p && memcmp(p, "_MP_", 4) == 0 && p[MPF_LENGTH] == 1 &&
	       acpi_checksum(p, MPF_LEN) == 0;
}

static bool scan(const struct phys_mem *m, uint64_t start, uint64_t end, uint64_t *out)
{
	for (uint64_t pa = start; pa + MPF_LEN <= end; pa += 16)
		if (mpf_at(m, pa)) {
			*out = pa;
			return true;
		}
	return false;
}

int mptable_find(const struct phys_mem *m, uint64_t ebda_pa, uint64_t base_top,
		 uint64_t *mpf_pa)
{
	if (!base_top)
		base_top = 640 * 1024;
	if (ebda_pa && scan(m, ebda_pa, ebda_pa + 1024, mpf_pa))
		return 0;
	if (base_top >= 1024 && scan(m, base_top - 1024, base_top, mpf_pa))
		return 0;
	return scan(m, BIOS_ROM_MP_START, BIOS_ROM_END, mpf_pa) ? 0 : -1;
}

int mptable_cpus(const struct phys_mem *m, uint64_t mpf_pa, struct cpu_list *out,
		 char *err, size_t errlen)
{
	const uint8_t *mpf = m->map(m->ctx, mpf_pa, MPF_LEN), *t;
	uint64_t pa;
	uint32_t len, off;
	unsigned count;

	memset(out, 0, sizeof(*out));
	out->source = "MP table";
	if (!mpf || !mpf_at(m, mpf_pa)) {
		fmt_snprintf(err, errlen, "MP floating pointer at 0x%lx: not valid",
			     (unsigned long)mpf_pa);
		return -1;
	}
	if (mpf[MPF_FEATURE1] != 0 || rd32(mpf + MPF_PHYSPTR) == 0) {
		fmt_snprintf(err, errlen, "MP floating pointer at 0x%lx: default configuration %u "
			     "(no table) is not supported", (unsigned long)mpf_pa, mpf[MPF_FEATURE1]);
		return -1;
	}
	pa = rd32(mpf + MPF_PHYSPTR);
	t = m->map(m->ctx, pa, MPC_HDR_LEN);
	if (!t || memcmp(t, "PCMP", 4) != 0) {
		fmt_snprintf(err, errlen, "MP table at 0x%lx: %s", (unsigned long)pa,
			     t ? "signature is not PCMP" : "not in readable memory");
		return -1;
	}
	len = rd16(t + MPC_LENGTH);
	if (len < MPC_HDR_LEN || !(t = m->map(m->ctx, pa, len))) {
		fmt_snprintf(err, errlen, "MP table at 0x%lx: length %u is %s", (unsigned long)pa,
			     len, len < MPC_HDR_LEN ? "shorter than its header" :
			     "past readable memory");
		return -1;
	}
	if (acpi_checksum(t, len) != 0) {
		fmt_snprintf(err, errlen, "MP table at 0x%lx: bad checksum", (unsigned long)pa);
		return -1;
	}
	out->lapic_base = rd32(t + MPC_LAPIC);
	count = rd16(t + MPC_COUNT);
	for (off = MPC_HDR_LEN; count--; ) {
		uint8_t type = off < len ? t[off] : 0;
		uint32_t elen = type == MPC_PROCESSOR ? MPC_PROCESSOR_LEN : MPC_OTHER_LEN;

		if (off >= len || len - off < elen) {
			fmt_snprintf(err, errlen, "MP table at 0x%lx: entry at offset %u runs past "
				     "its length %u", (unsigned long)pa, off, len);
			return -1;
		}
		if (type > MPC_LAST_TYPE) {
			fmt_snprintf(err, errlen, "MP table at 0x%lx: unknown entry type %u at offset %u",
				     (unsigned long)pa, type, off);
			return -1;
		}
		if (type == MPC_PROCESSOR) {
			if (t[off + MPC_PROC_FLAGS] & MPC_CPU_EN)
				cpu_list_add(out, t[off + MPC_PROC_APIC_ID]);
			else
				out->disabled++;
		}
		off += elen;
	}
	if (out->n == 0) {
		fmt_snprintf(err, errlen, "MP table at 0x%lx: no enabled processor", (unsigned long)pa);
		return -1;
	}
	return 0;
}
