#!/bin/sh
# kvm-check.sh - can QEMU run mica with KVM here?
#
# mica needs VT-x inside the virtual machine, so QEMU's fast path needs all of:
# a usable /dev/kvm, an Intel host CPU, and kvm_intel loaded with nested=1.
# QEMU's software CPU (TCG) emulates no VT-x at all; Bochs does.
#
# usage: tools/kvm-check.sh
#
# Exit status:
#   0  KVM with nested VT-x is usable (prints nothing)
#   1  it is not; one line on stdout says why
set -u

no() {
	echo "$*"
	exit 1
}

[ -e /dev/kvm ] || no "no /dev/kvm"
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	no "/dev/kvm is not readable and writable by $(id -un) (join group kvm)"
fi

vendor=$(sed -n 's/^vendor_id[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
[ "$vendor" = GenuineIntel ] || no "the host CPU is ${vendor:-unknown}, not Intel"

nested=/sys/module/kvm_intel/parameters/nested
[ -r "$nested" ] || no "the kvm_intel module is not loaded"
case $(cat "$nested") in
Y | y | 1) ;;
*) no "kvm_intel has nested virtualization off (modprobe kvm_intel nested=1)" ;;
esac
exit 0
