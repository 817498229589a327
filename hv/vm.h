/*
 * vm.h - virtual machines and their vCPUs, in terms that do not depend on
 * the VT-x backend: lifecycle, guest memory, console, statistics.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/runq.h"
#include "hv/types.h"
#include "hv/vlapic.h"
#include "hv/vpic.h"
#include "hv/vkbc.h"
#include "hv/vpit.h"
#include "hv/vrtc.h"
#include "hv/vuart.h"
#include "hv/vmx/ept.h"
#include "hv/vmx/vmx_move.h"
#include "hv/vmx/vmx_vcpu.h"

struct frame_pool;

#define VM_NAME_MAX 32
#define VM_MAX_MODULES 8

/* A multiboot module handed to a guest (e.g. a container image). */
struct vm_module {
	const void *data;
	size_t len;
	const char *cmdline;
};
#define VM_DEFAULT_MEM (16ULL << 20)
#define VM_MIN_MEM (2ULL << 20)

enum vm_state {
	VM_CREATED,
	VM_RUNNING,
	VM_EXITED,      /* the guest asked to stop, with an exit code */
	VM_CRASHED,     /* the guest did something mica cannot continue */
	VM_RESET,       /* the guest reset its machine (a reboot): restarted
			 * unless restart=never */
	VM_STOPPED,     /* mica stopped it (a `critical` VM failed): never restarted */
};

/* What happens when a VM stops (`restart=`): the classic VM failover,
 * which boots the guest again from its image. */
enum vm_restart {
	RESTART_NEVER,
	RESTART_ON_FAILURE,     /* after a crash or a nonzero exit code */
	RESTART_ALWAYS,
};

#define VM_DEFAULT_SLICE_MS 10
#define VM_DEFAULT_MAX_RESTARTS 3
/* Restart back-off, as Kubernetes' CrashLoopBackOff and the container
 * engine (guest/kernel/engine.c): the first restart waits `backoff=` ms
 * (10 by default), each next one twice as long, up to 1 s; a life of 10 s
 * or more starts again at the first. */
#define VM_BACKOFF_FIRST_MS 10
#define VM_BACKOFF_MAX_MS 1000
#define VM_HEALTHY_MS 10000

/* The back-off before a restart after (streak) restarts in a row without
 * a healthy life between them, the first being (first_ms). */
static inline unsigned vm_backoff_ms(unsigned first_ms, unsigned streak)
{
	unsigned ms = first_ms << (streak < 7 ? streak : 7);

	return ms < VM_BACKOFF_MAX_MS ? ms : VM_BACKOFF_MAX_MS;
}

/* One virtual CPU: the backend's state plus what the VM manager counts. */
struct vcpu {
	struct vm *vm;
	struct vlapic lapic;            /* its local APIC (hv/vlapic.c), in xAPIC mode */
	/* MSRs with meaning beyond their value (docs/msrs.md). The guest's
	 * TSC is the host's plus tsc_offset: RDTSC, RDMSR and the APIC timer
	 * all see it. */
	uint64_t tsc_offset;
	uint64_t tsc_adjust;            /* IA32_TSC_ADJUST */
	uint64_t misc_enable;           /* IA32_MISC_ENABLE */
	uint64_t mcg_status;            /* IA32_MCG_STATUS */
	struct vmx_vcpu arch;           /* VMCS, registers, exit counters */
};

