/*
 * services/kms/lib/https_client.c — minimal HTTPS client (https_client.h).
 */
#include "https_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mcxsec/util.h"

int kms_url_parse(const char *url, struct kms_url *u)
{
    memset(u, 0, sizeof *u);
    if (strncmp(url, "https://", 8) != 0)
        return -1;
    const char *h = url + 8, *end = h + strcspn(h, "/"), *colon = NULL;
    if (*h == '[') { /* [v6]:port */
        const char *rb = memchr(h, ']', (size_t)(end - h));
        if (rb == NULL || (size_t)(rb - h - 1) >= sizeof u->host)
            return -1;
        memcpy(u->host, h + 1, (size_t)(rb - h - 1));
        colon = rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = memchr(h, ':', (size_t)(end - h));
        const char *he = colon ? colon : end;
        if (he == h || (size_t)(he - h) >= sizeof u->host)
            return -1;
        memcpy(u->host, h, (size_t)(he - h));
    }
    if (colon != NULL) {
        size_t pl = (size_t)(end - colon - 1);
        if (pl == 0 || pl >= sizeof u->port || strspn(colon + 1, "0123456789") < pl)
            return -1;
        memcpy(u->port, colon + 1, pl);
    } else {
        snprintf(u->port, sizeof u->port, "443");
    }
    size_t bl = strlen(end);
    while (bl > 0 && end[bl - 1] == '/')
        bl--;
    if (bl >= sizeof u->base)
        return -1;
    memcpy(u->base, end, bl);
    return 0;
}

mcx_err kms_https_ctx(const char *ca_file, SSL_CTX **ctx, char *err, size_t errlen)
{
    /* A peer that closes a connection must not kill the client with SIGPIPE (OpenSSL writes with
     * write(2)); the error comes back from SSL_write instead. */
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX *c = SSL_CTX_new(TLS_client_method());
    *ctx = NULL;
    if (c == NULL)
        return MCX_ERR_INTERNAL;
    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
    /* libmicrohttpd may close without close_notify; truncation is caught by Content-Length. */
    SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_load_verify_locations(c, ca_file, NULL) != 1) {
        snprintf(err, errlen, "cannot load CA file %s", ca_file);
        SSL_CTX_free(c);
        return MCX_ERR_IO;
    }
    *ctx = c;
    return MCX_OK;
}

