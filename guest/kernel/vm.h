/*
 * vm.h - the guest kernel's page tables: building an address space, mapping
 * ranges into it, walking it, and the kernel's own identity map, which
 * replaces boot/boot.S's tables. Runs in 64-bit ring 0.
 * SDM Vol. 3, "4-Level Paging and 5-Level Paging", "Access Rights".
 */
#ifndef GUEST_KERNEL_VM_H
#define GUEST_KERNEL_VM_H

#include <stdbool.h>
#include <stdint.h>

struct boot_info;
struct frame_pool;

/*
 * Build the kernel's page tables from (bi)'s frame allocator and switch to
 * them: [4 KiB, 4 GiB) identity-mapped, page 0 left out so that a null
 * pointer faults; kernel text read-only and executable,
 * read-only data read-only, everything else (data, bss, stack, the rest of
 * memory and MMIO) writable; all but the text no-execute when the CPU has
 * NX. 2 MiB pages, except 4 KiB pages in each 2 MiB region holding a page
 * of the kernel image. Also turns on IA32_EFER.NXE (with NX) and CR0.WP,
 * so that ring 0 faults on read-only pages too, and prints one line.
 * Returns 0, or -1 after one line if frames ran out (the boot tables stay
 * loaded and what was taken is given back). Called once by kmain(), after
 * boot_info_init().
 */
int vm_init(struct boot_info *bi);

/* A new, empty address space: a zeroed PML4 from (p). Returns its address
 * (physical = virtual, like every table here), or NULL if (p) is empty. */
uint64_t *vm_create(struct frame_pool *p);

/*
 * Map virtual [va, va + len) to physical [pa, pa + len) in (pml4) with
 * (flags): any of PTE_W, PTE_U, PTE_NX, PTE_PWT, PTE_PCD, PTE_G (mmu.h);
 * PTE_P is implied. PTE_NX is dropped unless vm_init() found NX (without
 * it bit 63 is reserved). Uses a 2 MiB page where va and pa are 2 MiB-
 * aligned and 2 MiB remain, 4 KiB pages elsewhere; tables come from (p).
 * va, pa and len must be 4 KiB-aligned and the range canonical. Returns
 * 0, or -1 if an argument is bad, a page of the range is already mapped
 * (or a table already sits where a 2 MiB page would go), or (p) runs out;
 * what was mapped before the failure stays mapped. Upper-level entries
 * allow write, and user when PTE_U, so that the leaf alone decides. Does
 * not flush the TLB: only new mappings are safe in the live tables.
 */
int vm_map(uint64_t *pml4, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags,
	   struct frame_pool *p);

/*
 * The entry for (va) in its table at (level) (0: the 4 KiB page table, 1:
 * the page directory) of (pml4), making the tables above it on the way
 * with (alloc)(ctx), which returns a zeroed frame or 0 (NULL: make none).
 * Upper entries allow write, and (user) (PTE_U or 0), so that the leaf
 * alone decides. Returns NULL if a table is missing and could not be made,
 * or a large page covers (va). vm_map() is built on it; the container
 * host's processes walk their own address spaces with it.
 */
uint64_t *vm_walk(uint64_t *pml4, uint64_t va, int level, uint64_t user,
		  uint64_t (*alloc)(void *ctx), void *ctx);

/*
 * Walk (pml4) for (va). Returns 0 and fills in, where not NULL: (pa) the
 * physical address, (rights) what the walk grants per SDM "Access Rights"
 * (PTE_P; PTE_W and PTE_U if every level has them; PTE_NX if any level
 * has it) and (page_size) the leaf's size. Returns -1 if (va) is not
 * canonical or not mapped.
 */
int vm_translate(const uint64_t *pml4, uint64_t va, uint64_t *pa, uint64_t *rights,
		 uint64_t *page_size);

/* Give every table frame of (pml4), the root included, back to (p); not
 * the memory it maps. No table may be shared with another space. */
void vm_destroy(uint64_t *pml4, struct frame_pool *p);

/* The tables CR3 points to now. */
uint64_t *vm_current(void);

/* Would a ring-0 write to (va) succeed in the live tables (CR0.WP = 1)?
 * False when (va) is unmapped. For tests and assertions. */
bool vm_is_writable(uint64_t va);

/* Would a ring-0 instruction fetch from (va) succeed in the live tables
 * (with CR4.SMEP off, as this kernel runs)? Read from the entries alone: a
 * set bit 63 forbids fetches either way (as NX, or as a reserved bit that
 * faults every access). False when (va) is unmapped. */
bool vm_is_executable(uint64_t va);

#endif /* GUEST_KERNEL_VM_H */
