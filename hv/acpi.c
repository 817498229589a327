/*
 * acpi.c - the machine's CPUs from the ACPI MADT: RSDP search, RSDT or
 * XSDT, then the MADT's local APIC and local x2APIC entries.
 *
 * Runs once at boot on the boot CPU, and on the host in unit tests: it
 * reads memory only through a struct phys_mem, and trusts no length in a
 * table. ACPI 6.5, "Root System Description Pointer (RSDP)", "System
 * Description Table Header", "Multiple APIC Description Table (MADT)".
 */
#include "hv/acpi.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define RSDP_SIG        "RSD PTR "
#define RSDP_V1_LEN     20      /* checksum covers these in every revision */
#define RSDP_V2_LEN     36
#define RSDP_REVISION   15
#define RSDP_RSDT       16      /* 32-bit physical address */
#define RSDP_LENGTH     20      /* revision 2+: whole structure */
#define RSDP_XSDT       24      /* revision 2+: 64-bit physical address */

/* System Description Table Header */
#define SDT_HDR_LEN     36
#define SDT_LENGTH      4

/* MADT: header, then Local Interrupt Controller Address and Flags. */
#define MADT_LAPIC_ADDR 36
#define MADT_ENTRIES    44
/* Interrupt Controller Structure types and their fields */
#define MADT_LAPIC              0       /* Processor Local APIC, 8 bytes */
#define   MADT_LAPIC_LEN        8
#define   MADT_LAPIC_ID         3
#define   MADT_LAPIC_FLAGS      4
#define MADT_LAPIC_OVERRIDE     5       /* Local APIC Address Override, 12 bytes */
#define   MADT_OVERRIDE_LEN     12
#define   MADT_OVERRIDE_ADDR    4
#define MADT_X2APIC             9       /* Processor Local x2APIC, 16 bytes */
#define   MADT_X2APIC_LEN       16
#define   MADT_X2APIC_ID        4
#define   MADT_X2APIC_FLAGS     8
#define MADT_FLAG_ENABLED       0x1     /* Local APIC Flags: usable now */

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

void cpu_list_add(struct cpu_list *l, uint32_t apic_id)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->apic_id[i] == apic_id)
			return;
	if (l->n < CPU_LIST_MAX)
		l->apic_id[l->n++] = apic_id;
	else
		l->beyond_max++;
}

static bool rsdp_at(const struct phys_mem *m, uint64_t pa)
{
	const uint8_t *p = m->map(m->ctx, pa, RSDP_V1_LEN);
	uint32_t len;

	if (!p || memcmp(p, RSDP_SIG, 8) != 0 || acpi_checksum(p, RSDP_V1_LEN) != 0)
		return false;
	if (p[RSDP_REVISION] < 2)
		return true;
	/* Revision 2+: the extended checksum covers the whole structure. */
	p = m->map(m->ctx, pa, RSDP_V2_LEN);
	if (!p)
		return false;
	len = rd32(p + RSDP_LENGTH);
	if (len < RSDP_V2_LEN)
		return false;
	p = m->map(m->ctx, pa, len);
	return p && acpi_checksum(p, len) == 0;
}

int acpi_find_rsdp_range(const struct phys_mem *m, uint64_t start, uint64_t end,
			 uint64_t *rsdp_pa)
{
	for (uint64_t pa = (start + 15) & ~15ULL; pa < end && end - pa >= 16; pa += 16)
		if (rsdp_at(m, pa)) {
			*rsdp_pa = pa;
			return 0;
		}
	return -1;
}

int acpi_find_rsdp(const struct phys_mem *m, uint64_t ebda_pa, uint64_t *rsdp_pa)
{
	if (ebda_pa && acpi_find_rsdp_range(m, ebda_pa, ebda_pa + 1024, rsdp_pa) == 0)
		return 0;
	return acpi_find_rsdp_range(m, BIOS_ROM_ACPI_START, BIOS_ROM_END, rsdp_pa);
}

/* A whole system description table at (pa) with signature (sig): its
 * bytes, or NULL with one line in (err). */
static const uint8_t *table(const struct phys_mem *m, uint64_t pa, const char *sig,
			    uint32_t *len, char *err, size_t errlen)
{
	const uint8_t *p = m->map(m->ctx, pa, SDT_HDR_LEN);

	if (!p) {
		fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: not in readable memory", sig,
			     (unsigned long)pa);
		return NULL;
	}
	if (memcmp(p, sig, 4) != 0) {
		fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: signature is not %s", sig,
			     (unsigned long)pa, sig);
		return NULL;
	}
	*len = rd32(p + SDT_LENGTH);
	if (*len < SDT_HDR_LEN) {
		fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: length %u is shorter than its header",
			     sig, (unsigned long)pa, *len);
		return NULL;
	}
	p = m->map(m->ctx, pa, *len);
	if (!p) {
		fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: its %u bytes run past readable memory",
			     sig, (unsigned long)pa, *len);
		return NULL;
	}
	if (acpi_checksum(p, *len) != 0) {
		fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: bad checksum", sig, (unsigned long)pa);
		return NULL;
	}
	return p;
}

