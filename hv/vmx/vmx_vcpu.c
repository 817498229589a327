/*
 * vmx_vcpu.c - a vCPU's life under VT-x: VMCS creation, VM entry with
 * every failure decoded into words, the exit hand-off, teardown.
 *
 * Runs in VMX root. SDM Vol. 3, "VM Entries" ("Checks on VMX Controls and
 * Host-State Area", "Checking and Loading Guest State", "VM-Entry
 * Failures During or After Loading Guest State").
 */
#include "hv/linux_boot.h"
#include "hv/percpu.h"
#include "hv/smp.h"
#include "hv/smp_call.h"
#include "hv/vdev.h"
#include "hv/vm.h"
#include "hv/vmx/apic_access.h"
#include "hv/vmx/vmcs.h"
#include "hv/vmx/vmexit_dr.h"
#include "hv/vmx/vmexit.h"
#include "hv/vmx/vmx.h"
#include "hv/vmx/vmx_controls.h"
#include "hv/vmx/vmx_check.h"
#include "hv/vmx/vmx_error.h"
#include "hv/vmx/vmx_insn.h"
#include "hv/vmx/vmx_move.h"
#include "hv/vmx/vmx_nmi.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/frame.h"
#include "lib/msr.h"
#include "lib/multiboot.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/x86_regs.h"

#define EXIT_REASON_BASIC(r)    ((r) & 0xffff)


static int alloc_fpu(struct vmx_vcpu *a, struct frame_pool *pool);


int vmx_vcpu_init(struct vcpu *v, struct frame_pool *pool, uint64_t eptp, uint16_t vpid,
		  uint32_t entry, uint32_t mbi)
{
	struct vmx_vcpu *a = &v->arch;

	memset(a, 0, sizeof(*a));
	a->vmcs = frame_alloc(pool);
	if (!a->vmcs) {
		klog("vm %s: no memory for a VMCS\n", v->vm->name);
		return -1;
	}
	memset(hpa_to_hva(a->vmcs), 0, FRAME_SIZE);
	this_cpu()->vmx.current_vmcs = 0; /* the first run loads it and its CPU state */
	a->cpu = this_cpu();            /* vmcs_setup() makes it active here */
	if (vmcs_setup(a->vmcs, eptp, vpid, entry)) {
		frame_free(pool, a->vmcs);
		a->vmcs = 0;
		return -1;
	}
	if (vmx.preemption_timer)
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, UINT32_MAX);
	a->procbased = vmx.procbased;
	vmx_apic_access_init(v);
	vmx_dr_reset(v);
	/* Task priority: a virtual-APIC page whose TPR (offset 0x80) MOV CR8
	 * reads and writes instead of the real one; threshold 0, so that no
	 * value exits. SDM Vol. 3, "Virtual-APIC Page", "TPR Virtualization". */
	if (vmx.tpr_shadow) {
		a->vapic = frame_alloc(pool);
		if (!a->vapic) {
			klog("vm %s: no memory for its virtual-APIC page\n", v->vm->name);
			frame_free(pool, a->vmcs);
			a->vmcs = 0;
			return -1;
		}
		memset(hpa_to_hva(a->vapic), 0, FRAME_SIZE);
		vmcs_write(VMCS_VIRTUAL_APIC_ADDRESS, a->vapic);
		vmcs_write(VMCS_TPR_THRESHOLD, 0);
	}
	if (alloc_fpu(a, pool)) {
		klog("vm %s: no memory for its FPU state\n", v->vm->name);
		if (a->vapic)
			frame_free(pool, a->vapic);
		a->vapic = 0;
		frame_free(pool, a->vmcs);
		a->vmcs = 0;
		return -1;
	}
	a->eptp = eptp;
	a->recheck = true;              /* the first entry is checked */
	a->regs.rax = MULTIBOOT_BOOTLOADER_MAGIC;
	a->regs.rbx = mbi;
	a->xcr0 = XCR0_X87;
	return 0;
}

