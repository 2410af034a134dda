/*
 * MIKEY-SAKKE I_MESSAGEs (RFC 6509, TS 33.180 Annex E): the processing context, create for every
 * MCX purpose (GMK E.2, PCK E.3, CSK upload / CSK-MuSiK download E.4, MKFC, MSCCK, SPK), and
 * process with every receiver check of the digest §5.12. Signed range per RFC 6509 §4.3 as
 * deployed: the whole message up to and including the two SIGN header octets (digest §5.9).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "codec/mikey_int.h"
#include "mcxsec/util.h"

#define SAKKE_ID_SCHEME_UID 2 /* "3GPP MCX hashed UID" (E.5) */
#define ECCSI_S_TYPE 2

/* TS 33.180 default SRTP profile as sent by deployed equipment (digest §5.6, Table E.2-1). */
static const uint8_t default_sp[] = {0x00, 0x01, 0x06, 0x01, 0x01, 0x10, 0x02, 0x01, 0x04,
                                     0x04, 0x01, 0x0c, 0x05, 0x01, 0x00, 0x06, 0x01, 0x00,
                                     0x12, 0x01, 0x04, 0x13, 0x01, 0x00, 0x14, 0x01, 0x10};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- context
 * -------------------------------------------------------------------------------------- */

static mcx_err kms_load(struct mcxi_kms *k, const struct mcx_kms_cert *cert)
{
    if (cert->kms_uri[0] == '\0' || memchr(cert->kms_uri, 0, sizeof cert->kms_uri) == NULL ||
        cert->user_key_period == 0)
        return MCX_ERR_ARG;
    if (cert->parameter_set != MCX_SAKKE_PARAM_SET)
        return MCX_ERR_UNSUPPORTED;
    memcpy(&k->cert, cert, sizeof *cert);
    mcx_err rc = mcx_eccsi_verifier_new(&k->ver, cert->pub_auth_key, 1024);
    if (rc == MCX_OK)
        rc = mcx_sakke_pub_new(&k->pub, cert->pub_enc_key);
    if (rc != MCX_OK) {
        mcx_eccsi_verifier_free(k->ver);
        k->ver = NULL;
    }
    return rc;
}

mcx_err mcx_mikey_ctx_new(mcx_mikey_ctx **out, const struct mcx_kms_cert *cert)
{
    if (out == NULL || cert == NULL)
        return MCX_ERR_ARG;
    *out = NULL;
    mcx_mikey_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return MCX_ERR_NOMEM;
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return MCX_ERR_INTERNAL;
    }
    c->window = MCX_MIKEY_DEFAULT_WINDOW;
    mcx_err rc = kms_load(&c->kms[0], cert);
    if (rc == MCX_OK) {
        c->n_kms = 1;
        rc = mcx_mikey_ctx_set_replay_capacity(c, MCX_MIKEY_DEFAULT_REPLAY);
    }
    if (rc != MCX_OK) {
        mcx_mikey_ctx_free(c);
        return rc;
    }
    *out = c;
    return MCX_OK;
}

void mcx_mikey_ctx_free(mcx_mikey_ctx *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_kms; i++) {
        mcx_eccsi_verifier_free(c->kms[i].ver);
        mcx_sakke_pub_free(c->kms[i].pub);
    }
    for (size_t i = 0; i < c->n_ks; i++) {
        mcx_sakke_rsk_free(c->ks[i].rsk);
        mcx_eccsi_signer_free(c->ks[i].signer);
    }
    free(c->replay);
    pthread_mutex_destroy(&c->lock);
    mcx_wipe(c, sizeof *c);
    free(c);
}

mcx_err mcx_mikey_ctx_add_kms(mcx_mikey_ctx *c, const struct mcx_kms_cert *cert)
{
    if (c == NULL || cert == NULL)
        return MCX_ERR_ARG;
    if (mcxi_mikey_find_kms(c, (const uint8_t *)cert->kms_uri, strlen(cert->kms_uri)) != NULL)
        return MCX_OK; /* already known */
    if (c->n_kms == MCX_MIKEY_MAX_KMS)
        return MCX_ERR_LIMIT;
    mcx_err rc = kms_load(&c->kms[c->n_kms], cert);
    if (rc == MCX_OK)
        c->n_kms++;
    return rc;
}