static int tcp_connect(const struct kms_url *u, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int r = getaddrinfo(u->host, u->port, &hints, &res);
    if (r != 0) {
        snprintf(err, errlen, "%s: %s", u->host, gai_strerror(r));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a != NULL; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct timeval tv = {30, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot connect to %s:%s", u->host, u->port);
    return fd;
}

static int write_all(SSL *s, const char *p, size_t n)
{
    while (n > 0) {
        int w = SSL_write(s, p, n > 65536 ? 65536 : (int)n);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

void kms_https_close(struct kms_https_conn *c)
{
    if (c == NULL || !c->open)
        return;
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
    close(c->fd);
    c->ssl = NULL;
    c->fd = -1;
    c->open = 0;
}

static mcx_err conn_open(SSL_CTX *ctx, const struct kms_url *u, struct kms_https_conn *c, char *err,
                         size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->fd = tcp_connect(u, err, errlen);
    if (c->fd < 0)
        return MCX_ERR_IO;
    c->ssl = SSL_new(ctx);
    if (c->ssl == NULL) {
        close(c->fd);
        return MCX_ERR_NOMEM;
    }
    SSL_set_fd(c->ssl, c->fd);
    struct in6_addr a6;
    struct in_addr a4;
    if (inet_pton(AF_INET, u->host, &a4) == 1 || inet_pton(AF_INET6, u->host, &a6) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), u->host);
    } else {
        SSL_set_tlsext_host_name(c->ssl, u->host);
        SSL_set1_host(c->ssl, u->host);
    }
    if (SSL_connect(c->ssl) != 1) {
        long v = SSL_get_verify_result(c->ssl);
        snprintf(err, errlen, "TLS handshake with %s failed%s%s", u->host, v != X509_V_OK ? ": " : "",
                 v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
        SSL_free(c->ssl);
        close(c->fd);
        return MCX_ERR_VERIFY;
    }
    c->open = 1;
    return MCX_OK;
}

/* Grow buf to hold at least need + 1 octets (old contents wiped). */
static int grow(char **buf, size_t *cap, size_t n, size_t need)
{
    if (need + 1 <= *cap)
        return 0;
    if (need > KMS_HTTP_MAX_RESPONSE)
        return -1;
    size_t nc = *cap ? *cap : 16384;
    while (nc < need + 1)
        nc *= 2;
    char *nb = malloc(nc);
    if (nb == NULL)
        return -1;
    if (*buf != NULL) {
        memcpy(nb, *buf, n);
        mcx_wipe(*buf, *cap);
        free(*buf);
    }
    *buf = nb;
    *cap = nc;
    return 0;
}

static mcx_err post_once(SSL_CTX *ctx, const struct kms_url *u, struct kms_https_conn *c, int keep,
                         const char *path, const char *bearer, const char *body, size_t body_len,
                         unsigned *status, char **resp, size_t *resp_len, char *err, size_t errlen,
                         int *retryable)
{
    mcx_err rc = MCX_ERR_IO;
    char *buf = NULL, *hdr = NULL;
    size_t n = 0, cap = 0, body_off = 0, want = 0;
    int have_cl = 0;
    unsigned code = 0;
    *retryable = 0;
    if (!c->open) {
        if ((rc = conn_open(ctx, u, c, err, errlen)) != MCX_OK)
            return rc;
    } else {
        *retryable = 1; /* a kept-alive connection the server may have closed meanwhile */
    }
    size_t hcap = 1024 + strlen(path) + strlen(u->base) + (bearer ? strlen(bearer) : 0);
    hdr = malloc(hcap);
    if (hdr == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    int hl = snprintf(hdr, hcap,
                      "POST %s%s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: mcxsec\r\n"
                      "Content-Type: application/xml\r\nContent-Length: %zu\r\nConnection: %s\r\n"
                      "%s%s%s\r\n",
                      u->base, path, u->host, u->port, body_len, keep ? "keep-alive" : "close",
                      bearer ? "Authorization: Bearer " : "", bearer ? bearer : "", bearer ? "\r\n" : "");
    if (hl < 0 || (size_t)hl >= hcap) {
        snprintf(err, errlen, "request too large");
        goto out;
    }
    {
        /* one TLS record for header and body: no Nagle / delayed-ACK stall between them */
        char *msg = malloc((size_t)hl + body_len);
        int wr = -1;
        if (msg != NULL) {
            memcpy(msg, hdr, (size_t)hl);
            if (body_len > 0)
                memcpy(msg + hl, body, body_len);
            wr = write_all(c->ssl, msg, (size_t)hl + body_len);
            mcx_wipe(msg, (size_t)hl + body_len);
            free(msg);
        }
        if (wr != 0) {
            snprintf(err, errlen, "sending the request failed");
            goto out;
        }
    }
    /* Read the status line and headers, then exactly Content-Length octets (or to EOF). */
    for (;;) {
        if (grow(&buf, &cap, n, n + 4096) != 0) {
            snprintf(err, errlen, "response larger than %d octets", KMS_HTTP_MAX_RESPONSE);
            rc = MCX_ERR_LIMIT;
            goto out;
        }
        if (body_off != 0 && have_cl && n >= body_off + want)
            break;
        int r = SSL_read(c->ssl, buf + n, 4096);
        if (r <= 0) {
            if (body_off != 0 && !have_cl)
                break; /* body delimited by the end of the connection */
            snprintf(err, errlen, n == 0 ? "connection closed by the server" : "truncated HTTP response");
            rc = MCX_ERR_DECODE;
            goto out;
        }
        *retryable = 0;
        n += (size_t)r;
        buf[n] = '\0';
        if (body_off == 0) {
            char *eoh = strstr(buf, "\r\n\r\n");
            if (eoh == NULL)
                continue;
            if (n < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || sscanf(buf + 9, "%3u", &code) != 1) {
                snprintf(err, errlen, "malformed HTTP response");
                rc = MCX_ERR_DECODE;
                goto out;
            }
            body_off = (size_t)(eoh + 4 - buf);
            for (char *line = strstr(buf, "\r\n") + 2; line < eoh; line = strstr(line, "\r\n") + 2) {
                if (strncasecmp(line, "Content-Length:", 15) == 0) {
                    want = (size_t)strtoull(line + 15, NULL, 10);
                    have_cl = 1;
                } else if (strncasecmp(line, "Connection:", 11) == 0 && strstr(line, "close") != NULL &&
                           strstr(line, "close") < strstr(line, "\r\n")) {
                    keep = 0;
                }
            }
            if (have_cl && want > KMS_HTTP_MAX_RESPONSE) {
                snprintf(err, errlen, "response too large");
                rc = MCX_ERR_LIMIT;
                goto out;
            }
        }
    }
    size_t blen = have_cl ? want : n - body_off;
    if (have_cl && n != body_off + want) {
        snprintf(err, errlen, "malformed HTTP response (extra data)");
        rc = MCX_ERR_DECODE;
        goto out;
    }
    char *out = malloc(blen + 1);
    if (out == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    memcpy(out, buf + body_off, blen);
    out[blen] = '\0';
    *resp = out;
    *resp_len = blen;
    *status = code;
    rc = MCX_OK;
out:
    if (buf != NULL) {
        mcx_wipe(buf, cap);
        free(buf);
    }
    if (hdr != NULL) {
        mcx_wipe(hdr, strlen(hdr));
        free(hdr);
    }
    if (rc != MCX_OK || !keep || !have_cl)
        kms_https_close(c);
    return rc;
}

mcx_err kms_https_post(SSL_CTX *ctx, const struct kms_url *u, struct kms_https_conn *conn, const char *path,
                       const char *bearer, const char *body, size_t body_len, unsigned *status, char **resp,
                       size_t *resp_len, char *err, size_t errlen)
{
    struct kms_https_conn local;
    int retry = 0;
    *resp = NULL;
    *resp_len = 0;
    *status = 0;
    if (conn == NULL) {
        memset(&local, 0, sizeof local);
        mcx_err rc = post_once(ctx, u, &local, 0, path, bearer, body, body_len, status, resp, resp_len, err,
                               errlen, &retry);
        kms_https_close(&local);
        return rc;
    }
    mcx_err rc = post_once(ctx, u, conn, 1, path, bearer, body, body_len, status, resp, resp_len, err, errlen,
                           &retry);
    if (rc != MCX_OK && retry) /* the server closed an idle kept-alive connection: once more, fresh */
        rc = post_once(ctx, u, conn, 1, path, bearer, body, body_len, status, resp, resp_len, err, errlen, &retry);
    return rc;
}
