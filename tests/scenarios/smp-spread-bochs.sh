#!/bin/bash
# timeout: 480
# VMs on every CPU, on 2 and on 4 CPUs in Bochs (tests/iso/smp-spread.cfg):
# each new VM goes to the CPU with the fewest VMs (ties to the lowest
# number), `cpu=1` pins one, which restarts once and stays on its CPU;
# each VM's output shows it really ran, its
# stop line and its summary row name its CPU, and the boot line says
# every CPU runs guests. Two VMs on two CPUs at once keep their own SSE
# registers: each CPU has its own record of whose registers it holds.
source "$(dirname "$0")/../lib.sh"

# Where each VM must run: a b fpu1 fpu2 by least load, pinned by cpu=1.
declare -A want2=([a]=0 [b]=1 [fpu1]=0 [fpu2]=1 [pinned]=1)
declare -A want4=([a]=0 [b]=1 [fpu1]=2 [fpu2]=3 [pinned]=1)

for n in 2 4; do
	LOG=smp-spread-$n-bochs.log
	CPUS=$n boot_bochs "$LOG" 400 build/iso-smp-spread.iso
	check_line "$LOG" "^mica: $n CPUs found, $n in VMX operation, $n running guests$" boot_line_$n
	declare -n want=want$n
	for vm in a b fpu1 fpu2 pinned; do
		cpu=${want[$vm]}
		if [[ $vm == fpu* ]]; then
			check_line "$LOG" "^\\[$vm\\] guest: test: SSE registers intact after sleeping" \
				${vm}_registers_intact_$n
		else
			check_line "$LOG" "^\\[$vm\\] result app=hello checksum=0x4340f9fc " ${vm}_ran_$n
		fi
		check_line "$LOG" "^mica: vm $vm: exited with code 0 \\(cpu $cpu\\)$" ${vm}_stop_line_cpu${cpu}_of_$n
		restarts=0
		[[ $vm != pinned ]] || restarts=1
		check_line "$LOG" "^mica: summary: $vm +ok +0 +$restarts( +[0-9]+){6} +$cpu$" \
			${vm}_summary_cpu${cpu}_of_$n
	done
	# Both lives of the pinned VM ended on CPU 1.
	lives=$(grep -acE '^mica: vm pinned: exited with code 0 \(cpu 1\)$' "$OUT/$LOG")
	if ((lives == 2)); then result PASS restart_stays_on_cpu1_$n; else
		result FAIL restart_stays_on_cpu1_$n "$lives of its 2 lives ended on cpu 1"; fi
	# Every CPU ran a VM: the stop lines name n distinct CPUs.
	cpus=$(grep -aoE '^mica: vm [a-z0-9]+: exited with code 0 \(cpu [0-9]+\)' "$OUT/$LOG" |
		sed 's/.*(cpu \([0-9]*\))/\1/' | sort -u | wc -l)
	if ((cpus == n)); then result PASS every_cpu_ran_a_vm_$n; else
		result FAIL every_cpu_ran_a_vm_$n "stop lines name $cpus distinct CPUs, not $n"; fi
	check_line "$LOG" '^mica: 5 VMs: 5 exited with 0, 0 failed, 0 crashed; ' all_five_ok_$n
	check_no_line "$LOG" 'left out|panic|unhandled' no_cpu_left_out_$n
	check_status 0 exit_code_0_$n
done
