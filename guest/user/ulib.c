/*
 * ulib.c - the user library's C half (see ulib.h): writing a whole
 * buffer, error names, and printf to the console. Runs in ring 3 in
 * every program of the container host; the system calls themselves are
 * the stubs of usys.S.
 */
#include <stdarg.h>

#include "guest/user/ulib.h"
#include "lib/fmt.h"

long write_all(long fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	/* The kernel takes at most SYS_WRITE_MAX bytes a call and says how
	 * many; an error after some output still reports that output. */
	while (done < len) {
		long n = sys_write(fd, p + done, len - done);

		if (n <= 0)
			return done > 0 ? (long)done : n;
		done += (size_t)n;
	}
	return (long)done;
}

/* The names of sysabi.h's errors, indexed by number. */
static const char *const error_names[] = {
	[SYS_EPERM] = "EPERM",
	[SYS_ENOENT] = "ENOENT",
	[SYS_ESRCH] = "ESRCH",
	[SYS_E2BIG] = "E2BIG",
	[SYS_ENOEXEC] = "ENOEXEC",
	[SYS_EBADF] = "EBADF",
	[SYS_ECHILD] = "ECHILD",
	[SYS_EAGAIN] = "EAGAIN",
	[SYS_ENOMEM] = "ENOMEM",
	[SYS_EFAULT] = "EFAULT",
	[SYS_EINVAL] = "EINVAL",
	[SYS_EMFILE] = "EMFILE",
	[SYS_ENAMETOOLONG] = "ENAMETOOLONG",
	[SYS_ENOSYS] = "ENOSYS",
};

const char *sys_strerror(long err)
{
	unsigned long n = err < 0 ? -(unsigned long)err : (unsigned long)err;

	if (n == 0)
		return "OK";
	if (n >= sizeof(error_names) / sizeof(error_names[0]) || error_names[n] == NULL)
		return "E?";
	return error_names[n];
}

/* One buffer and one system call, so that a line is never split. */
int uprintf(const char *fmt, ...)
{
	char buf[UPRINTF_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	return (int)write_all(1, buf, (size_t)n);
}
