/* HTTP execution with libcurl. With node.c (which parses URLs with libcurl's URL API) the only
 * file that includes curl: the rest of the runner sees ac_http_req / ac_response. One easy handle per client, reset between requests, so libcurl's
 * connection cache keeps connections alive across a run. */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct ac_http {
    CURL *h;
    ac_http_opts opts;
    char errbuf[CURL_ERROR_SIZE];
    /* The options of the last request stay on the handle: a request identical to the previous
     * one (every request of a `repeat`) is sent again without curl_easy_reset and the two dozen
     * setopt calls, the largest cost of ours per request in the profile (bench/RESULTS.md). */
    ac_buf sig, last_sig;      /* what the options were made from (request_signature) */
    struct curl_slist *hl;     /* the header list the handle uses; owned */
    struct curl_slist *conn_to; /* the CURLOPT_CONNECT_TO list the handle uses; owned */
    bool primed;               /* last_sig describes the options on the handle */
    CURLU *url;                /* the URL, parsed once per distinct request (CURLOPT_CURLU) */
};

void ac_http_opts_default(ac_http_opts *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_s = 30;
    o->http_version = 11;
    o->max_body = 1024 * 1024;
    o->max_headers = 64 * 1024;
    o->max_redirects = 10;
}

int ac_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void ac_http_global_cleanup(void)
{
    curl_global_cleanup();
}

ac_http *ac_http_new(const ac_http_opts *o, char **err)
{
    ac_http *c = ac_calloc(1, sizeof *c);
    c->h = curl_easy_init();
    c->url = curl_url();   /* NULL only without memory: CURLOPT_URL is used then */
    if (!c->h) {
        free(c);
        *err = ac_strdup("cannot initialise libcurl");
        return NULL;
    }
    c->opts = *o;
    return c;
}

void ac_http_free(ac_http *c)
{
    if (!c) return;
    curl_easy_cleanup(c->h);
    curl_url_cleanup(c->url);
    curl_slist_free_all(c->hl);
    curl_slist_free_all(c->conn_to);
    ac_buf_free(&c->sig);
    ac_buf_free(&c->last_sig);
    free(c);
}

/* Everything the handle's options are made from, as bytes: equal signatures, equal options. */
static void request_signature(ac_buf *b, const ac_http_req *req)
{
    struct {
        double timeout_s;
        size_t n_headers, body_len;
        int http_version;
        bool follow, has_body;
    } fixed;
    memset(&fixed, 0, sizeof fixed);   /* padding too: the struct is compared as bytes */
    fixed.timeout_s = req->timeout_s;
    fixed.n_headers = req->n_headers;
    fixed.body_len = req->has_body ? req->body_len : 0;
    fixed.http_version = req->http_version;
    fixed.follow = req->follow_redirects;
    fixed.has_body = req->has_body;
    b->len = 0;
    ac_buf_append(b, &fixed, sizeof fixed);
    const char *m = req->method ? req->method : "", *u = req->url ? req->url : "";
    ac_buf_append(b, m, strlen(m) + 1);
    ac_buf_append(b, u, strlen(u) + 1);
    const char *ct = req->connect_to ? req->connect_to : "";
    ac_buf_append(b, ct, strlen(ct) + 1);
    for (size_t i = 0; i < req->n_headers; i++) {
        ac_buf_append(b, req->headers[i].name, strlen(req->headers[i].name) + 1);
        ac_buf_append(b, req->headers[i].value, strlen(req->headers[i].value) + 1);
    }
    if (req->has_body && req->body) ac_buf_append(b, req->body, req->body_len);
}

/* State shared with the callbacks of one transfer. */
typedef struct xfer {
    ac_response *resp;
    ac_buf body;
    size_t header_bytes;
    size_t max_body, max_headers;
    bool over_limit;
    const char *limit_what;
    bool saw_status;
    long block_status;         /* the status code of the header block being received */
    bool headers_done;         /* the final block's empty line arrived (not a 1xx, not a 3xx
                                * that libcurl follows) */
    bool following;            /* redirects are followed */
    size_t n_headers_cap;
    bool (*cancel)(void *arg);
    void *cancel_arg;
} xfer;

