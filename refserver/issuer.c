/* issuer: the issuer identifier a request sees. */
#include "issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#define MAX_HOST 255 /* a DNS name; longer Host headers are not an address we serve */

/* True when host can stand in a URL's authority as sent: a name or address, a port, IPv6
 * brackets. Anything else (spaces, '/', '@', quotes) is not echoed into documents clients trust. */
static bool host_usable(const char *host)
{
  size_t n = strlen(host);
  return n > 0 && n <= MAX_HOST &&
         strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == n;
}

char *rs_issuer_join(const char *issuer, const char *suffix)
{
  size_t n = strlen(issuer) + strlen(suffix) + 1;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s%s", issuer, suffix);
  return s;
}

/* "{scheme}://{Host}" + middle + prefix; see rs_issuer_of(). */
static char *build(const rs_app *app, const rs_request *rq, const char *middle)
{
  const rs_config *cfg = app->cfg;
  const char *host = rs_rq_header(rq, "Host");
  const char *scheme = cfg->cert_file ? "https" : "http";
  bool v6 = strchr(cfg->bind, ':') != NULL;
  if (!host || !host_usable(host))
    host = NULL;
  size_t n = strlen(scheme) + 3 + (host ? strlen(host) : strlen(cfg->bind) + 2) +
             strlen(middle) + strlen(cfg->prefix) + 1;
  char *s = malloc(n);
  if (!s)
    return NULL;
  if (host)
    snprintf(s, n, "%s://%s%s%s", scheme, host, middle, cfg->prefix);
  else
    snprintf(s, n, "%s://%s%s%s%s%s", scheme, v6 ? "[" : "", cfg->bind, v6 ? "]" : "", middle,
             cfg->prefix);
  return s;
}

char *rs_issuer_of(const rs_app *app, const rs_request *rq)
{
  return build(app, rq, "");
}

char *rs_issuer_well_known(const rs_app *app, const rs_request *rq,
                           const char *well_known)
{
  return build(app, rq, well_known);
}
