/*
 * image.h - container images: cpio "newc" archives (lib/archive.c) that the
 * container host receives as multiboot modules, one image each, holding
 * programs (bin/...) and files. A container sees the files of its own
 * image and nothing else. docs/containers.md.
 */
#ifndef GUEST_KERNEL_IMAGE_H
#define GUEST_KERNEL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct boot_info;

#define MAX_IMAGES      8
#define IMAGE_NAME_MAX  32

struct image {
	char name[IMAGE_NAME_MAX];      /* `image=NAME` on the module line, or its file name */
	const uint8_t *data;            /* the archive, in the module's memory */
	size_t size;
	unsigned nfiles;                /* members, directories included */
	bool indexed;                   /* its regular files are in image.c's index */
};

/* Check every module of (bi) as an archive and list the good ones. A bad
 * module gets one line naming it and is left out. Prints one line per
 * image. Returns the number of images. */
unsigned image_init(const struct boot_info *bi);

/* The image called (name), or NULL. */
const struct image *image_find(const char *name);

/* Image (i) in module order, or NULL past the last. */
const struct image *image_get(unsigned i);

/* The images' names, ", "-separated, into (buf) of (n) bytes. */
void image_list(char *buf, size_t n);

/*
 * The regular file (path) of (im): "bin/cpu", "/bin/cpu" and "./bin/cpu"
 * name the same file. A path with a ".." component names nothing: an
 * image has no parent to climb to. Returns 0 with (*data, *size) set, or
 * -SYS_ENOENT.
 */
int image_lookup(const struct image *im, const char *path, const uint8_t **data,
		 uint64_t *size);

#endif /* GUEST_KERNEL_IMAGE_H */
