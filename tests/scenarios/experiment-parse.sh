#!/bin/bash
# timeout: 120
# The experiment's parser (tools/experiment.sh) and report (tools/report.sh)
# on the logs of a real run, tests/fixtures/experiment/: no emulator. Every
# row has its figures, some exactly as the fixture logs say; the CSV has its
# header and one row per figure; a log without one line makes the parser
# say "missing" and fail, and so do a VM whose checksum differs and a
# container host without mica's steal clock. The report draws its chart.
# The balance runs (--balance): the VM side of "balance a skewed load"
# and the throughput rows, exactly as their fixture logs say.
source "$(dirname "$0")/../lib.sh"

FIX=tests/fixtures/experiment
W=$OUT/$SCENARIO
rm -rf "$W"
mkdir -p "$W"
CSV=$W/experiment.csv

bash tools/experiment.sh "$FIX/baseline.log" "$FIX/experiment.log" "$CSV" >"$W/table" 2>"$W/stderr"
STATUS=$?
check_status 0 exit_0_every_figure_found
check_no_line "$W/table" 'missing' no_figure_missing

# Each row of the table, with a figure in the VM column or the container
# column (a few rows have only one).
while IFS='|' read -r name label; do
	if grep -qE "^$label +([0-9][0-9.]*|[0-9]+ of [0-9]+|[0-9+.]+) " "$W/table"; then
		result PASS "row_$name"
	else
		result FAIL "row_$name" "no line /^$label +NUMBER/ in $W/table"
	fi
done <<'EOF'
start_cpu_p50|start, create to ready, CPU: p50
start_latency_p50|start latency, create to ready: p50
start_latency_max|  max
memory_per_instance|memory per instance, charged
memory_split|  made of
least_memory|least memory each ran in
ran_ok|  ran to the end, ok
density|density in [0-9]+ KiB
density_ran|  ran at once
crossing_cost|crossing cost, round trip
switch_cost|switch cost
switch_cost_run|  VM switch in the run
cpu_time|CPU taken by the cpu app: p50
cpu_ratio|  bare / instance
checksum|  checksum as bare, 0x[0-9a-f]+
blast_kernel|blast radius: a kernel fails
blast_app|  an app fails
recovery|recovery, crash to ready again
image_size|image size
boot_os|boot a different OS: Linux to init
boot_os_wall|  wall clock
boot_os_memory|  memory
boot_os_ok|  init ran, VM ended ok
EOF

# Figures exactly as the fixture logs have them (or as they follow from them).
while read -r name want; do
	check_line "$CSV" "^$want$" "csv_$name"
done <<'EOF'
null_vmcall crossing_cost,vm,136,tsc
null_syscall crossing_cost,container,92,tsc
vm_switch switch_cost,vm,297,tsc
process_switch switch_cost,container,236,tsc
vm_density density,vm,58,instances
container_density density,container,285,instances
vm_frames memory_per_instance,vm,280,KiB
container_memory memory_per_instance,container,305\.28,KiB
vm_ready_p50 start_latency_p50,vm,1618940\.5,tsc
container_ready_max start_latency_max,container,8352378,tsc
vm_start_cpu_p50 start_cpu_p50,vm,198405,tsc
container_start_cpu_max start_cpu_max,container,161749,tsc
bare_cycles cpu_time,bare,4884744,tsc
vm_cpu_p50 cpu_time,vm,5118046,tsc
vm_ratio cpu_ratio,vm,0\.954,ratio
container_ratio cpu_ratio,container,0\.985,ratio
vm_checksums checksum_same,vm,4,instances
container_checksums checksum_same,container,4,instances
vm_blast blast_kernel_crash,vm,1,instances
vm_blast_of blast_kernel_crash_of,vm,6,instances
kernel_bug_blast blast_kernel_bug,container,4,instances
process_blast blast_process_crash,container,1,instances
vm_recovery recovery,vm,785808,tsc
container_recovery recovery,container,45510,tsc
vm_image image_size,vm,111200,bytes
container_program image_size,container,20984,bytes
linux_to_init_cpu boot_os_cpu,vm,1498081907,tsc
linux_to_init_wall boot_os_wall,vm,1498363399,tsc
linux_ram_at_init boot_os_memory,vm,74436,KiB
linux_mem boot_os_mem,vm,131072,KiB
linux_ran_ok boot_os_ok,vm,1,instances
EOF
check_line "$W/table" '^  limit +the budget +out of memory ' density_limits

