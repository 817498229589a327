#!/bin/bash
# timeout: 300
# The console shared between containers, the container host a VM under
# mica in Bochs (run/console.run): its console is HC_CONSOLE_WRITE, which
# takes nothing while mica's console is busy. A flooding container still
# leaves a bystander container at least 45% of the CPU, the cpu=20
# flooder gets no more than its share, and every line arrives whole
# (tests/console-checks.sh).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../console-checks.sh"

LOG=containers-console-bochs.log
boot_bochs "$LOG" 240 build/iso-containers-console.iso
check_line "$LOG" '^\[host\] guest: running under mica: console and exit through hypercalls$' under_mica
console_checks "$LOG" "[host] "
check_line "$LOG" '^mica: vm host: exited with code 0$' host_exit_0
check_status 0 exit_code_0
