/*
 * fuzz.c - the guest fuzzer: `test=fuzz seed=S`, a hostile guest for mica.
 * Each life of the VM is one case, chosen by the seed and the number of
 * restarts so far (HC_INFO), so that `restart=always max-restarts=N` runs
 * N + 1 cases in one slot and the same seed always gives the same cases:
 *
 *   code64     random bytes run in 64-bit ring 0, on tables without NX
 *   code32     random bytes run in 32-bit protected mode, paging off
 *   real       random bytes run in real mode
 *   ports      random IN and OUT, any port, any size
 *   msrs       random RDMSR and WRMSR, known and unknown indices
 *   control    random writes of CR0, CR3, CR4, CR8 and XCR0
 *   vmx        every VMX instruction, with random operands
 *   hypercalls random hypercall numbers with random arguments and pointers
 *   mixed      all of the above operations, interleaved
 *
 * The operation cases recover from each exception mica injects (a #GP for
 * a refused MSR, a #UD for VMXON) and go on; the code cases do not try.
 * Every case ends the VM one way or another: exit code 0 if it survived
 * its operations (or the random code reached its end), or whatever mica
 * reports: a crash (triple fault, EPT violation, CPU limit...), a panic of
 * this kernel, a random exit code. mica must stay up through all of it,
 * and the VMs beside must not notice (tests/scenarios/fuzz-guests-bochs.sh,
 * make fuzz).
 */
#include "guest/kernel/hv.h"
#include "guest/kernel/mmu.h"
#include "guest/kernel/vm.h"
#include "hv/include/hvabi.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/frame.h"
#include "lib/rand.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"
#include "tests/guest/guest_tests.h"

#define FUZZ_CODE       0x5000          /* where code32 and real put their bytes */
#define CODE_BYTES      256             /* random bytes per code case */
#define OPS             200             /* operations per operation case */
#define IDENTITY_4G     0x100000000ULL

enum kind { CODE64, CODE32, REAL, PORTS, MSRS, CONTROL, VMX, HYPERCALLS, MIXED, NKINDS };
static const char *const kind_names[NKINDS] = {
	"code64", "code32", "real", "ports", "msrs", "control", "vmx", "hypercalls", "mixed",
};

void fuzz_leave_long_mode(uint32_t code, int real) __attribute__((noreturn));

/* The same case for the same seed and life (lib/rand.h). */
static uint64_t state;

static uint64_t rnd(void)
{
	return rand_next(&state);
}

/* Where an operation goes on when it faults: set just before it by the
 * GUARDED macro, cleared just after; the exception handler resumes there. */
volatile uint64_t fuzz_resume;
static unsigned faults_recovered;

static bool recover(struct trap_frame *tf)
{
	if (fuzz_resume == 0)
		return false;           /* not ours: the kernel's own dump and panic */
	tf->rip = fuzz_resume;
	fuzz_resume = 0;
	faults_recovered++;
	return true;
}

/* Run (insn) with the resume point just after it. */
#define GUARDED(insn, ...)                                                      \
	__asm__ volatile("lea 1f(%%rip), %%r11\n\t"                             \
			 "mov %%r11, fuzz_resume(%%rip)\n\t"                    \
			 insn "\n"                                              \
			 "1:\n\t"                                               \
			 "movq $0, fuzz_resume(%%rip)" __VA_ARGS__)

/* A value for a register: edges, addresses that matter, or anything. */
static uint64_t value(void)
{
	switch (rnd() % 8) {
	case 0: return 0;
	case 1: return ~0ULL;
	case 2: return rnd() & 0xffffffffULL;
	case 3: return 0x100000 + (rnd() % 0x100000);           /* this kernel */
	case 4: return 0x8000000000000000ULL | rnd();           /* non-canonical */
	case 5: return 1ULL << (rnd() % 64);
	case 6: return rnd() % 0x10000;
	default: return rnd();
	}
}

