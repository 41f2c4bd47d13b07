/* hostile-server: a deliberately broken HTTP server for authconform's robustness tests.
 *
 * Plain POSIX sockets (libmicrohttpd cannot produce broken protocol output), one detached thread
 * per connection, listening on 127.0.0.1 with a port the kernel picks. After listening it prints
 * one line, "listening on http://127.0.0.1:PORT" (https for --mode self-signed), to stdout.
 *
 *   hostile-server --mode MODE [--record FILE] [--cert-out FILE] [--lifetime SECONDS]
 *
 * Modes (every request of a connection gets the same treatment):
 *   ok                 200 "ok" (a baseline)
 *   huge-body          200 with Content-Length: 100 MiB, sent as fast as the client reads
 *   huge-body-chunked  200 with a chunked body of 100 MiB (no length known in advance)
 *   slow-body          200 without a length, then one byte every 100 ms, for ever
 *   reset-mid-body     Content-Length: 200000, 100000 bytes, then a TCP reset
 *   headers-then-reset a complete "431 Request Header Fields Too Large" status line and header
 *                      block (Content-Length: 64, no body byte), then a TCP reset (curl rc 56)
 *   headers-then-close a complete 431 status line and headers with Content-Length: 64, 10 body
 *                      bytes, then an orderly close (FIN: curl rc 18, partial file)
 *   reset-at-once      read the request, reset the connection without sending a byte
 *   bad-chunked        Transfer-Encoding: chunked with an invalid chunk size
 *   bad-bytes          invalid UTF-8, NUL, ESC, DEL, C1 controls, "]]>", "<script>" in the body
 *                      and (all but NUL) in a header value
 *   nul-header         a NUL byte inside a header value
 *   huge-header        one header line of 1 MiB
 *   many-headers       1 MiB of headers in 1 KiB lines
 *   redirect-other-host  302 to http://localhost:OTHER/landing; a second listener on OTHER
 *                      records whether an Authorization header arrived (it must not) and answers
 *                      200 "landed"
 *   redirect-loop      302 to /loop/N+1, for ever
 *   http10-close       HTTP/1.0 200 with a close-delimited body (legitimate)
 *   garbage-status     a status line that is not HTTP ("SSH-2.0-..."), then close
 *   no-response        read the request, close without answering
 *   silent             read the request, never answer (the client's timeout must fire)
 *   echo-secrets       401 echoing the request's Authorization header, request target, body and
 *                      url-decoded form fields, in the body (raw and JSON-escaped) and in headers
 *   self-signed        TLS with a certificate made at start (written to --cert-out), then "ok"
 *   plain-400          a 400 in answer to the first bytes of a connection, whatever they are (what
 *                      a plain HTTP server does with a TLS handshake)
 *
 * --record FILE appends one line per request: "main|other METHOD TARGET authorization=yes|no".
 * Header values are never recorded. --lifetime (default 600) ends the process, so a test that
 * dies cannot leave a server behind for long. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST_HEAD (256 * 1024)
#define MAX_REQUEST_BODY (1024 * 1024)
#define HUNDRED_MIB (100u * 1024 * 1024)

static const char *g_mode;
static const char *g_record;
static int g_other_port;
static SSL_CTX *g_tls;
static pthread_mutex_t g_record_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- connections: plain or TLS ------------------------------------------------------------ */

typedef struct conn {
    int fd;
    SSL *ssl;
    bool other;     /* accepted on the redirect target's listener */
} conn;

