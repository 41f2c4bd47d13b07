/* auth: Bearer token verification for the protected endpoints (RFC 6750 2.1, 3). */
#include "auth.h"

#include "b64.h"
#include "deviations.h"
#include "node_faults.h"
#include "tokens.h"
#include "users.h"

#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define EXPIRY_LATE_GRACE 120 /* seconds, deviation expiry-late */
#define REVOCATION_DELAY 60   /* seconds, deviation revocation-delayed */
#define NOT_YET_VALID_SKEW 3  /* seconds, deviation bearer-not-yet-valid */
#define HUGE_64K_LIMIT 32768  /* bytes, deviation bearer-huge-64k-500 */
#define USE_QUOTA 50          /* uses per token, deviation bearer-use-quota */

/* The identity deviations grant to requests that carry no usable token. */
static rs_auth_result anonymous(rs_jwt_claims *who)
{
  static char *const admin_role[] = {"ROLE_ADMIN"};
  who->sub = strdup("anonymous");
  who->jti = strdup("anonymous");
  if (!who->sub || !who->jti || rs_jwt_claims_set_roles(who, admin_role, 1) != 0) {
    rs_jwt_claims_free(who);
    return AUTH_NOMEM;
  }
  return AUTH_OK;
}

static bool is_bearer(const char *s, size_t len, bool any_case)
{
  if (len != 6)
    return false;
  /* Deviations: two accepted spellings instead of a case-insensitive comparison. */
  if (rs_dev_on(DEV_BEARER_SCHEME_UPPER_REJECTED))
    return strncmp(s, "Bearer", 6) == 0 || strncmp(s, "bearer", 6) == 0;
  if (rs_dev_on(DEV_BEARER_SCHEME_UPPER_ACCEPTED))
    return strncmp(s, "Bearer", 6) == 0 || strncmp(s, "BEARER", 6) == 0;
  return any_case ? strncasecmp(s, "Bearer", 6) == 0 : strncmp(s, "Bearer", 6) == 0;
}

/* Splits an Authorization value into its token (a pointer into value) or a refusal. */
static rs_auth_result find_token(const rs_app *app, const char *value,
                                 const char **token)
{
  /* RFC 9110 11.1: scheme names are case-insensitive; the Apinizer docs only show "Bearer". */
  bool any_case = app->cfg->flavor == FLAVOR_RFC && !rs_dev_on(DEV_BEARER_SCHEME_CASE_REJECTED);
  const char *sp = strchr(value, ' ');
  if (sp && rs_dev_on(DEV_BEARER_SCHEME_ANY)) {
    const char *last = strrchr(value, ' ');
    *token = last + 1;
    return **token ? AUTH_OK : AUTH_MALFORMED;
  }
  if (!sp) {
    if (strlen(value) < 6 || !is_bearer(value, 6, any_case)) {
      if (rs_dev_on(DEV_BEARER_NO_SCHEME_ACCEPTED)) {
        *token = value;
        return AUTH_OK;
      }
      return AUTH_WRONG_SCHEME;
    }
    if (!value[6] && rs_dev_on(DEV_BEARER_EMPTY_TOKEN_500))
      return AUTH_SERVER_ERROR;
    if (value[6] && rs_dev_on(DEV_BEARER_MALFORMED_ACCEPTED)) {
      *token = value + 6;
      return AUTH_OK;
    }
    return AUTH_MALFORMED; /* "Bearer" alone, or "BearerT" */
  }
  size_t scheme_len = (size_t)(sp - value);
  bool basic_as_bearer = rs_dev_on(DEV_BEARER_BASIC_TOKEN_ACCEPTED) && scheme_len == 5 &&
                         strncmp(value, "Basic", 5) == 0;
  if (!basic_as_bearer && !is_bearer(value, scheme_len, any_case))
    return AUTH_WRONG_SCHEME;
  size_t spaces = strspn(sp, " ");
  /* RFC 6750 2.1 allows 1*SP between scheme and token. */
  if (spaces > 1 && rs_dev_on(DEV_BEARER_EXTRA_SPACE_REJECTED))
    return AUTH_MALFORMED;
  *token = sp + spaces;
  if (!**token && rs_dev_on(DEV_BEARER_BLANK_TOKEN_500))
    return AUTH_SERVER_ERROR;
  if (!**token || strpbrk(*token, " \t"))
    return AUTH_MALFORMED;
  return AUTH_OK;
}

/* Deviation bearer-basic-credentials-accepted: "Basic base64(user:password)" authenticates as that
 * user. Returns AUTH_OK with *who filled, AUTH_NOMEM, or AUTH_WRONG_SCHEME when the value is not
 * working Basic credentials (the request then goes through the normal checks). */
