/*
 * frame.c - the physical frame allocator of both kernels (see lib/frame.h):
 * a bitmap with one bit per 4 KiB frame and a next-fit hint. Runs in ring 0
 * at boot and whenever page tables, EPT tables or guest memory are built;
 * on the host in the unit tests.
 */
#include "lib/frame.h"

#define BITS_PER_WORD 64

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
	*p = (struct frame_pool){ .bitmap = bitmap, .nframes = nframes, .nfree = 0, .next = 0 };
}

void frame_pool_release(struct frame_pool *p, uint64_t pa, uint64_t len)
{
	uint64_t first = pa / FRAME_SIZE + (pa % FRAME_SIZE != 0);
	uint64_t end = range_end(pa, len) / FRAME_SIZE;

	if (first == 0)
		first = 1;      /* frame 0 stays used: 0 means "no frame" */
	if (end > p->nframes)
		end = p->nframes;
	for (uint64_t f = first; f < end; f++) {
		if (bit_test(p, f)) {
			bit_clear(p, f);
			p->nfree++;
		}
	}
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
	for (uint64_t f = first; f < end; f++) {
		if (!bit_test(p, f)) {
			bit_set(p, f);
			p->nfree--;
		}
	}
}

uint64_t frame_alloc(struct frame_pool *p)
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

uint64_t frame_alloc_contig(struct frame_pool *p, uint64_t count, uint64_t align)
{
	if (count == 0 || count > p->nfree)
		return 0;
	if (align < FRAME_SIZE || (align & (align - 1)) != 0)
		return 0;

	uint64_t step = align / FRAME_SIZE;

	/* Candidates are the aligned frames; a used frame inside a candidate
	 * run rules out every candidate up to it. Frame 0 is always used, so
	 * the search never returns 0 for a success. */
	for (uint64_t start = 0; start < p->nframes && count <= p->nframes - start;) {
		uint64_t used = last_used(p, start, count);

		if (used == UINT64_MAX) {
			for (uint64_t f = start; f < start + count; f++)
				bit_set(p, f);
			p->nfree -= count;
			return start * FRAME_SIZE;
		}
		start = (used / step + 1) * step;
	}
	return 0;
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

int frame_free(struct frame_pool *p, uint64_t pa)
{
	return frame_free_contig(p, pa, 1);
}

int frame_free_contig(struct frame_pool *p, uint64_t pa, uint64_t count)
{
	/* Check everything before changing anything, so a bad call leaves
	 * the pool exactly as it was. */
	if (!can_free(p, pa, count))
		return -1;
	for (uint64_t i = 0; i < count; i++)
		bit_clear(p, pa / FRAME_SIZE + i);
	p->nfree += count;
	return 0;
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