mcx_err mcx_mikey_ctx_add_keyset(mcx_mikey_ctx *c, const struct mcx_kms_keyset *ks)
{
    if (c == NULL || ks == NULL || memchr(ks->user_uri, 0, sizeof ks->user_uri) == NULL ||
        ks->user_uri[0] == '\0')
        return MCX_ERR_ARG;
    const struct mcxi_kms *home = &c->kms[0];
    if (strncmp(ks->kms_uri, home->cert.kms_uri, sizeof ks->kms_uri) != 0)
        return MCX_ERR_MIKEY_KMS;
    if (c->n_ks == MCX_MIKEY_MAX_KEYSETS)
        return MCX_ERR_LIMIT;
    /* the key set's UserID must be the F.2.1 UID of its UserUri in its key period */
    uint8_t uid[32];
    mcx_err rc = mcx_uid(ks->user_uri, home->cert.kms_uri, home->cert.user_key_period,
                         home->cert.user_key_offset, ks->key_period_no, uid);
    if (rc != MCX_OK)
        return rc;
    if (memcmp(uid, ks->user_id, 32) != 0)
        return MCX_ERR_KEY_INVALID;
    struct mcxi_keyset *e = &c->ks[c->n_ks];
    memset(e, 0, sizeof *e);
    rc = mcx_eccsi_signer_new(&e->signer, home->cert.pub_auth_key, uid, 32, ks->ssk, ks->pvt);
    if (rc == MCX_OK)
        rc = mcx_sakke_rsk_new(&e->rsk, home->pub, uid, 32, ks->rsk);
    if (rc != MCX_OK) {
        mcx_eccsi_signer_free(e->signer);
        mcx_wipe(e, sizeof *e);
        return rc;
    }
    memcpy(&e->ks, ks, sizeof *ks);
    c->n_ks++;
    return MCX_OK;
}

void mcx_mikey_ctx_set_window(mcx_mikey_ctx *c, uint32_t seconds)
{
    if (c == NULL)
        return;
    c->window = seconds;
}

void mcx_mikey_ctx_set_accept_pending(mcx_mikey_ctx *c, int accept)
{
    if (c != NULL)
        c->accept_pending = accept != 0;
}

mcx_err mcx_mikey_ctx_set_replay_capacity(mcx_mikey_ctx *c, size_t n)
{
    if (c == NULL || n == 0 || n > (1u << 24))
        return MCX_ERR_ARG;
    struct mcxi_replay *r = calloc(n, sizeof *r);
    if (r == NULL)
        return MCX_ERR_NOMEM;
    pthread_mutex_lock(&c->lock);
    free(c->replay);
    c->replay = r;
    c->replay_cap = n;
    c->replay_n = 0;
    c->replay_hw = 0;
    c->replay_floor = 0;
    pthread_mutex_unlock(&c->lock);
    return MCX_OK;
}

const struct mcxi_kms *mcxi_mikey_find_kms(const mcx_mikey_ctx *c, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < c->n_kms; i++) {
        size_t l = strlen(c->kms[i].cert.kms_uri);
        if (l == len && memcmp(c->kms[i].cert.kms_uri, p, len) == 0)
            return &c->kms[i];
    }
    return NULL;
}

const struct mcxi_keyset *mcxi_mikey_keyset_at(const mcx_mikey_ctx *c, uint64_t ntp_sec)
{
    const struct mcx_kms_cert *h = &c->kms[0].cert;
    uint64_t no;
    if (mcx_key_period_no(ntp_sec, h->user_key_period, h->user_key_offset, &no) != MCX_OK)
        return NULL;
    for (size_t i = 0; i < c->n_ks; i++) {
        if (c->ks[i].ks.key_period_no == no)
            return &c->ks[i];
    }
    return NULL;
}

mcx_err mcxi_mikey_uid_at(const struct mcxi_kms *k, const uint8_t *uri, size_t uri_len,
                          uint64_t ntp_sec, uint8_t uid[32])
{
    char s[MCX_MIKEY_MAX_ID + 1];
    uint64_t no;
    if (uri_len == 0 || uri_len > MCX_MIKEY_MAX_ID || memchr(uri, 0, uri_len) != NULL)
        return MCX_ERR_MIKEY_IDENTITY;
    memcpy(s, uri, uri_len);
    s[uri_len] = '\0';
    mcx_err rc = mcx_key_period_no(ntp_sec, k->cert.user_key_period, k->cert.user_key_offset, &no);
    if (rc != MCX_OK)
        return MCX_ERR_MIKEY_TIME;
    return mcx_uid(s, k->cert.kms_uri, k->cert.user_key_period, k->cert.user_key_offset, no, uid);
}

mcx_err mcxi_unix_to_ntp(int64_t now, uint64_t *ntp_sec)
{
    int64_t n = now + (int64_t)MCX_NTP_UNIX_OFFSET;
    if (n < 0 || n > (int64_t)UINT32_MAX)
        return MCX_ERR_ARG;
    *ntp_sec = (uint64_t)n;
    return MCX_OK;
}

mcx_err mcxi_check_time_window(uint32_t window, uint64_t t_ntp, int64_t now)
{
    int64_t t_unix = (int64_t)(t_ntp >> 32) - (int64_t)MCX_NTP_UNIX_OFFSET;
    int64_t d = t_unix - now;
    if (d < 0)
        d = -d;
    return d > (int64_t)window ? MCX_ERR_MIKEY_TIME : MCX_OK;
}

mcx_err mcxi_mikey_check_time(const mcx_mikey_ctx *c, uint64_t t_ntp, int64_t now)
{
    return mcxi_check_time_window(c->window, t_ntp, now);
}

/*
 * Replay cache (RFC 3830 §5.4: remember (RAND, T) for as long as T is acceptable). Each entry is a
 * 128-bit digest of RAND || T with T's NTP second. Entries are only forgotten when the cache is
 * full, and then only those whose T is more than the window older than the latest `now` of an
 * accepted message (hw): they could not be accepted now anyway. The limit hw - window of that
 * clean-up becomes a floor, and any later message with a T below the floor is refused as stale
 * (MCX_ERR_MIKEY_TIME) — whatever the window is then — so a forgotten (RAND, T) can never be
 * accepted again. When the cache is full of entries above the floor the new message is refused
 * (MCX_ERR_MIKEY_REPLAY_FULL) rather than an entry evicted.
 */
mcx_err mcxi_mikey_replay(mcx_mikey_ctx *c, const uint8_t *rand, size_t rand_len, uint64_t t_ntp,
                          uint64_t now_ntp)
{
    uint8_t in[8], md[32];
    for (int i = 0; i < 8; i++)
        in[i] = (uint8_t)(t_ntp >> (56 - 8 * i));
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    unsigned mdl = 0;
    if (h == NULL)
        return MCX_ERR_NOMEM;
    int ok = EVP_DigestInit_ex(h, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(h, rand, rand_len) == 1 && EVP_DigestUpdate(h, in, 8) == 1 &&
             EVP_DigestFinal_ex(h, md, &mdl) == 1;
    EVP_MD_CTX_free(h);
    if (!ok)
        return MCX_ERR_INTERNAL;
    uint64_t t_sec = t_ntp >> 32;
    mcx_err rc = MCX_OK;
    pthread_mutex_lock(&c->lock);
    uint64_t hw = now_ntp > c->replay_hw ? now_ntp : c->replay_hw;
    for (size_t i = 0; i < c->replay_n; i++) {
        if (memcmp(c->replay[i].md, md, 16) == 0) {
            rc = MCX_ERR_MIKEY_REPLAY;
            goto out;
        }
    }
    if (c->replay_n == c->replay_cap && hw > c->window) {
        uint64_t floor = hw - c->window;
        size_t k = 0;
        for (size_t i = 0; i < c->replay_n; i++) {
            if (c->replay[i].t_sec >= floor)
                c->replay[k++] = c->replay[i];
        }
        if (k < c->replay_n && floor > c->replay_floor)
            c->replay_floor = floor;
        c->replay_n = k;
    }
    /* no entry below the floor is kept, so a T below it may be a forgotten replay */
    if (t_sec < c->replay_floor) {
        rc = MCX_ERR_MIKEY_TIME;
        goto out;
    }
    if (c->replay_n == c->replay_cap) {
        rc = MCX_ERR_MIKEY_REPLAY_FULL;
        goto out;
    }
    memcpy(c->replay[c->replay_n].md, md, 16);
    c->replay[c->replay_n].t_sec = t_sec;
    c->replay_n++;
    c->replay_hw = hw;
out:
    pthread_mutex_unlock(&c->lock);
    return rc;
}

/* ---- create
 * --------------------------------------------------------------------------------------- */

static void set_idr(struct mcx_mikey_payload *p, uint8_t role, const void *v, size_t len)
{
    p->type = MCX_MIKEY_PT_IDR;
    p->u.idr.role = role;
    p->u.idr.id_type = 1; /* URI (also used for UIDs by deployed equipment) */
    p->u.idr.id.p = v;
    p->u.idr.id.len = len;
}

mcx_err mcx_mikey_create(mcx_mikey_ctx *c, const struct mcx_mikey_create_args *a, uint8_t *out,
                         size_t *out_len, struct mcx_mikey_result *res)
{
    if (c == NULL || a == NULL || out_len == NULL || a->responder_uri == NULL ||
        a->responder_uri[0] == '\0' || (unsigned)a->purpose > MCX_PURPOSE_MUSIK)
        return MCX_ERR_ARG;
    mcx_err rc;
    uint8_t key[16], rnd[16], ruid[32], sed[MCX_SAKKE_SED_BYTES], sig[MCX_ECCSI_SIG_BYTES];
    uint8_t spi[8], gext[1024], self[5 + MCX_SAKKE_SED_BYTES];
    size_t gext_len = sizeof gext;
    struct mcx_mikey_msg *m = NULL;
    uint64_t ntp;
    if ((rc = mcxi_unix_to_ntp(a->now, &ntp)) != MCX_OK)
        return rc;
    const struct mcxi_keyset *own = mcxi_mikey_keyset_at(c, ntp);
    if (own == NULL)
        return MCX_ERR_NOT_FOUND;
    const struct mcxi_kms *home = &c->kms[0];
    const struct mcxi_kms *rk = home;
    if (a->responder_kms != NULL) {
        rk = mcxi_mikey_find_kms(c, (const uint8_t *)a->responder_kms, strlen(a->responder_kms));
        if (rk == NULL)
            return MCX_ERR_MIKEY_KMS;
    }
    uint32_t key_id = a->key_id;
    if (key_id != 0 && MCX_KEY_ID_PURPOSE(key_id) != (unsigned)a->purpose)
        return MCX_ERR_ARG;
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return MCX_ERR_NOMEM;
    if (a->key != NULL)
        memcpy(key, a->key, 16);
    else if ((rc = mcx_random(key, 16)) != MCX_OK)
        goto out;
    if (key_id == 0) {
        uint8_t r4[4];
        if ((rc = mcx_random(r4, 4)) != MCX_OK)
            goto out;
        key_id =
            ((uint32_t)a->purpose << 28) |
            ((((uint32_t)r4[0] << 24) | ((uint32_t)r4[1] << 16) | ((uint32_t)r4[2] << 8) | r4[3]) &
             0x0FFFFFFFu);
    }
    uint32_t csb = key_id;
    /* TS 33.180 §5.2.3: end-point diversity for GMKs — the CSB-ID carries the member's GUK-ID */
    if (a->purpose == MCX_PURPOSE_GMK &&
        (rc = mcx_guk_id(key, 16, key_id, a->responder_uri, &csb)) != MCX_OK)
        goto out;
    if ((rc = mcx_random(rnd, 16)) != MCX_OK)
        goto out;
    if ((rc = mcxi_mikey_uid_at(rk, (const uint8_t *)a->responder_uri, strlen(a->responder_uri),
                                ntp, ruid)) != MCX_OK)
        goto out;
    if ((rc = mcx_sakke_encapsulate(rk->pub, ruid, 32, key, sed)) != MCX_OK)
        goto out;

    /* HDR: data type 26, V 0, PRF-HMAC-SHA-256 (E.1.2) */
    m->hdr.version = 1;
    m->hdr.data_type = MCX_MIKEY_DT_SAKKE;
    m->hdr.prf = MCX_PRF_HMAC_SHA256;
    m->hdr.csb_id = csb;
    size_t spi_len;
    if (a->purpose == MCX_PURPOSE_GMK) {
        put32(spi, key_id); /* group MKI = GMK-ID || GUK-ID (digest §3.4) */
        put32(spi + 4, csb);
        spi_len = 8;
    } else {
        put32(spi, key_id);
        spi_len = 4;
    }
    if (a->no_cs) {
        m->hdr.map_type = MCX_MIKEY_MAP_EMPTY;
    } else {
        m->hdr.map_type = MCX_MIKEY_MAP_GENERIC;
        m->hdr.n_cs = 1;
        m->hdr.cs[0].cs_id = a->cs_id;
        m->hdr.cs[0].n_policies = 1;
        m->hdr.cs[0].spi.p = spi;
        m->hdr.cs[0].spi.len = spi_len;
    }
    size_t n = 0;
    m->p[n].type = MCX_MIKEY_PT_T;
    m->p[n++].u.t.value = ntp << 32;
    m->p[n].type = MCX_MIKEY_PT_RAND;
    m->p[n].u.rand.p = rnd;
    m->p[n++].u.rand.len = 16;
    if (a->hide_identities) {
        set_idr(&m->p[n++], MCX_MIKEY_ROLE_UIDI, own->ks.user_id, 32);
        set_idr(&m->p[n++], MCX_MIKEY_ROLE_UIDR, ruid, 32);
    } else {
        set_idr(&m->p[n++], MCX_MIKEY_ROLE_I, own->ks.user_uri, strlen(own->ks.user_uri));
        set_idr(&m->p[n++], MCX_MIKEY_ROLE_R, a->responder_uri, strlen(a->responder_uri));
    }
    set_idr(&m->p[n++], MCX_MIKEY_ROLE_KMSI, home->cert.kms_uri, strlen(home->cert.kms_uri));
    set_idr(&m->p[n++], MCX_MIKEY_ROLE_KMSR, rk->cert.kms_uri, strlen(rk->cert.kms_uri));
    if (!a->no_cs) {
        m->p[n].type = MCX_MIKEY_PT_SP;
        m->p[n].u.sp.params.p = default_sp;
        m->p[n++].u.sp.params.len = sizeof default_sp;
    }
    m->p[n].type = MCX_MIKEY_PT_SAKKE;
    m->p[n].u.sakke.params = MCX_SAKKE_PARAM_SET;
    m->p[n].u.sakke.id_scheme = SAKKE_ID_SCHEME_UID;
    m->p[n].u.sakke.data.p = sed;
    m->p[n++].u.sakke.data.len = sizeof sed;
    if (a->sakke_to_self) {
        /* E.5: a complete SAKKE payload to the initiator's UID; its next-payload octet is 0 */
        self[0] = 0;
        self[1] = MCX_SAKKE_PARAM_SET;
        self[2] = SAKKE_ID_SCHEME_UID;
        self[3] = (uint8_t)(MCX_SAKKE_SED_BYTES >> 8);
        self[4] = (uint8_t)MCX_SAKKE_SED_BYTES;
        if ((rc = mcx_sakke_encapsulate(home->pub, own->ks.user_id, 32, key, self + 5)) != MCX_OK)
            goto out;
        m->p[n].type = MCX_MIKEY_PT_GEXT;
        m->p[n].u.gext.type = MCX_MIKEY_GEXT_SAKKE_TO_SELF;
        m->p[n].u.gext.data.p = self;
        m->p[n++].u.gext.data.len = sizeof self;
    }
    if (a->include_params) {
        struct mcx_key_params kp = a->params;
        kp.key_type = (uint8_t)a->purpose;
        /* E.6: protected with the key this message carries; DPPK-ID = CSB-ID */
        if ((rc = mcx_key_params_seal(key, csb, &kp, ntp, NULL, gext, &gext_len)) != MCX_OK)
            goto out;
        m->p[n].type = MCX_MIKEY_PT_GEXT;
        m->p[n].u.gext.type = MCX_MIKEY_GEXT_KEY_PARAMS;
        m->p[n].u.gext.data.p = gext;
        m->p[n++].u.gext.data.len = gext_len;
    }
    memset(sig, 0, sizeof sig);
    m->p[n].type = MCX_MIKEY_PT_SIGN;
    m->p[n].u.sign.s_type = ECCSI_S_TYPE;
    m->p[n].u.sign.sig.p = sig;
    m->p[n++].u.sign.sig.len = sizeof sig;
    m->n = n;
    struct mcx_mikey_layout lay;
    if ((rc = mcx_mikey_encode(m, out, out_len, &lay)) != MCX_OK)
        goto out;
    /* RFC 6509 §4.3 / digest §5.9: sign everything before the signature octets */
    if ((rc = mcx_eccsi_sign(own->signer, out, lay.sig_off, out + lay.sig_off)) != MCX_OK)
        goto out;
    if (res != NULL) {
        memset(res, 0, sizeof *res);
        res->purpose = a->purpose;
        memcpy(res->key, key, 16);
        res->key_id = key_id;
        res->csb_id = csb;
        memcpy(res->rand, rnd, 16);
        res->rand_len = 16;
        res->t_ntp = ntp << 32;
        res->cs_id = a->no_cs ? 0xFF : a->cs_id;
        snprintf(res->initiator_uri, sizeof res->initiator_uri, "%s", own->ks.user_uri);
        memcpy(res->initiator_uid, own->ks.user_id, 32);
        res->has_params = a->include_params;
        if (a->include_params) {
            res->params = a->params;
            res->params.key_type = (uint8_t)a->purpose;
        }
    }
out:
    if (rc != MCX_OK && out != NULL && *out_len > 0)
        mcx_wipe(out, *out_len);
    mcx_wipe(key, sizeof key);
    mcx_wipe(gext, sizeof gext);
    free(m);
    return rc;
}

/* ---- process
 * -------------------------------------------------------------------------------------- */

static int bytes_eq(const struct mcx_mikey_bytes *b, const char *s)
{
    size_t l = strlen(s);
    return b->len == l && memcmp(b->p, s, l) == 0;
}

/* The payloads of an I_MESSAGE in the E.1.2 order, located by check_structure. */
struct imsg {
    const struct mcx_mikey_payload *t, *rnd, *idri, *idrr, *kmsi, *kmsr, *sakke, *self, *params,
        *sign;
};

/* Structure (E.1.2): data type 26, V 0, PRF 1, then
 * T RAND {IDRi IDRr IDRkmsi IDRkmsr in any order, each once} SP* SAKKE GEXT* SIGN. */
static mcx_err check_structure(const struct mcx_mikey_msg *m, struct imsg *x)
{
    memset(x, 0, sizeof *x);
    /* E.1.2: data type 26, V bit not set; PRF-HMAC-SHA-256 is what the key derivations use */
    if (m->hdr.data_type != MCX_MIKEY_DT_SAKKE || m->hdr.v != 0)
        return MCX_ERR_MIKEY_PAYLOAD;
    if (m->hdr.prf != MCX_PRF_HMAC_SHA256)
        return MCX_ERR_UNSUPPORTED;
    if (m->n < 2 || m->p[0].type != MCX_MIKEY_PT_T || m->p[1].type != MCX_MIKEY_PT_RAND)
        return MCX_ERR_MIKEY_PAYLOAD;
    x->t = &m->p[0];
    x->rnd = &m->p[1];
    size_t i;
    for (i = 2; i < m->n && m->p[i].type == MCX_MIKEY_PT_IDR; i++) {
        const struct mcx_mikey_payload *p = &m->p[i];
        const struct mcx_mikey_payload **slot;
        switch (p->u.idr.role) {
        case MCX_MIKEY_ROLE_I:
        case MCX_MIKEY_ROLE_UIDI:
            slot = &x->idri;
            break;
        case MCX_MIKEY_ROLE_R:
        case MCX_MIKEY_ROLE_UIDR:
            slot = &x->idrr;
            break;
        case MCX_MIKEY_ROLE_KMSI:
            slot = &x->kmsi;
            break;
        case MCX_MIKEY_ROLE_KMSR:
            slot = &x->kmsr;
            break;
        default:
            return MCX_ERR_MIKEY_PAYLOAD; /* IDRkms / IDRpsk / IDRapp have no place here */
        }
        if (*slot != NULL)
            return MCX_ERR_MIKEY_PAYLOAD; /* duplicated role */
        *slot = p;
    }
    if (x->idri == NULL || x->idrr == NULL || x->kmsi == NULL || x->kmsr == NULL)
        return MCX_ERR_MIKEY_PAYLOAD;
    while (i < m->n && m->p[i].type == MCX_MIKEY_PT_SP)
        i++;
    if (i >= m->n || m->p[i].type != MCX_MIKEY_PT_SAKKE)
        return MCX_ERR_MIKEY_PAYLOAD;
    x->sakke = &m->p[i++];
    for (; i < m->n && m->p[i].type == MCX_MIKEY_PT_GEXT; i++) {
        const struct mcx_mikey_payload **slot = NULL;
        if (m->p[i].u.gext.type == MCX_MIKEY_GEXT_SAKKE_TO_SELF)
            slot = &x->self;
        else if (m->p[i].u.gext.type == MCX_MIKEY_GEXT_KEY_PARAMS)
            slot = &x->params;
        if (slot == NULL)
            continue; /* RFC 3830 §6.15: other extensions are not for us */
        if (*slot != NULL)
            return MCX_ERR_MIKEY_PAYLOAD;
        *slot = &m->p[i];
    }
    if (i + 1 != m->n || m->p[i].type != MCX_MIKEY_PT_SIGN)
        return MCX_ERR_MIKEY_PAYLOAD;
    x->sign = &m->p[i];
    /* T: NTP-UTC (E.1.1) */
    if (x->t->u.t.ts_type != 0)
        return MCX_ERR_MIKEY_PAYLOAD;
    return MCX_OK;
}

/* The local identity (URI for role 1/2, UID for role 8/9) of key set `own`? */
static int is_own(const struct mcx_mikey_payload *idr, const struct mcxi_keyset *own)
{
    if (idr->u.idr.role == MCX_MIKEY_ROLE_I || idr->u.idr.role == MCX_MIKEY_ROLE_R)
        return bytes_eq(&idr->u.idr.id, own->ks.user_uri);
    return idr->u.idr.id.len == 32 && memcmp(idr->u.idr.id.p, own->ks.user_id, 32) == 0;
}

/* E.5: the SAKKE-to-self extension holds a whole SAKKE payload: next (0, ignored) | SAKKE params |
 * ID scheme | length (16) | SAKKE data. */
static mcx_err self_sed(const struct mcx_mikey_payload *ge, const uint8_t **sed)
{
    const uint8_t *d = ge->u.gext.data.p;
    size_t l = ge->u.gext.data.len;
    if (l < 5 || (((size_t)d[3] << 8) | d[4]) != l - 5)
        return MCX_ERR_MIKEY_PAYLOAD;
    if (d[1] != MCX_SAKKE_PARAM_SET || d[2] != SAKKE_ID_SCHEME_UID)
        return MCX_ERR_UNSUPPORTED;
    if (l - 5 != MCX_SAKKE_SED_BYTES)
        return MCX_ERR_MIKEY_PAYLOAD;
    *sed = d + 5;
    return MCX_OK;
}

/* Digest §5.12 step 7: key type = purpose tag (else MCX_ERR_MIKEY_PARAMS); a revoked key
 * (MCX_ERR_REVOKED) or one past its expiry (MCX_ERR_MIKEY_EXPIRED) is refused; one whose
 * activation is still ahead is refused (MCX_ERR_MIKEY_NOT_ACTIVE) unless the context accepts
 * pending keys, which sets *pending. Times are NTP seconds; the window is the clock skew allowed.
 */
static mcx_err check_params(const mcx_mikey_ctx *c, const struct mcx_key_params *kp,
                            unsigned purpose, uint64_t now_ntp, int *pending)
{
    *pending = 0;
    if (kp->key_type != purpose)
        return MCX_ERR_MIKEY_PARAMS;
    if (kp->activation != 0 && kp->expiry != 0 && kp->expiry < kp->activation)
        return MCX_ERR_MIKEY_PARAMS;
    /* E.6.9: status bit 0 set = the key is not revoked */
    if (!(kp->status & MCX_KEY_STATUS_NOT_REVOKED))
        return MCX_ERR_REVOKED;
    if (kp->expiry != 0 && now_ntp > kp->expiry + c->window)
        return MCX_ERR_MIKEY_EXPIRED;
    if (kp->activation != 0 && now_ntp + c->window < kp->activation) {
        if (!c->accept_pending)
            return MCX_ERR_MIKEY_NOT_ACTIVE;
        *pending = 1;
    }
    return MCX_OK;
}

/*
 * Shared by mcx_mikey_process (the local identity is the responder: IDRr, SAKKE payload) and
 * mcx_mikey_process_self (the local identity is the initiator, on another of its devices: IDRi,
 * SAKKE-to-self extension, E.5).
 */
static mcx_err process(mcx_mikey_ctx *c, const uint8_t *in, size_t len, int expect, int64_t now,
                       int self, struct mcx_mikey_result *res)
{
    if (c == NULL || in == NULL || res == NULL)
        return MCX_ERR_ARG;
    memset(res, 0, sizeof *res);
    mcx_err rc;
    uint8_t key[16], iuid[32];
    struct mcx_key_params kp;
    int has_kp = 0, pending = 0;
    uint64_t now_ntp;
    memset(&kp, 0, sizeof kp);
    if ((rc = mcxi_unix_to_ntp(now, &now_ntp)) != MCX_OK)
        return rc;
    struct mcx_mikey_msg *m = calloc(1, sizeof *m);
    if (m == NULL)
        return MCX_ERR_NOMEM;
    struct mcx_mikey_layout lay;
    struct imsg x;
    if ((rc = mcx_mikey_decode(in, len, m, &lay)) != MCX_OK ||
        (rc = check_structure(m, &x)) != MCX_OK)
        goto out;
    /* T inside the window */
    if ((rc = mcxi_mikey_check_time(c, x.t->u.t.value, now)) != MCX_OK)
        goto out;
    uint64_t t_sec = x.t->u.t.value >> 32;
    /* KMSs: the local identity's must be ours, the peer's must be permitted */
    const struct mcx_mikey_payload *own_kms = self ? x.kmsi : x.kmsr;
    const struct mcx_mikey_payload *peer_kms = self ? x.kmsr : x.kmsi;
    rc = MCX_ERR_MIKEY_KMS;
    if (!bytes_eq(&own_kms->u.idr.id, c->kms[0].cert.kms_uri))
        goto out;
    const struct mcxi_kms *pk =
        mcxi_mikey_find_kms(c, peer_kms->u.idr.id.p, peer_kms->u.idr.id.len);
    if (pk == NULL)
        goto out;
    const struct mcxi_kms *ik = self ? &c->kms[0] : pk;
    /* the local identity in the key period of T: IDRr (or IDRi for SAKKE-to-self) */
    const struct mcxi_keyset *own = mcxi_mikey_keyset_at(c, t_sec);
    if (own == NULL) {
        rc = MCX_ERR_NOT_FOUND;
        goto out;
    }
    rc = MCX_ERR_MIKEY_IDENTITY;
    if (!is_own(self ? x.idri : x.idrr, own))
        goto out;
    /* initiator identity: its UID in the key period of T under its KMS (or given, role 8) */
    if (x.idri->u.idr.role == MCX_MIKEY_ROLE_I) {
        if ((rc = mcxi_mikey_uid_at(ik, x.idri->u.idr.id.p, x.idri->u.idr.id.len, t_sec, iuid)) !=
            MCX_OK)
            goto out;
    } else {
        if (x.idri->u.idr.id.len != 32)
            goto out;
        memcpy(iuid, x.idri->u.idr.id.p, 32);
    }
    /* SIGN: ECCSI (RFC 6509 §4.3) by the initiator over [0, sig_off) */
    rc = MCX_ERR_VERIFY;
    if (x.sign->u.sign.s_type != ECCSI_S_TYPE || x.sign->u.sign.sig.len != MCX_ECCSI_SIG_BYTES)
        goto out;
    rc = mcx_eccsi_verifier_verify(ik->ver, iuid, 32, in, lay.sig_off, x.sign->u.sign.sig.p);
    if (rc != MCX_OK) {
        rc = MCX_ERR_VERIFY; /* one code for every verification failure */
        goto out;
    }
    /* purpose tag of the CSB-ID (§5.2) */
    unsigned purpose = MCX_KEY_ID_PURPOSE(m->hdr.csb_id);
    if (purpose > MCX_PURPOSE_MUSIK ||
        (expect != MCX_MIKEY_ANY_PURPOSE && purpose != (unsigned)expect)) {
        rc = MCX_ERR_MIKEY_PURPOSE;
        goto out;
    }
    /* SAKKE: parameter set 1, hashed-UID scheme, decapsulate with the RSK of the period */
    const uint8_t *sed;
    if (self) {
        if (x.self == NULL) {
            rc = MCX_ERR_MIKEY_PAYLOAD;
            goto out;
        }
        if ((rc = self_sed(x.self, &sed)) != MCX_OK)
            goto out;
    } else {
        if (x.sakke->u.sakke.params != MCX_SAKKE_PARAM_SET ||
            x.sakke->u.sakke.id_scheme != SAKKE_ID_SCHEME_UID) {
            rc = MCX_ERR_UNSUPPORTED;
            goto out;
        }
        if (x.sakke->u.sakke.data.len != MCX_SAKKE_SED_BYTES) {
            rc = MCX_ERR_MIKEY_PAYLOAD;
            goto out;
        }
        sed = x.sakke->u.sakke.data.p;
    }
    if ((rc = mcx_sakke_decapsulate(own->rsk, sed, key)) != MCX_OK)
        goto out;
    /* GMK: GMK-ID = GUK-ID with the salt of the receiving member's URI (§5.2.3) */
    uint32_t key_id = m->hdr.csb_id;
    if (purpose == MCX_PURPOSE_GMK) {
        const char *member = own->ks.user_uri;
        char rs[MCX_URI_MAX];
        if (self) {
            /* the member is the responder: its URI must be in the message */
            if (x.idrr->u.idr.role != MCX_MIKEY_ROLE_R || x.idrr->u.idr.id.len >= sizeof rs ||
                memchr(x.idrr->u.idr.id.p, 0, x.idrr->u.idr.id.len) != NULL) {
                rc = MCX_ERR_MIKEY_IDENTITY;
                goto out;
            }
            memcpy(rs, x.idrr->u.idr.id.p, x.idrr->u.idr.id.len);
            rs[x.idrr->u.idr.id.len] = '\0';
            member = rs;
        }
        if ((rc = mcx_guk_id(key, 16, m->hdr.csb_id, member, &key_id)) != MCX_OK)
            goto out;
    }
    if (x.params != NULL) {
        rc = mcx_key_params_open(key, m->hdr.csb_id, x.params->u.gext.data.p,
                                 x.params->u.gext.data.len, &kp);
        if (rc != MCX_OK) {
            rc = MCX_ERR_MIKEY_PARAMS;
            goto out;
        }
        if ((rc = check_params(c, &kp, purpose, now_ntp, &pending)) != MCX_OK)
            goto out;
        has_kp = 1;
    }
    if ((rc = mcxi_mikey_replay(c, x.rnd->u.rand.p, x.rnd->u.rand.len, x.t->u.t.value, now_ntp)) !=
        MCX_OK)
        goto out;
    res->purpose = (enum mcx_purpose)purpose;
    memcpy(res->key, key, 16);
    res->key_id = key_id;
    res->csb_id = m->hdr.csb_id;
    memcpy(res->rand, x.rnd->u.rand.p, x.rnd->u.rand.len);
    res->rand_len = x.rnd->u.rand.len;
    res->t_ntp = x.t->u.t.value;
    res->cs_id = m->hdr.n_cs > 0 ? m->hdr.cs[0].cs_id : 0xFF;
    if (x.idri->u.idr.role == MCX_MIKEY_ROLE_I &&
        x.idri->u.idr.id.len < sizeof res->initiator_uri) {
        memcpy(res->initiator_uri, x.idri->u.idr.id.p, x.idri->u.idr.id.len);
        res->initiator_uri[x.idri->u.idr.id.len] = '\0';
    }
    memcpy(res->initiator_uid, iuid, 32);
    res->has_params = has_kp;
    res->pending = pending;
    if (has_kp)
        res->params = kp;
out:
    if (rc != MCX_OK)
        mcx_wipe(res, sizeof *res);
    mcx_wipe(key, sizeof key);
    mcx_wipe(&kp, sizeof kp);
    free(m);
    return rc;
}

mcx_err mcx_mikey_process(mcx_mikey_ctx *c, const uint8_t *in, size_t len, int expect, int64_t now,
                          struct mcx_mikey_result *res)
{
    return process(c, in, len, expect, now, 0, res);
}

mcx_err mcx_mikey_process_self(mcx_mikey_ctx *c, const uint8_t *in, size_t len, int expect,
                               int64_t now, struct mcx_mikey_result *res)
{
    return process(c, in, len, expect, now, 1, res);
}

mcx_err mcx_mikey_check_initiator(const mcx_mikey_ctx *c, const struct mcx_mikey_result *res,
                                  const char *uri, const char *kms_uri)
{
    if (c == NULL || res == NULL || uri == NULL)
        return MCX_ERR_ARG;
    const struct mcxi_kms *k = &c->kms[0];
    if (kms_uri != NULL &&
        (k = mcxi_mikey_find_kms(c, (const uint8_t *)kms_uri, strlen(kms_uri))) == NULL)
        return MCX_ERR_MIKEY_KMS;
    uint8_t uid[32];
    mcx_err rc = mcxi_mikey_uid_at(k, (const uint8_t *)uri, strlen(uri), res->t_ntp >> 32, uid);
    if (rc != MCX_OK)
        return rc == MCX_ERR_MIKEY_TIME ? rc : MCX_ERR_MIKEY_IDENTITY;
    return memcmp(uid, res->initiator_uid, 32) == 0 ? MCX_OK : MCX_ERR_MIKEY_IDENTITY;
}