static rs_auth_result basic_user(const rs_app *app, const char *value,
                                 rs_jwt_claims *who)
{
  const char *b64 = value + 6;
  unsigned char *raw = NULL;
  size_t raw_len = 0;
  if (rs_b64std_decode(b64, strlen(b64), &raw, &raw_len) != 0)
    return AUTH_WRONG_SCHEME;
  rs_auth_result r = AUTH_WRONG_SCHEME;
  char *colon = memchr(raw, ':', raw_len);
  const rs_user *u = NULL;
  if (colon && !memchr(raw, '\0', raw_len)) {
    *colon = '\0'; /* raw is NUL-terminated by rs_b64std_decode */
    if (rs_users_authenticate(app->users, (char *)raw, colon + 1, &u) == USERS_OK) {
      who->sub = strdup(u->name);
      who->jti = strdup("basic");
      r = who->sub && who->jti && rs_jwt_claims_set_roles(who, u->roles, u->n_roles) == 0
            ? AUTH_OK : AUTH_NOMEM;
      if (r != AUTH_OK)
        rs_jwt_claims_free(who);
    }
  }
  OPENSSL_cleanse(raw, raw_len);
  free(raw);
  return r;
}

rs_auth_result rs_auth_token(const rs_app *app, const rs_request *rq, const char *token,
                             rs_jwt_claims *who)
{
  const rs_jwt_key *key = rs_node_key(app, rq); /* node-own-key: the last node's own */
  unsigned flags = rs_tokens_verify_flags();
  if (rs_dev_on(DEV_BEARER_ALG_NONE))
    flags |= JWT_ACCEPT_ALG_NONE;
  if (rs_dev_on(DEV_BEARER_ALG_NONE_CASE))
    flags |= JWT_ACCEPT_ALG_NONE_CASE;
  static const struct { rs_dev_id dev; unsigned flag; } attacks[] = {
    {DEV_JWT_ALG_NONE_SIGNATURE_KEPT, JWT_NONE_SIGNATURE_KEPT},
    {DEV_JWT_NULL_SIGNATURE, JWT_NULL_SIGNATURE},
    {DEV_JWT_HMAC_EMPTY_KEY, JWT_HMAC_EMPTY_KEY},
    {DEV_JWT_KID_TRAVERSAL, JWT_KID_TRAVERSAL},
    {DEV_JWT_KID_SQL_INJECTION, JWT_KID_SQLI},
    {DEV_JWT_EMBEDDED_JWK, JWT_EMBEDDED_JWK},
    {DEV_JWT_JKU_TRUSTED, JWT_JKU_TRUSTED},
    {DEV_JWT_X5U_TRUSTED, JWT_X5U_TRUSTED},
    {DEV_JWT_ALG_CONFUSION, JWT_ALG_CONFUSION},
    {DEV_JWT_PSYCHIC_SIGNATURE, JWT_PSYCHIC},
    {DEV_JWT_KEY_SUBSTITUTION, JWT_KEY_SUBSTITUTION},
  };
  for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
    if (rs_dev_on(attacks[i].dev))
      flags |= attacks[i].flag;
  if (rs_dev_on(DEV_BEARER_SIGNATURE_IGNORED))
    flags |= JWT_SKIP_SIGNATURE;
  if (rs_dev_on(DEV_BEARER_TRUNCATED_ACCEPTED))
    flags |= JWT_PREFIX_SIGNATURE;
  if (rs_dev_on(DEV_BEARER_APPENDED_ACCEPTED))
    flags |= JWT_TRAILING_IGNORED;
  rs_jwt_status st = rs_jwt_verify(token, key, flags, who);
  if (st != JWT_OK && st != JWT_NOMEM && rs_dev_on(DEV_BEARER_CASE_INSENSITIVE)) {
    /* As if tokens were looked up in a store with a case-insensitive collation. */
    char *stored = rs_token_store_issued_find_ci(app->tokens, token);
    if (stored) {
      st = rs_jwt_verify(stored, key, flags, who);
      free(stored);
    }
  }
  if (st == JWT_BAD_SIGNATURE && rs_dev_on(DEV_BEARER_UNKNOWN_SUBJECT_UNVERIFIED)) {
    /* As if the verification key were looked up per subject, and an unknown one skipped it. */
    if (rs_jwt_verify(token, key, flags | JWT_SKIP_SIGNATURE, who) == JWT_OK) {
      if (!rs_users_find(app->users, who->sub))
        return AUTH_OK;
      rs_jwt_claims_free(who);
    }
  }
  switch (st) {
  case JWT_OK:
    break;
  case JWT_GARBAGE:
    return AUTH_GARBAGE;
  case JWT_NOMEM:
    return AUTH_NOMEM;
  default:
    return AUTH_INVALID;
  }

  /* A token outlives neither its user nor the user's access. */
  const rs_user *u = rs_users_find(app->users, who->sub);
  time_t now = time(NULL);
  time_t expiry_now = rs_node_expiry_now(app, rq, now); /* node-clock-slow: behind */
  time_t revoked_at = 0;
  rs_auth_result r = AUTH_OK;
  if (!u || u->disabled) {
    r = AUTH_INVALID;
  } else {
    long long deadline = rs_dev_on(DEV_EXPIRY_EXP_MISMATCH) ? who->iat + u->lifetime : who->exp;
    if (rs_dev_on(DEV_EXPIRY_LATE))
      deadline += EXPIRY_LATE_GRACE;
    if (rs_dev_on(DEV_TOKEN_EXPIRES_EARLY))
      deadline = who->iat + (who->exp - who->iat) / 2;
    /* exp is the first second at which the token is no longer accepted (RFC 7519 4.1.4). */
    if ((long long)expiry_now >= deadline && !rs_dev_on(DEV_EXPIRY_IGNORED))
      r = AUTH_EXPIRED;
    else if (rs_dev_on(DEV_BEARER_NOT_YET_VALID) && (long long)now < who->iat + NOT_YET_VALID_SKEW)
      r = AUTH_INVALID;
    else if (!rs_dev_on(DEV_REVOCATION_IGNORED) &&
             rs_token_store_revoked(app->tokens, who->jti, &revoked_at) &&
             (!rs_dev_on(DEV_REVOCATION_DELAYED) || now >= revoked_at + REVOCATION_DELAY) &&
             rs_node_knows_revocation(app, rq, revoked_at, now))
      r = AUTH_REVOKED;
    else if (rs_dev_on(DEV_REVOCATION_REVOKES_USER) &&
             rs_token_store_user_revoked(app->tokens, who->sub, &revoked_at) &&
             rs_node_knows_revocation(app, rq, revoked_at, now))
      r = AUTH_REVOKED;
    /* As if a revocation set a per-user "tokens issued before now are void" mark (iat has whole
     * seconds, so a token of the revocation's second counts as issued before it). */
    else if (rs_dev_on(DEV_REVOKE_ALL_OF_USER) &&
             rs_token_store_user_revoked(app->tokens, who->sub, &revoked_at) &&
             who->iat <= (long long)revoked_at && rs_node_knows_revocation(app, rq, revoked_at, now))
      r = AUTH_REVOKED;
    else if (rs_dev_on(DEV_BEARER_USE_QUOTA) &&
             rs_token_store_count_use(app->tokens, who->jti) > USE_QUOTA)
      r = AUTH_INVALID;
  }
  if (r != AUTH_OK)
    rs_jwt_claims_free(who);
  return r;
}

