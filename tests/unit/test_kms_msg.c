/*
 * Unit tests of the Annex D envelopes (src/codec/kms_msg.c): KmsRequest parse / write round trip,
 * every malformed-input refusal (namespace, Version, element order, missing or repeated fields, bad
 * Time, text between elements, DTD / internal entities / external entities, oversize), and the
 * KmsResponse writer + reader for KmsInit, KmsKeyProv, KmsCertCache and KmsError.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/kmsmsg.h"

#define NSA "xmlns=\"urn:3gpp:ns:mcsecKMSInterface:1.0\""
#define REQ_HEAD "<KmsRequest " NSA " Version=\"1.1.0\">"
#define GOOD                                                                                       \
    REQ_HEAD "<UserUri>sip:alice@example.org</UserUri><KmsUri>kms.example.org</KmsUri>"          \
             "<Time>2014-02-23T08:39:14Z</Time><ClientId>c1</ClientId>"                          \
             "<ClientReqUrl>https://kms.example.org/keymanagement/identity/v1/init</ClientReqUrl>" \
             "</KmsRequest>"

static mcx_err rd(const char *x)
{
    struct mcx_kms_request r;
    return mcx_kmsmsg_read_request(x, strlen(x), &r);
}

static void test_request_ok(void **state)
{
    (void)state;
    struct mcx_kms_request r, r2;
    assert_int_equal(mcx_kmsmsg_read_request(GOOD, strlen(GOOD), &r), MCX_OK);
    assert_string_equal(r.user_uri, "sip:alice@example.org");
    assert_string_equal(r.kms_uri, "kms.example.org");
    assert_string_equal(r.client_id, "c1");
    /* 2014-02-23T08:39:14Z = NTP 0xD6B43232 (the Annex D example) - 2208988800 */
    assert_int_equal(r.time, 0xD6B43232LL - 2208988800LL);
    /* round trip, with a client error and an external-domain report */
    r.has_client_error = 1;
    r.client_error_code = 7;
    snprintf(r.client_error_msg, sizeof r.client_error_msg, "bad <key> & more");
    snprintf(r.external_domain_used, sizeof r.external_domain_used, "kms.partner.org");
    char *x = NULL;
    size_t n = 0;
    assert_int_equal(mcx_kmsmsg_write_request(&r, &x, &n), MCX_OK);
    assert_int_equal(mcx_kmsmsg_read_request(x, n, &r2), MCX_OK);
    assert_memory_equal(&r, &r2, sizeof r);
    mcx_kmsmsg_free(x, n);
    /* a time that cannot be written (year 10000) is refused, not written as something else */
    r.time = 253402300800LL;
    assert_int_equal(mcx_kmsmsg_write_request(&r, &x, &n), MCX_ERR_ARG);
}

static void test_request_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "<KmsRequest",
        "not xml at all",
        /* wrong namespace */
        "<KmsRequest xmlns=\"urn:other\" Version=\"1.1.0\"><UserUri>a</UserUri><KmsUri>k</KmsUri>"
        "<Time>2014-02-23T08:39:14Z</Time><ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* wrong Version */
        "<KmsRequest " NSA " Version=\"1.0.0\"><UserUri>a</UserUri><KmsUri>k</KmsUri>"
        "<Time>2014-02-23T08:39:14Z</Time><ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* out of order */
        REQ_HEAD "<KmsUri>k</KmsUri><UserUri>a</UserUri><Time>2014-02-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* missing ClientReqUrl */
        REQ_HEAD "<UserUri>a</UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time></KmsRequest>",
        /* repeated UserUri */
        REQ_HEAD "<UserUri>a</UserUri><UserUri>a</UserUri><KmsUri>k</KmsUri>"
                 "<Time>2014-02-23T08:39:14Z</Time><ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* empty UserUri */
        REQ_HEAD "<UserUri></UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* bad Time */
        REQ_HEAD "<UserUri>a</UserUri><KmsUri>k</KmsUri><Time>yesterday</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        REQ_HEAD "<UserUri>a</UserUri><KmsUri>k</KmsUri><Time>2014-13-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* text between elements */
        REQ_HEAD "junk<UserUri>a</UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* unknown Annex D element */
        REQ_HEAD "<UserUri>a</UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl><Bogus/></KmsRequest>",
        /* internal entity (billion laughs style) */
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
        REQ_HEAD "<UserUri>&b;</UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* external entity (XXE) */
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        REQ_HEAD "<UserUri>&x;</UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time>"
                 "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
        /* a bare DTD */
        "<?xml version=\"1.0\"?><!DOCTYPE KmsRequest SYSTEM \"http://evil.example/x.dtd\">" GOOD,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mcx_err e = rd(bad[i]);
        if (e == MCX_OK)
            fail_msg("case %zu accepted", i);
    }
    /* oversize */
    size_t big = MCX_KMSMSG_MAX_BYTES + 10;
    char *x = malloc(big + 1);
    assert_non_null(x);
    memset(x, ' ', big);
    memcpy(x, GOOD, strlen(GOOD));
    x[big] = '\0';
    struct mcx_kms_request r;
    assert_int_equal(mcx_kmsmsg_read_request(x, big, &r), MCX_ERR_LIMIT);
    free(x);
    /* a value longer than its field */
    char longuri[600];
    memset(longuri, 'a', sizeof longuri - 1);
    longuri[sizeof longuri - 1] = '\0';
    char doc[1200];
    snprintf(doc, sizeof doc,
             REQ_HEAD "<UserUri>%s</UserUri><KmsUri>k</KmsUri><Time>2014-02-23T08:39:14Z</Time>"
                      "<ClientReqUrl>u</ClientReqUrl></KmsRequest>",
             longuri);
    assert_int_equal(rd(doc), MCX_ERR_XML);
}

