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
 * The index of every image's regular files, built at mount: a hash table
 * (open addressing, linear probing) of where each file's name and data lie
 * in its archive, so that a spawn finds its program in a few steps, and
 * without parsing an entry's header again (13 hex fields, as many steps
 * as the rest of the lookup together). Kept at most 3/4 full; an image
 * whose files do not fit is left out of it and read whole (image_lookup).
 */
#define INDEX_SLOTS     256             /* a power of two */
#define INDEX_MAX       (INDEX_SLOTS / 4 * 3)

struct index_slot {
	uint32_t name;                  /* offset in its archive of the name, "./" skipped */
	uint32_t data, size;            /* offset in its archive of the data, and its size */
	uint16_t image;                 /* 1 + its image's number; 0: slot empty */
	uint16_t hash;                  /* the name's hash, high bits: a quick no */
};
static struct index_slot file_index[INDEX_SLOTS];
static unsigned indexed;

/* A name without its leading "./" parts, as the archive may write it. */
static const char *plain(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

/* FNV-1a of (name) with the image's number mixed in. */
static uint32_t name_hash(unsigned image, const char *name)
{
	uint32_t h = 2166136261u ^ image;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The slot of (name) in image (n): the one holding it, or the empty one
 * where it would go. */
static struct index_slot *index_slot(unsigned n, const char *name)
{
	uint32_t h = name_hash(n, name);

	for (uint32_t i = h;; i++) {
		struct index_slot *slot = &file_index[i % INDEX_SLOTS];

		if (slot->image == 0)
			return slot;
		if (slot->image != n + 1 || slot->hash != (uint16_t)(h >> 16))
			continue;
		/* The archive's names are NUL-terminated (checked at mount). */
		if (strcmp((const char *)images[n].data + slot->name, name) == 0)
			return slot;
	}
}

/* Index the regular files of image (n), the first of a name winning as
 * in a read of the whole archive; or none of them if they do not fit. */
static void index_image(unsigned n)
{
	const struct image *im = &images[n];
	struct archive_entry e;
	size_t off = 0;

	if (im->nfiles > INDEX_MAX - indexed || im->size > UINT32_MAX)
		return;
	while (archive_next(im->data, im->size, &off, &e, NULL, 0) == 1) {
		const char *name = plain(e.name);
		struct index_slot *slot;

		if ((e.mode & MODE_TYPE) != MODE_REGULAR)
			continue;
		slot = index_slot(n, name);
		if (slot->image == 0) {
			*slot = (struct index_slot){
				.name = (uint32_t)((const uint8_t *)name - im->data),
				.data = (uint32_t)((const uint8_t *)e.data - im->data),
				.size = (uint32_t)e.size, .image = (uint16_t)(n + 1),
				.hash = (uint16_t)(name_hash(n, name) >> 16) };
			indexed++;
		}
	}
	images[n].indexed = true;
}

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
		index_image(nimages);
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
	if (im->indexed) {
		unsigned n = (unsigned)(im - images);
		struct index_slot *slot = index_slot(n, path);

		if (slot->image == 0)
			return -SYS_ENOENT;
		*data = im->data + slot->data;
		*size = slot->size;
		return 0;
	}
	/* The whole archive was checked at boot: entries parse. Names in it
	 * may carry "./" too. */
	while (archive_next(im->data, im->size, &off, &e, NULL, 0) == 1) {
		if (strcmp(plain(e.name), path) == 0 && (e.mode & MODE_TYPE) == MODE_REGULAR) {
			*data = e.data;
			*size = e.size;
			return 0;
		}
	}
	return -SYS_ENOENT;
}
