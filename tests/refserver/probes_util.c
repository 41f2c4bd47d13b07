/* probes_util: the requests the deviation probes share. */
#include "probes_util.h"

#include "tokens_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long token_status(const struct srv *s, const char *form)
{
  struct resp r;
  token_request(&r, s, form);
  long st = r.status;
  resp_free(&r);
  return st;
}

long auth_status(const struct srv *s, const char *path, const char *fmt, const char *token)
{
  char *a = NULL;
  if (fmt) {
    a = malloc(strlen(fmt) + (token ? strlen(token) : 0) + 1);
    if (!a)
      return -1;
    sprintf(a, fmt, token ? token : "");
  }
  struct resp r;
  get_with_auth(&r, s, path, a);
  long st = r.status;
  resp_free(&r);
  free(a);
  return st;
}

char *alice(const struct srv *s) { return get_token(s, "alice", "secret"); }

bool str_eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

cJSON *token_json(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, "grant_type=client_credentials&client_id=alice&client_secret=secret");
  cJSON *j = cJSON_Parse(r.body);
  resp_free(&r);
  return j;
}

bool revoke_token(const struct srv *s, const char *t)
{
  char form[2048];
  snprintf(form, sizeof form, "token=%s", t);
  struct resp r;
  admin_post(&r, s, "revoke", form);
  bool done = r.status == 200;
  resp_free(&r);
  return done;
}
