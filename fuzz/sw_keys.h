/* Streamwide/sw_mikey_sakke StreamwideTestVectors.md v5 (commit 7f551003): KMS public keys,
 * Alice's key set and the GMS's and Bob's signing keys (test data, see
 * tests/vectors/streamwide_v5.txt). Shared by the MIKEY fuzz harnesses. */
#ifndef MCX_FUZZ_SW_KEYS_H
#define MCX_FUZZ_SW_KEYS_H
static const char SW_Z[] =
    "046fc2cf00fd48467abe7c02f383002fc49b6632bf0f7071d958f1f128154e6fae1f69bb91691a191a358fe647a3e020"
    "d2365d52f81fb3af4ea271654f1a880274c1ae228ac72cc15d535394321bd2143cea2619fb3b0c6ce7a5f72714d8ef4d"
    "11cb0c991c3376ca31b168b01e66021effdbf7920bd66615e6f0d6a1e61c06e72e61b4138738c11bc249a3849e9c4cff"
    "327a7d0d2769c3d97a37f86adfb13baa257e628ce236f40360d3f7b8d95b0e3fcc19417602d7d6b8928b855eae9129be"
    "1f0b87d33e884906dd95a04a8bd61240bad60f9dfada64806726f8f08b86343f54046416f5198116e9798c218bcf9ca0"
    "7d0baa4be50062bfe54e44495b6ed59cb6";
static const char SW_KPAK[] =
    "0448f9c2c48b50735f6bc70ec6691073243f1e0bd83cc73bb936d61ffcb2d6049a5b297e8205b29fbd8591cb582d6402"
    "add21451ce4beebeaaa7520e93b11cf28f";
static const char SW_ALICE_UID[] =
    "b5c452309219da6a3d805615548d6c1b0f4de45a6b48fb13d9a24d857fc03dc4";
static const char SW_ALICE_RSK[] =
    "0428b44cd6dffd2e7fe73521a5c514738287df177c1ae841ba6f5d72601b9c6bc5509c3fd800ac1fee833dd81c74ab39"
    "d2740a10fba25cd9b0debb25a3da958cf52e35e863d2db37ea22b318d23d9911d36f585eb110e430123f3cd84d2692a4"
    "013bc7f59533e5da2083d8e6e8b96764eb8e8be599dc2361e7428460b8490200417baa5bac10efaa5262301b3110f6da"
    "9e8bc9c4b62827c3d4f4070a8e341346a326a23f219d2a99298036615956bb85a60cf303d15d469c1ee837c29cba5dcc"
    "b28d74e4ba0d83dac9400d72eecb1817cc60127203f1321e82b7a24f60c07f1804a9895cbb455a94694a5ef627b1c631"
    "760295dad53f0eed1714ba52d5a932bddd";
static const char SW_ALICE_SSK[] =
    "a1be54a56c7905c06abd2be177fc0c137a32278c9067550b0f0d93fb630d2428";
static const char SW_ALICE_PVT[] =
    "0426cd8b0a33af9b381ee53ebc6841aed5c1c98fb0d2beb9c7ff98d7c79808d1f566659f6b735016192dd9984df56e54"
    "f3f95c76ac4638c1f3d3228f3c752c8cc8";
/* The GMS's and Bob's signing keys (for the re-signing harnesses). */
static const char SW_GMS_UID[] = "15a4d5b12856538d02d91fedbb766e6dd377b014c92e216666c8fb678608d20e";
static const char SW_GMS_SSK[] = "2e7237faa18a874b88d955199dea974b7d0fefcbbae1946baf659b26a4d05a5e";
static const char SW_GMS_PVT[] =
    "0468a24d49b184d7008d22f63a415debd38bfa9295f066fa6ada5951c2322d2eca1d6f1d994f22710daef776"
    "d9c54d9a338f32395080d6f2bdffb6c7895f12cda2";
static const char SW_BOB_UID[] = "780851cda91a9c33f941cd3a2831697e2893264754e363f8a0cef827eb201a81";
static const char SW_BOB_SSK[] = "a36885736f21b6ceba48448093086f4ada1ce099bd77e3047c04529ac3f4d4eb";
static const char SW_BOB_PVT[] =
    "049c203fda536ae9481eb7f3a1e4662d0adaa6a3b7d3fff0c2dfadd148a754af424d434253b62dcd08eb6aed"
    "b6cd091e09f8539d41d3ef2d0ce07e8ead352f2dd9";

#include <stdlib.h>
#include <string.h>

#include "mcxsec/mikey.h"

