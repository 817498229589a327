#!/bin/bash
# docs.sh - `make docs`: every figure, table and log excerpt of README.md and
# docs/*.md written from runs of the current code, between marker comments
# (tools/docs-markers.pl says which); with --check, the same figures
# compared with the committed ones instead (what `make test` does).
#
# usage: tools/docs.sh [--check] [--boot | --qemu] [--runs DIR] [NAME=LOG]... [FILE]...
#
#   --boot     boot the runs first into DIR: in Bochs, the bare baseline
#              (build/baseline.iso), the experiment (build/iso-experiment.iso,
#              what `make run` boots), the balance runs on 1, 2 and 4 CPUs
#              (build/iso-experiment-balance.iso), five benchmarks (build/iso-bench-exits.iso,
#              build/iso-bench-containers.iso, build/iso-bench-switch-{2,16,256}.iso)
#              and the shared-kernel bug
#              (build/iso-containers-kernel-bug.iso); then the QEMU runs
#   --qemu     boot only the QEMU runs (seconds), and use only their logs:
#              the console examples of docs/containers.md and docs/apps.md
#              (the table qemu_runs below says which)
#   --runs DIR where booted runs go and logs are taken from (default build/docs)
#   NAME=LOG   a run's serial log: baseline=, experiment=, balance-1=,
#              balance-2=, balance-4=, bench-exits=,
#              bench-containers=, bench-switch-2=, bench-switch-16=,
#              bench-switch-256=, kernel-bug=, or a QEMU run's name
#              (default: those of DIR); or fresh=, the record of
#              tools/fresh-debian.sh (default: docs/fresh-debian.log, unless
#              --qemu), the README's install and timings on a fresh Debian 12
#   FILE       the files to write or check (default README.md docs/*.md)
#
# Under Bochs RDTSC counts instructions, so the same code gives the same
# figures on every run: --check is exact. The QEMU runs are booted with
# --icount (tools/qemu-run.sh): QEMU's clocks, its TSC included, then count
# instructions, and two boots print the same log byte for byte, TSC values
# included: their check is exact too. It prints one line per stale
# figure, "FILE:LINE: WHAT: committed X, fresh Y"; a figure whose run was
# not given is not checked (the last line says how many).
#
# Exit status: 0 written, or all checked figures current; 1 a figure is
# stale, a marker is bad, or a run failed or could not be read.
set -u
cd "$(dirname "$0")/.." || exit 1

# The QEMU runs: NAME, then tools/qemu-run.sh's IMAGE CMDLINE [MODULE ARGS]...
# (an empty argument as ""); each must end with exit code 0, except the
# errors (NAME-error-*: a bad script, too little memory for an app), which
# end with 2, the code of a bad configuration.
qemu_runs='
qemu-hello build/guest32.elf "containers app=hello" build/apps.cpio ""
qemu-restart build/guest32.elf "containers script=tests:run/restart.run" build/apps.cpio "" build/tests.cpio ""
qemu-isolation build/guest32.elf "containers script=tests:run/isolation.run" build/apps.cpio "" build/tests.cpio "" build/neighbour.cpio ""
qemu-console build/guest32.elf "containers script=tests:run/console.run" build/apps.cpio "" build/tests.cpio ""
qemu-kbug build/guest32.elf "containers script=tests:run/kernel-bug.run" build/apps.cpio "" build/tests.cpio ""
bare-hello build/guest32.elf "app=hello"
bare-cpu build/guest32.elf "app=cpu"
bare-clock build/guest32.elf "app=clock"
bare-error-mem build/guest32.elf "app=mem size=1G"
qemu-error-program build/guest32.elf "containers app=nosuch" build/apps.cpio "" build/tests.cpio ""
qemu-error-image build/guest32.elf "containers image=nothere" build/apps.cpio "" build/tests.cpio ""
qemu-error-option build/guest32.elf "containers replicas=0" build/apps.cpio "" build/tests.cpio ""
qemu-error-script build/guest32.elf "containers script=run/nothere.run" build/apps.cpio "" build/tests.cpio ""
'
qemu_names=$(echo "$qemu_runs" | awk 'NF { print $1 }')
bochs_names="baseline experiment balance-1 balance-2 balance-4 bench-exits bench-containers bench-switch-2 bench-switch-16 bench-switch-256 kernel-bug"
fresh_record=docs/fresh-debian.log

