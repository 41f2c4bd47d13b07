/* probes_tokens: probes of the deviations in a token's life after issuance: handed out more than
 * once, expired too late, early or inconsistently, revoked not at all, late or too widely. */
#include "probes_tokens.h"

#include "probes_util.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Two tokens for alice back to back are one token; one more after the 1 s window is a new one,
 * which tells this deviation from token-same-token (the same token for its whole life). */
bool p_same_back_to_back(const struct srv *s)
{
  char *a = alice(s);
  char *b = alice(s);
  struct timespec window = {1, 200000000};
  nanosleep(&window, NULL);
  char *c = alice(s);
  bool seen = str_eq(a, b) && c && !str_eq(a, c);
  free(a);
  free(b);
  free(c);
  return seen;
}

/* alice's token and then shorty's, back to back: shorty gets alice's. */
bool p_shared_across_clients(const struct srv *s)
{
  char *a = alice(s);
  char *b = get_token(s, "shorty", "pw");
  bool seen = str_eq(a, b);
  free(a);
  free(b);
  return seen;
}

static long hello_status(const struct srv *s, const char *token)
{
  return auth_status(s, "/test/hello/x", "Bearer %s", token);
}

/* Revoking one of two tokens issued together refuses the other too, while a token issued in a
 * later second works (which tells it from revocation-revokes-user). */
bool p_revoke_all_of_user(const struct srv *s)
{
  char *doomed = alice(s);
  char *sibling = alice(s);
  bool sibling_refused = doomed && revoke_token(s, doomed) && hello_status(s, sibling) == 401;
  /* iat has whole seconds: wait for the next one. */
  time_t then = time(NULL);
  struct timespec tick = {0, 100000000};
  while (time(NULL) <= then)
    nanosleep(&tick, NULL);
  char *later = alice(s);
  bool later_works = hello_status(s, later) == 200;
  free(doomed);
  free(sibling);
  free(later);
  return sibling_refused && later_works;
}

/* A 4 s token works at once and is refused from iat + 2 on, half its lifetime before exp (a
 * correct server accepts it until iat + 4). */
bool p_expires_early(const struct srv *s)
{
  char *t = get_token(s, "early", "pw");
  long long iat = t ? claim_num(t, "iat") : -1;
  bool works = hello_status(s, t) == 200;
  struct timespec tick = {0, 100000000};
  while (iat > 0 && (long long)time(NULL) < iat + 2)
    nanosleep(&tick, NULL);
  bool refused = (long long)time(NULL) < iat + 3 && hello_status(s, t) == 401;
  free(t);
  return works && refused;
}

/* ---- expiry ---- */

bool p_expiry_ignored(const struct srv *s)
{
  char *t = admin_mint(s, "alice", "expired");
  bool bad = t && auth_status(s, "/test/hello/x", "Bearer %s", t) == 200;
  free(t);
  return bad;
}

bool p_expiry_late(const struct srv *s)
{
  char *t = get_token(s, "shorty", "pw");
  if (!t)
    return false;
  struct timespec wait = {2, 200 * 1000000L};
  nanosleep(&wait, NULL);
  bool bad = auth_status(s, "/test/hello/x", "Bearer %s", t) == 200;
  free(t);
  return bad;
}

bool p_exp_mismatch(const struct srv *s)
{
  cJSON *j = token_json(s);
  const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  bool bad = false;
  if (cJSON_IsString(at) && cJSON_IsNumber(e))
    bad = llabs(claim_num(at->valuestring, "exp") - claim_num(at->valuestring, "iat") -
                (long long)e->valuedouble) > 5;
  cJSON_Delete(j);
  return bad;
}

/* Hello's answer to an expired token of alice; false (and *r empty) when none could be minted.
 * Free *r with resp_free(). */
static bool expired_hello(const struct srv *s, struct resp *r)
{
  memset(r, 0, sizeof *r);
  char *t = admin_mint(s, "alice", "expired");
  char *a = t ? malloc(strlen(t) + 8) : NULL;
  if (a) {
    sprintf(a, "Bearer %s", t);
    get_with_auth(r, s, "/test/hello/x", a);
  }
  free(a);
  free(t);
  return a != NULL;
}

bool p_expiry_code(const struct srv *s)
{
  struct resp r;
  expired_hello(s, &r);
  char *e = json_str(r.body, "error");
  bool bad = r.status == 401 && !str_eq(e, "invalid_token") && !str_eq(e, "token_expired") &&
             !str_eq(e, "unauthorized_client");
  free(e);
  resp_free(&r);
  return bad;
}

bool p_expiry_challenge(const struct srv *s)
{
  struct resp r;
  bool minted = expired_hello(s, &r);
  char *v = resp_header(&r, "WWW-Authenticate");
  bool bad = minted && r.status == 401 && (!v || !strstr(v, "error=\"invalid_token\""));
  free(v);
  resp_free(&r);
  return bad;
}

/* ---- revocation ---- */

bool p_revocation_ignored(const struct srv *s)
{
  char *t = admin_mint(s, "alice", "revoked");
  bool bad = t && auth_status(s, "/test/hello/x", "Bearer %s", t) == 200;
  free(t);
  return bad;
}

bool p_revocation_delayed(const struct srv *s)
{
  char *t = alice(s);
  bool bad = t && revoke_token(s, t) && auth_status(s, "/test/hello/x", "Bearer %s", t) == 200;
  free(t);
  return bad;
}

bool p_revokes_user(const struct srv *s)
{
  char *t = alice(s);
  bool revoked = t && revoke_token(s, t);
  char *fresh = revoked ? alice(s) : NULL;
  bool bad = fresh && auth_status(s, "/test/hello/x", "Bearer %s", fresh) != 200;
  free(fresh);
  free(t);
  return bad;
}
