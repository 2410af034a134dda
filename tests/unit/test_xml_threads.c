/*
 * test_xml_threads — the Annex D codecs (TS 33.180 D.2, D.3; src/codec/kms_msg.c, kms_xml.c) used
 * for the first time from many threads at once. libxml2 initialises its global tables lazily, and
 * that is not thread-safe: without a one-time xmlInitParser first, concurrent first uses leak a
 * table (LeakSanitizer) or crash in xmlDocDumpMemoryEnc, as the KMS load test showed under ASan.
 * This program must be the process's first user of libxml2, hence a file of its own.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/kmsmsg.h"

#define THREADS 32

static pthread_barrier_t start;
static int failures;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;

static void *first_use(void *arg)
{
    (void)arg;
    struct mcx_kms_request r, back;
    char *xml = NULL;
    size_t len = 0;
    int ok = 0;
    memset(&r, 0, sizeof r);
    snprintf(r.user_uri, sizeof r.user_uri, "sip:user@example.org");
    snprintf(r.kms_uri, sizeof r.kms_uri, "kms.example.org");
    snprintf(r.client_req_url, sizeof r.client_req_url, "https://kms.example.org/keymanagement");
    r.time = 1700000000;
    pthread_barrier_wait(&start);
    if (mcx_kmsmsg_write_request(&r, &xml, &len) == MCX_OK &&
        mcx_kmsmsg_read_request(xml, len, &back) == MCX_OK)
        ok = strcmp(back.user_uri, r.user_uri) == 0 && back.time == r.time;
    free(xml);
    if (!ok) {
        pthread_mutex_lock(&failures_lock);
        failures++;
        pthread_mutex_unlock(&failures_lock);
    }
    return NULL;
}

static void test_concurrent_first_use(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, first_use, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&start);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_first_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
