#!/bin/sh
# run.sh - boot mica and show its console: what `make run` does.
#
# With KVM and nested VT-x (tools/kvm-check.sh), QEMU boots build/mica32.elf
# with the modules in MICA_RUN_MODULES. Elsewhere Bochs, which emulates VT-x,
# boots build/mica.iso and its GRUB menu's default entry.
#
#   MICA_RUN_MODULES  modules for the QEMU path, "FILE ARGS" entries separated
#                     by ';' (default: the three VMs of build/mica.iso); each
#                     module's command line is "FILE ARGS", as QEMU gives it
#
# Exit status: that of tools/qemu-run.sh or tools/bochs-run.sh: the kernel's
# exit code (0..122), 124 time limit reached, 125 no exit code or failure.
set -u
cd "$(dirname "$0")/.." || exit 125

if reason=$(sh tools/kvm-check.sh); then
	set -- build/mica32.elf ""
	modules=${MICA_RUN_MODULES-build/guest.elf name=hello app=hello; build/guest.elf name=cpu app=cpu; build/guest.elf name=clock app=clock seconds=2}
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
	exec sh tools/qemu-run.sh --show --kvm "$@"
fi

echo "mica: KVM with nested VT-x is not available here ($reason); booting in Bochs, which emulates VT-x (slower)"
exec sh tools/bochs-run.sh --show --timeout 300 build/mica.iso
