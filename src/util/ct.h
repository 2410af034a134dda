/*
 * Internal constant-time helpers (BearSSL-style masks). ctl values are 0 or 1; masks are 0 or all
 * ones. Nothing here branches on or indexes by its arguments.
 *
 * mcxi_ct_poison / mcxi_ct_unpoison mark memory secret / public for the valgrind constant-time test
 * (tests/ct/): they are no-ops unless the library is built with MCX_CTGRIND. Unpoison a value only
 * where it legitimately becomes public (an output, a blinded value), with a comment saying why.
 */
#ifndef MCX_UTIL_CT_H
#define MCX_UTIL_CT_H
#include <stddef.h>
#include <stdint.h>

#ifdef MCX_CTGRIND
#include <valgrind/memcheck.h>
#define mcxi_ct_poison(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define mcxi_ct_unpoison(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define mcxi_ct_poison(p, n) ((void)(p), (void)(n))
#define mcxi_ct_unpoison(p, n) ((void)(p), (void)(n))
#endif

/* 1 if x != 0 else 0 */
static inline uint64_t mcxi_ct_nz64(uint64_t x)
{
    return (x | (0 - x)) >> 63;
}
/* 1 if x == 0 else 0 */
static inline uint64_t mcxi_ct_eq0_64(uint64_t x)
{
    return 1 ^ mcxi_ct_nz64(x);
}
/* 1 if a == b else 0 */
static inline uint64_t mcxi_ct_eq64(uint64_t a, uint64_t b)
{
    return mcxi_ct_eq0_64(a ^ b);
}
/* ctl ? a : b, ctl in {0,1} */
static inline uint64_t mcxi_ct_mux64(uint64_t ctl, uint64_t a, uint64_t b)
{
    return b ^ ((0 - ctl) & (a ^ b));
}
/* 1 if a < b (unsigned) else 0 */
static inline uint64_t mcxi_ct_lt64(uint64_t a, uint64_t b)
{
    return (((a ^ ((a ^ b) | ((a - b) ^ b))) >> 63) & 1);
}
/* Copy n bytes from src to dst when ctl == 1, leave dst unchanged when ctl == 0. */
static inline void mcxi_ct_cmov(uint64_t ctl, void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    uint8_t m = (uint8_t)(0 - ctl);
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)(d[i] ^ (m & (d[i] ^ s[i])));
}
/* 1 if the n bytes at p are all zero, else 0 */
static inline uint64_t mcxi_ct_is_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= b[i];
    return mcxi_ct_eq0_64(acc);
}
#endif
