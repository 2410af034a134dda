/*
 * Constant-time arithmetic modulo the P-256 group order n (see p256n.h). Montgomery multiplication
 * (CIOS, R = 2^256) on 4 x 64-bit limbs; inversion by Fermat's little theorem with a fixed 4-bit
 * window over the public exponent n - 2. Serves RFC 6507 §5.1.1 step 4 and §5.2.1 steps 4–5.
 */
#include "crypto/p256n.h"

#include <string.h>

#include "mcxsec/util.h"

__extension__ typedef unsigned __int128 u128;

/* n, little-endian limbs */
static const uint64_t N[4] = {0xF3B9CAC2FC632551u, 0xBCE6FAADA7179E84u, 0xFFFFFFFFFFFFFFFFu,
                              0xFFFFFFFF00000000u};
/* -n^-1 mod 2^64 */
static const uint64_t N0 = 0xCCD1C8AAEE00BC4Fu;
/* R^2 mod n */
static const uint64_t RR[4] = {0x83244C95BE79EEA2u, 0x4699799C49BD6FA6u, 0x2845B2392B6BEC59u,
                               0x66E12D94F3D95620u};
/* R mod n (Montgomery form of 1) */
static const uint64_t RONE[4] = {0x0C46353D039CDAAFu, 0x4319055258E8617Bu, 0, 0xFFFFFFFFu};

void mcxi_p256n_from_be(uint64_t r[4], const uint8_t b[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w = (w << 8) | b[(3 - i) * 8 + k];
        r[i] = w;
    }
}

void mcxi_p256n_to_be(uint8_t b[32], const uint64_t a[4])
{
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            b[(3 - i) * 8 + k] = (uint8_t)(a[i] >> (56 - 8 * k));
}

/* d = a - b mod 2^256, returns the borrow (0 or 1) */
static uint64_t sub4(uint64_t d[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        u128 z = (u128)a[i] - b[i] - borrow;
        d[i] = (uint64_t)z;
        borrow = (uint64_t)(z >> 64) & 1;
    }
    return borrow;
}

/* r = ctl ? a : b */
static void select4(uint64_t r[4], uint64_t ctl, const uint64_t a[4], const uint64_t b[4])
{
    uint64_t m = 0 - ctl;
    for (int i = 0; i < 4; i++)
        r[i] = b[i] ^ (m & (a[i] ^ b[i]));
}

uint64_t mcxi_p256n_is_zero(const uint64_t a[4])
{
    uint64_t x = a[0] | a[1] | a[2] | a[3];
    return 1 ^ ((x | (0 - x)) >> 63);
}

uint64_t mcxi_p256n_in_range(const uint64_t a[4])
{
    uint64_t d[4];
    uint64_t lt = sub4(d, a, N); /* borrow <=> a < n */
    return lt & (1 ^ mcxi_p256n_is_zero(a));
}

void mcxi_p256n_reduce(uint64_t r[4], const uint64_t a[4])
{
    uint64_t d[4];
    uint64_t borrow = sub4(d, a, N);
    select4(r, borrow, a, d);
}

void mcxi_p256n_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t s[4], d[4], carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 z = (u128)a[i] + b[i] + carry;
        s[i] = (uint64_t)z;
        carry = (uint64_t)(z >> 64);
    }
    uint64_t borrow = sub4(d, s, N);
    /* s + carry·2^256 < 2n: subtract n when there was a carry or no borrow */
    select4(r, carry | (borrow ^ 1), d, s);
}

/* z = a·b + t + c; t = low word, c = high word */
#define MAC(t, a, b, c)                                                                            \
    do {                                                                                           \
        u128 z_ = (u128)(a) * (b) + (t) + (c);                                                     \
        (t) = (uint64_t)z_;                                                                        \
        (c) = (uint64_t)(z_ >> 64);                                                                \
    } while (0)

/* One CIOS round: t += a·bi, then t = (t + m·n) / 2^64 with m = t0·N0 mod 2^64. */
#define ROUND(bi)                                                                                  \
    do {                                                                                           \
        uint64_t c_ = 0, m_, hi_;                                                                  \
        MAC(t0, a[0], (bi), c_);                                                                   \
        MAC(t1, a[1], (bi), c_);                                                                   \
        MAC(t2, a[2], (bi), c_);                                                                   \
        MAC(t3, a[3], (bi), c_);                                                                   \
        u128 s_ = (u128)t4 + c_;                                                                   \
        t4 = (uint64_t)s_;                                                                         \
        hi_ = (uint64_t)(s_ >> 64);                                                                \
        m_ = t0 * N0;                                                                              \
        c_ = 0;                                                                                    \
        MAC(t0, m_, N[0], c_);                                                                     \
        MAC(t1, m_, N[1], c_);                                                                     \
        MAC(t2, m_, N[2], c_);                                                                     \
        MAC(t3, m_, N[3], c_);                                                                     \
        s_ = (u128)t4 + c_;                                                                        \
        t0 = t1;                                                                                   \
        t1 = t2;                                                                                   \
        t2 = t3;                                                                                   \
        t3 = (uint64_t)s_;                                                                         \
        t4 = hi_ + (uint64_t)(s_ >> 64);                                                           \
    } while (0)

