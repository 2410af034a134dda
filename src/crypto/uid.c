/*
 * MCX identifiers: the MIKEY-SAKKE UID and key-period arithmetic (TS 33.180 Annex F.2.1), the
 * RFC 6509 §3.2 "YYYY-MM\0tel:+...\0" identifier, and the GUK-ID end-point diversity of
 * TS 33.180 §5.2.3 / Annex F.1.3 (3GPP KDF with FC 0x50).
 */
#include <openssl/evp.h>
#include <string.h>

#include "mcxsec/kdf.h"
#include "mcxsec/util.h"

mcx_err mcx_key_period_no(uint64_t ntp_seconds, uint64_t period, uint64_t offset,
                          uint64_t *period_no)
{
    if (period_no == NULL)
        return MCX_ERR_ARG;
    *period_no = 0;
    if (period == 0 || ntp_seconds < offset)
        return MCX_ERR_ARG;
    /* F.2.1: key period no = floor((NTP seconds - offset) / period length) */
    *period_no = (ntp_seconds - offset) / period;
    return MCX_OK;
}

mcx_err mcx_key_period_start(uint64_t period_no, uint64_t period, uint64_t offset,
                             uint64_t *ntp_seconds)
{
    if (ntp_seconds == NULL)
        return MCX_ERR_ARG;
    *ntp_seconds = 0;
    if (period == 0)
        return MCX_ERR_ARG;
    if (period_no > (UINT64_MAX - offset) / period)
        return MCX_ERR_ARG; /* overflow */
    *ntp_seconds = period_no * period + offset;
    return MCX_OK;
}

/* Minimal big-endian octets of v (TS 33.220 B.2.1.3 style); 0 is the single octet 0x00. */
static size_t int_octets(uint64_t v, uint8_t out[8])
{
    size_t n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return n;
}

mcx_err mcx_uid(const char *uri, const char *kms_uri, uint64_t period, uint64_t offset,
                uint64_t period_no, uint8_t uid[MCX_UID_BYTES])
{
    static const char p0[] = "MIKEY-SAKKE-UID";
    uint8_t ints[3][8], lens[6][2];
    const uint8_t *p[6];
    size_t l[6];
    mcx_err rc = MCX_ERR_INTERNAL;
    if (uid == NULL)
        return MCX_ERR_ARG;
    memset(uid, 0, MCX_UID_BYTES);
    if (uri == NULL || kms_uri == NULL)
        return MCX_ERR_ARG;
    if (uri[0] == '\0' || kms_uri[0] == '\0')
        return MCX_ERR_EMPTY_ID;
    /* S = FC || P0 || L0 || ... || P5 || L5 with FC = 0x00 (a dummy: plain SHA-256, not HMAC) */
    p[0] = (const uint8_t *)p0;
    l[0] = sizeof p0 - 1;
    p[1] = (const uint8_t *)uri;
    l[1] = strlen(uri);
    p[2] = (const uint8_t *)kms_uri;
    l[2] = strlen(kms_uri);
    if (l[1] > 0xFFFF || l[2] > 0xFFFF)
        return MCX_ERR_LENGTH;
    /* P3 key period length, P4 offset, P5 key period number: minimal big-endian integers */
    l[3] = int_octets(period, ints[0]);
    p[3] = ints[0];
    l[4] = int_octets(offset, ints[1]);
    p[4] = ints[1];
    l[5] = int_octets(period_no, ints[2]);
    p[5] = ints[2];
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    static const uint8_t fc = 0x00;
    if (c == NULL)
        return MCX_ERR_NOMEM;
    if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(c, &fc, 1) != 1)
        goto out;
    for (int i = 0; i < 6; i++) {
        lens[i][0] = (uint8_t)(l[i] >> 8);
        lens[i][1] = (uint8_t)l[i];
        if (EVP_DigestUpdate(c, p[i], l[i]) != 1 || EVP_DigestUpdate(c, lens[i], 2) != 1)
            goto out;
    }
    if (EVP_DigestFinal_ex(c, uid, NULL) != 1)
        goto out;
    rc = MCX_OK;
out:
    if (rc != MCX_OK)
        memset(uid, 0, MCX_UID_BYTES);
    EVP_MD_CTX_free(c);
    return rc;
}

mcx_err mcx_rfc6509_id(unsigned year, unsigned month, const char *tel_uri, uint8_t *out,
                       size_t *out_len)
{
    if (out_len == NULL || tel_uri == NULL || (out == NULL && *out_len > 0))
        return MCX_ERR_ARG;
    if (year > 9999 || month < 1 || month > 12)
        return MCX_ERR_ARG;
    size_t tl = strlen(tel_uri);
    if (tl == 0)
        return MCX_ERR_EMPTY_ID;
    /* RFC 6509 §3.2: "YYYY-MM" || 0x00 || tel URI || 0x00 */
    size_t need = 8 + tl + 1;
    if (*out_len < need) {
        *out_len = need;
        return MCX_ERR_BUFFER_SMALL;
    }
    out[0] = (uint8_t)('0' + year / 1000);
    out[1] = (uint8_t)('0' + year / 100 % 10);
    out[2] = (uint8_t)('0' + year / 10 % 10);
    out[3] = (uint8_t)('0' + year % 10);
    out[4] = '-';
    out[5] = (uint8_t)('0' + month / 10);
    out[6] = (uint8_t)('0' + month % 10);
    out[7] = 0x00;
    memcpy(out + 8, tel_uri, tl);
    out[8 + tl] = 0x00;
    *out_len = need;
    return MCX_OK;
}

mcx_err mcx_guk_id(const uint8_t *gmk, size_t gmk_len, uint32_t gmk_id, const char *member_uri,
                   uint32_t *guk_id)
{
    uint8_t k[MCX_KDF_OUT_BYTES];
    if (guk_id == NULL)
        return MCX_ERR_ARG;
    *guk_id = 0;
    if (gmk == NULL || gmk_len == 0 || member_uri == NULL)
        return MCX_ERR_ARG;
    size_t ul = strlen(member_uri);
    if (ul == 0)
        return MCX_ERR_EMPTY_ID;
    if (ul > 0xFFFF)
        return MCX_ERR_LENGTH;
    /* F.1.3: FC = 0x50, P0 = the member's MC service user ID, L0 = its length */
    struct mcx_kdf_param p0 = {(const uint8_t *)member_uri, ul};
    mcx_err rc = mcx_kdf_3gpp(gmk, gmk_len, 0x50, &p0, 1, k);
    if (rc == MCX_OK) {
        /* §5.2.3: salt = the 28 least significant bits of the KDF output; the purpose tag (4 MSBs
         * of the key ID) is kept. */
        uint32_t salt = ((uint32_t)k[28] << 24 | (uint32_t)k[29] << 16 | (uint32_t)k[30] << 8 |
                         (uint32_t)k[31]) &
                        0x0FFFFFFFu;
        *guk_id = (gmk_id & 0xF0000000u) | ((gmk_id ^ salt) & 0x0FFFFFFFu);
    }
    mcx_wipe(k, sizeof k);
    return rc;
}
