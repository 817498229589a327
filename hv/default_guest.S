/*
 * default_guest.S - the guest kernel, built into mica, for the built-in
 * default scenario: a mica booted with no modules runs this image as a few
 * VMs (hv/main.c). The Makefile builds build/guest.elf before mica.
 */
	.section .rodata
	.balign 4096
	.globl default_guest, default_guest_end
default_guest:
	.incbin GUEST_IMAGE
default_guest_end:
