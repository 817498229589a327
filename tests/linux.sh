#!/bin/bash
# linux.sh - the checks every Linux scenario makes of a boot of mica's
# initramfs (guest/linux/init.c) run to its end; sourced after lib.sh.

# check_linux_init LOG RELEASE: the init ran on Linux RELEASE (a regex),
# ran the cpu app to the checksum every other guest prints, said its exit
# code, and the machine ended with exit code 0; no panic or boot warning.
check_linux_init() {
	check_line "$1" "^linux-init: hello from Linux $2 pid=1 tsc=[0-9]+\$" init_says_hello
	check_line "$1" '^result app=cpu checksum=0x87cd2bce tsc=[0-9]+ n=200000 rounds=6 primes=17984 ' cpu_checksum
	check_line "$1" '^linux-init: exit code 0, powering off' init_exit_line
	check_no_line "$1" 'Kernel panic|Unknown kernel command line|unable to open an initial console' no_panic_no_warning
	check_status 0 exit_code_0
}
