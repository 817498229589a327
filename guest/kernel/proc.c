/*
 * proc.c - processes of the container host (see proc.h): their address
 * spaces, loading a program from an image, their first entry to ring 3,
 * and how they end.
 *
 * Runs in ring 0. Every process has its own PML4. Entry 0, the kernel's
 * identity map of [0, 4 GiB), is shared and supervisor-only; everything a
 * process owns lies under entry 1 (guest/include/sysabi.h) and is mapped
 * with 4 KiB pages. Every frame a process takes (its pages, its page
 * tables, its kernel stack) is charged to its container, so a container's
 * memory limit bounds all of it. Follows xv6's proc.c: a kernel stack per
 * process, swtch() between stacks, a zombie until someone reaps it.
 */
#include <stddef.h>
#include "guest/kernel/container.h"
#include "guest/kernel/image.h"
#include "guest/kernel/mmu.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/sched.h"
#include "guest/kernel/syscall.h"
#include "guest/kernel/tty.h"
#include "guest/kernel/vm.h"
#include "lib/console.h"
#include "lib/cpu.h"
#include "lib/cpuid.h"
#include "lib/elf.h"
#include "lib/frame.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

/* A program's segments may not take more than this: a bad image must not
 * make the kernel loop over terabytes of pages it will never get. */
#define PROGRAM_MAX_BYTES       (64ULL << 20)

/* In guest/kernel/entry.S: where a new process's first swtch() lands. */
extern char proc_first_entry[];

struct proc *proc_table;
unsigned proc_slots;

static struct frame_pool *pool;
static uint64_t *kernel_pml4;
static uint64_t nx_bit;                 /* PTE_NX when EFER.NXE is on, else 0 */
/* x87/SSE registers as FNINIT and a reset MXCSR leave them: every process
 * starts from this, never from another's. */
static uint8_t clean_fpu[512] __attribute__((aligned(16)));

uint64_t *proc_kernel_pml4(void)
{
	return kernel_pml4;
}

/* ---- Frames, charged ---- */

/*
 * Frames known to hold zeroes: the page tables of processes that ended.
 * Taking an address space down reads every entry of every table anyway
 * (free_level), and clears each one it frees, so a table comes out of it
 * all zero at the cost of a store per entry in use. Up to ZEROED_MAX of
 * them are kept, linked through their first word, and handed out where a
 * zeroed page is wanted (a new process's tables, stack, mmap), without
 * clearing 4 KiB again; Linux's page-table quicklists did the same. They
 * count as free (proc_free_frames), and a frame wanted when the pool has
 * none is taken from them.
 */
#define ZEROED_MAX      64
static uint64_t zeroed_head;            /* physical address, 0: none */
static unsigned zeroed_count;

static uint64_t zeroed_take(void)
{
	uint64_t pa = zeroed_head;

	if (pa) {
		uint64_t *link = (uint64_t *)(uintptr_t)pa;

		zeroed_head = *link;
		*link = 0;
		zeroed_count--;
	}
	return pa;
}

/* Take back (pa), a frame that holds only zeroes. */
static void zeroed_give(uint64_t pa)
{
	if (zeroed_count == ZEROED_MAX) {
		frame_free(pool, pa);
		return;
	}
	*(uint64_t *)(uintptr_t)pa = zeroed_head;
	zeroed_head = pa;
	zeroed_count++;
}

uint64_t proc_free_frames(void)
{
	return frame_pool_free_count(pool) + zeroed_count;
}

/* A frame for (p), charged to its container. (zero): all zeroes, else
 * what it held, and the caller writes every byte before a process can
 * read one. */
static uint64_t alloc_frame(struct proc *p, bool zero)
{
	uint64_t pa;

	if (container_charge(p->c, 1))
		return 0;
	if (zero) {
		pa = zeroed_take();
		if (pa == 0 && (pa = frame_alloc(pool)) != 0)
			memset((void *)(uintptr_t)pa, 0, PAGE_4K);
	} else {
		pa = frame_alloc(pool);
		if (pa == 0)
			pa = zeroed_take();     /* the pool is empty: these are free too */
	}
	if (pa == 0) {
		container_charge(p->c, -1);
		return 0;
	}
	p->pages++;
	return pa;
}

