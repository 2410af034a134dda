/*
 * GSK messages for direct-mode groups (TS 33.303 Rel-12 §6.2.4.5 as quoted in requirement 000,
 * TS 33.180-era requirement 001 §6.3.1.3.2.3): an RFC 3830 pre-shared-key I_MESSAGE whose
 * pre-shared key is the GMK (identified by CSB-ID = GMK-ID), V = 0, carrying a fresh GSK in a KEMAC
 * (AES-CM-128 + HMAC-SHA-256-256 with envelope keys from the RFC 3830 §4.1.4 PRF), optionally
 * signed with an ECCSI SIGN payload (RFC 6509). No 3GPP annex in force fixes the bytes, so the
 * exact format is mcxsec's and is specified in docs/gsk-format.md (with a worked example
 * test_mikey_gsk checks).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "codec/mikey_int.h"
#include "mcxsec/util.h"

#define GSK_CS_ID MCX_CS_GROUP
#define ENV_CS_ID 0xFF /* RFC 3830 §4.1.4: the envelope keys use CS ID 0xFF */

static const uint8_t gsk_sp[] = {0x00, 0x01, 0x06, 0x01, 0x01, 0x10, 0x02, 0x01, 0x04,
                                 0x04, 0x01, 0x0c, 0x05, 0x01, 0x00, 0x06, 0x01, 0x00,
                                 0x12, 0x01, 0x04, 0x13, 0x01, 0x00, 0x14, 0x01, 0x10};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

struct env_keys {
    uint8_t encr[16];
    uint8_t auth[32];
    uint8_t salt[14];
};

/* RFC 3830 §4.1.4: encr_key, auth_key and salt_key from the pre-shared key (the GMK) with
 * label = const || 0xFF || CSB ID || RAND and the HDR's PRF (PRF-HMAC-SHA-256, RFC 6043 §6.1);
 * auth_key is 256 bits for HMAC-SHA-256-256 (RFC 6043 §6.2). */
static mcx_err env_derive(const uint8_t gmk[16], uint32_t csb, const uint8_t *rand, size_t rand_len,
                          struct env_keys *k)
{
    mcx_err rc = mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, 16, MCX_PRF_CONST_ENV_ENCR, ENV_CS_ID,
                                  csb, rand, rand_len, k->encr, sizeof k->encr);
    if (rc == MCX_OK)
        rc = mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, 16, MCX_PRF_CONST_ENV_AUTH, ENV_CS_ID, csb,
                              rand, rand_len, k->auth, sizeof k->auth);
    if (rc == MCX_OK)
        rc = mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, 16, MCX_PRF_CONST_ENV_SALT, ENV_CS_ID, csb,
                              rand, rand_len, k->salt, sizeof k->salt);
    if (rc != MCX_OK)
        mcx_wipe(k, sizeof *k);
    return rc;
}

/* RFC 3830 §4.2.3: AES-CM with IV = (salt_key XOR (0x0000 || CSB ID || T)) || 0x0000 */
static mcx_err aes_cm(const struct env_keys *k, uint32_t csb, uint64_t t, const uint8_t *in,
                      size_t len, uint8_t *out)
{
    uint8_t iv[16];
    memcpy(iv, k->salt, 14);
    iv[14] = iv[15] = 0;
    for (int i = 0; i < 4; i++)
        iv[2 + i] ^= (uint8_t)(csb >> (24 - 8 * i));
    for (int i = 0; i < 8; i++)
        iv[6 + i] ^= (uint8_t)(t >> (56 - 8 * i));
    mcx_err rc = MCX_ERR_INTERNAL;
    int l = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c == NULL)
        return MCX_ERR_NOMEM;
    if (EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, k->encr, iv) == 1 &&
        EVP_EncryptUpdate(c, out, &l, in, (int)len) == 1 &&
        EVP_EncryptFinal_ex(c, out + l, &l) == 1)
        rc = MCX_OK;
    EVP_CIPHER_CTX_free(c);
    mcx_wipe(iv, sizeof iv);
    return rc;
}

static mcx_err mac(const struct env_keys *k, const uint8_t *in, size_t len, uint8_t out[32])
{
    unsigned ml = 0;
    if (HMAC(EVP_sha256(), k->auth, sizeof k->auth, in, len, out, &ml) == NULL || ml != 32)
        return MCX_ERR_INTERNAL;
    return MCX_OK;
}

