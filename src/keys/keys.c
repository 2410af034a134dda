/*
 * The TS 33.180 key hierarchy below MIKEY (include/mcxsec/keys.h): SRTP master key/salt (§7.4 with
 * RFC 3830 §4.1.3 and the RFC 6043 §6.1 PRF), MKI layout (§7.4), DPCK (F.1.5, FC 0x53), the F.1.4
 * signalling keys (FC 0x51/0x52), and the E.6 key-parameter payload with its §8.5.4 protected-payload
 * envelope (AES-128-GCM with a 16-octet IV, as deployed by Streamwide; digest §5.8).
 */
#include "mcxsec/keys.h"

#include <string.h>

#include <openssl/evp.h>

#include "mcxsec/util.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put40(uint8_t *p, uint64_t v)
{
    for (int i = 4; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get40(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 5; i++)
        v = (v << 8) | p[i];
    return v;
}

mcx_err mcx_srtp_master(const uint8_t tgk[MCX_KEY_BYTES], uint8_t cs_id, uint32_t csb_id,
                        const uint8_t *rand, size_t rand_len, uint8_t key[MCX_SRTP_KEY_BYTES],
                        uint8_t salt[MCX_SRTP_SALT_BYTES])
{
    if (tgk == NULL || rand == NULL || rand_len == 0 || rand_len > 255 || key == NULL || salt == NULL)
        return MCX_ERR_ARG;
    /* TS 33.180 §7.4: "the key derivation function defined in section 4.1.3 of RFC 3830 using the
     * PRF-HMAC-SHA-256 PRF" — master key with the TEK constant, master salt with the salt constant */
    mcx_err rc = mcx_mikey_derive(MCX_PRF_HMAC_SHA256, tgk, MCX_KEY_BYTES, MCX_PRF_CONST_TEK, cs_id,
                                  csb_id, rand, rand_len, key, MCX_SRTP_KEY_BYTES);
    if (rc == MCX_OK)
        rc = mcx_mikey_derive(MCX_PRF_HMAC_SHA256, tgk, MCX_KEY_BYTES, MCX_PRF_CONST_SALT, cs_id,
                              csb_id, rand, rand_len, salt, MCX_SRTP_SALT_BYTES);
    if (rc != MCX_OK) {
        mcx_wipe(key, MCX_SRTP_KEY_BYTES);
        mcx_wipe(salt, MCX_SRTP_SALT_BYTES);
    }
    return rc;
}

size_t mcx_mki(uint32_t key_id, const uint32_t *guk_id, uint8_t mki[MCX_MKI_MAX])
{
    put32(mki, key_id);
    if (guk_id == NULL)
        return 4;
    put32(mki + 4, *guk_id);
    return 8;
}

mcx_err mcx_mki_parse(const uint8_t *mki, size_t len, uint32_t *key_id, uint32_t *guk_id)
{
    if (mki == NULL || key_id == NULL || guk_id == NULL)
        return MCX_ERR_ARG;
    if (len != 4 && len != 8)
        return MCX_ERR_LENGTH;
    *key_id = get32(mki);
    *guk_id = len == 8 ? get32(mki + 4) : 0;
    return MCX_OK;
}

mcx_err mcx_dpck(const uint8_t dppk[MCX_KEY_BYTES], uint32_t dppk_id, uint8_t dpck[MCX_KEY_BYTES])
{
    if (dppk == NULL || dpck == NULL)
        return MCX_ERR_ARG;
    uint8_t id[4], out[MCX_KDF_OUT_BYTES];
    put32(id, dppk_id);
    struct mcx_kdf_param p0 = {id, 4};
    /* F.1.5: FC = 0x53, P0 = DPPK-ID, L0 = 0x00 0x04; the DPCK is the 128 least significant bits */
    mcx_err rc = mcx_kdf_3gpp(dppk, MCX_KEY_BYTES, 0x53, &p0, 1, out);
    if (rc == MCX_OK)
        memcpy(dpck, out + 16, MCX_KEY_BYTES);
    mcx_wipe(out, sizeof out);
    return rc;
}

mcx_err mcx_signalling_key(const uint8_t xpk[MCX_KEY_BYTES], uint32_t xpk_id, const char *user_uri,
                           uint8_t fc, uint8_t out[MCX_KEY_BYTES])
{
    if (xpk == NULL || user_uri == NULL || out == NULL ||
        (fc != MCX_FC_SIG_CONF && fc != MCX_FC_SIG_INT))
        return MCX_ERR_ARG;
    size_t ul = strlen(user_uri);
    if (ul == 0)
        return MCX_ERR_EMPTY_ID;
    uint8_t id[4], k[MCX_KDF_OUT_BYTES];
    put32(id, xpk_id);
    /* F.1.4: P0 = MC service user ID, P1 = XPK-ID; lengths are the real lengths */
    struct mcx_kdf_param p[2] = {{(const uint8_t *)user_uri, ul}, {id, 4}};
    mcx_err rc = mcx_kdf_3gpp(xpk, MCX_KEY_BYTES, fc, p, 2, k);
    if (rc == MCX_OK)
        memcpy(out, k + 16, MCX_KEY_BYTES);
    mcx_wipe(k, sizeof k);
    return rc;
}

/* ---- key parameters (E.6.1) ----------------------------------------------------------------------- */

/* MC group ID IEI inside the Group IDs element. TS 24.282 §15.2.14 was not available; 0x00 is our
 * choice for writing (docs/mikey.md); any IEI is accepted on reading. */
#define GROUP_ID_IEI 0x00

mcx_err mcx_key_params_encode(const struct mcx_key_params *kp, uint8_t *out, size_t *out_len)
{
    if (kp == NULL || out_len == NULL || (out == NULL && *out_len > 0))
        return MCX_ERR_ARG;
    size_t tl = strnlen(kp->text, sizeof kp->text);
    if (tl > MCX_KEY_PARAMS_TEXT_MAX || kp->activation >> 40 || kp->expiry >> 40 ||
        kp->n_groups > MCX_KEY_PARAMS_MAX_GROUPS || (kp->n_groups && !kp->has_groups))
        return MCX_ERR_ARG;
    size_t need = 1 + 4 + 5 + 5 + 2 + tl;
    size_t glen = 0;
    if (kp->has_groups) {
        glen = 1;
        for (size_t i = 0; i < kp->n_groups; i++) {
            size_t l = strnlen(kp->groups[i], MCX_KEY_PARAMS_GROUP_MAX);
            if (l == 0 || l >= MCX_KEY_PARAMS_GROUP_MAX)
                return MCX_ERR_ARG;
            glen += 3 + l;
        }
        need += 2 + glen;
    }
    if (need > *out_len) {
        *out_len = need;
        return MCX_ERR_BUFFER_SMALL;
    }
    uint8_t *p = out;
    *p++ = kp->key_type;
    put32(p, kp->status);
    p += 4;
    put40(p, kp->activation);
    p += 5;
    put40(p, kp->expiry);
    p += 5;
    *p++ = (uint8_t)(tl >> 8);
    *p++ = (uint8_t)tl;
    memcpy(p, kp->text, tl);
    p += tl;
    if (kp->has_groups) {
        *p++ = (uint8_t)(glen >> 8);
        *p++ = (uint8_t)glen;
        *p++ = (uint8_t)kp->n_groups;
        for (size_t i = 0; i < kp->n_groups; i++) {
            size_t l = strlen(kp->groups[i]);
            *p++ = GROUP_ID_IEI;
            *p++ = (uint8_t)(l >> 8);
            *p++ = (uint8_t)l;
            memcpy(p, kp->groups[i], l);
            p += l;
        }
    }
    *out_len = (size_t)(p - out);
    return MCX_OK;
}

mcx_err mcx_key_params_decode(const uint8_t *in, size_t len, struct mcx_key_params *kp)
{
    if (in == NULL || kp == NULL)
        return MCX_ERR_ARG;
    memset(kp, 0, sizeof *kp);
    if (len < 17)
        return MCX_ERR_MIKEY_PARAMS;
    kp->key_type = in[0];
    kp->status = get32(in + 1);
    kp->activation = get40(in + 5);
    kp->expiry = get40(in + 10);
    size_t tl = ((size_t)in[15] << 8) | in[16];
    size_t off = 17;
    if (tl > MCX_KEY_PARAMS_TEXT_MAX || len - off < tl)
        return MCX_ERR_MIKEY_PARAMS;
    if (memchr(in + off, 0, tl) != NULL)
        return MCX_ERR_MIKEY_PARAMS;
    memcpy(kp->text, in + off, tl);
    kp->text[tl] = '\0';
    off += tl;
    if (off == len)
        return MCX_OK;
    /* Group IDs: length (2) | number (1) | { IEI (1) | length (2) | MC group ID }* */
    if (len - off < 3)
        return MCX_ERR_MIKEY_PARAMS;
    size_t glen = ((size_t)in[off] << 8) | in[off + 1];
    off += 2;
    if (glen != len - off || glen < 1)
        return MCX_ERR_MIKEY_PARAMS;
    size_t count = in[off++];
    if (count > MCX_KEY_PARAMS_MAX_GROUPS)
        return MCX_ERR_LIMIT;
    kp->has_groups = 1;
    for (size_t i = 0; i < count; i++) {
        if (len - off < 3)
            return MCX_ERR_MIKEY_PARAMS;
        size_t l = ((size_t)in[off + 1] << 8) | in[off + 2];
        off += 3;
        if (l == 0 || l >= MCX_KEY_PARAMS_GROUP_MAX || len - off < l ||
            memchr(in + off, 0, l) != NULL)
            return MCX_ERR_MIKEY_PARAMS;
        memcpy(kp->groups[i], in + off, l);
        kp->groups[i][l] = '\0';
        off += l;
    }
    kp->n_groups = count;
    if (off != len)
        return MCX_ERR_MIKEY_PARAMS;
    return MCX_OK;
}

#define PP_HDR 32  /* message type .. DPPK-ID */
#define PP_TAG 16
#define PP_MAX_PLAIN 4096

/* AES-128-GCM with a 16-octet IV. enc = 1 seals in place into ct||tag, 0 opens. */
static mcx_err gcm(int enc, const uint8_t key[16], const uint8_t iv[16], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    mcx_err rc = MCX_ERR_INTERNAL;
    int l = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c == NULL)
        return MCX_ERR_NOMEM;
    if (EVP_CipherInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) != 1 ||
        EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) != 1 ||
        EVP_CipherUpdate(c, NULL, &l, aad, (int)aad_len) != 1 ||
        (len > 0 && EVP_CipherUpdate(c, out, &l, in, (int)len) != 1))
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
        goto out;
    if (EVP_CipherFinal_ex(c, out + (len > 0 ? (size_t)l : 0), &l) != 1) {
        rc = enc ? MCX_ERR_INTERNAL : MCX_ERR_VERIFY;
        goto out;
    }
    if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
        goto out;
    rc = MCX_OK;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

