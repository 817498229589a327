/*
 * test_fuzz_mbheader.c - fuzzing mb_header_find (lib/multiboot.c) on the
 * host (cmocka, ASan, UBSan): random images, cut at random lengths, with
 * multiboot headers planted in them, good or bad (wrong magic, a checksum
 * off by one, not on a 4-byte boundary, an a.out kludge cut short). The
 * answer is compared with a reference scan written from the multiboot
 * specification: the first 4-byte aligned header with a good checksum in
 * the first MULTIBOOT_SEARCH bytes, whole. MICA_FUZZ_CASES sets the
 * number of cases (see fuzz.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/multiboot.h"
#include "tests/unit/fuzz.h"

/* mb_header_find on random images with headers planted, good or bad. */
static void test_header_find(void **state)
{
	uint64_t n = fuzz_begin("multiboot header find", 34);
	static uint8_t img[MULTIBOOT_SEARCH + 2048];

	for (uint64_t i = 0; i < n; i++) {
		if (!fuzz_case(i))
			continue;
		size_t len = fuzz_one_in(4) ? fuzz_edge(MULTIBOOT_SEARCH) % (sizeof(img) + 1)
					    : fuzz_below(sizeof(img) + 1);

		fuzz_bytes(img, sizeof(img));
		if (fuzz_one_in(2))
			memset(img, 0, sizeof(img));
		for (unsigned k = (unsigned)fuzz_below(4); k-- > 0;) {
			struct multiboot_header h = {
				.magic = fuzz_one_in(8) ? MULTIBOOT_BOOTLOADER_MAGIC : MULTIBOOT_HEADER_MAGIC,
				.flags = fuzz_one_in(2) ? MULTIBOOT_AOUT_KLUDGE | (uint32_t)fuzz_below(8)
							: (uint32_t)fuzz_rand(),
			};
			size_t at = fuzz_one_in(2) ? (len - fuzz_below(40)) & ~(size_t)3
						   : fuzz_below(sizeof(img) - sizeof(h));

			h.checksum = -(h.magic + h.flags) + (fuzz_one_in(6) ? 1 : 0);
			if (fuzz_one_in(8))
				at |= 1 + fuzz_below(3);        /* not on a 4-byte boundary */
			if (at <= sizeof(img) - sizeof(h))
				memcpy(img + at, &h, fuzz_one_in(4) ? 12 : sizeof(h));
		}

		const uint8_t *image = fuzz_copy(img, len, fuzz_below(8));
		const struct multiboot_header *got = mb_header_find(image, len);
		size_t limit = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
		const uint8_t *want = NULL;

		for (size_t off = 0; off + 12 <= limit && want == NULL; off += 4) {
			uint32_t magic, flags, sum;

			memcpy(&magic, image + off, 4);
			memcpy(&flags, image + off + 4, 4);
			memcpy(&sum, image + off + 8, 4);
			if (magic == MULTIBOOT_HEADER_MAGIC && (uint32_t)(magic + flags + sum) == 0 &&
			    (!(flags & MULTIBOOT_AOUT_KLUDGE) || off + 32 <= limit))
				want = image + off;
		}
		FUZZ_CHECK((const uint8_t *)got == want);
		fuzz_count(got ? "found" : "none", 1);
	}
	fuzz_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
