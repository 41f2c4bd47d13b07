/* probes_tokens: probes of the deviations that hand out one token more than once. */
#include "probes_tokens.h"

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
