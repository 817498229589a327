/*
 * test_balance.c - hv/balance.c, the load balancer's decision: it moves
 * only across a gap of two runnable VMs or more, from the busiest CPU
 * that can give one up to the least-loaded one that takes VMs; pinned and
 * just-moved VMs stay. Simulated looks check the rule as a whole: a
 * skewed start evens out with the fewest moves, and a load that flickers
 * moves nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/balance.h"

#define CPU(r) { true, (r), (r) }       /* every VM on it free to move */

static void even_loads_stay(void **state)
{
	struct balance_cpu c[3] = { CPU(2), CPU(2), CPU(2) };
	unsigned from = 99, to = 99;

	(void)state;
	assert_false(balance_pick(c, 3, &from, &to));
	assert_int_equal(from, 99);             /* untouched when no move */
}

/* 2 against 1: a move would make it 1 against 2, and back at the next
 * look. */
static void a_gap_of_one_does_not_move(void **state)
{
	struct balance_cpu c[2] = { CPU(2), CPU(1) };
	unsigned from, to;

	(void)state;
	assert_false(balance_pick(c, 2, &from, &to));
	c[0] = (struct balance_cpu)CPU(1);
	c[1] = (struct balance_cpu)CPU(0);
	assert_false(balance_pick(c, 2, &from, &to));
}

static void a_gap_of_two_moves_busiest_to_idlest(void **state)
{
	struct balance_cpu c[4] = { CPU(1), CPU(3), CPU(0), CPU(2) };
	unsigned from, to;

	(void)state;
	assert_true(balance_pick(c, 4, &from, &to));
	assert_int_equal(from, 1);
	assert_int_equal(to, 2);
}

static void ties_go_to_the_lower_index(void **state)
{
	struct balance_cpu c[4] = { CPU(0), CPU(3), CPU(3), CPU(0) };
	unsigned from, to;

	(void)state;
	assert_true(balance_pick(c, 4, &from, &to));
	assert_int_equal(from, 1);
	assert_int_equal(to, 0);
}

/* The busiest CPU's VMs are all pinned: the next busiest gives one up if
 * its own gap is wide enough, else nothing moves. */
static void pinned_vms_stay(void **state)
{
	struct balance_cpu c[3] = { { true, 5, 0 }, CPU(2), CPU(0) };
	unsigned from, to;

	(void)state;
	assert_true(balance_pick(c, 3, &from, &to));
	assert_int_equal(from, 1);
	assert_int_equal(to, 2);
	c[1] = (struct balance_cpu)CPU(1);
	assert_false(balance_pick(c, 3, &from, &to));
}

/* A CPU left out (failed, or not in VMX operation) takes no VM, however
 * idle it looks. */
static void a_cpu_without_guests_takes_none(void **state)
{
	struct balance_cpu c[3] = { CPU(3), { false, 0, 0 }, CPU(2) };
	unsigned from, to;

	(void)state;
	assert_false(balance_pick(c, 3, &from, &to));
	c[2] = (struct balance_cpu)CPU(1);
	assert_true(balance_pick(c, 3, &from, &to));
	assert_int_equal(from, 0);
	assert_int_equal(to, 2);
	assert_false(balance_pick(c, 1, &from, &to));   /* one CPU: nowhere to go */
}

static void hold_and_pin(void **state)
{
	(void)state;
	assert_true(balance_may_move(false, 0, 5, 100));        /* never moved */
	assert_false(balance_may_move(true, 0, 5, 100));        /* pinned */
	assert_false(balance_may_move(false, 1000, 1099, 100)); /* moved just now */
	assert_true(balance_may_move(false, 1000, 1100, 100));
	assert_false(balance_may_move(true, 1000, 5000, 100));
}

/*
 * A model of the CPUs: per CPU, its VMs' last move time (0: never), all
 * runnable. A look builds the snapshot the balancer sees, as
 * hv/vm_move.c does, and makes the move it picks.
 */
