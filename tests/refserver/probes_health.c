/* probes_health: probes of the health, response-shape and leak deviations (see probes_health.h). */
#include "probes_health.h"

#include "probes_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool p_health_auth(const struct srv *s)
{
  return auth_status(s, "/test/healthcheck", NULL, NULL) == 401;
}

bool p_health_json(const struct srv *s)
{
  struct resp r;
  get_with_auth(&r, s, "/test/healthcheck", NULL);
  char *ct = resp_header(&r, "Content-Type");
  bool bad = !ct || strncmp(ct, "text/plain", 10) != 0 || strcmp(r.body, "OK") != 0;
  free(ct);
  resp_free(&r);
  return bad;
}

bool p_health_leak(const struct srv *s)
{
  struct resp r;
  get_with_auth(&r, s, "/test/healthcheck", NULL);
  bool bad = r.status == 200 && strncmp(r.body, "OK", 2) == 0 && strcmp(r.body, "OK") != 0;
  resp_free(&r);
  return bad;
}

bool p_stack_trace(const struct srv *s)
{
  struct resp r;
  get_with_auth(&r, s, "/no/such/path", NULL);
  bool bad = strstr(r.body, "at com.") != NULL;
  resp_free(&r);
  return bad;
}

static cJSON *projects(const struct srv *s)
{
  char *t = alice(s);
  char *a = t ? malloc(strlen(t) + 8) : NULL;
  if (a)
    sprintf(a, "Bearer %s", t);
  struct resp r;
  get_with_auth(&r, s, "/projects/", a);
  cJSON *j = cJSON_Parse(r.body);
  resp_free(&r);
  free(a);
  free(t);
  return j;
}

bool p_projects_shape(const struct srv *s)
{
  cJSON *j = projects(s);
  bool bad = !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "resultList"));
  cJSON_Delete(j);
  return bad;
}

bool p_projects_count(const struct srv *s)
{
  cJSON *j = projects(s);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "resultList");
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "resultCount");
  bool bad = cJSON_IsArray(list) && cJSON_IsNumber(n) &&
             n->valuedouble < (double)cJSON_GetArraySize(list);
  cJSON_Delete(j);
  return bad;
}

bool p_hello_body(const struct srv *s)
{
  char *t = alice(s);
  char *a = t ? malloc(strlen(t) + 8) : NULL;
  if (a)
    sprintf(a, "Bearer %s", t);
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", a);
  bool bad = r.status == 200 && strcmp(r.body, "Hello x") != 0;
  resp_free(&r);
  free(a);
  free(t);
  return bad;
}
