#!/bin/bash
# VM failover: a restart=on-failure VM that crashes once is rebuilt from
# its image and finishes; restart=never stays down; restart=always stops
# at max-restarts. Each restart waits out a back-off that doubles (from
# 10 ms, or backoff=) and says so; the rebuild's time is shown. Crash-to-ready
# time is measured. The other VM is not disturbed.
source "$(dirname "$0")/../lib.sh"

LOG=restart-bochs.log
boot_bochs "$LOG" 150 build/iso-restart.iso
check_line "$LOG" '^mica: vm phoenix: crashed: triple fault at RIP 0x[0-9a-f]+$' phoenix_crashes
check_line "$LOG" '^mica: vm phoenix: restarting in 10 ms \(back-off; restart 1 of at most 3\)$' phoenix_backs_off
check_line "$LOG" '^mica: vm phoenix: restarted \(1 of at most 3\), rebuilt in [1-9][0-9]* TSC$' phoenix_restarted
check_line "$LOG" '^\[phoenix\] guest: test: first life: a pattern over [1-9][0-9]* KiB of free memory, then a triple fault$' phoenix_fills_its_memory
# Its second life's RAM is new: no free frame holds the first life's data.
check_line "$LOG" '^\[phoenix\] guest: test: life 2: 0 of [1-9][0-9]* free frames hold data at boot$' phoenix_restarted_ram_is_clear
check_line "$LOG" '^\[phoenix\] guest: test: life 2 after 1 restarts: finishing cleanly$' phoenix_second_life
check_line "$LOG" '^mica: vm phoenix: exited with code 0$' phoenix_finishes
check_line "$LOG" '^mica: summary: phoenix +ok +0 +1 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[1-9][0-9]* +[0-9]+ +0$' phoenix_recovery_time
check_line "$LOG" '^mica: vm mortal: crashed: triple fault' mortal_crashes
check_no_line "$LOG" '^mica: vm mortal: restarted' mortal_stays_down
check_line "$LOG" '^mica: vm loop: restarting in 30 ms \(back-off; restart 1 of at most 2\)$' loop_backoff_as_configured
check_line "$LOG" '^mica: vm loop: restarting in 60 ms \(back-off; restart 2 of at most 2\)$' loop_backoff_doubles
check_line "$LOG" '^mica: vm loop: restarted \(2 of at most 2\), rebuilt in [1-9][0-9]* TSC$' loop_restarted_twice
check_no_line "$LOG" '^mica: vm loop: restarted \(3 ' loop_stops_at_max
check_line "$LOG" '^\[steady\] result app=clock checksum=0x00000001 ' steady_undisturbed
check_line "$LOG" '^mica: summary: .* 3 restarts$' restarts_counted
check_frames_returned "$LOG" every_frame_returned
check_status 1 exit_code_1_for_mortal
