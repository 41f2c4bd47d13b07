/* request: the read-only view of one HTTP request that the handlers see. server.c implements it
 * on top of libmicrohttpd, so no handler depends on the HTTP library. Every returned pointer stays
 * valid until the handler returns. */
#ifndef RS_REQUEST_H
#define RS_REQUEST_H

#include <stddef.h>

struct rs_request;

/* The method as sent ("GET", "POST", ...). */
const char *rq_method(const struct rs_request *rq);

/* The percent-decoded path without the query string. */
const char *rq_path(const struct rs_request *rq);

/* The first value of the header name (case-insensitive), or NULL. */
const char *rq_header(const struct rs_request *rq, const char *name);

/* How many times the header name was sent. */
size_t rq_header_count(const struct rs_request *rq, const char *name);

/* The decoded value of query parameter name, or NULL. */
const char *rq_query(const struct rs_request *rq, const char *name);

/* The request body (not NUL-terminated; may be NULL when len is 0). */
const char *rq_body(const struct rs_request *rq, size_t *len);

#endif
