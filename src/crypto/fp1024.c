/*
 * fp1024 — constant-time fixed-width Montgomery arithmetic mod the SAKKE parameter-set-1 prime p
 * and group order q (RFC 6509 Appendix A; RFC 6508 §2.1 arithmetic). See fp1024.h.
 *
 * Constant-time argument: every loop runs over all 16 limbs; carries are handled with 128-bit
 * arithmetic or adc/sbb chains; the only selections are masked (final subtraction, cmov).
 * Inversion is the constant-time safegcd of modinv.c (Fermat with the public exponent m-2 is kept
 * as the tests' reference). The Montgomery multiplication has three backends chosen at load time
 * from the CPU alone: portable C, BMI2/ADX rows (fp1024_adx.h) and AVX-512 IFMA (fp1024_ifma.c).
 */
#include "crypto/fp1024.h"
#include "crypto/modinv.h"

#include <string.h>

#include "mcxsec/util.h"
#include "util/ct.h"

#include "crypto/fp1024_ifma.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MCXI_HAVE_ADX_PATH 1
#include <cpuid.h>

#include "crypto/fp1024_adx.h"
#endif

/* The Montgomery multiplication in use: chosen once at load time (before any thread can call in)
 * from the CPU features, never from data; tests switch it with mcxi_fp_set_backend. */
static int backend = MCXI_FP_PORTABLE;
#if MCXI_HAVE_IFMA_PATH
static struct mcxi_ifma_mod ifma_p, ifma_q;
#endif

static int best_backend(void)
{
#if MCXI_HAVE_IFMA_PATH
    if (mcxi_ifma_available())
        return MCXI_FP_IFMA;
#endif
#ifdef MCXI_HAVE_ADX_PATH
    unsigned int a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && ((b >> 8) & 1) && ((b >> 19) & 1))
        return MCXI_FP_ADX; /* BMI2 (mulx) and ADX (adcx/adox) */
#endif
    return MCXI_FP_PORTABLE;
}

__attribute__((constructor)) static void select_backend(void)
{
#if MCXI_HAVE_IFMA_PATH
    mcxi_ifma_mod_init(&ifma_p, mcxi_mod_p.m);
    mcxi_ifma_mod_init(&ifma_q, mcxi_mod_q.m);
#endif
    backend = best_backend();
}

int mcxi_fp_set_backend(int b)
{
    int old = backend;
    if (b < 0)
        b = best_backend();
    else if (b > best_backend())
        return -1; /* not available on this CPU */
    backend = b;
    return old;
}

typedef unsigned __int128 u128;
#define N MCXI_FP_LIMBS

/* Montgomery constants: generated with Python from the RFC 6509 values (R = 2^1024), and checked
 * against OpenSSL BN by tests/unit/test_fp1024.c. */
const struct mcxi_mod mcxi_mod_p = {
    .m = {
        0x666d807afea85febULL, 0x80c5df10ac7ace87ULL, 0xfce3e82389857db0ULL, 0x9f94d6af56971f1fULL,
        0xa7cf3c521c3c09aaULL, 0xb6aff4a831852a82ULL, 0x512ac5cd65681ce1ULL, 0xe26c6487326b4cd4ULL,
        0x356d27f4a666a6d0ULL, 0xe791b39ff7c88a19ULL, 0x228730d531a59cb0ULL, 0xf40aab27e2fc0f1bULL,
        0xbe9ae358b3e01a2eULL, 0x416c0ce19cb48261ULL, 0x65c61198dad0657aULL, 0x997abb1f0a563fdaULL,
    },
    .m0inv = 0x290420077c8f2f3dULL,
    .one = {
        0x99927f850157a015ULL, 0x7f3a20ef53853178ULL, 0x031c17dc767a824fULL, 0x606b2950a968e0e0ULL,
        0x5830c3ade3c3f655ULL, 0x49500b57ce7ad57dULL, 0xaed53a329a97e31eULL, 0x1d939b78cd94b32bULL,
        0xca92d80b5999592fULL, 0x186e4c60083775e6ULL, 0xdd78cf2ace5a634fULL, 0x0bf554d81d03f0e4ULL,
        0x41651ca74c1fe5d1ULL, 0xbe93f31e634b7d9eULL, 0x9a39ee67252f9a85ULL, 0x668544e0f5a9c025ULL,
    },
    .r2 = {
        0xe199c8ceed17b0a1ULL, 0x7ffd8b4be3620f7fULL, 0xca865d5f4f76e245ULL, 0x623ff8dc27ecf5cbULL,
        0x229900e1d19bb697ULL, 0xed6aef26ea40c71fULL, 0xa3aed42cc906365cULL, 0x17d461b69eab6451ULL,
        0x2009367d7d666da9ULL, 0x8bcad1dcb63c1d56ULL, 0x5a126231c31a92dcULL, 0x5fb41b0eb8d94c5bULL,
        0xc113d394843f623cULL, 0x5d8d8e74f159f1ebULL, 0xae4ba7edb5d48c14ULL, 0x191640b9698af16aULL,
    },
};

