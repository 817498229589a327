/*
 * flood.c - `test=flood lines=N`: write N numbered lines to the console
 * as fast as the kernel can, each with the FNV-1a hash of its text, so a
 * reader of mica's log can tell whether any byte of any line was lost,
 * changed or interleaved with another VM's (tests/scenarios/flood-bochs.sh,
 * make fuzz). Line: "flood N/TOTAL 0xHASH PAYLOAD", the payload 100
 * characters that change with N. `via=thr` writes each byte to the
 * UART's transmit register without ever polling its line status, as a
 * hostile or careless driver would, and ends each line with "\r\n" as
 * serial drivers do; `via=outs` writes each line with one REP OUTSB to the
 * transmit register, also without polling; the default goes through the kernel's console (the
 * console hypercall under mica). Then one line longer
 * than mica's console line (200 bytes): "flood long " and 450 letters,
 * 'A' + 11i % 26, which mica must split into whole pieces, never cut.
 */
#include "guest/apps/applib.h"
#include "lib/boot_info.h"
#include "lib/cmdline.h"
#include "lib/console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/uart.h"
#include "lib/x86.h"
#include "tests/guest/guest_tests.h"

#define FLOOD_DEFAULT   500
#define FLOOD_MAX       1000000
#define PAYLOAD         100
#define LONG_PAYLOAD    450
#define LONG_PAYLOAD    450

void guest_flood(struct boot_info *bi)
{
	char val[CMDLINE_VAL_MAX], payload[PAYLOAD + 1], long_payload[LONG_PAYLOAD + 1];
	char line[160];
	uint64_t lines = FLOOD_DEFAULT;
	bool thr = false, outs = false;

	if (cmdline_get(bi->cmdline, "lines", val, sizeof(val)) &&
	    (cmdline_parse_uint(val, &lines) || lines < 1 || lines > FLOOD_MAX)) {
		klog("flood: lines=%s: give a number from 1 to %d\n", val, FLOOD_MAX);
		machine_exit(EXIT_BAD_CONFIG);
	}
	if (cmdline_get(bi->cmdline, "via", val, sizeof(val))) {
		if (strcmp(val, "thr") != 0 && strcmp(val, "outs") != 0 &&
		    strcmp(val, "console") != 0) {
			klog("flood: via=%s: give thr, outs or console\n", val);
			machine_exit(EXIT_BAD_CONFIG);
		}
		thr = strcmp(val, "thr") == 0;
		outs = strcmp(val, "outs") == 0;
	}
	for (uint64_t n = 1; n <= lines; n++) {
		for (unsigned i = 0; i < PAYLOAD; i++)
			payload[i] = (char)('a' + (n + i * 7) % 26);
		payload[PAYLOAD] = '\0';
		fmt_snprintf(line, sizeof(line), "flood %lu/%lu 0x%08x %s\n", (unsigned long)n,
			     (unsigned long)lines, app_fnv1a(APP_FNV_OFFSET, payload, PAYLOAD),
			     payload);
		if (outs) {
			/* The whole line in one string instruction, never
			 * polling the line status. */
			const char *s = line;
			size_t len = strlen(line);

			__asm__ volatile("cld; rep outsb" : "+S"(s), "+c"(len)
					 : "d"((uint16_t)(UART_COM1 + UART_THR)) : "memory");
			continue;
		}
		if (!thr) {
			kprintf("%s", line);
			continue;
		}
		for (const char *c = line; *c; c++) {
			if (*c == '\n')
				outb(UART_COM1 + UART_THR, '\r');
			outb(UART_COM1 + UART_THR, (uint8_t)*c);
		}
	}
	for (unsigned i = 0; i < LONG_PAYLOAD; i++)
		long_payload[i] = (char)('A' + i * 11 % 26);
	long_payload[LONG_PAYLOAD] = '\0';
	kprintf("flood long %s\n", long_payload);
	machine_exit(EXIT_OK);
}
