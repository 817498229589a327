/*
 * vm.c - VM lifecycle: guest RAM, loading a multiboot kernel the way GRUB
 * does, the multiboot information in guest memory, the run loop, stats.
 *
 * Runs in VMX root on the CPU that runs the VM (hv/sched_smp.c).
 * Backend-neutral: VT-x appears only through the vmx_vcpu_* calls and the
 * EPT map. Multiboot Specification
 * 0.6.96, "Boot information format" and "Machine state".
 */
#include <stdarg.h>
#include "hv/clock.h"
#include "hv/gmem.h"
#include "hv/guest_cmdline.h"
#include "hv/linux_boot.h"
#include "hv/linux_vm.h"
#include "hv/sched_smp.h"
#include "hv/vconsole.h"
#include "hv/vdev.h"
#include "hv/vm.h"
#include "hv/vm_move.h"
#include "hv/vmx/vmx.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/frame.h"
#include "lib/multiboot.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/x86.h"

/*
 * Guest-physical layout of what mica builds, like a PC's: RAM from 0, the
 * multiboot information in one page of low memory (or, if the kernel's
 * image covers that page, in the first page after the image and its
 * modules, as GRUB puts it where the image is not), the legacy hole
 * (640 KiB to 1 MiB) reported as reserved.
 */
#define MBI_GPA         0x8000ULL
#define MBI_SIZE        0x1000ULL
#define LOW_MEM_END     0x9fc00ULL      /* 639 KiB: base memory, as a BIOS reports */
#define HOLE_END        0x100000ULL
#define LOADER_NAME     "mica"
#define MULTIBOOT_SEARCH 8192           /* the header lies in the first 8 KiB */
#define MULTIBOOT_REQUIRED_FLAGS 0xffff /* bits 0-15: the loader must honour */
#define MULTIBOOT_SUPPORTED (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_VIDEO_MODE)

/* ---- Guest memory ------------------------------------------------------ */

void *gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len)
{
	hpa_t hpa;
	uint64_t page;

	if (len == 0 || gpa + len < gpa || gpa + len > vm->mem_bytes)
		return NULL;
	if (ept_translate(&vm->ept, gpa, &hpa, NULL, &page)) {
		/* RAM not touched yet: mica's access backs it, as the guest's
		 * own would (hv/gmem.c). */
		if (gmem_fault(vm, gpa) || ept_translate(&vm->ept, gpa, &hpa, NULL, &page))
			return NULL;
	}
	if ((gpa & (page - 1)) + len > page)
		return NULL;    /* crosses into another host run: use the copy helpers */
	return hpa_to_hva(hpa);
}

/* Copy between guest and mica, one host page at a time. */
static int copy(struct vm *vm, gpa_t gpa, void *host, uint64_t len, bool to_guest)
{
	uint8_t *h = host;

	while (len) {
		uint64_t chunk = EPT_PAGE_4K - (gpa & (EPT_PAGE_4K - 1));
		void *g;

		if (chunk > len)
			chunk = len;
		g = gpa_to_hva(vm, gpa, chunk);
		if (!g)
			return -1;
		if (to_guest)
			memcpy(g, h, chunk);
		else
			memcpy(h, g, chunk);
		gpa += chunk;
		h += chunk;
		len -= chunk;
	}
	return 0;
}

int vm_copy_to_guest(struct vm *vm, gpa_t gpa, const void *src, uint64_t len)
{
	return copy(vm, gpa, (void *)src, len, true);
}

int vm_copy_from_guest(struct vm *vm, void *dst, gpa_t gpa, uint64_t len)
{
	return copy(vm, gpa, dst, len, false);
}

/* A page of the VM's RAM goes back, to be zeroed before its next use. */
static int free_leaf(void *ctx, gpa_t gpa, hpa_t hpa, uint64_t size, uint64_t perms)
{
	for (uint64_t off = 0; off < size; off += FRAME_SIZE)
		gmem_release(hpa + off);
	return 0;
}

/* ---- Loading a multiboot kernel ----------------------------------------- */

/* A segment of the image goes to [gpa, gpa+memsz) of guest RAM: it must
 * fit. (Like GRUB, mica lets a kernel load into the legacy hole and low
 * memory: in a VM that is plain RAM.) */
