/*
 * test_vmx.c - guest-side tests of mica's VM-exit handlers, run by the
 * guest kernel when its command line says `test=vmx` (under mica) and the
 * negative scenarios `test=ept-violation`, `test=triple-fault`,
 * `test=halt`; and the two sides of a neighbour test, `test=hostile` and
 * `test=bystander`. Results are KTAP on the guest's COM1, which mica
 * prints with the VM's name in front.
 *
 * Runs in the guest kernel, ring 0, 64-bit mode, in VMX non-root.
 */
#include "hv/include/hvabi.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/frame.h"
#include "lib/console.h"
#include "lib/cpuid.h"
#include "lib/ktap.h"
#include "lib/msr.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"
#include "guest/kernel/hv.h"
#include "guest/kernel/time.h"
#include "tests/guest/guest_tests.h"
#include "tests/guest/guest_try.h"

#define UNUSED_PORT             0x510   /* nothing answers here */
#define UART_SCRATCH            0x3ff
#define BOGUS_MSR               0x12345678u
#define FAR_BEYOND_RAM          0x40000000ULL   /* 1 GiB: identity-mapped, not RAM */
#define CMOS_INDEX              0x70    /* the MC146818 RTC/NVRAM: index (bit 7: NMI off) */
#define CMOS_DATA               0x71    /*   and the byte it selects */
#define CMOS_BYTES              128
#define CMOS_NVRAM              0x40    /* [0x40, 0x80): NVRAM no clock register uses */
#define HOSTILE_MS              1500    /* how long the hostile VM writes */
#define BYSTANDER_ROUNDS        12      /* checks of the bystander, */
#define BYSTANDER_ROUND_MS      50      /*   this far apart */

static bool cpuid_signature(void)
{
	struct cpuid_regs r = cpuid(HVABI_CPUID_BASE, 0);
	char sig[13];

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	return r.eax >= HVABI_CPUID_INFO && strcmp(sig, HVABI_SIGNATURE) == 0 &&
	       cpuid(HVABI_CPUID_INFO, 0).eax == HVABI_VERSION;
}

static bool cpuid_hides_vmx(void)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	return !(ecx & CPUID_1_ECX_VMX) && (ecx & CPUID_1_ECX_HYPERVISOR);
}

static const char *my_cmdline;

void guest_test_own_name(char *name, size_t n)
{
	struct hvabi_info info;

	name[0] = '\0';
	if (hv_detect() && hv_call(HC_INFO, (long)&info, 0) == HC_OK)
		strlcpy(name, info.name, n);
}

static bool hc_info_matches(void)
{
	struct hvabi_info info;
	char name[CMDLINE_VAL_MAX] = "";

	memset(&info, 0xee, sizeof(info));
	if (hv_call(HC_INFO, (long)&info, 0) != HC_OK)
		return false;
	/* `expect-name=`: the name this VM was given in mica's `name=`. */
	cmdline_get(my_cmdline, "expect-name", name, sizeof(name));
	return info.version == HVABI_VERSION && info.vm_id >= 1 && strcmp(info.name, name) == 0 &&
	       info.mem_bytes >= (2ULL << 20);
}

static bool hc_console_write(void)
{
	static const char msg[] = "hello through the console hypercall\n";
	/* Escape sequences must not reach mica's terminal as such. */
	static const char esc[] = "escape: \033[31mred\033[0m\n";

	return hv_call(HC_CONSOLE_WRITE, (long)msg, sizeof(msg) - 1) == sizeof(msg) - 1 &&
	       hv_call(HC_CONSOLE_WRITE, (long)esc, sizeof(esc) - 1) == sizeof(esc) - 1;
}

static bool hc_bad_pointer(void)
{
	return hv_call(HC_CONSOLE_WRITE, (long)FAR_BEYOND_RAM, 16) == HC_EFAULT &&
	       hv_call(HC_INFO, -4096L, 0) == HC_EFAULT &&
	       hv_call(HC_CONSOLE_WRITE, 0, HC_CONSOLE_MAX + 1) == HC_EINVAL;
}