# The CSV: its header, then one row per figure, each a number.
if [[ $(head -n 1 "$CSV" 2>/dev/null) == metric,model,value,unit ]]; then
	result PASS csv_header
else
	result FAIL csv_header "first line of $CSV: $(head -n 1 "$CSV" 2>/dev/null)"
fi
rows=$(tail -n +2 "$CSV" 2>/dev/null | wc -l)
if [[ $rows == 58 ]]; then
	result PASS csv_58_rows
else
	result FAIL csv_58_rows "$rows rows in $CSV"
fi
tail -n +2 "$CSV" >"$W/csv-rows"
check_no_line "$W/csv-rows" '^[^,]+,[^,]+,(missing|[^,]*[^0-9.,][^,]*),[^,]+$' csv_values_are_numbers

# edited NAME SED_SCRIPT: the parser on the experiment log edited by
# SED_SCRIPT; its table, stderr and CSV are $W/NAME.{table,stderr,csv}.
edited() {
	sed "$2" "$FIX/experiment.log" >"$W/$1.log"
	bash tools/experiment.sh "$FIX/baseline.log" "$W/$1.log" "$W/$1.csv" \
		>"$W/$1.table" 2>"$W/$1.stderr"
	STATUS=$?
}

# A log without the null system call's line: "missing", exit status 1.
edited no-syscall '/\[syscall-1\] bench: null_syscall /d'
check_status 1 line_removed_exit_1
check_line "$W/no-syscall.table" '^crossing cost, round trip +136 +missing ' line_removed_says_missing
check_line "$W/no-syscall.stderr" 'missing: crossing_cost\(container\)$' line_removed_named
check_line "$W/no-syscall.csv" '^crossing_cost,container,missing,tsc$' line_removed_csv_missing

# A VM whose cpu app got another checksum: exit status 1, and it says so.
edited bad-sum 's/^\(\[vm-3\] result app=cpu checksum=\)0x[0-9a-f]*/\10xdeadbeef/'
check_status 1 checksum_differs_exit_1
check_line "$W/bad-sum.table" '^  checksum as bare, 0x87cd2bce +3 of 4 +4 of 4 ' checksum_differs_3_of_4
check_line "$W/bad-sum.stderr" "checksum differs from bare in 1 of 4 VMs$" checksum_differs_said

# The Linux VM's row: a container cannot; a log whose Linux VM never ran
# init (its init's line gone) or did not end with exit code 0 says so, and
# exit status 1.
check_line "$W/table" '^boot a different OS: Linux to init +[0-9]+ +cannot +TSC of CPU work' boot_os_container_cannot
check_line "$W/table" '^  init ran, VM ended ok +1 of 1 +cannot ' boot_os_ran_ok
edited no-init '/^\[linux\] linux-init: hello from Linux /d'
check_status 1 no_linux_init_exit_1
check_line "$W/no-init.table" '^  init ran, VM ended ok +0 of 1 +cannot ' no_linux_init_0_of_1
check_line "$W/no-init.stderr" 'the linux VM did not reach init and end with exit code 0$' no_linux_init_said
edited linux-failed 's/^mica: vm linux: exited with code 0$/mica: vm linux: exited with code 1/'
check_status 1 linux_exit_1_exit_1
check_line "$W/linux-failed.table" '^  init ran, VM ended ok +0 of 1 ' linux_exit_1_0_of_1
edited no-linux '/^mica: vm linux: Linux starts init /d; /^mica: summary: linux /d'
check_status 1 no_linux_boot_exit_1
check_line "$W/no-linux.table" '^boot a different OS: Linux to init +missing +cannot ' no_linux_boot_missing
check_line "$W/no-linux.stderr" 'missing: .*boot_os_cpu\(vm\) boot_os_wall\(vm\) boot_os_memory\(vm\)' no_linux_boot_named

