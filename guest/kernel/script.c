/*
 * script.c - the container host's script (see script.h): its text, its
 * lines and words, and the options of a service.
 *
 * Runs in ring 0, from the engine's turn between processes (engine.c) and
 * at its start. A script is at most 4095 bytes, copied out of its image,
 * so that nothing a process does to the image changes it.
 */
#include "guest/kernel/image.h"
#include "guest/kernel/proc.h"
#include "guest/kernel/script.h"
#include "guest/kernel/uk.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"

const char *const restart_policy_names[3] = { "never", "on-failure", "always" };

/* The script: a buffer of lines, and where the next line begins. The
 * buffer is filled before it is read: not cleared at boot (.noinit). */
static char script_buf[4096] __attribute__((section(".noinit")));
static const char *script, *script_end;
static const char *name_of_script;
static unsigned lineno;

bool script_at_end(void)
{
	return script >= script_end;
}

void script_stop(void)
{
	script = script_end;
}

void script_report(const char *what, const char *why)
{
	klog("%s line %u: %s: %s\n", name_of_script, lineno, what, why);
	script_stop();
}

int script_next_line(char line[SCRIPT_LINE_MAX])
{
	const char *nl;
	size_t len;

	if (script >= script_end)
		return 0;
	for (nl = script; nl < script_end && *nl != '\n'; nl++)
		;
	len = (size_t)(nl - script);
	lineno++;
	if (len >= SCRIPT_LINE_MAX) {
		script_report("line", "longer than 511 characters");
		return -1;
	}
	memcpy(line, script, len);
	line[len] = '\0';
	script = nl < script_end ? nl + 1 : nl;
	return 1;
}

char *script_word(char **s)
{
	char *w = *s;

	while (*w == ' ' || *w == '\t')
		w++;
	if (*w == '\0')
		return NULL;
	*s = w;
	while (**s && **s != ' ' && **s != '\t')
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return w;
}

/* `autoscale=` and `target=` go together; the first count (replicas=,
 * or MIN) lies within MIN..MAX. Returns 0, or -1 after script_report(). */
static int check_autoscale(struct service *s, bool replicas_given)
{
	struct autoscale *a = &s->autoscale;
	char why[80];

	if (a->max == 0 && a->target_pct == 0)
		return 0;
	if (a->max == 0) {
		script_report("target=", "only with autoscale=MIN-MAX");
		return -1;
	}
	if (a->target_pct == 0) {
		script_report("autoscale=", "needs target=PCT, the CPU use to aim at");
		return -1;
	}
	if (!replicas_given) {
		s->replicas = a->min;
	} else if (s->replicas < a->min || s->replicas > a->max) {
		fmt_snprintf(why, sizeof(why), "%u is outside autoscale=%u-%u", s->replicas,
			     a->min, a->max);
		script_report("replicas=", why);
		return -1;
	}
	return 0;
}

int script_parse_service(char **rest, struct service *s, bool density,
			 bool (*exists)(const char *name))
{
	bool replicas_given = false;
	char *w;

	memset(s, 0, sizeof(*s));
	s->image = image_find(DEFAULT_IMAGE);
	s->replicas = 1;
	s->max_restarts = DEFAULT_MAX_RESTARTS;
	s->backoff_ms = BACKOFF_FIRST_MS;
	s->density = density;
	while ((w = script_word(rest)) != NULL && strcmp(w, "--") != 0) {
		char *val = strchr(w, '=');
		uint64_t n;

		if (val == NULL) {
			script_report(w, "expected key=value or --");
			return -1;
		}
		*val++ = '\0';
		if (strcmp(w, "name") == 0 && strlen(val) < SERVICE_NAME_MAX - 0 && val[0]) {
			strlcpy(s->name, val, sizeof(s->name));
		} else if (strcmp(w, "image") == 0) {
			s->image = image_find(val);
			if (s->image == NULL) {
				char what[SCRIPT_LINE_MAX], why[160], known[128];

				image_list(known, sizeof(known));
				fmt_snprintf(what, sizeof(what), "image=%s", val);
				fmt_snprintf(why, sizeof(why), "no such image (images: %s)", known);
				script_report(what, why);
				return -1;
			}
		} else if (strcmp(w, "replicas") == 0 && !density && !cmdline_parse_uint(val, &n) &&
			   n >= 1 && n <= proc_slots) {
			s->replicas = (unsigned)n;
			replicas_given = true;
		} else if (strcmp(w, "restart") == 0 && !density) {
			unsigned k;

			for (k = 0; k < 3 && strcmp(val, restart_policy_names[k]) != 0; k++)
				;
			if (k == 3) {
				script_report(val, "restart= takes never, on-failure or always");
				return -1;
			}
			s->policy = (enum restart_policy)k;
		} else if (strcmp(w, "max-restarts") == 0 && !cmdline_parse_uint(val, &n) &&
			   n <= 1000) {
			s->max_restarts = (unsigned)n;
		} else if (strcmp(w, "backoff") == 0 && !cmdline_parse_uint(val, &n) &&
			   n <= BACKOFF_MAX_MS) {
			s->backoff_ms = (unsigned)n;
		} else if (strcmp(w, "mem") == 0 && !cmdline_parse_size(val, &n) && n >= 4096) {
			s->limits.max_pages = n / 4096;
		} else if (strcmp(w, "procs") == 0 && !cmdline_parse_uint(val, &n) && n >= 1 &&
			   n <= proc_slots) {
			s->limits.max_procs = (unsigned)n;
		} else if (strcmp(w, "cpu") == 0 && !cmdline_parse_uint(val, &n) && n >= 1 &&
			   n <= 100) {
			s->limits.cpu_pct = (unsigned)n;
		} else if (strcmp(w, "hostname") == 0 && strlen(val) < CONTAINER_NAME_MAX) {
			strlcpy(s->hostname, val, sizeof(s->hostname));
		} else if ((strcmp(w, "autoscale") == 0 || strcmp(w, "target") == 0) && !density) {
			char why[96];
			int bad = w[0] == 'a' ?
				autoscale_parse_range(&s->autoscale, val, proc_slots, why, sizeof(why)) :
				autoscale_parse_target(&s->autoscale, val, why, sizeof(why));

			if (bad) {
				val[-1] = '=';
				script_report(w, why);
				return -1;
			}
		} else {
			val[-1] = '=';
			script_report(w, "unknown option or bad value (known: name, image, "
				     "replicas, restart, max-restarts, backoff, mem, procs, cpu, hostname, "
				     "autoscale, target)");
			return -1;
		}
	}
	if (check_autoscale(s, replicas_given))
		return -1;
	if (s->name[0] == '\0') {
		script_report("name=", "missing (1 to 23 characters)");
		return -1;
	}
	if (exists(s->name)) {
		script_report(s->name, "a service of that name exists already");
		return -1;
	}
	if (s->image == NULL) {
		script_report("image=", "missing, and there is no image called " DEFAULT_IMAGE);
		return -1;
	}
	while ((w = script_word(rest)) != NULL) {
		if (s->argc == USER_MAX_ARGS || strlen(w) >= USER_ARG_MAX) {
			script_report(w, "too many arguments, or one too long");
			return -1;
		}
		strlcpy(s->args[s->argc++], w, USER_ARG_MAX);
	}
	if (s->argc == 0) {
		script_report("--", "no program after it");
		return -1;
	}
	return 0;
}

