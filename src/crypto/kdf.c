/*
 * Key derivations of MCX: the 3GPP generic KDF (TS 33.220 Annex B.2, HMAC-SHA-256 over
 * FC || P0 || L0 || ... || Pn || Ln) and the MIKEY PRF of RFC 3830 §4.1.2 — MIKEY-1 (HMAC-SHA-1)
 * and PRF-HMAC-SHA-256 (RFC 6043 §6.1) — with the RFC 3830 §4.1.3 label construction used for
 * SRTP master keys and salts (TS 33.180 §7.4). HMAC (OpenSSL EVP_MAC) is constant time in the key;
 * nothing here branches on key material.
 */
#include "mcxsec/kdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "crypto/kdf_internal.h"
#include "mcxsec/util.h"

#define HMAC_MAX_OUT 32

mcx_err mcxi_hmac(const char *digest, const uint8_t *key, size_t key_len,
                  const struct mcxi_hmac_part *parts, size_t nparts, uint8_t *out, size_t *out_len)
{
    mcx_err rc = MCX_ERR_INTERNAL;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[2];
    size_t n = 0;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (c == NULL)
        goto out;
    /* EVP_MAC_init treats a NULL key as "keep the previous key": give it a valid pointer */
    static const uint8_t empty = 0;
    if (EVP_MAC_init(c, key_len ? key : &empty, key_len, params) != 1)
        goto out;
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].len > 0 && EVP_MAC_update(c, parts[i].p, parts[i].len) != 1)
            goto out;
    if (EVP_MAC_final(c, out, &n, HMAC_MAX_OUT) != 1)
        goto out;
    *out_len = n;
    rc = MCX_OK;
out:
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac);
    return rc;
}

mcx_err mcx_kdf_3gpp(const uint8_t *key, size_t key_len, uint8_t fc,
                     const struct mcx_kdf_param *params, size_t n_params,
                     uint8_t out[MCX_KDF_OUT_BYTES])
{
    /* S = FC || P0 || L0 || ... : 1 + 2 parts per parameter */
    struct mcxi_hmac_part parts[1 + 2 * MCX_KDF_MAX_PARAMS];
    uint8_t lens[MCX_KDF_MAX_PARAMS][2];
    size_t np = 0, n = 0;
    mcx_err rc;
    if (out == NULL)
        return MCX_ERR_ARG;
    memset(out, 0, MCX_KDF_OUT_BYTES);
    if ((key == NULL && key_len > 0) || (params == NULL && n_params > 0))
        return MCX_ERR_ARG;
    if (n_params > MCX_KDF_MAX_PARAMS)
        return MCX_ERR_LENGTH;
    parts[np].p = &fc;
    parts[np++].len = 1;
    for (size_t i = 0; i < n_params; i++) {
        /* TS 33.220 B.2.0: Li is the two-octet length of Pi */
        if (params[i].len > 0xFFFF)
            return MCX_ERR_LENGTH;
        if (params[i].p == NULL && params[i].len > 0)
            return MCX_ERR_ARG;
        lens[i][0] = (uint8_t)(params[i].len >> 8);
        lens[i][1] = (uint8_t)params[i].len;
        parts[np].p = params[i].p;
        parts[np++].len = params[i].len;
        parts[np].p = lens[i];
        parts[np++].len = 2;
    }
    rc = mcxi_hmac("SHA256", key, key_len, parts, np, out, &n);
    if (rc == MCX_OK && n != MCX_KDF_OUT_BYTES)
        rc = MCX_ERR_INTERNAL;
    if (rc != MCX_OK)
        mcx_wipe(out, MCX_KDF_OUT_BYTES);
    return rc;
}

#define PRF_MAX_OUT 1024
#define PRF_CHUNK 32 /* RFC 3830 §4.1.2: inkey is split into 256-bit chunks */