void vmx_vcpu_set_boot_state(struct vcpu *v, const struct linux_boot_regs *r)
{
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.rsi = r->rsi;
	vmcs_set_boot_state(r);         /* vmx_vcpu_init() left its VMCS current */
}

static uint64_t read_field(void *ctx, uint32_t field)
{
	uint64_t v = 0;

	vmread(field, &v);
	return v;
}

/* Run mica's own copy of the SDM's entry checks on the current VMCS.
 * Returns 0 when every rule holds; else fills (why). */
static int check_state(char *why, size_t n)
{
	return vmx_check_state(&vmx.caps, read_field, NULL, why, n);
}

/* A debug build (make MICA_DEBUG=1) checks before every entry. */
#ifndef MICA_DEBUG
#define MICA_DEBUG 0
#endif


/*
 * Before an entry after which the CPU's entry checks could fail: the first
 * one, or one after mica changed guest state they cover (a CR0, CR4 or
 * EFER write it emulated, an event it injects). Silicon checks every
 * entry; Bochs 2.7 skips some rules, so mica's own copy runs and a state
 * silicon would refuse stops the VM alone, with the rule named, on every
 * platform. Returns 0, or -1 after stopping the VM.
 */
static __attribute__((noinline)) int recheck(struct vcpu *v)
{
	char why[200];
	uint64_t t0 = rdtsc();
	int bad = check_state(why, sizeof(why));
	struct vmx_percpu *c = &this_cpu()->vmx;

	c->checks_tsc += rdtsc() - t0;
	c->checks_run++;
	v->arch.recheck = false;
	if (bad) {
		vm_crash(v->vm, "refusing VM entry: %s", why);
		return -1;
	}
	return 0;
}

/* Before an entry that injects an event into an otherwise checked VMCS:
 * the event's rules alone, a tenth of the whole check's cost. Returns 0,
 * or -1 after stopping the VM. */
static __attribute__((noinline)) int check_event(struct vcpu *v)
{
	char why[200];
	uint64_t t0 = rdtsc();
	int bad = vmx_check_event(&vmx.caps, read_field, NULL, why, sizeof(why));
	struct vmx_percpu *c = &this_cpu()->vmx;

	c->event_checks_tsc += rdtsc() - t0;
	c->event_checks_run++;
	if (bad) {
		vm_crash(v->vm, "refusing VM entry: %s", why);
		return -1;
	}
	return 0;
}

/* Summed over every CPU, once the run is over. */
void vmx_vcpu_check_stats(uint64_t *checks, uint64_t *tsc)
{
	*checks = *tsc = 0;
	for (unsigned i = 0; i < smp_cpus(); i++) {
		*checks += smp_cpu(i)->vmx.checks_run;
		*tsc += smp_cpu(i)->vmx.checks_tsc;
	}
}

void vmx_vcpu_event_check_stats(uint64_t *checks, uint64_t *tsc)
{
	*checks = *tsc = 0;
	for (unsigned i = 0; i < smp_cpus(); i++) {
		*checks += smp_cpu(i)->vmx.event_checks_run;
		*tsc += smp_cpu(i)->vmx.event_checks_tsc;
	}
}

void vmx_vcpu_break_state(struct vcpu *v)
{
	vmcs_write(VMCS_GUEST_IA32_EFER, vmcs_read(VMCS_GUEST_IA32_EFER) ^ EFER_LMA);
	v->arch.recheck = true;
}