static bool hc_unknown(void)
{
	return hv_call(999, 0, 0) == HC_ENOSYS && hv_call(HC_NULL, 0, 0) == HC_OK;
}

static bool rdmsr_efer_long_mode(void)
{
	uint64_t efer = rdmsr(MSR_IA32_EFER);

	return (efer & EFER_LME) && (efer & EFER_LMA);
}

static bool rdmsr_unknown_gp(void)
{
	return TRY("rdmsr", : "c"(BOGUS_MSR)) == VEC_GP &&
	       TRY("wrmsr", : "c"(BOGUS_MSR), "a"(0), "d"(0)) == VEC_GP;
}

/* IA32_TSC reads as the TSC, and a write moves it (mica's TSC offset):
 * 2^30 ahead, then back (docs/msrs.md). */
static bool tsc_msr_write_moves_tsc(void)
{
	uint64_t before = rdtsc(), msr = rdmsr(MSR_IA32_TSC), after = rdtsc(), moved;
	const uint64_t ahead = 1ULL << 30, slack = 1ULL << 26;

	wrmsr(MSR_IA32_TSC, after + ahead);
	moved = rdtsc();
	wrmsr(MSR_IA32_TSC, moved - ahead);
	return before <= msr && msr <= after && moved >= after + ahead &&
	       moved - (after + ahead) < slack && rdtsc() < moved;
}

static bool wrmsr_star_roundtrip(void)
{
	uint64_t old = rdmsr(MSR_IA32_STAR), want = 0x0023001000000000ULL;
	bool ok;

	wrmsr(MSR_IA32_STAR, want);
	ok = rdmsr(MSR_IA32_STAR) == want;
	wrmsr(MSR_IA32_STAR, old);
	return ok;
}

static bool has_tsc_aux(void);

/* IA32_TSC_AUX's bits 63:32 are reserved: a write of them must fault in
 * the guest, never reach the real register in mica. */
static bool tsc_aux_reserved_gp(void)
{
	if (!has_tsc_aux())
		return TRY("wrmsr", : "c"(MSR_IA32_TSC_AUX), "a"(0), "d"(0)) == VEC_GP;
	return TRY("wrmsr", : "c"(MSR_IA32_TSC_AUX), "a"(1), "d"(1)) == VEC_GP &&
	       TRY("wrmsr", : "c"(MSR_IA32_TSC_AUX), "a"(1), "d"(0)) == NO_FAULT;
}

static bool xsetbv_checked(void)
{
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return TRY("xsetbv", : "c"(0), "a"(1), "d"(0)) == VEC_UD;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	return TRY("xsetbv", : "c"(0), "a"(XCR0_X87 | XCR0_SSE), "d"(0)) == NO_FAULT &&
	       TRY("xsetbv", : "c"(0), "a"(XCR0_SSE), "d"(0)) == VEC_GP &&
	       TRY("xsetbv", : "c"(1), "a"(XCR0_X87), "d"(0)) == VEC_GP;
}

static bool cache_flushes(void)
{
	return TRY("wbinvd", : "r"(0)) == NO_FAULT && TRY("invd", : "r"(0)) == NO_FAULT;
}

static bool cr4_vmxe_refused(void)
{
	uint64_t cr4 = read_cr4();

	return !(cr4 & CR4_VMXE) && TRY("mov %0, %%cr4", : "r"(cr4 | CR4_VMXE)) == VEC_GP &&
	       read_cr4() == cr4;
}

static bool cr0_shadowed(void)
{
	uint64_t cr0 = read_cr0();
	bool ok;

	/* CR0.NE is mica's (VMX needs it set): the guest sees its own. */
	write_cr0(cr0 ^ CR0_NE);
	ok = (read_cr0() ^ cr0) == CR0_NE;
	write_cr0(cr0);
	return ok && read_cr0() == cr0;
}

static bool vmx_insns_ud(void)
{
	uint64_t zero = 0;

	return TRY("vmxon %0", : "m"(zero)) == VEC_UD && TRY("vmxoff", : "r"(0)) == VEC_UD &&
	       TRY("vmread %%rax, %%rbx", : "a"(0)) == VEC_UD;
}

