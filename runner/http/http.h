/* HTTP execution: with node.c, the only code that includes curl. One ac_http per worker keeps
 * its libcurl easy handle (and so its connection pool: keep-alive and TLS sessions are reused). */
#ifndef AC_HTTP_H
#define AC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "response.h"

typedef struct ac_http_opts {
    double timeout_s;          /* total time for one request, connect to last byte (default 30) */
    int http_version;          /* 11 or 2 */
    bool insecure;             /* skip TLS verification (the CLI warns loudly) */
    const char *cacert;        /* borrowed; NULL = system store */
    const char *cert, *key;    /* client certificate and key, borrowed */
    const char *proxy;         /* NULL: libcurl's usual proxy environment variables apply */
    size_t max_body;           /* bytes; beyond it the request fails (default 1 MiB) */
    size_t max_headers;        /* total header bytes (default 64 KiB) */
    long max_redirects;        /* when following (default 10) */
} ac_http_opts;

void ac_http_opts_default(ac_http_opts *o);

typedef struct ac_http_req {
    const char *method;
    const char *url;
    const ac_header *headers; size_t n_headers;
    const char *body; size_t body_len; bool has_body;
    bool follow_redirects;
    double timeout_s;          /* 0: the default */
    int http_version;          /* 0: the default */
    /* "HOST:PORT:CONNECTHOST:CONNECTPORT" (CURLOPT_CONNECT_TO): the connection goes to another
     * address while URL, Host and SNI stay (node.h); NULL: where the URL says. */
    const char *connect_to;
    /* Polled while the transfer runs (at least once a second); true cuts it off with
     * AC_HTTP_ERR_CANCELLED. NULL: never. For an interrupted run's grace period. */
    bool (*cancel)(void *arg);
    void *cancel_arg;
} ac_http_req;

typedef enum {
    AC_HTTP_OK = 0,
    AC_HTTP_ERR_CONNECT,       /* connection refused or unreachable */
    AC_HTTP_ERR_DNS,
    AC_HTTP_ERR_TLS,
    AC_HTTP_ERR_TIMEOUT,
    AC_HTTP_ERR_LIMIT,         /* body or header limit exceeded */
    AC_HTTP_ERR_PROTOCOL,      /* garbage, reset, broken framing after a response began but
                                * before its header block was complete (after it: AC_HTTP_OK
                                * with body_incomplete) */
    AC_HTTP_ERR_NO_RESPONSE,   /* the request was sent, but what came back (nothing, a closed
                                * connection, a non-HTTP status line) was no HTTP response */
    AC_HTTP_ERR_CANCELLED,     /* req->cancel said so: the run's decision, not the target's */
    AC_HTTP_ERR_OTHER
} ac_http_status;

typedef struct ac_http ac_http;

/* Creates a client (returns NULL and *err on failure). */
ac_http *ac_http_new(const ac_http_opts *o, char **err);
void ac_http_free(ac_http *c);
/* Global init/cleanup, once per process (from main). */
int ac_http_global_init(void);
void ac_http_global_cleanup(void);

/* Sends req. On AC_HTTP_OK fills resp (caller frees with ac_response_free); that includes a
 * transfer that failed after the final response's complete header block (a reset or a close,
 * not a timeout or a limit): resp->body_incomplete then holds curl's error text. Otherwise *err is a
 * one-line reason (caller frees) and *got_response tells whether any response bytes arrived
 * (a protocol error after the status line still proves the target answered). */
ac_http_status ac_http_send(ac_http *c, const ac_http_req *req, ac_response *resp,
                            bool *got_response, char **err);


#endif