/* VMLAUNCH or VMRESUME refused to start the guest (VMfail). */
static __attribute__((noinline)) void entry_insn_failed(struct vcpu *v, int r)
{
	const char *insn = v->arch.launched ? "VMRESUME" : "VMLAUNCH";
	char why[200] = "";
	uint64_t err = 0;

	if (r == VM_FAIL_INVALID) {
		vm_crash(v->vm, "%s: VMfailInvalid (no valid current VMCS)", insn);
		return;
	}
	vmread(VMCS_INSTRUCTION_ERROR, &err);
	/* These errors mean "the state is wrong": mica's own checker can name
	 * the rule. */
	if (err == VMXERR_ENTRY_INVALID_CONTROL_FIELD || err == VMXERR_ENTRY_INVALID_HOST_STATE_FIELD)
		check_state(why, sizeof(why));
	vm_crash(v->vm, "%s failed: VM-instruction error %lu (%s)%s%s", insn, (unsigned long)err,
		 vmx_insn_error_name((uint32_t)err), why[0] ? "; " : "", why);
}

/* The CPU started loading the guest and gave up: a VM exit with bit 31 of
 * the exit reason set (SDM Vol. 3, "VM-Entry Failures During or After
 * Loading Guest State"). */
static __attribute__((noinline)) void entry_failed(struct vcpu *v, uint32_t reason)
{
	char why[200] = "";
	uint32_t basic = EXIT_REASON_BASIC(reason);

	check_state(why, sizeof(why));
	vm_crash(v->vm, "VM entry failed: exit reason %u (%s), qualification 0x%lx%s%s", basic,
		 vmexit_name(basic), (unsigned long)vmcs_read(VMCS_EXIT_QUALIFICATION),
		 why[0] ? "; " : "", why);
}

/*
 * Guest state that lives in the CPU, not in the VMCS: CR2, XCR0 and the
 * MSRs the guest owns outright (SYSCALL's, SWAPGS's). The vCPU that ran
 * last leaves it in the CPU; switching vCPUs saves its values and loads
 * the next one's. SDM Vol. 3, "VMX Support for Address Translation",
 * and "Guest-State Area" for what the VMCS does not hold. Each CPU has
 * its owner (struct vmx_percpu's cpu_owner).
 *
 * The MSRs go the way of KVM's "user return" MSRs: a guest's WRMSR to one
 * exits (there is no MSR bitmap), so mica always knows the guest's value,
 * and each CPU remembers what it holds (msr_cur). A switch reads back only
 * KERNEL_GS_BASE, which SWAPGS changes unseen, and writes only the values
 * that differ; VMs of one kernel mostly have the same ones, so most
 * switches write none.
 */
const uint32_t vmx_guest_msrs[VMX_GUEST_MSRS] = {
	MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR, MSR_IA32_FMASK,
	[VMX_GUEST_MSR_KERNEL_GS_BASE] = MSR_IA32_KERNEL_GS_BASE,
	MSR_IA32_TSC_AUX,       /* RDTSCP's ECX: each VM's own, as KVM keeps it */
};

unsigned vmx_guest_msr_count(void)
{
	return vmx.procbased2 & PROCBASED2_ENABLE_RDTSCP ? VMX_GUEST_MSRS : VMX_GUEST_MSRS - 1;
}

/* The index of (msr) in vmx_guest_msrs, or -1 if the guest does not own it. */
int vmx_guest_msr_index(uint32_t msr)
{
	for (unsigned i = 0; i < vmx_guest_msr_count(); i++)
		if (vmx_guest_msrs[i] == msr)
			return (int)i;
	return -1;
}

/* A guest's WRMSR of the one it owns at (i), which is running on this CPU
 * (the value was checked: the CPU takes it). */
void vmx_vcpu_write_guest_msr(struct vcpu *v, unsigned i, uint64_t val)
{
	wrmsr(vmx_guest_msrs[i], val);
	v->arch.msrs[i] = val;
	this_cpu()->vmx.msr_cur[i] = val;
}

/* Every state component this CPU supports in XCR0: CPUID.(0DH,0):EDX:EAX. */
static uint64_t xcr0_all(void)
{
	static uint64_t all;

	if (!all) {
		struct cpuid_regs d = cpuid(0xd, 0);

		all = ((uint64_t)d.edx << 32) | d.eax;
	}
	return all;
}

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(0));
}