uint64_t proc_alloc_page(struct proc *p)
{
	return alloc_frame(p, true);
}

/* Give back (p)'s frame (pa); (zeroed): it holds only zeroes. */
static void free_page(struct proc *p, uint64_t pa, bool zeroed)
{
	if (zeroed)
		zeroed_give(pa);
	else
		frame_free(pool, pa);
	p->pages--;
	container_charge(p->c, -1);
}

/* ---- The user address space ---- */

static uint64_t *table(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR_MASK);
}

/* vm_walk's allocator for a process's tables: charged to its container. */
static uint64_t charged_table(void *p)
{
	return proc_alloc_page(p);
}

/* The page-table entry for user page (va), making the tables on the way
 * if (create). NULL if absent, or if a table could not be had. */
static uint64_t *walk(struct proc *p, uint64_t va, bool create)
{
	return vm_walk(p->pml4, va, 0, PTE_U, create ? charged_table : NULL, p);
}

/* Map a new page at user (va) with (flags) (PTE_W, PTE_NX), unless one
 * is there already. Returns the page's entry, or NULL without memory;
 * (*fresh) tells whether its frame is new. A new frame is zeroed, unless
 * (filled): then the caller writes every byte of it. */
static uint64_t *map_entry(struct proc *p, uint64_t va, uint64_t flags, bool filled,
			   bool *fresh)
{
	uint64_t *pte = walk(p, va, true), pa;

	*fresh = false;
	if (pte == NULL || (*pte & PTE_P))
		return pte;
	pa = alloc_frame(p, !filled);
	if (pa == 0)
		return NULL;
	*pte = pa | PTE_P | PTE_U | (flags & (PTE_W | nx_bit));
	*fresh = true;
	return pte;
}

/* Map a fresh zeroed page at user (va) with (flags), or return the page
 * already there. Returns its physical address, or 0. */
static uint64_t map_page(struct proc *p, uint64_t va, uint64_t flags)
{
	bool fresh;
	uint64_t *pte = map_entry(p, va, flags, false, &fresh);

	return pte ? *pte & PTE_ADDR_MASK : 0;
}

/* Free every page and table below (t), a table at (level), and (t),
 * clearing each entry on the way: (t) goes back all zero. */
static void free_level(struct proc *p, uint64_t *t, int level)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i];

		if (e == 0)
			continue;
		t[i] = 0;
		if (!(e & PTE_P))
			continue;
		if (level > 0)
			free_level(p, table(e), level - 1);
		else
			free_page(p, e & PTE_ADDR_MASK, false);
	}
	free_page(p, (uint64_t)(uintptr_t)t, true);
}

/* Give back everything of (p)'s address space; the kernel's entry 0 is
 * shared and stays. The caller runs on the kernel's CR3. */
static void free_address_space(struct proc *p)
{
	if (p->pml4 == NULL)
		return;
	p->pml4[0] = 0;                 /* the kernel's, shared: not freed */
	free_level(p, p->pml4, PT_LEVELS - 1);
	p->pml4 = NULL;
}

int proc_grow_stack(struct proc *p, uint64_t va)
{
	if (va < USER_STACK_TOP - USER_STACK_SIZE || va >= USER_STACK_TOP)
		return -1;
	return map_page(p, va & ~(uint64_t)(PAGE_4K - 1), PTE_W | PTE_NX) ? 0 : -1;
}

int proc_mmap(struct proc *p, uint64_t len, uint64_t *addr)
{
	uint64_t pages = (len + PAGE_4K - 1) / PAGE_4K, va = p->heap_top;

	if (len == 0 || len > USER_END - USER_HEAP || pages * PAGE_4K > USER_END - va)
		return -SYS_EINVAL;
	for (uint64_t i = 0; i < pages; i++) {
		if (map_page(p, va + i * PAGE_4K, PTE_W | PTE_NX) == 0) {
			/* What was mapped stays the process's, past the heap
			 * top, and goes back when it ends. */
			p->heap_top = va + (i + 1) * PAGE_4K;
			return -SYS_ENOMEM;
		}
	}
	p->heap_top = va + pages * PAGE_4K;
	*addr = va;
	return 0;
}