const struct mcxi_mod mcxi_mod_q = {
    .m = {
        0xd99b601ebfaa17fbULL, 0x203177c42b1eb3a1ULL, 0xff38fa08e2615f6cULL, 0xa7e535abd5a5c7c7ULL,
        0xa9f3cf14870f026aULL, 0x6dabfd2a0c614aa0ULL, 0x144ab173595a0738ULL, 0x389b1921cc9ad335ULL,
        0x4d5b49fd2999a9b4ULL, 0x39e46ce7fdf22286ULL, 0xc8a1cc354c69672cULL, 0xbd02aac9f8bf03c6ULL,
        0x6fa6b8d62cf8068bULL, 0x905b0338672d2098ULL, 0x9971846636b4195eULL, 0x265eaec7c2958ff6ULL,
    },
    .m0inv = 0xb8a1d17d46eaa4cdULL,
    .one = {
        0xe65bbf478203701eULL, 0x3ed73166fd47ca34ULL, 0x04aa23cab1b7c377ULL, 0x10a0bdf8fe1d5150ULL,
        0x04492584d5a5f180ULL, 0x6df81103b5b8403cULL, 0x863fd74be7e3d4adULL, 0xac5d6935345f0cc1ULL,
        0x2fdc4411066605c6ULL, 0xa4a572900c5330daULL, 0x4c3536c0358794f6ULL, 0x91efff442b85e957ULL,
        0x6217aafaf22fd8b9ULL, 0x9dddecad94f13c6dULL, 0x6756e59ab7c767c8ULL, 0x19c7e751707ea038ULL,
    },
    .r2 = {
        0xda18351aab65130dULL, 0x53d2a86ff2ea3168ULL, 0x9cf2730004b7e984ULL, 0x7df33bab26caacf6ULL,
        0xbd9ffef9a4e7d523ULL, 0xe4baf1d588717ce0ULL, 0x24b1bbc4bc93533aULL, 0x9ad2dc261db57a34ULL,
        0x422970b3838d8f48ULL, 0x890491f5401df1e3ULL, 0xf3d2a16bbcb013beULL, 0x9b9de76d5595e10bULL,
        0x58d7c6f9f724bb45ULL, 0xb2074f8f97cac807ULL, 0x76271e07c569cadcULL, 0x14274810a10f335fULL,
    },
};