/* libcurl's progress callback: a non-zero return aborts the transfer. */
static int on_progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    xfer *x = p;
    return x->cancel && x->cancel(x->cancel_arg) ? 1 : 0;
}

static void clear_headers(ac_response *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    r->n_headers = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    x->header_bytes += n;
    if (x->header_bytes > x->max_headers) {
        x->over_limit = true;
        x->limit_what = "headers";
        return 0;
    }
    /* A status line starts a new header block (1xx, redirects): keep only the final one. */
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        x->saw_status = true;
        x->headers_done = false;
        const char *code = memchr(data, ' ', n);
        x->block_status = 0;   /* data is not NUL-terminated: the digits are read within n */
        for (const char *p = code ? code + 1 : data + n; p < data + n && *p >= '0' && *p <= '9' && x->block_status < 1000; p++)
            x->block_status = x->block_status * 10 + (*p - '0');
        clear_headers(x->resp);
        free(x->resp->http_version);
        const char *sp = memchr(data, ' ', n);
        x->resp->http_version = ac_strndup(data, sp ? (size_t)(sp - data) : n);
        return n;
    }
    if (x->saw_status && (n == 2 ? memcmp(data, "\r\n", 2) == 0 : n == 1 && data[0] == '\n')) {
        /* The empty line ending a block: the answer is complete up to its body, unless it was
         * an interim 1xx (another block follows). */
        x->headers_done = x->block_status >= 200 &&
                          !(x->following && x->block_status >= 300 && x->block_status < 400);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon) return n;   /* an obs-fold remnant */
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1, *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) end--;
    ac_response *r = x->resp;
    if (r->n_headers == x->n_headers_cap) {
        x->n_headers_cap = x->n_headers_cap ? x->n_headers_cap * 2 : 16;
        r->headers = ac_realloc(r->headers, x->n_headers_cap * sizeof *r->headers);
    }
    r->headers[r->n_headers].name = ac_strndup(data, name_len);
    r->headers[r->n_headers].value = ac_strndup(v, (size_t)(end - v));
    r->n_headers++;
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    if (x->body.len + n > x->max_body) {
        /* Refuse here: CURLOPT_MAXFILESIZE cannot stop a body of unknown length. */
        x->over_limit = true;
        x->limit_what = "body";
        return 0;
    }
    ac_buf_append(&x->body, data, n);
    return n;
}

static ac_http_status classify(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT: return AC_HTTP_ERR_CONNECT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return AC_HTTP_ERR_DNS;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_USE_SSL_FAILED: return AC_HTTP_ERR_TLS;
    case CURLE_OPERATION_TIMEDOUT: return AC_HTTP_ERR_TIMEOUT;
    case CURLE_ABORTED_BY_CALLBACK: return AC_HTTP_ERR_CANCELLED;
    default: return AC_HTTP_ERR_OTHER;
    }
}

/* The request's method on the handle: HEAD without a body, a body by POSTFIELDS, and libcurl's
 * own POST/GET choice overridden only when the method differs. */
static void set_method(CURL *h, const ac_http_req *req)
{
    const char *method = req->method && *req->method ? req->method : "GET";
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (req->has_body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        if (strcmp(method, "POST") != 0) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        if (strcmp(method, "POST") == 0) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        }
    }
}

