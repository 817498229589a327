/*
 * acpi.h - finding the machine's CPUs in firmware tables: the ACPI MADT
 * (hv/acpi.c) or, where there is no ACPI, the MP table (hv/mptable.c).
 * Pure parsers over a physical-memory reader, so the host unit tests feed
 * them tables built byte by byte. ACPI 6.5, "Root System Description
 * Pointer (RSDP)", "Multiple APIC Description Table (MADT)"; Intel
 * MultiProcessor Specification 1.4, chapter 4 "MP Configuration Table".
 */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPU_LIST_MAX 16         /* CPUs mica starts; more are counted, left out */

/*
 * Reads physical memory: returns a pointer to [pa, pa + len), or NULL when
 * that range cannot be read (beyond RAM a kernel maps, past a test's
 * buffer). Firmware tables are untrusted bytes: every length in them goes
 * through this before a byte is read.
 */
struct phys_mem {
	const void *(*map)(void *ctx, uint64_t pa, size_t len);
	void *ctx;
};

/* The CPUs a table lists, in its order (the boot CPU among them). */
struct cpu_list {
	unsigned n;                     /* enabled CPUs recorded in apic_id[] */
	uint32_t apic_id[CPU_LIST_MAX];
	unsigned disabled;              /* entries firmware marked unusable */
	unsigned beyond_max;            /* enabled CPUs past CPU_LIST_MAX */
	uint64_t lapic_base;            /* the local APICs' physical address */
	const char *source;             /* "ACPI MADT" or "MP table" */
};

/*
 * The legacy BIOS areas ACPI and the MP specification search: the first
 * KiB of the EBDA (its segment is the BIOS data area's word at 0x40e),
 * then 0xe0000-0xfffff (ACPI) or 0xf0000-0xfffff (MP), on 16-byte
 * boundaries. (ebda_pa) is 0 where there is none.
 */
#define BDA_EBDA_SEGMENT        0x40e
#define BIOS_ROM_ACPI_START     0xe0000
#define BIOS_ROM_MP_START       0xf0000
#define BIOS_ROM_END            0x100000

/*
 * Find the RSDP: signature "RSD PTR ", checksum of its first 20 bytes,
 * and of all of it (length) for revision 2 and later. Returns 0 with its
 * address in (*rsdp_pa), or -1 when there is none.
 */
int acpi_find_rsdp(const struct phys_mem *m, uint64_t ebda_pa, uint64_t *rsdp_pa);

/* The same search in [start, end) on 16-byte boundaries: where UEFI
 * firmware leaves the RSDP, in memory its map calls ACPI-reclaimable or
 * NVS. Returns 0 with the address in (*rsdp_pa), or -1. */
int acpi_find_rsdp_range(const struct phys_mem *m, uint64_t start, uint64_t end,
			 uint64_t *rsdp_pa);

/*
 * The enabled processors of the MADT that the RSDP at (rsdp_pa) leads to
 * (through the XSDT for revision 2 and later, else the RSDT): local APIC
 * and local x2APIC entries with the Enabled flag. Every table's signature,
 * length and checksum is checked. Returns 0 and fills (out), or -1 with
 * one line in (err) naming the table and what is wrong with it (short,
 * bad checksum, an entry that overruns it, no MADT, no enabled CPU).
 */
int acpi_madt_cpus(const struct phys_mem *m, uint64_t rsdp_pa, struct cpu_list *out,
		   char *err, size_t errlen);

/*
 * Find the MP floating pointer structure ("_MP_", 16 bytes, checksum):
 * first KiB of the EBDA, the last KiB of base memory (below (base_top),
 * 640 KiB when unknown), then the BIOS ROM. Returns 0 with its address in
 * (*mpf_pa), or -1.
 */
int mptable_find(const struct phys_mem *m, uint64_t ebda_pa, uint64_t base_top,
		 uint64_t *mpf_pa);

/*
 * The enabled processors of the MP configuration table that the floating
 * pointer at (mpf_pa) points to ("PCMP", its checksum, processor entries
 * with CPU_EN). A floating pointer naming one of the spec's default
 * configurations (no table) is refused, as is any entry type the base
 * table does not define. Returns 0 and fills (out), or -1 with one line
 * in (err).
 */
int mptable_cpus(const struct phys_mem *m, uint64_t mpf_pa, struct cpu_list *out,
		 char *err, size_t errlen);

/* Add (apic_id) to (l), or count it beyond CPU_LIST_MAX; a repeated ID
 * (firmware bug) is recorded once. For both parsers. */
void cpu_list_add(struct cpu_list *l, uint32_t apic_id);

/* The byte sum of [p, p + len): 0 for a valid ACPI or MP structure. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif /* HV_ACPI_H */
