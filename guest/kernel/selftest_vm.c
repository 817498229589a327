/*
 * selftest_vm.c - self-tests of the guest kernel's page tables
 * (guest/kernel/vm.c): text and read-only data refuse writes, data refuses
 * instruction fetches, and the live tables match the kernel's layout.
 *
 * Runs in 64-bit ring 0 after vm_init(), with `selftest` on the command
 * line. The fault tests borrow the #PF vector and give it back.
 * SDM Vol. 3, "Access Rights", "Page-Fault Exceptions".
 */
#include "guest/kernel/mmu.h"
#include "lib/cpuid.h"
#include "guest/kernel/selftest.h"
#include "guest/kernel/vm.h"
#include "lib/boot_info.h"
#include "lib/frame.h"
#include "lib/ktap.h"
#include "lib/msr.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define INSN_RET        0xc3
#define INSN_INT3       0xcc
#define CODE_BYTES      16
#define IDENTITY_LIMIT  0x100000000ULL  /* vm_init() maps [4 KiB, 4 GiB) */
#define THREE_GIB       0xc0000000ULL   /* far above RAM: MMIO space */
#define UNMAPPED        0x8000000000ULL /* 512 GiB: canonical, never mapped */

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

static struct frame_pool *pool;

/* What the write test aims at in .rodata, and the fetch tests in .data
 * and .bss (a RET goes in first; INT3 in .data puts it there, not in
 * .bss). */
static const char rodata_object[] = "read-only";
static uint8_t data_code[CODE_BYTES] = { INSN_INT3 };
static uint8_t bss_code[CODE_BYTES];

void selftest_vm_set_boot_info(struct boot_info *bi)
{
	pool = &bi->frames;
}

/* Asked of the CPU, not of vm.c, so that the tests check vm.c's answer. */
static bool cpu_has_nx(void)
{
	return cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_NX;
}

static bool within(const void *p, const char *start, const char *end)
{
	return (uintptr_t)p >= (uintptr_t)start && (uintptr_t)p < (uintptr_t)end;
}

/* Shared with on_page_fault(), which runs in the middle of a test's
 * statement: volatile, so that the compiler reads them afresh. */
static volatile unsigned pf_hits;
static volatile uint64_t pf_expect, pf_error, pf_resume;

/*
 * The one #PF a test expects, at linear address (pf_expect); any other
 * falls through to the fatal dump. A faulting write resumes at
 * (pf_resume). A faulting fetch was of the RET in a buffer: the handler
 * does what that RET would have done and returns to the caller.
 */
static bool on_page_fault(struct trap_frame *tf)
{
	if (read_cr2() != pf_expect)
		return false;
	pf_hits++;
	pf_error = tf->error_code;
	if (tf->error_code & PFERR_ID) {
		tf->rip = *(uint64_t *)tf->rsp;
		tf->rsp += sizeof(uint64_t);
	} else {
		tf->rip = pf_resume;
	}
	return true;
}

/* Write to the byte at (target): true if that faulted as a ring-0 write
 * to a present read-only page and the byte kept its value. */
static bool write_faults(const volatile uint8_t *target)
{
	volatile uint8_t *p = (volatile uint8_t *)target;
	uint8_t before = *p;
	trap_handler_fn old = trap_set_handler(VEC_PF, on_page_fault);
	bool unchanged;

	pf_hits = 0;
	pf_error = 0;
	pf_expect = (uintptr_t)p;
	__asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
			 "movq %%rax, %0\n\t"
			 "movb %b2, (%1)\n"
			 "1:"
			 : "=m"(pf_resume) : "r"(p), "q"((uint8_t)~before) : "rax", "memory");
	trap_set_handler(VEC_PF, old);
	unchanged = *p == before;
	if (!unchanged)
		*p = before;    /* the page was writable after all: undo */
	return pf_hits == 1 && unchanged &&
	       (pf_error & (PFERR_P | PFERR_W | PFERR_U | PFERR_RSVD | PFERR_ID)) ==
	       (PFERR_P | PFERR_W);
}

/* Put a RET at (code) and call it. Returns the number of page faults
 * the call took (0 or 1); (*error) gets the fault's error code. */
static unsigned call_ret_at(uint8_t *code, uint64_t *error)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;
	trap_handler_fn old;

	code[0] = INSN_RET;
	old = trap_set_handler(VEC_PF, on_page_fault);
	pf_hits = 0;
	pf_error = 0;
	pf_expect = (uintptr_t)code;
	fn();
	trap_set_handler(VEC_PF, old);
	*error = pf_error;
	return pf_hits;
}