# The container host without its steal clock: no container CPU time.
edited no-steal "/guest: processes: CPU time net of other VMs' turns/d"
check_status 1 no_steal_clock_exit_1
check_line "$W/no-steal.table" '^CPU taken by the cpu app: p50 +5118046 +missing ' no_steal_clock_no_cpu_time

# The autoscale phase (a log from before it says n/a, above): its figure
# in the table and two CSV rows at the end; without its bench line,
# "missing" and exit status 1. The phase's lines, as the container host
# prints them, appended to the fixture.
as='$a [containers] experiment: balance a skewed load: x\
[containers] guest: engine: autoscale auto: steady at 4 replicas, cpu 103% (target 50%), 150836456 TSC from its start to its last change\
[containers] bench: container_autoscale_to_target 150836456'
edited autoscale "$as"
check_status 0 autoscale_exit_0
check_line "$W/autoscale.table" '^balance a skewed load +n/a +150836456 .*\(4 replicas\)$' autoscale_row
check_line "$W/autoscale.csv" '^autoscale_to_target,container,150836456,tsc$' autoscale_csv
edited autoscale-missing "${as%\\*}"
check_status 1 autoscale_missing_exit_1
check_line "$W/autoscale-missing.stderr" 'missing: autoscale_to_target\(container\)$' autoscale_missing_named

# Balance a skewed load, the VM side: the fixture logs of tests/iso/
# experiment-balance.cfg on 1, 2 and 4 CPUs (--balance): the time until
# every CPU had a VM and the moves by then from the 4 CPUs' line, each run's
# length from its summary line, the speed-ups from those; the CSV's rows
# after the others. Without --balance (an older make run): n/a, no rows.
BAL=()
for n in 1 2 4; do BAL+=(--balance "$n=$FIX/balance-$n.log"); done
bash tools/experiment.sh "${BAL[@]}" "$FIX/baseline.log" "$FIX/experiment.log" "$W/balance.csv" \
	>"$W/balance.table" 2>"$W/balance.stderr"
STATUS=$?
check_status 0 balance_exit_0
check_line "$W/balance.table" '^balance a skewed load +4601855 +n/a +TSC, wall clock: VMs: 4 started on CPU 0 of 4 until each CPU had one \(3 moves\); ' balance_row
check_line "$W/balance.table" '^  4 CPU-bound VMs on 1 CPU +119139607 +TSC, wall clock: first created to last stopped$' balance_1_cpu_row
check_line "$W/balance.table" '^  4 CPU-bound VMs on 2 CPUs +61056715 +TSC; 1\.95x the throughput on 1 CPU$' balance_2_cpus_row
check_line "$W/balance.table" '^  4 CPU-bound VMs on 4 CPUs +32254780 +TSC; 3\.69x the throughput on 1 CPU$' balance_4_cpus_row
if [[ $(tail -n 7 "$W/balance.csv" | tr '\n' ' ') == "balance_spread,vm,4601855,tsc balance_moves,vm,3,moves scale_run_1,vm,119139607,tsc scale_run_2,vm,61056715,tsc scale_speedup_2,vm,1.95,ratio scale_run_4,vm,32254780,tsc scale_speedup_4,vm,3.69,ratio " ]]; then
	result PASS balance_csv_rows
else
	result FAIL balance_csv_rows "the last 7 rows of $W/balance.csv: $(tail -n 7 "$W/balance.csv" | tr '\n' ' ')"