mcx_err mcx_key_params_seal(const uint8_t dppk[MCX_KEY_BYTES], uint32_t dppk_id,
                            const struct mcx_key_params *kp, uint64_t date_ntp, const uint8_t *iv,
                            uint8_t *out, size_t *out_len)
{
    if (dppk == NULL || kp == NULL || out_len == NULL || (out == NULL && *out_len > 0) ||
        date_ntp >> 40)
        return MCX_ERR_ARG;
    uint8_t plain[PP_MAX_PLAIN], dpck[MCX_KEY_BYTES];
    size_t pl = sizeof plain;
    mcx_err rc = mcx_key_params_encode(kp, plain, &pl);
    if (rc != MCX_OK)
        goto out;
    size_t need = PP_HDR + 3 + pl + PP_TAG;
    if (need > *out_len) {
        *out_len = need;
        rc = MCX_ERR_BUFFER_SMALL;
        goto out;
    }
    uint8_t *h = out;
    h[0] = 0x43; /* MCData message type of a protected payload (digest §5.8) */
    put40(h + 1, date_ntp);
    memset(h + 6, 0, 5); /* payload ID (4) and sequence number (1): "set to 0" (E.6) */
    h[11] = 0x01;        /* payload algorithm: AEAD_AES_128_GCM */
    if (iv != NULL) {
        memcpy(h + 12, iv, 16);
    } else if ((rc = mcx_random(h + 12, 16)) != MCX_OK) {
        goto out;
    }
    put32(h + 28, dppk_id); /* E.6: "DPPK-ID = CSB-ID of the MIKEY message" */
    h[32] = 0x00;
    h[33] = (uint8_t)((pl + PP_TAG) >> 8);
    h[34] = (uint8_t)(pl + PP_TAG);
    if ((rc = mcx_dpck(dppk, dppk_id, dpck)) != MCX_OK)
        goto out;
    rc = gcm(1, dpck, h + 12, h, PP_HDR, plain, pl, out + 35, out + 35 + pl);
    if (rc == MCX_OK)
        *out_len = need;
out:
    mcx_wipe(plain, sizeof plain);
    mcx_wipe(dpck, sizeof dpck);
    return rc;
}

