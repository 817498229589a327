#!/bin/bash
# Host interrupts and NMIs arrive while guests run, as on a real machine:
# mica's command line asks the local APIC timer to interrupt it 1,000
# times a second (hostirq=) and the PIT to send it 200 NMIs a second
# through the I/O APIC (hostnmi=). Each exits the guest it lands in; mica
# acknowledges it on exit, serves it through its own IDT and counts it.
# The guests must not notice: the spinning one finishes with its checksum,
# the halting one still measures its own 100 Hz, nothing livelocks, and
# mica's count of what it served is above zero. A third guest's own NMIs
# (nmi=20) arrive once each, with the blocking the SDM gives them.
source "$(dirname "$0")/../lib.sh"

LOG=host-events-bochs.log
boot_bochs "$LOG" 150 build/iso-host-events.iso
check_line "$LOG" '^mica: hostirq: the local APIC timer interrupts mica 1000 times a second' timer_programmed
check_line "$LOG" '^mica: hostnmi: the PIT sends this CPU an NMI 200 times a second' nmi_source_programmed
check_line "$LOG" '^\[cpu\] result app=cpu checksum=0x87cd2bce ' spinning_guest_finishes
check_line "$LOG" '^\[clock\] result app=clock .* hz=100 measured_hz=(99|100|101)$' guest_ticks_unchanged
check_line "$LOG" '^mica: vm cpu: exited with code 0$' cpu_exit_0
check_line "$LOG" '^mica: vm clock: exited with code 0$' clock_exit_0
check_line "$LOG" '^mica: vm cpu: [0-9]+ exits: .*external-interrupt [1-9][0-9]*' interrupts_exit_the_guest
check_line "$LOG" '^mica: host interrupts served: [1-9][0-9]* timer, 0 spurious, 0 8259, 0 unknown; ' timer_interrupts_served
check_line "$LOG" '; NMIs: [1-9][0-9]* in guests, [0-9]+ in mica$' nmis_in_guests_served
# The guest's own NMIs: each press once, held back while the guest is in
# its handler (NMI-window exits), and none of the host's NMIs among them.
check_ktap "$LOG"
check_line "$LOG" '^\[nmi\] test=nmi: 20 NMIs for 20 presses, 0 inside another$' guest_nmis_counted
check_line "$LOG" '^mica: vm nmi: [0-9]+ exits: .*exception-or-nmi [1-9][0-9]* .*nmi-window [1-9]' guest_nmis_waited_for_window
check_line "$LOG" '^mica: vm nmi: exited with code 0$' nmi_exit_0
check_no_line "$LOG" 'unhandled|panic|PANIC' no_guest_saw_them
check_status 0 exit_code_0
