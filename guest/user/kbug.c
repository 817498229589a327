/*
 * kbug.c - calls SYS_KERNEL_BUG (guest ring 3): the shared-kernel
 * weakness of docs/containers.md, one bug in the kernel that every
 * container trusts. With the bug off the call fails and the program ends
 * normally; with it on, what happens next is the experiment.
 *
 * Output (tests match it):
 *   kbug: calling the kernel bug
 *   kbug: returned R (ENAME)                  if the call returned: exit 0
 */
#include "guest/user/ulib.h"

int main(int argc, char **argv)
{
	uprintf("kbug: calling the kernel bug\n");
	long r = sys_kernel_bug();
	uprintf("kbug: returned %ld (%s)\n", r, sys_strerror(r));
	return 0;
}