mcx_err mcxi_gsk_crypt(const uint8_t gmk[16], uint32_t csb, const uint8_t *rand, size_t rand_len,
                       uint64_t t, const uint8_t *in, size_t len, uint8_t *out)
{
    struct env_keys k;
    mcx_err rc = env_derive(gmk, csb, rand, rand_len, &k);
    if (rc == MCX_OK)
        rc = aes_cm(&k, csb, t, in, len, out);
    mcx_wipe(&k, sizeof k);
    return rc;
}

mcx_err mcxi_gsk_mac(const uint8_t gmk[16], uint32_t csb, const uint8_t *rand, size_t rand_len,
                     const uint8_t *msg, size_t len, uint8_t out[32])
{
    struct env_keys k;
    mcx_err rc = env_derive(gmk, csb, rand, rand_len, &k);
    if (rc == MCX_OK)
        rc = mac(&k, msg, len, out);
    mcx_wipe(&k, sizeof k);
    return rc;
}

mcx_err mcx_gsk_create(const struct mcx_gsk_create_args *a, uint8_t *out, size_t *out_len,
                       struct mcx_gsk_result *res)
{
    if (a == NULL || a->gmk == NULL || out_len == NULL ||
        MCX_KEY_ID_PURPOSE(a->gmk_id) != MCX_PURPOSE_GMK)
        return MCX_ERR_ARG;
    mcx_err rc;
    uint64_t ntp;
    if ((rc = mcxi_unix_to_ntp(a->now, &ntp)) != MCX_OK)
        return rc;
    /* RFC 3830 §6.11: RAND is at least 128 bits; a stated validity ends after it starts and
     * after T */
    int bad_rand = a->rand != NULL && a->rand_len != 0 && (a->rand_len < 16 || a->rand_len > 255);
    int bad_validity = a->expiry == 0
                           ? a->activation != 0
                           : a->expiry < ntp || (a->activation != 0 && a->expiry < a->activation);
    if (bad_rand || bad_validity)
        return MCX_ERR_ARG;
    uint8_t gsk[16], rnd[255], spi[4], kd_plain[64], kd_enc[64], maczero[32],
        sig[MCX_ECCSI_SIG_BYTES], gext[128];
    size_t gext_len = sizeof gext;
    struct env_keys ek;
    struct mcx_mikey_msg *m = calloc(1, sizeof *m);
    const struct mcxi_keyset *own = NULL;
    if (m == NULL)
        return MCX_ERR_NOMEM;
    memset(&ek, 0, sizeof ek);
    if (a->signer != NULL) {
        own = mcxi_mikey_keyset_at(a->signer, ntp);
        if (own == NULL) {
            rc = MCX_ERR_NOT_FOUND;
            goto out;
        }
    }
    if (a->gsk != NULL)
        memcpy(gsk, a->gsk, 16);
    else if ((rc = mcx_random(gsk, 16)) != MCX_OK)
        goto out;
    uint32_t gsk_id = a->gsk_id;
    if (gsk_id == 0) {
        uint8_t r4[4];
        if ((rc = mcx_random(r4, 4)) != MCX_OK)
            goto out;
        gsk_id =
            (((uint32_t)r4[0] << 24) | ((uint32_t)r4[1] << 16) | ((uint32_t)r4[2] << 8) | r4[3]) &
            0x0FFFFFFFu; /* GMK purpose tag 0: the GSK is a group media key */
    }
    size_t rl = a->rand != NULL && a->rand_len != 0 ? a->rand_len : 16;
    if (a->rand != NULL)
        memcpy(rnd, a->rand, rl);
    else if ((rc = mcx_random(rnd, rl)) != MCX_OK)
        goto out;
    uint64_t t = ntp << 32;
    put32(spi, gsk_id);
    /* KEMAC Encr data: one key data sub-payload, type TGK, KV = SPI (the GSK-ID, used as MKI) */
    struct mcx_mikey_keydata kd = {0};
    kd.type = 0;
    kd.kv = 1;
    kd.key.p = gsk;
    kd.key.len = 16;
    kd.spi.p = spi;
    kd.spi.len = 4;
    size_t kdl = sizeof kd_plain;
    if ((rc = mcx_mikey_keydata_encode(&kd, 1, kd_plain, &kdl)) != MCX_OK)
        goto out;
    if ((rc = env_derive(a->gmk, a->gmk_id, rnd, rl, &ek)) != MCX_OK)
        goto out;
    if ((rc = aes_cm(&ek, a->gmk_id, t, kd_plain, kdl, kd_enc)) != MCX_OK)
        goto out;

