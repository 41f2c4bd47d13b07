/* probes_cluster: the last node's deviations, seen by comparing it with the first node. */
#include "probes_cluster.h"

#include "probes_util.h"
#include "tokens_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HELLO "/test/hello/cluster"
#define BEARER "Bearer %s"
#define UNKNOWN_FORM "grant_type=client_credentials&client_id=nobody&client_secret=wrong"
#define WRONG_FORM "grant_type=client_credentials&client_id=mallory&client_secret=wrong"

/* Node 1 and the last node of s; false when s is no cluster (every probe then sees nothing). */
static bool ends(const struct srv *s, struct srv *first, struct srv *last)
{
  if (s->n_nodes < 2)
    return false;
  *first = srv_node(s, 0);
  *last = srv_node(s, s->n_nodes - 1);
  return true;
}

/* A token issued by node 1 is refused by the last node, or the last node's by node 1. */
bool p_node_own_key(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last))
    return false;
  char *t1 = alice(&first), *tn = alice(&last);
  bool seen = t1 && tn && (auth_status(&last, HELLO, BEARER, t1) == 401 ||
                           auth_status(&first, HELLO, BEARER, tn) == 401);
  free(t1);
  free(tn);
  return seen;
}

/* A token revoked an hour ago (admin mint --kind revoked, through node 1) opens hello on the last
 * node while node 1 refuses it: a late node would have learnt of it long since. */
bool p_node_no_revocation(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last))
    return false;
  char *t = admin_mint(&first, "alice", "revoked");
  bool seen = t && auth_status(&first, HELLO, BEARER, t) == 401 &&
              auth_status(&last, HELLO, BEARER, t) == 200;
  free(t);
  return seen;
}

/* Right after a revocation through node 1, node 1 refuses the token and the last node still
 * accepts it; yet the last node does refuse a token revoked an hour ago, so it learns late rather
 * than never. No waiting for the lag itself (RS_NODE_REVOCATION_LAG is 8 s). */
bool p_node_revocation_late(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last))
    return false;
  char *t = alice(&first);
  char *old = admin_mint(&first, "alice", "revoked");
  bool seen = t && old && revoke_token(&first, t) && auth_status(&first, HELLO, BEARER, t) == 401 &&
              auth_status(&last, HELLO, BEARER, t) == 200 &&
              auth_status(&last, HELLO, BEARER, old) == 401;
  free(t);
  free(old);
  return seen;
}

/* The last node answers an unknown client_id 400 invalid_request where node 1 answers 401; a known
 * account's wrong password is still 401 there (the deviation is about unknown ids only). */
bool p_node_bad_credentials(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last))
    return false;
  struct resp r;
  token_request(&r, &last, UNKNOWN_FORM);
  char *code = r.status == 400 ? json_str(r.body, "error") : NULL;
  bool seen = str_eq(code, "invalid_request") && token_status(&first, UNKNOWN_FORM) == 401 &&
              token_status(&last, "grant_type=client_credentials&client_id=alice&"
                                  "client_secret=wrong") == 401;
  free(code);
  resp_free(&r);
  return seen;
}

/* With --throttle 3: after four failed logins of one client_id on node 1, node 2 answers 429 (the
 * shared counter) and the last node does not (a counter of its own). */
bool p_node_throttle_local(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last) || s->n_nodes < 3)
    return false;
  struct srv second = srv_node(s, 1);
  for (int i = 0; i < 4; i++)
    token_status(&first, WRONG_FORM);
  return token_status(&second, WRONG_FORM) == 429 && token_status(&last, WRONG_FORM) != 429;
}

/* A minted expired token (an hour past its exp) and shorty's token after its 1 s lifetime are
 * refused by node 1 and accepted by the last node. */
bool p_node_clock_slow(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last))
    return false;
  char *minted = admin_mint(&first, "alice", "expired");
  char *shorty = get_token(&first, "shorty", "pw");
  bool seen = minted && auth_status(&first, HELLO, BEARER, minted) == 401 &&
              auth_status(&last, HELLO, BEARER, minted) == 200;
  if (seen && shorty) {
    /* exp = iat + 1 with whole-second iat: 1.2 s later the token has expired on a true clock. */
    struct timespec wait = {1, 200 * 1000000L};
    nanosleep(&wait, NULL);
    seen = auth_status(&first, HELLO, BEARER, shorty) == 401 &&
           auth_status(&last, HELLO, BEARER, shorty) == 200;
  }
  free(minted);
  free(shorty);
  return seen && shorty;
}

/* The last node's health check answers 503 while node 1's answers 200. */
bool p_node_health_down(const struct srv *s)
{
  struct srv first, last;
  if (!ends(s, &first, &last))
    return false;
  return auth_status(&first, "/test/healthcheck", NULL, NULL) == 200 &&
         auth_status(&last, "/test/healthcheck", NULL, NULL) == 503;
}
