/*
 * cat.c - copies a file of the container's image to the console (guest
 * ring 3), then says how long it was and its FNV-1a hash, so a test can
 * check that a container reads its own image and no other.
 *
 * Output (tests match the last line): the file's bytes, a newline if the
 * file did not end with one, then
 *   cat: P bytes=N fnv=0xXXXXXXXX             exit code 0
 * or on an error, the only line:
 *   cat: P: ENAME                             exit code 1
 */
#include "guest/apps/applib.h"
#include "guest/user/ulib.h"
#include "lib/cmdline.h"

#define CAT_CHUNK 512

static const char *const cat_keys[] = { "path", NULL };

int main(int argc, char **argv)
{
	char err[APP_ERR_MAX], path[CMDLINE_VAL_MAX], buf[CAT_CHUNK];
	uint32_t h = APP_FNV_OFFSET;
	uint64_t bytes = 0;
	char last = '\n';
	long fd, n;

	if (app_check_keys(argc, argv, cat_keys, err, sizeof(err)) < 0)
		return app_bad_args("cat", err);
	if (!app_arg(argc, argv, "path", path, sizeof(path)))
		return app_bad_args("cat", "path=P: missing");

	fd = sys_open(path);
	if (fd < 0) {
		uprintf("cat: %s: %s\n", path, sys_strerror(fd));
		return 1;
	}
	while ((n = sys_read(fd, buf, sizeof(buf))) > 0) {
		write_all(1, buf, (size_t)n);
		h = app_fnv1a(h, buf, (size_t)n);
		bytes += (uint64_t)n;
		last = buf[n - 1];
	}
	sys_close(fd);
	if (n < 0) {
		uprintf("%scat: %s: %s\n", last == '\n' ? "" : "\n", path, sys_strerror(n));
		return 1;
	}
	uprintf("%scat: %s bytes=%lu fnv=0x%08x\n", last == '\n' ? "" : "\n", path, bytes, h);
	return 0;
}
