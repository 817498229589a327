/*
 * test_guest_cmdline.c - host unit tests for hv/guest_cmdline.c (cmocka,
 * ASan, UBSan): the image name kept first, every one of mica's keys
 * dropped and only those, the user's words kept as written, and the
 * strlcpy-like length and truncation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/guest_cmdline.h"
#include "lib/string.h"

/* guest_cmdline of (line) into a roomy buffer, checked for its length. */
static const char *gc(const char *line)
{
	static char buf[512];
	size_t n = guest_cmdline(line, buf, sizeof(buf));

	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_image_name_then_user_words(void **state)
{
	assert_string_equal(gc("/boot/guest.elf name=web mem=4M app=httpd restart=on-failure"),
			    "/boot/guest.elf app=httpd");
	assert_string_equal(gc("/boot/guest.elf"), "/boot/guest.elf");
	assert_string_equal(gc("/boot/k.bin a b=c name=x d"), "/boot/k.bin a b=c d");
	/* GRUB joins its arguments with one space */
	assert_string_equal(gc("  /boot/k\t\tx=1   y  "), "/boot/k x=1 y");
}

static void test_every_mica_key_dropped(void **state)
{
	assert_string_equal(gc("/b/k name=a mem=8M restart=always max-restarts=3 backoff=10 "
			       "slice=5 break-state nmi=2 cpu-limit=100 for=web density start=last keep"),
			    "/b/k keep");
	/* the table is what is dropped: each key alone */
	for (unsigned i = 0; mica_module_keys[i]; i++) {
		char line[96];

		snprintf(line, sizeof(line), "/b/k %s=1 u", mica_module_keys[i]);
		assert_string_equal(gc(line), "/b/k u");
		snprintf(line, sizeof(line), "/b/k %s u", mica_module_keys[i]);
		assert_string_equal(gc(line), "/b/k u");
	}
}

static void test_lookalikes_kept(void **state)
{
	/* a key that only starts or ends like one of mica's is the user's */
	assert_string_equal(gc("/b/k names=a xmem=1 memx nmi2=3 expect-nmi=4 =name"),
			    "/b/k names=a xmem=1 memx nmi2=3 expect-nmi=4 =name");
	/* a value that looks like a key */
	assert_string_equal(gc("/b/k app=name=x"), "/b/k app=name=x");
}

static void test_image_name_is_never_a_key(void **state)
{
	/* a path is the image's name even if it is called like a key */
	assert_string_equal(gc("/boot/name name=x"), "/boot/name");
	/* no path (mica's built-in guests): no name, the user's words only */
	assert_string_equal(gc("name=hello app=hello"), "app=hello");
	assert_string_equal(gc("name=hello"), "");
	assert_string_equal(gc("app=/bin/sh name=x"), "app=/bin/sh");
	assert_string_equal(gc(""), "");
	assert_string_equal(gc(NULL), "");
}

static void test_truncation(void **state)
{
	char buf[8];

	memset(buf, 'z', sizeof(buf));
	assert_int_equal(guest_cmdline("/b/k name=x abcdef", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/b/k ab");
	assert_int_equal(guest_cmdline("/b/k", buf, 5), 4);
	assert_string_equal(buf, "/b/k");
	assert_int_equal(guest_cmdline("/b/k", buf, 4), 4);
	assert_string_equal(buf, "/b/");
	buf[0] = 'q';
	assert_int_equal(guest_cmdline("/b/k x", buf, 0), 6);
	assert_int_equal(buf[0], 'q');          /* nothing written */
	assert_int_equal(guest_cmdline("/b/k x", buf, 1), 6);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_name_then_user_words),
		cmocka_unit_test(test_every_mica_key_dropped),
		cmocka_unit_test(test_lookalikes_kept),
		cmocka_unit_test(test_image_name_is_never_a_key),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