/* The FPU, SSE and AVX registers of the CPU's owner go to its area, the
 * next vCPU's come from its own: no VM sees another's registers. A guest
 * uses SSE whatever its XCR0 says (XCR0 governs XSAVE and AVX), so the
 * swap runs with every component the CPU has enabled in XCR0. */
static void save_fpu(struct vmx_vcpu *a)
{
	void *area = hpa_to_hva(a->fpu);

	if (vmx.xsave)
		__asm__ volatile("xsave64 %0" : "+m"(*(char (*)[512])area) : "a"(~0u), "d"(~0u));
	else
		__asm__ volatile("fxsave64 %0" : "=m"(*(char (*)[512])area));
}

static void load_fpu(struct vmx_vcpu *a)
{
	void *area = hpa_to_hva(a->fpu);

	if (vmx.xsave)
		__asm__ volatile("xrstor64 %0" : : "m"(*(char (*)[512])area), "a"(~0u), "d"(~0u));
	else
		__asm__ volatile("fxrstor64 %0" : : "m"(*(char (*)[512])area));
}

/* The guest state the CPU holds for (o) into (o): CR2, the MSRs it owns,
 * its FPU/SSE/AVX registers (XCR0 must enable every component). */
static void save_cpu_state(struct vmx_percpu *c, struct vmx_vcpu *o)
{
	o->cr2 = read_cr2();
	o->msrs[VMX_GUEST_MSR_KERNEL_GS_BASE] = rdmsr(MSR_IA32_KERNEL_GS_BASE);
	c->msr_cur[VMX_GUEST_MSR_KERNEL_GS_BASE] = o->msrs[VMX_GUEST_MSR_KERNEL_GS_BASE];
	save_fpu(o);
}

/* Load (a)'s MSRs where the CPU holds other values. */
static void load_msrs(struct vmx_percpu *c, const struct vmx_vcpu *a)
{
	for (unsigned i = 0; i < vmx_guest_msr_count(); i++) {
		if (c->msr_known && c->msr_cur[i] == a->msrs[i])
			continue;
		wrmsr(vmx_guest_msrs[i], a->msrs[i]);
		c->msr_cur[i] = a->msrs[i];
	}
	c->msr_known = true;
}

static void switch_cpu_state(struct vmx_percpu *c, struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	struct vcpu *cpu_owner = c->cpu_owner;

	if (cpu_owner == v)
		return;
	vmx_dr_switch(v);
	if (vmx.xsave)
		xsetbv0(xcr0_all());
	if (cpu_owner)
		save_cpu_state(c, &cpu_owner->arch);
	write_cr2(a->cr2);
	load_msrs(c, a);
	load_fpu(a);
	if (vmx.xsave)
		xsetbv0(a->xcr0);
	c->cpu_owner = v;
}

void vmx_vcpu_unload(struct vcpu *v)
{
	struct vmx_percpu *c = &this_cpu()->vmx;

	if (c->cpu_owner == v) {
		if (vmx.xsave)
			xsetbv0(xcr0_all());    /* its own XCR0 is in v->arch: XSETBV exits */
		save_cpu_state(c, &v->arch);
		c->cpu_owner = NULL;
	}
	if (c->current_vmcs == v->arch.vmcs)
		c->current_vmcs = 0;
}

/* A fresh FPU area: the state after FNINIT and a reset MXCSR; an XSAVE
 * header with no component saved, which XRSTOR takes as "initial". */
#define FXSAVE_FCW      0       /* offsets in the legacy region */
#define FXSAVE_MXCSR    24
#define FCW_INIT        0x037f
#define MXCSR_INIT      0x1f80

