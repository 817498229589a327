/*
 * vmx_negotiate.c - one helper that turns mica's named control wishes into
 * control-field values the CPU accepts, naming what is missing.
 *
 * Runs in VMX root at boot (and on the host in unit tests).
 */
#include "hv/vmx/vmx_negotiate.h"
#include "lib/fmt.h"

int vmx_negotiate(const char *what, uint64_t cap_msr, const struct vmx_ctl *wanted,
		  size_t n, uint32_t *out, char *err, size_t errlen)
{
	uint32_t must_be_1 = (uint32_t)cap_msr;         /* allowed-0 settings */
	uint32_t may_be_1 = (uint32_t)(cap_msr >> 32);  /* allowed-1 settings */
	uint32_t v = must_be_1;

	for (size_t i = 0; i < n; i++) {
		const struct vmx_ctl *c = &wanted[i];

		switch (c->want) {
		case VMX_CTL_REQUIRED:
			if (!(may_be_1 & c->bit)) {
				fmt_snprintf(err, errlen, "the CPU does not offer %s (%s 0x%x)",
					     c->name, what, c->bit);
				return -1;
			}
			v |= c->bit;
			break;
		case VMX_CTL_OPTIONAL:
			v |= c->bit & may_be_1;
			break;
		case VMX_CTL_FORBIDDEN:
			if (must_be_1 & c->bit) {
				fmt_snprintf(err, errlen, "the CPU insists on %s (%s 0x%x)",
					     c->name, what, c->bit);
				return -1;
			}
			break;
		}
	}
	*out = v;
	return 0;
}
