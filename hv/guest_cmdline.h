/*
 * guest_cmdline.h - the command line a guest is given, as a boot loader
 * gives a kernel: the image's own name first where the loader gave one
 * (QEMU does; GRUB 2 gives neither kernels nor modules theirs), then what
 * the user wrote for it, without mica's own module keys. Pure string work, in VMX
 * root at VM creation; shared by the multiboot and the Linux loaders.
 */
#ifndef HV_GUEST_CMDLINE_H
#define HV_GUEST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * mica's own keys on a module's line (docs/configuration.md), NULL-ended:
 * the one table of them. mica reads them; a guest never sees them.
 */
extern const char *const mica_module_keys[];

/* True if the token (tok) ("key=value" or a bare "key") has one of
 * mica_module_keys as its key. */
bool guest_cmdline_is_mica_key(const char *tok, size_t len);

/*
 * Build the guest's command line from (module_line), the module's line as
 * the boot loader gave it to mica, e.g. "/boot/guest.elf name=web mem=4M
 * app=httpd" -> "/boot/guest.elf app=httpd". The image's name is the first
 * token when it names a path (lib/cmdline.h cmdline_args: a '/' and no
 * '='); mica's built-in guests have none, and then none is given. Every
 * other token is kept as written, except those of mica_module_keys;
 * tokens are joined by one space, as GRUB joins its arguments. A NULL
 * line gives "".
 * Writes at most (outsz) bytes to (out), always NUL-terminated when
 * (outsz) > 0, and returns the length of the whole line (like strlcpy):
 * a result >= (outsz) means it was cut short.
 */
size_t guest_cmdline(const char *module_line, char *out, size_t outsz);

#endif /* HV_GUEST_CMDLINE_H */
