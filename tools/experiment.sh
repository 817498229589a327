#!/bin/bash
# experiment.sh - the figures of `make run`, the experiment: unikernel VMs
# beside containers on one machine (docs/experiments.md). Reads the serial
# log of the bare baseline boot and that of mica's boot (tests/iso/
# experiment.cfg: K=4 VMs of the cpu app beside a container host VM running
# 4 containers of it, then a VM of Debian's Linux kernel), and with
# --balance those of the balance runs (CPU-bound VMs started on one CPU, on
# 1, 2 and 4 CPUs), prints one row
# per claim of the VM-versus-container literature, VMs and containers side
# by side, and writes every figure as CSV. Each cell comes from a line of a log; a figure not found prints
# "missing". Under Bochs RDTSC counts instructions: "TSC" means instructions.
#
# usage: tools/experiment.sh [--balance N=LOG]... BASELINE_LOG EXPERIMENT_LOG [CSV_OUT]
#        (CSV_OUT defaults to build/experiment.csv; its rows are
#        metric,model,value,unit, always in the same order; the autoscale
#        rows last, only from a log with that phase, then the balance rows,
#        only with --balance)
#        --balance N=LOG: the log of tests/iso/experiment-balance.cfg booted
#        on N CPUs (1, 2 or 4): CPU-bound VMs all started on CPU 0; the most
#        CPUs' log gives the time until every CPU had a VM, each log the
#        run's length on its CPUs
#
# Exit status: 0 every figure found; 1 a figure missing, the cpu app's
# checksums differ, a VM of the balance runs did not exit with 0, or a log
# cannot be read.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: $0 [--balance N=LOG]... BASELINE_LOG EXPERIMENT_LOG [CSV_OUT]"
declare -A balance=()   # CPUs -> the balance run's log on that many
while [ "${1:-}" = --balance ]; do
	case ${2:-} in
	[124]=?*) balance[${2%%=*}]=${2#*=} ;;
	*) echo "experiment: --balance wants N=LOG, N 1, 2 or 4, not '${2:-}'" >&2; exit 1 ;;
	esac
	shift 2
done
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "$usage" >&2
	exit 1
fi
csv=${3:-$root/build/experiment.csv}
K=4     # VMs and containers of the cpu app (tests/iso/experiment.cfg)
OS=linux        # the VM of another OS, Linux (tests/iso/experiment.cfg)

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The logs without carriage returns and terminal escapes (GRUB clears the
# screen before it boots).
for f in "$1" "$2"; do
	if [ ! -r "$f" ]; then
		echo "experiment: cannot read $f" >&2
		exit 1
	fi
done
for n in "${!balance[@]}"; do
	if [ ! -r "${balance[$n]}" ]; then
		echo "experiment: cannot read ${balance[$n]}" >&2
		exit 1
	fi
	sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' "${balance[$n]}" >"$tmp/balance-$n"
done
sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' "$1" >"$tmp/bare"
sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' "$2" >"$tmp/run"
B=$tmp/bare
L=$tmp/run

# ---- Reading the logs ----

# after PREFIX [FILE]: the rest of the first line that starts with PREFIX
# (a plain string, not a pattern). Names carry the VM's prefix: "mica: ",
# "[vm-1] ", "[containers] [cpu-1] ".
after() {
	awk -v p="$1" 'index($0, p) == 1 { print substr($0, length(p) + 1); exit }' "${2:-$L}"
}

# num TEXT SED_PATTERN: the \1 of SED_PATTERN in TEXT, if it is a number.
num() {
	printf '%s\n' "$1" | sed -n "s/$2/\1/p" | grep -E '^[0-9]+$' | head -n 1
}

# table PREFIX HEADER_WORD ROW...: the first summary table printed with
# PREFIX ("mica: summary: ", "[containers] summary: ") that has every ROW,
# as "name col=value col=value ..." lines. A table starts at its header,
# whose first word is HEADER_WORD; the container host prints its table on
# the `summary` command and again at its end.
table() {
	local prefix=$1 head=$2
	shift 2
	awk -v p="$prefix" -v head="$head" -v need="$*" '
		index($0, p) != 1 { next }
		{ n = split(substr($0, length(p) + 1), f, " ") }
		f[1] == head { t++; for (i = 1; i <= n; i++) col[t, i] = f[i]; cols[t] = n; next }
		t && n == cols[t] {
			line = f[1]
			for (i = 2; i <= n; i++) line = line " " col[t, i] "=" f[i]
			row[t, f[1]] = line; names[t] = names[t] " " f[1]
		}
		END {
			k = split(need, want, " ")
			for (i = 1; i <= t; i++) {
				for (j = 1; j <= k; j++) if (!((i, want[j]) in row)) break
				if (j <= k) continue
				m = split(names[i], all, " ")
				for (j = 1; j <= m; j++) if (!seen[all[j]]++) print row[i, all[j]]
				exit
			}
		}' "$L"
}

# cell TABLE_FILE ROW COLUMN: one value of a table() table.
cell() {
	awk -v r="$2" -v c="$3" '$1 == r { for (i = 2; i <= NF; i++) if (index($i, c "=") == 1)
		{ print substr($i, length(c) + 2); exit } }' "$1"
}

# median V...: the middle value (mean of the two middle ones for an even
# count); empty if a value is missing.
median() {
	local v
	for v in "$@"; do [ -n "$v" ] || return 0; done
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.15g\n", m }'
}

# maximum V...
maximum() {
	local v
	for v in "$@"; do [ -n "$v" ] || return 0; done
	printf '%s\n' "$@" | sort -n | tail -n 1
}

# ---- The figures ----

declare -A V            # "metric model" -> value
missing=
# put METRIC MODEL VALUE: record a figure; an empty VALUE is missing.
put() {
	if [ -n "$3" ]; then
		V[$1 $2]=$3
	else
		V[$1 $2]=missing
		missing="$missing $1($2)"
	fi
}
get() { echo "${V[$1 $2]:-missing}"; }

vms=() cpus=()
for i in $(seq 1 $K); do vms+=("vm-$i"); cpus+=("cpu-$i"); done
table "mica: summary: " vm "${vms[@]}" >"$tmp/mica"
table "[containers] summary: " container "${cpus[@]}" >"$tmp/ctr"

column_of() { # TABLE_FILE COLUMN ROW...: the column's value for each row
	local t=$1 c=$2
	shift 2
	for r in "$@"; do cell "$t" "$r" "$c"; done
}
# "mica: summary:" rows: outcome code restarts guest_tsc mica_tsc ram_kib
# ready_tsc recover_tsc ready_cpu; "[containers] summary:" rows: outcome
# restarts faults peak_kib cpu_tsc ready_tsc recover_tsc ready_cpu.
mapfile -t vm_ready < <(column_of "$tmp/mica" ready_tsc "${vms[@]}")
mapfile -t ctr_ready < <(column_of "$tmp/ctr" ready_tsc "${cpus[@]}")
[ ${#vm_ready[@]} = $K ] || vm_ready=("")
[ ${#ctr_ready[@]} = $K ] || ctr_ready=("")

# Start, create to ready, in CPU work: what creating and readying one VM
# or container cost (its creation, then its own turns up to its ready
# line), the time it waited for other VMs' turns left out.
mapfile -t vm_cpu_ready < <(column_of "$tmp/mica" ready_cpu "${vms[@]}")
mapfile -t ctr_cpu_ready < <(column_of "$tmp/ctr" ready_cpu "${cpus[@]}")
[ ${#vm_cpu_ready[@]} = $K ] || vm_cpu_ready=("")
[ ${#ctr_cpu_ready[@]} = $K ] || ctr_cpu_ready=("")
put start_cpu_p50 vm "$(median "${vm_cpu_ready[@]}")"
put start_cpu_p50 container "$(median "${ctr_cpu_ready[@]}")"
put start_cpu_max vm "$(maximum "${vm_cpu_ready[@]}")"
put start_cpu_max container "$(maximum "${ctr_cpu_ready[@]}")"
# The same start in wall-clock TSC, other VMs' turns included.
put start_latency_p50 vm "$(median "${vm_ready[@]}")"
put start_latency_p50 container "$(median "${ctr_ready[@]}")"
put start_latency_max vm "$(maximum "${vm_ready[@]}")"
put start_latency_max container "$(maximum "${ctr_ready[@]}")"

# Memory per instance. A VM: the frames mica charged it (density phase),
# and the split mica prints at its end; the FPU area and the virtual-APIC
# page are the rest, after mica's struct vm.
frames=$(num "$(after "mica: bench: vm_frames_each ")" '^\([0-9]*\)$')
mem=$(after "mica: vm vm-1: memory: ")
ram=$(num "$mem" '^\([0-9]*\) KiB RAM,.*')
ept=$(num "$mem" '.* \([0-9]*\) KiB EPT tables.*')
vmcs=$(num "$mem" '.* \([0-9]*\) KiB VMCS.*')
put memory_per_instance vm "${frames:+$((frames * 4))}"
put memory_ram vm "$ram"
put memory_ept_tables vm "$ept"
put memory_vmcs vm "$vmcs"
# mica's struct vm of each density copy lies in frames of its own, counted
# (a log without the line is from before: none).
structf=$(num "$(after "mica: bench: vm_struct_frames ")" '^\([0-9]*\)$')
structf=${structf:-0}
rest=
[ -n "$frames" ] && [ -n "$ram" ] && [ -n "$ept" ] && [ -n "$vmcs" ] &&
	rest=$((frames * 4 - ram - ept - vmcs - structf * 4))
put memory_fpu_area vm "$rest"
put memory_struct vm "$((structf * 4))"
# A container: its peak (pages, page tables, kernel stack) and its kernel
# objects: one process and one container.
mapfile -t peaks < <(column_of "$tmp/ctr" peak_kib "${cpus[@]}")
[ ${#peaks[@]} = $K ] || peaks=("")
peak=$(median "${peaks[@]}")
objs=$(after "[containers] guest: container host: kernel objects: ")
proc_b=$(num "$objs" '^\([0-9]*\) bytes per process.*')
ctr_b=$(num "$objs" '.*, \([0-9]*\) per container$')
put memory_peak container "$peak"
put kernel_objects_process container "$proc_b"
put kernel_objects_container container "$ctr_b"
put kernel_objects container "$([ -n "$proc_b" ] && [ -n "$ctr_b" ] &&
	awk -v a="$proc_b" -v b="$ctr_b" 'BEGIN { printf "%.2f\n", (a + b) / 1024 }')"
put memory_per_instance container "$([ -n "$peak" ] && [ "$(get kernel_objects container)" != missing ] &&
	awk -v k="$peak" -v o="$(get kernel_objects container)" 'BEGIN { printf "%.15g\n", k + o }')"

# Least memory each ran in, and did each run: exit code 0 / outcome ok.
mapfile -t rams < <(column_of "$tmp/mica" ram_kib "${vms[@]}")
[ ${#rams[@]} = $K ] || rams=("")
put least_memory vm "$(maximum "${rams[@]}")"
put least_memory container "$(maximum "${peaks[@]}")"
ran=$(awk -v rows="${vms[*]}" 'BEGIN { split(rows, r, " "); for (i in r) want[r[i]] = 1 }
	want[$1] && $2 == "outcome=ok" && $3 == "code=0"' "$tmp/mica" | wc -l)
[ -s "$tmp/mica" ] || ran=
put ran_ok vm "$ran"
ran=$(awk -v rows="${cpus[*]}" 'BEGIN { split(rows, r, " "); for (i in r) want[r[i]] = 1 }
	want[$1] && $2 == "outcome=ok"' "$tmp/ctr" | wc -l)
[ -s "$tmp/ctr" ] || ran=
put ran_ok container "$ran"

# Density in a fixed budget.
put density vm "$(num "$(after "mica: bench: vm_density ")" '^\([0-9]*\)$')"
put density_budget vm "$(num "$(after "mica: bench: vm_density_budget_kib ")" '^\([0-9]*\)$')"
put density_ran_ok vm "$(num "$(after "mica: bench: vm_density_ran_ok ")" '^\([0-9]*\)$')"
vm_limit=$(after "mica: bench: vm_density_limit ")
put density container "$(num "$(after "[containers] bench: container_density ")" '^\([0-9]*\)$')"
put density_budget container "$(num "$(after "mica: vm containers: memory: ")" '^\([0-9]*\) KiB RAM.*')"
host=$(after "[containers] guest: container host: ")
put density_free container "$(num "$host" '.*, \([0-9]*\) KiB free for containers$')"
ctr_limit=$(after "[containers] guest: density: " | sed -n 's/^[^;]*; \(container [0-9]* \)/\1/p')
[ -n "$vm_limit" ] || missing="$missing density_limit(vm)"
[ -n "$ctr_limit" ] || missing="$missing density_limit(container)"

# Crossing and switch costs.
put crossing_cost vm "$(num "$(after "[vm-bench] bench: null_vmcall_round_trip ")" '^\([0-9]*\)$')"
put crossing_cost container "$(num "$(after "[containers] [syscall-1] bench: null_syscall ")" '^\([0-9]*\)$')"
put switch_cost vm "$(num "$(after "mica: bench: vm_switch ")" '^\([0-9]*\)$')"
sw=$(grep -m1 '^mica: summary: [0-9]* VM switches, ' "$L")
put switch_cost_run vm "$(num "$sw" '.* VM switches, \([0-9]*\) TSC each.*')"
put switches_run vm "$(num "$sw" '^mica: summary: \([0-9]*\) VM switches.*')"
put switch_cost container "$(num "$(after "[containers] [switch-1] bench: process_switch ")" '^\([0-9]*\)$')"

# CPU-bound throughput against bare metal: the CPU each instance took.
bare_line=$(after "result app=cpu " "$B")
put cpu_time bare "$(num "$bare_line" '.* cycles=\([0-9]*\).*')"
mapfile -t vm_cpu < <(for r in "${vms[@]}"; do
	in_guest=$(cell "$tmp/mica" "$r" guest_tsc) in_mica=$(cell "$tmp/mica" "$r" mica_tsc)
	[ -n "$in_guest" ] && [ -n "$in_mica" ] && echo $((in_guest + in_mica)) || echo
done)
# A process's CPU time is its own only net of other VMs' turns: the
# container host says when mica's steal clock is on.
mapfile -t ctr_cpu < <(column_of "$tmp/ctr" cpu_tsc "${cpus[@]}")
[ ${#ctr_cpu[@]} = $K ] || ctr_cpu=("")
if [ -z "$(after "[containers] guest: processes: CPU time net of other VMs' turns")" ]; then
	ctr_cpu=("")
	missing="$missing steal_clock(container)"
fi
put cpu_time vm "$(median "${vm_cpu[@]}")"
put cpu_time container "$(median "${ctr_cpu[@]}")"
for m in vm container; do
	b=$(get cpu_time bare) x=$(get cpu_time $m)
	r=
	[ "$b" != missing ] && [ "$x" != missing ] && r=$(awk -v b="$b" -v x="$x" 'BEGIN { printf "%.3f\n", b / x }')
	put cpu_ratio $m "$r"
done
# The cpu app's checksum: the same in every instance as bare?
sum=$(printf '%s\n' "$bare_line" | sed -n 's/^checksum=\(0x[0-9a-f]*\) .*/\1/p')
same() { # OUTER NAME...: how many "OUTER[NAME] result app=cpu" lines carry $sum
	local outer=$1 n=0 r s
	shift
	for r in "$@"; do
		s=$(after "${outer}[$r] result app=cpu " | sed -n 's/^checksum=\(0x[0-9a-f]*\) .*/\1/p')
		[ -n "$s" ] && [ "$s" = "$sum" ] && n=$((n + 1))
	done
	echo $n
}
put checksum_same vm "$([ -n "$sum" ] && same "" "${vms[@]}")"
put checksum_same container "$([ -n "$sum" ] && same "[containers] " "${cpus[@]}")"

# Blast radius. A guest kernel crashes: vm-crash, plus any other VM (not the
# container host, whose end is the kernel bug's doing) that is not "ok".
# The Linux VM is not counted: it starts once the others have stopped
# (start=last), so no failure of theirs could reach it.
crash=$(after "mica: vm vm-crash: crashed: ")
others=$(awk -v os="$OS" '$1 != "vm-crash" && $1 != "containers" && $1 != os && $2 != "outcome=ok"' "$tmp/mica" | wc -l)
of=$(awk -v os="$OS" '$1 != "containers" && $1 != os' "$tmp/mica" | wc -l)
put blast_kernel_crash vm "$([ -n "$crash" ] && [ -s "$tmp/mica" ] && echo $((1 + others)))"
put blast_kernel_crash_of vm "$([ -s "$tmp/mica" ] && echo "$of")"
# The shared kernel's bug: every container running in it, if its VM ended.
bug=$(after "[containers] guest: kernel-bug: container ")
running=$(num "$bug" '.* (\([0-9]*\) containers running)$')
host_out=$(cell "$tmp/mica" containers outcome)
host_code=$(cell "$tmp/mica" containers code)
down=
[ -n "$running" ] && [ -n "$host_out" ] && { [ "$host_out" != ok ] && down=$running || down=0; }
put blast_kernel_bug container "$down"
put blast_kernel_bug_of container "$running"
# One process crashes: crash-1, plus any web-N not still running.
fault=$(after "[containers] guest: container crash-1: pid 1 (bin/fault) killed: ")
webs=$(awk '$1 ~ /^web-/' "$tmp/ctr" | wc -l)
hurt=$(awk '$1 ~ /^web-/ && $2 != "outcome=running" && $2 != "outcome=ok"' "$tmp/ctr" | wc -l)
put blast_process_crash container "$([ -n "$fault" ] && [ "$webs" -gt 0 ] && echo $((1 + hurt)))"
put blast_process_crash_of container "$([ "$webs" -gt 0 ] && echo $((1 + webs)))"

# Recovery, crash to ready again.
put recovery vm "$(cell "$tmp/mica" vm-crash recover_tsc)"
put recovery container "$(cell "$tmp/ctr" crash-1 recover_tsc)"

# Balancing a skewed load, the container side: an autoscaled service under
# load, from its start to the count its policy keeps (docs/containers.md,
# "Autoscaling"). A log from before that phase has neither line: n/a.
if grep -q '^\[containers\] experiment: balance a skewed load' "$L"; then
	put autoscale_to_target container \
		"$(num "$(after "[containers] bench: container_autoscale_to_target ")" '^\([0-9]*\)$')"
	steady=$(after "[containers] guest: engine: autoscale auto: steady at ")
	put autoscale_replicas container "$(num "$steady" '^\([0-9]*\) replicas.*')"
else
	V[autoscale_to_target container]=n/a V[autoscale_replicas container]=n/a
	no_autoscale=1
fi

# Balancing a skewed load, the VM side: tests/iso/experiment-balance.cfg's
# CPU-bound VMs, all started on CPU 0, booted on 1, 2 and 4 CPUs. On the
# most CPUs, mica's line of the time from the first VM's creation until
# every CPU had a VM to run, and the moves by then; on each, the run's
# length (first created to last stopped) and the throughput against 1 CPU.
# Without those logs: n/a. A run whose VMs did not all exit with code 0
# fails the table.
bal_cpus=$(printf '%s\n' "${!balance[@]}" | sort -n | tail -n 1)
bal_vms=n/a bal_bad=
if [ -n "$bal_cpus" ]; then
	spread=$(after "mica: balance: every CPU busy " "$tmp/balance-$bal_cpus")
	put balance_spread vm "$(num "$spread" '^\([0-9]*\) TSC after the first VM started .*')"
	put balance_moves vm "$(num "$spread" '.* (\([0-9]*\) moves)$')"
	for n in $(printf '%s\n' "${!balance[@]}" | sort -n); do
		run=$(grep -m1 '^mica: summary: [0-9]* VMs on [0-9]* CPUs\{0,1\} took ' "$tmp/balance-$n")
		put "scale_run_$n" vm "$(num "$run" '.* CPUs\{0,1\} took \([0-9]*\) TSC; .*')"
		bal_vms=$(num "$run" '^mica: summary: \([0-9]*\) VMs on .*')
		grep -q "^mica: ${bal_vms:-x} VMs: $bal_vms exited with 0, 0 failed, 0 crashed;" "$tmp/balance-$n" ||
			bal_bad="$bal_bad $n"
	done
	for n in 2 4; do
		[ -n "${balance[$n]:-}" ] && [ -n "${balance[1]:-}" ] || continue
		a=$(get scale_run_1 vm) b=$(get "scale_run_$n" vm) r=
		[ "$a" != missing ] && [ "$b" != missing ] && r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f\n", a / b }')
		put "scale_speedup_$n" vm "$r"
	done
else
	V[balance_spread vm]=n/a V[balance_moves vm]=n/a
fi

# Image size: the guest kernel module; the container's program and image.
module=$(awk -v n="name=vm-1" 'index($0, "mica: module ") == 1 &&
	(index($0, "'\''" n " ") || index($0, " " n " ") || index($0, " " n "'\''"))' "$L" | head -n 1)
put image_size vm "$(num "$module" '.*, \([0-9]*\) bytes at .*')"
eng=$(after "[containers] guest: engine: run cpu: ")
put image_size container "$(num "$eng" '^[0-9]* x [^ ]* (\([0-9]*\) bytes).*')"
archive=$(after "[containers] guest: image apps: ")
put image_archive container "$(num "$archive" '.*, \([0-9]*\) bytes$')"
put image_archive_entries container "$(num "$archive" '^\([0-9]*\) entries,.*')"

# Boot a different OS: Debian's Linux kernel as a VM, from its creation to
# the kernel starting init, measured as the other starts are (its summary
# row's ready_cpu and ready_tsc: mica takes "Run /init as init process" for
# its ready line), and the RAM it had touched by then. It counts as booted
# only if its init printed its line under the VM's name and the VM then
# ended with exit code 0. A container cannot do this: it runs on its host's
# kernel.
put boot_os_cpu vm "$(cell "$tmp/mica" "$OS" ready_cpu | grep -v '^0$')"
put boot_os_wall vm "$(cell "$tmp/mica" "$OS" ready_tsc | grep -v '^0$')"
os_init=$(after "mica: vm $OS: Linux starts init ")
put boot_os_memory vm "$(num "$os_init" '.*; guest RAM touched: \([0-9]*\) KiB of .*')"
put boot_os_mem vm "$(num "$os_init" '.* KiB of \([0-9]*\) KiB$')"
os_release=$(after "[$OS] linux-init: hello from Linux " | sed -n 's/^\([^ ]*\) pid=1 .*/\1/p')
os_ok=
if [ -s "$tmp/mica" ]; then
	os_ok=0
	[ -n "$os_release" ] && grep -qxF "mica: vm $OS: exited with code 0" "$L" &&
		[ "$(cell "$tmp/mica" "$OS" outcome) $(cell "$tmp/mica" "$OS" code)" = "ok 0" ] && os_ok=1
fi
put boot_os_ok vm "$os_ok"

# ---- The table ----

row() { # CLAIM VM CONTAINERS UNIT
	printf '%-36s %-14s %-14s %s\n' "$1" "$2" "$3" "$4"
}
# join SEP FIGURE...: the figures joined by SEP, or "missing" if one is.
join() {
	local sep=$1 out="" f
	shift
	for f in "$@"; do
		[ "$f" != missing ] || { echo missing; return; }
		out=${out:+$out$sep}$f
	done
	echo "$out"
}
g() { get "$@"; }

echo "the experiment: $K unikernel VMs against $K containers of the cpu app, one boot of mica"
echo "TSC: instructions under Bochs; \"wall clock\" counts other VMs' turns on the one CPU too"
echo
row "claim" "VMs" "containers" "unit: what"
row "start, create to ready, CPU: p50" "$(g start_cpu_p50 vm)" "$(g start_cpu_p50 container)" "TSC of CPU work, of $K each (start_cpu)"
row "  max" "$(g start_cpu_max vm)" "$(g start_cpu_max container)" "TSC of CPU work"
row "start latency, create to ready: p50" "$(g start_latency_p50 vm)" "$(g start_latency_p50 container)" "TSC, wall clock, of $K each (start_wall)"
row "  max" "$(g start_latency_max vm)" "$(g start_latency_max container)" "TSC, wall clock"
row "memory per instance, charged" "$(g memory_per_instance vm)" "$(g memory_per_instance container)" "KiB"
row "  made of" "$(join + "$(g memory_ram vm)" "$(g memory_ept_tables vm)" "$(g memory_vmcs vm)" "$(g memory_fpu_area vm)" "$(g memory_struct vm)")" \
	"$(join + "$(g memory_peak container)" "$(g kernel_objects container)")" \
	"KiB: RAM+EPT+VMCS+FPU and virtual-APIC pages+struct vm; peak+kernel objects"
row "least memory each ran in" "$(g least_memory vm)" "$(g least_memory container)" "KiB: RAM touched; peak"
row "  ran to the end, ok" "$(join " of " "$(g ran_ok vm)" $K)" "$(join " of " "$(g ran_ok container)" $K)" "instances"
row "density in $(g density_budget vm) KiB" "$(g density vm)" "$(g density container)" \
	"instances (containers: $(g density_free container) KiB free in a $(g density_budget container) KiB host VM)"
row "  ran at once" "$(join " of " "$(g density_ran_ok vm)" "$(g density vm)") ok" "$(g density container) ready" "instances"
row "  limit" "${vm_limit:-missing}" "$(echo "${ctr_limit:-missing}" | sed 's/^container [0-9]* not made: //; s/ (.*//')" "what ran out"
row "crossing cost, round trip" "$(g crossing_cost vm)" "$(g crossing_cost container)" "TSC: null hypercall; null system call"
row "switch cost" "$(g switch_cost vm)" "$(g switch_cost container)" "TSC: VM switch (density phase); process switch"
row "  VM switch in the run" "$(g switch_cost_run vm)" "" "TSC on average, $(g switches_run vm) switches"
row "CPU taken by the cpu app: p50" "$(g cpu_time vm)" "$(g cpu_time container)" "TSC (bare: $(g cpu_time bare)); VM: with its kernel's boot"
row "  bare / instance" "$(g cpu_ratio vm)" "$(g cpu_ratio container)" "1.000: as fast as bare"
row "  checksum as bare, ${sum:-missing}" "$(join " of " "$(g checksum_same vm)" $K)" "$(join " of " "$(g checksum_same container)" $K)" "instances"
row "blast radius: a kernel fails" "$(join " of " "$(g blast_kernel_crash vm)" "$(g blast_kernel_crash_of vm)")" \
	"$(join " of " "$(g blast_kernel_bug container)" "$(g blast_kernel_bug_of container)")" \
	"instances affected: a guest kernel crashes; the host's kernel bug"
row "  an app fails" "$(join " of " "$(g blast_kernel_crash vm)" "$(g blast_kernel_crash_of vm)")" \
	"$(join " of " "$(g blast_process_crash container)" "$(g blast_process_crash_of container)")" \
	"instances affected (a unikernel's app is its kernel)"
row "recovery, crash to ready again" "$(g recovery vm)" "$(g recovery container)" "TSC, wall clock, restart=on-failure"
row "balance a skewed load" "$(g balance_spread vm)" "$(g autoscale_to_target container)" \
	"TSC, wall clock: VMs: $bal_vms started on CPU 0 of ${bal_cpus:-n/a} until each CPU had one ($(g balance_moves vm) moves); containers: an autoscaled service from its start to its count kept ($(g autoscale_replicas container) replicas)"
for n in 1 2 4; do
	[ -n "${balance[$n]:-}" ] || continue
	what="TSC, wall clock: first created to last stopped"
	[ $n = 1 ] || [ -z "${balance[1]:-}" ] || what="TSC; $(g "scale_speedup_$n" vm)x the throughput on 1 CPU"
	row "  $bal_vms CPU-bound VMs on $n CPU$([ $n = 1 ] || echo s)" "$(g "scale_run_$n" vm)" "" "$what"
done
row "image size" "$(g image_size vm)" "$(g image_size container)" \
	"bytes: guest kernel module; program (image: $(g image_archive container), $(g image_archive_entries container) files)"
row "boot a different OS: Linux to init" "$(g boot_os_cpu vm)" "cannot" "TSC of CPU work; a container runs on its host's kernel"
row "  wall clock" "$(g boot_os_wall vm)" "cannot" "TSC, wall clock (it runs after the others: start=last)"
row "  memory" "$(g boot_os_memory vm)" "cannot" "KiB: RAM touched by init, of its $(g boot_os_mem vm)"
row "  init ran, VM ended ok" "$(join " of " "$(g boot_os_ok vm)" 1)" "cannot" "VMs: init's line under its name, exit code 0"
echo
echo "kernel objects: $(g kernel_objects_process container) bytes a process, $(g kernel_objects_container container) a container"
echo "a kernel fails: vm-crash, $(g blast_kernel_crash_of vm) VMs besides the container host: ${crash:-missing}"
echo "  containers running at the kernel bug: $(g blast_kernel_bug_of container); the host VM: ${host_out:-missing}, code ${host_code:-missing}"
echo "an app fails: crash-1 beside web-1..; $(g blast_process_crash_of container) containers"
echo "density: VMs: ${vm_limit:-missing}; containers: ${ctr_limit:-missing}"
echo "a different OS: $OS, Linux ${os_release:-missing}, with the experiment's initramfs"

# ---- The CSV ----

mkdir -p "$(dirname "$csv")" || exit 1
{
	echo "metric,model,value,unit"
	while read -r metric model unit; do
		echo "$metric,$model,$(get "$metric" "$model"),$unit"
	done < <(cat <<'EOF'
start_cpu_p50 vm tsc
start_cpu_p50 container tsc
start_cpu_max vm tsc
start_cpu_max container tsc
start_latency_p50 vm tsc
start_latency_p50 container tsc
start_latency_max vm tsc
start_latency_max container tsc
memory_per_instance vm KiB
memory_per_instance container KiB
memory_ram vm KiB
memory_ept_tables vm KiB
memory_vmcs vm KiB
memory_fpu_area vm KiB
memory_peak container KiB
kernel_objects_process container bytes
kernel_objects_container container bytes
kernel_objects container KiB
least_memory vm KiB
least_memory container KiB
ran_ok vm instances
ran_ok container instances
density vm instances
density container instances
density_budget vm KiB
density_budget container KiB
density_free container KiB
density_ran_ok vm instances
crossing_cost vm tsc
crossing_cost container tsc
switch_cost vm tsc
switch_cost container tsc
switch_cost_run vm tsc
switches_run vm switches
cpu_time bare tsc
cpu_time vm tsc
cpu_time container tsc
cpu_ratio vm ratio
cpu_ratio container ratio
checksum_same vm instances
checksum_same container instances
blast_kernel_crash vm instances
blast_kernel_crash_of vm instances
blast_kernel_bug container instances
blast_kernel_bug_of container instances
blast_process_crash container instances
blast_process_crash_of container instances
recovery vm tsc
recovery container tsc
image_size vm bytes
image_size container bytes
image_archive container bytes
image_archive_entries container files
boot_os_cpu vm tsc
boot_os_wall vm tsc
boot_os_memory vm KiB
boot_os_mem vm KiB
boot_os_ok vm instances
EOF
	[ -n "${no_autoscale:-}" ] || printf '%s\n' "autoscale_to_target container tsc" \
		"autoscale_replicas container replicas"
	[ -z "$bal_cpus" ] || printf '%s\n' "balance_spread vm tsc" "balance_moves vm moves"
	for n in 1 2 4; do
		[ -n "${balance[$n]:-}" ] || continue
		echo "scale_run_$n vm tsc"
		[ $n = 1 ] || [ -z "${balance[1]:-}" ] || echo "scale_speedup_$n vm ratio"
	done)
} >"$csv" || exit 1

status=0
if [ -n "$missing" ]; then
	echo "experiment: missing:$missing" >&2
	status=1
fi
if [ -n "$bal_bad" ]; then
	echo "experiment: a VM of the balance run did not exit with code 0, on CPUs:$bal_bad" >&2
	status=1
fi
if [ "$(get boot_os_ok vm)" = 0 ]; then
	echo "experiment: the $OS VM did not reach init and end with exit code 0" >&2
	status=1
fi
for m in vm:VMs container:containers; do
	n=$(get checksum_same "${m%%:*}")
	if [ "$n" != missing ] && [ "$n" != $K ]; then
		echo "experiment: the cpu app's checksum differs from bare in $((K - n)) of $K ${m#*:}" >&2
		status=1
	fi
done
exit $status