static bool io_unknown_port(void)
{
	outb(UNUSED_PORT, 0x12);
	return inb(UNUSED_PORT) == 0xff && inl(UNUSED_PORT) == 0xffffffffu;
}

static bool uart_scratch(void)
{
	outb(UART_SCRATCH, 0x5a);
	return inb(UART_SCRATCH) == 0x5a;
}

static const struct {
	const char *name;
	bool (*run)(void);
} tests[] = {
	{ "cpuid_hypervisor_signature", cpuid_signature },
	{ "cpuid_hides_vmx", cpuid_hides_vmx },
	{ "vmcall_info_names_this_vm", hc_info_matches },
	{ "vmcall_console_write", hc_console_write },
	{ "vmcall_bad_pointer_efault", hc_bad_pointer },
	{ "vmcall_unknown_enosys", hc_unknown },
	{ "rdmsr_efer_long_mode", rdmsr_efer_long_mode },
	{ "msr_outside_allow_list_gp", rdmsr_unknown_gp },
	{ "wrmsr_star_roundtrip", wrmsr_star_roundtrip },
	{ "wrmsr_tsc_aux_reserved_bits_gp", tsc_aux_reserved_gp },
	{ "tsc_msr_write_moves_tsc", tsc_msr_write_moves_tsc },
	{ "xsetbv_checked", xsetbv_checked },
	{ "wbinvd_invd_continue", cache_flushes },
	{ "cr4_vmxe_refused_gp", cr4_vmxe_refused },
	{ "cr0_ne_shadowed", cr0_shadowed },
	{ "vmx_instructions_ud", vmx_insns_ud },
	{ "io_unknown_port_reads_ones", io_unknown_port },
	{ "uart_scratch_register", uart_scratch },
};

unsigned guest_test_vmx(const char *cmdline)
{
	trap_handler_fn old_gp = trap_set_handler(VEC_GP, try_on_fault);
	trap_handler_fn old_ud = trap_set_handler(VEC_UD, try_on_fault);
	unsigned n = sizeof(tests) / sizeof(tests[0]);

	my_cmdline = cmdline;
	ktap_begin(n);
	for (unsigned i = 0; i < n; i++)
		ktap_result(tests[i].run(), "%s", tests[i].name);
	trap_set_handler(VEC_GP, old_gp);
	trap_set_handler(VEC_UD, old_ud);
	return ktap_end();
}

/* ---- Neighbours: state a guest reaches by plain instructions ---- */

/* Has this (virtual) CPU IA32_TSC_AUX? SDM Vol. 4, "Architectural MSRs":
 * it exists when RDTSCP or RDPID does. */
static bool has_tsc_aux(void)
{
	return (cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_RDTSCP) ||
	       (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ecx & CPUID_7_ECX_RDPID));
}

/* TRY for RDMSR of IA32_TSC_AUX and for RDTSCP, which write RAX, RCX and
 * RDX when they do not fault: the fault vector, or NO_FAULT with the
 * value (RDTSCP: ECX) in (*v). */
static int try_rdmsr_tsc_aux(uint32_t *v)
{
	uint32_t lo = 0, hi = 0;

	fault_vector = NO_FAULT;
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"
			 "movq %%r11, fault_resume(%%rip)\n\t"
			 "rdmsr\n1:\n\t"
			 "movq $0, fault_resume(%%rip)"
			 : "+a"(lo), "+d"(hi) : "c"(MSR_IA32_TSC_AUX) : "r11", "memory");
	*v = lo;
	return fault_vector;
}

static int try_rdtscp(uint32_t *v)
{
	uint32_t lo = 0, hi = 0, aux = 0;

	fault_vector = NO_FAULT;
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"
			 "movq %%r11, fault_resume(%%rip)\n\t"
			 "rdtscp\n1:\n\t"
			 "movq $0, fault_resume(%%rip)"
			 : "+a"(lo), "+d"(hi), "+c"(aux) : : "r11", "memory");
	*v = aux;
	return fault_vector;
}

