#!/bin/bash
# timeout: 300
# The benchmarks whose figures README.md and docs/ quote (tests/iso/
# bench-exits.cfg, bench-containers.cfg, bench-switch-*.cfg), booted in Bochs as
# `make bench` and `make docs` boot them: each reports its figures, and
# each figure in the docs is the one these runs give (tools/docs.sh --check).
source "$(dirname "$0")/../lib.sh"

boot_bochs bench-exits.log 120 build/iso-bench-exits.iso
check_status 0 exits_exit_0
check_line bench-exits.log '^\[bench\] bench: null_vmcall_round_trip [0-9]+$' exits_reports_vmcall
boot_bochs bench-containers.log 180 build/iso-bench-containers.iso
check_status 0 containers_exit_0
check_line bench-containers.log '^\[host\] bench: container_density [0-9]+$' containers_reports_density
for n in 2 16 256; do
	boot_bochs bench-switch-$n.log 120 build/iso-bench-switch-$n.iso
	check_status 0 switch_${n}_exit_0
	check_line bench-switch-$n.log "^mica: bench: vm_switch_$n [0-9]+\$" switch_${n}_reports
done
if docs_reference_bochs docs_figures_current; then
	if bash tools/docs.sh --check bench-exits="$OUT/bench-exits.log" bench-containers="$OUT/bench-containers.log" \
		bench-switch-2="$OUT/bench-switch-2.log" bench-switch-16="$OUT/bench-switch-16.log" \
		bench-switch-256="$OUT/bench-switch-256.log" \
		>"$OUT/bench-docs.txt" 2>&1; then
		result PASS docs_figures_current
	else
		result FAIL docs_figures_current "make docs regenerates them:
	$(grep -v '^docs: regenerate' "$OUT/bench-docs.txt" | head -n 20)"
	fi
fi
