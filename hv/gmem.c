/*
 * gmem.c - guest RAM on demand. A VM starts with no RAM backed: the first
 * access to a page of [0, mem=) exits (an EPT violation, or mica's own
 * copy into guest memory) and gmem_back() maps one zeroed 4 KiB frame
 * there, charged to that VM. Zeroing is done ahead, while the CPU idles:
 * frames a stopped VM gave back wait on the dirty list, the idle hook
 * zeroes them onto the zeroed list (a stack, so the freshest frames are
 * reused first), and tops that list up from the pool to GMEM_RESERVE.
 * A frame reaches a guest only from the zeroed list or after being zeroed
 * on the spot: no VM ever sees what another left.
 *
 * Both lists are linked through their frames' first word; a zeroed frame
 * gets its link cleared when it leaves. Runs in VMX root on every CPU
 * that runs guests: the lists are shared, under gm.lock.
 * SDM Vol. 3, "EPT Violations".
 */
#include "hv/gmem.h"
#include "hv/spinlock.h"
#include "hv/vm.h"
#include "lib/frame.h"
#include "lib/string.h"

static struct {
	/* Guards both lists, their counts and the low-water mark: every CPU
	 * backs its guests' pages from them and gives frames back to them.
	 * Taken before the frame pool's own lock, never after. */
	struct spinlock lock;
	struct frame_pool *pool;
	hpa_t zeroed, dirty;            /* list heads, 0 = empty */
	uint64_t nzeroed, ndirty;
	uint64_t low_water;
} gm;

static void push(hpa_t *head, uint64_t *count, hpa_t pa)
{
	*(hpa_t *)hpa_to_hva(pa) = *head;
	*head = pa;
	(*count)++;
}

static hpa_t pop(hpa_t *head, uint64_t *count)
{
	hpa_t pa = *head;

	if (pa) {
		*head = *(hpa_t *)hpa_to_hva(pa);
		(*count)--;
	}
	return pa;
}

static void zero(hpa_t pa)
{
	memset(hpa_to_hva(pa), 0, FRAME_SIZE);
}

/* One frame towards the reserve; false if there is nothing to do. The
 * zeroing runs without the lock: the frame is on no list meanwhile. */
static bool refill_one(void)
{
	hpa_t pa;

	spin_lock(&gm.lock);
	pa = pop(&gm.dirty, &gm.ndirty);
	if (!pa && gm.nzeroed < GMEM_RESERVE)
		pa = frame_alloc(gm.pool);
	spin_unlock(&gm.lock);
	if (!pa)
		return false;
	zero(pa);
	spin_lock(&gm.lock);
	if (gm.nzeroed < GMEM_RESERVE) {
		push(&gm.zeroed, &gm.nzeroed, pa);
		pa = 0;
	}
	spin_unlock(&gm.lock);
	if (pa)
		frame_free(gm.pool, pa);   /* beyond the reserve: back to everyone */
	return true;
}

void gmem_init(struct frame_pool *pool)
{
	memset(&gm, 0, sizeof(gm));
	gm.pool = pool;
	while (gm.nzeroed < GMEM_RESERVE && refill_one())
		;
}

/* A zeroed frame: from the reserve, else zeroed now. 0 if none is left. */
static hpa_t take_zeroed(void)
{
	hpa_t pa;

	spin_lock(&gm.lock);
	pa = pop(&gm.zeroed, &gm.nzeroed);
	spin_unlock(&gm.lock);
	if (pa) {
		*(hpa_t *)hpa_to_hva(pa) = 0;   /* its link: the frame is all zero again */
		return pa;
	}
	spin_lock(&gm.lock);
	pa = pop(&gm.dirty, &gm.ndirty);
	spin_unlock(&gm.lock);
	if (!pa)
		pa = frame_alloc(gm.pool);
	if (pa)
		zero(pa);
	return pa;
}

int gmem_back(struct vm *vm, gpa_t gpa)
{
	hpa_t pa = take_zeroed();

	gpa &= ~(EPT_PAGE_4K - 1);
	if (!pa)
		return -1;
	/* The map may need up to three new tables; if the pool is dry,
	 * what gmem still holds goes back to it and the map is tried again. */
	if (ept_map(&vm->ept, gpa, pa, EPT_PAGE_4K, EPT_RWX) &&
	    (!gmem_reclaim() || ept_map(&vm->ept, gpa, pa, EPT_PAGE_4K, EPT_RWX))) {
		frame_free(gm.pool, pa);
		return -1;
	}
	vm->frames_tables = vm->ept.table_frames;
	if (++vm->frames_ram > vm->frames_ram_peak)
		vm->frames_ram_peak = vm->frames_ram;
	spin_lock(&gm.lock);
	if (frame_pool_free_count(gm.pool) + gm.nzeroed + gm.ndirty < gm.low_water)
		gm.low_water = frame_pool_free_count(gm.pool) + gm.nzeroed + gm.ndirty;
	spin_unlock(&gm.lock);
	return 0;
}

int gmem_fault(struct vm *vm, gpa_t gpa)
{
	if (gmem_back(vm, gpa) == 0)
		return 0;
	vm->host_oom = true;
	if (vm->state == VM_RUNNING)
		vm_crash(vm, "out of host memory: no frame left for guest-physical 0x%lx "
			 "(it holds %lu KiB of its %lu MiB)", (unsigned long)gpa,
			 (unsigned long)(vm->frames_ram * (FRAME_SIZE >> 10)),
			 (unsigned long)(vm->mem_bytes >> 20));
	return -1;
}

void gmem_release(hpa_t hpa)
{
	spin_lock(&gm.lock);
	push(&gm.dirty, &gm.ndirty, hpa);
	spin_unlock(&gm.lock);
}

bool gmem_idle(void)
{
	return refill_one();
}

uint64_t gmem_free_frames(void)
{
	return frame_pool_free_count(gm.pool) + gm.nzeroed + gm.ndirty;
}

void gmem_low_water_reset(void)
{
	gm.low_water = gmem_free_frames();
}

uint64_t gmem_low_water(void)
{
	return gm.low_water;
}

uint64_t gmem_reclaim(void)
{
	uint64_t n = 0;
	hpa_t pa;

	spin_lock(&gm.lock);
	while ((pa = pop(&gm.dirty, &gm.ndirty)) || (pa = pop(&gm.zeroed, &gm.nzeroed))) {
		frame_free(gm.pool, pa);
		n++;
	}
	spin_unlock(&gm.lock);
	return n;
}