fi
check_line "$W/table" '^balance a skewed load +n/a +n/a +TSC, wall clock: VMs: n/a started ' balance_without_logs_n_a
check_no_line "$W/table" 'CPU-bound VMs on ' balance_without_logs_no_rows
# A 4-CPU log without mica's balance line: missing, exit status 1.
sed '/^mica: balance: every CPU busy /d' "$FIX/balance-4.log" >"$W/balance-4-no-line.log"
bash tools/experiment.sh "${BAL[@]:0:4}" --balance "4=$W/balance-4-no-line.log" "$FIX/baseline.log" \
	"$FIX/experiment.log" "$W/balance-no-line.csv" >"$W/balance-no-line.table" 2>"$W/balance-no-line.stderr"
STATUS=$?
check_status 1 balance_line_removed_exit_1
check_line "$W/balance-no-line.table" '^balance a skewed load +missing +n/a ' balance_line_removed_missing
check_line "$W/balance-no-line.stderr" 'missing: balance_spread\(vm\) balance_moves\(vm\)$' balance_line_removed_named
check_line "$W/balance-no-line.table" '^  4 CPU-bound VMs on 4 CPUs +32254780 ' balance_line_removed_run_still_there
# A run on 2 CPUs where a VM failed: exit status 1, and it says so.
sed 's/^mica: 4 VMs: 4 exited with 0, 0 failed,/mica: 4 VMs: 3 exited with 0, 1 failed,/' "$FIX/balance-2.log" >"$W/balance-2-failed.log"
bash tools/experiment.sh --balance "1=$FIX/balance-1.log" --balance "2=$W/balance-2-failed.log" \
	"$FIX/baseline.log" "$FIX/experiment.log" "$W/balance-failed.csv" >"$W/balance-failed.table" 2>"$W/balance-failed.stderr"
STATUS=$?
check_status 1 balance_vm_failed_exit_1
check_line "$W/balance-failed.stderr" 'a VM of the balance run did not exit with code 0, on CPUs: 2$' balance_vm_failed_said
bash tools/experiment.sh --balance "3=$FIX/balance-1.log" "$FIX/baseline.log" "$FIX/experiment.log" \
	"$W/balance-bad.csv" >/dev/null 2>"$W/balance-bad.stderr"
STATUS=$?
check_status 1 balance_bad_option_exit_1
check_line "$W/balance-bad.stderr" "^experiment: --balance wants N=LOG, N 1, 2 or 4, not '3=" balance_bad_option_said

# The report: no logs, one line; the fixture logs, a CSV and a PNG chart.
bash tools/report.sh "$W/none/baseline.log" "$W/none/experiment.log" "$W/none" >"$W/report-none.out" 2>&1
STATUS=$?
check_status 1 report_without_logs_exit_1
if [[ $(wc -l <"$W/report-none.out") == 1 ]] && grep -q '^report: no .*baseline.log' "$W/report-none.out"; then
	result PASS report_without_logs_one_line
else
	result FAIL report_without_logs_one_line "it said: $(head -c 300 "$W/report-none.out")"
