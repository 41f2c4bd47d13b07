/* A received HTTP response (or a recorded earlier one, for `compare`) and the questions asked of
 * it: its header values, whether its body can be judged, and its body as JSON. It lives with the
 * HTTP client that fills it; the checks (runner/check) read it. */
#ifndef AC_RESPONSE_H
#define AC_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

typedef struct ac_header { char *name; char *value; } ac_header;

/* A received response (or a recorded earlier one, for `compare`). */
typedef struct ac_response {
    long status;                 /* 0 when no response */
    char *http_version;          /* "HTTP/1.1" */
    ac_header *headers; size_t n_headers;   /* in received order; final response only */
    char *body; size_t body_len; /* NUL-terminated */
    double duration_ms;
    struct cJSON *json;          /* parsed lazily by ac_response_json(); owned */
    bool json_tried;
    /* NULL when the response arrived whole. Otherwise the transfer failed after the complete
     * status line and header block of the final response (a reset or a close before the body
     * was complete): curl's error text, owned. Status and headers may be judged; the body
     * (body, json, jwt at json, captures from the body, compare of bodies, ...) may not. */
    char *body_incomplete;
} ac_response;

/* Frees the members (r itself is not freed: responses live on the stack) and zeroes r. NULL ok. */
void ac_response_free(ac_response *r);
/* All values of a header (case-insensitive), in order. Returns how many were stored in vals (at
 * most max); vals are borrowed from r. */
size_t ac_response_header_values(const ac_response *r, const char *name, const char **vals,
                                 size_t max);
/* Why r's body cannot be judged (caller frees): "the connection was closed after the headers
 * (curl: ...); the body cannot be judged". NULL when the body arrived whole. */
char *ac_response_body_unjudgeable(const ac_response *r);
/* Parsed JSON body or NULL if the body is not JSON or incomplete. Registers secret keys with the
 * redactor. */
const struct cJSON *ac_response_json(ac_response *r);

#endif
