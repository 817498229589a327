#!/bin/bash
# timeout: 240
# The unikernel apps bare in QEMU: each prints its ready line and its
# result line with the checksum that tests/scenarios/apps-vm-bochs.sh also
# expects under mica; the timer ticks at the rate asked for. Bad app
# choices get one line each.
source "$(dirname "$0")/../lib.sh"

# The checksums of docs/apps.md: they do not depend on where an app runs.
declare -A SUM=([hello]=0x4340f9fc [cpu]=0x87cd2bce [mem]=0xed1f6b1f [clock]=0x00000003)

# QEMU's clocks count instructions (--icount) where rates are measured,
# so they do not follow the load of the machine running the test.

for app in hello cpu mem clock; do
	boot_qemu "apps-bare-$app.log" 60 --icount build/guest32.elf "app=$app"
	check_line "apps-bare-$app.log" "^ready app=$app pid=1 tsc=[0-9]+$" "${app}_ready"
	check_line "apps-bare-$app.log" "^result app=$app checksum=${SUM[$app]} tsc=[0-9]+" "${app}_checksum"
	check_status 0 "${app}_exit_0"
done
# QEMU's software CPU times its PIT by the host's clock, and this machine
# may be busy with another scenario: allow 10% (Bochs, exact, gets 1%).
check_rate() { # LOG HZ NAME
	local got
	got=$(sed -n "s/^result app=clock .* hz=$2 measured_hz=\([0-9]*\)$/\1/p" "$OUT/$1")
	if [[ -n $got ]] && ((got * 100 >= $2 * 90 && got * 100 <= $2 * 110)); then
		result PASS "$3"
	else
		result FAIL "$3" "measured_hz=${got:-none}, want $2 within 10%"
	fi
}
check_rate apps-bare-clock.log 100 clock_ticks_at_100hz

boot_qemu apps-bare-hz.log 60 --icount build/guest32.elf "app=clock seconds=1 hz=250"
check_rate apps-bare-hz.log 250 clock_ticks_at_250hz
check_status 0 clock_250hz_exit_0

boot_qemu apps-bare-default.log 60 build/guest32.elf ""
check_line apps-bare-default.log "^result app=hello checksum=${SUM[hello]} " no_app_runs_hello
check_status 0 no_app_exit_0

boot_qemu apps-bare-unknown.log 60 build/guest32.elf "app=nope"
check_line apps-bare-unknown.log '^guest: app=nope: no such app \(known: hello, cpu, mem, clock\)$' unknown_app_lists_known
check_status 2 unknown_app_exit_2

boot_qemu apps-bare-toobig.log 60 build/guest32.elf "app=mem size=1G"
check_line apps-bare-toobig.log '^guest: app=mem size=1G: needs 1025 MiB of free memory, this kernel has [0-9]+ MiB$' too_little_memory_says_how_much
check_status 2 too_little_memory_exit_2
