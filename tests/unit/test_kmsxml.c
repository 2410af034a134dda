/*
 * Unit tests for the TS 33.180 Annex D key documents (src/codec/kms_xml.c): golden files built from
 * the Streamwide v5 KMS data (tests/vectors/streamwide_v5.txt), wrapped forms, byte-exact writing,
 * dateTime conversion, and the malformed siblings (namespace, order, missing elements, hex,
 * lengths, DOCTYPE / entity attacks, oversize).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/kmsxml.h"
#include "mcxsec/util.h"

static char *load(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/kmsxml/%s", MCX_VECTOR_DIR, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void unhex(const char *hex, uint8_t *out, size_t n)
{
    assert_int_equal(strlen(hex), 2 * n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static const char SW_KPAK[] =
    "0448f9c2c48b50735f6bc70ec6691073243f1e0bd83cc73bb936d61ffcb2d6049a5b297e82"
    "05b29fbd8591cb582d6402add21451ce4beebeaaa7520e93b11cf28f";
static const char ALICE_SSK[] = "a1be54a56c7905c06abd2be177fc0c137a32278c9067550b0f0d93fb630d2428";
static const char ALICE_UID[] = "b5c452309219da6a3d805615548d6c1b0f4de45a6b48fb13d9a24d857fc03dc4";
static const char GMS_SSK[] = "2e7237faa18a874b88d955199dea974b7d0fefcbbae1946baf659b26a4d05a5e";

static void check_sw_cert(const struct mcx_kms_cert *c)
{
    uint8_t kpak[65];
    unhex(SW_KPAK, kpak, sizeof kpak);
    assert_string_equal(c->kms_uri, "kms.mydev.streamwide.com");
    assert_string_equal(c->user_id_format, "2");
    assert_int_equal(c->user_key_period, 16777215);
    assert_int_equal(c->user_key_offset, 0);
    assert_memory_equal(c->pub_auth_key, kpak, 65);
    assert_int_equal(c->pub_enc_key[0], 0x04);
    assert_int_equal(c->pub_enc_key[1], 0x6f);
    assert_int_equal(c->pub_enc_key[256], 0xb6);
    assert_int_equal(c->parameter_set, 1);
    assert_int_equal(c->role, MCX_KMS_ROLE_ROOT);
    assert_int_equal(c->is_security_gateway, -1);
    assert_true(c->valid_from == INT64_MIN);
    assert_int_equal(c->n_domains, 0);
}

static void test_cert_standalone_roundtrip(void **state)
{
    (void)state;
    size_t len;
    char *xml = load("sw_cert.xml", &len);
    struct mcx_kms_cert c;
    assert_int_equal(mcx_kmsxml_read_cert(xml, len, &c), MCX_OK);
    check_sw_cert(&c);
    assert_string_equal(c.version, "1.0.0");
    char *out = NULL;
    size_t out_len = 0;
    assert_int_equal(mcx_kmsxml_write_cert(&c, &out, &out_len), MCX_OK);
    /* the writer reproduces the golden file byte for byte */
    assert_int_equal(out_len, len);
    assert_memory_equal(out, xml, len);
    mcx_kmsxml_free(out, out_len);
    free(xml);
}

static void test_cert_in_response(void **state)
{
    (void)state;
    size_t len;
    char *xml = load("sw_response_init.xml", &len);
    struct mcx_kms_cert c;
    assert_int_equal(mcx_kmsxml_read_cert(xml, len, &c), MCX_OK);
    check_sw_cert(&c);
    struct mcx_kms_cert many[3];
    size_t n = 3;
    uint64_t cache = 99;
    assert_int_equal(mcx_kmsxml_read_certs(xml, len, many, &n, &cache), MCX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cache, 0);
    /* the key-provisioning response carries no certificate */
    struct mcx_kms_keyset ks[1];
    size_t nk = 1;
    assert_int_equal(mcx_kmsxml_read_keysets(xml, len, ks, &nk), MCX_OK);
    assert_int_equal(nk, 0);
    free(xml);
    xml = load("sw_response_keyprov.xml", &len);
    assert_int_equal(mcx_kmsxml_read_cert(xml, len, &c), MCX_ERR_NOT_FOUND);
    free(xml);
}

