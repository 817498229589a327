/*
 * image.c - container images (see image.h): the modules the container host
 * was given, each checked whole as a cpio archive at boot, and the lookup
 * of a file in one image. Runs in ring 0; images are read, never written.
 */
#include "guest/include/sysabi.h"
#include "guest/kernel/image.h"
#include "lib/archive.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* cpio newc mode bits (st_mode): the file-type field and a regular file. */
#define MODE_TYPE       0170000
#define MODE_REGULAR    0100000

static struct image images[MAX_IMAGES];
static unsigned nimages;

/*
 * The image's name: `image=NAME` on its module line; else the file name of
 * the line's first token without its directory and ".cpio" (QEMU puts the
 * path first; GRUB passes only what follows it); else "imageN".
 */
static void module_name(const char *cmdline, unsigned n, char *name, size_t len)
{
	const char *base, *end;
	size_t k;

	if (cmdline_get(cmdline, "image", name, len) && name[0] != '\0')
		return;
	for (end = cmdline; *end != '\0' && *end != ' '; end++)
		;
	for (base = end; base > cmdline && base[-1] != '/'; base--)
		;
	k = (size_t)(end - base);
	if (base > cmdline && k > 0) {
		if (k > 5 && memcmp(end - 5, ".cpio", 5) == 0)
			k -= 5;
		if (k >= len)
			k = len - 1;
		memcpy(name, base, k);
		name[k] = '\0';
		return;
	}
	fmt_snprintf(name, len, "image%u", n);
}

unsigned image_init(const struct boot_info *bi)
{
	char err[96];

	for (unsigned i = 0; i < bi->nmodules && nimages < MAX_IMAGES; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct image *im = &images[nimages];
		int n;

		module_name(m->cmdline, i + 1, im->name, sizeof(im->name));
		im->data = (const uint8_t *)(uintptr_t)m->start;
		im->size = m->end - m->start;
		n = archive_count(im->data, im->size, err, sizeof(err));
		if (n < 0) {
			klog("image %s (module %u): %s; left out\n", im->name, i + 1, err);
			continue;
		}
		if (image_find(im->name)) {
			klog("image %s (module %u): a second image of that name; left out\n",
			     im->name, i + 1);
			continue;
		}
		im->nfiles = (unsigned)n;
		klog("image %s: %u entries, %lu bytes\n", im->name, im->nfiles,
		     (unsigned long)im->size);
		nimages++;
	}
	return nimages;
}

const struct image *image_find(const char *name)
{
	for (unsigned i = 0; i < nimages; i++)
		if (strcmp(images[i].name, name) == 0)
			return &images[i];
	return NULL;
}

const struct image *image_get(unsigned i)
{
	return i < nimages ? &images[i] : NULL;
}

void image_list(char *buf, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < nimages && len < n; i++)
		len += fmt_snprintf(buf + len, n - len, "%s%s", i ? ", " : "", images[i].name);
	if (nimages == 0)
		strlcpy(buf, "none", n);
}

/* Does (path) have a ".." component? */
static bool climbs(const char *path)
{
	for (const char *s = path; *s != '\0'; ) {
		const char *e = s;

		while (*e != '\0' && *e != '/')
			e++;
		if (e - s == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s = *e == '/' ? e + 1 : e;
	}
	return false;
}

int image_lookup(const struct image *im, const char *path, const uint8_t **data,
		 uint64_t *size)
{
	struct archive_entry e;
	size_t off = 0;

	if (climbs(path))
		return -SYS_ENOENT;
	/* "/bin/cpu" and "./bin/cpu" are "bin/cpu", as the archive writes it. */
	while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
		path += path[0] == '/' ? 1 : 2;
	if (path[0] == '\0')
		return -SYS_ENOENT;
	/* The whole archive was checked at boot: entries parse. Names in it
	 * may carry "./" too. */
	while (archive_next(im->data, im->size, &off, &e, NULL, 0) == 1) {
		const char *name = e.name;

		while (name[0] == '.' && name[1] == '/')
			name += 2;
		if (strcmp(name, path) == 0 && (e.mode & MODE_TYPE) == MODE_REGULAR) {
			*data = e.data;
			*size = e.size;
			return 0;
		}
	}
	return -SYS_ENOENT;
}