/* ---- carry chains ---------------------------------------------------------------------------- */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <x86intrin.h>
/* r = a + b, returns the carry (adc chain) */
static inline uint64_t add_n(uint64_t r[N], const uint64_t a[N], const uint64_t b[N])
{
    unsigned char c = 0;
    unsigned long long t;
#pragma GCC unroll 16
    for (int j = 0; j < N; j++) {
        c = _addcarry_u64(c, a[j], b[j], &t);
        r[j] = t;
    }
    return c;
}
/* r = a - b, returns the borrow (sbb chain) */
static inline uint64_t sub_n(uint64_t r[N], const uint64_t a[N], const uint64_t b[N])
{
    unsigned char c = 0;
    unsigned long long t;
#pragma GCC unroll 16
    for (int j = 0; j < N; j++) {
        c = _subborrow_u64(c, a[j], b[j], &t);
        r[j] = t;
    }
    return c;
}
#else
static inline uint64_t add_n(uint64_t r[N], const uint64_t a[N], const uint64_t b[N])
{
    uint64_t c = 0;
    for (int j = 0; j < N; j++) {
        u128 s = (u128)a[j] + b[j] + c;
        r[j] = (uint64_t)s;
        c = (uint64_t)(s >> 64);
    }
    return c;
}
static inline uint64_t sub_n(uint64_t r[N], const uint64_t a[N], const uint64_t b[N])
{
    uint64_t borrow = 0;
    for (int j = 0; j < N; j++) {
        u128 s = (u128)a[j] - b[j] - borrow;
        r[j] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    return borrow;
}
#endif

/* ---- core Montgomery multiplication (CIOS, 16 limbs) ----------------------------------------- */

/* Conditionally subtract m from the N+1-limb value (t, hi) known to be < 2m; write the result. */
static inline void final_sub(uint64_t r[N], const uint64_t t[N], uint64_t hi, const uint64_t m[N])
{
    uint64_t d[N];
    uint64_t borrow = sub_n(d, t, m);
    /* keep t only when t < m: no high limb and the subtraction borrowed */
    uint64_t keep = borrow & (hi ^ 1);
    uint64_t mask = 0 - keep;
#pragma GCC unroll 16
    for (int j = 0; j < N; j++)
        r[j] = (t[j] & mask) | (d[j] & ~mask);
}

void mcxi_mod_mul(uint64_t r[N], const uint64_t a[N], const uint64_t b[N],
                  const struct mcxi_mod *mod)
{
    const uint64_t *m = mod->m;
    const uint64_t m0inv = mod->m0inv;
    uint64_t t[N + 2];
#if MCXI_HAVE_IFMA_PATH
    if (backend == MCXI_FP_IFMA && (mod == &mcxi_mod_p || mod == &mcxi_mod_q)) {
        uint64_t hi = mcxi_ifma_mont_mul(t, a, b, mod == &mcxi_mod_p ? &ifma_p : &ifma_q);
        final_sub(r, t, hi, m);
        return;
    }
#endif
    memset(t, 0, sizeof t);
#ifdef MCXI_HAVE_ADX_PATH
    if (backend >= MCXI_FP_ADX) {
        const uint64_t *bp = b;
        unsigned cnt = N;
        MCXI_MONT_ADX_ROWS(t, a, bp, m, m0inv, cnt);
        final_sub(r, t, t[N], m);
        return;
    }
#endif
    for (int i = 0; i < N; i++) {
        uint64_t bi = b[i];
        uint64_t c = 0;
        for (int j = 0; j < N; j++) {
            u128 s = (u128)a[j] * bi + t[j] + c;
            t[j] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        u128 s = (u128)t[N] + c;
        t[N] = (uint64_t)s;
        t[N + 1] = (uint64_t)(s >> 64);
        uint64_t mq = t[0] * m0inv;
        s = (u128)mq * m[0] + t[0];
        c = (uint64_t)(s >> 64);
        for (int j = 1; j < N; j++) {
            s = (u128)mq * m[j] + t[j] + c;
            t[j - 1] = (uint64_t)s;
            c = (uint64_t)(s >> 64);
        }
        s = (u128)t[N] + c;
        t[N - 1] = (uint64_t)s;
        t[N] = t[N + 1] + (uint64_t)(s >> 64);
    }
    final_sub(r, t, t[N], m);
}

void mcxi_mod_sqr(uint64_t r[N], const uint64_t a[N], const struct mcxi_mod *m)
{
    mcxi_mod_mul(r, a, a, m);
}

void mcxi_mod_add(uint64_t r[N], const uint64_t a[N], const uint64_t b[N],
                  const struct mcxi_mod *mod)
{
    uint64_t t[N];
    uint64_t c = add_n(t, a, b);
    final_sub(r, t, c, mod->m);
}

void mcxi_mod_sub(uint64_t r[N], const uint64_t a[N], const uint64_t b[N],
                  const struct mcxi_mod *mod)
{
    uint64_t t[N], mm[N];
    uint64_t mask = 0 - sub_n(t, a, b);
#pragma GCC unroll 16
    for (int j = 0; j < N; j++)
        mm[j] = mod->m[j] & mask;
    (void)add_n(r, t, mm); /* wraps back into [0, m) when the subtraction borrowed */
}

void mcxi_mod_inv(uint64_t r[N], const uint64_t a[N], const struct mcxi_mod *mod)
{
    /* safegcd gives (aR)^-1 = a^-1 R^-1; one Montgomery multiplication by R^3 = mont(R^2, R^2)
     * brings it to a^-1 R */
    uint64_t r3[N], t[N];
    mcxi_mod_mul(r3, mod->r2, mod->r2, mod);
    mcxi_modinv_ct(t, a, mod->m, mod->m0inv);
    mcxi_mod_mul(r, t, r3, mod);
    mcx_wipe(t, sizeof t);
}

void mcxi_mod_inv_fermat(uint64_t r[N], const uint64_t a[N], const struct mcxi_mod *mod)
{
    /* a^(m-2) with 4-bit fixed windows; the exponent m-2 is public, so indexing the table by its
     * digits and skipping nothing is constant-time in a. */
    uint64_t tab[16][N];
    uint64_t e[N];
    uint64_t acc[N];
    memcpy(tab[0], mod->one, sizeof tab[0]);
    memcpy(tab[1], a, sizeof tab[1]);
    for (int i = 2; i < 16; i++)
        mcxi_mod_mul(tab[i], tab[i - 1], a, mod);
    /* e = m - 2 (m is odd and > 2, so no borrow beyond limb 0 matters beyond the normal chain) */
    uint64_t borrow = 2;
    for (int j = 0; j < N; j++) {
        u128 s = (u128)mod->m[j] - borrow;
        e[j] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    memcpy(acc, mod->one, sizeof acc);
    for (int i = N * 16 - 1; i >= 0; i--) {
        unsigned d = (unsigned)(e[i / 16] >> ((i % 16) * 4)) & 15;
        for (int k = 0; k < 4; k++)
            mcxi_mod_sqr(acc, acc, mod);
        mcxi_mod_mul(acc, acc, tab[d], mod);
    }
    memcpy(r, acc, sizeof acc);
    mcx_wipe(&tab[0][0], (16 * N) * sizeof(uint64_t));
    mcx_wipe(acc, (N) * sizeof(uint64_t));
}

/* ---- conversions ----------------------------------------------------------------------------- */

void mcxi_limbs_from_be(uint64_t r[N], const uint8_t in[128])
{
    for (int j = 0; j < N; j++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w = (w << 8) | in[128 - 8 * (j + 1) + k];
        r[j] = w;
    }
}

void mcxi_limbs_to_be(uint8_t out[128], const uint64_t a[N])
{
    for (int j = 0; j < N; j++)
        for (int k = 0; k < 8; k++)
            out[128 - 8 * (j + 1) + k] = (uint8_t)(a[j] >> (56 - 8 * k));
}

uint64_t mcxi_limbs_lt(const uint64_t a[N], const uint64_t m[N])
{
    uint64_t d[N];
    return sub_n(d, a, m);
}

uint64_t mcxi_limbs_is_zero(const uint64_t a[N])
{
    uint64_t acc = 0;
    for (int j = 0; j < N; j++)
        acc |= a[j];
    return mcxi_ct_eq0_64(acc);
}

uint64_t mcxi_limbs_eq(const uint64_t a[N], const uint64_t b[N])
{
    uint64_t acc = 0;
    for (int j = 0; j < N; j++)
        acc |= a[j] ^ b[j];
    return mcxi_ct_eq0_64(acc);
}

void mcxi_mod_to_mont(uint64_t r[N], const uint64_t a[N], const struct mcxi_mod *m)
{
    /* a*R^2/R = a*R mod m; valid for any a < R since R^2 mod m < m */
    mcxi_mod_mul(r, a, m->r2, m);
}

void mcxi_mod_from_mont(uint64_t r[N], const uint64_t a[N], const struct mcxi_mod *m)
{
    uint64_t one[N] = {1};
    mcxi_mod_mul(r, a, one, m);
}

void mcxi_mod_reduce_be(uint64_t r[N], const uint8_t *in, size_t len, const struct mcxi_mod *m)
{
    /* Horner over 128-octet chunks from the most significant end: acc = acc*2^1024 + chunk.
     * acc*2^1024 mod m = mont_mul(acc, R^2); chunk mod m = from_mont(to_mont(chunk)). */
    uint64_t acc[N] = {0};
    uint64_t c[N];
    uint8_t buf[128];
    size_t first = len % 128;
    size_t off = 0;
    if (first == 0 && len > 0)
        first = 128;
    while (off < len) {
        size_t take = off == 0 ? first : 128;
        memset(buf, 0, sizeof buf);
        memcpy(buf + 128 - take, in + off, take);
        off += take;
        mcxi_limbs_from_be(c, buf);
        mcxi_mod_to_mont(c, c, m);  /* c*R mod m  */
        mcxi_mod_from_mont(c, c, m); /* c mod m    */
        mcxi_mod_mul(acc, acc, m->r2, m); /* acc*R mod m = acc*2^1024 */
        mcxi_mod_add(acc, acc, c, m);
    }
    memcpy(r, acc, sizeof acc);
    mcx_wipe(acc, (N) * sizeof(uint64_t));
    mcx_wipe(c, (N) * sizeof(uint64_t));
    mcx_wipe(buf, sizeof buf);
}

/* ---- F_p wrappers ---------------------------------------------------------------------------- */

void mcxi_fp_mul(mcxi_fp *r, const mcxi_fp *a, const mcxi_fp *b)
{
    mcxi_mod_mul(r->v, a->v, b->v, &mcxi_mod_p);
}
void mcxi_fp_sqr(mcxi_fp *r, const mcxi_fp *a)
{
    mcxi_mod_sqr(r->v, a->v, &mcxi_mod_p);
}
void mcxi_fp_add(mcxi_fp *r, const mcxi_fp *a, const mcxi_fp *b)
{
    mcxi_mod_add(r->v, a->v, b->v, &mcxi_mod_p);
}
void mcxi_fp_sub(mcxi_fp *r, const mcxi_fp *a, const mcxi_fp *b)
{
    mcxi_mod_sub(r->v, a->v, b->v, &mcxi_mod_p);
}
void mcxi_fp_neg(mcxi_fp *r, const mcxi_fp *a)
{
    mcxi_fp z;
    mcxi_fp_set_zero(&z);
    mcxi_mod_sub(r->v, z.v, a->v, &mcxi_mod_p);
}
void mcxi_fp_inv(mcxi_fp *r, const mcxi_fp *a)
{
    mcxi_mod_inv(r->v, a->v, &mcxi_mod_p);
}
void mcxi_fp_set_one(mcxi_fp *r)
{
    memcpy(r->v, mcxi_mod_p.one, sizeof r->v);
}
void mcxi_fp_set_zero(mcxi_fp *r)
{
    memset(r->v, 0, sizeof r->v);
}
uint64_t mcxi_fp_is_zero(const mcxi_fp *a)
{
    return mcxi_limbs_is_zero(a->v);
}
uint64_t mcxi_fp_eq(const mcxi_fp *a, const mcxi_fp *b)
{
    return mcxi_limbs_eq(a->v, b->v);
}
void mcxi_fp_cmov(mcxi_fp *r, const mcxi_fp *a, uint64_t ctl)
{
    uint64_t mask = 0 - ctl;
#pragma GCC unroll 16
    for (int j = 0; j < N; j++)
        r->v[j] ^= mask & (r->v[j] ^ a->v[j]);
}
uint64_t mcxi_fp_from_bytes(mcxi_fp *r, const uint8_t in[128])
{
    uint64_t t[N];
    mcxi_limbs_from_be(t, in);
    uint64_t ok = mcxi_limbs_lt(t, mcxi_mod_p.m);
    mcxi_mod_to_mont(r->v, t, &mcxi_mod_p);
    return ok;
}
void mcxi_fp_to_bytes(uint8_t out[128], const mcxi_fp *a)
{
    uint64_t t[N];
    mcxi_mod_from_mont(t, a->v, &mcxi_mod_p);
    mcxi_limbs_to_be(out, t);
}