    m->hdr.version = 1;
    m->hdr.data_type = MCX_MIKEY_DT_PSK_INIT;
    m->hdr.v = 0; /* broadcast: no verification message */
    m->hdr.prf = MCX_PRF_HMAC_SHA256;
    m->hdr.csb_id = a->gmk_id;
    m->hdr.map_type = MCX_MIKEY_MAP_GENERIC;
    m->hdr.n_cs = 1;
    m->hdr.cs[0].cs_id = GSK_CS_ID;
    m->hdr.cs[0].n_policies = 1;
    m->hdr.cs[0].spi.p = spi;
    m->hdr.cs[0].spi.len = 4;
    size_t n = 0;
    m->p[n].type = MCX_MIKEY_PT_T;
    m->p[n++].u.t.value = t;
    m->p[n].type = MCX_MIKEY_PT_RAND;
    m->p[n].u.rand.p = rnd;
    m->p[n++].u.rand.len = rl;
    if (own != NULL) {
        const char *kms = a->signer->kms[0].cert.kms_uri;
        m->p[n].type = MCX_MIKEY_PT_IDR;
        m->p[n].u.idr.role = MCX_MIKEY_ROLE_I;
        m->p[n].u.idr.id_type = 1;
        m->p[n].u.idr.id.p = (const uint8_t *)own->ks.user_uri;
        m->p[n++].u.idr.id.len = strlen(own->ks.user_uri);
        m->p[n].type = MCX_MIKEY_PT_IDR;
        m->p[n].u.idr.role = MCX_MIKEY_ROLE_KMSI;
        m->p[n].u.idr.id_type = 1;
        m->p[n].u.idr.id.p = (const uint8_t *)kms;
        m->p[n++].u.idr.id.len = strlen(kms);
    }
    m->p[n].type = MCX_MIKEY_PT_SP;
    m->p[n].u.sp.params.p = gsk_sp;
    m->p[n++].u.sp.params.len = sizeof gsk_sp;
    if (a->expiry != 0) {
        /* the stated validity: TS 33.180 E.6 key parameters of the carried key (the GSK, with
         * DPPK-ID = CSB-ID), inside the MACed range */
        struct mcx_key_params kp;
        memset(&kp, 0, sizeof kp);
        kp.key_type = MCX_PURPOSE_GMK;
        kp.status = MCX_KEY_STATUS_NOT_REVOKED;
        kp.activation = a->activation;
        kp.expiry = a->expiry;
        if ((rc = mcx_key_params_seal(gsk, a->gmk_id, &kp, ntp, NULL, gext, &gext_len)) != MCX_OK)
            goto out;
        m->p[n].type = MCX_MIKEY_PT_GEXT;
        m->p[n].u.gext.type = MCX_MIKEY_GEXT_KEY_PARAMS;
        m->p[n].u.gext.data.p = gext;
        m->p[n++].u.gext.data.len = gext_len;
    }
    memset(maczero, 0, sizeof maczero);
    m->p[n].type = MCX_MIKEY_PT_KEMAC;
    m->p[n].u.kemac.encr_alg = MCX_MIKEY_ENCR_AES_CM_128;
    m->p[n].u.kemac.encr.p = kd_enc;
    m->p[n].u.kemac.encr.len = kdl;
    m->p[n].u.kemac.mac_alg = MCX_MIKEY_MAC_HMAC_SHA256_256;
    m->p[n].u.kemac.mac.p = maczero;
    m->p[n++].u.kemac.mac.len = 32;
    if (own != NULL) {
        memset(sig, 0, sizeof sig);
        m->p[n].type = MCX_MIKEY_PT_SIGN;
        m->p[n].u.sign.s_type = 2;
        m->p[n].u.sign.sig.p = sig;
        m->p[n++].u.sign.sig.len = sizeof sig;
    }
    m->n = n;
    struct mcx_mikey_layout lay;
    if ((rc = mcx_mikey_encode(m, out, out_len, &lay)) != MCX_OK)
        goto out;
    /* RFC 3830 §5.2: the MAC covers the message up to the MAC field; the SIGN (when present)
     * then covers everything before the signature, MAC included */
    if ((rc = mac(&ek, out, lay.mac_off, out + lay.mac_off)) != MCX_OK)
        goto out;
    if (own != NULL &&
        (rc = mcx_eccsi_sign(own->signer, out, lay.sig_off, out + lay.sig_off)) != MCX_OK)
        goto out;
    if (res != NULL) {
        memset(res, 0, sizeof *res);
        memcpy(res->gsk, gsk, 16);
        res->gsk_id = gsk_id;
        res->gmk_id = a->gmk_id;
        memcpy(res->rand, rnd, rl);
        res->rand_len = rl;
        res->t_ntp = t;
        res->activation = a->activation;
        res->expiry = a->expiry;
        res->signed_msg = own != NULL;
        if (own != NULL)
            snprintf(res->signer_uri, sizeof res->signer_uri, "%s", own->ks.user_uri);
    }
out:
    if (rc != MCX_OK && out != NULL && *out_len > 0)
        mcx_wipe(out, *out_len);
    mcx_wipe(gsk, sizeof gsk);
    mcx_wipe(kd_plain, sizeof kd_plain);
    mcx_wipe(&ek, sizeof ek);
    free(m);
    return rc;
}