static uint64_t now_ms(void)
{
	return time_ns() / 1000000;
}

/* IA32_KERNEL_GS_BASE, which SWAPGS exchanges with the GS base without an
 * exit (SDM Vol. 2, "SWAPGS"): mica learns a guest's value only by
 * reading the MSR when the guest leaves the CPU. This kernel uses no GS. */
static uint64_t kernel_gs_base(void)
{
	return rdmsr(MSR_IA32_KERNEL_GS_BASE);
}

static void swapgs(void)
{
	__asm__ volatile("swapgs" ::: "memory");
}

/*
 * The hostile side: for HOSTILE_MS, write IA32_TSC_AUX (a new value each
 * round, 0xbad00000 + round), IA32_KERNEL_GS_BASE (by WRMSR, then one
 * SWAPGS that brings in a GS base of its own) and every CMOS byte (index,
 * then data 0xa5). Whatever of it reached the machine, the bystander
 * beside it would see.
 */
unsigned guest_test_hostile(const char *cmdline)
{
	trap_handler_fn old_gp = trap_set_handler(VEC_GP, try_on_fault);
	uint64_t end = now_ms() + HOSTILE_MS, rounds = 0, refused = 0;

	klog("test: hostile: writing IA32_TSC_AUX and the CMOS for %d ms\n", HOSTILE_MS);
	while (now_ms() < end) {
		uint32_t v = 0xbad00000u + (uint32_t)rounds;

		refused += TRY("wrmsr", : "c"(MSR_IA32_TSC_AUX), "a"(v), "d"(0)) != NO_FAULT;
		wrmsr(MSR_IA32_GS_BASE, 0xffff8000bad00000ULL + rounds);
		wrmsr(MSR_IA32_KERNEL_GS_BASE, 0xffff8000bad10000ULL + rounds);
		swapgs();
		for (unsigned i = 0; i < CMOS_BYTES; i++) {
			outb(CMOS_INDEX, (uint8_t)i);
			outb(CMOS_DATA, 0xa5);
		}
		rounds++;
	}
	trap_set_handler(VEC_GP, old_gp);
	klog("test: hostile: %lu rounds, %lu TSC_AUX writes refused\n", (unsigned long)rounds,
	     (unsigned long)refused);
	return 0;
}

/*
 * The bystander: IA32_TSC_AUX set to a value of its own (from its name),
 * then, every BYSTANDER_ROUND_MS while the hostile VM runs, read back by
 * RDMSR and RDTSCP; IA32_KERNEL_GS_BASE and the GS base, values of its
 * own, exchanged by SWAPGS each round (mica never sees it happen), read
 * back after each sleep; and its CMOS: each VM has its own (hv/vrtc.c), so
 * the NVRAM bytes it wrote read back as its own, whatever the hostile VM
 * writes to its CMOS, and the index port reads all ones (write-only, as
 * on a PC). Under mica only: bare, a PC's real RTC answers.
 */
