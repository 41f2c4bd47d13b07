/* Turning a validated `request` node into a concrete HTTP request (templates interpolated,
 * URL joined, body encoded), and the redacted excerpts of requests and responses that reports
 * show. */
#ifndef AC_REQUEST_H
#define AC_REQUEST_H

#include "expect.h"
#include "http.h"
#include "vars.h"

typedef struct ac_built_req {
    char *method;               /* owned */
    char *url;                  /* owned */
    ac_header *headers; size_t n_headers;   /* owned */
    char *body; size_t body_len; bool has_body;
    bool follow_redirects;
    double timeout_s;           /* 0 = default */
    int http_version;           /* 0 = default */
    /* Pinned to a node (node.h): the CURLOPT_CONNECT_TO entry (owned, or NULL when the URL was
     * rewritten instead); pinned: a transport error is that node's, not the target's. */
    char *connect_to;
    bool pinned;
} ac_built_req;

/* Builds the request. Secrets met on the way (Authorization values, form fields named like
 * secrets, values derived from secrets) are registered with the redactor before anything is
 * sent. Returns 0, or -1 with *err (caller frees). */
int ac_request_build(const yn_node *req, const ac_scope *scope, const char *target,
                     ac_built_req *out, char **err);
void ac_built_req_free(ac_built_req *r);
ac_http_req ac_built_req_view(const ac_built_req *r);   /* borrowed view for ac_http_send */

/* "POST http://host/apiops/auth/token\nName: value\n\nbody", redacted, then capped at cap bytes
 * (ac_text_cap: head and tail kept, never cut inside a UTF-8 sequence).
 * Caller frees. */
char *ac_request_excerpt(const ac_built_req *r, size_t cap);
/* "HTTP/1.1 401\nName: value\n\nbody", redacted, then capped likewise. Caller frees. */
char *ac_response_excerpt(const ac_response *r, size_t cap);

/* Joins target and path with exactly one '/' between them. Caller frees. */
char *ac_url_join(const char *target, const char *path);

#endif