/* r = a·b·R^-1 mod n for a, b < n (fully unrolled CIOS; t < 2n after each round) */
static void mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    uint64_t b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    ROUND(b0);
    ROUND(b1);
    ROUND(b2);
    ROUND(b3);
    uint64_t t[4] = {t0, t1, t2, t3}, d[4];
    uint64_t borrow = sub4(d, t, N);
    select4(r, t4 | (borrow ^ 1), d, t);
}

void mcxi_p256n_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t am[4];
    mont_mul(am, a, RR); /* a·R */
    mont_mul(r, am, b);  /* a·b */
}

void mcxi_p256n_inv(uint64_t r[4], const uint64_t a[4])
{
    /* e = n - 2, public; big-endian nibbles scanned from the top */
    static const uint64_t E[4] = {0xF3B9CAC2FC63254Fu, 0xBCE6FAADA7179E84u, 0xFFFFFFFFFFFFFFFFu,
                                  0xFFFFFFFF00000000u};
    uint64_t tab[16][4];
    uint64_t x[4];
    memcpy(tab[0], RONE, sizeof tab[0]);
    mont_mul(tab[1], a, RR);
    for (int i = 2; i < 16; i++)
        mont_mul(tab[i], tab[i - 1], tab[1]);
    memcpy(x, RONE, sizeof x);
    for (int i = 63; i >= 0; i--) {
        if (i != 63)
            for (int k = 0; k < 4; k++)
                mont_mul(x, x, x);
        /* the exponent is public: indexing by its nibbles leaks nothing about a */
        unsigned nib = (unsigned)(E[i / 16] >> (4 * (i % 16))) & 15u;
        mont_mul(x, x, tab[nib]);
    }
    static const uint64_t ONE[4] = {1, 0, 0, 0};
    mont_mul(r, x, ONE);
    mcx_wipe(tab, sizeof tab);
    mcx_wipe(x, sizeof x);
}

/* r = a + n (257 bits: returns the carry) */
static uint64_t add_n(uint64_t r[4], const uint64_t a[4])
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 z = (u128)a[i] + N[i] + carry;
        r[i] = (uint64_t)z;
        carry = (uint64_t)(z >> 64);
    }
    return carry;
}

/* a = a / 2^k mod n for a < n and 1 <= k <= 63: add m·n with m = -a·n^-1 mod 2^k (so the low k
 * bits cancel), then shift; the result is < n because a + m·n < 2^k·n. */
static void div2k_mod_n(uint64_t a[4], unsigned k)
{
    uint64_t m = (a[0] * N0) & ((UINT64_C(1) << k) - 1);
    uint64_t y[5], carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 z = (u128)m * N[i] + a[i] + carry;
        y[i] = (uint64_t)z;
        carry = (uint64_t)(z >> 64);
    }
    y[4] = carry;
    for (int i = 0; i < 4; i++)
        a[i] = (y[i] >> k) | (y[i + 1] << (64 - k));
}

/* Make u odd by removing its factors of two, dividing x by the same power of two mod n. */
static void strip_twos(uint64_t u[4], uint64_t x[4])
{
    if ((u[0] | u[1] | u[2] | u[3]) == 0)
        return;
    while (u[0] == 0) {
        u[0] = u[1];
        u[1] = u[2];
        u[2] = u[3];
        u[3] = 0;
        div2k_mod_n(x, 32);
        div2k_mod_n(x, 32);
    }
    unsigned k = (unsigned)__builtin_ctzll(u[0]);
    if (k == 0)
        return;
    u[0] = (u[0] >> k) | (u[1] << (64 - k));
    u[1] = (u[1] >> k) | (u[2] << (64 - k));
    u[2] = (u[2] >> k) | (u[3] << (64 - k));
    u[3] >>= k;
    div2k_mod_n(x, k);
}

/* a = a - b mod n (a, b < n) */
static void sub_mod_n(uint64_t a[4], const uint64_t b[4])
{
    if (sub4(a, a, b))
        (void)add_n(a, a); /* wrapped below zero: add n back (the carry out cancels the borrow) */
}

static int is_one(const uint64_t a[4])
{
    return a[0] == 1 && (a[1] | a[2] | a[3]) == 0;
}

/* 1 if a >= b */
static int geq(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] > b[i];
    return 1;
}

void mcxi_p256n_inv_vartime(uint64_t r[4], const uint64_t a[4])
{
    /* Binary extended Euclid for an odd prime modulus, stripping all factors of two at once:
     * invariants x1·a ≡ u and x2·a ≡ v (mod n), u and v odd after each step.
     * VARIABLE TIME: only for public or blinded inputs. */
    uint64_t u[4], v[4], x1[4] = {1, 0, 0, 0}, x2[4] = {0, 0, 0, 0};
    if (mcxi_p256n_is_zero(a)) {
        memset(r, 0, 4 * sizeof r[0]);
        return;
    }
    memcpy(u, a, sizeof u);
    memcpy(v, N, sizeof v);
    strip_twos(u, x1);
    while (!is_one(u) && !is_one(v)) {
        if (geq(u, v)) {
            (void)sub4(u, u, v);
            sub_mod_n(x1, x2);
            strip_twos(u, x1);
        } else {
            (void)sub4(v, v, u);
            sub_mod_n(x2, x1);
            strip_twos(v, x2);
        }
    }
    memcpy(r, is_one(u) ? x1 : x2, 4 * sizeof r[0]);
}