static void test_keyset_standalone_roundtrip(void **state)
{
    (void)state;
    static const char *const names[] = {"sw_keyset_gms.xml", "sw_keyset_alice.xml",
                                        "sw_keyset_bob.xml"};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *xml = load(names[i], &len);
        struct mcx_kms_keyset k;
        size_t n = 1;
        assert_int_equal(mcx_kmsxml_read_keysets(xml, len, &k, &n), MCX_OK);
        assert_int_equal(n, 1);
        assert_int_equal(k.key_period_no, 236);
        assert_string_equal(k.kms_uri, "kms.mydev.streamwide.com");
        assert_int_equal(k.rsk[0], 0x04);
        assert_int_equal(k.pvt[0], 0x04);
        char *out = NULL;
        size_t out_len = 0;
        assert_int_equal(mcx_kmsxml_write_keyset(&k, &out, &out_len), MCX_OK);
        assert_int_equal(out_len, len);
        assert_memory_equal(out, xml, len);
        mcx_kmsxml_free(out, out_len);
        mcx_wipe(&k, sizeof k);
        free(xml);
    }
}

static void test_keyset_in_response(void **state)
{
    (void)state;
    size_t len;
    char *xml = load("sw_response_keyprov.xml", &len);
    struct mcx_kms_keyset k[2];
    size_t n = 2;
    assert_int_equal(mcx_kmsxml_read_keysets(xml, len, k, &n), MCX_OK);
    assert_int_equal(n, 2);
    uint8_t ssk[32], uid[32];
    assert_string_equal(k[0].user_uri, "gms@streamwide.com");
    unhex(GMS_SSK, ssk, 32);
    assert_memory_equal(k[0].ssk, ssk, 32);     /* upper-case hex accepted */
    assert_true(k[0].valid_from == 1475007995); /* 2016-09-27T20:26:35Z */
    assert_true(k[0].valid_to == 1495816589);   /* 2017-05-26T16:36:29Z */
    assert_string_equal(k[1].user_uri, "sip:alice@streamwide.com");
    unhex(ALICE_SSK, ssk, 32);
    unhex(ALICE_UID, uid, 32);
    assert_memory_equal(k[1].ssk, ssk, 32);
    assert_memory_equal(k[1].user_id, uid, 32); /* base64 UserID accepted */
    /* capacity too small: the count needed is reported and nothing secret is left */
    n = 1;
    assert_int_equal(mcx_kmsxml_read_keysets(xml, len, k, &n), MCX_ERR_BUFFER_SMALL);
    assert_int_equal(n, 2);
    uint8_t zero[32] = {0};
    assert_memory_equal(k[0].ssk, zero, 32);
    mcx_wipe(k, sizeof k);
    free(xml);
}

