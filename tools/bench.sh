#!/bin/bash
# bench.sh - mica's benchmarks, behind `make bench`. Each boots an ISO of
# tests/iso/bench-*.cfg in Bochs and reads what the guest printed:
# "bench: NAME VALUE" lines, and the cpu app's "result ... cycles=N".
# Under Bochs, RDTSC counts instructions (one CPU, "clock: sync=none"), so
# every figure is an exact instruction count: repeatable, and a regression
# shows as a changed number.
#
# usage: tools/bench.sh        (after `make all` and the bench ISOs)
#
# Exit status: 0, or 1 if a benchmark did not report.
set -u
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/bench
status=0
declare -A value

row() { # NAME VALUE UNIT
	printf '%-34s %12s %s\n' "$1" "$2" "$3"
}

for iso in build/iso-bench-*.iso; do
	name=$(basename "$iso" .iso)
	name=${name#iso-bench-}
	log=build/bench/$name.log
	# A configuration that needs more than Bochs' default memory says so
	# in a "# bochs: OPTIONS" line.
	opts=$(sed -n 's/^# bochs: //p' "tests/iso/bench-$name.cfg" 2>/dev/null)
	# shellcheck disable=SC2086
	sh tools/bochs-run.sh --timeout 1200 $opts --log "$log" --bochs-log "build/bench/$name.bochs.log" "$iso"
	found=0
	while read -r metric v; do
		value[$metric]=$v
		found=1
	done < <(sed -n 's/^\(\[[^]]*\] \)\{0,2\}\(mica: \)\{0,1\}bench: //p' "$log"
		 # A lone container's spawn-to-ready time, from the container host's
		 # line: in a host that ran a container before (spawn-1), and the
		 # first after boot (first-1), whose pages of guest RAM are new.
		 sed -n 's/^\(\[[^]]*\] \)\{0,1\}guest: container spawn-1 ready: \([0-9]*\) TSC.*/container_spawn_to_ready \2/p' "$log"
		 sed -n 's/^\(\[[^]]*\] \)\{0,1\}guest: container first-1 ready: \([0-9]*\) TSC.*/container_spawn_first_to_ready \2/p' "$log"
		 sed -n 's/^\(\[[^]]*\] \)\{0,1\}result app=cpu .*cycles=\([0-9]*\).*/cpu_app_'"$name"' \2/p' "$log"
		 # mica's own VM-entry checks: how many ran, and their cost each.
		 sed -n 's/^mica: VM-entry state checks: \([0-9]*\), \([0-9]*\) TSC each.*/vmx_state_checks_'"$name"' \1\nvmx_state_check_'"$name"' \2/p' "$log"
		 # VMs on several CPUs: the run's length, the moves and their cost.
		 sed -n 's/^mica: summary: [0-9]* VMs on [0-9]* CPUs\{0,1\} took \([0-9]*\) TSC; \([0-9]*\) moves between CPUs, \([0-9]*\) TSC each$/run_tsc_'"$name"' \1\nmoves_'"$name"' \2\nmove_tsc_'"$name"' \3/p' "$log"
		 # A lone VM's create-to-ready time: the ready column of mica's summary.
		 awk -v n="$name" '$2 == "summary:" && $3 == "bench" { print "vm_create_to_ready_" n, $10 }' "$log")
	if [ $found = 0 ]; then
		echo "bench $name: no result (see $log)"
		status=1
	fi
done

echo "mica benchmarks: instruction counts under Bochs (RDTSC counts instructions)"
for metric in cpuid_exit_round_trip null_vmcall_round_trip cpu_app_cpu-bare cpu_app_cpu-vm \
	vm_create_to_ready_cpu-vm vm_create_each vm_switch; do
	[ -n "${value[$metric]:-}" ] && row "$metric" "${value[$metric]}" instructions
done
for n in 2 16 256; do
	[ -n "${value[vm_switch_$n]:-}" ] && row "vm_switch_$n" "${value[vm_switch_$n]}" \
		"instructions each; ${value[vm_switch_${n}_switches]:-?} switches among $n spinning VMs"
done
[ -n "${value[vm_frames_each]:-}" ] && row vm_frames_each "${value[vm_frames_each]}" "4 KiB frames (RAM, EPT tables, VMCS)"
[ -n "${value[vm_density]:-}" ] &&
	row vm_density "${value[vm_density]}" "2 MiB VMs in 512 MiB (limit: ${value[vm_density_limit]:-?}); ${value[vm_density_ran_ok]:-?} ran to exit code 0" 
[ -n "${value[vmx_state_check_cpu-vm]:-}" ] &&
	row vmx_state_check "${value[vmx_state_check_cpu-vm]}" \
		"instructions each; ${value[vmx_state_checks_cpu-vm]:-?} checks in the cpu app's VM run (every entry with MICA_DEBUG=1)"
[ -n "${value[container_spawn_to_ready]:-}" ] && row container_spawn_to_ready "${value[container_spawn_to_ready]}" \
	"instructions; in a host that ran a container before"
[ -n "${value[container_spawn_first_to_ready]:-}" ] && row container_spawn_first_to_ready \
	"${value[container_spawn_first_to_ready]}" "instructions; the first after boot, its guest RAM backed as touched"
for metric in null_syscall process_switch; do
	[ -n "${value[$metric]:-}" ] && row "$metric" "${value[$metric]}" instructions
done
[ -n "${value[container_autoscale_to_target]:-}" ] && row container_autoscale_to_target \
	"${value[container_autoscale_to_target]}" "instructions; an autoscaled service under load, from its start to the count it keeps"
[ -n "${value[container_density]:-}" ] &&
	row container_density "${value[container_density]}" "minimal containers (bin/idle) ready at once in a 64 MiB container host"
# Moves between CPUs, and 4 CPU-bound VMs on 1, 2 and 4 CPUs (Bochs runs
# its CPUs in turn: the TSC counts each CPU's instructions, so N CPUs may
# do N times the work in the same ticks).
[ -n "${value[move_tsc_move]:-}" ] && row vm_move "${value[move_tsc_move]}" \
	"TSC each, release and arrival; ${value[moves_move]:-?} moves of 4 VMs started on CPU 0 of 2"
for n in 1 2 4; do
	[ -n "${value[run_tsc_scale-$n]:-}" ] || continue
	speedup=
	[ -n "${value[run_tsc_scale-1]:-}" ] && speedup=$(awk -v a="${value[run_tsc_scale-1]}" \
		-v b="${value[run_tsc_scale-$n]}" 'BEGIN { printf "; %.2fx the throughput on 1 CPU", a / b }')
	row "cpu_vms_4_on_${n}_cpus" "${value[run_tsc_scale-$n]}" \
		"TSC for 4 cpu app VMs, first created to last stopped; ${value[moves_scale-$n]:-?} moves$speedup"
done
if [ -n "${value[cpu_app_cpu-bare]:-}" ] && [ -n "${value[cpu_app_cpu-vm]:-}" ]; then
	row "cpu_app_bare_over_vm" "$(awk -v b="${value[cpu_app_cpu-bare]}" -v v="${value[cpu_app_cpu-vm]}" \
		'BEGIN { printf "%.4f", b / v }')" "(1.0 = no overhead)"
fi
exit $status