static int place(struct vm *vm, const char *what, gpa_t gpa, uint64_t memsz, char *err, size_t n)
{
	if (gpa + memsz < gpa || gpa + memsz > vm->mem_bytes) {
		fmt_snprintf(err, n, "%s at 0x%lx-0x%lx does not fit in guest RAM (%lu MiB)",
			     what, (unsigned long)gpa, (unsigned long)(gpa + memsz),
			     (unsigned long)(vm->mem_bytes >> 20));
		return -1;
	}
	if (gpa < vm->image_start)
		vm->image_start = gpa;
	if (gpa + memsz > vm->image_end)
		vm->image_end = gpa + memsz;
	return 0;
}

struct load_ctx {
	struct vm *vm;
	const struct elf_image *elf;
	char *err;
	size_t errlen;
};

static int load_segment(void *ctx, const struct elf_segment *s)
{
	struct load_ctx *c = ctx;

	if (place(c->vm, "an ELF segment", s->paddr, s->memsz, c->err, c->errlen))
		return -1;
	/* Only the file's bytes: the rest (.bss) is RAM not touched yet,
	 * which reads as zero (hv/gmem.c). */
	if (vm_copy_to_guest(c->vm, s->paddr, c->elf->data + s->offset, s->filesz))
		return -1;
	return 0;
}

/* The multiboot header's address fields (flag bit 16, the "a.out kludge"):
 * load [load_addr, load_end_addr) from the file, zero up to bss_end_addr. */
static int load_kludge(struct vm *vm, const uint8_t *image, size_t len,
		       const struct multiboot_header *h, uint32_t *entry, char *err, size_t n)
{
	uint64_t hdr_off = (const uint8_t *)h - image;
	uint64_t file_off, load_end, bss_end;

	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > hdr_off) {
		fmt_snprintf(err, n, "multiboot header address fields are inconsistent");
		return -1;
	}
	file_off = hdr_off - (h->header_addr - h->load_addr);
	load_end = h->load_end_addr ? h->load_end_addr : h->load_addr + (len - file_off);
	bss_end = h->bss_end_addr > load_end ? h->bss_end_addr : load_end;
	if (load_end < h->load_addr || file_off + (load_end - h->load_addr) > len) {
		fmt_snprintf(err, n, "multiboot load range is larger than the image");
		return -1;
	}
	if (place(vm, "the image", h->load_addr, bss_end - h->load_addr, err, n) ||
	    vm_copy_to_guest(vm, h->load_addr, image + file_off, load_end - h->load_addr))
		return -1;
	*entry = h->entry_addr;
	return 0;
}

/* Find and vet the multiboot header of (image): present, and asking for
 * nothing mica cannot give. Returns it, or NULL with (err) set. */
static const struct multiboot_header *find_header(const void *image, size_t len, char *err,
						  size_t n)
{
	const struct multiboot_header *h = mb_header_find(image, len < MULTIBOOT_SEARCH ?
							  len : MULTIBOOT_SEARCH);

	if (!h) {
		fmt_snprintf(err, n, "no multiboot header in the first 8 KiB and no Linux "
			     "boot-protocol header: not a kernel");
		return NULL;
	}
	if (h->flags & MULTIBOOT_REQUIRED_FLAGS & ~MULTIBOOT_SUPPORTED) {
		fmt_snprintf(err, n, "the kernel requires multiboot features mica lacks (flags 0x%x)",
			     h->flags);
		return NULL;
	}
	return h;
}

int vm_check_image(const void *image, size_t len, char *err, size_t n)
{
	const struct multiboot_header *h;
	struct linux_setup_info lh;
	struct elf_image elf;

	if (linux_boot_is_bzimage(image, len))
		return linux_boot_check(image, len, &lh, err, n);
	h = find_header(image, len, err, n);
	if (!h)
		return -1;
	if (h->flags & MULTIBOOT_AOUT_KLUDGE)
		return 0;
	return elf_parse(image, len, &elf, err, n);
}

/* Load (image) as GRUB would: find the multiboot header, honour its
 * required flags, then use its address fields or else the ELF headers. */
