# Host unit tests: UNIT_TESTS += NAME builds tests/unit/test_NAME.c into
# build/unit/test_NAME, linked with the sources in UNIT_DEPS_NAME
# (extra flags in UNIT_CFLAGS_NAME).

# lib/: the freestanding library both kernels link. Host builds rename the
# C library's names in lib/string.h, so anything using lib/ links lib/string.c.
UNIT_TESTS += string
UNIT_DEPS_string := lib/string.c
UNIT_TESTS += fmt
UNIT_DEPS_fmt := lib/fmt.c lib/string.c
UNIT_TESTS += cmdline
UNIT_DEPS_cmdline := lib/cmdline.c lib/fmt.c lib/string.c
UNIT_TESTS += multiboot
UNIT_DEPS_multiboot := lib/multiboot.c lib/fmt.c lib/string.c
UNIT_TESTS += elf
UNIT_DEPS_elf := lib/elf.c lib/fmt.c lib/string.c
UNIT_TESTS += frame
UNIT_DEPS_frame := lib/frame.c
# lib/console.c's queue against a model UART: tests/unit/stub/lib/ stands
# in for lib/uart.h and lib/x86.h (-iquote is searched before -I.).
UNIT_TESTS += console
UNIT_DEPS_console := lib/console.c lib/fmt.c lib/string.c
UNIT_CFLAGS_console := -iquote tests/unit/stub
$(BUILD)/unit/test_console: tests/unit/stub/lib/uart.h tests/unit/stub/lib/x86.h
# lib/vga.c's text screen on a fake buffer; its ports are the test's.
UNIT_TESTS += vga
UNIT_DEPS_vga := lib/vga.c lib/cmdline.c lib/fmt.c lib/string.c
UNIT_CFLAGS_vga := -iquote tests/unit/stub
$(BUILD)/unit/test_vga: tests/unit/stub/lib/x86.h

# lib/memmap.c: the memory map planner (memmap_init needs a kernel: not linked).
UNIT_TESTS += memmap
UNIT_DEPS_memmap := lib/memmap.c lib/frame.c lib/fmt.c lib/string.c lib/multiboot.c

# hv/: pure logic of the hypervisor.
UNIT_TESTS += ept
UNIT_DEPS_ept := hv/vmx/ept.c lib/frame.c lib/string.c
UNIT_TESTS += gmem
UNIT_DEPS_gmem := hv/gmem.c hv/vmx/ept.c lib/frame.c lib/string.c
UNIT_TESTS += gwalk
UNIT_DEPS_gwalk := hv/gwalk.c
# hv/acpi.c and hv/mptable.c: the CPUs of firmware tables built in the test.
UNIT_TESTS += acpi
UNIT_DEPS_acpi := hv/acpi.c hv/mptable.c lib/fmt.c lib/string.c
UNIT_TESTS += vmx_negotiate
UNIT_DEPS_vmx_negotiate := hv/vmx/vmx_negotiate.c lib/fmt.c lib/string.c
UNIT_TESTS += guest_cmdline
UNIT_DEPS_guest_cmdline := hv/guest_cmdline.c lib/cmdline.c lib/fmt.c lib/string.c
UNIT_TESTS += rip
UNIT_DEPS_rip :=
UNIT_TESTS += runq
UNIT_DEPS_runq := hv/runq.c
UNIT_TESTS += balance
UNIT_DEPS_balance := hv/balance.c

# hv/vmx/: mica's VMCS check against a fake VMCS, and the VMX name tables.
# tests/unit/vmx_fake.c: the fake VMCS and the state that passes, shared
# by the controls-and-host tests and the guest-state tests.
VMX_CHECK_DEPS := tests/unit/vmx_fake.c hv/vmx/vmx_check.c hv/vmx/vmx_check_guest.c \
	hv/vmx/vmcs_names.c hv/vmx/vmx_error.c lib/fmt.c lib/string.c
