/* cli: the command line of authconform-refserver, parsed into a configuration it owns. */
#include "cli.h"
#include "cluster.h"

#include "deviations.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum opt_id {
  OPT_ADMIN, OPT_ALG, OPT_BIND, OPT_CERT, OPT_CLUSTER, OPT_DEVIATE, OPT_FLAVOR, OPT_HELP, OPT_KEY, OPT_LATENCY,
  OPT_LIST_DEVIATIONS, OPT_LOCKED_USER, OPT_LOG, OPT_LOG_TOKENS, OPT_PORT, OPT_PREFIX,
  OPT_SIGNING_KEY,
  OPT_THROTTLE, OPT_USER, OPT_USERS, OPT_VERSION
};

/* Whether an option takes a value: ARG_OPTIONAL takes one only as --name=VALUE. */
enum opt_arg { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

struct opt {
  const char *name; /* without the leading "--" */
  enum opt_arg arg;
  enum opt_id id;
};

/* Sorted by name for bsearch. */
static const struct opt options[] = {
  {"admin", ARG_NONE, OPT_ADMIN},
  {"alg", ARG_REQUIRED, OPT_ALG},
  {"bind", ARG_REQUIRED, OPT_BIND},
  {"cert", ARG_REQUIRED, OPT_CERT},
  {"cluster", ARG_REQUIRED, OPT_CLUSTER},
  {"deviate", ARG_REQUIRED, OPT_DEVIATE},
  {"flavor", ARG_REQUIRED, OPT_FLAVOR},
  {"help", ARG_NONE, OPT_HELP},
  {"key", ARG_REQUIRED, OPT_KEY},
  {"latency-ms", ARG_REQUIRED, OPT_LATENCY},
  {"list-deviations", ARG_OPTIONAL, OPT_LIST_DEVIATIONS},
  {"locked-user", ARG_REQUIRED, OPT_LOCKED_USER},
  {"log", ARG_REQUIRED, OPT_LOG},
  {"log-tokens", ARG_NONE, OPT_LOG_TOKENS},
  {"port", ARG_REQUIRED, OPT_PORT},
  {"prefix", ARG_REQUIRED, OPT_PREFIX},
  {"signing-key", ARG_REQUIRED, OPT_SIGNING_KEY},
  {"throttle", ARG_REQUIRED, OPT_THROTTLE},
  {"user", ARG_REQUIRED, OPT_USER},
  {"users", ARG_REQUIRED, OPT_USERS},
  {"version", ARG_NONE, OPT_VERSION},
};

/* Compares a key {name, len} against an option name. */
struct opt_key {
  const char *name;
  size_t len;
};

static int opt_cmp(const void *k, const void *e)
{
  const struct opt_key *key = k;
  const struct opt *o = e;
  int c = strncmp(key->name, o->name, key->len);
  if (c != 0)
    return c;
  return o->name[key->len] == '\0' ? 0 : -1;
}

/* The second half of --help: the endpoints and how the server stops. */
static void help_endpoints(FILE *out)
{
  fputs(
    "\n"
    "Endpoints (under the prefix):\n"
    "  POST auth/token          form grant_type=client_credentials, client_id, client_secret\n"
    "  GET  test/healthcheck    no authentication; text/plain 'OK'\n"
    "  GET  test/hello/{name}   Bearer token; text/plain 'Hello {name}'\n"
    "  GET  projects/           Bearer token; JSON project list\n"
    "  GET  auth/jwks.json      with --alg RS256 or ES256: the JWK Set of the signing key\n"
    "\n"
    "Generic OAuth 2.0 endpoints (--flavor rfc only; ISSUER is {scheme}://{Host header}{prefix}):\n"
    "  GET  /.well-known/oauth-authorization-server{prefix}\n"
    "  GET  {prefix}/.well-known/openid-configuration\n"
    "                           RFC 8414 metadata: issuer ISSUER, token_endpoint,\n"
    "                           revocation_endpoint, introspection_endpoint, the auth methods\n"
    "                           client_secret_basic and client_secret_post, grant_types_supported\n"
    "                           [client_credentials], response_types_supported []\n"
    "  GET  /.well-known/oauth-protected-resource{prefix}\n"
    "                           RFC 9728 metadata: resource ISSUER, authorization_servers [ISSUER],\n"
    "                           bearer_methods_supported [header]\n"
    "  POST auth/revoke         RFC 7009: form token=T [token_type_hint], the client authenticated\n"
    "                           like at auth/token (Basic or form); 200 and an empty body, also\n"
    "                           for unknown, expired or revoked tokens; 400 unauthorized_client\n"
    "                           for another client's token\n"
    "  POST auth/introspect     RFC 7662: form token=T, the client authenticated likewise;\n"
    "                           {\"active\":true,client_id,sub,token_type,exp,iat,iss,aud,jti}\n"
    "                           or {\"active\":false}\n"
    "\n"
    "Admin client (exit 0 on success, 1 on failure with a one-line message, 2 on usage errors):\n"
    "  admin revoke --url URL   revoke the token in $AUTHCONFORM_TOKEN (never taken from argv:\n"
    "                           arguments are visible to other users through ps)\n"
    "  admin mint --url URL --username NAME --kind expired|revoked\n"
    "                           print a correctly signed expired or revoked token\n"
    "  admin failed-logins --url URL [--user NAME]\n"
    "                           print the failed logins since the server started: the count\n"
    "                           of NAME, or one line NAME<TAB>COUNT per account that had any\n"
    "  --cacert FILE, --insecure  TLS verification for https URLs\n"
    "  URL is the server's base, e.g. http://127.0.0.1:8080 (the server needs --admin).\n"
    "\n"
    "SIGTERM or SIGINT stops the server cleanly (exit 0). Exit 2 on usage or configuration errors,\n"
    "1 when the server cannot start.\n",
    out);
}

void rs_cli_help(FILE *out)
{
  fputs(
    "Usage: authconform-refserver [OPTIONS]\n"
    "       authconform-refserver admin revoke --url URL   (token from $AUTHCONFORM_TOKEN)\n"
    "       authconform-refserver admin mint --url URL --username NAME --kind expired|revoked\n"
    "       authconform-refserver admin failed-logins --url URL [--user NAME]\n"
    "\n"
    "Reference target for authconform: the Apinizer Management API auth surface (token issuance,\n"
    "Bearer verification, health, hello, projects) with switchable deliberate defects.\n"
    "\n"
    "Server options:\n"
    "  --bind ADDR          listen address (default 127.0.0.1; IPv6 allowed)\n"
    "  --port N             listen port; 0 picks a free one (default 8080). After listening, prints\n"
    "                       one line 'listening on http://ADDR:PORT' to stdout\n"
    "  --cluster N          serve N nodes (1..16) and a round-robin balancer from one process, as\n"
    "                       replicas behind a load balancer: users, keys, tokens and revocations\n"
    "                       are shared. The balancer listens on --port, each node on a free port;\n"
    "                       prints 'listening on URL (balancer)', then 'listening on URL (node K)'\n"
    "                       for K = 1..N. With --admin, GET /_refserver/nodes counts each node's\n"
    "                       requests\n"
    "  --prefix PATH        where the API lives (default /apiops; '/' for the root)\n"
    "  --flavor documented|rfc\n"
    "                       documented (default): follow the Apinizer documentation.\n"
    "                       rfc: invalid_client instead of unauthorized_client, WWW-Authenticate on\n"
    "                       token-endpoint 401s, HTTP Basic client authentication, case-insensitive\n"
    "                       'Bearer' scheme, RFC 9068 access tokens (typ at+jwt; iss, aud,\n"
    "                       client_id), and the generic OAuth 2.0 endpoints below\n"
    "  --user NAME:PASSWORD[:LIFETIME]\n"
    "                       add a user with roles [ROLE_ADMIN], scopes [read, write] and a token\n"
    "                       lifetime in seconds (default 3600, minimum 1); repeatable\n"
    "  --locked-user NAME:PASSWORD[:LIFETIME]\n"
    "                       add a user whose account is locked from the start: every login, with\n"
    "                       the right password or a wrong one, gets the wrong-password answer\n"
    "                       (401 unauthorized_client \"Bad credentials\"; invalid_client with\n"
    "                       --flavor rfc) and counts as a failed login; repeatable\n"
    "  --users FILE         YAML list of users: {username, password, lifetime, roles: [..],\n"
    "                       scopes: [..], disabled: bool, locked: bool}; roles default to\n"
    "                       [ROLE_ADMIN], [] means none (projects then answers 403); scopes (the\n"
    "                       rfc flavour's token requests) default to [read, write]; locked as\n"
    "                       with --locked-user. --flavor rfc serves GET {prefix}/test/scoped,\n"
    "                       which needs a token granted scope read (else 403 insufficient_scope)\n"
    "  --signing-key STRING HMAC key for the HS256 tokens (default: 32 random bytes per start)\n"
    "  --alg HS256|RS256|ES256\n"
    "                       the tokens' signature algorithm (default HS256). RS256 (RSA 2048) and\n"
    "                       ES256 (P-256) sign with a key generated at each start, kid 'refserver-1',\n"
    "                       published as a JWK Set at GET {prefix}/auth/jwks.json (and as jwks_uri\n"
    "                       in the rfc flavour's metadata); with HS256 that path answers 404: an\n"
    "                       HMAC key is never published. --signing-key applies to HS256 only\n"
    "  --latency-ms N       delay every response by N ms (other connections are not blocked)\n"
    "  --cert FILE --key FILE\n"
    "                       serve HTTPS with this PEM certificate and private key\n"
    "  --admin              enable the admin interface under /_refserver/ on the same port:\n"
    "                       POST /_refserver/revoke (form token=T) revokes T;\n"
    "                       POST /_refserver/mint (form username=U&kind=expired|revoked) returns\n"
    "                       {\"access_token\":...} already expired or already revoked;\n"
    "                       GET /_refserver/failed-logins[?user=NAME] returns {\"NAME\":COUNT} for\n"
    "                       every account with failed logins (or for NAME, 0 included)\n"
    "  --log FILE           append one line per request: time, method, path, status; and one\n"
    "                       line 'TIME failed-login NAME' per failed login of an account: a\n"
    "                       token request naming its client_id (form, JSON, Basic or query) that\n"
    "                       is refused for its credentials (so is a revocation or introspection\n"
    "                       request with --flavor rfc), or any login while it is locked.\n"
    "                       Unknown client_ids and 429 answers (credentials unchecked) are not\n"
    "                       failed logins. Passwords are never logged\n"
    "  --log-tokens         also log every issued token (test use only: tokens are secrets)\n"
    "  --throttle N         after N failed logins for one client_id within 60 s answer 429\n"
    "                       rate_limit_exceeded for 60 s (default 0: off)\n"
    "  --deviate NAME       switch on a deliberate defect; repeatable. The node-* deviations\n"
    "                       change the last node of --cluster N and need it\n"
    "  --list-deviations    print one line per deviation:\n"
    "                       NAME<TAB>CHECK_ID<TAB>PROFILE<TAB>DESCRIPTION<TAB>LEVEL\n"
    "                       CHECK_ID is the bundled suite's test that catches it when the server\n"
    "                       runs with --flavor PROFILE and authconform with --profile PROFILE\n"
    "                       (PROFILE oauth2: the server runs with --flavor rfc, and the generic\n"
    "                       suite suite/oauth2.yaml catches it; PROFILE cluster: the server runs\n"
    "                       with --cluster 3 and the last node deviates);\n"
    "                       LEVEL is must (the run fails, exit 1) or should (a warning: TAP\n"
    "                       'not ok ... # TODO'). docs/deviations.md has the table\n"
    "  --list-deviations=markdown\n"
    "                       print that table as docs/deviations.md shows it\n"
    "  --help, --version\n",
    out);
  help_endpoints(out);
}

/* Replaces *slot with a copy of value; 0 or -1. */
static int set_str(char **slot, const char *value)
{
  char *copy = strdup(value);
  if (!copy)
    return -1;
  free(*slot);
  *slot = copy;
  return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
  if (!*s || strspn(s, "0123456789") != strlen(s))
    return -1;
  errno = 0;
  unsigned long v = strtoul(s, NULL, 10);
  if (errno || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Normalises a prefix to "/a/b" (no trailing slash; "" for the root); -1 when invalid. */
static int set_prefix(rs_config *cfg, const char *value)
{
  if (value[0] != '/' || strchr(value, '?') || strchr(value, '#'))
    return -1;
  if (set_str(&cfg->prefix, value) != 0)
    return -1;
  size_t n = strlen(cfg->prefix);
  while (n > 0 && cfg->prefix[n - 1] == '/')
    cfg->prefix[--n] = '\0';
  return 0;
}

/* --user and --locked-user: appends a copy of arg. */
static rs_cli_action add_user_spec(rs_config *cfg, const char *arg, bool locked)
{
  rs_user_spec *grown = realloc(cfg->user_specs, (cfg->n_user_specs + 1) * sizeof *grown);
  if (!grown)
    return CLI_USAGE_ERROR;
  cfg->user_specs = grown;
  rs_user_spec *spec = &cfg->user_specs[cfg->n_user_specs];
  spec->text = strdup(arg);
  spec->locked = locked;
  if (!spec->text)
    return CLI_USAGE_ERROR;
  cfg->n_user_specs++;
  return CLI_SERVE;
}

/* --deviate NAME: appends the deviation's id. */
static rs_cli_action add_deviation(rs_config *cfg, const char *arg, FILE *err)
{
  int id = rs_dev_lookup(arg);
  if (id < 0) {
    fprintf(err, "authconform-refserver: unknown deviation '%s' (see --list-deviations)\n", arg);
    return CLI_USAGE_ERROR;
  }
  int *grown = realloc(cfg->deviations, (cfg->n_deviations + 1) * sizeof *grown);
  if (!grown)
    return CLI_USAGE_ERROR;
  cfg->deviations = grown;
  cfg->deviations[cfg->n_deviations++] = id;
  return CLI_SERVE;
}

/* Applies one option with its argument (NULL for flags). Returns CLI_SERVE to continue. */
static rs_cli_action apply(rs_config *cfg, const struct opt *o, const char *arg, FILE *err)
{
  unsigned long n = 0;
  switch (o->id) {
  case OPT_HELP:
    return CLI_HELP;
  case OPT_VERSION:
    return CLI_VERSION;
  case OPT_LIST_DEVIATIONS:
    if (!arg)
      return CLI_LIST_DEVIATIONS;
    if (strcmp(arg, "markdown") == 0)
      return CLI_LIST_DEVIATIONS_MARKDOWN;
    fprintf(err, "authconform-refserver: --list-deviations=FORMAT: the only format is markdown\n");
    return CLI_USAGE_ERROR;
  case OPT_ADMIN:
    cfg->admin = true;
    return CLI_SERVE;
  case OPT_LOG_TOKENS:
    cfg->log_tokens = true;
    return CLI_SERVE;
  case OPT_BIND:
    return set_str(&cfg->bind, arg) == 0 ? CLI_SERVE : CLI_USAGE_ERROR;
  case OPT_CERT:
    return set_str(&cfg->cert_file, arg) == 0 ? CLI_SERVE : CLI_USAGE_ERROR;
  case OPT_KEY:
    return set_str(&cfg->key_file, arg) == 0 ? CLI_SERVE : CLI_USAGE_ERROR;
  case OPT_LOG:
    return set_str(&cfg->log_file, arg) == 0 ? CLI_SERVE : CLI_USAGE_ERROR;
  case OPT_USERS:
    return set_str(&cfg->users_file, arg) == 0 ? CLI_SERVE : CLI_USAGE_ERROR;
  case OPT_ALG:
    if (strcmp(arg, "HS256") == 0)
      cfg->alg = ALG_HS256;
    else if (strcmp(arg, "RS256") == 0)
      cfg->alg = ALG_RS256;
    else if (strcmp(arg, "ES256") == 0)
      cfg->alg = ALG_ES256;
    else {
      fprintf(err, "authconform-refserver: --alg must be HS256, RS256 or ES256\n");
      return CLI_USAGE_ERROR;
    }
    return CLI_SERVE;
  case OPT_SIGNING_KEY:
    if (!*arg) {
      fprintf(err, "authconform-refserver: --signing-key must not be empty\n");
      return CLI_USAGE_ERROR;
    }
    return set_str(&cfg->signing_key, arg) == 0 ? CLI_SERVE : CLI_USAGE_ERROR;
  case OPT_PREFIX:
    if (set_prefix(cfg, arg) != 0) {
      fprintf(err, "authconform-refserver: --prefix must be a path starting with '/'\n");
      return CLI_USAGE_ERROR;
    }
    return CLI_SERVE;
  case OPT_FLAVOR:
    if (strcmp(arg, "documented") == 0)
      cfg->flavor = FLAVOR_DOCUMENTED;
    else if (strcmp(arg, "rfc") == 0)
      cfg->flavor = FLAVOR_RFC;
    else {
      fprintf(err, "authconform-refserver: --flavor must be documented or rfc\n");
      return CLI_USAGE_ERROR;
    }
    return CLI_SERVE;
  case OPT_PORT:
    if (parse_ulong(arg, 65535, &n) != 0) {
      fprintf(err, "authconform-refserver: --port must be 0..65535\n");
      return CLI_USAGE_ERROR;
    }
    cfg->port = (unsigned)n;
    return CLI_SERVE;
  case OPT_LATENCY:
    if (parse_ulong(arg, 600000, &n) != 0) {
      fprintf(err, "authconform-refserver: --latency-ms must be 0..600000\n");
      return CLI_USAGE_ERROR;
    }
    cfg->latency_ms = n;
    return CLI_SERVE;
  case OPT_CLUSTER:
    if (parse_ulong(arg, RS_CLUSTER_MAX, &n) != 0 || n < 1) {
      fprintf(err, "authconform-refserver: --cluster must be a number of nodes, 1..%d\n", RS_CLUSTER_MAX);
      return CLI_USAGE_ERROR;
    }
    cfg->cluster = (unsigned)n;
    return CLI_SERVE;
  case OPT_THROTTLE:
    if (parse_ulong(arg, 1000000, &n) != 0) {
      fprintf(err, "authconform-refserver: --throttle must be a count (0 turns it off)\n");
      return CLI_USAGE_ERROR;
    }
    cfg->throttle = (unsigned)n;
    return CLI_SERVE;
  case OPT_USER:
  case OPT_LOCKED_USER:
    return add_user_spec(cfg, arg, o->id == OPT_LOCKED_USER);
  case OPT_DEVIATE:
    return add_deviation(cfg, arg, err);
  }
  return CLI_USAGE_ERROR;
}

rs_cli_action rs_cli_parse(int argc, char **argv, rs_config *cfg, FILE *err)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->port = 8080;
  if (set_str(&cfg->bind, "127.0.0.1") != 0 || set_str(&cfg->prefix, "/apiops") != 0) {
    fprintf(err, "authconform-refserver: out of memory\n");
    return CLI_USAGE_ERROR;
  }
  if (argc > 1 && strcmp(argv[1], "admin") == 0) {
    cfg->admin_index = 2;
    return CLI_ADMIN;
  }
  rs_cli_action result = CLI_SERVE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0 || !a[2]) {
      fprintf(err, "authconform-refserver: unexpected argument '%s' (try --help)\n", a);
      return CLI_USAGE_ERROR;
    }
    const char *eq = strchr(a + 2, '=');
    struct opt_key key = {a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2)};
    const struct opt *o = bsearch(&key, options, sizeof options / sizeof options[0],
                                  sizeof options[0], opt_cmp);
    if (!o) {
      fprintf(err, "authconform-refserver: unknown option '%.*s' (try --help)\n",
              (int)key.len + 2, a);
      return CLI_USAGE_ERROR;
    }
    const char *arg = NULL;
    if (o->arg == ARG_OPTIONAL) {
      arg = eq ? eq + 1 : NULL;
    } else if (o->arg == ARG_REQUIRED) {
      if (eq)
        arg = eq + 1;
      else if (i + 1 < argc)
        arg = argv[++i];
      else {
        fprintf(err, "authconform-refserver: --%s needs a value\n", o->name);
        return CLI_USAGE_ERROR;
      }
    } else if (eq) {
      fprintf(err, "authconform-refserver: --%s takes no value\n", o->name);
      return CLI_USAGE_ERROR;
    }
    rs_cli_action act = apply(cfg, o, arg, err);
    if (act == CLI_USAGE_ERROR)
      return act;
    /* --help and friends win over the rest, but the whole line is still checked. */
    if (act != CLI_SERVE && result == CLI_SERVE)
      result = act;
  }
  if (result == CLI_SERVE && (!cfg->cert_file) != (!cfg->key_file)) {
    fprintf(err, "authconform-refserver: --cert and --key go together\n");
    return CLI_USAGE_ERROR;
  }
  /* A deviation of the cluster's last node would silently do nothing on a single server. */
  for (size_t i = 0; result == CLI_SERVE && !cfg->cluster && i < cfg->n_deviations; i++) {
    if (rs_dev_needs_cluster((rs_dev_id)cfg->deviations[i])) {
      fprintf(err, "authconform-refserver: --deviate %s needs --cluster N (it changes the last node)\n",
              rs_dev_name((rs_dev_id)cfg->deviations[i]));
      return CLI_USAGE_ERROR;
    }
  }
  return result;
}

void rs_cli_config_free(rs_config *cfg)
{
  if (!cfg)
    return;
  free(cfg->bind);
  free(cfg->prefix);
  for (size_t i = 0; i < cfg->n_user_specs; i++)
    free(cfg->user_specs[i].text);
  free(cfg->user_specs);
  free(cfg->users_file);
  free(cfg->signing_key);
  free(cfg->cert_file);
  free(cfg->key_file);
  free(cfg->log_file);
  free(cfg->deviations);
  memset(cfg, 0, sizeof *cfg);
}
