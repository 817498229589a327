/*
 * uk.h - the guest kernel as a unikernel: it runs one app linked into it
 * (guest/apps/), picked by `app=NAME` on its command line, and implements
 * the app API of guest/apps/app.h directly on the kernel's console, clock
 * and frame allocator. Runs in ring 0; docs/apps.md.
 */
#ifndef GUEST_KERNEL_UK_H
#define GUEST_KERNEL_UK_H

#include <stdint.h>

struct frame_pool;

/* The app that runs when the command line has no `app=`. */
#define UK_DEFAULT_APP "hello"

/* The kernel's own options and mica's module keys (guest/kernel/main.c):
 * never passed to the app. NULL-terminated. */
extern const char *const guest_kernel_keys[];

/* At most this many arguments after the app's name. */
#define UK_MAX_ARGS 16

/* Where app_alloc_pages takes memory from: the kernel's frame allocator
 * (boot_info's frames). Called by kmain before uk_run; until then
 * app_alloc_pages returns NULL. */
void uk_set_pool(struct frame_pool *pool);

/*
 * Run the app that the command line (cmdline) names with `app=NAME`
 * (UK_DEFAULT_APP when absent). Its argv is the name, then every token of
 * cmdline_args(cmdline) in order, except the kernel's own options (app=,
 * selftest, test=, name=, mem=, hz=). (free_bytes) is the free memory the
 * kernel can give it. Returns the app's exit code: what its main returned
 * (enum app_exit_code; it may also end the run itself with app_exit).
 * Returns EXIT_BAD_CONFIG without running anything, after one line on the
 * console, for an unknown app, an argument the app refuses or too many of
 * them, or less free memory than the app needs.
 */
int uk_run(const char *cmdline, uint64_t free_bytes);

#endif /* GUEST_KERNEL_UK_H */