bool selftest_vm_text_read_only(void)
{
	const volatile uint8_t *text = (const volatile uint8_t *)(uintptr_t)vm_init;

	return within((const void *)text, __image_start, __text_end) && write_faults(text);
}

bool selftest_vm_rodata_read_only(void)
{
	const volatile uint8_t *ro = (const volatile uint8_t *)rodata_object;

	return within(rodata_object, __text_end, __rodata_end) && write_faults(ro);
}

/* Does any mapping of [0, 4 GiB) set bit 63 at some level? */
static bool any_bit63(void)
{
	uint64_t va, rights, size;

	for (va = 0; va < IDENTITY_LIMIT; va += size)
		if (vm_translate(vm_current(), va, NULL, &rights, &size) || (rights & PTE_NX))
			return true;
	return false;
}

/*
 * With NX: a call to a RET in .data, .bss, on the stack and in a frame
 * from the allocator faults as a ring-0 fetch from a present page. Without
 * NX nothing can forbid that fetch, so what is checked is that the tables
 * agree with the CPU: the RETs run, and no entry sets bit 63 (reserved
 * there: it would fault every access).
 */
bool selftest_vm_data_not_executable(void)
{
	uint8_t stack_code[CODE_BYTES];
	uint64_t frame = frame_alloc(pool), error;
	uint8_t *targets[] = { data_code, bss_code, stack_code, (uint8_t *)(uintptr_t)frame };
	bool nx = cpu_has_nx();
	bool ok = frame && within(data_code, __rodata_end, __image_end) &&
		  within(bss_code, __rodata_end, __image_end);

	for (unsigned i = 0; ok && i < sizeof(targets) / sizeof(targets[0]); i++) {
		unsigned faults = call_ret_at(targets[i], &error);

		if (nx)
			ok = faults == 1 && !vm_is_executable((uintptr_t)targets[i]) &&
			     (error & (PFERR_P | PFERR_W | PFERR_U | PFERR_RSVD | PFERR_ID)) ==
			     (PFERR_P | PFERR_ID);
		else
			ok = faults == 0 && vm_is_executable((uintptr_t)targets[i]);
		if (!ok)
			ktap_diag("RET at 0x%lx: %u page faults, error code 0x%lx",
				  (uint64_t)(uintptr_t)targets[i], faults, error);
	}
	if (nx) {
		ok = ok && (rdmsr(MSR_IA32_EFER) & EFER_NXE);
	} else {
		ok = ok && !any_bit63();
		ktap_diag("CPU lacks NX: checked only that data runs and no entry sets bit 63");
	}
	if (frame)
		frame_free(pool, frame);
	return ok;
}

/* A 2 MiB region of [0, 4 GiB) holding a page of the kernel image. */
static bool holds_image(uint64_t region)
{
	return region < (uintptr_t)__image_end && region + PAGE_2M > (uintptr_t)__image_start;
}

/* Is (size) a page size vm_init() may give the 2 MiB region at (r)?
 * 4 KiB exactly where the image or the unmapped page 0 is; elsewhere
 * 2 MiB, or 1 GiB if the CPU has such pages and the GiB holds neither
 * (which GiBs get one depends on the memory map). */
static bool region_page_size_ok(uint64_t r, uint64_t size)
{
	uint64_t gib = r & ~(PAGE_1G - 1);
	bool gib_ok = (cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_PAGE1GB) && gib != 0 &&
		      !(gib < (uintptr_t)__image_end && gib + PAGE_1G > (uintptr_t)__image_start);

	if (holds_image(r) || r == 0)
		return size == PAGE_4K;
	return size == PAGE_2M || (gib_ok && size == PAGE_1G);
}

/*
 * vm_is_writable() and vm_is_executable() give each part of the layout
 * its rights; the whole of [4 KiB, 4 GiB), and nothing above or below, is
 * identity-mapped, with 4 KiB pages exactly in the 2 MiB regions the image
 * (or the unmapped page 0) touches, and the largest pages the CPU has
 * elsewhere.
 */
