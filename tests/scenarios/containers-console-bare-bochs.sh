#!/bin/bash
# timeout: 200
# The console shared between containers, bare in Bochs
# (run/console.run): COM1 takes bytes at 115200 baud here, as on a PC, so
# a long write would hold the CPU for long; the bystander container still
# gets at least 45% of the CPU, the cpu=20 flooder no more than its share,
# and every line arrives whole (tests/console-checks.sh).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../console-checks.sh"

LOG=containers-console-bare-bochs.log
boot_bochs "$LOG" 150 build/iso-containers-console-bare.iso
check_line "$LOG" '^guest: no mica signature: running bare, console on COM1$' bare
console_checks "$LOG" ""
check_line "$LOG" '^guest: container slow-1: CPU share of 20% used up; throttled until the next second$' cpu_limit_line
check_status 0 exit_code_0