static bool conn_write(conn *c, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n;
        if (c->ssl) {
            int w = SSL_write(c->ssl, p, len > 1u << 30 ? 1 << 30 : (int)len);
            n = w > 0 ? w : -1;
        } else {
            n = send(c->fd, p, len, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
        }
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool conn_puts(conn *c, const char *s) { return conn_write(c, s, strlen(s)); }

static bool conn_printf(conn *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) return false;
    return conn_write(c, buf, (size_t)n);
}

static ssize_t conn_read(conn *c, void *buf, size_t len)
{
    if (c->ssl) {
        int r = SSL_read(c->ssl, buf, len > 1u << 30 ? 1 << 30 : (int)len);
        return r > 0 ? r : (r == 0 ? 0 : -1);
    }
    for (;;) {
        ssize_t n = recv(c->fd, buf, len, 0);
        if (n < 0 && errno == EINTR) continue;
        return n;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* ---- requests ----------------------------------------------------------------------------- */

typedef struct request {
    char *head;          /* request line and headers, NUL-terminated */
    size_t head_len;
    char *body;
    size_t body_len;
    char method[16];
    char target[2048];
} request;

static void request_free(request *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* A header's value (first occurrence, case-insensitive name), copied into out; false if absent. */
static bool header_value(const request *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = strstr(r->head, "\r\n");
    while (p && p[2]) {
        const char *line = p + 2;
        const char *eol = strstr(line, "\r\n");
        if (!eol) break;
        if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            size_t n = (size_t)(eol - v);
            if (n >= cap) n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        p = eol;
    }
    return false;
}

/* Reads one request (head and a Content-Length body). False on EOF or a malformed request. */
static bool read_request(conn *c, request *r)
{
    memset(r, 0, sizeof *r);
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return false;
    char *end = NULL;
    while (!end) {
        if (len == cap) {
            if (cap >= MAX_REQUEST_HEAD) { free(buf); return false; }
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) { free(buf); return false; }
            buf = nb;
        }
        ssize_t n = conn_read(c, buf + len, cap - len);
        if (n <= 0) { free(buf); return false; }
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head_len = (size_t)(end - buf) + 4;
    r->head = malloc(head_len + 1);
    if (!r->head) { free(buf); return false; }
    memcpy(r->head, buf, head_len);
    r->head[head_len] = '\0';
    r->head_len = head_len;
    sscanf(r->head, "%15s %2047s", r->method, r->target);
    char cl[32];
    size_t want = 0;
    if (header_value(r, "Content-Length", cl, sizeof cl)) want = strtoul(cl, NULL, 10);
    if (want > MAX_REQUEST_BODY) want = MAX_REQUEST_BODY;
    r->body = malloc(want + 1);
    if (!r->body) { free(buf); return false; }
    size_t have = len - head_len < want ? len - head_len : want;
    memcpy(r->body, buf + head_len, have);
    free(buf);
    while (have < want) {
        ssize_t n = conn_read(c, r->body + have, want - have);
        if (n <= 0) break;
        have += (size_t)n;
    }
    r->body[have] = '\0';
    r->body_len = have;
    return true;
}

static void record(const conn *c, const request *r)
{
    if (!g_record) return;
    char auth[8];
    bool has_auth = header_value(r, "Authorization", auth, sizeof auth);
    pthread_mutex_lock(&g_record_lock);
    FILE *f = fopen(g_record, "a");
    if (f) {
        fprintf(f, "%s %s ", c->other ? "other" : "main", r->method);
        for (const char *p = r->target; *p; p++) fputc((unsigned char)*p > 32 && *p != 127 ? *p : '?', f);
        fprintf(f, " authorization=%s\n", has_auth ? "yes" : "no");
        fclose(f);
    }
    pthread_mutex_unlock(&g_record_lock);
}

/* ---- text helpers for echo-secrets --------------------------------------------------------- */

typedef struct sbuf { char *p; size_t len, cap; } sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n + 1) nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) abort();
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_json_string(sbuf *b, const char *s, size_t n)
{
    sb_puts(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char tmp[8];
        if (ch == '"') sb_puts(b, "\\\"");
        else if (ch == '\\') sb_puts(b, "\\\\");
        else if (ch < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", ch);
            sb_puts(b, tmp);
        } else sb_add(b, (const char *)&ch, 1);
    }
    sb_puts(b, "\"");
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* x-www-form-urlencoded decoding of s[0..n) into a new string. */
static char *form_decode(const char *s, size_t n, size_t *out_len)
{
    char *o = malloc(n + 1);
    if (!o) abort();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') o[k++] = ' ';
        else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            o[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else o[k++] = s[i];
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

/* Appends "name": "value" pairs of a form-encoded string as a JSON object. */
static void sb_form_as_json(sbuf *b, const char *s, size_t n)
{
    sb_puts(b, "{");
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '&') j++;
        const char *eq = memchr(s + i, '=', j - i);
        size_t kl = eq ? (size_t)(eq - (s + i)) : j - i;
        size_t dk, dv;
        char *k = form_decode(s + i, kl, &dk);
        char *v = eq ? form_decode(eq + 1, (size_t)(s + j - eq - 1), &dv) : (dv = 0, calloc(1, 1));
        if (!first) sb_puts(b, ",");
        first = false;
        sb_json_string(b, k, dk);
        sb_puts(b, ":");
        sb_json_string(b, v, dv);
        free(k);
        free(v);
        i = j + 1;
    }
    sb_puts(b, "}");
}

/* A header-safe copy: CR, LF and NUL become spaces. */
static char *header_safe(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    if (!o) abort();
    for (size_t i = 0; i < n; i++) o[i] = (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') ? ' ' : s[i];
    o[n] = '\0';
    return o;
}

/* ---- the modes ------------------------------------------------------------------------------ */

static void send_simple(conn *c, int status, const char *reason, const char *ctype, const char *body)
{
    conn_printf(c, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", status, reason,
                ctype, strlen(body));
    conn_puts(c, body);
}

static bool send_filler(conn *c, size_t total)
{
    static char block[65536];
    if (!block[0]) memset(block, 'a', sizeof block);
    while (total > 0) {
        size_t n = total < sizeof block ? total : sizeof block;
        if (!conn_write(c, block, n)) return false;
        total -= n;
    }
    return true;
}

static void mode_echo(conn *c, const request *r)
{
    char *auth = malloc(MAX_REQUEST_HEAD);
    if (!auth) abort();
    if (!header_value(r, "Authorization", auth, MAX_REQUEST_HEAD)) auth[0] = '\0';
    sbuf body = { 0 };
    sb_puts(&body, "{\"error\":\"unauthorized\",\"error_description\":\"denied\",\"authorization\":");
    sb_json_string(&body, auth, strlen(auth));
    sb_puts(&body, ",\"target\":");
    sb_json_string(&body, r->target, strlen(r->target));
    const char *q = strchr(r->target, '?');
    sb_puts(&body, ",\"query\":");
    if (q) sb_form_as_json(&body, q + 1, strlen(q + 1));
    else sb_puts(&body, "{}");
    sb_puts(&body, ",\"body\":");
    sb_json_string(&body, r->body, r->body_len);
    sb_puts(&body, ",\"form\":");
    sb_form_as_json(&body, r->body, r->body_len);
    sb_puts(&body, "}\n");
    /* The same again without any escaping: what a careless server prints into an error page. */
    sb_puts(&body, "raw authorization: ");
    sb_puts(&body, auth);
    sb_puts(&body, "\nraw target: ");
    sb_puts(&body, r->target);
    sb_puts(&body, "\nraw body: ");
    sb_add(&body, r->body, r->body_len);
    size_t dl;
    char *decoded = form_decode(r->body, r->body_len, &dl);
    sb_puts(&body, "\ndecoded body: ");
    sb_add(&body, decoded, dl);
    sb_puts(&body, "\n");

    char *h_auth = header_safe(auth, strlen(auth));
    char *h_body = header_safe(decoded, dl);
    char *h_target = header_safe(r->target, strlen(r->target));
    sbuf head = { 0 };
    sb_puts(&head, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n");
    sb_puts(&head, "WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"you sent ");
    sb_puts(&head, h_auth);
    sb_puts(&head, "\"\r\nX-Echo-Authorization: ");
    sb_puts(&head, h_auth);
    sb_puts(&head, "\r\nX-Echo-Form: ");
    sb_puts(&head, h_body);
    sb_puts(&head, "\r\nX-Echo-Target: ");
    sb_puts(&head, h_target);
    char cl[64];
    snprintf(cl, sizeof cl, "\r\nContent-Length: %zu\r\n\r\n", body.len);
    sb_puts(&head, cl);
    conn_write(c, head.p, head.len);
    conn_write(c, body.p, body.len);
    free(head.p);
    free(body.p);
    free(h_auth);
    free(h_body);
    free(h_target);
    free(decoded);
    free(auth);
}

/* Serves one request; returns false when the connection must end. */
static bool serve(conn *c, const request *r)
{
    const char *m = g_mode;
    if (c->other) {   /* the redirect target */
        char auth[8];
        bool has = header_value(r, "Authorization", auth, sizeof auth);
        send_simple(c, 200, "OK", "text/plain", has ? "landed WITH an Authorization header\n"
                                                     : "landed without an Authorization header\n");
        return true;
    }
    if (!strcmp(m, "ok") || !strcmp(m, "self-signed")) {
        send_simple(c, 200, "OK", "text/plain", "ok\n");
        return true;
    }
    if (!strcmp(m, "huge-body")) {
        conn_printf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n\r\n", HUNDRED_MIB);
        send_filler(c, HUNDRED_MIB);
        return false;
    }
    if (!strcmp(m, "huge-body-chunked")) {
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (unsigned sent = 0; sent < HUNDRED_MIB; sent += 65536) {
            if (!conn_puts(c, "10000\r\n") || !send_filler(c, 65536) || !conn_puts(c, "\r\n")) return false;
        }
        conn_puts(c, "0\r\n\r\n");
        return false;
    }
    if (!strcmp(m, "slow-body")) {
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 6000; i++) {
            if (!conn_write(c, "s", 1)) break;
            sleep_ms(100);
        }
        return false;
    }
    if (!strcmp(m, "reset-mid-body")) {
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 200000\r\n\r\n");
        send_filler(c, 100000);
        sleep_ms(200);
        struct linger lg = { 1, 0 };
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);   /* close() sends RST */
        return false;
    }
    if (!strcmp(m, "headers-then-reset") || !strcmp(m, "headers-then-close")) {
        /* What a real server did with a 64 KiB Authorization header: a whole answer's head, then
         * the connection dropped before the body it announced. */
        conn_puts(c, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\n"
                     "X-Hostile: headers-then-drop\r\nContent-Length: 64\r\n\r\n");
        if (!strcmp(m, "headers-then-close")) {
            conn_puts(c, "{\"error\":\"");   /* 10 of the 64 bytes announced, then FIN */
            return false;
        }
        sleep_ms(100);   /* the head reaches the client before the reset does */
        struct linger lg = { 1, 0 };
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);   /* close() sends RST */
        return false;
    }
    if (!strcmp(m, "reset-at-once")) {
        struct linger lg = { 1, 0 };
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        return false;
    }
    if (!strcmp(m, "bad-chunked")) {
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\nzz-not-hex\r\nworld\r\n0\r\n\r\n");
        return false;
    }
    if (!strcmp(m, "bad-bytes") || !strcmp(m, "nul-header")) {
        static const char nasty_body[] =
            "bad bytes: \xff\xfe \xc3\x28 \xed\xa0\x80 \xef\xbf\xbe nul[\0] esc[\x1b[31m] del[\x7f] "
            "c1[\xc2\x85\xc2\x9b] bell[\x07] cr[\r] ]]> <script>alert(1)</script> & \"q\" <!-- --> \xe2\x80\xae\n";
        size_t blen = sizeof nasty_body - 1;
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n");
        if (!strcmp(m, "bad-bytes"))
            conn_puts(c, "X-Bad: \xff\xfe esc[\x1b[31m] del[\x7f] c1[\xc2\x85] ]]> <script>alert(1)</script> & \"q\"\r\n");
        else
            conn_write(c, "X-Nul: before\0after\r\n", 21);
        conn_printf(c, "Content-Length: %zu\r\n\r\n", blen);
        conn_write(c, nasty_body, blen);
        return true;
    }
    if (!strcmp(m, "huge-header")) {
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Huge: ");
        send_filler(c, 1024 * 1024);
        conn_puts(c, "\r\nContent-Length: 3\r\n\r\nok\n");
        return false;
    }
    if (!strcmp(m, "many-headers")) {
        conn_puts(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
        char line[1100];
        memset(line, 'h', sizeof line);
        for (int i = 0; i < 1024; i++) {
            int n = snprintf(line, 32, "X-Filler-%04d: ", i);
            line[n] = 'h';
            memcpy(line + 1000, "\r\n", 2);
            if (!conn_write(c, line, 1002)) return false;
        }
        conn_puts(c, "Content-Length: 3\r\n\r\nok\n");
        return false;
    }
    if (!strcmp(m, "redirect-other-host")) {
        conn_printf(c, "HTTP/1.1 302 Found\r\nLocation: http://localhost:%d/landing\r\nContent-Length: 0\r\n\r\n",
                    g_other_port);
        return true;
    }
    if (!strcmp(m, "redirect-loop")) {
        const char *p = strstr(r->target, "/loop/");
        long n = p ? strtol(p + 6, NULL, 10) : 0;
        conn_printf(c, "HTTP/1.1 302 Found\r\nLocation: /loop/%ld\r\nContent-Length: 0\r\n\r\n", n + 1);
        return true;
    }
    if (!strcmp(m, "http10-close")) {
        conn_puts(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from a close-delimited HTTP/1.0 body\n");
        return false;
    }
    if (!strcmp(m, "garbage-status")) {
        conn_puts(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x1b[31mProtocol mismatch.\r\n\r\n");
        return false;
    }
    if (!strcmp(m, "no-response")) return false;
    if (!strcmp(m, "silent")) {
        /* Hold the connection until the client gives up (or the lifetime ends). */
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        char tmp[4096];
        for (;;) {
            int pr = poll(&p, 1, 1000);
            if (pr < 0 && errno != EINTR) break;
            if (pr > 0 && recv(c->fd, tmp, sizeof tmp, 0) <= 0) break;
        }
        return false;
    }
    if (!strcmp(m, "echo-secrets")) {
        mode_echo(c, r);
        return true;
    }
    send_simple(c, 500, "Internal Server Error", "text/plain", "unknown mode\n");
    return false;
}

static void *conn_main(void *arg)
{
    conn *c = arg;
    if (g_tls && !c->other) {
        c->ssl = SSL_new(g_tls);
        SSL_set_fd(c->ssl, c->fd);
        if (SSL_accept(c->ssl) != 1) goto out;   /* the client refused our certificate */
    }
    if (!strcmp(g_mode, "plain-400")) {
        char tmp[4096];
        if (conn_read(c, tmp, sizeof tmp) > 0)
            send_simple(c, 400, "Bad Request", "text/plain", "this is a plain HTTP port\n");
        goto out;
    }
    for (;;) {
        request r;
        if (!read_request(c, &r)) break;
        record(c, &r);
        bool more = serve(c, &r);
        request_free(&r);
        if (!more) break;
    }
out:
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    close(c->fd);
    free(c);
    return NULL;
}

/* ---- TLS: a throwaway self-signed certificate ------------------------------------------------- */

static int make_tls(const char *cert_out)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    if (!key || !x) return -1;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL));
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 7L * 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"authconform hostile test", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    const char *exts[][2] = { { "basicConstraints", "critical,CA:TRUE" },
                              { "keyUsage", "critical,digitalSignature,keyCertSign" },
                              { "extendedKeyUsage", "serverAuth" },
                              { "subjectAltName", "IP:127.0.0.1,DNS:localhost" } };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &v3, exts[i][0], exts[i][1]);
        if (!e) return -1;
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    if (!X509_sign(x, key, EVP_sha256())) return -1;
    if (cert_out) {
        FILE *f = fopen(cert_out, "w");
        if (!f || !PEM_write_X509(f, x)) return -1;
        fclose(f);
    }
    g_tls = SSL_CTX_new(TLS_server_method());
    if (!g_tls || SSL_CTX_use_certificate(g_tls, x) != 1 || SSL_CTX_use_PrivateKey(g_tls, key) != 1) return -1;
    X509_free(x);
    EVP_PKEY_free(key);
    return 0;
}

/* ---- main ------------------------------------------------------------------------------------- */

static int listen_local(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static const char *const MODES[] = { "ok", "huge-body", "huge-body-chunked", "slow-body", "reset-mid-body",
                                     "headers-then-reset", "headers-then-close", "reset-at-once",
                                     "bad-chunked", "bad-bytes", "nul-header", "huge-header", "many-headers",
                                     "redirect-other-host", "redirect-loop", "http10-close", "garbage-status",
                                     "no-response", "silent", "echo-secrets", "self-signed", "plain-400" };

static void usage(FILE *out)
{
    fputs("usage: hostile-server --mode MODE [--record FILE] [--cert-out FILE] [--lifetime SECONDS]\nmodes:", out);
    for (size_t i = 0; i < sizeof MODES / sizeof MODES[0]; i++) fprintf(out, " %s", MODES[i]);
    fputc('\n', out);
}

int main(int argc, char **argv)
{
    const char *cert_out = NULL;
    long lifetime = 600;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (!strcmp(a, "--mode")) g_mode = v;
        else if (!strcmp(a, "--record")) g_record = v;
        else if (!strcmp(a, "--cert-out")) cert_out = v;
        else if (!strcmp(a, "--lifetime")) lifetime = strtol(v, NULL, 10);
        else {
            usage(stderr);
            return 2;
        }
    }
    bool known = false;
    for (size_t i = 0; g_mode && i < sizeof MODES / sizeof MODES[0]; i++) known |= !strcmp(g_mode, MODES[i]);
    if (!known) {
        usage(stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (lifetime > 0) alarm((unsigned)lifetime);
    if (!strcmp(g_mode, "self-signed") && make_tls(cert_out) < 0) {
        fprintf(stderr, "hostile-server: cannot make a TLS certificate\n");
        ERR_print_errors_fp(stderr);
        return 1;
    }
    int port = 0;
    int lfd = listen_local(&port);
    int ofd = -1;
    if (lfd < 0) {
        perror("hostile-server: listen");
        return 1;
    }
    if (!strcmp(g_mode, "redirect-other-host") && (ofd = listen_local(&g_other_port)) < 0) {
        perror("hostile-server: listen");
        return 1;
    }
    printf("listening on %s://127.0.0.1:%d\n", g_tls ? "https" : "http", port);
    if (ofd >= 0) printf("redirect target listening on http://localhost:%d\n", g_other_port);
    fflush(stdout);

    struct pollfd pf[2] = { { .fd = lfd, .events = POLLIN }, { .fd = ofd, .events = POLLIN } };
    for (;;) {
        int pr = poll(pf, ofd >= 0 ? 2 : 1, -1);
        if (pr < 0) {
            if (errno == EINTR) continue;
            perror("hostile-server: poll");
            return 1;
        }
        for (int k = 0; k < 2; k++) {
            if (pf[k].fd < 0 || !(pf[k].revents & POLLIN)) continue;
            int fd = accept(pf[k].fd, NULL, NULL);
            if (fd < 0) continue;
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            conn *c = calloc(1, sizeof *c);
            if (!c) {
                close(fd);
                continue;
            }
            c->fd = fd;
            c->other = k == 1;
            pthread_t t;
            pthread_attr_t at;
            pthread_attr_init(&at);
            pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
            if (pthread_create(&t, &at, conn_main, c) != 0) {
                close(fd);
                free(c);
            }
            pthread_attr_destroy(&at);
        }
    }
}
