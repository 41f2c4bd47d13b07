/* probes_perm: the probes of the permission deviations (roles and scopes, issue 16). */
#include "probes_perm.h"

#include "probes_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char users_path[64];

const char *const PERM_LIMITED_ARGS[] = {"--users", users_path, NULL};

int perm_users_create(void)
{
  const char *p = temp_file(3, "- { username: limited, password: limitedpw, roles: [] }\n");
  if (!p)
    return -1;
  snprintf(users_path, sizeof users_path, "%s", p);
  return 0;
}

void perm_users_remove(void)
{
  if (users_path[0])
    unlink(users_path);
}

/* GET path with the limited account's token; the response in *r (free with resp_free). */
static void limited_get(struct resp *r, const struct srv *s, const char *path)
{
  char *t = get_token(s, "limited", "limitedpw");
  char *a = t ? malloc(strlen(t) + 8) : NULL;
  if (a)
    sprintf(a, "Bearer %s", t);
  get_with_auth(r, s, path, a);
  free(a);
  free(t);
}

bool p_roles_ignored(const struct srv *s)
{
  struct resp r;
  limited_get(&r, s, "/projects/");
  bool bad = r.status == 200;
  resp_free(&r);
  return bad;
}

bool p_forbidden_not_json(const struct srv *s)
{
  struct resp r;
  limited_get(&r, s, "/projects/");
  char *ct = resp_header(&r, "Content-Type");
  bool bad = r.status == 403 && !contains(ct, "application/json");
  free(ct);
  resp_free(&r);
  return bad;
}

bool p_hello_requires_role(const struct srv *s)
{
  struct resp r;
  limited_get(&r, s, "/test/hello/x");
  bool bad = r.status == 403;
  resp_free(&r);
  return bad;
}

/* The JSON answer to alice's token request with scope (form-encoded already; NULL: none). */
static cJSON *alice_scoped(const struct srv *s, const char *scope)
{
  char form[256];
  snprintf(form, sizeof form, "grant_type=client_credentials&client_id=alice&client_secret=secret%s%s",
           scope ? "&scope=" : "", scope ? scope : "");
  struct resp r;
  token_request(&r, s, form);
  cJSON *j = r.status == 200 ? cJSON_Parse(r.body) : NULL;
  resp_free(&r);
  return j;
}

/* The status of test/scoped for alice's token requested without a scope. */
static long unscoped_status(const struct srv *s)
{
  cJSON *j = alice_scoped(s, NULL);
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "access_token");
  long st = cJSON_IsString(t) ? auth_status(s, "/test/scoped", "Bearer %s", t->valuestring) : -1;
  cJSON_Delete(j);
  return st;
}

bool p_scope_ignored(const struct srv *s) { return unscoped_status(s) == 200; }

bool p_insufficient_scope_401(const struct srv *s) { return unscoped_status(s) == 401; }

bool p_scope_widened(const struct srv *s)
{
  cJSON *j = alice_scoped(s, "read");
  const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "scope");
  bool bad = j && cJSON_IsString(sc) && strcmp(sc->valuestring, "read") != 0;
  cJSON_Delete(j);
  return bad;
}

bool p_scope_narrowed_unstated(const struct srv *s)
{
  cJSON *j = alice_scoped(s, "read+nosuch");
  bool bad = j && !cJSON_GetObjectItemCaseSensitive(j, "scope");
  cJSON_Delete(j);
  return bad;
}
