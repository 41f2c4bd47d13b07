/* request: the read-only view of one HTTP request that the handlers see, and the few calls with
 * which server.c builds it. request.c implements it on top of libmicrohttpd, so no handler depends
 * on the HTTP library. Every returned pointer stays valid until the handler returns. */
#ifndef RS_REQUEST_H
#define RS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

struct rs_request;
struct MHD_Connection;

/* Bodies longer than this are refused (413) and not stored. */
#define RQ_MAX_BODY (1024 * 1024)

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

/* ---- for server.c: the request's life ---- */

/* A request of conn; method and path are borrowed and must outlive it. NULL when out of memory.
 * Free with rq_free(), which accepts NULL. */
struct rs_request *rq_new(struct MHD_Connection *conn, const char *method, const char *path);
void rq_free(struct rs_request *rq);

/* The connection to answer on. */
struct MHD_Connection *rq_connection(const struct rs_request *rq);

/* Appends upload data, remembering (not storing) what exceeds RQ_MAX_BODY or cannot be held. */
void rq_append_body(struct rs_request *rq, const char *data, size_t size);

/* True when the body exceeded RQ_MAX_BODY (or memory): the request is answered 413. */
bool rq_too_large(const struct rs_request *rq);

#endif