fi
if command -v gnuplot >/dev/null; then
	bash tools/report.sh "$FIX/baseline.log" "$FIX/experiment.log" "$W/report" >"$W/report.out" 2>&1
	STATUS=$?
	check_status 0 report_exit_0
	check_line "$W/report.out" "^report: wrote $W/report/experiment.png$" report_says_png
	if [[ $(head -c 8 "$W/report/experiment.png" 2>/dev/null | od -An -c | tr -d ' ') == '211PNG\r\n032\n' ]]; then
		result PASS report_png_is_png
	else
		result FAIL report_png_is_png "$W/report/experiment.png is no PNG"
	fi
	# With the balance runs (as make run calls it after the table), the
	# report's CSV is the table's, balance rows included.
	bash tools/report.sh "${BAL[@]}" "$FIX/baseline.log" "$FIX/experiment.log" "$W/report-balance" \
		>"$W/report-balance.out" 2>&1
	STATUS=$?
	check_status 0 report_balance_exit_0
	if cmp -s "$W/report-balance/experiment.csv" "$W/balance.csv" &&
		grep -q '^balance_spread,vm,' "$W/report-balance/experiment.csv"; then
		result PASS report_csv_has_the_balance_rows
	else
		result FAIL report_csv_has_the_balance_rows "$W/report-balance/experiment.csv differs from $W/balance.csv (tools/experiment.sh --balance)"
	fi
	# The end of make run (tools/run-end.sh): the table, a line for each
	# row that is not a plain measurement, then every output named: the
	# CSV (the table's), the chart, the baseline's, the experiment's and
	# the three balance runs' consoles, each of them there.
	bash tools/run-end.sh "$W/run-end" "${BAL[@]}" "$FIX/baseline.log" "$FIX/experiment.log" >"$W/run-end.out" 2>&1
	STATUS=$?
	check_status 0 run_end_exit_0
	check_line "$W/run-end.out" '^Rows that are not plain measurements:$' run_end_explains_rows
	named=$(sed -n '/^Outputs:$/,$ s/^  \([^ (][^ ]*\) .*/\1/p' "$W/run-end.out")
	missing=
	for f in $named; do [ -s "$f" ] || missing="$missing $f"; done
	if [[ $(wc -w <<<"$named") == 7 && -z $missing ]] && grep -qxF "$W/run-end/experiment.png" <<<"$named" &&
		cmp -s "$W/run-end/experiment.csv" "$W/balance.csv"; then
		result PASS run_end_names_its_outputs
	else
		result FAIL run_end_names_its_outputs "named: $(echo $named); not there:${missing:- none}; see $W/run-end.out"
	fi
else
	# gnuplot is a dependency (tools/deps.sh), not a reason to skip.
	result FAIL report_chart "no gnuplot (apt-get install gnuplot-nox)"
fi

# The growth chart (tools/growth.sh, make report) on the bench lines of a
# real `make bench` (tests/fixtures/growth/): a row for each count of VMs
# and of containers, some exactly as the logs say; a log without one
# line makes it say "missing" and fail; it draws its chart.
GFIX=tests/fixtures/growth
bash tools/growth.sh "$GFIX" "$W/growth" >"$W/growth.out" 2>&1
STATUS=$?
check_status 0 growth_exit_0
check_no_line "$W/growth.out" 'missing' growth_no_figure_missing
while read -r name want; do
	check_line "$W/growth/growth.csv" "^$want$" "growth_csv_$name"
done <<'EOF2'
vm_switch_256 vm,256,switch,296,instructions
vm_create_16 vm,16,start,21142,instructions
vm_memory_2 vm,2,memory,36,KiB
vm_density_start vm_hello,2071,start,316284,instructions
container_start_1 container,1,start,17587,instructions
container_start_1024 container,1024,start,44098,instructions
container_memory_64 container,64,memory,48,KiB
EOF2
if [[ $(awk -F, '$1 == "container" && $3 == "start"' "$W/growth/growth.csv" | wc -l) == 11 ]]; then
	result PASS growth_containers_1_to_1024
else
	result FAIL growth_containers_1_to_1024 "want 11 container start rows (1, 2, 4 .. 1024) in $W/growth/growth.csv"
fi
if [[ $(head -c 8 "$W/growth/growth.png" 2>/dev/null | od -An -c | tr -d ' ') == '211PNG\r\n032\n' ]]; then
	result PASS growth_png_is_png
else
	result FAIL growth_png_is_png "$W/growth/growth.png is no PNG"
fi
mkdir -p "$W/growth-cut"
cp "$GFIX"/*.log "$W/growth-cut/"
sed -i '/bench: vm_switch_16 /d' "$W/growth-cut/switch-16.log"
bash tools/growth.sh "$W/growth-cut" "$W/growth-cut" >"$W/growth-cut.out" 2>&1
STATUS=$?
check_status 1 growth_line_removed_exit_1
check_line "$W/growth-cut.out" '^growth: missing: switch of vm at 16$' growth_line_removed_named
