/* reply: the response a handler builds; server.c turns it into an HTTP response. */
#include "reply.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int rs_reply_take(rs_reply *r, unsigned status, const char *content_type, char *body)
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

int rs_reply_text(rs_reply *r, unsigned status, const char *content_type, const char *body)
{
  return rs_reply_take(r, status, content_type, strdup(body));
}

int rs_reply_error(rs_reply *r, unsigned status, const char *code, const char *description)
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
  return rs_reply_take(r, status, CT_JSON, text);
}

int rs_reply_header(rs_reply *r, const char *name, const char *value)
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

const char *rs_reply_get_header(const rs_reply *r, const char *name)
{
  for (size_t i = 0; i < r->n_headers; i++) {
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  }
  return NULL;
}

int rs_reply_method_not_allowed(rs_reply *r, const char *use, const char *allow)
{
  char desc[64];
  snprintf(desc, sizeof desc, "Method not allowed; use %s", use);
  if (rs_reply_error(r, 405, "invalid_request", desc) != 0)
    return -1;
  return rs_reply_header(r, "Allow", allow);
}

void rs_reply_clear(rs_reply *r)
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