static void test_write_options(void **state)
{
    (void)state;
    struct mcx_kms_cert c;
    mcx_kms_cert_init(&c);
    assert_string_equal(c.version, "1.0.0");
    assert_string_equal(c.user_id_format, "2");
    memcpy(c.kms_uri, "kms.example.org", 16);
    memcpy(c.issuer, "A & B <KMS>", 12);
    memcpy(c.cert_uri, "urn:cert:1", 11);
    c.role = MCX_KMS_ROLE_EXTERNAL;
    c.is_security_gateway = 1;
    c.valid_from = 0;
    c.valid_to = 4102444800; /* 2100-01-01 */
    c.revoked = 1;
    c.user_key_period = 2592000;
    c.user_key_offset = 100;
    c.pub_enc_key[0] = 4;
    c.pub_auth_key[0] = 4;
    c.n_domains = 2;
    memcpy(c.domains[0], "kms.a.example", 14);
    memcpy(c.domains[1], "kms.b.example", 14);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(mcx_kmsxml_write_cert(&c, &out, &len), MCX_OK);
    assert_non_null(strstr(out, "<Issuer>A &amp; B &lt;KMS&gt;</Issuer>"));
    assert_non_null(strstr(out, "<ValidFrom>1970-01-01T00:00:00Z</ValidFrom>"));
    assert_non_null(strstr(out, "<ValidTo>2100-01-01T00:00:00Z</ValidTo>"));
    assert_non_null(strstr(out, "Role=\"External\" IsSecurityGateway=\"true\""));
    struct mcx_kms_cert d;
    assert_int_equal(mcx_kmsxml_read_cert(out, len, &d), MCX_OK);
    assert_string_equal(d.issuer, "A & B <KMS>");
    assert_string_equal(d.cert_uri, "urn:cert:1");
    assert_int_equal(d.role, MCX_KMS_ROLE_EXTERNAL);
    assert_int_equal(d.is_security_gateway, 1);
    assert_true(d.valid_from == 0 && d.valid_to == 4102444800);
    assert_int_equal(d.revoked, 1);
    assert_int_equal(d.user_key_offset, 100);
    assert_int_equal(d.n_domains, 2);
    assert_string_equal(d.domains[1], "kms.b.example");
    assert_memory_equal(&d.pub_enc_key, &c.pub_enc_key, sizeof c.pub_enc_key);
    mcx_kmsxml_free(out, len);
    /* control characters cannot be written; a missing KmsUri is refused */
    c.issuer[0] = '\x01';
    assert_int_equal(mcx_kmsxml_write_cert(&c, &out, &len), MCX_ERR_ARG);
    c.issuer[0] = 'A';
    c.kms_uri[0] = '\0';
    assert_int_equal(mcx_kmsxml_write_cert(&c, &out, &len), MCX_ERR_ARG);
    mcx_kmsxml_free(NULL, 0);
}

static const char CERT_HEAD[] =
    "<KmsCertificate xmlns=\"urn:3gpp:ns:mcsecKMSInterface:1.0\"><KmsUri>k</KmsUri>";
static const char CERT_TAIL[] = "<UserIdFormat>2</UserIdFormat><UserKeyPeriod>10</UserKeyPeriod>"
                                "<UserKeyOffset>0</UserKeyOffset><PubEncKey>04%0512d</PubEncKey>"
                                "<PubAuthKey>04%0128d</PubAuthKey></KmsCertificate>";

/* A minimal certificate with `mid` inserted after KmsUri (for dateTime cases). */
static mcx_err cert_with(const char *mid, struct mcx_kms_cert *c)
{
    char tail[1024], doc[2048];
    snprintf(tail, sizeof tail, CERT_TAIL, 0, 0);
    snprintf(doc, sizeof doc, "%s%s%s", CERT_HEAD, mid, tail);
    return mcx_kmsxml_read_cert(doc, strlen(doc), c);
}