static void sw_unhex(const char *h, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = h[2 * i + j];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

/* Alice's MIKEY context (home KMS kms.mydev.streamwide.com, key period 236), built once. */
static mcx_mikey_ctx *sw_alice_ctx(void)
{
    static mcx_mikey_ctx *ctx;
    if (ctx != NULL)
        return ctx;
    struct mcx_kms_cert c;
    struct mcx_kms_keyset k;
    mcx_kms_cert_init(&c);
    memcpy(c.kms_uri, "kms.mydev.streamwide.com", 25);
    c.user_key_period = 16777215;
    sw_unhex(SW_Z, c.pub_enc_key, 257);
    sw_unhex(SW_KPAK, c.pub_auth_key, 65);
    mcx_kms_keyset_init(&k);
    memcpy(k.kms_uri, c.kms_uri, 25);
    memcpy(k.user_uri, "sip:alice@streamwide.com", 25);
    k.key_period_no = 236;
    sw_unhex(SW_ALICE_UID, k.user_id, 32);
    sw_unhex(SW_ALICE_RSK, k.rsk, 257);
    sw_unhex(SW_ALICE_SSK, k.ssk, 32);
    sw_unhex(SW_ALICE_PVT, k.pvt, 65);
    if (mcx_mikey_ctx_new(&ctx, &c) != MCX_OK || mcx_mikey_ctx_add_keyset(ctx, &k) != MCX_OK)
        abort();
    mcx_mikey_ctx_set_window(ctx, UINT32_MAX);
    return ctx;
}

/* ECCSI signers of the GMS (index 0), Alice (1) and Bob (2), with their URIs and UIDs, built
 * once. */
struct sw_signer {
    const char *uri;
    uint8_t uid[32];
    mcx_eccsi_signer *s;
};

static inline struct sw_signer *sw_signers(void)
{
    static struct sw_signer t[3];
    if (t[0].s != NULL)
        return t;
    static const char *const uris[3] = {"gms@streamwide.com", "sip:alice@streamwide.com",
                                        "sip:bob@streamwide.com"};
    const char *const uids[3] = {SW_GMS_UID, SW_ALICE_UID, SW_BOB_UID};
    const char *const ssks[3] = {SW_GMS_SSK, SW_ALICE_SSK, SW_BOB_SSK};
    const char *const pvts[3] = {SW_GMS_PVT, SW_ALICE_PVT, SW_BOB_PVT};
    uint8_t kpak[65], ssk[32], pvt[65];
    sw_unhex(SW_KPAK, kpak, 65);
    for (int i = 0; i < 3; i++) {
        t[i].uri = uris[i];
        sw_unhex(uids[i], t[i].uid, 32);
        sw_unhex(ssks[i], ssk, 32);
        sw_unhex(pvts[i], pvt, 65);
        if (mcx_eccsi_signer_new(&t[i].s, kpak, t[i].uid, 32, ssk, pvt) != MCX_OK)
            abort();
    }
    return t;
}

/* The signer an IDRi payload names (role 1 URI or role 8 UID), or the GMS when it names none of
 * the three: the signature is then valid for whoever the message says signed it. */
static inline mcx_eccsi_signer *sw_signer_for(const struct mcx_mikey_msg *m)
{
    struct sw_signer *t = sw_signers();
    for (size_t i = 0; i < m->n; i++) {
        const struct mcx_mikey_payload *p = &m->p[i];
        if (p->type != MCX_MIKEY_PT_IDR)
            continue;
        for (int k = 0; k < 3; k++) {
            if (p->u.idr.role == MCX_MIKEY_ROLE_I && p->u.idr.id.len == strlen(t[k].uri) &&
                memcmp(p->u.idr.id.p, t[k].uri, p->u.idr.id.len) == 0)
                return t[k].s;
            if (p->u.idr.role == MCX_MIKEY_ROLE_UIDI && p->u.idr.id.len == 32 &&
                memcmp(p->u.idr.id.p, t[k].uid, 32) == 0)
                return t[k].s;
        }
    }
    return t[0].s;
}

/* A key-parameter extension in harness form -- the 35-octet protected-payload header, the
 * plaintext, 16 octets of tag space -- sealed under `key` with the header's date, IV and DPPK-ID.
 * 0 when the plaintext does not parse (it is then left as it is, and will not open). */
static inline int sw_seal_params(const uint8_t key[16], const struct mcx_mikey_bytes *in,
                                 uint8_t *out, size_t *out_len)
{
    const uint8_t *h = in->p;
    struct mcx_key_params kp;
    if (in->len < 35 + 16 || mcx_key_params_decode(h + 35, in->len - 35 - 16, &kp) != MCX_OK)
        return 0;
    uint64_t date = 0;
    for (int k = 1; k <= 5; k++)
        date = (date << 8) | h[k];
    uint32_t id =
        ((uint32_t)h[28] << 24) | ((uint32_t)h[29] << 16) | ((uint32_t)h[30] << 8) | h[31];
    return mcx_key_params_seal(key, id, &kp, date, h + 12, out, out_len) == MCX_OK;
}

/* Sign msg[0, sig_off) in place when its last payload is a 129-octet SIGN (RFC 6509 §4.3). */
static inline void sw_resign(const struct mcx_mikey_msg *m, uint8_t *msg, size_t len,
                             size_t sig_off)
{
    if (m->n == 0 || m->p[m->n - 1].type != MCX_MIKEY_PT_SIGN || sig_off == 0 ||
        len - sig_off != MCX_ECCSI_SIG_BYTES)
        return;
    if (mcx_eccsi_sign(sw_signer_for(m), msg, sig_off, msg + sig_off) != MCX_OK)
        abort();
}
#endif