/* The MADT's address from the RSDT (4-byte entries) or XSDT (8-byte). */
static int find_madt(const struct phys_mem *m, uint64_t rsdp_pa, uint64_t *madt_pa,
		     char *err, size_t errlen)
{
	const uint8_t *rsdp = m->map(m->ctx, rsdp_pa, RSDP_V1_LEN), *sdt;
	bool x = false;
	uint64_t sdt_pa;
	uint32_t len;
	unsigned esize;

	if (!rsdp) {
		fmt_snprintf(err, errlen, "ACPI RSDP at 0x%lx: not readable", (unsigned long)rsdp_pa);
		return -1;
	}
	sdt_pa = rd32(rsdp + RSDP_RSDT);
	if (rsdp[RSDP_REVISION] >= 2) {
		const uint8_t *v2 = m->map(m->ctx, rsdp_pa, RSDP_V2_LEN);

		if (v2 && rd64(v2 + RSDP_XSDT)) {
			sdt_pa = rd64(v2 + RSDP_XSDT);
			x = true;
		}
	}
	sdt = table(m, sdt_pa, x ? "XSDT" : "RSDT", &len, err, errlen);
	if (!sdt)
		return -1;
	esize = x ? 8 : 4;
	for (uint32_t off = SDT_HDR_LEN; off + esize <= len; off += esize) {
		uint64_t pa = x ? rd64(sdt + off) : rd32(sdt + off);
		const uint8_t *h = m->map(m->ctx, pa, 4);

		if (h && memcmp(h, "APIC", 4) == 0) {
			*madt_pa = pa;
			return 0;
		}
	}
	fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: lists no MADT", x ? "XSDT" : "RSDT",
		     (unsigned long)sdt_pa);
	return -1;
}

int acpi_madt_cpus(const struct phys_mem *m, uint64_t rsdp_pa, struct cpu_list *out,
		   char *err, size_t errlen)
{
	const uint8_t *madt;
	uint64_t madt_pa;
	uint32_t len, off;

	memset(out, 0, sizeof(*out));
	out->source = "ACPI MADT";
	if (find_madt(m, rsdp_pa, &madt_pa, err, errlen))
		return -1;
	madt = table(m, madt_pa, "APIC", &len, err, errlen);
	if (!madt)
		return -1;
	if (len < MADT_ENTRIES) {
		fmt_snprintf(err, errlen, "ACPI MADT at 0x%lx: length %u is shorter than its "
			     "fixed fields (%u)", (unsigned long)madt_pa, len, MADT_ENTRIES);
		return -1;
	}
	out->lapic_base = rd32(madt + MADT_LAPIC_ADDR);
	for (off = MADT_ENTRIES; off < len; off += madt[off + 1]) {
		const uint8_t *e = madt + off;
		uint8_t type, elen;

		if (len - off < 2 || e[1] < 2 || e[1] > len - off) {
			fmt_snprintf(err, errlen, "ACPI MADT at 0x%lx: the entry at offset %u %s",
				     (unsigned long)madt_pa, off,
				     len - off < 2 ? "is cut off" :
				     e[1] < 2 ? "has a length below 2" : "runs past the table");
			return -1;
		}
		type = e[0];
		elen = e[1];
		if ((type == MADT_LAPIC && elen < MADT_LAPIC_LEN) ||
		    (type == MADT_X2APIC && elen < MADT_X2APIC_LEN) ||
		    (type == MADT_LAPIC_OVERRIDE && elen < MADT_OVERRIDE_LEN)) {
			fmt_snprintf(err, errlen, "ACPI MADT at 0x%lx: entry type %u at offset %u "
				     "has length %u, too short", (unsigned long)madt_pa, type, off, elen);
			return -1;
		}
		if (type == MADT_LAPIC) {
			if (rd32(e + MADT_LAPIC_FLAGS) & MADT_FLAG_ENABLED)
				cpu_list_add(out, e[MADT_LAPIC_ID]);
			else
				out->disabled++;
		} else if (type == MADT_X2APIC) {
			if (rd32(e + MADT_X2APIC_FLAGS) & MADT_FLAG_ENABLED)
				cpu_list_add(out, rd32(e + MADT_X2APIC_ID));
			else
				out->disabled++;
		} else if (type == MADT_LAPIC_OVERRIDE) {
			out->lapic_base = rd64(e + MADT_OVERRIDE_ADDR);
		}
	}
	if (out->n == 0) {
		fmt_snprintf(err, errlen, "ACPI MADT at 0x%lx: no enabled processor",
			     (unsigned long)madt_pa);
		return -1;
	}
	return 0;
}