usage="usage: $0 [--check] [--boot | --qemu] [--runs DIR] [NAME=LOG]... [FILE]..."
mode=write
boot=
runs=build/docs
declare -A log=()
files=()
while [ $# -gt 0 ]; do
	a=$1
	case $a in
	--check) mode=check ;;
	--boot) boot=all ;;
	--qemu) boot=qemu ;;
	--runs) [ $# -ge 2 ] || { echo "$usage" >&2; exit 1; }; runs=$2; shift ;;
	-*) echo "$usage" >&2; exit 1 ;;
	*=*)
		case " $bochs_names $(echo $qemu_names) fresh " in
		*" ${a%%=*} "*) log[${a%%=*}]=${a#*=} ;;
		*) echo "docs: no run named ${a%%=*} (runs: $bochs_names $(echo $qemu_names))" >&2; exit 1 ;;
		esac
		;;
	*) files+=("$a") ;;
	esac
	shift
done
[ ${#files[@]} -gt 0 ] || files=(README.md docs/*.md)
declare -A iso=([baseline]=build/baseline.iso [experiment]=build/iso-experiment.iso
	[bench-exits]=build/iso-bench-exits.iso [bench-containers]=build/iso-bench-containers.iso
	[kernel-bug]=build/iso-containers-kernel-bug.iso [balance-1]=build/iso-experiment-balance.iso
	[balance-2]=build/iso-experiment-balance.iso [balance-4]=build/iso-experiment-balance.iso
	[bench-switch-2]=build/iso-bench-switch-2.iso [bench-switch-16]=build/iso-bench-switch-16.iso
	[bench-switch-256]=build/iso-bench-switch-256.iso)
# What each run ends with: the experiment's container host fails on purpose.
declare -A want=([baseline]=0 [experiment]=1 [bench-exits]=0 [bench-containers]=0 [kernel-bug]=1
	[balance-1]=0 [balance-2]=0 [balance-4]=0 [bench-switch-2]=0 [bench-switch-16]=0 [bench-switch-256]=0)
[ -z "$boot" ] || mkdir -p "$runs" || exit 1
if [ "$boot" = all ]; then
	for name in $bochs_names; do
		start=$(date +%s)
		cpus=1
		case $name in balance-*) cpus=${name#balance-} ;; esac
		sh tools/bochs-run.sh --timeout 600 --cpus $cpus --log "$runs/$name.log" --bochs-log "$runs/$name.bochs.log" "${iso[$name]}"
		status=$?
		if [ $status != "${want[$name]}" ]; then
			echo "docs: the $name run ended with status $status, not ${want[$name]}; see $runs/$name.log" >&2
			exit 1
		fi
		echo "docs: booted $name in $(($(date +%s) - start)) s: $runs/$name.log"
	done
fi
if [ -n "$boot" ]; then
	echo "$qemu_runs" | while read -r name args; do
		[ -n "$name" ] || continue
		eval "set -- $args"
		sh tools/qemu-run.sh --icount --timeout 120 --log "$runs/$name.log" "$@" </dev/null >/dev/null 2>"$runs/$name.err"
		status=$? code=0
		case $name in *-error-*) code=2 ;; esac
		if [ $status != $code ]; then
			echo "docs: the QEMU run $name ended with status $status, not $code; see $runs/$name.log and $runs/$name.err" >&2
			exit 1
		fi
	done || exit 1
	echo "docs: booted the QEMU runs (--icount): $(echo $qemu_names)"
fi
if [ ${#log[@]} = 0 ]; then
	names="$bochs_names $qemu_names"
	[ "$boot" != qemu ] || names=$qemu_names
	for name in $names; do
		[ ! -f "$runs/$name.log" ] || log[$name]=$runs/$name.log
	done
	[ "$boot" = qemu ] || [ ! -f "$fresh_record" ] || log[fresh]=$fresh_record
	if [ ${#log[@]} = 0 ]; then
		echo "docs: no runs in $runs/: use --boot (make docs does)" >&2
		exit 1
	fi
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/blocks"
figs=$tmp/figures
: >"$figs"
for name in "${!log[@]}"; do
	if [ ! -r "${log[$name]}" ]; then
		echo "docs: cannot read the $name log ${log[$name]}" >&2
		exit 1
	fi
	echo "$name ${log[$name]}"
done >"$tmp/sources"

# clean LOG: without carriage returns and terminal escapes.
clean() { sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' "$1"; }

# The experiment: its table and CSV (tools/experiment.sh), each CSV row a
# figure METRIC.MODEL, and the CSV's rows (csv_rows); the table whole, and
# the README's excerpt of it.
if [ -n "${log[baseline]:-}" ] && [ -n "${log[experiment]:-}" ]; then
	balance=()
	for n in 1 2 4; do
		[ -z "${log[balance-$n]:-}" ] || balance+=(--balance "$n=${log[balance-$n]}")
	done
	if ! bash tools/experiment.sh "${balance[@]}" "${log[baseline]}" "${log[experiment]}" "$tmp/experiment.csv" \
		>"$tmp/table" 2>"$tmp/table.err"; then
		echo "docs: the experiment's table is incomplete:" >&2
		cat "$tmp/table.err" >&2
		exit 1
	fi
	awk -F, 'NR > 1 { print $1 "." $2, $3 } END { print "csv_rows", NR - 1 }' "$tmp/experiment.csv" >>"$figs"
	{ echo '```'; cat "$tmp/table"; echo '```'; } >"$tmp/blocks/experiment-table"
	# The rows README.md shows, in the table's order.
	{
		echo '```'
		grep -E '^(claim |start latency, create to ready: p50|memory per instance|density in |crossing cost|switch cost |  bare / instance|blast radius|recovery|image size|boot a different OS)' "$tmp/table"
		echo '...'
		echo '```'
	} >"$tmp/blocks/run-excerpt"
fi

# The script errors, one line of each run, in one block.
errors=$(echo "$qemu_names" | grep '^qemu-error-')
if [ -n "$errors" ] && [ -z "$(for n in $errors; do [ -n "${log[$n]:-}" ] || echo "$n"; done)" ]; then
	{
		echo '```'
		for n in $errors; do
			clean "${log[$n]}" | grep -E '^guest: (command line line [0-9]+|script=[^ ]*): ' | head -n 1
		done
		echo '```'
	} >"$tmp/blocks/qemu-script-errors"
fi

# Figures of the logs that the table does not show, as log.RUN.NAME:
# NAME RUN PERL_REGEX (its first group, in the first line that matches).
while read -r name run re; do
	[ -n "${log[$run]:-}" ] || continue
	v=$(clean "${log[$run]}" | perl -ne 'if (/'"$re"'/) { print "$1\n"; exit }')
	[ -n "$v" ] || v=missing
	echo "log.$run.$name $v" >>"$figs"
done <<'EOF'
crash1_ready experiment ^\[containers\] guest: container crash-1 ready: (\d+) TSC after its start, CPU work \d+ TSC$
crash1_ready_again experiment ^\[containers\] guest: container crash-1 ready: (\d+) TSC after its start, CPU work \d+ TSC \(restarted\)$
density_output experiment ^\[containers\] guest: density: their console output, (\d+) bytes
host_frames bench-containers ^\[host\] guest: memory: .*, (\d+) frames free
host_slots bench-containers ^\[host\] guest: processes: .*, (\d+) slots$
host_tables bench-containers ^\[host\] guest: container host: \d+ images, tables (\d+) KiB
host_free bench-containers ^\[host\] guest: container host: .*, (\d+) KiB free for containers$
cycles bare-cpu ^result app=cpu .* cycles=(\d+)$
density_left bench-containers ^\[host\] guest: density: \d+ containers of \S+ ready; .*\((\d+) KiB of kernel memory left of \d+\)$
density_before bench-containers ^\[host\] guest: density: \d+ containers of \S+ ready; .*KiB of kernel memory left of (\d+)\)$
tsc_khz experiment ^mica: clock: TSC runs at (\d+) kHz
replica_bytes experiment ^\[containers\] guest: container host: engine tables: .*, (\d+) bytes per replica$
services experiment ^\[containers\] guest: container host: engine tables: (\d+) services
services_kib experiment ^\[containers\] guest: container host: engine tables: \d+ services in (\d+) KiB
cores fresh ^fresh-debian: machine: (\d+) cores
load_start fresh ^fresh-debian: machine: .*, load average ([\d.]+) at the start
load_end fresh ^fresh-debian: machine: .* ([\d.]+) at the end$
base_packages fresh ^fresh-debian: root: Debian .*: (\d+) packages$
packages fresh ^\[ *\d+\] mica: \[2\/2\] apt-get install: (\d+) packages
download_mb fresh ^\[ *\d+\] mica: \[2\/2\] apt-get install: .*, ([\d.]+) MB to download
disk_mb fresh ^\[ *\d+\] mica: \[2\/2\] apt-get install: .*, ([\d.]+) MB on disk$
installed fresh ^\[ *(\d+)\] mica: the packages are installed$
run_start fresh ^fresh-debian: make run: started (\d+)$
run_end fresh ^fresh-debian: make run: ended (\d+), status 0$
test_start fresh ^fresh-debian: make test: started (\d+)$
test_end fresh ^fresh-debian: make test: ended (\d+), status 0$
passed fresh ^\[ *\d+\] (\d+) passed, 0 failed
skipped fresh ^\[ *\d+\] \d+ passed, 0 failed, (\d+) skipped$
linux_bytes fresh ^fresh-debian: linux: \S+ \S+ (\d+) bytes$
EOF
# Ranges over instances, as log.experiment.NAME_least and NAME_most: the
# cpu containers' CPU, the web containers' start, mica's work for each cpu
# VM (mica_tsc), and the cycles= the cpu app printed in VMs and containers;
# and the guest kernel's extent when loaded, in KiB (kernel_kib).
if [ -n "${log[experiment]:-}" ]; then
	clean "${log[experiment]}" | perl -ne '
		push @{$r{ctr_cpu}}, $1 if /^\[containers\] guest: container cpu-\d exited: .* CPU (\d+) TSC$/;
		push @{$r{web_ready}}, $1 if /^\[containers\] guest: container web-\d ready: (\d+) TSC after its start, CPU work \d+ TSC$/;
		push @{$r{mica_tsc}}, (split)[7] if /^mica: summary: vm-\d /;
		push @{$r{app_cycles}}, $2 if /^(\[vm-\d\]|\[containers\] \[cpu-\d\]) result app=cpu .* cycles=(\d+)/;
		$k = (hex($2) - hex($1)) / 1024 if !defined $k && /^\[vm-1\] guest: memory: .* kernel at 0x([0-9a-f]+)-0x([0-9a-f]+)$/;
		END {
			for my $n (qw(ctr_cpu web_ready mica_tsc app_cycles)) {
				my @v = sort { $a <=> $b } @{$r{$n} || []};
				print "log.experiment.${n}_least ", (@v ? $v[0] : "missing"), "\n";
				print "log.experiment.${n}_most ", (@v ? $v[-1] : "missing"), "\n";
			}
			print "log.experiment.kernel_kib ", $k // "missing", "\n";
		}' >>"$figs"
fi

# The benchmarks: every "bench: NAME VALUE" line of their logs as
# bench.NAME, and a lone container's spawn-to-ready (as tools/bench.sh).
for run in bench-exits bench-containers bench-switch-2 bench-switch-16 bench-switch-256; do
	[ -n "${log[$run]:-}" ] || continue
	clean "${log[$run]}" | sed -n \
		-e 's/^\(\[[^]]*\] \)\{0,2\}\(mica: \)\{0,1\}bench: \([a-z_0-9]*\) \([0-9][0-9.]*\)$/bench.\3 \4/p' \
		-e 's/^\(\[[^]]*\] \)\{0,1\}guest: container spawn-1 ready: \([0-9]*\) TSC.*/bench.container_spawn_to_ready \2/p' >>"$figs"
done

perl tools/docs-markers.pl "$mode" "$figs" "$tmp/blocks" "$tmp/sources" "${files[@]}"
status=$?
if [ $mode = check ] && [ $status != 0 ]; then
	echo "docs: regenerate with: make docs (then review and commit the change)"
fi
exit $status