unsigned guest_test_bystander(const char *cmdline)
{
	trap_handler_fn old_gp = trap_set_handler(VEC_GP, try_on_fault);
	trap_handler_fn old_ud = trap_set_handler(VEC_UD, try_on_fault);
	char name[CMDLINE_VAL_MAX] = "";
	uint32_t own = 0x811c9dc5u, got;
	bool aux = has_tsc_aux();
	unsigned bad_rdmsr = 0, bad_rdtscp = 0, bad_index = 0, bad_data = 0, bad_kgs = 0;
	uint64_t kgs_want, kgs_other;
	uint8_t own_byte;

	guest_test_own_name(name, sizeof(name));
	for (const char *c = name; *c; c++)
		own = (own ^ (uint8_t)*c) * 0x01000193u;
	klog("test: bystander: IA32_TSC_AUX %s, own value 0x%x\n", aux ? "present" : "absent",
	     own);
	if (aux && TRY("wrmsr", : "c"(MSR_IA32_TSC_AUX), "a"(own), "d"(0)) != NO_FAULT &&
	    bad_rdmsr++ == 0)
		klog("test: bystander: WRMSR IA32_TSC_AUX faulted\n");
	kgs_want = 0x00007f0000000000ULL | own;
	kgs_other = 0x00007e0000000000ULL | own;
	wrmsr(MSR_IA32_KERNEL_GS_BASE, kgs_want);
	wrmsr(MSR_IA32_GS_BASE, kgs_other);
	own_byte = (uint8_t)own == 0xa5 ? 0x5a : (uint8_t)own;  /* never the hostile's */
	for (unsigned i = CMOS_NVRAM; i < CMOS_BYTES; i++) {
		outb(CMOS_INDEX, (uint8_t)i);
		outb(CMOS_DATA, own_byte);
	}
	for (unsigned r = 0; r < BYSTANDER_ROUNDS; r++) {
		int f;

		/* With TSC_AUX: its own value back; without: #GP and #UD. */
		f = try_rdmsr_tsc_aux(&got);
		if ((aux ? f != NO_FAULT || got != own : f != VEC_GP) && bad_rdmsr++ == 0)
			klog("test: bystander: RDMSR IA32_TSC_AUX: %s 0x%x, own 0x%x\n",
			     f == NO_FAULT ? "value" : "fault, vector", f == NO_FAULT ? got : (unsigned)f,
			     own);
		f = try_rdtscp(&got);
		if ((aux ? f != NO_FAULT || got != own : f != VEC_UD) && bad_rdtscp++ == 0)
			klog("test: bystander: RDTSCP: %s 0x%x, own 0x%x\n",
			     f == NO_FAULT ? "ECX" : "fault, vector", f == NO_FAULT ? got : (unsigned)f,
			     own);
		if (kernel_gs_base() != kgs_want && bad_kgs++ == 0)
			klog("test: bystander: IA32_KERNEL_GS_BASE 0x%lx, own 0x%lx\n",
			     (unsigned long)kernel_gs_base(), (unsigned long)kgs_want);
		swapgs();       /* unseen by mica: it must read it back */
		kgs_other ^= kgs_want;
		kgs_want ^= kgs_other;
		kgs_other ^= kgs_want;
		if ((got = inb(CMOS_INDEX)) != 0xff && bad_index++ == 0)
			klog("test: bystander: port 0x70 reads 0x%x\n", got);
		for (unsigned i = CMOS_NVRAM; i < CMOS_BYTES; i++) {
			outb(CMOS_INDEX, (uint8_t)i);
			if ((got = inb(CMOS_DATA)) != own_byte && bad_data++ == 0)
				klog("test: bystander: CMOS byte 0x%x reads 0x%x, own 0x%x\n", i, got,
				     own_byte);
		}
		time_sleep_ms(BYSTANDER_ROUND_MS);
	}
	trap_set_handler(VEC_GP, old_gp);
	trap_set_handler(VEC_UD, old_ud);
	klog("test: bystander: %d rounds done\n", BYSTANDER_ROUNDS);

	ktap_begin(5);
	ktap_result(bad_rdmsr == 0, "tsc_aux_rdmsr_%s", aux ? "keeps_own_value" : "absent_gp");
	ktap_result(bad_kgs == 0, "kernel_gs_base_keeps_own_value_across_swapgs");
	ktap_result(bad_rdtscp == 0, "tsc_aux_rdtscp_%s", aux ? "keeps_own_value" : "absent_ud");
	ktap_result(bad_index == 0, "cmos_index_port_reads_ones");
	ktap_result(bad_data == 0, "cmos_nvram_keeps_own_bytes");
	return ktap_end();
}

/* Beyond RAM there is no device: a plain write is dropped and a read
 * sees all ones, as on a PC's bus; then an instruction mica does not
 * emulate there (ADD to memory) must stop the VM with one line. */
