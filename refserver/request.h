/* request: the read-only view of one HTTP request that the handlers see, and the few calls with
 * which server.c builds it. request.c implements it on top of libmicrohttpd, so no handler depends
 * on the HTTP library. Every returned pointer stays valid until the handler returns. */
#ifndef RS_REQUEST_H
#define RS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rs_request rs_request;
struct MHD_Connection;

/* Bodies longer than this are refused (413) and not stored. */
#define RQ_MAX_BODY (1024 * 1024)

/* The method as sent ("GET", "POST", ...). */
const char *rs_rq_method(const rs_request *rq);

/* The percent-decoded path without the query string. */
const char *rs_rq_path(const rs_request *rq);

/* The first value of the header name (case-insensitive), or NULL. */
const char *rs_rq_header(const rs_request *rq, const char *name);

/* How many times the header name was sent. */
size_t rs_rq_header_count(const rs_request *rq, const char *name);

/* The decoded value of query parameter name, or NULL. */
const char *rs_rq_query(const rs_request *rq, const char *name);

/* The request body (not NUL-terminated; may be NULL when len is 0). */
const char *rs_rq_body(const rs_request *rq, size_t *len);

/* True for GET and HEAD, the methods of the read-only endpoints. */
bool rs_rq_is_get(const rs_request *rq);

/* With --cluster: the node (0-based) that answers the request; -1 for a single server. */
int rs_rq_node(const rs_request *rq);

/* ---- for server.c: the request's life ---- */

/* A request of conn; method and path are borrowed and must outlive it. NULL when out of memory.
 * Free with rs_rq_free(), which accepts NULL. */
rs_request *rs_rq_new(struct MHD_Connection *conn, const char *method, const char *path);
void rs_rq_free(rs_request *rq);

/* The connection to answer on. */
struct MHD_Connection *rs_rq_connection(const rs_request *rq);

/* Appends upload data, remembering (not storing) what exceeds RQ_MAX_BODY or cannot be held. */
void rs_rq_append_body(rs_request *rq, const char *data, size_t size);

/* True when the body exceeded RQ_MAX_BODY (or memory): the request is answered 413. */
bool rs_rq_too_large(const rs_request *rq);

/* Which node answers (--cluster); requests start with -1. */
void rs_rq_set_node(rs_request *rq, int node);

#endif
