/*
 * vconsole.c - mica's console multiplexer: every VM's lines, fairly, on
 * the one serial port.
 *
 * Runs in VMX root, from the scheduler. mica's console is a 64 KiB queue
 * drained by the UART at 115200 baud (lib/console.c). Each VM writes into
 * its own bounded queue of complete lines (hv/vuart.c); this file moves
 * lines from those queues to mica's console, one line of each VM in turn,
 * only while the console holds less than VCONSOLE_BACKLOG bytes.
 * So a flooding VM fills its own queue and then waits off the CPU (see
 * vm_console_wait()), a quiet VM's lines still go out after at most one
 * line of each other VM, mica's own lines always find room, and nobody
 * ever waits for the UART in a guest's place.
 *
 * With guests on several CPUs, each CPU moves the lines of its own VMs
 * (a VM's console is served on its CPU, as its timer is): the list of VMs
 * with lines is per CPU, and a VM's UART queue is touched by its CPU
 * alone. What the CPUs share is mica's console queue, under its own lock
 * (lib/console.c), and each line goes into it in one write, so lines of
 * two CPUs never mix.
 */
#include "hv/acpi.h"
#include "hv/percpu.h"
#include "hv/vconsole.h"
#include "hv/vm.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/x86.h"

/* What a VM stopping must leave of the console's room: a margin for
 * mica's lines about its end. */
#define STOP_MARGIN 2048

/* The VMs with lines queued, in the order the pump serves them: a VM is
 * on it exactly while its UART holds a complete line, so a VM rebuilt
 * (which clears struct vm) is never on it. One list per CPU, touched by
 * that CPU alone. */
static struct vcon_list {
	struct vm *first, *last;
	unsigned listed;
} lists[CPU_LIST_MAX];

#define first (lists[this_cpu()->index].first)
#define last (lists[this_cpu()->index].last)
#define listed (lists[this_cpu()->index].listed)

static void unlist(struct vm *vm)
{
	if (!vm->console_listed)
		return;
	if (vm->console_prev)
		vm->console_prev->console_next = vm->console_next;
	else
		first = vm->console_next;
	if (vm->console_next)
		vm->console_next->console_prev = vm->console_prev;
	else
		last = vm->console_prev;
	vm->console_prev = vm->console_next = NULL;
	vm->console_listed = false;
	listed--;
}

static void list_last(struct vm *vm)
{
	vm->console_prev = last;
	vm->console_next = NULL;
	if (last)
		last->console_next = vm;
	else
		first = vm;
	last = vm;
	vm->console_listed = true;
	listed++;
}

void vconsole_queued(struct vm *vm)
{
	if (!vm->console_listed)
		list_last(vm);
}

/* "[name] " + text + "\n" */
static size_t line_cost(const struct vm *vm, int len)
{
	return strlen(vm->name) + 3 + (size_t)len + 1;
}

/* Bytes of the oldest queued line of (vm), without its '\n'; -1 if none. */
static int next_len(const struct vuart *u)
{
	int n = 0;

	if (!u->lines)
		return -1;
	while (u->queue[(u->tail + (uint64_t)n) % VUART_QUEUE_SIZE] != '\n')
		n++;
	return n;
}

/* Move (vm)'s oldest line to the console if the console keeps (keep)
 * bytes of room after it and holds no more than (backlog) bytes before it. */
static bool move_line(struct vm *vm, size_t keep, size_t backlog)
{
	char text[VM_NAME_MAX + 3 + VUART_LINE_MAX + 1];
	size_t pre;
	int len = next_len(&vm->uart);

	if (len < 0 || console_room() < keep + line_cost(vm, len) || console_queued() > backlog)
		return false;
	/* The bytes as they are (a NUL would end a %s), between the name
	 * and the newline, in one write. */
	pre = strlen(vm->name);
	text[0] = '[';
	memcpy(text + 1, vm->name, pre);
	memcpy(text + 1 + pre, "] ", 2);
	pre += 3;
	len = vuart_take_line(&vm->uart, text + pre);
	text[pre + (size_t)len] = '\n';
	console_write(text, pre + (size_t)len + 1);
	return true;
}

uint64_t vconsole_pump(void)
{
	uint64_t start = rdtsc(), t = start;
	bool moved = true;

	while (moved && first) {
		unsigned round = listed;

		moved = false;
		for (unsigned k = 0; k < round; k++) {
			struct vm *vm = first;
			bool took = move_line(vm, 0, VCONSOLE_BACKLOG);
			uint64_t now;

			/* Served: to the end of the line, or off it. */
			unlist(vm);
			if (vm->uart.lines)
				list_last(vm);
			if (!took)
				continue;
			moved = true;
			now = rdtsc();
			vm->tsc_host += now - t;        /* its line, its cost */
			t = now;
		}
	}
	if (t == start)
		return 0;               /* nothing moved */
	console_poll();
	return rdtsc() - start;
}

void vconsole_stop(struct vm *vm)
{
	vuart_flush(&vm->uart);
	while (move_line(vm, STOP_MARGIN, SIZE_MAX))
		;
	if (!vm->uart.lines)
		unlist(vm);
}

void vconsole_leave(struct vm *vm)
{
	unlist(vm);
}

void vconsole_drain(struct vm **vms, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		vuart_flush(&vms[i]->uart);
		while (vms[i]->uart.lines)
			if (!move_line(vms[i], 0, SIZE_MAX))
				console_flush();        /* room for the next line */
		unlist(vms[i]);
	}
}

bool vconsole_pending(const struct vm *vm)
{
	return vm->uart.lines != 0;
}