/* ---- Loading a program ---- */

struct load_ctx {
	struct proc *p;
	const uint8_t *file;
};

/* Map one PT_LOAD segment page by page and copy its file bytes; the rest
 * is zero (bss). A new page is written once: its file bytes copied, only
 * the bytes around them zeroed. Pages shared by two segments get the
 * rights of both, and keep what the first segment put there. */
static int load_segment(void *arg, const struct elf_segment *s)
{
	struct load_ctx *ctx = arg;
	uint64_t start = s->vaddr & ~(uint64_t)(PAGE_4K - 1), end = s->vaddr + s->memsz;
	uint64_t flags = (s->flags & PF_W ? PTE_W : 0) | (s->flags & PF_X ? 0 : PTE_NX);

	if (s->memsz == 0)
		return 0;

	for (uint64_t va = start; va < end; va += PAGE_4K) {
		bool fresh;
		uint64_t *pte = map_entry(ctx->p, va, flags, true, &fresh);
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE_4K < s->vaddr + s->filesz ? va + PAGE_4K : s->vaddr + s->filesz;
		uint8_t *page;

		if (pte == NULL)
			return -SYS_ENOMEM;
		page = (uint8_t *)(uintptr_t)(*pte & PTE_ADDR_MASK);
		*pte |= flags & PTE_W;
		if (!(flags & PTE_NX))
			*pte &= ~PTE_NX;
		if (hi > lo)
			memcpy(page + (lo - va), ctx->file + s->offset + (lo - s->vaddr), hi - lo);
		else
			lo = hi = va;           /* all bss */
		if (fresh) {
			memset(page, 0, lo - va);
			memset(page + (hi - va), 0, va + PAGE_4K - hi);
		}
	}
	return 0;
}

/* Check that a segment lies in the program's part of the user range. */
static int check_segment(void *arg, const struct elf_segment *s)
{
	uint64_t *total = arg;

	if (s->memsz == 0)
		return 0;               /* an empty segment maps nothing */
	if (s->vaddr < USER_TEXT || s->memsz > USER_HEAP - USER_TEXT ||
	    s->vaddr > USER_HEAP - s->memsz)
		return -1;
	*total += s->memsz;
	return *total > PROGRAM_MAX_BYTES ? -1 : 0;
}

/* Load (file) into (p). Returns 0 with (*entry) set, or -SYS_E*. */
static int load_program(struct proc *p, const uint8_t *file, uint64_t size, uint64_t *entry)
{
	struct elf_image elf;
	struct load_ctx ctx = { .p = p, .file = file };
	uint64_t total = 0;
	char err[80];

	if (elf_parse(file, size, &elf, err, sizeof(err)) || !elf.is64 ||
	    elf.machine != EM_X86_64 || elf_foreach_load(&elf, check_segment, &total))
		return -SYS_ENOEXEC;
	*entry = elf.entry;
	return elf_foreach_load(&elf, load_segment, &ctx);
}

/*
 * The initial stack (sysabi.h): the strings at the top, then argv[] and
 * its NULL, then argc, 16-byte aligned. All of it fits the top page:
 * USER_MAX_ARGS strings of USER_ARG_MAX bytes and their pointers.
 */
static int build_stack(struct proc *p, int argc, char *const argv[], uint64_t *sp)
{
	uint64_t top = USER_STACK_TOP, page = top - PAGE_4K, ptrs[USER_MAX_ARGS];
	uint8_t *kpage;

	if (proc_grow_stack(p, page))
		return -SYS_ENOMEM;
	kpage = (uint8_t *)(uintptr_t)(*walk(p, page, false) & PTE_ADDR_MASK);
	for (int i = argc - 1; i >= 0; i--) {
		size_t len = strlen(argv[i]) + 1;

		top -= len;
		memcpy(kpage + (top - page), argv[i], len);
		ptrs[i] = top;
	}
	top &= ~(uint64_t)15;
	/* argc, argc + 1 pointers: keep the final RSP 16-byte aligned. */
	if ((argc + 2) % 2)
		top -= 8;
	top -= 8;
	memset(kpage + (top - page), 0, 8);                    /* argv[argc] */
	for (int i = argc - 1; i >= 0; i--) {
		top -= 8;
		memcpy(kpage + (top - page), &ptrs[i], 8);
	}
	top -= 8;
	uint64_t n = (uint64_t)argc;
	memcpy(kpage + (top - page), &n, 8);
	*sp = top;
	return 0;
}