static void test_datetime(void **state)
{
    (void)state;
    struct mcx_kms_cert c;
    assert_int_equal(cert_with("", &c), MCX_OK);
    assert_int_equal(cert_with("<ValidFrom>2025-10-03T12:00:00Z</ValidFrom>", &c), MCX_OK);
    assert_true(c.valid_from == 1759492800);
    assert_int_equal(cert_with("<ValidFrom>2025-10-03T14:00:00+02:00</ValidFrom>", &c), MCX_OK);
    assert_true(c.valid_from == 1759492800);
    assert_int_equal(cert_with("<ValidFrom> 2025-10-03T12:00:00.123 </ValidFrom>", &c), MCX_OK);
    assert_true(c.valid_from == 1759492800);
    assert_int_equal(cert_with("<ValidFrom>2024-02-29T00:00:00Z</ValidFrom>", &c), MCX_OK);
    assert_true(c.valid_from == 1709164800);
    assert_int_equal(cert_with("<ValidFrom>1900-01-01T00:00:00Z</ValidFrom>", &c), MCX_OK);
    assert_true(c.valid_from == -(int64_t)2208988800LL);
    static const char *const bad[] = {
        "<ValidFrom>2023-02-29T00:00:00Z</ValidFrom>",
        "<ValidFrom>2025-13-01T00:00:00Z</ValidFrom>",
        "<ValidFrom>2025-10-03 12:00:00Z</ValidFrom>",
        "<ValidFrom>2025-10-03T12:00:60Z</ValidFrom>",
        "<ValidFrom>2025-10-03T12:00:00ZZ</ValidFrom>",
        "<ValidFrom>2025-10-03T12:00:00.</ValidFrom>",
        "<ValidFrom>2025-10-03T12:00:00+2:00</ValidFrom>",
        "<ValidFrom></ValidFrom>",
        "<Revoked>yes</Revoked>",
        "<ValidFrom>x<b/>y</ValidFrom>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mcx_err rc = cert_with(bad[i], &c);
        if (rc != MCX_ERR_XML)
            fail_msg("accepted %s (%d)", bad[i], (int)rc);
    }
    /* formatting: negative times and far dates */
    struct mcx_kms_keyset k;
    mcx_kms_keyset_init(&k);
    memcpy(k.kms_uri, "k", 2);
    memcpy(k.user_uri, "sip:a@b", 8);
    k.valid_from = -1;
    k.valid_to = 253402300799LL;
    char *out;
    size_t len;
    assert_int_equal(mcx_kmsxml_write_keyset(&k, &out, &len), MCX_OK);
    assert_non_null(strstr(out, "<ValidFrom>1969-12-31T23:59:59Z</ValidFrom>"));
    assert_non_null(strstr(out, "<ValidTo>9999-12-31T23:59:59Z</ValidTo>"));
    struct mcx_kms_keyset k2;
    size_t n = 1;
    assert_int_equal(mcx_kmsxml_read_keysets(out, len, &k2, &n), MCX_OK);
    assert_true(k2.valid_from == -1 && k2.valid_to == 253402300799LL);
    mcx_kmsxml_free(out, len);
    k.valid_to = 253402300800LL;
    assert_int_equal(mcx_kmsxml_write_keyset(&k, &out, &len), MCX_ERR_ARG);
}

static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int keyset;
        mcx_err want;
    } cases[] = {
        {"bad_wrong_ns.xml", 0, MCX_ERR_XML},
        {"bad_missing_pubauth.xml", 0, MCX_ERR_XML},
        {"bad_missing_ssk.xml", 1, MCX_ERR_XML},
        {"bad_hex.xml", 1, MCX_ERR_XML},
        {"bad_hex_odd.xml", 1, MCX_ERR_XML},
        {"bad_pvt_length.xml", 1, MCX_ERR_XML},
        {"bad_enc_length.xml", 0, MCX_ERR_XML},
        {"bad_order.xml", 0, MCX_ERR_XML},
        {"bad_duplicate.xml", 0, MCX_ERR_XML},
        {"bad_unknown_elem.xml", 0, MCX_ERR_XML},
        {"bad_period.xml", 0, MCX_ERR_XML},
        {"bad_time.xml", 1, MCX_ERR_XML},
        {"bad_role.xml", 0, MCX_ERR_XML},
        {"bad_not_wellformed.xml", 0, MCX_ERR_XML},
        {"bad_text_in_seq.xml", 0, MCX_ERR_XML},
        {"bad_billion_laughs.xml", 0, MCX_ERR_XML},
        {"bad_external_entity.xml", 0, MCX_ERR_XML},
        {"bad_undeclared_entity.xml", 0, MCX_ERR_XML},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *xml = load(cases[i].file, &len);
        mcx_err rc;
        if (cases[i].keyset) {
            struct mcx_kms_keyset k[2];
            memset(k, 0xAA, sizeof k);
            size_t n = 2;
            rc = mcx_kmsxml_read_keysets(xml, len, k, &n);
            /* nothing secret left behind on error */
            uint8_t zero[MCX_SAKKE_POINT_BYTES] = {0};
            assert_memory_equal(k[0].rsk, zero, sizeof k[0].rsk);
            assert_memory_equal(k[0].ssk, zero, sizeof k[0].ssk);
            assert_int_equal(n, 0);
        } else {
            struct mcx_kms_cert c;
            rc = mcx_kmsxml_read_cert(xml, len, &c);
        }
        if (rc != cases[i].want)
            fail_msg("%s: got %d, want %d", cases[i].file, (int)rc, (int)cases[i].want);
        free(xml);
    }
}