UNIT_TESTS += vmx_check
UNIT_DEPS_vmx_check := $(VMX_CHECK_DEPS)
UNIT_TESTS += vmx_check_guest
UNIT_DEPS_vmx_check_guest := $(VMX_CHECK_DEPS)
$(BUILD)/unit/test_vmx_check $(BUILD)/unit/test_vmx_check_guest: tests/unit/vmx_fake.h
# The case tables leave a case's optional last member (prepare) out.
UNIT_CFLAGS_vmx_check := -Wno-missing-field-initializers
UNIT_CFLAGS_vmx_check_guest := -Wno-missing-field-initializers

# guest/apps/: the apps and their library, against a fake app API in the test.
UNIT_TESTS += apps
UNIT_DEPS_apps := guest/apps/applib.c guest/apps/registry.c guest/apps/hello.c \
	guest/apps/cpu.c guest/apps/mem.c guest/apps/clock.c \
	lib/cmdline.c lib/fmt.c lib/string.c
UNIT_TESTS += vdev
UNIT_DEPS_vdev := hv/vpic.c hv/vpit.c lib/string.c
UNIT_TESTS += vuart
UNIT_DEPS_vuart := hv/vuart.c lib/string.c

# lib/archive.c: the cpio newc reader for container images.
UNIT_TESTS += archive
UNIT_DEPS_archive := lib/archive.c lib/fmt.c lib/string.c

# Fuzzing: many generated inputs for each parser of untrusted bytes, with
# the seeded PRNG of tests/unit/fuzz.c; MICA_FUZZ_CASES cases per test
# (2000 by default: a few seconds for all five under ASan).
UNIT_TESTS += fuzz_elf
UNIT_DEPS_fuzz_elf := tests/unit/fuzz.c lib/elf.c lib/fmt.c lib/string.c
UNIT_TESTS += fuzz_archive
UNIT_DEPS_fuzz_archive := tests/unit/fuzz.c lib/archive.c lib/fmt.c lib/string.c
UNIT_TESTS += fuzz_cmdline
UNIT_DEPS_fuzz_cmdline := tests/unit/fuzz.c lib/cmdline.c lib/fmt.c lib/string.c
UNIT_TESTS += fuzz_multiboot
UNIT_DEPS_fuzz_multiboot := tests/unit/fuzz.c lib/multiboot.c lib/memmap.c lib/frame.c \
	lib/fmt.c lib/string.c
UNIT_TESTS += fuzz_mbheader
UNIT_DEPS_fuzz_mbheader := tests/unit/fuzz.c lib/multiboot.c lib/fmt.c lib/string.c
# The pattern rule lists only a test's sources; these share headers too.
$(patsubst %,$(BUILD)/unit/test_%,fuzz_elf fuzz_archive fuzz_cmdline fuzz_multiboot fuzz_mbheader): \
	tests/unit/fuzz.h lib/rand.h

# guest/kernel/uaccess.c (included by the test, for its static page check)
# over real page tables made and walked by guest/kernel/vm.c.
UNIT_TESTS += uaccess
UNIT_DEPS_uaccess := guest/kernel/vm.c lib/frame.c lib/string.c
$(BUILD)/unit/test_uaccess: guest/kernel/uaccess.c

# hv/vlapic.c: the virtual local APIC, through its registers.
UNIT_TESTS += vlapic
UNIT_DEPS_vlapic := hv/vlapic.c lib/string.c

# hv/linux_boot.c: the Linux boot protocol loader, on synthetic headers
# (and, given a path, on a real kernel: tests/scenarios/linux-bare-qemu.sh).
UNIT_TESTS += linux_boot
UNIT_DEPS_linux_boot := hv/linux_boot.c lib/fmt.c lib/string.c

# hv/vrtc.c: a VM's CMOS clock, through its ports.
UNIT_TESTS += vrtc
UNIT_DEPS_vrtc := hv/vrtc.c lib/string.c

# hv/vkbc.c: the keyboard controller's reset line.
UNIT_TESTS += vkbc
UNIT_DEPS_vkbc := hv/vkbc.c
# guest/kernel/autoscale.c, a service's scaling policy; klog and kprintf
# are the test's own.
UNIT_TESTS += autoscale
UNIT_DEPS_autoscale := guest/kernel/autoscale.c lib/cmdline.c lib/fmt.c lib/string.c
