/*
 * pairing — Tate-Lichtenbaum pairing for SAKKE (RFC 6508 §3.2), see pairing.h.
 *
 * Loop (RFC 6508 §3.2): v = 1, C = R; for each bit of q-1 below the top one:
 *   v = v^2 * l_{C,C}(psi(Q)); C = 2C; if the bit is 1: v = v * l_{C,R}(psi(Q)); C = C + R.
 * then v^((p+1)/q) = v^4, value x2/x1. psi(Qx, Qy) = (-Qx, i*Qy). The line through C with slope
 * lambda evaluated at psi(Q) is (lambda*(Qx + Cx) - Cy) + i*Qy; vertical lines lie in F_p and
 * vanish in PF_p. The loop runs over the public q - 1, so the sequence of operations is fixed.
 * Both evaluations follow the non-adjacent form of q - 1 instead of its binary digits: a step
 * "C = C - R" differs from the binary loop only by vertical-line factors (in F_p), so the PF_p
 * value is the same (checked against <P, P> = g and g^(ab) in tests/unit/test_pairing.c).
 */
#include "crypto/pairing.h"

#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"

/* Projective line coefficients at a doubling of T (Jacobian): line*D = (A*Qx + C) + i*(D*Qy). */
static void line_dbl(mcxi_fp *A, mcxi_fp *C, mcxi_fp *D, const mcxi_ecj *T)
{
    mcxi_fp z2, m, t0, t1;
    mcxi_fp_sqr(&z2, &T->z);
    mcxi_fp_sub(&t0, &T->x, &z2);
    mcxi_fp_add(&t1, &T->x, &z2);
    mcxi_fp_mul(&m, &t0, &t1);
    mcxi_fp_add(&t0, &m, &m);
    mcxi_fp_add(&m, &t0, &m); /* M = 3(X^2 - Z^4) */
    mcxi_fp_mul(A, &m, &z2);  /* A = M Z^2 */
    mcxi_fp_mul(&t0, &m, &T->x);
    mcxi_fp_sqr(&t1, &T->y);
    mcxi_fp_add(&t1, &t1, &t1);
    mcxi_fp_sub(C, &t0, &t1); /* C = M X - 2 Y^2 */
    mcxi_fp_mul(&t0, &T->y, &T->z);
    mcxi_fp_mul(&t0, &t0, &z2);
    mcxi_fp_add(D, &t0, &t0); /* D = 2 Y Z^3 */
}

/* Line through T (Jacobian) and affine S: lambda = N/Dd, N = Y - Sy Z^3, Dd = Z (X - Sx Z^2). */
static void line_add(mcxi_fp *A, mcxi_fp *C, mcxi_fp *D, const mcxi_ecj *T, const mcxi_eca *S)
{
    mcxi_fp z2, z3, n, d, t0;
    mcxi_fp_sqr(&z2, &T->z);
    mcxi_fp_mul(&z3, &z2, &T->z);
    mcxi_fp_mul(&t0, &S->y, &z3);
    mcxi_fp_sub(&n, &T->y, &t0);
    mcxi_fp_mul(&t0, &S->x, &z2);
    mcxi_fp_sub(&t0, &T->x, &t0);
    mcxi_fp_mul(&d, &T->z, &t0);
    *A = n;
    mcxi_fp_mul(&t0, &n, &S->x);
    mcxi_fp_mul(&z3, &S->y, &d);
    mcxi_fp_sub(C, &t0, &z3); /* C = N Sx - Sy Dd */
    *D = d;
}

/*
 * T = 2T together with the tangent line at psi(Q) (up to an F_p factor), a = -3:
 * delta = Z^2, gamma = Y^2, alpha = 3(X - delta)(X + delta), Z3 = 2YZ; the line is
 * (alpha (delta Qx + X) - 2 gamma) + i (Z3 delta Qy)   [= (A Qx + C) + i D Qy of line_dbl].
 */
static void dbl_line(mcxi_ecj *T, mcxi_fp2 *l, const mcxi_eca *Q)
{
    mcxi_fp delta, gamma, beta, alpha, z3, t0, t1;
    mcxi_fp_sqr(&delta, &T->z);
    mcxi_fp_sqr(&gamma, &T->y);
    mcxi_fp_mul(&beta, &T->x, &gamma);
    mcxi_fp_sub(&t0, &T->x, &delta);
    mcxi_fp_add(&t1, &T->x, &delta);
    mcxi_fp_mul(&alpha, &t0, &t1);
    mcxi_fp_add(&t0, &alpha, &alpha);
    mcxi_fp_add(&alpha, &t0, &alpha);
    mcxi_fp_add(&t0, &T->y, &T->z);
    mcxi_fp_sqr(&t0, &t0);
    mcxi_fp_sub(&t0, &t0, &gamma);
    mcxi_fp_sub(&z3, &t0, &delta);
    /* line */
    mcxi_fp_mul(&t0, &delta, &Q->x);
    mcxi_fp_add(&t0, &t0, &T->x);
    mcxi_fp_mul(&t0, &alpha, &t0);
    mcxi_fp_add(&t1, &gamma, &gamma);
    mcxi_fp_sub(&l->a, &t0, &t1);
    mcxi_fp_mul(&t0, &delta, &Q->y);
    mcxi_fp_mul(&l->b, &z3, &t0);
    /* X3 = alpha^2 - 8 beta, Y3 = alpha (4 beta - X3) - 8 gamma^2 */
    mcxi_fp_add(&beta, &beta, &beta);
    mcxi_fp_add(&beta, &beta, &beta);
    mcxi_fp_sqr(&t0, &alpha);
    mcxi_fp_sub(&t0, &t0, &beta);
    mcxi_fp_sub(&t0, &t0, &beta);
    mcxi_fp_sub(&t1, &beta, &t0);
    T->x = t0;
    T->z = z3;
    mcxi_fp_mul(&t1, &alpha, &t1);
    mcxi_fp_sqr(&gamma, &gamma);
    mcxi_fp_add(&gamma, &gamma, &gamma);
    mcxi_fp_add(&gamma, &gamma, &gamma);
    mcxi_fp_add(&gamma, &gamma, &gamma);
    mcxi_fp_sub(&T->y, &t1, &gamma);
}