void guest_test_ept_violation(void)
{
	volatile uint64_t *far = (volatile uint64_t *)FAR_BEYOND_RAM;
	uint64_t back;

	klog("test: writing at guest-physical 0x%llx, beyond this VM's RAM\n", FAR_BEYOND_RAM);
	*far = 1;
	back = *far;
	klog("test: the write beyond RAM was %s: it reads back 0x%llx\n",
	     back == ~0ULL ? "dropped" : "NOT dropped", (unsigned long long)back);
	__asm__ volatile("addq $1, %0" : "+m"(*far));
	klog("test: the ADD beyond RAM went through\n");
}

void guest_test_triple_fault(void)
{
	struct desc_ptr none = { 0, 0 };

	klog("test: loading an empty IDT and raising #BP\n");
	lidt(&none);
	__asm__ volatile("int3");
	klog("test: still alive after a triple fault\n");
}

void guest_test_halt(void)
{
	klog("test: halting with interrupts off\n");
	cli();
	hlt();
	klog("test: woke up from a halt with interrupts off\n");
}

void guest_test_exception(void)
{
	klog("test: executing UD2 with no handler installed\n");
	__asm__ volatile("ud2");
	klog("test: returned from an unhandled #UD\n");
}

/* Write a pattern over every free frame of (bi); returns their number. */
static uint64_t fill_free_frames(struct boot_info *bi)
{
	uint64_t pa, frames = 0;

	for (pa = frame_alloc(&bi->frames); pa; pa = frame_alloc(&bi->frames), frames++)
		for (unsigned i = 0; i < FRAME_SIZE / 8; i++)
			((volatile uint64_t *)pa)[i] = pa ^ i;
	return frames;
}

/* Free frames of (bi) that hold anything but zeros: mica clears a VM's RAM
 * before the VM gets it, on a restart too. Counts all of them. */
static uint64_t dirty_free_frames(struct boot_info *bi, uint64_t *frames)
{
	uint64_t pa, dirty = 0;

	*frames = 0;
	for (pa = frame_alloc(&bi->frames); pa; pa = frame_alloc(&bi->frames), (*frames)++) {
		for (unsigned i = 0; i < FRAME_SIZE / 8; i++) {
			if (((volatile uint64_t *)pa)[i] != 0) {
				dirty++;
				break;
			}
		}
	}
	return dirty;
}

void guest_test_crash_once(struct boot_info *bi)
{
	struct hvabi_info info;
	uint64_t frames, dirty;

	memset(&info, 0, sizeof(info));
	if (hv_call(HC_INFO, (long)&info, 0) != HC_OK) {
		klog("test: no HC_INFO: not under mica?\n");
		return;
	}
	kprintf("ready app=crash-once pid=1 tsc=%lu\n", (unsigned long)rdtsc());
	if (info.restarts == 0) {
		/* What the next life must not find: its RAM is new. */
		frames = fill_free_frames(bi);
		klog("test: first life: a pattern over %lu KiB of free memory, then a triple fault\n",
		     (unsigned long)(frames * FRAME_SIZE / 1024));
		guest_test_triple_fault();
		return;
	}
	dirty = dirty_free_frames(bi, &frames);
	klog("test: life %u: %lu of %lu free frames hold data at boot\n", info.restarts + 1,
	     (unsigned long)dirty, (unsigned long)frames);
	klog("test: life %u after %u restarts: finishing cleanly\n", info.restarts + 1,
	     info.restarts);
	machine_exit(dirty == 0 && frames > 0 ? EXIT_OK : EXIT_TEST_FAILED);
}

/* Say the VM is ready, then crash with a triple fault if (crash), or
 * finish cleanly. HC_INFO says how many restarts came before. */
static void live(const char *name, bool (*crash)(unsigned restarts, const void *arg),
		 const void *arg)
{
	struct hvabi_info info;

	memset(&info, 0, sizeof(info));
	if (hv_call(HC_INFO, (long)&info, 0) != HC_OK) {
		klog("test: no HC_INFO: not under mica?\n");
		return;
	}
	kprintf("ready app=%s pid=1 tsc=%lu\n", name, (unsigned long)rdtsc());
	if (crash(info.restarts, arg)) {
		klog("test: life %u: crashing with a triple fault\n", info.restarts + 1);
		guest_test_triple_fault();
		return;
	}
	klog("test: life %u after %u restarts: finishing cleanly\n", info.restarts + 1,
	     info.restarts);
	machine_exit(EXIT_OK);
}