int script_load(const char *spec)
{
	static char name[CMDLINE_VAL_MAX];
	const char *colon = strchr(spec, ':'), *path = colon ? colon + 1 : spec;
	const uint8_t *data = NULL;
	uint64_t size = 0;
	int found = -1;

	strlcpy(name, spec, sizeof(name));
	if (colon) {
		char img[IMAGE_NAME_MAX];
		size_t k = (size_t)(colon - spec);
		const struct image *im;

		if (k >= sizeof(img))
			k = sizeof(img) - 1;
		memcpy(img, spec, k);
		img[k] = '\0';
		im = image_find(img);
		found = im ? image_lookup(im, path, &data, &size) : -1;
	} else {
		for (unsigned i = 0; image_get(i) && found != 0; i++)
			found = image_lookup(image_get(i), path, &data, &size);
	}
	if (found != 0) {
		char known[128];

		image_list(known, sizeof(known));
		klog("script=%s: no such file in the images (images: %s)\n", spec, known);
		return -1;
	}
	if (size >= sizeof(script_buf)) {
		klog("script=%s: %lu bytes; a script may have at most %lu\n", spec,
		     (unsigned long)size, (unsigned long)sizeof(script_buf) - 1);
		return -1;
	}
	memcpy(script_buf, data, size);
	script = script_buf;
	script_end = script_buf + size;
	name_of_script = name;
	return 0;
}

/* The options of the guest kernel's command line that are the engine's
 * own or the guest kernel's: not passed to the program. */
static bool own_key(const char *key)
{
	static const char *const own[] = { "containers", "script", "replicas", "image",
					   "kernel-bug", "app", NULL };

	for (unsigned i = 0; own[i]; i++)
		if (strcmp(key, own[i]) == 0)
			return true;
	for (unsigned i = 0; guest_kernel_keys[i]; i++)
		if (strcmp(key, guest_kernel_keys[i]) == 0)
			return true;
	return false;
}

int script_from_cmdline(const char *cmdline)
{
	char app[CMDLINE_VAL_MAX], img[CMDLINE_VAL_MAX], rep[CMDLINE_VAL_MAX];
	char key[CMDLINE_KEY_MAX], val[CMDLINE_VAL_MAX];
	const char *cursor = cmdline_args(cmdline);
	size_t len;

	if (!cmdline_get(cmdline, "app", app, sizeof(app)))
		strlcpy(app, "hello", sizeof(app));
	if (!cmdline_get(cmdline, "image", img, sizeof(img)))
		strlcpy(img, DEFAULT_IMAGE, sizeof(img));
	if (!cmdline_get(cmdline, "replicas", rep, sizeof(rep)))
		strlcpy(rep, "1", sizeof(rep));
	len = fmt_snprintf(script_buf, sizeof(script_buf),
			   "run name=%s image=%s replicas=%s -- bin/%s", app, img, rep, app);
	while (cmdline_next(&cursor, key, val) != 0 && len < sizeof(script_buf)) {
		if (key[0] == '\0' || own_key(key))
			continue;
		len += fmt_snprintf(script_buf + len, sizeof(script_buf) - len, " %s%s%s", key,
				    val[0] ? "=" : "", val);
	}
	if (len < sizeof(script_buf))
		len += fmt_snprintf(script_buf + len, sizeof(script_buf) - len, "\nwait\n");
	if (len >= sizeof(script_buf)) {
		klog("containers: the command line makes too long a script\n");
		return -1;
	}
	script = script_buf;
	script_end = script_buf + len;
	name_of_script = "command line";
	return 0;
}
