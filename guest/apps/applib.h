/*
 * applib.h - the small library every app links: formatted output, the
 * ready and result lines the experiment parses (docs/apps.md), argument
 * lookup and checking, and the FNV-1a hash the checksums use. Built only
 * on app.h and pure lib/ code, so it runs wherever the apps run.
 */
#ifndef GUEST_APPS_APPLIB_H
#define GUEST_APPS_APPLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for one error line from an app's argument check, terminator
 * included: long enough for an argument (key and value of lib/cmdline.h)
 * plus the reason. */
#define APP_ERR_MAX 256

/* FNV-1a, 32 bits (Fowler, Noll, Vo): the start value and the prime. */
#define APP_FNV_OFFSET 0x811c9dc5u
#define APP_FNV_PRIME  0x01000193u

/* printf (formats of lib/fmt.h) to the console through app_write, a
 * chunk at a time, so output of any length is written whole. Returns the
 * number of characters written. */
int app_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print the ready line, "ready app=NAME pid=P tsc=T", when the app has
 * parsed its arguments and is about to start its work. Returns T, the
 * TSC value printed, so the app can measure from the same instant.
 */
uint64_t app_ready(const char *name);

/*
 * Print the result line,
 *   "result app=NAME checksum=0xXXXXXXXX tsc=T" then " EXTRA" if (extra)
 * is neither NULL nor "" (space-separated key=value pairs). T is read
 * just before printing.
 */
void app_result(const char *name, uint32_t checksum, const char *extra);

/*
 * Look up the argument "key=value" among argv[1] .. argv[argc - 1]. A
 * bare "key" counts, with the value "". Returns true if present: the last
 * occurrence wins and its value is copied to (val), truncated to (n) - 1
 * characters; (val) may be NULL to test presence only.
 */
bool app_arg(int argc, char **argv, const char *key, char *val, size_t n);

/*
 * Check that every argument has a key listed in (known), a
 * NULL-terminated array (empty: the app takes none). Returns 0, or -1 with
 * one line in (err) (n bytes) naming the first stranger, e.g.
 * "foo=1: unknown argument (known: n, rounds)".
 */
int app_check_keys(int argc, char **argv, const char *const known[], char *err, size_t n);

/*
 * The number given as "key=NUMBER" (decimal or 0x hex), or (def) when
 * the key is absent. Returns 0 with the number in (*out), or -1 with one
 * line in (err) if the value is not a number or lies outside [min, max],
 * e.g. "n=1: must be from 2 to 2097152".
 */
int app_arg_uint(int argc, char **argv, const char *key, uint64_t def,
		 uint64_t min, uint64_t max, uint64_t *out, char *err, size_t n);

/*
 * Print "app=NAME ERR" as one line, for an app whose main was called
 * with arguments its check refuses (the unikernel checks before main, so
 * this is for hosts that do not). Returns APP_EXIT_BAD_ARGS for main to
 * return.
 */
int app_bad_args(const char *name, const char *err);

/*
 * Continue the 32-bit FNV-1a hash (h) over (len) bytes of (buf). Start
 * from APP_FNV_OFFSET: app_fnv1a(APP_FNV_OFFSET, "a", 1) == 0xe40c292c.
 */
uint32_t app_fnv1a(uint32_t h, const void *buf, size_t len);

/* app_fnv1a over the 4 bytes of (v), least significant first, so the
 * hash of a number does not depend on the byte order of the machine. */
uint32_t app_fnv1a_u32(uint32_t h, uint32_t v);

#endif /* GUEST_APPS_APPLIB_H */