#define CERT_DOC "<?xml version=\"1.0\"?><KmsCertificate " NSA " Version=\"1.0.0\" Role=\"Root\">" \
                 "<KmsUri>kms.example.org</KmsUri><UserIdFormat>2</UserIdFormat></KmsCertificate>"
#define KEYSET_DOC "<KmsKeySet " NSA " Version=\"1.1.0\"><KmsUri>kms.example.org</KmsUri></KmsKeySet>"

static void test_response(void **state)
{
    (void)state;
    struct mcx_kms_response h, r;
    char *x = NULL;
    size_t n = 0;
    memset(&h, 0, sizeof h);
    snprintf(h.user_uri, sizeof h.user_uri, "sip:alice@example.org");
    snprintf(h.kms_uri, sizeof h.kms_uri, "kms.example.org");
    snprintf(h.client_req_url, sizeof h.client_req_url, "https://kms/keymanagement/identity/v1/init");
    h.time = 1392971354;
    const char *cert[1] = {CERT_DOC};
    size_t cl[1] = {strlen(CERT_DOC)};
    assert_int_equal(mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_INIT, cert, cl, 1, 0, &x, &n), MCX_OK);
    assert_non_null(strstr(x, "<KmsMessage><KmsInit Version=\"1.0.0\"><KmsCertificate"));
    /* one namespace declaration: the embedded document's redundant one is dropped */
    assert_non_null(strstr(x, "xmlns"));
    assert_null(strstr(strstr(x, "xmlns") + 5, "xmlns"));
    assert_int_equal(mcx_kmsmsg_read_response(x, n, &r), MCX_OK);
    assert_int_equal(r.kind, MCX_KMS_MSG_INIT);
    assert_int_equal(r.n_items, 1);
    assert_int_equal(r.time, h.time);
    assert_string_equal(r.user_uri, h.user_uri);
    mcx_kmsmsg_free(x, n);
    /* keyprov with two sets; a certificate where a key set belongs is refused */
    const char *ks[2] = {KEYSET_DOC, KEYSET_DOC};
    size_t kl[2] = {strlen(KEYSET_DOC), strlen(KEYSET_DOC)};
    assert_int_equal(mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_KEYPROV, ks, kl, 2, 0, &x, &n), MCX_OK);
    assert_int_equal(mcx_kmsmsg_read_response(x, n, &r), MCX_OK);
    assert_int_equal(r.kind, MCX_KMS_MSG_KEYPROV);
    assert_int_equal(r.n_items, 2);
    mcx_kmsmsg_free(x, n);
    assert_int_equal(mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_KEYPROV, cert, cl, 1, 0, &x, &n), MCX_ERR_XML);
    /* cert cache, empty, with CacheNum */
    assert_int_equal(mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_CERTCACHE, NULL, NULL, 0, 42, &x, &n), MCX_OK);
    assert_int_equal(mcx_kmsmsg_read_response(x, n, &r), MCX_OK);
    assert_int_equal(r.kind, MCX_KMS_MSG_CERTCACHE);
    assert_int_equal(r.cache_num, 42);
    assert_int_equal(r.n_items, 0);
    mcx_kmsmsg_free(x, n);
    /* error */
    assert_int_equal(mcx_kmsmsg_write_error(&h, 403, "identity revoked", &x, &n), MCX_OK);
    assert_int_equal(mcx_kmsmsg_read_response(x, n, &r), MCX_OK);
    assert_int_equal(r.has_error, 1);
    assert_int_equal(r.error_code, 403);
    assert_string_equal(r.error_msg, "identity revoked");
    assert_int_equal(r.kind, MCX_KMS_MSG_NONE);
    mcx_kmsmsg_free(x, n);
    /* a response with neither message nor error, and one with a DTD, are refused */
    const char *empty = "<KmsResponse " NSA " Version=\"1.0.0\"><UserUri>a</UserUri><KmsUri>k</KmsUri>"
                        "<Time>2014-02-23T08:39:14Z</Time><ClientReqUrl>u</ClientReqUrl></KmsResponse>";
    assert_int_equal(mcx_kmsmsg_read_response(empty, strlen(empty), &r), MCX_ERR_XML);
    const char *dtd = "<!DOCTYPE x [<!ENTITY e \"e\">]><KmsResponse " NSA "/>";
    assert_int_equal(mcx_kmsmsg_read_response(dtd, strlen(dtd), &r), MCX_ERR_XML);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_ok),
        cmocka_unit_test(test_request_bad),
        cmocka_unit_test(test_response),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