static int alloc_fpu(struct vmx_vcpu *a, struct frame_pool *pool)
{
	uint32_t bytes = vmx.xsave ? cpuid(0xd, 0).ecx : 512;
	uint8_t *area;

	a->fpu_frames = (bytes + FRAME_SIZE - 1) / FRAME_SIZE;
	a->fpu = a->fpu_frames == 1 ? frame_alloc(pool) :
		 frame_alloc_contig(pool, a->fpu_frames, FRAME_SIZE);
	if (!a->fpu)
		return -1;
	area = hpa_to_hva(a->fpu);
	memset(area, 0, a->fpu_frames * FRAME_SIZE);
	*(uint16_t *)(area + FXSAVE_FCW) = FCW_INIT;
	*(uint32_t *)(area + FXSAVE_MXCSR) = MXCSR_INIT;
	return 0;
}

/*
 * Before an entry that is not a plain VMRESUME of the current VMCS: make
 * this vCPU's VMCS current and load its CPU state (XCR0 and the rest). Kept out of vmx_vcpu_run() so that the exit
 * path stays short. Returns 0, or -1 after stopping the VM.
 */
static __attribute__((noinline)) int prepare_entry(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	struct vmx_percpu *c = &this_cpu()->vmx;

	if (c->current_vmcs != a->vmcs) {
		/* Its first entry on this CPU since a move: VMPTRLD and this
		 * CPU's host state (hv/vmx/vmx_move.c). */
		if (a->cpu != this_cpu()) {
			if (vmx_vcpu_arrive(v))
				return -1;
		} else if (vmptrld(a->vmcs) != VM_SUCCESS) {
			vm_crash(v->vm, "VMPTRLD of its VMCS at 0x%lx failed", (unsigned long)a->vmcs);
			return -1;
		}
		switch_cpu_state(c, v);
		c->current_vmcs = a->vmcs;
	}
	return 0;
}

void vmx_vcpu_write_procbased(struct vcpu *v)
{
	vmx_set_windows(&v->arch);
}

/* The TPR is bits 7:4 of VTPR, at offset 0x80 of the virtual-APIC page;
 * CR8 is its bits 3:0 ("Virtualizing MOV to CR8", "from CR8"). */
#define VAPIC_VTPR      0x80

unsigned vmx_vcpu_tpr(struct vcpu *v)
{
	const struct vmx_vcpu *a = &v->arch;

	return a->vapic ? ((uint8_t *)hpa_to_hva(a->vapic))[VAPIC_VTPR] >> 4 : vlapic_cr8(&v->lapic);
}

void vmx_vcpu_set_tpr(struct vcpu *v, unsigned tpr)
{
	vlapic_set_cr8(&v->lapic, (uint8_t)tpr);
	vmx_vcpu_tpr_push(v);
	v->vm->irq_check = true;        /* a lower priority may let one through */
}

/* The APIC's TPR has one value: the model's (hv/vlapic.c) and, with a
 * TPR shadow, VTPR, which MOV CR8 changes without an exit. Pull takes
 * VTPR into the model before mica reads it; push after mica wrote it. */
void vmx_vcpu_tpr_pull(struct vcpu *v)
{
	if (v->arch.vapic)
		v->lapic.tpr = ((uint8_t *)hpa_to_hva(v->arch.vapic))[VAPIC_VTPR];
}

void vmx_vcpu_tpr_push(struct vcpu *v)
{
	if (v->arch.vapic)
		((uint8_t *)hpa_to_hva(v->arch.vapic))[VAPIC_VTPR] = (uint8_t)v->lapic.tpr;
}

/*
 * With a TPR shadow, lowering CR8 does not exit unless it falls below the
 * TPR threshold: set it to the class of the highest interrupt the APIC
 * holds, so that the guest exits when its TPR lets that one through. The
 * threshold may not exceed VTPR's class (SDM Vol. 3, "Checks on VMX
 * Controls"); a class above it is held back by ISR, which only an EOI
 * (an exit) lowers. SDM Vol. 3, "TPR Virtualization".
 */
