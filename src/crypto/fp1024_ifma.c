/*
 * fp1024_ifma — the Montgomery multiplication of fp1024 (SAKKE parameter set 1, RFC 6509 App. A)
 * with AVX-512 IFMA (vpmadd52luq / vpmadd52huq on 256-bit vectors), chosen at run time when the
 * CPU has AVX-512F, AVX-512VL and AVX-512IFMA. About twice as fast as the BMI2/ADX row code on
 * AMD Zen 4 (docs/internals/sakke.md).
 *
 * The product is an "almost Montgomery multiplication" in radix 2^52 (Gueron-Krasnov 2016):
 * 20 limbs of 52 bits, one limb of b per iteration, the accumulator in five vectors of four limbs
 * that shift down one limb per iteration. Only the lowest limb is on the critical path, so it is
 * kept in a general register and updated with scalar multiplications, while the vector units add
 * the rest; the vector copy of that limb is never read.
 *
 * R stays 2^1024 for the callers: 20 iterations divide by 2^1040, so b enters shifted left by
 * 16 bits (b < m < 2^1024 gives b * 2^16 < 2^1040, still 20 limbs). With a < 2^1024 and
 * m < 2^1024 the result is below a * b * 2^16 / 2^1040 + m < 2m; fp1024.c's final subtraction
 * makes it canonical.
 *
 * Constant time: fixed trip counts, no branches or memory indices that depend on a or b; IFMA,
 * MULX and IMUL have data-independent timing. Like the other fp1024 kernels it leaves its
 * stack temporaries to be overwritten by the next call instead of wiping them (a wipe would cost a
 * third of the multiplication); the callers wipe the values they hold.
 */
#include "crypto/fp1024_ifma.h"

#if MCXI_HAVE_IFMA_PATH
#include <immintrin.h>

#define L52 20
#define MASK52 ((1ULL << 52) - 1)

typedef unsigned __int128 u128;

/* 64-bit limbs x[0..n) (little endian), shifted left by `shift` < 52 bits, as 20 limbs of 52
 * bits. The bit positions are fixed, so this is branch-free in the value. */
static inline __attribute__((always_inline)) void to_radix52(uint64_t out[L52],
                                                             const uint64_t x[16], unsigned shift)
{
#pragma GCC unroll 20
    for (unsigned j = 0; j < L52; j++) {
        /* bits [52j - shift, 52j - shift + 52) of x */
        int lo = (int)(52 * j) - (int)shift;
        uint64_t v;
        if (lo < 0) {
            v = x[0] << (unsigned)(-lo);
        } else {
            unsigned w = (unsigned)lo >> 6, s = (unsigned)lo & 63;
            v = w < 16 ? x[w] >> s : 0;
            if (s != 0 && w + 1 < 16)
                v |= x[w + 1] << (64 - s);
        }
        out[j] = v & MASK52;
    }
}

void mcxi_ifma_mod_init(struct mcxi_ifma_mod *im, const uint64_t m[16])
{
    to_radix52(im->m52, m, 0);
    /* -m^-1 mod 2^52 by Newton iteration (m odd): each step doubles the correct bits */
    uint64_t inv = 1;
    for (int i = 0; i < 6; i++)
        inv *= 2 - m[0] * inv;
    im->k0 = (0 - inv) & MASK52;
}

#define MLO(acc, x, y) _mm256_madd52lo_epu64(acc, x, y)
#define MHI(acc, x, y) _mm256_madd52hi_epu64(acc, x, y)
#define LOADV(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))

