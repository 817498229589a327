#!/bin/sh
# run.sh - `make run`: the experiment of docs/experiments.md, VMs against
# containers on one machine, with the same workloads and the same clock.
#
#   1. the baseline: the guest kernel alone, no hypervisor, runs the cpu app
#      (build/baseline.iso, tools/baseline.cfg)      -> build/run/baseline.log
#   2. the experiment: mica boots build/iso-experiment.iso (tests/iso/
#      experiment.cfg, the default entry of tools/grub.cfg without its menu's
#      wait, so that its figures are those of the tests and docs): four
#      unikernel VMs of the cpu app beside a container host running four
#      containers of it, and the rest of the measurements; then, once they
#      have stopped, Debian's Linux kernel as a VM -> build/run/experiment.log
#   3. balance a skewed load: mica boots build/iso-experiment-balance.iso
#      (tests/iso/experiment-balance.cfg: four CPU-bound VMs all started on
#      CPU 0) on 1, 2 and 4 CPUs -> build/run/balance-N.log
#   4. tools/run-end.sh: tools/experiment.sh turns the logs into the table
#      on the terminal and build/experiment.csv, tools/report.sh draws the
#      chart, and it ends with a line for each row that is not a plain
#      measurement and the outputs' names
#
# While a boot runs, the terminal shows its milestones (VMs created and
# ended, the container host's phases), not the whole console: the logs
# hold everything.
#
# With KVM and nested VT-x (tools/kvm-check.sh) both boots use QEMU+KVM
# (build/*32.elf with the modules below, or those of MICA_RUN_MODULES:
# "FILE ARGS" entries separated by ';'); elsewhere Bochs, which emulates
# VT-x, boots the ISOs.
#
# Exit status: 0 when the table is complete; else that of the failed step.
set -u
cd "$(dirname "$0")/.." || exit 125
mkdir -p build/run
base=build/run/baseline.log
exp=build/run/experiment.log
# The balance runs' CPUs; their logs, as tools/experiment.sh takes them.
balance_cpus="1 2 4"
balance_args=
for n in $balance_cpus; do
	balance_args="$balance_args --balance $n=build/run/balance-$n.log"
done
# The balance runs' modules for the QEMU path: tests/iso/experiment-balance.cfg.
balance_modules="build/guest.elf name=b1 app=cpu mem=4M start-cpu=0
build/guest.elf name=b2 app=cpu mem=4M start-cpu=0
build/guest.elf name=b3 app=cpu mem=4M start-cpu=0
build/guest.elf name=b4 app=cpu mem=4M start-cpu=0"

# The experiment's modules for the QEMU path: the entry of tools/grub.cfg.
default_modules="build/guest.elf name=vm-1 app=cpu rounds=1 mem=2M;
build/guest.elf name=vm-2 app=cpu rounds=1 mem=2M;
build/guest.elf name=vm-3 app=cpu rounds=1 mem=2M;
build/guest.elf name=vm-4 app=cpu rounds=1 mem=2M;
build/guest.elf name=vm-crash test=crash-once restart=on-failure mem=2M;
build/guest.elf name=vm-bench test=bench-exits mem=2M;
build/guest.elf name=containers mem=16M containers script=tests:run/experiment.run kernel-bug;
build/apps.cpio for=containers image=apps;
build/tests.cpio for=containers image=tests;
build/linux/vmlinuz name=linux mem=128M start=last console=ttyS0 acpi=off nokaslr clearcpuid=158,306;
build/linux-initramfs.cpio for=linux;
build/guest.elf app=cpu rounds=1 mem=2M density"

# The milestones worth a line on the terminal while a boot runs.
MILESTONES='^(mica: vm [^:]*: (created|exited|crashed|restarted|Linux starts init)|mica: (start=last:|bench: vm_density) |'\
'\[containers\] (experiment:|guest: (density:|kernel-bug:|panic:))|(\[[^]]*\] ){0,2}result app=|'\
'\[linux\] (linux-init:|(\[ *[0-9.]+\] )?Linux version ))'