static int load_kernel(struct vm *vm, const void *image, size_t len, uint32_t *entry,
		       char *err, size_t n)
{
	const struct multiboot_header *h = find_header(image, len, err, n);
	struct elf_image elf;
	struct load_ctx c = { vm, &elf, err, n };

	if (!h)
		return -1;
	if (h->flags & MULTIBOOT_AOUT_KLUDGE)
		return load_kludge(vm, image, len, h, entry, err, n);
	if (elf_parse(image, len, &elf, err, n))
		return -1;
	if (elf.entry >> 32) {
		fmt_snprintf(err, n, "entry point 0x%lx is above 4 GiB", (unsigned long)elf.entry);
		return -1;
	}
	if (elf_foreach_load(&elf, load_segment, &c)) {
		if (!err[0])
			fmt_snprintf(err, n, "a segment could not be copied into guest RAM");
		return -1;
	}
	*entry = (uint32_t)elf.entry;
	return 0;
}

/* Copy the guest's modules into its RAM, page-aligned, after the kernel,
 * where GRUB would put them; (placed[i]) receives each one's address. */
static int load_modules(struct vm *vm, const struct vm_module *mods, unsigned nmods,
			gpa_t *placed, char *err, size_t n)
{
	for (unsigned i = 0; i < nmods; i++) {
		gpa_t at = (vm->image_end + EPT_PAGE_4K - 1) & ~(EPT_PAGE_4K - 1);

		if (place(vm, "a module", at, mods[i].len, err, n) ||
		    vm_copy_to_guest(vm, at, mods[i].data, mods[i].len))
			return -1;
		placed[i] = at;
	}
	return 0;
}

/* Where the page of multiboot information goes: MBI_GPA unless the
 * image or a module covers it, else right after them. 0 if RAM has no
 * room left. */
static gpa_t mbi_gpa(const struct vm *vm)
{
	gpa_t at = (vm->image_end + EPT_PAGE_4K - 1) & ~(EPT_PAGE_4K - 1);

	if (vm->image_start >= MBI_GPA + MBI_SIZE || vm->image_end <= MBI_GPA)
		return MBI_GPA;
	return at + MBI_SIZE <= vm->mem_bytes ? at : 0;
}

/*
 * The multiboot information, in one page at (base): the info structure,
 * the memory map, the command line and the loader's name.
 */
static int build_mbi(struct vm *vm, gpa_t base, const char *cmdline, const struct vm_module *mods,
		     unsigned nmods, const gpa_t *placed)
{
	struct {
		struct multiboot_info info;
		struct multiboot_mmap_entry mmap[4];
		struct multiboot_module mods[VM_MAX_MODULES];
		char loader[8];
		char strings[MBI_SIZE - sizeof(struct multiboot_info) -
			     4 * sizeof(struct multiboot_mmap_entry) -
			     VM_MAX_MODULES * sizeof(struct multiboot_module) - 8];
	} __attribute__((packed)) b;
	static const uint32_t entry_size = sizeof(struct multiboot_mmap_entry) - 4;
	gpa_t strings = base + offsetof(typeof(b), strings);
	size_t used = 0;

	_Static_assert(sizeof(b) == MBI_SIZE, "multiboot information is one page");
	memset(&b, 0, sizeof(b));
	b.mmap[0] = (struct multiboot_mmap_entry){ entry_size, 0, LOW_MEM_END, MULTIBOOT_MEMORY_AVAILABLE };
	b.mmap[1] = (struct multiboot_mmap_entry){ entry_size, LOW_MEM_END, 0xa0000 - LOW_MEM_END,
						   MULTIBOOT_MEMORY_RESERVED };
	b.mmap[2] = (struct multiboot_mmap_entry){ entry_size, 0xf0000, 0x10000, MULTIBOOT_MEMORY_RESERVED };
	b.mmap[3] = (struct multiboot_mmap_entry){ entry_size, HOLE_END, vm->mem_bytes - HOLE_END,
						   MULTIBOOT_MEMORY_AVAILABLE };
	strlcpy(b.loader, LOADER_NAME, sizeof(b.loader));

	/* The command lines share the string area, each NUL-terminated, each
	 * as GRUB gives it: mica's own keys are mica's, not the guest's. */
	b.info.cmdline = strings + used;
	used += guest_cmdline(cmdline, b.strings + used, sizeof(b.strings) - used) + 1;
	for (unsigned i = 0; i < nmods; i++) {
		if (used >= sizeof(b.strings))
			return -1;
		b.mods[i] = (struct multiboot_module){
			.mod_start = placed[i], .mod_end = placed[i] + mods[i].len,
			.cmdline = strings + used,
		};
		used += guest_cmdline(mods[i].cmdline, b.strings + used,
				      sizeof(b.strings) - used) + 1;
	}
	if (used > sizeof(b.strings))
		return -1;

	b.info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MEM_MAP |
		       MULTIBOOT_INFO_BOOT_LOADER_NAME | MULTIBOOT_INFO_MODS;
	b.info.mem_lower = LOW_MEM_END >> 10;
	b.info.mem_upper = (vm->mem_bytes - HOLE_END) >> 10;
	b.info.mmap_addr = base + offsetof(typeof(b), mmap);
	b.info.mmap_length = sizeof(b.mmap);
	b.info.mods_count = nmods;
	b.info.mods_addr = base + offsetof(typeof(b), mods);
	b.info.boot_loader_name = base + offsetof(typeof(b), loader);
	return vm_copy_to_guest(vm, base, &b, sizeof(b));
}

