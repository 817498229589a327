/*
 * vmx_insn.h - the VMX instructions as inline functions, each returning how
 * it ended. SDM Vol. 3, "Conventions" of "VMX Instruction Reference":
 * CF=1 is VMfailInvalid (no current VMCS to hold an error number), ZF=1 is
 * VMfailValid (the number is in the VM-instruction error field).
 *
 * Runs in VMX root operation, ring 0.
 */
#ifndef HV_VMX_VMX_INSN_H
#define HV_VMX_VMX_INSN_H

#include <stdint.h>

enum vm_result {
	VM_SUCCESS = 0,
	VM_FAIL_INVALID = 1,    /* CF set: e.g. no current VMCS */
	VM_FAIL_VALID = 2,      /* ZF set: read VMCS_INSTRUCTION_ERROR */
};

/* Turn the flags left by a VMX instruction into an enum vm_result. */
#define VMX_RESULT(cf, zf) ((cf) ? VM_FAIL_INVALID : (zf) ? VM_FAIL_VALID : VM_SUCCESS)

static inline enum vm_result vmxon(uint64_t pa)
{
	uint8_t cf, zf;

	__asm__ volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
	return VMX_RESULT(cf, zf);
}

/* The current-VMCS pointer (all ones when there is none); #UD outside
 * VMX operation. */
static inline void vmptrst(uint64_t *pa)
{
	__asm__ volatile("vmptrst %0" : "=m"(*pa) : : "memory");
}

static inline enum vm_result vmxoff(void)
{
	uint8_t cf, zf;

	__asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return VMX_RESULT(cf, zf);
}

static inline enum vm_result vmclear(uint64_t pa)
{
	uint8_t cf, zf;

	__asm__ volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
	return VMX_RESULT(cf, zf);
}

static inline enum vm_result vmptrld(uint64_t pa)
{
	uint8_t cf, zf;

	__asm__ volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(pa) : "memory");
	return VMX_RESULT(cf, zf);
}

static inline enum vm_result vmread(uint64_t field, uint64_t *value)
{
	uint8_t cf, zf;

	__asm__ volatile("vmread %3, %0" : "=rm"(*value), "=@ccc"(cf), "=@ccz"(zf) : "r"(field));
	return VMX_RESULT(cf, zf);
}

static inline enum vm_result vmwrite(uint64_t field, uint64_t value)
{
	uint8_t cf, zf;

	__asm__ volatile("vmwrite %3, %2" : "=@ccc"(cf), "=@ccz"(zf) : "r"(field), "rm"(value) : "memory");
	return VMX_RESULT(cf, zf);
}

/* INVEPT and INVVPID types: SDM Vol. 3, "INVEPT" and "INVVPID". */
#define INVEPT_SINGLE_CONTEXT   1
#define INVEPT_ALL_CONTEXT      2
#define INVVPID_SINGLE_CONTEXT  1
#define INVVPID_ALL_CONTEXT     2

static inline enum vm_result invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, zero; } desc = { eptp, 0 };
	uint8_t cf, zf;

	__asm__ volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(desc), "r"(type) : "memory");
	return VMX_RESULT(cf, zf);
}

static inline enum vm_result invvpid(uint64_t type, uint16_t vpid, uint64_t gla)
{
	struct { uint64_t vpid, gla; } desc = { vpid, gla };
	uint8_t cf, zf;

	__asm__ volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(desc), "r"(type) : "memory");
	return VMX_RESULT(cf, zf);
}

#endif /* HV_VMX_VMX_INSN_H */