/*
 * T = T + S (S affine, T != +-S, T != O) together with the chord line at psi(Q):
 * with N = S2 - Y = Sy Z^3 - Y and Dd = Z H = Z (Sx Z^2 - X), lambda = N / Dd and the line is
 * (N (Qx + Sx) - Sy Dd) + i (Dd Qy)   [= -(line_add) -- the sign is an F_p factor].
 */
static void add_line(mcxi_ecj *T, mcxi_fp2 *l, const mcxi_eca *S, const mcxi_eca *Q)
{
    mcxi_fp z1z1, u2, s2, h, hh, i, j, rr, v, t0, dd;
    mcxi_fp_sqr(&z1z1, &T->z);
    mcxi_fp_mul(&u2, &S->x, &z1z1);
    mcxi_fp_mul(&s2, &T->z, &z1z1);
    mcxi_fp_mul(&s2, &S->y, &s2);
    mcxi_fp_sub(&h, &u2, &T->x);
    mcxi_fp_sub(&rr, &s2, &T->y); /* N */
    /* line */
    mcxi_fp_mul(&dd, &T->z, &h);
    mcxi_fp_add(&t0, &Q->x, &S->x);
    mcxi_fp_mul(&t0, &rr, &t0);
    mcxi_fp_mul(&u2, &S->y, &dd);
    mcxi_fp_sub(&l->a, &t0, &u2);
    mcxi_fp_mul(&l->b, &dd, &Q->y);
    /* madd-2007-bl with Z3 = 2 Z H */
    mcxi_fp_sqr(&hh, &h);
    mcxi_fp_add(&i, &hh, &hh);
    mcxi_fp_add(&i, &i, &i);
    mcxi_fp_mul(&j, &h, &i);
    mcxi_fp_add(&rr, &rr, &rr);
    mcxi_fp_mul(&v, &T->x, &i);
    mcxi_fp_mul(&u2, &T->y, &j);
    mcxi_fp_add(&u2, &u2, &u2);
    mcxi_fp_sqr(&t0, &rr);
    mcxi_fp_sub(&t0, &t0, &j);
    mcxi_fp_sub(&t0, &t0, &v);
    mcxi_fp_sub(&t0, &t0, &v);
    mcxi_fp_sub(&v, &v, &t0);
    T->x = t0;
    mcxi_fp_add(&T->z, &dd, &dd);
    mcxi_fp_mul(&v, &rr, &v);
    mcxi_fp_sub(&T->y, &v, &u2);
}

static int naf_qm1(int8_t naf[1024]);

void mcxi_pairing_plain(mcxi_fp2 *out, const mcxi_eca *R, const mcxi_eca *Q)
{
    mcxi_fp2 v, l;
    mcxi_ecj T;
    mcxi_eca negR;
    int8_t naf[1024];
    int top = naf_qm1(naf);
    negR.x = R->x;
    mcxi_fp_neg(&negR.y, &R->y);
    mcxi_fp2_set_one(&v);
    mcxi_ec_from_affine(&T, R);
    for (int i = top - 1; i >= 0; i--) {
        mcxi_fp2_sqr(&v, &v);
        dbl_line(&T, &l, Q);
        mcxi_fp2_mul(&v, &v, &l);
        if (naf[i] != 0) { /* public digit */
            add_line(&T, &l, naf[i] > 0 ? R : &negR, Q);
            mcxi_fp2_mul(&v, &v, &l);
        }
    }
    mcxi_fp2_sqr(&v, &v);
    mcxi_fp2_sqr(out, &v);
    mcx_wipe(&v, sizeof v);
    mcx_wipe(&l, sizeof l);
    mcx_wipe(&T, sizeof T);
}