/* A multiboot kernel, its modules and the multiboot information. */
static int load_multiboot(struct vm *vm, uint32_t *entry, gpa_t *mbi, char *err, size_t n)
{
	gpa_t placed[VM_MAX_MODULES];

	if (load_kernel(vm, vm->image, vm->image_len, entry, err, n) ||
	    load_modules(vm, vm->mods, vm->nmods, placed, err, n))
		return -1;
	*mbi = mbi_gpa(vm);
	if (!*mbi) {
		fmt_snprintf(err, n, "no page of RAM left after the image at 0x%lx-0x%lx "
			     "for the multiboot information", (unsigned long)vm->image_start,
			     (unsigned long)vm->image_end);
		return -1;
	}
	if (build_mbi(vm, *mbi, vm->cmdline, vm->mods, vm->nmods, placed)) {
		fmt_snprintf(err, n, "the command lines do not fit in the multiboot page");
		return -1;
	}
	return 0;
}

/* ---- Lifecycle ----------------------------------------------------------- */

/* `restart=`, `max-restarts=`, `backoff=`, `slice=`, `nmi=`, `break-state`,
 * `cpu-limit=`, `critical`: how the VM is run and revived. */
static int parse_lifecycle(struct vm *vm, const char *cmdline, char *err, size_t n)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t v, slice_ms = VM_DEFAULT_SLICE_MS;

	vm->restart = RESTART_NEVER;
	if (cmdline_get(cmdline, "restart", val, sizeof(val))) {
		if (strcmp(val, "never") == 0)
			vm->restart = RESTART_NEVER;
		else if (strcmp(val, "on-failure") == 0)
			vm->restart = RESTART_ON_FAILURE;
		else if (strcmp(val, "always") == 0)
			vm->restart = RESTART_ALWAYS;
		else {
			fmt_snprintf(err, n, "restart=%s: give never, on-failure or always", val);
			return -1;
		}
	}
	vm->max_restarts = VM_DEFAULT_MAX_RESTARTS;
	if (cmdline_get(cmdline, "max-restarts", val, sizeof(val))) {
		if (cmdline_parse_uint(val, &v) || v > 1000) {
			fmt_snprintf(err, n, "max-restarts=%s: give a number from 0 to 1000", val);
			return -1;
		}
		vm->max_restarts = (unsigned)v;
	}
	vm->backoff_ms = VM_BACKOFF_FIRST_MS;
	if (cmdline_get(cmdline, "backoff", val, sizeof(val))) {
		if (cmdline_parse_uint(val, &v) || v > VM_BACKOFF_MAX_MS) {
			fmt_snprintf(err, n, "backoff=%s: give milliseconds from 0 to %d", val,
				     VM_BACKOFF_MAX_MS);
			return -1;
		}
		vm->backoff_ms = (unsigned)v;
	}
	if (cmdline_get(cmdline, "slice", val, sizeof(val))) {
		if (cmdline_parse_uint(val, &slice_ms) || slice_ms < 1 || slice_ms > 1000) {
			fmt_snprintf(err, n, "slice=%s: give milliseconds from 1 to 1000", val);
			return -1;
		}
	}
	vm->slice_tsc = clock_tsc_hz() / 1000 * slice_ms;
	vm->break_state = cmdline_get(cmdline, "break-state", NULL, 0);
	vm->critical = cmdline_get(cmdline, "critical", NULL, 0);
	vm->nmi_presses = 0;
	vm->nmi_next = 0;
	vm->nmi_pending = false;
	if (cmdline_get(cmdline, "nmi", val, sizeof(val))) {
		if (cmdline_parse_uint(val, &v) || v > 1000) {
			fmt_snprintf(err, n, "nmi=%s: give a number of presses from 0 to 1000", val);
			return -1;
		}
		vm->nmi_presses = (unsigned)v;
	}
	vm->cpu_limit_tsc = 0;
	if (cmdline_get(cmdline, "cpu-limit", val, sizeof(val))) {
		if (cmdline_parse_uint(val, &v) || v < 1 || v > 3600000) {
			fmt_snprintf(err, n, "cpu-limit=%s: give milliseconds from 1 to 3600000", val);
			return -1;
		}
		vm->cpu_limit_tsc = clock_tsc_hz() / 1000 * v;
		vm->cpu_limit_ms = (unsigned)v;
	}
	return 0;
}