static void set_tpr_threshold(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	int irr = vlapic_highest_irr(&v->lapic);
	unsigned vtpr = ((uint8_t *)hpa_to_hva(a->vapic))[VAPIC_VTPR] >> 4;
	unsigned th = irr < 0 ? 0 : (unsigned)irr >> 4;

	if (th > vtpr)
		th = vtpr;
	if (th != a->tpr_threshold) {
		vmcs_write(VMCS_TPR_THRESHOLD, th);
		a->tpr_threshold = (uint8_t)th;
	}
}

static void set_window(struct vcpu *v, bool on)
{
	struct vmx_vcpu *a = &v->arch;

	a->window = on;
	vmx_set_windows(a);
}

/*
 * An interrupt is waiting in the VM's PIC. Deliver it with this entry if
 * the guest can take it: RFLAGS.IF set, no STI or MOV SS shadow, no other
 * event being injected, no debug trap pending (a single step over an
 * instruction mica emulated: a trap of the previous instruction goes
 * before an interrupt, and an entry that injects one drops the pending
 * #DB). Otherwise ask the CPU to exit as soon as it can (interrupt-window
 * exiting, which waits for the pending #DB's delivery). SDM Vol. 3,
 * "Event Injection", "Interrupt-Window Exiting and Virtual-Interrupt
 * Delivery", "Delivery of Pending Debug Exceptions after VM Entry".
 */