/* Prepare (p)'s kernel stack so that the scheduler's first swtch() to it
 * ends in an IRETQ to (entry) in ring 3 (proc_first_entry, entry.S). */
static void build_kstack(struct proc *p, uint64_t entry, uint64_t sp, int argc)
{
	struct trap_frame *tf = (struct trap_frame *)(uintptr_t)(p->kstack + KSTACK_SIZE) - 1;
	struct context *ctx = (struct context *)tf - 1;

	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->cs = GDT_UCODE | 3;
	tf->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
	tf->rsp = sp;
	tf->ss = GDT_UDATA | 3;
	tf->rdi = (uint64_t)argc;
	tf->rsi = sp + 8;
	memset(ctx, 0, sizeof(*ctx));
	ctx->rip = (uint64_t)(uintptr_t)proc_first_entry;
	p->ctx = ctx;
}

static struct proc *alloc_slot(void)
{
	for (unsigned i = 0; i < proc_slots; i++)
		if (proc_table[i].state == PROC_FREE)
			return &proc_table[i];
	return NULL;
}

struct proc *proc_spawn(struct container *c, struct proc *parent, const char *path,
			int argc, char *const argv[], int *err)
{
	const uint8_t *file;
	uint64_t size, entry = 0, sp = 0;
	struct proc *p;
	int r;

	if (argc < 1 || argc > USER_MAX_ARGS) {
		*err = SYS_E2BIG;
		return NULL;
	}
	for (int i = 0; i < argc; i++) {
		if (strnlen(argv[i], USER_ARG_MAX) >= USER_ARG_MAX) {
			*err = SYS_E2BIG;
			return NULL;
		}
	}
	if (image_lookup(c->image, path, &file, &size)) {
		*err = SYS_ENOENT;
		return NULL;
	}
	if (!container_may_spawn(c)) {
		*err = SYS_EAGAIN;
		return NULL;
	}
	p = alloc_slot();
	if (p == NULL) {
		c->limit_hits++;
		if (!c->table_noted && (c->table_noted = true))
			klog("container %s: the process table is full (%u processes); spawn refused\n",
			     c->name, proc_slots);
		*err = SYS_EAGAIN;
		return NULL;
	}

	memset(p, 0, offsetof(struct proc, fpu));
	p->c = c;
	p->parent = parent;
	strlcpy(p->name, path, sizeof(p->name));
	memcpy(p->fpu, clean_fpu, sizeof(p->fpu));
	c->nprocs++;
	p->state = PROC_ZOMBIE;         /* taken, not runnable until ready */

	*err = SYS_ENOMEM;
	if (container_charge(c, KSTACK_PAGES))
		goto fail;
	p->kstack = frame_alloc_contig(pool, KSTACK_PAGES, PAGE_4K);
	if (p->kstack == 0) {
		container_charge(c, -KSTACK_PAGES);
		goto fail;
	}
	p->pages += KSTACK_PAGES;
	p->pml4 = (uint64_t *)(uintptr_t)proc_alloc_page(p);
	if (p->pml4 == NULL)
		goto fail;
	p->pml4[0] = kernel_pml4[0];    /* the kernel: supervisor-only */

	r = load_program(p, file, size, &entry);
	if (r == 0)
		r = build_stack(p, argc, argv, &sp);
	if (r) {
		*err = -r;
		goto fail;
	}
	build_kstack(p, entry, sp, argc);
	p->heap_top = USER_HEAP;
	p->pid = c->next_pid++;
	sched_add(p);
	return p;

fail:
	free_address_space(p);
	p->status = SYS_STATUS_FAULT;
	proc_reap(p);
	return NULL;
}

