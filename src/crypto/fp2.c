/*
 * fp2 — arithmetic in F_p^2 = F_p[i]/(i^2 + 1) (RFC 6508 §2.1; p = 3 mod 4 so i^2 = -1 is
 * irreducible). Karatsuba multiplication (3 F_p multiplications), complex squaring (2).
 */
#include "crypto/fp2.h"

#include "mcxsec/util.h"

void mcxi_fp2_mul(mcxi_fp2 *r, const mcxi_fp2 *x, const mcxi_fp2 *y)
{
    mcxi_fp t0, t1, s0, s1;
    mcxi_fp_mul(&t0, &x->a, &y->a);
    mcxi_fp_mul(&t1, &x->b, &y->b);
    mcxi_fp_add(&s0, &x->a, &x->b);
    mcxi_fp_add(&s1, &y->a, &y->b);
    mcxi_fp_mul(&s0, &s0, &s1);
    mcxi_fp_sub(&r->a, &t0, &t1);
    mcxi_fp_sub(&s0, &s0, &t0);
    mcxi_fp_sub(&r->b, &s0, &t1);
}

void mcxi_fp2_sqr(mcxi_fp2 *r, const mcxi_fp2 *x)
{
    /* (a + bi)^2 = (a + b)(a - b) + 2ab i */
    mcxi_fp s, d, m;
    mcxi_fp_add(&s, &x->a, &x->b);
    mcxi_fp_sub(&d, &x->a, &x->b);
    mcxi_fp_mul(&m, &x->a, &x->b);
    mcxi_fp_mul(&r->a, &s, &d);
    mcxi_fp_add(&r->b, &m, &m);
}

void mcxi_fp2_add(mcxi_fp2 *r, const mcxi_fp2 *x, const mcxi_fp2 *y)
{
    mcxi_fp_add(&r->a, &x->a, &y->a);
    mcxi_fp_add(&r->b, &x->b, &y->b);
}

void mcxi_fp2_sub(mcxi_fp2 *r, const mcxi_fp2 *x, const mcxi_fp2 *y)
{
    mcxi_fp_sub(&r->a, &x->a, &y->a);
    mcxi_fp_sub(&r->b, &x->b, &y->b);
}

void mcxi_fp2_conj(mcxi_fp2 *r, const mcxi_fp2 *x)
{
    r->a = x->a;
    mcxi_fp_neg(&r->b, &x->b);
}

void mcxi_fp2_inv(mcxi_fp2 *r, const mcxi_fp2 *x)
{
    /* 1/(a + bi) = (a - bi)/(a^2 + b^2) */
    mcxi_fp n, t;
    mcxi_fp_sqr(&n, &x->a);
    mcxi_fp_sqr(&t, &x->b);
    mcxi_fp_add(&n, &n, &t);
    mcxi_fp_inv(&n, &n);
    mcxi_fp_mul(&r->a, &x->a, &n);
    mcxi_fp_mul(&t, &x->b, &n);
    mcxi_fp_neg(&r->b, &t);
}

void mcxi_fp2_set_one(mcxi_fp2 *r)
{
    mcxi_fp_set_one(&r->a);
    mcxi_fp_set_zero(&r->b);
}

void mcxi_fp2_cmov(mcxi_fp2 *r, const mcxi_fp2 *x, uint64_t ctl)
{
    mcxi_fp_cmov(&r->a, &x->a, ctl);
    mcxi_fp_cmov(&r->b, &x->b, ctl);
}

void mcxi_fp2_pow_public(mcxi_fp2 *r, const mcxi_fp2 *x, const uint64_t e[16])
{
    /* left-to-right sliding window of width 5 over the public exponent: odd powers x^1 .. x^31 */
    enum { W = 5 };
    mcxi_fp2 odd[1u << (W - 1)], x2, acc;
    odd[0] = *x;
    mcxi_fp2_sqr(&x2, x);
    for (unsigned j = 1; j < (1u << (W - 1)); j++)
        mcxi_fp2_mul(&odd[j], &odd[j - 1], &x2);
    mcxi_fp2_set_one(&acc);
    int i = 1023;
    while (i >= 0) {
        if (((e[i >> 6] >> (i & 63)) & 1) == 0) { /* public exponent bit */
            mcxi_fp2_sqr(&acc, &acc);
            i--;
            continue;
        }
        int lo = i - W + 1 < 0 ? 0 : i - W + 1;
        while (((e[lo >> 6] >> (lo & 63)) & 1) == 0)
            lo++;
        unsigned win = 0;
        for (int k = i; k >= lo; k--) {
            win = (win << 1) | (unsigned)((e[k >> 6] >> (k & 63)) & 1);
            mcxi_fp2_sqr(&acc, &acc);
        }
        mcxi_fp2_mul(&acc, &acc, &odd[win >> 1]);
        i = lo - 1;
    }
    *r = acc;
    mcx_wipe(odd, sizeof odd);
    mcx_wipe(&x2, sizeof x2);
    mcx_wipe(&acc, sizeof acc);
}
