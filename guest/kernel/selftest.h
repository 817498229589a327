/*
 * selftest.h - the guest kernel's boot-time self-tests (command line
 * `selftest`).
 */
#ifndef GUEST_SELFTEST_H
#define GUEST_SELFTEST_H

struct boot_info;

/* Run the core and guest self-tests as one KTAP run on the console.
 * Returns the number of failures. */
unsigned guest_selftest(struct boot_info *bi);

#endif /* GUEST_SELFTEST_H */
