/*
 * selftest.h - the guest kernel's boot-time self-tests (command line
 * `selftest`).
 */
#ifndef GUEST_SELFTEST_H
#define GUEST_SELFTEST_H

#include <stdbool.h>

struct boot_info;

/* Run the core and guest self-tests as one KTAP run on the console.
 * Returns the number of failures. */
unsigned guest_selftest(struct boot_info *bi);

/* Page-table tests (selftest_vm.c), for after vm_init(). They take frames
 * from (bi)'s allocator: call first. */
void selftest_vm_set_boot_info(struct boot_info *bi);
bool selftest_vm_text_read_only(void);        /* a write to text faults */
bool selftest_vm_rodata_read_only(void);      /* a write to a const object faults */
bool selftest_vm_data_not_executable(void);   /* a fetch from data faults (with NX) */
bool selftest_vm_page_tables_walk(void);      /* the live tables match the layout */
bool selftest_vm_map_new_space(void);         /* vm_map() builds a user/kernel space */

#define SELFTEST_VM \
	{ "text_is_read_only", selftest_vm_text_read_only }, \
	{ "rodata_is_read_only", selftest_vm_rodata_read_only }, \
	{ "data_is_not_executable_if_cpu_has_nx", selftest_vm_data_not_executable }, \
	{ "page_tables_walk", selftest_vm_page_tables_walk }, \
	{ "vm_map_new_address_space", selftest_vm_map_new_space }

#endif /* GUEST_SELFTEST_H */