/* Until the TSC passes (*arg), counted from the machine's start. */
static bool before_deadline(unsigned restarts, const void *arg)
{
	return rdtsc() < *(const uint64_t *)arg;
}

void guest_test_crash_loop(const char *cmdline)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t ms = 5000, deadline;

	if (cmdline_get(cmdline, "until", val, sizeof(val)) &&
	    (cmdline_parse_uint(val, &ms) || ms < 1 || ms > 3600000)) {
		klog("test: until=%s: give milliseconds from 1 to 3600000\n", val);
		return;
	}
	deadline = time_tsc_hz() / 1000 * ms;
	live("crash-loop", before_deadline, &deadline);
}

void guest_test_scan(struct boot_info *bi)
{
	char val[CMDLINE_VAL_MAX];
	uint64_t ms = 0, frames, dirty;

	if (cmdline_get(bi->cmdline, "ms", val, sizeof(val)) &&
	    (cmdline_parse_uint(val, &ms) || ms > 600000)) {
		klog("test: ms=%s: give milliseconds from 0 to 600000\n", val);
		return;
	}
	/* Its free frames stay untouched while it waits: mica backs them
	 * only now, with what other VMs gave back meanwhile. */
	time_sleep_ms(ms);
	dirty = dirty_free_frames(bi, &frames);
	klog("test: scan: %lu of %lu free frames hold data\n", (unsigned long)dirty,
	     (unsigned long)frames);
	machine_exit(dirty == 0 && frames > 0 ? EXIT_OK : EXIT_TEST_FAILED);
}

void guest_test_probe(struct boot_info *bi)
{
	uint64_t frames, top = bi->map.top, back;

	/* Every free frame gets a pattern: if EPT let this VM reach another
	 * VM's memory, that VM's canary would see it. */
	frames = fill_free_frames(bi);
	klog("test: wrote a pattern over %lu KiB, all of this VM's free memory\n",
	     (unsigned long)(frames * FRAME_SIZE / 1024));
	klog("test: probing guest-physical 0x%lx, just above this VM's RAM\n", (unsigned long)top);
	*(volatile uint64_t *)top = 0xbad;
	back = *(volatile uint64_t *)top;
	if (back != ~0ULL) {
		klog("test: the write above RAM went through: it reads back 0x%lx\n",
		     (unsigned long)back);
		return;
	}
	klog("test: the write above RAM at 0x%lx was dropped: it reads back 0x%lx\n",
	     (unsigned long)top, (unsigned long)back);
	machine_exit(EXIT_OK);
}

unsigned guest_test_fpu(const char *cmdline)
{
	char name[CMDLINE_VAL_MAX] = "";
	uint64_t want = 0xcbf29ce484222325ULL, got0, got1;

	/* A value of this VM's own, from its name. */
	guest_test_own_name(name, sizeof(name));
	for (const char *c = name; *c; c++)
		want = (want ^ (uint8_t)*c) * 0x100000001b3ULL;
	write_cr4(read_cr4() | CR4_OSFXSR);
	__asm__ volatile("movq %0, %%xmm0\n\tmovq %1, %%xmm7" : : "r"(want), "r"(~want));
	/* Sleep: the other VMs run, and use the same registers. */
	time_sleep_ms(300);
	__asm__ volatile("movq %%xmm0, %0\n\tmovq %%xmm7, %1" : "=r"(got0), "=r"(got1));
	if (got0 == want && got1 == ~want) {
		klog("test: SSE registers intact after sleeping (0x%lx)\n", (unsigned long)want);
		return 0;
	}
	klog("test: SSE registers changed while asleep: xmm0 0x%lx, want 0x%lx\n",
	     (unsigned long)got0, (unsigned long)want);
	return 1;
}