static void op_port(void)
{
	uint16_t port = (uint16_t)rnd();
	uint32_t v = (uint32_t)rnd();

	switch (rnd() % 7) {
	case 0: GUARDED("outb %%al, %%dx", : : "a"(v), "d"(port) : "r11", "memory"); break;
	case 1: GUARDED("outw %%ax, %%dx", : : "a"(v), "d"(port) : "r11", "memory"); break;
	case 2: GUARDED("outl %%eax, %%dx", : : "a"(v), "d"(port) : "r11", "memory"); break;
	case 3: GUARDED("inb %%dx, %%al", : "+a"(v) : "d"(port) : "r11", "memory"); break;
	case 4: GUARDED("inw %%dx, %%ax", : "+a"(v) : "d"(port) : "r11", "memory"); break;
	case 5: GUARDED("inl %%dx, %%eax", : "+a"(v) : "d"(port) : "r11", "memory"); break;
	default: {
		/* String I/O, rarely: mica does not emulate it. */
		uint64_t buf[2] = { rnd(), rnd() };

		if (rnd() % 16 == 0)
			GUARDED("rep outsb", : : "S"(buf), "c"(2), "d"(port) : "r11", "memory");
	}
	}
}

static void op_msr(void)
{
	static const uint32_t known[] = {
		0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xc1, 0x174, 0x175, 0x176, 0x1d9, 0x277,
		0x480, 0x48b, 0x491, 0x6e0, 0x800, 0xc0000080, 0xc0000081, 0xc0000082,
		0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
	};
	uint32_t msr = rnd() % 2 ? known[rnd() % (sizeof(known) / sizeof(known[0]))]
				 : (uint32_t)rnd();
	uint64_t v = value();
	uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);

	if (rnd() % 2)
		GUARDED("rdmsr", : "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
	else
		GUARDED("wrmsr", : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(msr)
			: "r11", "memory");
}

static void op_control(void)
{
	uint64_t v = value();

	switch (rnd() % 6) {
	case 0: GUARDED("mov %0, %%cr0", : : "r"(v ^ read_cr0()) : "r11", "memory"); break;
	case 1: GUARDED("mov %0, %%cr4", : : "r"(v ^ read_cr4()) : "r11", "memory"); break;
	case 2: GUARDED("mov %0, %%cr8", : : "r"(v) : "r11", "memory"); break;
	case 3: GUARDED("xsetbv", : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(rnd() % 2)
			: "r11", "memory"); break;
	case 4: GUARDED("mov %%cr3, %%rax; mov %%rax, %%cr3", : : : "rax", "r11", "memory"); break;
	default:
		/* A random CR3, rarely: the next fetch finds no tables. */
		if (rnd() % 32 == 0)
			GUARDED("mov %0, %%cr3", : : "r"(v & ~0xfffULL) : "r11", "memory");
	}
}

static void op_vmx(void)
{
	/* Whatever it holds is a fuzzed operand: not cleared at boot (.noinit). */
	static uint64_t region[512] __attribute__((aligned(4096), section(".noinit")));
	uint64_t a = value(), b = value(), *m = rnd() % 2 ? region : (uint64_t *)(uintptr_t)(a & 0xffff8);

	(void)m;
	switch (rnd() % 12) {
	case 0: GUARDED("vmxon (%0)", : : "r"(region) : "r11", "memory"); break;
	case 1: GUARDED("vmxoff", : : : "r11", "memory"); break;
	case 2: GUARDED("vmclear (%0)", : : "r"(region) : "r11", "memory"); break;
	case 3: GUARDED("vmptrld (%0)", : : "r"(region) : "r11", "memory"); break;
	case 4: GUARDED("vmptrst (%0)", : : "r"(region) : "r11", "memory"); break;
	case 5: GUARDED("vmread %1, %0", : "=r"(b) : "r"(a) : "r11", "memory"); break;
	case 6: GUARDED("vmwrite %1, %0", : : "r"(a), "r"(b) : "r11", "memory"); break;
	case 7: GUARDED("vmlaunch", : : : "r11", "memory", "cc"); break;
	case 8: GUARDED("vmresume", : : : "r11", "memory", "cc"); break;
	case 9: GUARDED("invept (%1), %0", : : "r"(a % 4), "r"(region) : "r11", "memory"); break;
	case 10: GUARDED("invvpid (%1), %0", : : "r"(a % 4), "r"(region) : "r11", "memory"); break;
	default: GUARDED("vmfunc", : : "a"(a % 2), "c"(b % 2) : "r11", "memory"); break;
	}
}

static void op_hypercall(void)
{
	uint64_t nr = rnd() % 4 ? rnd() % 8 : rnd();
	register uint64_t r10 __asm__("r10") = value();

	/* HC_EXIT would end the case at once: rarely. */
	if (nr == HC_EXIT && rnd() % 8)
		return;
	GUARDED("vmcall", : "+a"(nr) : "D"(value()), "S"(value()), "d"(value()), "r"(r10)
		: "r11", "memory");
}