mcx_err mcx_mikey_prf(enum mcx_mikey_prf prf, const uint8_t *inkey, size_t inkey_len,
                      const uint8_t *label, size_t label_len, uint8_t *out, size_t out_len)
{
    const char *md;
    size_t hlen;
    mcx_err rc = MCX_OK;
    uint8_t a[HMAC_MAX_OUT], blk[HMAC_MAX_OUT];
    if (out == NULL || (inkey == NULL && inkey_len > 0) || (label == NULL && label_len > 0))
        return MCX_ERR_ARG;
    if (out_len > PRF_MAX_OUT)
        return MCX_ERR_LENGTH;
    memset(out, 0, out_len);
    if (prf == MCX_PRF_MIKEY_1) {
        md = "SHA1";
        hlen = 20;
    } else if (prf == MCX_PRF_HMAC_SHA256) {
        md = "SHA256";
        hlen = 32;
    } else {
        return MCX_ERR_UNSUPPORTED;
    }
    if (inkey_len == 0)
        return MCX_ERR_LENGTH;
    /* PRF(inkey, label) = P(s_1, label, m) XOR ... XOR P(s_n, label, m), truncated to out_len */
    for (size_t off = 0; off < inkey_len && rc == MCX_OK; off += PRF_CHUNK) {
        const uint8_t *s = inkey + off;
        size_t slen = inkey_len - off < PRF_CHUNK ? inkey_len - off : PRF_CHUNK;
        size_t n;
        /* P(s, label, m) = HMAC(s, A_1 || label) || HMAC(s, A_2 || label) || ...;
         * A_0 = label, A_i = HMAC(s, A_(i-1)) */
        struct mcxi_hmac_part p0 = {label, label_len};
        if ((rc = mcxi_hmac(md, s, slen, &p0, 1, a, &n)) != MCX_OK)
            break;
        for (size_t pos = 0; pos < out_len; pos += hlen) {
            struct mcxi_hmac_part p2[2] = {{a, hlen}, {label, label_len}};
            if ((rc = mcxi_hmac(md, s, slen, p2, 2, blk, &n)) != MCX_OK)
                break;
            size_t take = out_len - pos < hlen ? out_len - pos : hlen;
            for (size_t k = 0; k < take; k++)
                out[pos + k] ^= blk[k];
            if (pos + hlen < out_len) {
                struct mcxi_hmac_part p1 = {a, hlen};
                if ((rc = mcxi_hmac(md, s, slen, &p1, 1, a, &n)) != MCX_OK)
                    break;
            }
        }
    }
    mcx_wipe(a, sizeof a);
    mcx_wipe(blk, sizeof blk);
    if (rc != MCX_OK)
        mcx_wipe(out, out_len);
    return rc;
}

mcx_err mcx_mikey_derive(enum mcx_mikey_prf prf, const uint8_t *tgk, size_t tgk_len,
                         uint32_t constant, uint8_t cs_id, uint32_t csb_id, const uint8_t *rand,
                         size_t rand_len, uint8_t *out, size_t out_len)
{
    /* RFC 3830 §4.1.3: label = constant || cs_id || csb_id || RAND */
    uint8_t label[4 + 1 + 4 + 255];
    if (out != NULL && out_len <= PRF_MAX_OUT)
        memset(out, 0, out_len);
    if (rand == NULL && rand_len > 0)
        return MCX_ERR_ARG;
    if (rand_len > 255)
        return MCX_ERR_LENGTH;
    label[0] = (uint8_t)(constant >> 24);
    label[1] = (uint8_t)(constant >> 16);
    label[2] = (uint8_t)(constant >> 8);
    label[3] = (uint8_t)constant;
    label[4] = cs_id;
    label[5] = (uint8_t)(csb_id >> 24);
    label[6] = (uint8_t)(csb_id >> 16);
    label[7] = (uint8_t)(csb_id >> 8);
    label[8] = (uint8_t)csb_id;
    if (rand_len > 0)
        memcpy(label + 9, rand, rand_len);
    return mcx_mikey_prf(prf, tgk, tgk_len, label, 9 + rand_len, out, out_len);
}
