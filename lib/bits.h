/*
 * bits.h - BIT(n), the one way mica spells a single-bit mask.
 * Usable from C and from assembly (.S files see a plain shift, since the
 * assembler knows no ULL suffix and computes in 64 bits anyway).
 */
#ifndef LIB_BITS_H
#define LIB_BITS_H

#ifndef BIT
#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#else
#define BIT(n) (1ULL << (n))
#endif
#endif

#endif /* LIB_BITS_H */