/* The stated validity (docs/gsk-format.md "Receiver" step 7). */
static mcx_err check_validity(const struct mcx_gsk_process_args *a, const struct mcx_gsk_gmk *g,
                              const struct mcx_key_params *kp, uint64_t t_sec, uint64_t now_ntp,
                              uint32_t w, int *pending)
{
    uint64_t lifetime = a->max_lifetime ? a->max_lifetime : MCX_GSK_DEFAULT_MAX_LIFETIME;
    uint64_t act = kp->activation ? kp->activation : t_sec;
    *pending = 0;
    if (kp->key_type != MCX_PURPOSE_GMK || kp->expiry == 0 || kp->expiry < act ||
        kp->expiry < t_sec || kp->expiry - t_sec > lifetime ||
        (g->expiry && kp->expiry > g->expiry))
        return MCX_ERR_MIKEY_PARAMS;
    /* E.6.9: status bit 0 set = not revoked */
    if (!(kp->status & MCX_KEY_STATUS_NOT_REVOKED))
        return MCX_ERR_REVOKED;
    if (now_ntp > kp->expiry + w)
        return MCX_ERR_MIKEY_EXPIRED;
    if (now_ntp + w < act) {
        if (!a->accept_pending)
            return MCX_ERR_MIKEY_NOT_ACTIVE;
        *pending = 1;
    }
    return MCX_OK;
}