bool selftest_vm_page_tables_walk(void)
{
	bool nx = cpu_has_nx(), ok;
	uint64_t frame = frame_alloc(pool), pa = 0, size = 0;
	const struct {
		const char *what;
		uint64_t va;
		bool writable, executable;
		uint64_t page_size;             /* 0: either */
	} want[] = {
		{ "text",    (uintptr_t)vm_init,       false, true, PAGE_4K },
		{ "rodata",  (uintptr_t)rodata_object, false, !nx,  PAGE_4K },
		{ "data",    (uintptr_t)data_code,     true,  !nx,  PAGE_4K },
		{ "bss",     (uintptr_t)bss_code,      true,  !nx,  PAGE_4K },
		{ "frame",   frame,                    true,  !nx,  0 },
		{ "3 GiB",   THREE_GIB,                true,  !nx,  0 },
		{ "512 GiB", UNMAPPED,                 false, false, 0 },
	};

	ok = frame != 0;
	for (unsigned i = 0; ok && i < sizeof(want) / sizeof(want[0]); i++) {
		bool mapped = vm_translate(vm_current(), want[i].va, &pa, NULL, &size) == 0;

		ok = vm_is_writable(want[i].va) == want[i].writable &&
		     vm_is_executable(want[i].va) == want[i].executable &&
		     mapped == (want[i].va < IDENTITY_LIMIT) &&
		     (!mapped || pa == want[i].va) &&
		     (!want[i].page_size || size == want[i].page_size);
		if (!ok)
			ktap_diag("%s at 0x%lx: writable %d, executable %d, page size 0x%lx",
				  want[i].what, want[i].va, vm_is_writable(want[i].va),
				  vm_is_executable(want[i].va), mapped ? size : 0);
	}
	/* Page 0 is left out, so that a null pointer faults. */
	ok = ok && vm_translate(vm_current(), 0, NULL, NULL, NULL) != 0;
	for (uint64_t r = 0; ok && r < IDENTITY_LIMIT; r += PAGE_2M) {
		uint64_t va = r ? r : PAGE_4K;

		ok = vm_translate(vm_current(), va, &pa, NULL, &size) == 0 && pa == va &&
		     region_page_size_ok(r, size);
		if (!ok)
			ktap_diag("2 MiB region at 0x%lx: wrong mapping (page size 0x%lx)", r, size);
	}
	ok = ok && vm_translate(vm_current(), IDENTITY_LIMIT, NULL, NULL, NULL) != 0;
	if (frame)
		frame_free(pool, frame);
	return ok;
}

/*
 * vm_map() on a new address space, as ring-3 processes will use it: a
 * user range takes a 2 MiB page and a 4 KiB page, a kernel page in the
 * upper half stays kernel-only, bad or overlapping requests are refused,
 * and vm_destroy() gives every table back.
 */
bool selftest_vm_map_new_space(void)
{
	const uint64_t user_va = 0x7f0000000000ULL, user_pa = 0x200000;
	const uint64_t kernel_va = 0xffff800000000000ULL, kernel_pa = 0x300000;
	const uint64_t nx_bit = cpu_has_nx() ? PTE_NX : 0;
	uint64_t before = frame_pool_free_count(pool), pa, rights, size;
	uint64_t *pml4 = vm_create(pool);
	bool ok;

	if (!pml4)
		return false;
	/* Four tables for the user range (PML4, PDPT, PD, PT), three more
	 * for the kernel page under another PML4 entry. */
	ok = vm_map(pml4, user_va, user_pa, PAGE_2M + PAGE_4K, PTE_U | PTE_W | PTE_NX, pool) == 0 &&
	     frame_pool_free_count(pool) == before - 4 &&
	     vm_map(pml4, kernel_va, kernel_pa, PAGE_4K, 0, pool) == 0 &&
	     frame_pool_free_count(pool) == before - 7;

	ok = ok && vm_translate(pml4, user_va + 0x1234, &pa, &rights, &size) == 0 &&
	     pa == user_pa + 0x1234 && size == PAGE_2M &&
	     rights == (PTE_P | PTE_W | PTE_U | nx_bit);
	ok = ok && vm_translate(pml4, user_va + PAGE_2M, &pa, &rights, &size) == 0 &&
	     pa == user_pa + PAGE_2M && size == PAGE_4K &&
	     rights == (PTE_P | PTE_W | PTE_U | nx_bit);
	ok = ok && vm_translate(pml4, user_va + PAGE_2M + PAGE_4K, NULL, NULL, NULL) != 0;
	ok = ok && vm_translate(pml4, kernel_va, &pa, &rights, &size) == 0 &&
	     pa == kernel_pa && size == PAGE_4K && rights == PTE_P;

	/* Already mapped, misaligned, across the non-canonical hole. */
	ok = ok && vm_map(pml4, user_va, user_pa, PAGE_4K, 0, pool) != 0 &&
	     vm_map(pml4, user_va + 1, user_pa, PAGE_4K, 0, pool) != 0 &&
	     vm_map(pml4, 0x7ffffffff000ULL, 0, 2 * PAGE_4K, 0, pool) != 0;

	vm_destroy(pml4, pool);
	return ok && frame_pool_free_count(pool) == before;
}
