/* probes_tokens: probes of the deviations that hand out one token more than once, revoke more than
 * one, or end one early. */
#include "probes_tokens.h"

#include "tokens_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Two tokens for alice back to back are one token; one more after the 1 s window is a new one,
 * which tells this deviation from token-same-token (the same token for its whole life). */
bool p_same_back_to_back(const struct srv *s)
{
  char *a = get_token(s, "alice", "secret");
  char *b = get_token(s, "alice", "secret");
  struct timespec window = {1, 200000000};
  nanosleep(&window, NULL);
  char *c = get_token(s, "alice", "secret");
  bool seen = same(a, b) && c && !same(a, c);
  free(a);
  free(b);
  free(c);
  return seen;
}

/* alice's token and then shorty's, back to back: shorty gets alice's. */
bool p_shared_across_clients(const struct srv *s)
{
  char *a = get_token(s, "alice", "secret");
  char *b = get_token(s, "shorty", "pw");
  bool seen = same(a, b);
  free(a);
  free(b);
  return seen;
}

static long hello_status(const struct srv *s, const char *token)
{
  char auth[2048];
  snprintf(auth, sizeof auth, "Bearer %s", token ? token : "");
  struct resp r;
  get_with_auth(&r, s, "/test/hello/x", auth);
  long status = r.status;
  resp_free(&r);
  return status;
}

/* Revoking one of two tokens issued together refuses the other too, while a token issued in a
 * later second works (which tells it from revocation-revokes-user). */
bool p_revoke_all_of_user(const struct srv *s)
{
  char *doomed = get_token(s, "alice", "secret");
  char *sibling = get_token(s, "alice", "secret");
  char form[2048];
  snprintf(form, sizeof form, "token=%s", doomed ? doomed : "");
  struct resp r;
  admin_post(&r, s, "revoke", form);
  bool revoked = r.status == 200;
  resp_free(&r);
  bool sibling_refused = revoked && hello_status(s, sibling) == 401;
  /* iat has whole seconds: wait for the next one. */
  time_t then = time(NULL);
  struct timespec tick = {0, 100000000};
  while (time(NULL) <= then)
    nanosleep(&tick, NULL);
  char *later = get_token(s, "alice", "secret");
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