#define MAXC 8
#define MAXV 32
struct model {
	unsigned ncpu, nvm[MAXC];
	uint64_t moved[MAXC][MAXV];
	unsigned moves;
};

static bool look(struct model *m, uint64_t now, uint64_t hold)
{
	struct balance_cpu c[MAXC];
	unsigned from, to;

	for (unsigned i = 0; i < m->ncpu; i++) {
		c[i] = (struct balance_cpu){ true, m->nvm[i], 0 };
		for (unsigned v = 0; v < m->nvm[i]; v++)
			c[i].movable += balance_may_move(false, m->moved[i][v], now, hold);
	}
	if (!balance_pick(c, m->ncpu, &from, &to))
		return false;
	for (unsigned v = 0; v < m->nvm[from]; v++) {
		if (!balance_may_move(false, m->moved[from][v], now, hold))
			continue;
		m->moved[to][m->nvm[to]++] = now;
		m->moved[from][v] = m->moved[from][--m->nvm[from]];
		m->moves++;
		return true;
	}
	fail_msg("balance_pick chose CPU %u, which has no VM free to move", from);
	return false;
}

/* 8 VMs started on CPU 0 of 4: 6 moves make 2 each, then none. */
static void a_skewed_start_evens_out(void **state)
{
	struct model m = { .ncpu = 4, .nvm = { 8 } };
	uint64_t now = 1;

	(void)state;
	for (unsigned i = 0; i < 100; i++, now += 10)
		look(&m, now, 100);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(m.nvm[i], 2);
	assert_int_equal(m.moves, 6);
}

/* Odd VMs: 5 on 2 CPUs ends 3 and 2, with 2 moves (5,0 -> 4,1 -> 3,2);
 * the gap of one left stays. */
static void an_odd_count_stops_at_a_gap_of_one(void **state)
{
	struct model m = { .ncpu = 2, .nvm = { 5 } };
	uint64_t now = 1;

	(void)state;
	for (unsigned i = 0; i < 1000; i++, now += 10)
		look(&m, now, 100);
	assert_int_equal(m.nvm[0], 3);
	assert_int_equal(m.nvm[1], 2);
	assert_int_equal(m.moves, 2);
}

/* A load that flickers: a third VM comes to CPU 0 and goes, again and
 * again. With the gap rule, the VMs already there never move. */
static void a_flickering_load_moves_nothing(void **state)
{
	struct model m = { .ncpu = 2, .nvm = { 1, 1 } };
	uint64_t now = 1;

	(void)state;
	for (unsigned i = 0; i < 100; i++, now += 10) {
		m.nvm[0] = i % 2 ? 2 : 1;
		m.moved[0][1] = 0;
		assert_false(look(&m, now, 100));
	}
	assert_int_equal(m.moves, 0);
}

/* The hold: 4 VMs that all just moved to CPU 0 wait out their hold
 * before any leaves again, and then one does. */
static void a_vm_that_just_moved_waits(void **state)
{
	struct model m = { .ncpu = 2, .nvm = { 4, 0 } };

	(void)state;
	for (unsigned v = 0; v < 4; v++)
		m.moved[0][v] = 1000;
	assert_false(look(&m, 1050, 100));
	assert_false(look(&m, 1099, 100));
	assert_true(look(&m, 1100, 100));
	assert_int_equal(m.nvm[1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(even_loads_stay),
		cmocka_unit_test(a_gap_of_one_does_not_move),
		cmocka_unit_test(a_gap_of_two_moves_busiest_to_idlest),
		cmocka_unit_test(ties_go_to_the_lower_index),
		cmocka_unit_test(pinned_vms_stay),
		cmocka_unit_test(a_cpu_without_guests_takes_none),
		cmocka_unit_test(hold_and_pin),
		cmocka_unit_test(a_skewed_start_evens_out),
		cmocka_unit_test(an_odd_count_stops_at_a_gap_of_one),
		cmocka_unit_test(a_flickering_load_moves_nothing),
		cmocka_unit_test(a_vm_that_just_moved_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