/* Called by proc_first_entry (entry.S) before a new process's first
 * IRETQ: one killed before it ever ran ends here. */
void proc_first_run(void);

void proc_first_run(void)
{
	if (sched_current()->killed)
		proc_exit(SYS_STATUS_KILLED);
}

/* ---- Console lines ---- */

void proc_console_flush(struct proc *p)
{
	if (p->line_len == 0)
		return;
	if (p->line_len >= 6 && memcmp(p->line, "ready ", 6) == 0)
		container_mark_ready(p->c);
	/* A quiet container's lines (the density count's hundreds) would
	 * only fill the console, and slow every measurement after them. */
	if (p->c->quiet)
		p->c->quiet_bytes += p->line_len + 1;
	else
		tty_put_line(p, p->line, p->line_len);
	p->line_len = 0;
}

void proc_console_write(struct proc *p, const char *buf, uint64_t len)
{
	/* A line at a time: the characters up to a newline or a full line
	 * are copied in a local loop, and the line flushed after them. */
	for (uint64_t i = 0; i < len; ) {
		unsigned n = p->line_len;
		char *line = p->line;

		for (; i < len && n < PROC_LINE_MAX; i++) {
			unsigned char ch = (unsigned char)buf[i];

			if (ch == '\n')
				break;
			/* A process must not drive the terminal: no escape
			 * sequences, no control characters but tab, no DEL,
			 * nothing from 0x80 up. */
			if ((ch < ' ' && ch != '\t') || ch >= 0x7f)
				ch = '?';
			line[n++] = (char)ch;
		}
		p->line_len = n;
		if (i < len && buf[i] == '\n') {
			i++;
			proc_console_flush(p);
		} else if (n == PROC_LINE_MAX) {
			proc_console_flush(p);
		}
	}
}

/* ---- Ends ---- */

struct proc *proc_find(const struct container *c, int pid)
{
	for (unsigned i = 0; i < proc_slots; i++) {
		struct proc *p = &proc_table[i];

		if (p->state != PROC_FREE && p->c == c && p->pid == pid)
			return p;
	}
	return NULL;
}

int proc_reap(struct proc *p)
{
	struct container *c = p->c;
	int status = p->status;

	if (p->kstack) {
		frame_free_contig(pool, p->kstack, KSTACK_PAGES);
		p->pages -= KSTACK_PAGES;
		container_charge(c, -KSTACK_PAGES);
		p->kstack = 0;
	}
	p->state = PROC_FREE;
	c->nprocs--;
	container_proc_reaped(c);
	return status;
}

void proc_kill(struct proc *p)
{
	if (p->state == PROC_FREE || p->state == PROC_ZOMBIE)
		return;
	p->killed = true;
	if (p->state == PROC_SLEEPING || p->state == PROC_WAITING)
		sched_wake(p);
}

void proc_exit(int status)
{
	struct proc *p = sched_current(), *init;
	struct container *c = p->c;

	proc_console_flush(p);
	/* Off the dying address space before it goes. */
	write_cr3((uint64_t)(uintptr_t)kernel_pml4);
	free_address_space(p);
	memset(p->files, 0, sizeof(p->files));

	/* Orphans pass to the container's first process, as to init. With
	 * the first process gone they have no one: a zombie among them is
	 * reaped here (its stack is not in use), the rest when they end. */
	init = proc_find(c, 1);
	if (init == p || (init && init->state == PROC_ZOMBIE))
		init = NULL;
	for (unsigned i = 0; i < proc_slots; i++) {
		struct proc *q = &proc_table[i];

		if (q->state == PROC_FREE || q->parent != p)
			continue;
		q->parent = init;
		if (q->state == PROC_ZOMBIE) {
			if (init == NULL)
				proc_reap(q);
			else if (init->state == PROC_WAITING && init->wait_pid == -1)
				sched_wake(init);
		}
	}

	p->status = status;
	p->state = PROC_ZOMBIE;
	container_proc_ended(c, p);
	if (p->parent && p->parent->state == PROC_WAITING &&
	    (p->parent->wait_pid == -1 || p->parent->wait_pid == p->pid))
		sched_wake(p->parent);
	sched_block();
	panic("proc_exit: a zombie ran again");
}