mcx_err mcx_key_params_open(const uint8_t dppk[MCX_KEY_BYTES], uint32_t dppk_id, const uint8_t *in,
                            size_t len, struct mcx_key_params *kp)
{
    if (dppk == NULL || in == NULL || kp == NULL)
        return MCX_ERR_ARG;
    memset(kp, 0, sizeof *kp);
    if (len < PP_HDR + 3 + PP_TAG || in[0] != 0x43 || in[11] != 0x01 || in[32] != 0x00)
        return MCX_ERR_MIKEY_PARAMS;
    size_t plen = ((size_t)in[33] << 8) | in[34];
    if (plen != len - 35 || plen < PP_TAG || plen - PP_TAG > PP_MAX_PLAIN)
        return MCX_ERR_MIKEY_PARAMS;
    if (get32(in + 28) != dppk_id)
        return MCX_ERR_MIKEY_PARAMS;
    uint8_t plain[PP_MAX_PLAIN], dpck[MCX_KEY_BYTES], tag[PP_TAG];
    size_t ctl = plen - PP_TAG;
    memcpy(tag, in + 35 + ctl, PP_TAG);
    mcx_err rc = mcx_dpck(dppk, dppk_id, dpck);
    if (rc == MCX_OK)
        rc = gcm(0, dpck, in + 12, in, PP_HDR, in + 35, ctl, plain, tag);
    if (rc == MCX_OK)
        rc = mcx_key_params_decode(plain, ctl, kp);
    mcx_wipe(plain, sizeof plain);
    mcx_wipe(dpck, sizeof dpck);
    return rc;
}
