/* reply: the response a handler builds; server.c turns it into an HTTP response. */
#ifndef RS_REPLY_H
#define RS_REPLY_H

#include <stddef.h>

#define REPLY_MAX_HEADERS 8
#define CT_JSON "application/json;charset=UTF-8"
#define CT_TEXT "text/plain;charset=UTF-8"

typedef struct rs_reply_field {
  char *name;
  char *value;
} rs_reply_field;

/* Owns body and every header string. Zero-initialise before use; rs_reply_clear() frees. */
typedef struct rs_reply {
  unsigned status;
  const char *content_type; /* static string, or NULL for no Content-Type */
  char *body;
  size_t body_len;
  rs_reply_field headers[REPLY_MAX_HEADERS];
  size_t n_headers;
} rs_reply;

/* Sets status, content type and a copy of body (NUL-terminated text). 0, or -1 when out of
 * memory. */
int rs_reply_text(rs_reply *r, unsigned status, const char *content_type, const char *body);

/* Like rs_reply_text but takes ownership of body (malloc'd), also on failure. */
int rs_reply_take(rs_reply *r, unsigned status, const char *content_type, char *body);

/* Sets a JSON error body {"error":code,"error_description":description}. 0 or -1. */
int rs_reply_error(rs_reply *r, unsigned status, const char *code, const char *description);

/* Adds a copy of a header. 0, or -1 when out of memory or the header table is full. */
int rs_reply_header(rs_reply *r, const char *name, const char *value);

/* The value of header name previously added, or NULL. */
const char *rs_reply_get_header(const rs_reply *r, const char *name);

/* The 405 answer: error invalid_request "Method not allowed; use USE" and Allow: ALLOW. 0, or -1
 * when out of memory. */
int rs_reply_method_not_allowed(rs_reply *r, const char *use, const char *allow);

/* Frees everything and leaves an empty reply. Accepts NULL. */
void rs_reply_clear(rs_reply *r);

#endif
