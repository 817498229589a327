#!/bin/bash
# timeout: 300
# CPU share beside a crash loop (tests/iso/share-crash-loop.cfg): a 16 MiB
# VM that crashes right after every restart (restart=on-failure) until the
# TSC passes 8 s (GRUB and the boot take about 4.4 s of it under Bochs),
# beside a CPU share meter VM that measures 3 s. Each restart waits out a
# back-off that doubles up to 1 s, and each rebuild is the crashing VM's
# own time, so the meter keeps at least 45 % of the CPU (before back-off:
# 13.4 %).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../vm-console-checks.sh"

LOG=share-crash-loop-bochs.log
boot_bochs "$LOG" 240 build/iso-share-crash-loop.iso
check_share "$LOG" meter 45 meter_share_at_least_45_percent
# The back-off of each restart, in order: 10, 20, 40, ... ms, then 1 s.
delays=$(sed -n 's/^mica: vm looper: restarting in \([0-9]*\) ms (back-off; restart [0-9]* of at most 1000)$/\1/p' \
	"$OUT/$LOG" | tr '\n' ' ')
if [[ $delays == "10 20 40 80 160 320 640 1000 "* ]]; then
	result PASS looper_backoff_grows_to_1s
else
	result FAIL looper_backoff_grows_to_1s "back-offs: ${delays:-none}"
fi
check_line "$LOG" '^mica: vm looper: restarted \(1 of at most 1000\), rebuilt in [1-9][0-9]* TSC$' looper_rebuild_shown
check_line "$LOG" '^mica: vm looper: exited with code 0$' looper_ends_its_loop
check_line "$LOG" '^mica: vm meter: exited with code 0$' meter_exit_0
check_no_line "$LOG" '^mica: panic' mica_never_panics
check_frames_returned "$LOG" every_frame_returned
check_status 0 exit_code_0
