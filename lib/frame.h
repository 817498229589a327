/*
 * frame.h - physical memory frame allocator: one bit per 4 KiB frame.
 * Pure bookkeeping (it never touches the frames themselves), so mica, the
 * guest kernel and the host unit tests all run the same code. Not locked:
 * both kernels allocate on one CPU.
 */
#ifndef LIB_FRAME_H
#define LIB_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE 4096ULL

/*
 * Frame n covers physical [n * FRAME_SIZE, (n + 1) * FRAME_SIZE). A set bit
 * means used. Frame 0 is always used, so that physical address 0 can mean
 * "no frame"; firmware owns it anyway. Read the fields, but change them
 * only through the functions below.
 */
struct frame_pool {
	uint64_t *bitmap;               /* frame_bitmap_words(nframes) words */
	uint64_t nframes;               /* frames the bitmap describes */
	uint64_t nfree;                 /* clear bits, kept in step with the bitmap */
	uint64_t next;                  /* where frame_alloc starts looking */
	/* Serialises every change and search of the bitmap once the pool is
	 * shared (frame_pool_share): mica's CPUs take and give back frames at
	 * once (guest RAM, EPT tables, VMCSs). A pool of one CPU (the guest
	 * kernel's) takes no lock. */
	uint32_t lock;
	bool shared;
};

/* From now on several CPUs use (p): every allocation and free takes its
 * lock. Call before a second CPU does. */
void frame_pool_share(struct frame_pool *p);

/* Number of uint64_t words a bitmap for (nframes) frames needs. */
size_t frame_bitmap_words(uint64_t nframes);

/*
 * Make (p) describe (nframes) frames, all used, keeping its state in
 * (bitmap) (frame_bitmap_words(nframes) words, owned by the caller).
 * Boot code then releases the memory map's available ranges and reserves
 * what is taken (low 1 MiB, kernel image, modules), reserving last.
 */
void frame_pool_init(struct frame_pool *p, uint64_t *bitmap, uint64_t nframes);

/*
 * Mark free every frame lying wholly inside physical [pa, pa + len)
 * (rounding inward: a partly available frame stays used). Frames at or
 * beyond nframes and frame 0 are left alone.
 */
void frame_pool_release(struct frame_pool *p, uint64_t pa, uint64_t len);

/*
 * Mark used every frame that [pa, pa + len) touches (rounding outward:
 * a frame holding one byte of a module is not free). Frames beyond
 * nframes are ignored; len 0 reserves nothing.
 */
void frame_pool_reserve(struct frame_pool *p, uint64_t pa, uint64_t len);

/* Take one free frame. Returns its physical address, or 0 when the pool
 * is empty. The frame's contents are whatever was there. */
uint64_t frame_alloc(struct frame_pool *p);

/*
 * Take (count) consecutive free frames starting at a multiple of (align)
 * bytes (a power of two >= FRAME_SIZE; e.g. 2 MiB for a large page).
 * Returns the first frame's physical address, or 0 if there is no such
 * run, count is 0, or align is not valid.
 */
uint64_t frame_alloc_contig(struct frame_pool *p, uint64_t count, uint64_t align);

/* Give back the frame at (pa). Returns 0, or -1 (and changes nothing) if
 * pa is not frame-aligned, is out of range or frame 0, or the frame is
 * already free (a double free). */
int frame_free(struct frame_pool *p, uint64_t pa);

/* Give back (count) frames from (pa). Either all are freed and 0 is
 * returned, or, if any of them would fail frame_free (or count is 0),
 * none is and -1 is returned. */
int frame_free_contig(struct frame_pool *p, uint64_t pa, uint64_t count);

/* Number of free frames. */
uint64_t frame_pool_free_count(const struct frame_pool *p);

/* Is the frame containing (pa) used? Addresses beyond the pool count as
 * used, since they can never be allocated. */
bool frame_is_used(const struct frame_pool *p, uint64_t pa);

#endif /* LIB_FRAME_H */