/* mica's own keys on a module's command line (hv/guest_cmdline.c lists
 * them all; the guest never sees them). */
static int parse_options(struct vm *vm, unsigned id, const char *cmdline, char *err, size_t n)
{
	char val[CMDLINE_VAL_MAX];

	fmt_snprintf(vm->name, sizeof(vm->name), "vm%u", id);
	if (cmdline_get(cmdline, "name", val, sizeof(val))) {
		if (!val[0] || strlen(val) >= sizeof(vm->name)) {
			fmt_snprintf(err, n, "name='%s': give 1 to %d characters", val,
				     VM_NAME_MAX - 1);
			return -1;
		}
		strlcpy(vm->name, val, sizeof(vm->name));
	}
	vm->mem_bytes = VM_DEFAULT_MEM;
	if (cmdline_get(cmdline, "mem", val, sizeof(val))) {
		uint64_t bytes;

		if (cmdline_parse_size(val, &bytes) || bytes < VM_MIN_MEM || bytes > (1ULL << 32)) {
			fmt_snprintf(err, n, "mem=%s: give a size from 2M to 4G, e.g. mem=16M", val);
			return -1;
		}
		vm->mem_bytes = (bytes + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
	}
	return parse_lifecycle(vm, cmdline, err, n);
}

int vm_create(struct vm *vm, unsigned id, struct frame_pool *pool, const void *image,
	      size_t image_len, const char *cmdline, const struct vm_module *mods,
	      unsigned nmods)
{
	char err[200] = "";
	struct linux_boot_regs boot;
	gpa_t mbi = 0;
	uint32_t entry = 0;

	unsigned restarts = vm->restarts, streak = vm->backoff_streak; /* kept by a restart */
	unsigned cpu = vm->cpu;         /* placed before (hv/place.c): kept too */

	memset(vm, 0, sizeof(*vm));
	vm->cpu = cpu;
	vm->cpus_ran = 1ULL << cpu;     /* it runs there; a move adds its next CPU */
	vm->tsc_created = rdtsc();
	vm->restarts = restarts;
	vm->backoff_streak = streak;
	vm->id = id;
	vm->pool = pool;
	vm->vcpu.vm = vm;
	/* IA32_MISC_ENABLE at power-on, as KVM gives it: fast strings on,
	 * no branch trace store, no PEBS. */
	vm->vcpu.misc_enable = MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE |
			       MISC_ENABLE_PEBS_UNAVAILABLE;
	vm->state = VM_CREATED;
	vm->image = image;
	vm->image_len = image_len;
	vm->cmdline = cmdline;
	vm->image_start = ~(gpa_t)0;
	if (parse_options(vm, id, cmdline, err, sizeof(err)))
		goto fail_early;
	if (nmods > VM_MAX_MODULES) {
		fmt_snprintf(err, sizeof(err), "%u modules given, at most %d fit", nmods,
			     VM_MAX_MODULES);
		goto fail_early;
	}
	memcpy(vm->mods, mods, nmods * sizeof(*mods));
	vm->nmods = nmods;
	/* mem= is what the guest may touch, not what it takes now: its RAM
	 * is backed page by page as it is touched (hv/gmem.c), and a guest
	 * that touches more than the host has left ends with a line. Only
	 * the EPT root is made here; the tables below it come with the
	 * pages. */
	if (ept_init(&vm->ept, pool, vmx.ept_2m) && (!gmem_reclaim() ||
						      ept_init(&vm->ept, pool, vmx.ept_2m))) {
		fmt_snprintf(err, sizeof(err), "out of host memory for its EPT root");
		goto fail_early;
	}
	if (linux_boot_is_bzimage(image, image_len)) {
		if (linux_vm_load(vm, cmdline, &boot, err, sizeof(err)))
			goto fail;
	} else if (load_multiboot(vm, &entry, &mbi, err, sizeof(err))) {
		goto fail;
	}
	vdev_init(vm);
	if (frame_pool_free_count(pool) < 8)
		gmem_reclaim();         /* the vCPU's pages come from the pool */
	if (vmx_vcpu_init(&vm->vcpu, pool, ept_eptp(&vm->ept), (uint16_t)id, entry, (uint32_t)mbi)) {
		fmt_snprintf(err, sizeof(err), "could not set up its vCPU");
		goto fail;
	}
	if (vm->linux_guest) {
		vmx_vcpu_set_boot_state(&vm->vcpu, &boot);
		entry = (uint32_t)boot.rip;
	}
	vm->frames_tables = vm->ept.table_frames;
	vm->tsc_create_cpu = rdtsc() - vm->tsc_created;
	klog("vm %s: created: %lu MiB RAM, entry 0x%x, %u modules, command line '%s'\n",
	     vm->name, (unsigned long)(vm->mem_bytes >> 20), entry, nmods, cmdline);
	return 0;

fail:
	if (vm->host_oom)
		fmt_snprintf(err, sizeof(err), "out of host memory for its image and modules");
	vm_destroy(vm);
fail_early:
	klog("vm %s: not created: %s\n", vm->name[0] ? vm->name : "?", err);
	return -1;
}

void vm_schedule_restart(struct vm *vm)
{
	uint64_t now = rdtsc();
	unsigned ms;

	if (now - vm->tsc_created >= clock_tsc_hz() / 1000 * VM_HEALTHY_MS)
		vm->backoff_streak = 0;         /* a healthy life: back-off starts again */
	ms = vm_backoff_ms(vm->backoff_ms, vm->backoff_streak++);
	vm_destroy(vm);                         /* its memory is free while it waits */
	vm->restart_at = now + clock_tsc_hz() / 1000 * ms;
	klog("vm %s: restarting in %u ms (back-off; restart %u of at most %u)\n", vm->name, ms,
	     vm->restarts + 1, vm->max_restarts);
}

int vm_restart(struct vm *vm)
{
	uint64_t stopped = vm->tsc_stopped, start = rdtsc();
	unsigned restarts = vm->restarts + 1;
	struct vm_module mods[VM_MAX_MODULES];
	unsigned nmods = vm->nmods;

	memcpy(mods, vm->mods, sizeof(mods));
	vm->restarts = restarts;
	if (vm_create(vm, vm->id, vm->pool, vm->image, vm->image_len, vm->cmdline, mods, nmods))
		return -1;
	vm->tsc_stopped = stopped;      /* recovery runs from the stop to ready */
	klog("vm %s: restarted (%u of at most %u), rebuilt in %lu TSC\n", vm->name, vm->restarts,
	     vm->max_restarts, (unsigned long)(rdtsc() - start));
	return 0;
}

void vm_console_wait(struct vm *vm)
{
	vm->halted = true;
	vm->console_wait = true;
	vm->wake_at = UINT64_MAX;       /* the scheduler wakes it: sched.c */
}

bool vm_wants_restart(const struct vm *vm)
{
	bool failed = vm->state == VM_CRASHED || vm->state == VM_RESET || vm->exit_code != 0;

	if (vm->state == VM_STOPPED)
		return false;           /* mica ended it: it stays down */
	if (vm->restarts >= vm->max_restarts)
		return false;
	return vm->restart == RESTART_ALWAYS || (vm->restart == RESTART_ON_FAILURE && failed);
}

void vm_console_line(struct vm *vm, const char *line, size_t len)
{
	static const char ready[] = "ready ";

	if (vm->tsc_ready)
		return;
	if (vm->linux_guest ? !linux_vm_ready_line(vm, line, len) :
	    len < sizeof(ready) - 1 || memcmp(line, ready, sizeof(ready) - 1))
		return;
	if (!vm->tsc_ready)
		vm->tsc_ready = rdtsc();
	/* The line comes during one of its turns (hv/sched.c). */
	vm->tsc_ready_cpu = vm->tsc_create_cpu + vm->tsc_cpu_at_turn +
			    (vm->tsc_ready - vm->tsc_turn_began);
	if (vm->nmi_presses)
		vm->nmi_next = vm->tsc_ready + clock_tsc_hz() / 100;
	/* The line comes during one of this VM's exits: its VMCS is current. */
	if (vm->break_state)
		vmx_vcpu_break_state(&vm->vcpu);
	if (vm->restarts && vm->tsc_stopped)
		vm->tsc_recovered = vm->tsc_ready - vm->tsc_stopped;
}

void vm_exit(struct vm *vm, int code)
{
	vconsole_stop(vm);              /* its last lines, before mica's about it */
	vm->tsc_stopped = rdtsc();
	vm->state = VM_EXITED;
	vm->exit_code = code;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "exited with code %d", code);
}

