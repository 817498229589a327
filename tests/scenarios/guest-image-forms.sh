#!/bin/bash
# timeout: 60
# The guest kernel is one build in three wrappers: build/guest.elf (ELF64,
# with symbols), build/strip/guest.elf (what the ISOs carry: GRUB boots it
# bare and mica as its VMs), build/guest32.elf (ELF32, because QEMU's
# -kernel refuses an ELF64). Their loaded bytes and entry point must be the
# same, or "the same kernel bare and as a VM" would not hold. No emulator.
source "$(dirname "$0")/../lib.sh"

W=$OUT/$SCENARIO
rm -rf "$W"
mkdir -p "$W"
for f in build/guest.elf build/strip/guest.elf build/guest32.elf; do
	name=$(echo "$f" | tr / -)
	objcopy -O binary "$f" "$W/$name.bin" 2>"$W/$name.err" || : >"$W/$name.bin"
	readelf -h "$f" 2>/dev/null | sed -n 's/^ *Entry point address: *0x0*//p' >"$W/$name.entry"
done
if [[ -s $W/build-guest.elf.bin ]] && cmp -s "$W/build-guest.elf.bin" "$W/build-strip-guest.elf.bin" &&
	cmp -s "$W/build-guest.elf.bin" "$W/build-guest32.elf.bin"; then
	result PASS same_loaded_bytes
else
	result FAIL same_loaded_bytes "the loaded bytes differ: see $W/*.bin"
fi
if [[ -s $W/build-guest.elf.entry ]] && cmp -s "$W/build-guest.elf.entry" "$W/build-strip-guest.elf.entry" &&
	cmp -s "$W/build-guest.elf.entry" "$W/build-guest32.elf.entry"; then
	result PASS same_entry_point
else
	result FAIL same_entry_point "entry points: $(cat "$W"/*.entry | tr '\n' ' ')"
fi
[[ $(readelf -h build/guest32.elf 2>/dev/null | awk '/Class:/ { print $2 }') == ELF32 ]] &&
	result PASS qemu_copy_is_elf32 || result FAIL qemu_copy_is_elf32 "build/guest32.elf is not ELF32"
