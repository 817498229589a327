/*
 * script.h - the container host's script (docs/containers.md, "Scripts"):
 * its text, a file of an image (`script=IMAGE:PATH`) or the one line the
 * command line makes (`containers app=NAME replicas=N ...`), read a line
 * and a word at a time, and the parser of a service's options, the part
 * of `run` and `density` before "--". guest/kernel/engine.c runs the
 * commands.
 */
#ifndef GUEST_KERNEL_SCRIPT_H
#define GUEST_KERNEL_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include "guest/include/sysabi.h"
#include "guest/kernel/autoscale.h"
#include "guest/kernel/container.h"

#define SERVICE_NAME_MAX        24      /* leaves room for "-NNNN" in a container name */
#define SCRIPT_LINE_MAX         512
#define BACKOFF_FIRST_MS        10      /* the first restart waits this long, */
#define BACKOFF_MAX_MS          1000    /* doubling each time up to this */
#define DEFAULT_MAX_RESTARTS    5
#define DEFAULT_IMAGE           "apps"

struct image;

enum restart_policy { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };
/* The policies' names in the script, by enum restart_policy. */
extern const char *const restart_policy_names[3];

/* A service: a named set of replicas of one program, as `run` or
 * `density` describes it. */
struct service {
	bool used;
	char name[SERVICE_NAME_MAX];
	const struct image *image;
	int argc;
	char args[USER_MAX_ARGS][USER_ARG_MAX];         /* args[0] is the program */
	char hostname[CONTAINER_NAME_MAX];
	struct container_limits limits;
	enum restart_policy policy;
	unsigned max_restarts;
	unsigned replicas;                              /* wanted */
	unsigned backoff_ms;                            /* before the first restart */
	bool density;                                   /* made by `density` */
	struct autoscale autoscale;                     /* max 0: not autoscaled */
};

/* `script=IMAGE:PATH` or `script=PATH` (the first image that has it)
 * becomes the script. Returns 0, or -1 after one line naming the
 * problem (no such file, too big). */
int script_load(const char *spec);

/* `containers app=NAME [replicas=N] [image=I] [ARGS...]` on (cmdline)
 * becomes the script "run name=NAME image=I replicas=N -- bin/NAME
 * ARGS..." then "wait"; the guest kernel's and the engine's own options
 * are not the program's. Returns 0, or -1 after one line. */
int script_from_cmdline(const char *cmdline);

/* The next line of the script into (line) (SCRIPT_LINE_MAX bytes),
 * NUL-terminated. Returns 1 for a line, 0 at the end, or -1 for a line
 * that does not fit, after script_report(). */
int script_next_line(char line[SCRIPT_LINE_MAX]);

/* True once every line has been read (or script_stop() was called). */
bool script_at_end(void);

/* Read no more of the script. */
void script_stop(void);

/* A bad line: "<script> line <n>: <what>: <why>", and script_stop(). */
void script_report(const char *what, const char *why);

/* Next blank-separated word of (*s), NUL-terminated in place; NULL at the
 * end of the line. */
char *script_word(char **s);

/*
 * The options of `run` and `density` (density true) before "--", then
 * the program and its arguments, from (*rest) into (s), which starts
 * cleared with the defaults. (exists) says whether a service of a name
 * is there already. Returns 0, or -1 after script_report().
 */
int script_parse_service(char **rest, struct service *s, bool density,
			 bool (*exists)(const char *name));

#endif /* GUEST_KERNEL_SCRIPT_H */
