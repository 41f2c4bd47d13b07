/* probes_bearer: probes of the deviations in Bearer token handling. */
#include "probes_bearer.h"

#include "probes_util.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when hello accepts the token that change() makes from a fresh token of alice. */
static bool altered_accepted(const struct srv *s, char *(*change)(const char *t, const void *arg),
                             const void *arg)
{
  char *t = alice(s);
  char *a = t ? change(t, arg) : NULL;
  bool bad = a && auth_status(s, "/test/hello/x", "Bearer %s", a) == 200;
  free(a);
  free(t);
  return bad;
}

static char *ch_unsigned(const char *t, const void *alg) { return tok_unsigned(t, alg); }
static char *ch_signature(const char *t, const void *arg)
{
  (void)arg;
  return tok_alter_signature(t);
}
static char *ch_forge_exp(const char *t, const void *arg)
{
  (void)arg;
  return tok_forge_exp(t, 100000);
}
static char *ch_append(const char *t, const void *suffix) { return tok_append(t, suffix); }
static char *ch_truncate(const char *t, const void *arg)
{
  (void)arg;
  return tok_truncate(t, 8); /* as BEARER-ALTERED-TRUNCATED does */
}
static char *ch_flip_case(const char *t, const void *arg)
{
  (void)arg;
  return tok_flip_case(t);
}

/* T with the sub claim replaced by "admin" (not an account), the old signature kept. */
static char *ch_forge_sub(const char *t, const void *arg)
{
  (void)arg;
  char *payload = jwt_payload(t);
  cJSON *j = cJSON_Parse(payload ? payload : "");
  free(payload);
  if (!cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return NULL;
  }
  cJSON_DeleteItemFromObjectCaseSensitive(j, "sub");
  cJSON_AddStringToObject(j, "sub", "admin");
  char *out = tok_with_payload(t, j);
  cJSON_Delete(j);
  return out;
}

bool p_alg_none(const struct srv *s) { return altered_accepted(s, ch_unsigned, "none"); }
bool p_alg_none_case(const struct srv *s)
{
  return altered_accepted(s, ch_unsigned, "None");
}
bool p_signature_ignored(const struct srv *s)
{
  return altered_accepted(s, ch_signature, NULL);
}
bool p_payload_unsigned(const struct srv *s)
{
  return altered_accepted(s, ch_forge_exp, NULL);
}
bool p_unknown_subject(const struct srv *s)
{
  return altered_accepted(s, ch_forge_sub, NULL);
}
bool p_truncated(const struct srv *s) { return altered_accepted(s, ch_truncate, NULL); }
bool p_appended(const struct srv *s) { return altered_accepted(s, ch_append, "AAAA"); }
bool p_case_insensitive(const struct srv *s)
{
  return altered_accepted(s, ch_flip_case, NULL);
}

bool p_not_yet_valid(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && auth_status(s, "/test/hello/x", "Bearer %s", t) != 200;
  free(t);
  return bad;
}

bool p_no_header_200(const struct srv *s)
{
  return auth_status(s, "/test/hello/x", NULL, NULL) == 200;
}

bool p_no_header_403(const struct srv *s)
{
  return auth_status(s, "/test/hello/x", NULL, NULL) == 403;
}

bool p_projects_no_header(const struct srv *s)
{
  return auth_status(s, "/projects/", NULL, NULL) == 200;
}

bool p_empty_token_500(const struct srv *s)
{
  return auth_status(s, "/test/hello/x", "Bearer", NULL) >= 500;
}

bool p_blank_token_500(const struct srv *s)
{
  return auth_status(s, "/test/hello/x", "Bearer ", NULL) >= 500;
}

bool p_malformed(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && auth_status(s, "/test/hello/x", "Bearer%s", t) == 200;
  free(t);
  return bad;
}

/* True when hello answers 200 to the Authorization value printf(fmt, a fresh token). */
static bool accepted_as(const struct srv *s, const char *fmt)
{
  char *t = alice(s);
  bool bad = t && auth_status(s, "/test/hello/x", fmt, t) == 200;
  free(t);
  return bad;
}

