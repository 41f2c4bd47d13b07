/* request: the view of one HTTP request that the handlers read (see request.h), on top of
 * libmicrohttpd's connection values. */
#include "request.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The per-request state: created by server.c on the first callback, freed when the request ends. */
struct rs_request {
  struct MHD_Connection *conn;
  const char *method; /* borrowed from libmicrohttpd for the life of the request */
  const char *path;
  char *body;
  size_t len;
  size_t cap;
  bool too_large;
  int node; /* --cluster: the node (0-based) that answers; -1 otherwise */
};

const char *rs_rq_method(const rs_request *rq) { return rq->method; }
const char *rs_rq_path(const rs_request *rq) { return rq->path; }
int rs_rq_node(const rs_request *rq) { return rq->node; }
void rs_rq_set_node(rs_request *rq, int node) { rq->node = node; }

const char *rs_rq_header(const rs_request *rq, const char *name)
{
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

struct count_ctx {
  const char *name;
  size_t n;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
  struct count_ctx *c = cls;
  (void)kind;
  (void)value;
  if (strcasecmp(key, c->name) == 0)
    c->n++;
  return MHD_YES;
}

size_t rs_rq_header_count(const rs_request *rq, const char *name)
{
  struct count_ctx c = {name, 0};
  MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_header, &c);
  return c.n;
}

const char *rs_rq_query(const rs_request *rq, const char *name)
{
  return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *rs_rq_body(const rs_request *rq, size_t *len)
{
  *len = rq->len;
  return rq->body;
}

bool rs_rq_is_get(const rs_request *rq)
{
  return strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
}

rs_request *rs_rq_new(struct MHD_Connection *conn, const char *method, const char *path)
{
  rs_request *rq = calloc(1, sizeof *rq);
  if (!rq)
    return NULL;
  rq->conn = conn;
  rq->method = method;
  rq->path = path;
  rq->node = -1;
  return rq;
}

void rs_rq_free(rs_request *rq)
{
  if (!rq)
    return;
  free(rq->body);
  free(rq);
}

struct MHD_Connection *rs_rq_connection(const rs_request *rq) { return rq->conn; }

bool rs_rq_too_large(const rs_request *rq) { return rq->too_large; }

void rs_rq_append_body(rs_request *rq, const char *data, size_t size)
{
  if (rq->too_large || size > RQ_MAX_BODY - rq->len) {
    rq->too_large = true;
    return;
  }
  if (rq->len + size > rq->cap) {
    size_t cap = rq->cap ? rq->cap : 4096;
    while (cap < rq->len + size)
      cap *= 2;
    char *grown = realloc(rq->body, cap);
    if (!grown) {
      rq->too_large = true; /* cannot hold it: refuse like an oversized body */
      return;
    }
    rq->body = grown;
    rq->cap = cap;
  }
  memcpy(rq->body + rq->len, data, size);
  rq->len += size;
}