/* The request's header lines, plus the ones that stop libcurl adding its own. */
static struct curl_slist *header_list(const ac_http_req *req)
{
    struct curl_slist *hl = NULL;
    bool has_ct = false, has_ua = false;
    for (size_t i = 0; i < req->n_headers; i++) {
        const ac_header *hd = &req->headers[i];
        char *line = *hd->value ? ac_sprintf("%s: %s", hd->name, hd->value)
                                : ac_sprintf("%s;", hd->name);  /* "Name;" sends an empty value */
        if (strcasecmp(hd->name, "Content-Type") == 0) has_ct = true;
        if (strcasecmp(hd->name, "User-Agent") == 0) has_ua = true;
        struct curl_slist *nl = curl_slist_append(hl, line);
        free(line);
        if (nl) hl = nl;
    }
    /* libcurl would otherwise add a form Content-Type to every POST body. */
    if (req->has_body && !has_ct) hl = curl_slist_append(hl, "Content-Type:");
    hl = curl_slist_append(hl, "Expect:");
    /* Our User-Agent as a plain header line: CURLOPT_USERAGENT costs a formatted copy per
     * request (a tenth of libcurl's work on a small request, in the profile). */
    if (!has_ua) hl = curl_slist_append(hl, "User-Agent: authconform/" AC_VERSION);
    return hl;
}

/* True when req's options are already on the handle (the previous request was the same);
 * otherwise remembers req's signature as the handle's from now on. */
static bool options_unchanged(ac_http *c, const ac_http_req *req)
{
    request_signature(&c->sig, req);
    if (c->primed && c->sig.len == c->last_sig.len && memcmp(c->sig.data, c->last_sig.data, c->sig.len) == 0)
        return true;
    ac_buf tmp = c->last_sig;
    c->last_sig = c->sig;
    c->sig = tmp;
    c->primed = true;
    return false;
}

/* Every option of the handle for req, from a reset handle. */
static void set_options(ac_http *c, const ac_http_req *req, double timeout)
{
    CURL *h = c->h;
    const ac_http_opts *o = &c->opts;
    /* curl_easy_reset keeps the connection cache, DNS cache and TLS session cache. */
    curl_easy_reset(h);
    int version = req->http_version ? req->http_version : o->http_version;
    /* A pre-parsed URL spares libcurl parsing it again for every request (a fifth of its work on
     * a small request); the flags are the ones libcurl parses CURLOPT_URL with. A URL it rejects
     * goes in as a string, so the transfer fails with libcurl's own message. */
    if (c->url && curl_url_set(c->url, CURLUPART_URL, req->url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK)
        curl_easy_setopt(h, CURLOPT_CURLU, c->url);
    else
        curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout * 1000));
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
                     version == 2 ? (long)CURL_HTTP_VERSION_2_0 : (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, o->max_redirects);
    /* Never resend credentials to another host after a redirect. */
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
    if (o->cacert) curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
    if (o->cert) curl_easy_setopt(h, CURLOPT_SSLCERT, o->cert);
    if (o->key) curl_easy_setopt(h, CURLOPT_SSLKEY, o->key);
    if (o->proxy) curl_easy_setopt(h, CURLOPT_PROXY, o->proxy);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    set_method(h, req);
    struct curl_slist *hl = header_list(req);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_slist_free_all(c->hl);
    c->hl = hl;
    struct curl_slist *ct = req->connect_to ? curl_slist_append(NULL, req->connect_to) : NULL;
    if (ct) curl_easy_setopt(h, CURLOPT_CONNECT_TO, ct);
    curl_slist_free_all(c->conn_to);
    c->conn_to = ct;
}

/* What a failed transfer (rc, no complete header block) was, with its one-line reason in *err
 * (caller frees). */