static void __attribute__((noreturn)) run_ops(enum kind k)
{
	for (unsigned v = 0; v < 32; v++)
		if (v != VEC_NMI && v != VEC_DF && v != VEC_MC)
			trap_set_handler(v, recover);
	for (unsigned i = 0; i < OPS; i++) {
		enum kind op = k == MIXED ? (enum kind)(PORTS + rnd() % (MIXED - PORTS)) : k;

		switch (op) {
		case PORTS: op_port(); break;
		case MSRS: op_msr(); break;
		case CONTROL: op_control(); break;
		case VMX: op_vmx(); break;
		default: op_hypercall(); break;
		}
	}
	klog("fuzz: %u operations survived, %u faults recovered\n", OPS, faults_recovered);
	machine_exit(EXIT_OK);
}

/* Random bytes, then the way to say "survived": OUT 0 to port 0xf4 and
 * stop. The same bytes mean the same in 16, 32 and 64-bit code, except
 * that the MOV's immediate is 16 bits in real mode. */
static void fill_code(uint8_t *code, bool real)
{
	static const uint8_t tail32[] = { 0xba, 0xf4, 0, 0, 0, 0x31, 0xc0, 0xee, 0xeb, 0xfe };
	static const uint8_t tail16[] = { 0xba, 0xf4, 0, 0x31, 0xc0, 0xee, 0xeb, 0xfe };

	for (unsigned i = 0; i < CODE_BYTES; i++)
		code[i] = (uint8_t)rnd();
	if (real)
		memcpy(code + CODE_BYTES, tail16, sizeof(tail16));
	else
		memcpy(code + CODE_BYTES, tail32, sizeof(tail32));
}

/* 64-bit ring 0: tables that map [0, 4 GiB) writable and executable, then
 * a call into the bytes with random registers. */
static void __attribute__((noreturn)) run_code64(struct boot_info *bi)
{
	uint64_t *pml4 = vm_create(&bi->frames), page = frame_alloc(&bi->frames);

	if (!pml4 || !page || vm_map(pml4, 0, 0, IDENTITY_4G, PTE_W, &bi->frames)) {
		klog("fuzz: no memory for the code64 case\n");
		machine_exit(EXIT_OK);
	}
	fill_code((uint8_t *)(uintptr_t)page, false);
	write_cr3((uint64_t)(uintptr_t)pml4);
	__asm__ volatile("mov %1, %%rbx\n\t"
			 "mov %2, %%rcx\n\t"
			 "mov %3, %%rdx\n\t"
			 "mov %4, %%rsi\n\t"
			 "call *%0"
			 : : "a"(page), "r"(value()), "r"(value()), "r"(value()), "r"(value())
			 : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
	klog("fuzz: the code returned\n");
	machine_exit(EXIT_OK);
}

void guest_fuzz(struct boot_info *bi)
{
	char val[CMDLINE_VAL_MAX];
	struct hvabi_info info;
	uint64_t seed = 1;
	enum kind k;

	memset(&info, 0, sizeof(info));
	if (!hv_detect() || hv_call(HC_INFO, (long)&info, 0) != HC_OK) {
		klog("fuzz: not under mica: the fuzzer is a guest of mica only\n");
		machine_exit(EXIT_BAD_CONFIG);
	}
	if (cmdline_get(bi->cmdline, "seed", val, sizeof(val)) && cmdline_parse_uint(val, &seed)) {
		klog("fuzz: seed=%s: give a number\n", val);
		machine_exit(EXIT_BAD_CONFIG);
	}
	state = (seed * 1000003 + info.restarts) * 0x9e3779b97f4a7c15ULL + 1;
	for (int i = 0; i < 4; i++)
		rnd();
	k = (enum kind)(rnd() % NKINDS);
	klog("fuzz: seed %lu case %u: %s\n", (unsigned long)seed, info.restarts, kind_names[k]);
	switch (k) {
	case CODE64:
		run_code64(bi);
		break;
	case CODE32:
	case REAL:
		fill_code((uint8_t *)FUZZ_CODE, k == REAL);
		fuzz_leave_long_mode(FUZZ_CODE, k == REAL);
	default:
		run_ops(k);
	}
}
