# tests/vpc/expect.sh - sourced by the virtual-PC scenarios after
# tests/lib.sh: the check of one test kernel's KTAP against a reference
# implementation, with that reference's known deviations from the SDM.
#
# vpc_check LOG KERNEL [NAME=WHY]...
#
# One result per KTAP case of LOG, named KERNEL:case. A case that passed
# is a PASS; one that failed is a FAIL, unless it is listed as NAME=WHY: a
# place where this reference itself departs from the SDM (WHY says how),
# which is a SKIP (not a pass). A listed case that passes, or that the kernel does not
# have, is a FAIL: the list must say exactly where the reference differs.
# Then KERNEL:ran: the kernel printed its whole plan and ended by itself.
vpc_check() {
	local log kernel=$1 d verdict name why seen=" " plan count=0
	log=$(_log "$1")
	kernel=$2
	shift 2
	declare -A dev=()
	for d in "$@"; do
		dev[${d%%=*}]=${d#*=}
	done
	_readable "$kernel:ran" "$log" || return 1
	while IFS=$'\t' read -r verdict name why; do
		count=$((count + 1))
		seen="$seen$name "
		if [[ $verdict == ok && -n ${dev[$name]:-} ]]; then
			result FAIL "$kernel:$name" "passes, yet is listed as a deviation of this reference (${dev[$name]})"
		elif [[ $verdict == ok ]]; then
			result PASS "$kernel:$name"
		elif [[ -n ${dev[$name]:-} ]]; then
			# A listed departure of the reference: an allowed skip, as a
			# scenario's KTAP_SKIPS are, counted as a skip.
			_skip_ok=1
			result SKIP "$kernel:$name" "this reference is not faithful here: ${dev[$name]}"
			_skip_ok=0
		else
			result FAIL "$kernel:$name" "${why:-the kernel reported not ok}"
		fi
	done < <(tr -d '\r' <"$log" | awk '
		/^# [a-z0-9_]+: / { n = $2; sub(/:$/, "", n); w = $0; sub(/^# [a-z0-9_]+: /, "", w); reason[n] = w }
		/^(not )?ok [0-9]+ - / {
			v = ($1 == "not") ? "not_ok" : "ok"
			name = $0; sub(/^(not )?ok [0-9]+ - /, "", name); sub(/[ \t]*#.*/, "", name)
			printf "%s\t%s\t%s\n", v, name, reason[name]
		}')
	for d in "${!dev[@]}"; do
		[[ $seen == *" $d "* ]] || result FAIL "$kernel:$d" "listed as a deviation, but the kernel has no such case"
	done
	plan=$(tr -d '\r' <"$log" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
	if [[ -z $plan || $plan != "$count" ]] || ! tr -d '\r' <"$log" | grep -q '^# [0-9]* failed$'; then
		result FAIL "$kernel:ran" "plan 1..${plan:-?}, $count results, and no closing '# N failed' line"
	else
		result PASS "$kernel:ran"
	fi
}

# What the user wrote for vpc-mem in every run (tests/iso/vpc-vm.cfg,
# vpc-bare-mem.cfg, vpc-bare-qemu.sh): its command line must be exactly
# these words, after the image's path where the loader gives one (QEMU
# does; GRUB 2 gives none, to a kernel or to mica for a module).
VPC_MEM_WORDS="vpc-mem greeting=hello root=/dev/vda1 quiet"

# vpc_cmdline LOG PREFIX IMAGE WORDS NAME: the kernel printed its command
# line as exactly "IMAGE WORDS" (either may be empty).
vpc_cmdline() {
	local want="$3${3:+${4:+ }}$4"
	check_line "$1" "^$2# command line: '${want//./\\.}'\$" "$5"
}

# vpc_vm_checks LOG: the kernels ran as VMs under mica (a boot of
# tests/iso/vpc-vm*.cfg): every KTAP case passed, each VM's command line
# is what GRUB gives the kernel bare (none of mica's keys: name=, mem=,
# restart=; cpu's line starts with an image name, which stays first),
# mem's unbacked accesses are counted, the fault kernel's VMs ended as
# asked (exit 0; a HLT nothing can wake, with interrupts off or with every
# source masked; a triple fault), each with its one line, and never went
# on.
vpc_vm_checks() {
	local log=$1 vm
	check_ktap "$log"
	vpc_cmdline "$log" '\[mem\] ' "" "$VPC_MEM_WORDS" mem_command_line_as_grub_gives_it
	vpc_cmdline "$log" '\[cpu\] ' /boot/vpc-cpu.elf "" cpu_command_line_image_name_only
	for vm in apic low fault; do
		check_line "$log" "^\\[$vm\\] # command line: ''\$" "${vm}_command_line_empty"
	done
	vpc_cmdline "$log" '\[halt\] ' "" then-halt halt_command_line
	vpc_cmdline "$log" '\[wait\] ' "" then-wait wait_command_line
	vpc_cmdline "$log" '\[triple\] ' "" then-triple-fault triple_command_line
	for vm in cpu apic low fault; do
		check_line "$log" "^mica: vm $vm: exited with code 0\$" "${vm}_exit_code_0"
	done
	# mem's 5 reads and 2 writes of 0xe0000000 are on its stop line.
	check_line "$log" '^mica: vm mem: exited with code 0; unbacked addresses: 5 reads \(all ones\), 2 writes \(dropped\)$' mem_exit_code_0_accesses_counted
	check_line "$log" '^\[halt\] # HLT with interrupts off, nothing to wake it$' halt_reached
	check_line "$log" '^mica: vm halt: halted with interrupts off$' halt_ends_vm_with_one_line
	check_line "$log" '^\[wait\] # HLT with interrupts on, every interrupt source masked$' wait_reached
	check_line "$log" '^mica: vm wait: crashed: halted waiting for an interrupt, and no device of this VM will send one$' \
		wait_ends_vm_with_one_line
	check_line "$log" '^\[triple\] # a triple fault: an exception with an empty IDT$' triple_fault_reached
	check_line "$log" '^mica: vm triple: crashed: triple fault at RIP 0x[0-9a-f]+$' triple_fault_ends_vm_with_one_line
	check_no_line "$log" '# (woke up from HLT|went on after a triple fault)' halt_and_triple_fault_never_return
	check_line "$log" '^mica: 8 VMs: 6 exited with 0, 0 failed, 2 crashed' summary
	check_no_line "$log" '^mica: panic' mica_never_panics
	check_frames_returned "$log" every_frame_returned
	check_status 1 exit_code_1_vms_crashed
}

# vpc_exited KERNEL: the last boot ended with the kernel's own exit code
# through port 0xf4 (0: all passed, 1: some failed), not by a crash or
# the time limit.
vpc_exited() {
	_unchecked=
	if [[ $STATUS == 0 || $STATUS == 1 ]]; then
		result PASS "$1:exit_through_port_0xf4"
	else
		result FAIL "$1:exit_through_port_0xf4" "status $STATUS"
	fi
}
