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

/* r = a·b·R^-1 mod n for a, b < n */
static void mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        u128 z;
        for (int j = 0; j < 4; j++) {
            z = (u128)a[j] * b[i] + t[j] + carry;
            t[j] = (uint64_t)z;
            carry = (uint64_t)(z >> 64);
        }
        z = (u128)t[4] + carry;
        t[4] = (uint64_t)z;
        t[5] = (uint64_t)(z >> 64);
        uint64_t m = t[0] * N0;
        z = (u128)m * N[0] + t[0];
        carry = (uint64_t)(z >> 64);
        for (int j = 1; j < 4; j++) {
            z = (u128)m * N[j] + t[j] + carry;
            t[j - 1] = (uint64_t)z;
            carry = (uint64_t)(z >> 64);
        }
        z = (u128)t[4] + carry;
        t[3] = (uint64_t)z;
        t[4] = t[5] + (uint64_t)(z >> 64);
    }
    uint64_t d[4];
    uint64_t borrow = sub4(d, t, N);
    select4(r, t[4] | (borrow ^ 1), d, t);
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
    static const uint64_t E[4] = {0xF3B9CAC2FC63254Fu, 0xBCE6FAADA7179E84u,
                                  0xFFFFFFFFFFFFFFFFu, 0xFFFFFFFF00000000u};
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