static void test_entities_without_precheck(void **state)
{
    (void)state;
    /* A DOCTYPE in UTF-16 evades the ASCII pre-check; the parsed-tree check must still refuse it.
     * The certificate itself is the valid golden one, so only the DOCTYPE can be the reason. */
    size_t len;
    char *cert = load("sw_cert.xml", &len);
    const char *body = strchr(cert, '\n') + 1;
    char ascii[4096];
    for (int with_doctype = 0; with_doctype <= 1; with_doctype++) {
        snprintf(ascii, sizeof ascii, "<?xml version=\"1.0\" encoding=\"UTF-16\"?>%s%s",
                 with_doctype ? "<!DOCTYPE x [<!ENTITY a \"b\">]>" : "", body);
        size_t n = strlen(ascii);
        char *u16 = calloc(2 * n + 2, 1);
        assert_non_null(u16);
        u16[0] = (char)0xFF;
        u16[1] = (char)0xFE;
        for (size_t i = 0; i < n; i++)
            u16[2 + 2 * i] = ascii[i];
        struct mcx_kms_cert c;
        assert_int_equal(mcx_kmsxml_read_cert(u16, 2 * n + 2, &c),
                         with_doctype ? MCX_ERR_XML : MCX_OK);
        free(u16);
    }
    free(cert);
}

static void test_limits_and_args(void **state)
{
    (void)state;
    struct mcx_kms_cert c;
    size_t big = MCX_KMSXML_MAX_BYTES + 1;
    char *doc = malloc(big);
    assert_non_null(doc);
    memset(doc, ' ', big);
    assert_int_equal(mcx_kmsxml_read_cert(doc, big, &c), MCX_ERR_LIMIT);
    free(doc);
    assert_int_equal(mcx_kmsxml_read_cert(NULL, 0, &c), MCX_ERR_ARG);
    assert_int_equal(mcx_kmsxml_read_cert("", 0, &c), MCX_ERR_XML);
    static const char other[] = "<foo xmlns=\"urn:x\"/>";
    assert_int_equal(mcx_kmsxml_read_cert(other, strlen(other), &c), MCX_ERR_XML);
    static const char err[] = "<KmsResponse xmlns=\"urn:3gpp:ns:mcsecKMSInterface:1.0\"><KmsError>"
                              "<ErrorCode>1</ErrorCode></KmsError></KmsResponse>";
    assert_int_equal(mcx_kmsxml_read_cert(err, strlen(err), &c), MCX_ERR_NOT_FOUND);
    /* xsi:type EncKeyContentType (TrK-wrapped keys) is recognised but not handled */
    size_t len;
    char *xml = load("sw_keyset_alice.xml", &len);
    char *p = strstr(xml, "<UserDecryptKey>");
    assert_non_null(p);
    char mod[70000];
    snprintf(mod, sizeof mod,
             "%.*s<UserDecryptKey xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
             "xsi:type=\"EncKeyContentType\">%s",
             (int)(p - xml), xml, p + strlen("<UserDecryptKey>"));
    struct mcx_kms_keyset k;
    size_t n = 1;
    assert_int_equal(mcx_kmsxml_read_keysets(mod, strlen(mod), &k, &n), MCX_ERR_UNSUPPORTED);
    mcx_wipe(mod, sizeof mod);
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_standalone_roundtrip),
        cmocka_unit_test(test_cert_in_response),
        cmocka_unit_test(test_keyset_standalone_roundtrip),
        cmocka_unit_test(test_keyset_in_response),
        cmocka_unit_test(test_write_options),
        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_entities_without_precheck),
        cmocka_unit_test(test_limits_and_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
