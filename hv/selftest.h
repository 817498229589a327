/*
 * selftest.h - mica's boot-time self-tests (command line `selftest`).
 */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

struct boot_info;

/* Run the core and hypervisor self-tests as one KTAP run on the console.
 * Returns the number of failures. */
unsigned hv_selftest(struct boot_info *bi);

#endif /* HV_SELFTEST_H */