# Run "$@" (a launcher writing LOG) and show LOG's milestones meanwhile.
# Returns the launcher's status.
watch() { # LOG COMMAND...
	log=$1
	shift
	: > "$log"
	"$@" > build/run/launcher.out 2>&1 &
	pid=$!
	tail -n +1 -f "$log" 2>/dev/null | grep --line-buffered -aE "$MILESTONES" | sed -u 's/^/  | /' &
	tailpid=$!
	wait $pid
	status=$?
	sleep 1
	kill $tailpid 2>/dev/null
	pkill -P $$ tail 2>/dev/null
	wait $tailpid 2>/dev/null
	# A launcher that could not run at all says why there.
	if [ $status -ge 124 ]; then
		cat build/run/launcher.out
	fi
	return $status
}

kvm=
if reason=$(sh tools/kvm-check.sh); then
	kvm=1
	echo "mica: QEMU with KVM and nested VT-x"
	set -- build/mica32.elf "density=16M"
	modules=${MICA_RUN_MODULES-$default_modules}
	set -f
	old_ifs=$IFS
	IFS=';'
	for entry in $modules; do
		IFS=$old_ifs
		entry=$(echo "$entry" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
		[ -n "$entry" ] || continue
		file=${entry%%[[:space:]]*}
		args=$(echo "${entry#"$file"}" | sed 's/^[[:space:]]*//')
		set -- "$@" "$file" "$args"
	done
	IFS=$old_ifs
	set +f
	echo "mica: [1/3] the baseline: the guest kernel alone runs the cpu app"
	watch "$base" sh tools/qemu-run.sh --kvm --timeout 120 --log "$base" build/guest32.elf "app=cpu rounds=1"
	[ $? -eq 0 ] || { echo "mica: the baseline failed; see $base"; exit 1; }
	echo "mica: [2/3] the experiment: VMs and containers side by side under mica"
	watch "$exp" sh tools/qemu-run.sh --kvm --timeout 600 --log "$exp" "$@"
else
	echo "mica: KVM with nested VT-x is not available here ($reason); booting in Bochs, which emulates VT-x (slower; its TSC counts instructions)"
	echo "mica: [1/3] the baseline: the guest kernel alone runs the cpu app"
	watch "$base" sh tools/bochs-run.sh --timeout 300 --log "$base" --bochs-log build/run/baseline.bochs.log build/baseline.iso
	[ $? -eq 0 ] || { echo "mica: the baseline failed; see $base"; exit 1; }
	echo "mica: [2/3] the experiment: VMs and containers side by side under mica"
	watch "$exp" sh tools/bochs-run.sh --timeout 900 --log "$exp" --bochs-log build/run/experiment.bochs.log build/iso-experiment.iso
fi
status=$?
# mica ends with 1 when a VM failed, and one does on purpose: the container
# host brings itself down with its kernel bug. Anything else is a failure.
if [ $status -ne 0 ] && [ $status -ne 1 ]; then
	echo "mica: the experiment did not finish (status $status); see $exp"
	exit $status
fi
echo "mica: [3/3] balance a skewed load: four CPU-bound VMs started on CPU 0, on 1, 2 and 4 CPUs"
if [ -n "$kvm" ]; then
	set -- build/mica32.elf ""
	while read -r file args; do
		set -- "$@" "$file" "$args"
	done <<EOF
$balance_modules
EOF
fi
for n in $balance_cpus; do
	if [ -n "$kvm" ]; then
		sh tools/qemu-run.sh --kvm --cpus "$n" --timeout 120 --log "build/run/balance-$n.log" "$@"
	else
		sh tools/bochs-run.sh --cpus "$n" --timeout 300 --log "build/run/balance-$n.log" \
			--bochs-log "build/run/balance-$n.bochs.log" build/iso-experiment-balance.iso
	fi >build/run/launcher.out 2>&1 ||
		{ echo "mica: the balance run on $n CPUs failed; see build/run/balance-$n.log"; exit 1; }
done
echo
# shellcheck disable=SC2086
bash tools/run-end.sh build $balance_args "$base" "$exp"
