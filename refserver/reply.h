/* reply: the response a handler builds; server.c turns it into an HTTP response. */
#ifndef RS_REPLY_H
#define RS_REPLY_H

#include <stddef.h>

#define REPLY_MAX_HEADERS 8
#define CT_JSON "application/json;charset=UTF-8"
#define CT_TEXT "text/plain;charset=UTF-8"

struct reply_header {
  char *name;
  char *value;
};

/* Owns body and every header string. Zero-initialise before use; reply_clear() frees. */
struct reply {
  unsigned status;
  const char *content_type; /* static string, or NULL for no Content-Type */
  char *body;
  size_t body_len;
  struct reply_header headers[REPLY_MAX_HEADERS];
  size_t n_headers;
};

/* Sets status, content type and a copy of body (NUL-terminated text). 0, or -1 when out of memory. */
int reply_text(struct reply *r, unsigned status, const char *content_type, const char *body);

/* Like reply_text but takes ownership of body (malloc'd), also on failure. */
int reply_take(struct reply *r, unsigned status, const char *content_type, char *body);

/* Sets a JSON error body {"error":code,"error_description":description}. 0 or -1. */
int reply_error(struct reply *r, unsigned status, const char *code, const char *description);

/* Adds a copy of a header. 0, or -1 when out of memory or the header table is full. */
int reply_header(struct reply *r, const char *name, const char *value);

/* The value of header name previously added, or NULL. */
const char *reply_get_header(const struct reply *r, const char *name);

/* Frees everything and leaves an empty reply. Accepts NULL. */
void reply_clear(struct reply *r);

#endif
