#!/bin/bash
# An exception nobody handles: the kernel prints the vector, error code,
# RIP, CR2 and every register, then panics and ends the run with exit
# code 4 (the guest kernel bare in QEMU; mica shares this code in lib/).
source "$(dirname "$0")/../lib.sh"

LOG=exception-dump-qemu.log
boot_qemu "$LOG" 60 build/guest32.elf "test=exception"
check_line "$LOG" '^guest: invalid opcode \(#UD\), vector 6, error code 0x0$' vector_and_error_code
check_line "$LOG" '^  RIP 0008:[0-9a-f]{16}  RFLAGS [0-9a-f]{16}  RSP 0010:[0-9a-f]{16}$' rip_rflags_rsp
check_line "$LOG" '^  CR0 [0-9a-f]{16}  CR2 [0-9a-f]{16}  CR3 [0-9a-f]{16}  CR4 [0-9a-f]{16}$' control_registers
check_line "$LOG" '^  RAX [0-9a-f]{16}  RBX [0-9a-f]{16}  RCX [0-9a-f]{16}  RDX [0-9a-f]{16}$' rax_to_rdx
check_line "$LOG" '^  R12 [0-9a-f]{16}  R13 [0-9a-f]{16}  R14 [0-9a-f]{16}  R15 [0-9a-f]{16}$' r12_to_r15
check_line "$LOG" '^guest: panic: unhandled invalid opcode \(#UD\) at RIP 0x[0-9a-f]+$' panic_line
check_no_line "$LOG" 'returned from an unhandled #UD' did_not_continue
check_status 4 exit_code_4