struct vm {
	unsigned id;                    /* 1, 2, ...; also the VPID */
	char name[VM_NAME_MAX];
	enum vm_state state;
	int exit_code;                  /* VM_EXITED: what the guest wrote */
	char reason[320];               /* VM_CRASHED: why, one line (a decoded entry rule is long) */
	uint64_t mem_bytes;             /* guest RAM: [0, mem_bytes) */
	struct frame_pool *pool;        /* RAM and tables come from, and go back to */
	struct ept ept;
	struct vcpu vcpu;               /* one vCPU per VM */
	struct vuart uart;              /* COM1 of this VM */
	struct vm *console_prev, *console_next; /* hv/vconsole.c: lines queued */
	bool console_listed;
	struct vpit pit;                /* its timer, */
	struct vpic pic;                /* and interrupt controllers (hv/vdev.c) */
	struct vrtc rtc;                /* CMOS clock */
	struct vkbc kbc;                /* keyboard controller: its reset line */
	bool irq_check;                 /* the PIC or APIC changed: look for a deliverable IRQ */
	/* Accesses to guest-physical addresses with neither RAM nor a device:
	 * reads see all ones, writes are dropped, as on a PC's bus. */
	uint64_t unbacked_reads, unbacked_writes;
	/* `nmi=N` (a test): the VM's NMI button, pressed N times, every
	 * 10 ms from the guest's "ready" line on (hv/vmx/vmx_nmi.c). */
	unsigned nmi_presses;           /* presses still to come */
	uint64_t nmi_next;              /* TSC of the next, or 0 before ready */
	bool nmi_pending;               /* pressed or sent by the APIC, not yet delivered */
	bool break_state;               /* `break-state` (a test): spoil it at "ready" */
	gpa_t image_start, image_end;   /* where the loaded kernel and modules lie */
	/* Frames it holds: RAM, backed as the guest touches it (hv/gmem.c),
	 * and EPT tables; the most RAM it held in this life, kept after it
	 * stops; host_oom: a page could not be backed. */
	uint64_t frames_ram, frames_tables, frames_ram_peak;
	bool host_oom;
	bool linux_guest;               /* booted with the Linux boot protocol (hv/linux_vm.c) */

	/* Scheduling (hv/sched.c). */
	struct rq_entry rq;             /* its place in its CPU's run queue */
	uint64_t slice_tsc;             /* `slice=`: TSC ticks per turn on the CPU */
	uint64_t cpu_limit_tsc;         /* `cpu-limit=`: CPU time it may have, or 0 */
	unsigned cpu_limit_ms;
	uint64_t slice_end;             /* this turn ends at this TSC */
	bool in_hlt;                    /* in HLT with interrupts on, until an interrupt or NMI (hv/vdev.c) */
	bool halted;                    /* off the CPU, waiting, with interrupts on, */
	uint64_t wake_at;               /* ... for this TSC (its next device event) */
	bool console_wait;              /* ... or for room in its console queue */
	uint64_t tsc_turn_entry;        /* TSC of the first VM entry of its turn */

	/* Its CPU (hv/place.c, hv/sched_smp.c): the one whose run queue
	 * holds it, kept by a restart; every CPU that ran it in this life,
	 * which must drop its translations before its frames are reused. */
	unsigned cpu;
	uint64_t cpus_ran;              /* bit N: CPU N ran it (set when made or moved there) */
	bool critical;                  /* `critical`: its failure stops every VM */
	bool stop_asked;                /* another CPU asks its CPU to stop it, */
	char stop_why[96];              /* ... for this reason */

	/* Lifecycle: what a restart needs, and what outlives it. */
	const void *image;
	size_t image_len;
	const char *cmdline;
	struct vm_module mods[VM_MAX_MODULES];
	unsigned nmods;
	enum vm_restart restart;
	unsigned max_restarts;
	unsigned restarts;
	unsigned backoff_ms;            /* `backoff=`: before the first restart */
	unsigned backoff_streak;        /* restarts since its last healthy life */
	uint64_t restart_at;            /* stopped, to be rebuilt at this TSC, or 0 */
	uint64_t tsc_created;           /* vm_create() began */
	uint64_t tsc_ready;             /* the guest printed its "ready" line, or 0 */
	uint64_t tsc_stopped;           /* it exited or crashed */
	uint64_t tsc_recovered;         /* crash or exit to ready again, last restart */
	uint64_t tsc_guest;             /* time spent in the guest */
	uint64_t tsc_host;              /* time mica spent on its exits, its console
					 * lines and its rebuild */
	gpa_t steal_clock;              /* HC_STEAL_CLOCK's counter, or 0 */
	uint64_t steal_tsc;             /* what mica last wrote there */
	uint64_t tsc_left_cpu;          /* its last turn ended, or 0 */
	/* Its start in CPU work, not wall time: vm_create()'s own work plus
	 * its turns up to its "ready" line, other VMs' turns and idle time
	 * left out (the summary's ready_cpu; ready_tsc is the wall time). */
	uint64_t tsc_create_cpu;        /* vm_create()'s work, last life */
	uint64_t tsc_turn_began;        /* its current turn began */
	uint64_t tsc_cpu_at_turn;       /* tsc_guest + tsc_host then */
	uint64_t tsc_ready_cpu;         /* create to ready, CPU work, or 0 */

	/* Moves between CPUs (hv/vm_move.c), in this life. */
	unsigned moves;
	uint64_t moved_at;              /* TSC of its last move, or 0 */
	uint64_t move_tsc;              /* the backend's work for them: release, arrival */
	unsigned move_to;               /* asked to move to CPU move_to - 1, or 0 (atomic) */
};



/*
 * Build a VM from a multiboot kernel image and its module command line
 * (keys: name=, mem=; the whole line is also the guest's command line), or
 * from a Linux bzImage (hv/linux_vm.c: mods[0] is its initrd):
 * guest RAM and EPT, the image loaded as GRUB would, (mods[0..nmods)) copied
 * after it as the guest's own multiboot modules, a multiboot information
 * structure in guest memory, and a vCPU that starts at the image's entry in
 * 32-bit protected mode with EAX = 0x2BADB002. Returns 0, or -1 after one
 * line naming what is wrong (bad image, bad option, too little memory);
 * nothing is left allocated then.
 */
int vm_create(struct vm *vm, unsigned id, struct frame_pool *pool, const void *image,
	      size_t image_len, const char *cmdline, const struct vm_module *mods,
	      unsigned nmods);

/* Check that (image) is a kernel mica can load: a Linux bzImage whose
 * setup header mica can boot, or a multiboot kernel, a header in its
 * first 8 KiB asking only for what mica offers, and a valid ELF unless
 * the header gives load addresses. Returns 0, or -1 with one line in (err). */
int vm_check_image(const void *image, size_t len, char *err, size_t n);

/* One turn of the VM's vCPU on the CPU, until it stops, halts or its
 * slice ends. */
static inline void vcpu_run(struct vcpu *v)
{
	vmx_vcpu_run(v);
}

/* The CPU that ran (v) last gives it up, between its turns: after this
 * its next turn may be on any CPU (hv/vm_move.c). */
static inline void vcpu_release(struct vcpu *v)
{
	vmx_vcpu_release(v);
}

/* True if the VM's policy wants it restarted now that it stopped. */
bool vm_wants_restart(const struct vm *vm);

/* The VM stopped and its policy wants it back: give back its memory, set
 * restart_at to the end of its back-off and say so in one line. */
void vm_schedule_restart(struct vm *vm);

/* Build the VM again from its image, once its back-off has ended: all its
 * memory is new. Counts the restart and prints how long the rebuild took
 * (the scheduler charges it to the VM's turn: tsc_host). Returns 0, or -1
 * (it stays down). */
int vm_restart(struct vm *vm);

/* The VM's console queue is full: it leaves the CPU (vm->halted) until
 * the scheduler finds the queue drained. Back-pressure, as a slow serial
 * line gives. */
void vm_console_wait(struct vm *vm);

/* A line the guest printed, seen by its console: its "ready" line marks
 * the VM ready (start-up and recovery times are measured to it). */
void vm_console_line(struct vm *vm, const char *line, size_t len);

/* Print the VM's outcome and statistics (exits by reason, memory). */
void vm_report(const struct vm *vm);

/* Give back everything the VM holds: RAM, EPT tables, VMCS. */
void vm_destroy(struct vm *vm);

/* Stop the VM: it exited with (code) of its own accord. */
void vm_exit(struct vm *vm, int code);

/* Stop the VM: it halted with interrupts off, as kernels do when done. */
void vm_halted(struct vm *vm);

/* Stop the VM: the guest reset its machine; (how) says by what means. */
void vm_reset(struct vm *vm, const char *how);

/* Stop the VM: it crashed; (fmt) says why in one line. */
void vm_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The one checked translation from guest memory to a host pointer:
 * (len) bytes at (gpa) when they lie in guest RAM within one host page
 * run, else NULL. Every mica access to guest memory goes through here or
 * through the copy helpers below, which split at page boundaries.
 */
void *gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len);
int vm_copy_to_guest(struct vm *vm, gpa_t gpa, const void *src, uint64_t len);
int vm_copy_from_guest(struct vm *vm, void *dst, gpa_t gpa, uint64_t len);

#endif /* HV_VM_H */
