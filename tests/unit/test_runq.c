/*
 * test_runq.c - hv/runq.c, a CPU's run queue: the ready FIFO keeps
 * round-robin order, the timer heap gives back the earliest due entry
 * (first come first served among equal times) and nothing before its
 * time, checked against a plain linear scan over many random operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/runq.h"

static struct runq q;

static void fifo_is_round_robin(void **state)
{
	struct rq_entry e[3];

	(void)state;
	runq_init(&q);
	assert_null(rq_list_pop(&q.ready));
	for (int i = 0; i < 3; i++)
		rq_list_push(&q.ready, &e[i]);
	assert_ptr_equal(rq_list_pop(&q.ready), &e[0]);
	rq_list_push(&q.ready, &e[0]);          /* its turn is over: to the back */
	assert_ptr_equal(rq_list_pop(&q.ready), &e[1]);
	assert_ptr_equal(rq_list_pop(&q.ready), &e[2]);
	assert_ptr_equal(rq_list_pop(&q.ready), &e[0]);
	assert_true(rq_list_empty(&q.ready));
	assert_null(rq_list_pop(&q.ready));
}

static void heap_waits_for_its_time(void **state)
{
	struct rq_entry a, b, c;

	(void)state;
	runq_init(&q);
	assert_int_equal(runq_next_wake(&q), UINT64_MAX);
	assert_int_equal(runq_sleep(&q, &a, 300), 0);
	assert_int_equal(runq_sleep(&q, &b, 100), 0);
	assert_int_equal(runq_sleep(&q, &c, 100), 0);
	assert_int_equal(runq_next_wake(&q), 100);
	assert_null(runq_pop_due(&q, 99));      /* nothing before its time */
	assert_ptr_equal(runq_pop_due(&q, 100), &b);    /* ties: first come */
	assert_ptr_equal(runq_pop_due(&q, 1000), &c);
	assert_int_equal(b.slot, 0);
	assert_int_not_equal(a.slot, 0);
	assert_null(runq_pop_due(&q, 299));
	assert_ptr_equal(runq_pop_due(&q, 300), &a);
	assert_null(runq_pop_due(&q, UINT64_MAX));
}

static void heap_full_says_so(void **state)
{
	static struct rq_entry e[RUNQ_MAX + 1];

	(void)state;
	runq_init(&q);
	for (int i = 0; i < RUNQ_MAX; i++)
		assert_int_equal(runq_sleep(&q, &e[i], (uint64_t)(RUNQ_MAX - i)), 0);
	assert_int_equal(runq_sleep(&q, &e[RUNQ_MAX], 0), -1);
	assert_int_equal(runq_next_wake(&q), 1);
}

static void list_remove_anywhere(void **state)
{
	struct rq_entry e[4];

	(void)state;
	runq_init(&q);
	for (int i = 0; i < 4; i++)
		rq_list_push(&q.ready, &e[i]);
	assert_true(rq_list_remove(&q.ready, &e[3]));   /* the tail */
	assert_true(rq_list_remove(&q.ready, &e[0]));   /* the head */
	assert_false(rq_list_remove(&q.ready, &e[0]));  /* not on it any more */
	rq_list_push(&q.ready, &e[3]);                  /* the tail moved right */
	assert_true(rq_list_remove(&q.ready, &e[2]));   /* the middle */
	assert_ptr_equal(rq_list_pop(&q.ready), &e[1]);
	assert_ptr_equal(rq_list_pop(&q.ready), &e[3]);
	assert_true(rq_list_empty(&q.ready));
	assert_null(q.ready.tail);
}

/* Random sleeps, removals and pops against a linear scan: the model the old
 * scheduler was. */
static void heap_agrees_with_a_scan(void **state)
{
	enum { N = 200 };
	static struct rq_entry e[N];
	static uint64_t when[N], order[N];
	static int in[N];
	uint64_t now = 0, arrivals = 0;

	(void)state;
	srand(17);
	runq_init(&q);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % N;

		if (!in[i] && rand() % 2) {
			when[i] = now + (uint64_t)(rand() % 50);
			order[i] = arrivals++;
			assert_int_equal(runq_sleep(&q, &e[i], when[i]), 0);
			in[i] = 1;
		} else if (rand() % 4 == 0) {
			/* A VM stopped from another CPU leaves the heap from
			 * wherever it is; one not in it is refused. */
			assert_int_equal(runq_remove(&q, &e[i]), in[i]);
			assert_int_equal(e[i].slot, 0);
			in[i] = 0;
		} else {
			int best = -1;
			struct rq_entry *got;

			now += (uint64_t)(rand() % 5);
			for (int j = 0; j < N; j++)
				if (in[j] && when[j] <= now &&
				    (best < 0 || when[j] < when[best] ||
				     (when[j] == when[best] && order[j] < order[best])))
					best = j;
			got = runq_pop_due(&q, now);
			if (best < 0) {
				assert_null(got);
			} else {
				assert_ptr_equal(got, &e[best]);
				in[best] = 0;
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_is_round_robin),
		cmocka_unit_test(heap_waits_for_its_time),
		cmocka_unit_test(heap_full_says_so),
		cmocka_unit_test(list_remove_anywhere),
		cmocka_unit_test(heap_agrees_with_a_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