rs_auth_result rs_auth_bearer(const rs_app *app, const rs_request *rq,
                              rs_jwt_claims *who)
{
  memset(who, 0, sizeof *who);
  size_t count = rs_rq_header_count(rq, "Authorization");
  if (count == 0) {
    const char *q = rs_rq_query(rq, "access_token");
    /* RFC 6750 2.3: a server need not read the query; this one never does, tokens in URLs leak. */
    if (q && *q && rs_dev_on(DEV_BEARER_QUERY_TOKEN))
      return anonymous(who);
    if (q && *q && rs_dev_on(DEV_BEARER_QUERY_TOKEN_VERIFIED))
      return rs_auth_token(app, rq, q, who);
    if (rs_dev_on(DEV_BEARER_NO_HEADER_200))
      return anonymous(who);
    return AUTH_MISSING;
  }
  if (count > 1 && !rs_dev_on(DEV_BEARER_DUPLICATE_FIRST_WINS))
    return AUTH_DUPLICATE;
  const char *value = rs_rq_header(rq, "Authorization");
  size_t value_len = strlen(value);
  if (value_len > HUGE_64K_LIMIT && rs_dev_on(DEV_BEARER_HUGE_64K_500))
    return AUTH_SERVER_ERROR;
  if (value_len > AUTH_MAX_HEADER)
    return AUTH_TOO_LARGE;
  if (rs_dev_on(DEV_BEARER_BASIC_CREDENTIALS_ACCEPTED) && strncmp(value, "Basic ", 6) == 0) {
    rs_auth_result r = basic_user(app, value, who);
    if (r != AUTH_WRONG_SCHEME)
      return r;
  }
  const char *token = NULL;
  rs_auth_result r = find_token(app, value, &token);
  if (r != AUTH_OK)
    return r;
  return rs_auth_token(app, rq, token, who);
}