/* NAF of q - 1 (public): digits in {-1, 0, 1}, least significant first; returns the top index. */
static int naf_qm1(int8_t naf[1024])
{
    uint64_t x[17];
    int top = -1;
    memcpy(x, mcxi_mod_q.m, 16 * sizeof(uint64_t));
    x[16] = 0;
    x[0] -= 1; /* q is odd: no borrow */
    for (int i = 0; i < 1024; i++) {
        int8_t d = 0;
        if (x[0] & 1) {
            d = (int8_t)(2 - (int)(x[0] & 3)); /* 1 if x = 1 mod 4, -1 if x = 3 mod 4 */
            if (d == 1) {
                x[0] -= 1; /* x odd: no borrow */
            } else {
                for (int j = 0; j < 17 && ++x[j] == 0; j++) /* x + 1 */
                    ;
            }
        }
        naf[i] = d;
        if (d != 0)
            top = i;
        for (int j = 0; j < 16; j++) /* x >>= 1 */
            x[j] = (x[j] >> 1) | (x[j + 1] << 63);
        x[16] >>= 1;
    }
    return top;
}

mcx_err mcxi_pairing_lines(struct mcxi_lines *L, const mcxi_eca *K)
{
    mcx_err rc = MCX_ERR_NOMEM;
    mcxi_fp *d = malloc(sizeof(mcxi_fp) * MCXI_MILLER_MAX_STEPS);
    mcxi_fp *scratch = malloc(sizeof(mcxi_fp) * MCXI_MILLER_MAX_STEPS);
    mcxi_ecj T;
    mcxi_eca negK;
    size_t n = 0;
    if (d == NULL || scratch == NULL)
        goto out;
    L->top = naf_qm1(L->naf);
    negK.x = K->x;
    mcxi_fp_neg(&negK.y, &K->y);
    mcxi_ec_from_affine(&T, K);
    for (int i = L->top - 1; i >= 0; i--) {
        line_dbl(&L->lam[n], &L->c[n], &d[n], &T);
        n++;
        mcxi_ec_dbl(&T, &T);
        if (L->naf[i] != 0) { /* public digit */
            const mcxi_eca *S = L->naf[i] > 0 ? K : &negK;
            line_add(&L->lam[n], &L->c[n], &d[n], &T, S);
            n++;
            mcxi_ec_madd(&T, &T, S);
        }
    }
    /* normalise: lambda = A/D, c = C/D (D != 0 for K of order q; a zero would zero every line,
     * and the pairing check of the caller then fails) */
    mcxi_fp_batch_inv(d, d, n, scratch);
    for (size_t j = 0; j < n; j++) {
        mcxi_fp_mul(&L->lam[j], &L->lam[j], &d[j]);
        mcxi_fp_mul(&L->c[j], &L->c[j], &d[j]);
    }
    L->n = n;
    rc = MCX_OK;
out:
    if (d != NULL)
        mcx_wipe(d, sizeof(mcxi_fp) * MCXI_MILLER_MAX_STEPS);
    if (scratch != NULL)
        mcx_wipe(scratch, sizeof(mcxi_fp) * MCXI_MILLER_MAX_STEPS);
    free(d);
    free(scratch);
    mcx_wipe(&T, sizeof T);
    mcx_wipe(&negK, sizeof negK);
    return rc;
}

void mcxi_pairing_eval(mcxi_fp2 *out, const struct mcxi_lines *L, const mcxi_eca *R)
{
    /* Lines at psi(R) are (lambda*Rx + c) + i*Ry. For a doubling followed by an addition the two
     * lines are multiplied first: (a1 + i y)(a2 + i y) = (a1 a2 - y^2) + i y (a1 + a2). */
    mcxi_fp2 v, l;
    mcxi_fp a1, a2, y2, t;
    size_t n = 0;
    mcxi_fp2_set_one(&v);
    mcxi_fp_sqr(&y2, &R->y);
    for (int i = L->top - 1; i >= 0; i--) {
        mcxi_fp2_sqr(&v, &v);
        mcxi_fp_mul(&a1, &L->lam[n], &R->x);
        mcxi_fp_add(&a1, &a1, &L->c[n]);
        n++;
        if (L->naf[i] != 0) { /* public digit */
            mcxi_fp_mul(&a2, &L->lam[n], &R->x);
            mcxi_fp_add(&a2, &a2, &L->c[n]);
            n++;
            mcxi_fp_mul(&t, &a1, &a2);
            mcxi_fp_sub(&l.a, &t, &y2);
            mcxi_fp_add(&t, &a1, &a2);
            mcxi_fp_mul(&l.b, &t, &R->y);
        } else {
            l.a = a1;
            l.b = R->y;
        }
        mcxi_fp2_mul(&v, &v, &l);
    }
    mcxi_fp2_sqr(&v, &v);
    mcxi_fp2_sqr(out, &v);
    mcx_wipe(&v, sizeof v);
    mcx_wipe(&l, sizeof l);
    mcx_wipe(&a1, sizeof a1);
    mcx_wipe(&a2, sizeof a2);
    mcx_wipe(&t, sizeof t);
}

void mcxi_pfp_value(mcxi_fp *out, const mcxi_fp2 *v)
{
    mcxi_fp t;
    mcxi_fp_inv(&t, &v->a);
    mcxi_fp_mul(out, &v->b, &t);
    mcx_wipe(&t, sizeof t);
}
