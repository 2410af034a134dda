/*
 * pairing — Tate-Lichtenbaum pairing for SAKKE (RFC 6508 §3.2), see pairing.h.
 *
 * Loop (RFC 6508 §3.2): v = 1, C = R; for each bit of q-1 below the top one:
 *   v = v^2 * l_{C,C}(psi(Q)); C = 2C; if the bit is 1: v = v * l_{C,R}(psi(Q)); C = C + R.
 * then v^((p+1)/q) = v^4, value x2/x1. psi(Qx, Qy) = (-Qx, i*Qy). The line through C with slope
 * lambda evaluated at psi(Q) is (lambda*(Qx + Cx) - Cy) + i*Qy; vertical lines lie in F_p and
 * vanish in PF_p. The loop runs over the public q - 1, so the sequence of operations is fixed.
 */
#include "crypto/pairing.h"

#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"

/* q - 1 bit i (q is odd: q-1 = q with bit 0 cleared) */
static inline unsigned qm1_bit(int i)
{
    if (i == 0)
        return 0;
    return (unsigned)(mcxi_mod_q.m[i >> 6] >> (i & 63)) & 1;
}
#define QM1_TOP 1021 /* q has 1022 bits */

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

/* v = v * ((A*Qx + C) + i*(D*Qy)) */
static void mul_line(mcxi_fp2 *v, const mcxi_fp *A, const mcxi_fp *C, const mcxi_fp *D,
                     const mcxi_eca *Q)
{
    mcxi_fp2 l;
    mcxi_fp_mul(&l.a, A, &Q->x);
    mcxi_fp_add(&l.a, &l.a, C);
    mcxi_fp_mul(&l.b, D, &Q->y);
    mcxi_fp2_mul(v, v, &l);
}

void mcxi_pairing_plain(mcxi_fp2 *out, const mcxi_eca *R, const mcxi_eca *Q)
{
    mcxi_fp2 v;
    mcxi_ecj T;
    mcxi_fp A, C, D;
    mcxi_fp2_set_one(&v);
    mcxi_ec_from_affine(&T, R);
    for (int i = QM1_TOP - 1; i >= 0; i--) {
        mcxi_fp2_sqr(&v, &v);
        line_dbl(&A, &C, &D, &T);
        mul_line(&v, &A, &C, &D, Q);
        mcxi_ec_dbl(&T, &T);
        if (qm1_bit(i)) {
            line_add(&A, &C, &D, &T, R);
            mul_line(&v, &A, &C, &D, Q);
            mcxi_ec_madd(&T, &T, R);
        }
    }
    mcxi_fp2_sqr(&v, &v);
    mcxi_fp2_sqr(out, &v);
    mcx_wipe(&v, sizeof v);
    mcx_wipe(&T, sizeof T);
    mcx_wipe(&A, sizeof A);
    mcx_wipe(&C, sizeof C);
    mcx_wipe(&D, sizeof D);
}

mcx_err mcxi_pairing_lines(struct mcxi_lines *L, const mcxi_eca *K)
{
    mcx_err rc = MCX_ERR_NOMEM;
    mcxi_fp *d = malloc(sizeof(mcxi_fp) * MCXI_MILLER_MAX_STEPS);
    mcxi_fp *scratch = malloc(sizeof(mcxi_fp) * MCXI_MILLER_MAX_STEPS);
    mcxi_ecj T;
    size_t n = 0;
    if (d == NULL || scratch == NULL)
        goto out;
    mcxi_ec_from_affine(&T, K);
    for (int i = QM1_TOP - 1; i >= 0; i--) {
        line_dbl(&L->lam[n], &L->c[n], &d[n], &T);
        n++;
        mcxi_ec_dbl(&T, &T);
        if (qm1_bit(i)) {
            line_add(&L->lam[n], &L->c[n], &d[n], &T, K);
            n++;
            mcxi_ec_madd(&T, &T, K);
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
    return rc;
}

void mcxi_pairing_eval(mcxi_fp2 *out, const struct mcxi_lines *L, const mcxi_eca *R)
{
    mcxi_fp2 v, l;
    size_t n = 0;
    mcxi_fp2_set_one(&v);
    l.b = R->y;
    for (int i = QM1_TOP - 1; i >= 0; i--) {
        mcxi_fp2_sqr(&v, &v);
        mcxi_fp_mul(&l.a, &L->lam[n], &R->x);
        mcxi_fp_add(&l.a, &l.a, &L->c[n]);
        mcxi_fp2_mul(&v, &v, &l);
        n++;
        if (qm1_bit(i)) {
            mcxi_fp_mul(&l.a, &L->lam[n], &R->x);
            mcxi_fp_add(&l.a, &l.a, &L->c[n]);
            mcxi_fp2_mul(&v, &v, &l);
            n++;
        }
    }
    mcxi_fp2_sqr(&v, &v);
    mcxi_fp2_sqr(out, &v);
    mcx_wipe(&v, sizeof v);
    mcx_wipe(&l, sizeof l);
}

void mcxi_pfp_value(mcxi_fp *out, const mcxi_fp2 *v)
{
    mcxi_fp t;
    mcxi_fp_inv(&t, &v->a);
    mcxi_fp_mul(out, &v->b, &t);
    mcx_wipe(&t, sizeof t);
}