/* Adds the RFC 6750 3 challenge: error= only when a token was presented (3.1), and the RFC 9728
 * resource_metadata parameter when rm is not NULL. */
static int challenge(rs_reply *out, bool token_presented, const char *why, const char *rm)
{
  if (rs_dev_on(DEV_BEARER_NO_WWW_AUTHENTICATE))
    return 0;
  char buf[160];
  if (token_presented && !rs_dev_on(DEV_BEARER_GARBAGE_CHALLENGE_NO_ERROR))
    snprintf(buf, sizeof buf,
             "Bearer realm=\"apinizer\", error=\"invalid_token\", error_description=\"%s\"", why);
  else if (!token_presented && rs_dev_on(DEV_BEARER_CHALLENGE_ERROR_ON_MISSING))
    snprintf(buf, sizeof buf, "Bearer realm=\"apinizer\", error=\"invalid_token\"");
  else
    snprintf(buf, sizeof buf, "Bearer realm=\"apinizer\"");
  if (!rm)
    return rs_reply_header(out, "WWW-Authenticate", buf);
  size_t n = strlen(buf) + strlen(rm) + sizeof ", resource_metadata=\"\"";
  char *value = malloc(n);
  if (!value)
    return -1;
  snprintf(value, n, "%s, resource_metadata=\"%s\"", buf, rm);
  int rc = rs_reply_header(out, "WWW-Authenticate", value);
  free(value);
  return rc;
}

/* A 401 with the documented JSON body (or a deviation's variant) and its challenge. */
static int unauthorized(rs_reply *out, const char *code, const char *description,
                        bool token_presented, const char *why, const char *rm)
{
  int rc;
  if (rs_dev_on(DEV_BEARER_ERROR_NOT_JSON)) {
    rc = rs_reply_text(out, 401, CT_TEXT, description);
  } else if (rs_dev_on(DEV_ERROR_STACK_TRACE)) {
    char desc[512];
    snprintf(desc, sizeof desc, "%s\n%s", description, DEV_JAVA_STACK_TRACE);
    rc = rs_reply_error(out, 401, code, desc);
  } else {
    rc = rs_reply_error(out, 401, code, description);
  }
  return rc != 0 ? rc : challenge(out, token_presented, why, rm);
}

int rs_auth_refuse(rs_auth_result result, const char *rm, rs_reply *out)
{
  switch (result) {
  case AUTH_MISSING:
    if (rs_dev_on(DEV_BEARER_NO_HEADER_403))
      return rs_reply_error(out, 403, "forbidden", "Access is denied");
    return unauthorized(out, "unauthorized_client", "Full authentication is required", false, NULL,
                        rm);
  case AUTH_WRONG_SCHEME:
    return unauthorized(out, "unauthorized_client", "Full authentication is required", false, NULL,
                        rm);
  case AUTH_SERVER_ERROR:
    return rs_reply_error(out, 500, "server_error", "An unexpected error occurred");
  case AUTH_DUPLICATE:
    return rs_reply_error(out, 400, "invalid_request", "Only one Authorization header is allowed");
  case AUTH_TOO_LARGE:
    if (rs_dev_on(DEV_BEARER_HUGE_500))
      return rs_reply_error(out, 500, "server_error", "An unexpected error occurred");
    return rs_reply_error(out, 431, "invalid_request", "Authorization header too large");
  case AUTH_GARBAGE:
    if (rs_dev_on(DEV_BEARER_GARBAGE_500))
      return rs_reply_error(out, 500, "server_error", "An unexpected error occurred");
    return unauthorized(out,
                        rs_dev_on(DEV_BEARER_GARBAGE_UNDOCUMENTED_CODE) ? "bad_token"
                                                                      : "unauthorized_client",
                        "Invalid token", true, "The access token is malformed", rm);
  case AUTH_MALFORMED:
  case AUTH_INVALID:
    return unauthorized(out, "unauthorized_client", "Invalid token", true,
                        "The access token is invalid", rm);
  case AUTH_EXPIRED:
    return unauthorized(out, rs_dev_on(DEV_EXPIRY_WRONG_ERROR_CODE) ? "expired" : "invalid_token",
                        "Token is invalid or expired", !rs_dev_on(DEV_EXPIRY_CHALLENGE_NO_ERROR),
                        "The access token expired", rm);
  case AUTH_REVOKED:
    return unauthorized(out, "invalid_token", "Token is invalid or expired", true,
                        "The access token was revoked", rm);
  case AUTH_OK:
  case AUTH_NOMEM:
    break;
  }
  return -1;
}
