/*
 * services/kms/lib/https_client.h — a minimal HTTPS POST client on OpenSSL for the KMS client
 * tools and benchmarks (no HTTP client library is in the dependency set): TLS 1.2+ with the server
 * certificate verified against a CA file and the host name / IP checked, one request per
 * connection (Connection: close), response size capped, Content-Length enforced when present.
 */
#ifndef MCX_KMS_HTTPS_CLIENT_H
#define MCX_KMS_HTTPS_CLIENT_H
#include <openssl/ssl.h>
#include <stddef.h>

#include "mcxsec/err.h"

#define KMS_HTTP_MAX_RESPONSE (4 * 1024 * 1024)

struct kms_url {
    char host[256];
    char port[8];
    char base[512]; /* path prefix without a trailing '/', may be "" */
};

/** Parse "https://host[:port][/base]". -1 on error (only https is accepted). */
int kms_url_parse(const char *url, struct kms_url *u);

/** A client TLS context trusting only ca_file. */
mcx_err kms_https_ctx(const char *ca_file, SSL_CTX **ctx, char *err, size_t errlen);

/** A kept-alive connection (zero-initialise; closed by kms_https_close). */
struct kms_https_conn {
    SSL *ssl;
    int fd;
    int open;
};
void kms_https_close(struct kms_https_conn *c);

/** POST body to base + path. *resp is malloc'd (NUL-terminated); free it (wipe: it may hold keys).
 *  conn NULL: one connection for this request (Connection: close); otherwise the connection is
 *  reused (HTTP keep-alive) and reopened when needed. */
mcx_err kms_https_post(SSL_CTX *ctx, const struct kms_url *u, struct kms_https_conn *conn,
                       const char *path, const char *bearer, const char *body, size_t body_len,
                       unsigned *status, char **resp, size_t *resp_len, char *err, size_t errlen);

#endif