void vm_halted(struct vm *vm)
{
	vconsole_stop(vm);
	vm->tsc_stopped = rdtsc();
	vm->state = VM_EXITED;
	vm->exit_code = 0;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "halted with interrupts off");
}

void vm_reset(struct vm *vm, const char *how)
{
	vconsole_stop(vm);
	vm->tsc_stopped = rdtsc();
	vm->state = VM_RESET;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "reset by the guest (%s)", how);
}

void vm_crash(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	vm->tsc_stopped = rdtsc();
	vm->state = VM_CRASHED;
	va_start(ap, fmt);
	fmt_vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
	va_end(ap);
	vconsole_stop(vm);
	klog("vm %s: crashed: %s%s\n", vm->name, vm->reason, sched_cpu_note(vm));
}

void vm_report(const struct vm *vm)
{
	char unbacked[96] = "";

	/* Accesses to addresses with neither RAM nor a device were not
	 * errors, but a user looking at a guest gone wrong wants to know. */
	if (vm->unbacked_reads || vm->unbacked_writes)
		fmt_snprintf(unbacked, sizeof(unbacked), "; unbacked addresses: %lu reads (all ones), "
			     "%lu writes (dropped)", (unsigned long)vm->unbacked_reads,
			     (unsigned long)vm->unbacked_writes);
	if (vm->state != VM_CRASHED)    /* a crash was reported when it happened */
		klog("vm %s: %s%s%s\n", vm->name, vm->reason, unbacked, sched_cpu_note(vm));
	else if (unbacked[0])
		klog("vm %s: crashed%s%s\n", vm->name, unbacked, sched_cpu_note(vm));
	vmx_vcpu_print_exits(&vm->vcpu);
	/* RAM: what it held when it stopped (backed as it touched it). */
	klog("vm %s: memory: %lu KiB RAM, %lu KiB EPT tables, 4 KiB VMCS; console %lu bytes\n",
	     vm->name, (unsigned long)(vm->frames_ram * 4), (unsigned long)(vm->frames_tables * 4),
	     (unsigned long)vm->uart.bytes);
	vm_move_report(vm);             /* with guests on several CPUs */
}

void vm_destroy(struct vm *vm)
{
	vmx_vcpu_destroy(&vm->vcpu, vm->pool);
	if (vm->ept.pml4) {
		ept_foreach_leaf(&vm->ept, free_leaf, NULL);
		ept_destroy(&vm->ept);
	}
	vm->frames_ram = 0;
}