bool p_scheme_any(const struct srv *s) { return accepted_as(s, "Token %s"); }
bool p_no_scheme(const struct srv *s) { return accepted_as(s, "%s"); }
bool p_basic_token(const struct srv *s) { return accepted_as(s, "Basic %s"); }
bool p_scheme_upper_accepted(const struct srv *s) { return accepted_as(s, "BEARER %s"); }

bool p_scheme_upper_rejected(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && auth_status(s, "/test/hello/x", "BEARER %s", t) != 200;
  free(t);
  return bad;
}

bool p_basic_credentials(const struct srv *s)
{
  return auth_status(s, "/test/hello/x", "Basic YWxpY2U6c2VjcmV0", NULL) == 200; /* alice:secret */
}

bool p_query_token_verified(const struct srv *s)
{
  char *t = alice(s);
  char path[2048];
  snprintf(path, sizeof path, "/test/hello/x?access_token=%s", t ? t : "");
  bool bad = t && auth_status(s, path, NULL, NULL) == 200;
  free(t);
  return bad;
}

bool p_use_quota(const struct srv *s)
{
  char *t = alice(s);
  bool refused = false;
  for (int i = 0; t && i < 51 && !refused; i++)
    refused = auth_status(s, "/test/hello/x", "Bearer %s", t) != 200;
  free(t);
  return refused;
}

bool p_query_token(const struct srv *s)
{
  return auth_status(s, "/test/hello/x?access_token=garbage", NULL, NULL) == 200;
}

bool p_scheme_case(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && auth_status(s, "/test/hello/x", "bearer %s", t) != 200;
  free(t);
  return bad;
}

bool p_extra_space(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && auth_status(s, "/test/hello/x", "Bearer  %s", t) != 200;
  free(t);
  return bad;
}

static char *challenge(const struct srv *s, const char *auth)
{
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", auth);
  char *v = resp_header(&r, "WWW-Authenticate");
  resp_free(&r);
  return v;
}

bool p_no_www(const struct srv *s)
{
  char *v = challenge(s, NULL);
  bool missing = v == NULL;
  free(v);
  return missing;
}

bool p_challenge_error_missing(const struct srv *s)
{
  char *v = challenge(s, NULL);
  bool bad = v && strstr(v, "error=");
  free(v);
  return bad;
}

bool p_garbage_challenge(const struct srv *s)
{
  char *v = challenge(s, "Bearer xyz");
  bool bad = !v || !strstr(v, "error=\"invalid_token\"");
  free(v);
  return bad;
}

bool p_garbage_500(const struct srv *s)
{
  return auth_status(s, "/test/hello/x", "Bearer xyz", NULL) >= 500;
}

bool p_garbage_code(const struct srv *s)
{
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", "Bearer xyz");
  char *e = json_str(r.body, "error");
  bool bad = !str_eq(e, "unauthorized_client") && !str_eq(e, "invalid_token") &&
             !str_eq(e, "token_expired");
  free(e);
  resp_free(&r);
  return bad;
}

static bool huge_500(const struct srv *s, size_t n)
{
  char *huge = malloc(n + 8);
  if (!huge)
    return false;
  strcpy(huge, "Bearer ");
  memset(huge + 7, 'a', n);
  huge[7 + n] = '\0';
  long st = auth_status(s, "/test/hello/x", "%s", huge);
  free(huge);
  return st >= 500;
}

bool p_huge_500(const struct srv *s) { return huge_500(s, 16 * 1024); }
bool p_huge_64k_500(const struct srv *s) { return huge_500(s, 64 * 1024); }

bool p_duplicate(const struct srv *s)
{
  char *t = alice(s);
  if (!t)
    return false;
  char first[2048];
  snprintf(first, sizeof first, "Authorization: Bearer %s", t);
  const char *h[] = {first, "Authorization: Bearer xyz", NULL};
  char url[512];
  snprintf(url, sizeof url, "%s/test/hello/x", s->api);
  struct resp r;
  http(&r, "GET", url, h, NULL);
  bool bad = r.status == 200;
  resp_free(&r);
  free(t);
  return bad;
}

bool p_bearer_not_json(const struct srv *s)
{
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", NULL);
  char *e = json_str(r.body, "error");
  bool bad = r.status == 401 && !e;
  free(e);
  resp_free(&r);
  return bad;
}
