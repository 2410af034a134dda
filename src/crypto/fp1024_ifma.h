/*
 * fp1024_ifma — AVX-512 IFMA backend of the fp1024 Montgomery multiplication (see
 * fp1024_ifma.c). Internal to src/crypto.
 */
#ifndef MCX_CRYPTO_FP1024_IFMA_H
#define MCX_CRYPTO_FP1024_IFMA_H
#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MCXI_HAVE_IFMA_PATH 1
#else
#define MCXI_HAVE_IFMA_PATH 0
#endif

/** A modulus in radix 2^52 with -m^-1 mod 2^52. */
struct mcxi_ifma_mod {
    uint64_t m52[20];
    uint64_t k0;
};

#if MCXI_HAVE_IFMA_PATH
void mcxi_ifma_mod_init(struct mcxi_ifma_mod *im, const uint64_t m[16]);
/* 1 if the CPU (and OS) support AVX-512F, AVX-512VL and AVX-512IFMA. */
int mcxi_ifma_available(void);
/* r + hi*2^1024 = a * b * 2^-1024 mod m, below 2m, for a < 2^1024 and b < m < 2^1024. Returns hi
 * (0 or 1). Only call when mcxi_ifma_available(). */
uint64_t mcxi_ifma_mont_mul(uint64_t r[16], const uint64_t a[16], const uint64_t b[16],
                            const struct mcxi_ifma_mod *im);
#endif
#endif