/* ---- Faults ---- */

/* What a page-fault error code says, in words. */
static const char *pf_access(uint64_t err)
{
	if (err & PFERR_ID)
		return "instruction fetch";
	return err & PFERR_W ? "write" : "read";
}

/*
 * An exception. From ring 3 it ends the process that caused it, with one
 * line naming the container, the pid and what happened; a first touch of
 * the stack region maps a page instead. From ring 0 it is the kernel's
 * own bug: fall through to the fatal dump.
 */
static bool on_exception(struct trap_frame *tf)
{
	struct proc *p = sched_current();

	if ((tf->cs & 3) != 3 || p == NULL)
		return false;
	if (tf->vector == VEC_PF) {
		uint64_t addr = read_cr2();

		if (!(tf->error_code & PFERR_P) && proc_grow_stack(p, addr) == 0)
			return true;
		klog("container %s: pid %d (%s) killed: page fault at RIP 0x%lx, %s of 0x%lx (%s)\n",
		     p->c->name, p->pid, p->name, tf->rip, pf_access(tf->error_code), addr,
		     tf->error_code & PFERR_P ? "protection violation" : "not mapped");
	} else {
		klog("container %s: pid %d (%s) killed: %s at RIP 0x%lx\n",
		     p->c->name, p->pid, p->name, trap_name(tf->vector), tf->rip);
	}
	p->c->faults++;
	proc_exit(SYS_STATUS_FAULT);
}

/* ---- Set-up ---- */

void *kernel_tables(struct frame_pool *p, uint64_t bytes, const char *what)
{
	uint64_t pages = (bytes + PAGE_4K - 1) / PAGE_4K, pa = frame_alloc_contig(p, pages, PAGE_4K);

	if (pa == 0)
		panic("container host: no %lu KiB for its %s", (unsigned long)(pages * 4), what);
	memset((void *)(uintptr_t)pa, 0, pages * PAGE_4K);
	return (void *)(uintptr_t)pa;
}

void proc_init(struct frame_pool *p)
{
	struct cpuid_regs leaf7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) : (struct cpuid_regs){ 0 };
	uint64_t cr4 = read_cr4();
	bool smep = leaf7.ebx & CPUID_7_EBX_SMEP, smap = leaf7.ebx & CPUID_7_EBX_SMAP;

	pool = p;
	proc_slots = frame_pool_free_count(p) * FRAME_SIZE / PROC_SLOT_MEMORY;
	if (proc_slots < PROC_SLOTS_MIN)
		proc_slots = PROC_SLOTS_MIN;
	if (proc_slots > PROC_SLOTS_MAX)
		proc_slots = PROC_SLOTS_MAX;
	proc_table = kernel_tables(p, proc_slots * sizeof(struct proc), "process table");
	kernel_pml4 = vm_current();
	nx_bit = rdmsr(MSR_IA32_EFER) & EFER_NXE ? PTE_NX : 0;

	/* The kernel never touches user pages through user addresses (it
	 * copies through its own map of the frames, uaccess.c), so SMAP can
	 * stay on always, and SMEP: ring 0 never runs user code. */
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT | (smep ? CR4_SMEP : 0) | (smap ? CR4_SMAP : 0);
	write_cr4(cr4);
	__asm__ volatile("fninit; fxsave64 %0" : "=m"(clean_fpu));
	clean_fpu[24] = 0x80;                   /* MXCSR = 0x1f80: all masked */
	clean_fpu[25] = 0x1f;

	for (unsigned v = 0; v < 32; v++)
		if (v != VEC_NMI && v != VEC_DF && v != VEC_MC)
			trap_set_handler(v, on_exception);
	syscall_init();
	klog("processes: ring 3 under PML4 entry 1, %s, SMEP %s, SMAP %s, %u slots\n",
	     nx_bit ? "NX" : "no NX (the CPU lacks it)", smep ? "on" : "absent",
	     smap ? "on" : "absent", proc_slots);
}