mcx_err mcx_gsk_process(const struct mcx_gsk_process_args *a, const uint8_t *in, size_t len,
                        struct mcx_gsk_result *res)
{
    if (a == NULL || a->lookup == NULL || in == NULL || res == NULL)
        return MCX_ERR_ARG;
    memset(res, 0, sizeof *res);
    mcx_err rc;
    uint8_t plain[256], macv[32], uid[32];
    struct mcx_gsk_gmk g;
    struct env_keys ek;
    struct mcx_key_params kp;
    uint64_t now_ntp;
    int pending = 0;
    memset(&ek, 0, sizeof ek);
    memset(&g, 0, sizeof g);
    memset(plain, 0, sizeof plain);
    memset(&kp, 0, sizeof kp);
    if ((rc = mcxi_unix_to_ntp(a->now, &now_ntp)) != MCX_OK)
        return rc;
    struct mcx_mikey_msg *m = calloc(1, sizeof *m);
    if (m == NULL)
        return MCX_ERR_NOMEM;
    struct mcx_mikey_layout lay;
    if ((rc = mcx_mikey_decode(in, len, m, &lay)) != MCX_OK)
        goto out;
    rc = MCX_ERR_MIKEY_PAYLOAD;
    if (m->hdr.data_type != MCX_MIKEY_DT_PSK_INIT || m->hdr.v != 0)
        goto out;
    if (m->hdr.prf != MCX_PRF_HMAC_SHA256) {
        rc = MCX_ERR_UNSUPPORTED;
        goto out;
    }
    /* T RAND [IDRi IDRkmsi] SP* [GEXT 7] KEMAC [SIGN] */
    const struct mcx_mikey_payload *idri = NULL, *kmsi = NULL, *kemac = NULL, *sign = NULL,
                                   *validity = NULL;
    if (m->n < 3 || m->p[0].type != MCX_MIKEY_PT_T || m->p[1].type != MCX_MIKEY_PT_RAND ||
        m->p[0].u.t.ts_type != 0)
        goto out;
    const struct mcx_mikey_payload *t = &m->p[0], *rnd = &m->p[1];
    size_t i = 2;
    for (; i < m->n && m->p[i].type == MCX_MIKEY_PT_IDR; i++) {
        uint8_t role = m->p[i].u.idr.role;
        if ((role == MCX_MIKEY_ROLE_I || role == MCX_MIKEY_ROLE_UIDI) && idri == NULL)
            idri = &m->p[i];
        else if (role == MCX_MIKEY_ROLE_KMSI && kmsi == NULL)
            kmsi = &m->p[i];
        else
            goto out;
    }
    while (i < m->n && m->p[i].type == MCX_MIKEY_PT_SP)
        i++;
    if (i < m->n && m->p[i].type == MCX_MIKEY_PT_GEXT) {
        if (m->p[i].u.gext.type != MCX_MIKEY_GEXT_KEY_PARAMS)
            goto out;
        validity = &m->p[i++];
    }
    if (i >= m->n || m->p[i].type != MCX_MIKEY_PT_KEMAC)
        goto out;
    kemac = &m->p[i++];
    if (i < m->n) {
        if (m->p[i].type != MCX_MIKEY_PT_SIGN || i + 1 != m->n)
            goto out;
        sign = &m->p[i];
    }
    if ((idri != NULL || kmsi != NULL) && (idri == NULL || kmsi == NULL || sign == NULL))
        goto out; /* identities only travel with a signature */
    if (kemac->u.kemac.encr_alg != MCX_MIKEY_ENCR_AES_CM_128 ||
        kemac->u.kemac.mac_alg != MCX_MIKEY_MAC_HMAC_SHA256_256 || kemac->u.kemac.encr.len == 0 ||
        kemac->u.kemac.encr.len > sizeof plain) {
        rc = MCX_ERR_UNSUPPORTED;
        goto out;
    }
    /* T: never ahead of now + window; without a stated validity also not older than now -
     * window (the stated validity, checked once it is decrypted, bounds the age otherwise) */
    uint32_t w = a->window     ? a->window
                 : a->verifier ? a->verifier->window
                               : MCX_MIKEY_DEFAULT_WINDOW;
    uint64_t t_sec = t->u.t.value >> 32;
    if (t_sec > now_ntp + w || (validity == NULL && t_sec + w < now_ntp)) {
        rc = MCX_ERR_MIKEY_TIME;
        goto out;
    }
    /* requirement 000 §6.2.4.5.2 step 3: check the signature if present; reject an unacceptable
     * signer */
    if (sign != NULL) {
        if (a->verifier == NULL) {
            rc = MCX_ERR_MIKEY_KMS;
            goto out;
        }
        const struct mcxi_kms *ik =
            mcxi_mikey_find_kms(a->verifier, kmsi->u.idr.id.p, kmsi->u.idr.id.len);
        if (ik == NULL) {
            rc = MCX_ERR_MIKEY_KMS;
            goto out;
        }
        if (idri->u.idr.role == MCX_MIKEY_ROLE_I) {
            if ((rc = mcxi_mikey_uid_at(ik, idri->u.idr.id.p, idri->u.idr.id.len, t_sec, uid)) !=
                MCX_OK)
                goto out;
            if (idri->u.idr.id.len < sizeof res->signer_uri) {
                memcpy(res->signer_uri, idri->u.idr.id.p, idri->u.idr.id.len);
                res->signer_uri[idri->u.idr.id.len] = '\0';
            }
        } else {
            rc = MCX_ERR_MIKEY_IDENTITY;
            if (idri->u.idr.id.len != 32)
                goto out;
            memcpy(uid, idri->u.idr.id.p, 32);
        }
        if (sign->u.sign.s_type != 2 || sign->u.sign.sig.len != MCX_ECCSI_SIG_BYTES ||
            mcx_eccsi_verifier_verify(ik->ver, uid, 32, in, lay.sig_off, sign->u.sign.sig.p) !=
                MCX_OK) {
            rc = MCX_ERR_VERIFY;
            goto out;
        }
        if (a->policy != NULL && !a->policy(a->policy_arg, res->signer_uri, uid)) {
            rc = MCX_ERR_MIKEY_SIGNER;
            goto out;
        }
        res->signed_msg = 1;
    } else if (a->require_signature) {
        rc = MCX_ERR_MIKEY_SIGNER;
        goto out;
    }
    /* the key identifier names the GMK (requirement 001 §6.3.1.3.2.3 step 2) */
    uint32_t gmk_id = m->hdr.csb_id;
    if (MCX_KEY_ID_PURPOSE(gmk_id) != MCX_PURPOSE_GMK) {
        rc = MCX_ERR_MIKEY_PURPOSE;
        goto out;
    }
    if ((rc = a->lookup(a->lookup_arg, gmk_id, &g)) != MCX_OK)
        goto out;
    /* the GMK itself must be in force: a GSK is never accepted under an expired GMK */
    if (g.expiry != 0 && now_ntp > g.expiry + w) {
        rc = MCX_ERR_MIKEY_EXPIRED;
        goto out;
    }
    if (g.activation != 0 && now_ntp + w < g.activation) {
        rc = MCX_ERR_MIKEY_NOT_ACTIVE;
        goto out;
    }
    if ((rc = env_derive(g.key, gmk_id, rnd->u.rand.p, rnd->u.rand.len, &ek)) != MCX_OK)
        goto out;
    if ((rc = mac(&ek, in, lay.mac_off, macv)) != MCX_OK)
        goto out;
    if (!mcx_ct_eq(macv, kemac->u.kemac.mac.p, 32)) {
        rc = MCX_ERR_VERIFY;
        goto out;
    }
    size_t el = kemac->u.kemac.encr.len;
    if ((rc = aes_cm(&ek, gmk_id, t->u.t.value, kemac->u.kemac.encr.p, el, plain)) != MCX_OK)
        goto out;
    struct mcx_mikey_keydata kd;
    size_t nkd = 1;
    if (mcx_mikey_keydata_decode(plain, el, &kd, &nkd) != MCX_OK || nkd != 1 || kd.type != 0 ||
        kd.key.len != 16 || kd.kv != 1 || kd.spi.len != 4) {
        rc = MCX_ERR_DECODE;
        goto out;
    }
    if (validity != NULL) {
        if (mcx_key_params_open(kd.key.p, gmk_id, validity->u.gext.data.p,
                                validity->u.gext.data.len, &kp) != MCX_OK) {
            rc = MCX_ERR_MIKEY_PARAMS;
            goto out;
        }
        if ((rc = check_validity(a, &g, &kp, t_sec, now_ntp, w, &pending)) != MCX_OK)
            goto out;
        res->activation = kp.activation;
        res->expiry = kp.expiry;
    }
    memcpy(res->gsk, kd.key.p, 16);
    res->gsk_id = ((uint32_t)kd.spi.p[0] << 24) | ((uint32_t)kd.spi.p[1] << 16) |
                  ((uint32_t)kd.spi.p[2] << 8) | kd.spi.p[3];
    res->gmk_id = gmk_id;
    memcpy(res->rand, rnd->u.rand.p, rnd->u.rand.len);
    res->rand_len = rnd->u.rand.len;
    res->t_ntp = t->u.t.value;
    res->pending = pending;
    rc = MCX_OK;
out:
    if (rc != MCX_OK)
        mcx_wipe(res, sizeof *res);
    mcx_wipe(&g, sizeof g);
    mcx_wipe(plain, sizeof plain);
    mcx_wipe(&ek, sizeof ek);
    mcx_wipe(&kp, sizeof kp);
    free(m);
    return rc;
}
