#!/bin/bash
# timeout: 120
# The console shared between containers, bare in QEMU (run/console.run):
# a container flooding the console leaves a bystander container at least
# 45% of the CPU, a flooder limited to cpu=20 gets no more, and every line
# arrives whole (tests/console-checks.sh). QEMU's clocks count
# instructions here (--icount), so the bystander's measure of its share
# does not move with the load of the machine running the test.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../console-checks.sh"

LOG=containers-console-qemu.log
boot_qemu "$LOG" 90 --icount build/guest32.elf "containers script=tests:run/console.run" \
	build/tests.cpio ""
console_checks "$LOG" ""
check_line "$LOG" '^guest: container slow-1: CPU share of 20% used up; throttled until the next second$' cpu_limit_line
check_status 0 exit_code_0
