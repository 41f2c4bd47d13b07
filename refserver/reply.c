/* reply: the response a handler builds; server.c turns it into an HTTP response. */
#include "reply.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int reply_take(struct reply *r, unsigned status, const char *content_type, char *body)
{
  if (!body)
    return -1;
  free(r->body);
  r->status = status;
  r->content_type = content_type;
  r->body = body;
  r->body_len = strlen(body);
  return 0;
}

int reply_text(struct reply *r, unsigned status, const char *content_type, const char *body)
{
  return reply_take(r, status, content_type, strdup(body));
}

int reply_error(struct reply *r, unsigned status, const char *code, const char *description)
{
  /* cJSON escapes whatever the strings hold, so a description can never break the JSON. */
  cJSON *o = cJSON_CreateObject();
  if (!o || !cJSON_AddStringToObject(o, "error", code) ||
      !cJSON_AddStringToObject(o, "error_description", description)) {
    cJSON_Delete(o);
    return -1;
  }
  char *text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return reply_take(r, status, CT_JSON, text);
}

int reply_header(struct reply *r, const char *name, const char *value)
{
  if (r->n_headers == REPLY_MAX_HEADERS)
    return -1;
  char *n = strdup(name);
  char *v = strdup(value);
  if (!n || !v) {
    free(n);
    free(v);
    return -1;
  }
  r->headers[r->n_headers].name = n;
  r->headers[r->n_headers].value = v;
  r->n_headers++;
  return 0;
}

const char *reply_get_header(const struct reply *r, const char *name)
{
  for (size_t i = 0; i < r->n_headers; i++) {
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  }
  return NULL;
}

void reply_clear(struct reply *r)
{
  if (!r)
    return;
  free(r->body);
  for (size_t i = 0; i < r->n_headers; i++) {
    free(r->headers[i].name);
    free(r->headers[i].value);
  }
  memset(r, 0, sizeof *r);
}
