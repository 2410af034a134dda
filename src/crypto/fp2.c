/*
 * fp2 — arithmetic in F_p^2 = F_p[i]/(i^2 + 1) (RFC 6508 §2.1; p = 3 mod 4 so i^2 = -1 is
 * irreducible). Karatsuba multiplication (3 F_p multiplications), complex squaring (2).
 */
#include "crypto/fp2.h"

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
