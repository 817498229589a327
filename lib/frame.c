/*
 * frame.c - the physical frame allocator of both kernels (see lib/frame.h):
 * a bitmap with one bit per 4 KiB frame and a next-fit hint that a free
 * moves back to the frames it gave back (hot ones first). Runs in ring 0
 * at boot and whenever page tables, EPT tables or guest memory are built;
 * on the host in the unit tests.
 */
#include "lib/frame.h"

#define BITS_PER_WORD 64

/* The pool's lock (struct frame_pool), once it is shared: a
 * test-and-set spin, as in hv/spinlock.h, which lib/ may not include.
 * Interrupts stay off in mica while it is held, so a holder is never
 * interrupted by a taker. */
static void lock(struct frame_pool *p)
{
	if (!p->shared)
		return;
	while (__atomic_exchange_n(&p->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&p->lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void unlock(struct frame_pool *p)
{
	if (p->shared)
		__atomic_store_n(&p->lock, 0, __ATOMIC_RELEASE);
}

void frame_pool_share(struct frame_pool *p)
{
	p->shared = true;
}

static bool bit_test(const struct frame_pool *p, uint64_t f)
{
	return (p->bitmap[f / BITS_PER_WORD] >> (f % BITS_PER_WORD)) & 1;
}

static void bit_set(struct frame_pool *p, uint64_t f)
{
	p->bitmap[f / BITS_PER_WORD] |= 1ULL << (f % BITS_PER_WORD);
}

static void bit_clear(struct frame_pool *p, uint64_t f)
{
	p->bitmap[f / BITS_PER_WORD] &= ~(1ULL << (f % BITS_PER_WORD));
}

/* Set bits of (x); SWAR, since a freestanding kernel has no libgcc
 * __popcountdi2 and POPCNT is not in the x86-64 baseline. */
static unsigned popcount(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* The bits of word (w) that frames [first, end) cover. */
static uint64_t word_mask(uint64_t w, uint64_t first, uint64_t end)
{
	uint64_t lo = w * BITS_PER_WORD, mask = ~0ULL;

	if (first > lo)
		mask &= ~0ULL << (first - lo);
	if (end < lo + BITS_PER_WORD)
		mask &= ~(~0ULL << (end - lo));
	return mask;
}

/* Clear (used = false) or set (used = true) the bits of frames
 * [first, end), a word at a time, keeping nfree in step: booting
 * releases all of RAM, and bit by bit that was most of the boot. */
static void mark_range(struct frame_pool *p, uint64_t first, uint64_t end, bool used)
{
	for (uint64_t w = first / BITS_PER_WORD; first < end && w <= (end - 1) / BITS_PER_WORD;
	     w++) {
		uint64_t mask = word_mask(w, first, end);

		if (used) {
			p->nfree -= popcount(~p->bitmap[w] & mask);
			p->bitmap[w] |= mask;
		} else {
			p->nfree += popcount(p->bitmap[w] & mask);
			p->bitmap[w] &= ~mask;
		}
	}
}

/* The end of [pa, pa + len); a range running past 2^64 ends there. */
static uint64_t range_end(uint64_t pa, uint64_t len)
{
	return len > UINT64_MAX - pa ? UINT64_MAX : pa + len;
}

size_t frame_bitmap_words(uint64_t nframes)
{
	return nframes / BITS_PER_WORD + (nframes % BITS_PER_WORD != 0);
}

void frame_pool_init(struct frame_pool *p, uint64_t *bitmap, uint64_t nframes)
{
	/* All ones: the bits past nframes in the last word stay set for
	 * good, so a search never has to treat them specially. */
	for (size_t i = 0; i < frame_bitmap_words(nframes); i++)
		bitmap[i] = ~0ULL;
	*p = (struct frame_pool){ .bitmap = bitmap, .nframes = nframes, .nfree = 0, .next = 0,
				  .lock = 0, .shared = false };
}

void frame_pool_release(struct frame_pool *p, uint64_t pa, uint64_t len)
{
	uint64_t first = pa / FRAME_SIZE + (pa % FRAME_SIZE != 0);
	uint64_t end = range_end(pa, len) / FRAME_SIZE;

	if (first == 0)
		first = 1;      /* frame 0 stays used: 0 means "no frame" */
	if (end > p->nframes)
		end = p->nframes;
	mark_range(p, first, end, false);
}

void frame_pool_reserve(struct frame_pool *p, uint64_t pa, uint64_t len)
{
	if (len == 0)
		return;

	uint64_t last = range_end(pa, len);
	uint64_t first = pa / FRAME_SIZE;
	uint64_t end = last / FRAME_SIZE + (last % FRAME_SIZE != 0);

	if (end > p->nframes)
		end = p->nframes;
	mark_range(p, first, end, true);
}

static uint64_t alloc_one(struct frame_pool *p)
{
	size_t words = frame_bitmap_words(p->nframes);

	if (p->nfree == 0 || words == 0)
		return 0;
	/*
	 * Next fit: start at the word of the last allocation and go round
	 * once. Whole words of used frames are skipped 64 at a time, and
	 * any clear bit is a real frame because the bits past nframes are
	 * set. __builtin_ctzll is one instruction (bsf/tzcnt) on x86-64.
	 */
	size_t start = p->next / BITS_PER_WORD;

	for (size_t n = 0; n < words; n++) {
		size_t w = (start + n) % words;

		if (p->bitmap[w] == ~0ULL)
			continue;
		uint64_t f = (uint64_t)w * BITS_PER_WORD + (uint64_t)__builtin_ctzll(~p->bitmap[w]);

		bit_set(p, f);
		p->nfree--;
		p->next = f + 1 < p->nframes ? f + 1 : 0;
		return f * FRAME_SIZE;
	}
	return 0;
}

/* The first free frame at or after (f), or nframes if there is none: used
 * frames are skipped a word at a time (the bits past nframes are set). */
static uint64_t next_free(const struct frame_pool *p, uint64_t f)
{
	size_t words = frame_bitmap_words(p->nframes), w = f / BITS_PER_WORD;
	uint64_t clear;

	if (f >= p->nframes)
		return p->nframes;
	clear = ~p->bitmap[w] & (~0ULL << (f % BITS_PER_WORD));
	while (clear == 0) {
		if (++w == words)
			return p->nframes;
		clear = ~p->bitmap[w];
	}
	return (uint64_t)w * BITS_PER_WORD + (uint64_t)__builtin_ctzll(clear);
}

/* The last used frame in [start, start + count), or UINT64_MAX if they
 * are all free. Searching from the end lets the caller skip furthest. */
static uint64_t last_used(const struct frame_pool *p, uint64_t start, uint64_t count)
{
	for (uint64_t f = start + count; f > start; f--) {
		if (bit_test(p, f - 1))
			return f - 1;
	}
	return UINT64_MAX;
}

static uint64_t alloc_contig(struct frame_pool *p, uint64_t count, uint64_t align)
{
	if (count == 0 || count > p->nfree)
		return 0;
	if (align < FRAME_SIZE || (align & (align - 1)) != 0)
		return 0;

	uint64_t step = align / FRAME_SIZE;

	/* Candidates are the aligned frames; a used frame inside a candidate
	 * run rules out every candidate up to it, and so does a run of used
	 * frames before it (skipped a word at a time). Frame 0 is always
	 * used, so the search never returns 0 for a success. */
	for (uint64_t start = 0;;) {
		uint64_t used;

		start = (next_free(p, start) + step - 1) / step * step;
		if (start >= p->nframes || count > p->nframes - start)
			return 0;
		used = last_used(p, start, count);

		if (used == UINT64_MAX) {
			for (uint64_t f = start; f < start + count; f++)
				bit_set(p, f);
			p->nfree -= count;
			return start * FRAME_SIZE;
		}
		start = (used / step + 1) * step;
	}
}

/* Can [f, f + count) be freed: in range, not frame 0, and all used? */
static bool can_free(const struct frame_pool *p, uint64_t pa, uint64_t count)
{
	uint64_t f = pa / FRAME_SIZE;

	if (count == 0 || pa % FRAME_SIZE != 0 || f == 0 || f >= p->nframes ||
	    count > p->nframes - f)
		return false;
	for (uint64_t i = 0; i < count; i++) {
		if (!bit_test(p, f + i))
			return false;   /* already free: a double free */
	}
	return true;
}

static int free_contig(struct frame_pool *p, uint64_t pa, uint64_t count)
{
	/* Check everything before changing anything, so a bad call leaves
	 * the pool exactly as it was. */
	if (!can_free(p, pa, count))
		return -1;
	for (uint64_t i = 0; i < count; i++)
		bit_clear(p, pa / FRAME_SIZE + i);
	p->nfree += count;
	/* The next single-frame allocation starts here: frames just freed
	 * are the hot ones (in a cache, and in a VM already backed by its
	 * hypervisor, where a frame never touched costs an exit), so they
	 * are reused before the fresh ones further on. */
	p->next = pa / FRAME_SIZE;
	return 0;
}

uint64_t frame_alloc(struct frame_pool *p)
{
	uint64_t pa;

	lock(p);
	pa = alloc_one(p);
	unlock(p);
	return pa;
}

uint64_t frame_alloc_contig(struct frame_pool *p, uint64_t count, uint64_t align)
{
	uint64_t pa;

	lock(p);
	pa = alloc_contig(p, count, align);
	unlock(p);
	return pa;
}

int frame_free_contig(struct frame_pool *p, uint64_t pa, uint64_t count)
{
	int r;

	lock(p);
	r = free_contig(p, pa, count);
	unlock(p);
	return r;
}

int frame_free(struct frame_pool *p, uint64_t pa)
{
	return frame_free_contig(p, pa, 1);
}

uint64_t frame_pool_free_count(const struct frame_pool *p)
{
	return p->nfree;
}

bool frame_is_used(const struct frame_pool *p, uint64_t pa)
{
	uint64_t f = pa / FRAME_SIZE;

	return f >= p->nframes || bit_test(p, f);
}