static ac_http_status failure(ac_http *c, CURLcode rc, const xfer *x, bool got_response, double timeout,
                              char **err)
{
    ac_http_status st = classify(rc);
    if (st == AC_HTTP_ERR_OTHER && got_response) st = AC_HTTP_ERR_PROTOCOL;
    /* A request went out but no status line came back: nothing, a close, or not HTTP. */
    long sent = 0;
    curl_easy_getinfo(c->h, CURLINFO_REQUEST_SIZE, &sent);
    if (st == AC_HTTP_ERR_OTHER && sent > 0) st = AC_HTTP_ERR_NO_RESPONSE;
    /* libcurl refuses a single header line over 100 KiB itself, as "out of memory": that is
     * our header limit too (a line that long is over it). */
    if (rc == CURLE_OUT_OF_MEMORY && x->saw_status && x->body.len == 0) {
        *err = ac_sprintf("response headers larger than the limit of %zu bytes (one line over 100 KiB)",
                          c->opts.max_headers);
        return AC_HTTP_ERR_LIMIT;
    }
    const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
    switch (st) {
    case AC_HTTP_ERR_NO_RESPONSE:
        if (rc == CURLE_GOT_NOTHING)
            *err = ac_strdup("no HTTP response: the server closed the connection without answering");
        else if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_WEIRD_SERVER_REPLY)
            *err = ac_sprintf("no HTTP response: the server answered something that is not HTTP (%s)", detail);
        else
            *err = ac_sprintf("no HTTP response: %s", detail);
        break;
    case AC_HTTP_ERR_CONNECT: *err = ac_sprintf("connection failed: %s", detail); break;
    case AC_HTTP_ERR_DNS: *err = ac_sprintf("cannot resolve host: %s", detail); break;
    case AC_HTTP_ERR_TLS: *err = ac_sprintf("TLS failure: %s", detail); break;
    case AC_HTTP_ERR_TIMEOUT: *err = ac_sprintf("timed out after %.3g s: %s", timeout, detail); break;
    case AC_HTTP_ERR_CANCELLED: *err = ac_strdup("cut off: the run is stopping"); break;
    default: *err = ac_sprintf("transfer failed: %s", detail); break;
    }
    return st;
}

ac_http_status ac_http_send(ac_http *c, const ac_http_req *req, ac_response *resp,
                            bool *got_response, char **err)
{
    CURL *h = c->h;
    const ac_http_opts *o = &c->opts;
    memset(resp, 0, sizeof *resp);
    *got_response = false;
    *err = NULL;

    c->errbuf[0] = '\0';
    xfer x = { .resp = resp, .max_body = o->max_body, .max_headers = o->max_headers,
               .following = req->follow_redirects };
    ac_buf_init(&x.body);

    double timeout = req->timeout_s > 0 ? req->timeout_s : o->timeout_s;
    if (options_unchanged(c, req)) {
        /* The same request again: only the pointers that are not copied by libcurl change. */
        if (req->has_body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    } else {
        set_options(c, req, timeout);
    }
    /* Set every time: the signature does not cover it, and it costs nothing when NULL. */
    if (req->cancel) {
        x.cancel = req->cancel;
        x.cancel_arg = req->cancel_arg;
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    } else {
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    double t0 = ac_now_ms();
    CURLcode rc = curl_easy_perform(h);
    resp->duration_ms = ac_now_ms() - t0;

    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    *got_response = x.saw_status || code > 0;

    /* Whatever the outcome, what arrived is kept (status and headers help the report); on an
     * error the caller never judges it, so a truncated body is never taken as complete. */
    ac_http_status st = AC_HTTP_OK;
    if (x.over_limit) {
        st = AC_HTTP_ERR_LIMIT;
        *err = ac_sprintf("response %s larger than the limit of %zu bytes",
                          x.limit_what, strcmp(x.limit_what, "body") == 0 ? o->max_body : o->max_headers);
    } else if (rc != CURLE_OK && x.headers_done && classify(rc) != AC_HTTP_ERR_CANCELLED &&
               classify(rc) != AC_HTTP_ERR_TIMEOUT) {
        /* A reset or close after the complete header block (a 431 sent before the server drops
         * a connection it will not read, a Content-Length not fulfilled): the status line and
         * headers are the server's answer and are judged; the body is marked incomplete so
         * nothing judges it (expect.h). A timeout stays a timeout: the run may have cut it. */
        resp->body_incomplete = ac_strdup(c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
    } else if (rc != CURLE_OK) {
        st = failure(c, rc, &x, *got_response, timeout, err);
    }
    resp->status = code;
    resp->body_len = x.body.len;
    resp->body = x.body.data ? ac_buf_steal(&x.body) : ac_strdup("");
    ac_buf_free(&x.body);
    if (!resp->http_version) resp->http_version = ac_strdup("HTTP/1.1");
    return st;
}
