/*
 * ktap.h - in-kernel self-test results in KTAP, the format Linux's KUnit
 * prints ("KTAP version 1", "1..N", "ok 3 - name", "not ok 4 - name"), so
 * that tests/run.sh reads every kernel's results the same way.
 */
#ifndef LIB_KTAP_H
#define LIB_KTAP_H

#include <stdbool.h>

/* Start a run of (planned) tests: prints the version and plan lines. */
void ktap_begin(unsigned planned);

/* Report one test: "ok N - name" when (ok), else "not ok N - name".
 * Returns (ok), so a caller can stop a dependent sequence. */
bool ktap_result(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A diagnostic line ("# text") under the last result. */
void ktap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* End the run: prints a summary comment and returns the number of failed
 * tests, counting a run that did not match its plan as one failure. */
unsigned ktap_end(void);

#endif /* LIB_KTAP_H */