static __attribute__((noinline)) void inject_irq(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	uint64_t intr = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	if ((vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	    !(intr & (INTERRUPTIBILITY_BLOCKING_BY_STI | INTERRUPTIBILITY_BLOCKING_BY_MOV_SS)) &&
	    !(vmcs_read(VMCS_ENTRY_INTR_INFO) & VMCS_INTR_INFO_VALID) &&
	    !vmx_debug_trap_pending()) {
		int vector = vdev_ack_irq(v->vm);

		vmcs_write(VMCS_ENTRY_INTR_INFO, (uint32_t)vector | VMCS_INTR_INFO_VALID |
			   (INTR_TYPE_EXT_INTR << VMCS_INTR_INFO_TYPE_SHIFT));
		if (a->window)
			set_window(v, false);
	} else if (!a->window) {
		set_window(v, true);
	}
}

/* An interrupt may be due, or the guest's window for one opened: inject
 * it or ask for the window, and return the next device event. Kept out
 * of deliver_events() so that the entry path stays short. */
static __attribute__((noinline)) uint64_t deliver_irq(struct vcpu *v, uint64_t now)
{
	struct vm *vm = v->vm;
	uint64_t next;

	vmx_vcpu_tpr_pull(v);
	if (vdev_pending_irq(vm, now) >= 0)
		inject_irq(v);
	else if (v->arch.window)
		set_window(v, false);
	if (v->arch.vapic)
		set_tpr_threshold(v);
	next = vdev_next_event(vm);
	if (vm->nmi_next && vm->nmi_next < next)
		next = vm->nmi_next;
	return next;
}

/* Before each entry from C: raise what the VM's devices owe it by now,
 * set the preemption timer to bring mica back at the next device event,
 * and tell the exit fast path until when, and whether, it may serve
 * exits without coming back here. Returns the TSC it began at. */
static inline uint64_t deliver_events(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vmx_vcpu *a = &v->arch;
	uint64_t now = rdtsc(), next = vdev_next_event(vm), ticks;

	/* The guest's own NMIs (`nmi=`) go before its interrupts. */
	if (__builtin_expect(vm->nmi_next || vm->nmi_pending, 0))
		next = vmx_nmi_deliver(v, now, next);
	if (__builtin_expect(now >= next || vm->irq_check || a->window, 0))
		next = deliver_irq(v, now);
	/* The timer brings mica back at the earlier of the device event and
	 * the end of the VM's slice. When exits save what is left of it, it
	 * needs writing only when that target moves: it counts guest time
	 * only, so it runs late by the time mica spends on exits meanwhile,
	 * which is small, and every exit checks the deadline anyway. */
	if (vm->slice_end < next)
		next = vm->slice_end;
	if (vmx.preemption_timer && (next != a->timer_target || !vmx.timer_saved)) {
		ticks = next > now ? (next - now) >> vmx.timer_rate : 0;
		vmcs_write(VMCS_PREEMPTION_TIMER_VALUE, ticks > UINT32_MAX ? UINT32_MAX : ticks);
		a->timer_target = next;
	}
	/* A window open or an NMI on its way needs this path after every
	 * exit; a timer that restarts from the written value at each entry
	 * would need writing at each. A debug build checks every entry. */
	a->deadline = !a->window && !a->nmi_window && !vm->nmi_pending && !MICA_DEBUG &&
		      (vmx.timer_saved || !vmx.preemption_timer) ? next : 0;
	return now;
}

/*
 * The exit interrupted the delivery of an event (IDT-vectoring information
 * valid): unless the VM stopped or the handler queued an event of its own,
 * deliver it again with the next entry, or it would be lost (an interrupt
 * already taken from the PIC would stay in service for good).
 * SDM Vol. 3, "Information for VM Exits That Occur During Event Delivery".
 */
static __attribute__((noinline)) void redeliver(struct vcpu *v, uint32_t idt)
{
	unsigned type = VMCS_INTR_INFO_TYPE(idt);

	if (v->vm->state != VM_RUNNING || (vmcs_read(VMCS_ENTRY_INTR_INFO) & VMCS_INTR_INFO_VALID))
		return;
	if (idt & VMCS_INTR_INFO_DELIVER_ERROR_CODE)
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read(VMCS_IDT_VECTORING_ERROR_CODE));
	if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_SW_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vmcs_write(VMCS_ENTRY_INSTRUCTION_LENGTH, vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
	vmcs_write(VMCS_ENTRY_INTR_INFO, idt & (VMCS_INTR_INFO_VECTOR_MASK | VMCS_INTR_INFO_TYPE_MASK |
						VMCS_INTR_INFO_DELIVER_ERROR_CODE | VMCS_INTR_INFO_VALID));
}

void vmx_vcpu_run(struct vcpu *v)
{
	struct vmx_vcpu *a = &v->arch;
	struct vm *vm = v->vm;
	struct vmx_percpu *c = &this_cpu()->vmx;
	uint32_t reason, idt;
	uint64_t now;
	int r;

	vm->tsc_turn_entry = 0;
	/* Woken in HLT by a device event that raised no interrupt: back to
	 * sleep, off the CPU. */
	if (__builtin_expect(vm->in_hlt, 0) && !vdev_hlt(vm, rdtsc()))
		return;
	do {
		if (__builtin_expect(c->current_vmcs != a->vmcs || !a->launched, 0) &&
		    prepare_entry(v))
			return;
		now = deliver_events(v);
		/* An event to inject is guest state the entry checks cover:
		 * its own rules are checked, the rest passed before. */
		if (__builtin_expect(a->recheck || MICA_DEBUG, 0)) {
			if (recheck(v))
				return;
		} else if (__builtin_expect(vmcs_read(VMCS_ENTRY_INTR_INFO) & VMCS_INTR_INFO_VALID, 0) &&
			   check_event(v)) {
			return;
		}
		/* The turn's start, for the switch time: before the checks,
		 * which a switch does not need. */
		if (!vm->tsc_turn_entry)
			vm->tsc_turn_entry = now;
		a->entry_tsc = rdtsc();
		/* Exits the fast path serves (hv/vmx/vmexit_fast.c, which also
		 * charges the guest's time) resume the guest from there: this
		 * returns with an exit it left to this loop. */
		r = vmx_enter_guest(&a->regs, a->launched);
		if (__builtin_expect(r != VM_SUCCESS, 0)) {
			vm->tsc_guest += rdtsc() - a->entry_tsc;
			entry_insn_failed(v, r);
			return;
		}
		a->launched = true;
		if (!a->exit_handled) {
			reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
			if (__builtin_expect(reason & EXIT_REASON_ENTRY_FAIL, 0)) {
				entry_failed(v, reason);
				return;
			}
			idt = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);
			vmexit_dispatch(v, EXIT_REASON_BASIC(reason));
			if (__builtin_expect(idt & VMCS_INTR_INFO_VALID, 0))
				redeliver(v, idt);
		}
		/* mica's console queue drains between exits, not only
		 * between turns: a turn can last a whole slice. */
		if (console_pending())
			console_poll();
		/* A call from another CPU (a stop, say) ends the turn: the
		 * scheduler runs it between turns. */
	} while (vm->state == VM_RUNNING && !vm->halted && a->exit_tsc < vm->slice_end &&
		 !smp_call_pending());
}