__attribute__((target("avx512f,avx512vl,avx512ifma"))) uint64_t
mcxi_ifma_mont_mul(uint64_t r[16], const uint64_t a[16], const uint64_t b[16],
                   const struct mcxi_ifma_mod *im)
{
    uint64_t a52[L52], b52[L52], t[L52];
    to_radix52(a52, a, 0);
    to_radix52(b52, b, 16);
    const __m256i A0 = LOADV(a52), A1 = LOADV(a52 + 4), A2 = LOADV(a52 + 8), A3 = LOADV(a52 + 12),
                  A4 = LOADV(a52 + 16);
    const __m256i M0 = LOADV(im->m52), M1 = LOADV(im->m52 + 4), M2 = LOADV(im->m52 + 8),
                  M3 = LOADV(im->m52 + 12), M4 = LOADV(im->m52 + 16);
    const __m256i zero = _mm256_setzero_si256();
    __m256i R0 = zero, R1 = zero, R2 = zero, R3 = zero, R4 = zero;
    const uint64_t a0 = a52[0], a1 = a52[1], m0 = im->m52[0], m1 = im->m52[1], k0 = im->k0;
    uint64_t acc0 = 0; /* limb 0 of the accumulator, up to ~58 bits */
#pragma GCC unroll 20
    for (unsigned i = 0; i < L52; i++) {
        const uint64_t bi = b52[i];
        const __m256i B = _mm256_set1_epi64x((long long)bi);
        /* limb 1 as it stands before this iteration; it becomes limb 0 after the shift */
        const uint64_t r1 = (uint64_t)_mm256_extract_epi64(R0, 1);
        const u128 pa0 = (u128)a0 * bi;
        uint64_t s = acc0 + ((uint64_t)pa0 & MASK52);
        const uint64_t y = (s * k0) & MASK52; /* makes limb 0 divisible by 2^52 */
        const __m256i Y = _mm256_set1_epi64x((long long)y);
        const u128 pm0 = (u128)m0 * y;
        s += (uint64_t)pm0 & MASK52;
        acc0 = r1 + ((a1 * bi) & MASK52) + ((m1 * y) & MASK52) + (uint64_t)(pa0 >> 52) +
               (uint64_t)(pm0 >> 52) + (s >> 52);
        /* limbs 1..19: low halves, shift down one limb, high halves */
        R0 = MLO(R0, A0, B);
        R1 = MLO(R1, A1, B);
        R2 = MLO(R2, A2, B);
        R3 = MLO(R3, A3, B);
        R4 = MLO(R4, A4, B);
        R0 = MLO(R0, M0, Y);
        R1 = MLO(R1, M1, Y);
        R2 = MLO(R2, M2, Y);
        R3 = MLO(R3, M3, Y);
        R4 = MLO(R4, M4, Y);
        R0 = _mm256_alignr_epi64(R1, R0, 1);
        R1 = _mm256_alignr_epi64(R2, R1, 1);
        R2 = _mm256_alignr_epi64(R3, R2, 1);
        R3 = _mm256_alignr_epi64(R4, R3, 1);
        R4 = _mm256_alignr_epi64(zero, R4, 1);
        R0 = MHI(R0, A0, B);
        R1 = MHI(R1, A1, B);
        R2 = MHI(R2, A2, B);
        R3 = MHI(R3, A3, B);
        R4 = MHI(R4, A4, B);
        R0 = MHI(R0, M0, Y);
        R1 = MHI(R1, M1, Y);
        R2 = MHI(R2, M2, Y);
        R3 = MHI(R3, M3, Y);
        R4 = MHI(R4, M4, Y);
    }
    _mm256_storeu_si256((__m256i *)(void *)t, R0);
    _mm256_storeu_si256((__m256i *)(void *)(t + 4), R1);
    _mm256_storeu_si256((__m256i *)(void *)(t + 8), R2);
    _mm256_storeu_si256((__m256i *)(void *)(t + 12), R3);
    _mm256_storeu_si256((__m256i *)(void *)(t + 16), R4);
    t[0] = acc0;
    /* carry-normalise the limbs (each < 2^59), then repack the < 2^1025 value into 64-bit limbs */
    uint64_t c = 0;
#pragma GCC unroll 20
    for (unsigned j = 0; j < L52; j++) {
        t[j] += c;
        c = t[j] >> 52;
        t[j] &= MASK52;
    }
    uint64_t hi = 0;
#pragma GCC unroll 17
    for (unsigned k = 0; k < 17; k++) {
        /* bits [64k, 64k + 64) */
        unsigned j = (64 * k) / 52, s = (64 * k) % 52;
        uint64_t v = t[j] >> s;
        if (j + 1 < L52)
            v |= t[j + 1] << (52 - s);
        if (s > 40 && j + 2 < L52)
            v |= t[j + 2] << (104 - s);
        if (k < 16)
            r[k] = v;
        else
            hi = v;
    }
    return hi; /* bit 1024 of the result (the value is < 2m < 2^1025) */
}

int mcxi_ifma_available(void)
{
    __builtin_cpu_init(); /* needed when called from a constructor, as fp1024.c does */
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512ifma");
}
#endif