void vmx_vcpu_print_exits(const struct vcpu *v)
{
	const struct vmx_vcpu *a = &v->arch;
	uint64_t total = 0;
	char line[1024];
	size_t n;

	for (unsigned i = 0; i < EXIT_REASON_MAX; i++)
		total += a->exits[i];
	/* One write: the lines of VMs stopping on other CPUs never mix in. */
	n = (size_t)fmt_snprintf(line, sizeof(line), "mica: vm %s: %lu exits:", v->vm->name,
				 (unsigned long)total);
	for (unsigned i = 0; i < EXIT_REASON_MAX && n < sizeof(line); i++)
		if (a->exits[i])
			n += (size_t)fmt_snprintf(line + n, sizeof(line) - n, " %s %lu",
						  vmexit_name(i), (unsigned long)a->exits[i]);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	console_write(line, n);
}

/* Drop every TLB entry derived from the EPT of (*eptp), and every VPID's
 * (VPIDs are reused with the VM ids), on this CPU. SDM Vol. 3,
 * "Invalidating Cached Translation Information". */
static void flush_translations(void *eptp)
{
	vmx_invept(*(uint64_t *)eptp);
	if (vmx.vpid && (vmx.caps.ept_vpid_cap & VMX_VPID_INVVPID_ALL_CONTEXT))
		invvpid(INVVPID_ALL_CONTEXT, 0, 0);
}

void vmx_vcpu_destroy(struct vcpu *v, struct frame_pool *pool)
{
	struct percpu *me = this_cpu();
	struct vmx_percpu *c = &me->vmx;
	uint64_t eptp = v->arch.eptp;

	if (!v->arch.vmcs)
		return;
	vmx_apic_access_release(v);
	/* The frames of this VM's EPT tables and RAM go back to the pool and
	 * its VPID may be used again: every CPU that ran it may still cache
	 * translations from them (struct vm's cpus_ran), so each drops them
	 * before the frames can be reused; a CPU that does not answer would
	 * let a guest reach another's memory: mica stops. */
	flush_translations(&eptp);
	for (unsigned i = 0; i < smp_cpus(); i++)
		if (i != me->index && (v->vm->cpus_ran >> i & 1) &&
		    smp_call(smp_cpu(i), flush_translations, &eptp, true))
			panic("vm %s: cpu %u did not drop its translations within %u ms",
			      v->vm->name, i, SMP_CALL_TIMEOUT_MS);
	vmclear(v->arch.vmcs);
	if (c->current_vmcs == v->arch.vmcs)
		c->current_vmcs = 0;
	if (c->cpu_owner == v)
		c->cpu_owner = NULL;
	vmx_dr_forget(v);
	if (v->arch.vapic)
		frame_free(pool, v->arch.vapic);
	v->arch.vapic = 0;
	if (v->arch.fpu)
		frame_free_contig(pool, v->arch.fpu, v->arch.fpu_frames);
	v->arch.fpu = 0;
	frame_free(pool, v->arch.vmcs);
	v->arch.vmcs = 0;
}
