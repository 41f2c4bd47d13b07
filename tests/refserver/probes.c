/* probes: one probe per deviation. Each probe returns true when it sees its deviation's defect;
 * the group runs every probe against a server with the deviation (must see it) and a correct one
 * (must not), and checks that the happy path still works with the deviation on. */
#include "probes.h"

#include "deviations.h"

#include "harness.h"
#include "probes_bearer.h"
#include "probes_cluster.h"
#include "probes_health.h"
#include "probes_jwt.h"
#include "probes_near.h"
#include "probes_oauth2.h"
#include "probes_perm.h"
#include "probes_tokens.h"
#include "probes_util.h"
#include "tokens_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FORM(id, secret) "grant_type=client_credentials&client_id=" id "&client_secret=" secret

static char *header_of(const struct srv *s, const char *form, const char *name)
{
  struct resp r;
  token_request(&r, s, form);
  char *v = resp_header(&r, name);
  resp_free(&r);
  return v;
}

/* ---- issuance ---- */

static bool p_wrong_password(const struct srv *s)
{
  return token_status(s, FORM("alice", "wrong")) == 200;
}

static bool p_unknown_user(const struct srv *s)
{
  return token_status(s, FORM("nobody", "wrong")) == 200;
}

static long json_body_status(const struct srv *s)
{
  char url[512];
  snprintf(url, sizeof url, "%s/auth/token", s->api);
  const char *h[] = {"Content-Type: application/json", NULL};
  struct resp r;
  http(&r, "POST", url, h,
       "{\"grant_type\":\"client_credentials\",\"client_id\":\"alice\",\"client_secret\":\"secret\"}");
  long st = r.status;
  resp_free(&r);
  return st;
}

static bool p_json_accepted(const struct srv *s) { return json_body_status(s) == 200; }
static bool p_json_500(const struct srv *s) { return json_body_status(s) >= 500; }

static bool p_no_store(const struct srv *s)
{
  char *v = header_of(s, FORM("alice", "secret"), "Cache-Control");
  bool missing = !v || !strstr(v, "no-store");
  free(v);
  return missing;
}

static bool p_pragma(const struct srv *s)
{
  char *v = header_of(s, FORM("alice", "secret"), "Pragma");
  bool missing = !str_eq(v, "no-cache");
  free(v);
  return missing;
}

static bool p_type_lowercase(const struct srv *s)
{
  cJSON *j = token_json(s);
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "token_type");
  bool wrong = !cJSON_IsString(t) || strcmp(t->valuestring, "Bearer") != 0;
  cJSON_Delete(j);
  return wrong;
}

static bool p_content_type_text(const struct srv *s)
{
  char *v = header_of(s, FORM("alice", "secret"), "Content-Type");
  bool wrong = !v || strncmp(v, "application/json", 16) != 0;
  free(v);
  return wrong;
}

static bool p_expires_in_string(const struct srv *s)
{
  cJSON *j = token_json(s);
  bool wrong = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "expires_in"));
  cJSON_Delete(j);
  return wrong;
}

static bool p_expires_in_zero(const struct srv *s)
{
  cJSON *j = token_json(s);
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  bool wrong = cJSON_IsNumber(e) && e->valuedouble <= 0;
  cJSON_Delete(j);
  return wrong;
}

static bool p_expires_in_missing(const struct srv *s)
{
  cJSON *j = token_json(s);
  bool wrong = j && !cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  cJSON_Delete(j);
  return wrong;
}

static bool p_wrong_grant_200(const struct srv *s)
{
  return token_status(s, "grant_type=password&client_id=alice&client_secret=secret") == 200;
}

static bool p_wrong_grant_code(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, "grant_type=password&client_id=alice&client_secret=secret");
  char *e = json_str(r.body, "error");
  bool wrong = r.status == 400 && !str_eq(e, "unsupported_grant_type");
  free(e);
  resp_free(&r);
  return wrong;
}

static bool p_missing_grant_500(const struct srv *s)
{
  return token_status(s, "client_id=alice&client_secret=secret") >= 500;
}

static bool p_unknown_param(const struct srv *s)
{
  return token_status(s, FORM("alice", "secret") "&foo=bar") != 200;
}

static long get_token_status(const struct srv *s, const char *query)
{
  char url[512];
  snprintf(url, sizeof url, "%s/auth/token?%s", s->api, query);
  struct resp r;
  http(&r, "GET", url, NULL, NULL);
  long st = r.status;
  resp_free(&r);
  return st;
}

static bool p_get_accepted(const struct srv *s)
{
  return get_token_status(s, FORM("alice", "secret")) == 200;
}

static bool p_get_not_405(const struct srv *s)
{
  return get_token_status(s, FORM("nobody", "wrong")) == 401;
}

static bool p_get_any(const struct srv *s)
{
  return get_token_status(s, FORM("nobody", "wrong")) == 200;
}

static bool p_same_token(const struct srv *s)
{
  char *a = alice(s), *b = alice(s);
  bool same = str_eq(a, b);
  free(a);
  free(b);
  return same;
}

/* Three tokens in a row: at least two of them share a second, so a token made of the claims alone
 * repeats. */
static bool p_no_jti(const struct srv *s)
{
  char *t[3];
  for (int i = 0; i < 3; i++)
    t[i] = alice(s);
  bool same = str_eq(t[0], t[1]) || str_eq(t[1], t[2]);
  for (int i = 0; i < 3; i++)
    free(t[i]);
  return same;
}

static bool p_basic_rejected(const struct srv *s)
{
  char url[512];
  snprintf(url, sizeof url, "%s/auth/token", s->api);
  const char *h[] = {"Authorization: Basic YWxpY2U6c2VjcmV0",
                     "Content-Type: application/x-www-form-urlencoded", NULL};
  struct resp r;
  http(&r, "POST", url, h, "grant_type=client_credentials");
  bool refused = r.status != 200;
  resp_free(&r);
  return refused;
}

/* ---- bad credentials ---- */

static bool p_empty_secret(const struct srv *s)
{
  return token_status(s, FORM("nobody-at-all", "")) == 200;
}

static bool p_missing_id_500(const struct srv *s)
{
  return token_status(s, "grant_type=client_credentials&client_secret=x") >= 500;
}

static bool p_missing_secret_500(const struct srv *s)
{
  return token_status(s, "grant_type=client_credentials&client_id=nobody") >= 500;
}

static bool p_hostile_500(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, FORM("a%22b%27--", "x"));
  bool bad = r.status >= 500 && strstr(r.body, "at com.") != NULL;
  resp_free(&r);
  return bad;
}

static bool p_ldap_wildcard(const struct srv *s)
{
  return token_status(s, FORM("%2A%29%28uid%3D%2A", "%2A")) == 200;
}

static bool p_long_id_500(const struct srv *s)
{
  static const char head[] = "grant_type=client_credentials&client_secret=x&client_id=";
  size_t n = 5000;
  char *form = malloc(sizeof head + n);
  if (!form)
    return false;
  memcpy(form, head, sizeof head - 1);
  memset(form + sizeof head - 1, 'A', n);
  form[sizeof head - 1 + n] = '\0';
  bool bad = token_status(s, form) >= 500;
  free(form);
  return bad;
}

static bool p_bad_utf8_500(const struct srv *s)
{
  return token_status(s, FORM("%C3%28%FF", "x")) >= 500;
}

static bool p_bad_percent_500(const struct srv *s)
{
  return token_status(s, FORM("%ZZ", "x")) >= 500;
}

static bool p_error_leak(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, FORM("alice", "wrong"));
  bool leak = strstr(r.body, "Exception") != NULL;
  resp_free(&r);
  return leak;
}

/* Compares the answers for a wrong password and an unknown user. */
enum diff { DIFF_STATUS = 1, DIFF_DESCRIPTION = 2, DIFF_HEADERS = 4, DIFF_BYTES = 8 };

static int enum_diff(const struct srv *s)
{
  struct resp w, u;
  token_request(&w, s, FORM("alice", "wrong"));
  token_request(&u, s, FORM("nobody", "wrong"));
  int d = 0;
  if (w.status != u.status)
    d |= DIFF_STATUS;
  char *dw = json_str(w.body, "error_description"), *du = json_str(u.body, "error_description");
  if (!str_eq(dw, du))
    d |= DIFF_DESCRIPTION;
  char *hw = resp_header_names(&w), *hu = resp_header_names(&u);
  if (!str_eq(hw, hu))
    d |= DIFF_HEADERS;
  if (strcmp(w.body, u.body) != 0)
    d |= DIFF_BYTES;
  free(dw);
  free(du);
  free(hw);
  free(hu);
  resp_free(&w);
  resp_free(&u);
  return d;
}

static bool p_enum_body(const struct srv *s) { return enum_diff(s) & DIFF_DESCRIPTION; }
static bool p_enum_status(const struct srv *s) { return enum_diff(s) & DIFF_STATUS; }
static bool p_enum_header(const struct srv *s) { return enum_diff(s) & DIFF_HEADERS; }
static bool p_enum_bytes(const struct srv *s) { return enum_diff(s) == DIFF_BYTES; }

static bool p_error_not_json(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, FORM("alice", "wrong"));
  char *e = json_str(r.body, "error");
  bool bad = e == NULL;
  free(e);
  resp_free(&r);
  return bad;
}

static bool p_cred_wrong_code(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, FORM("alice", "wrong"));
  char *e = json_str(r.body, "error");
  /* Documented unauthorized_client, or invalid_client in the rfc flavor. */
  bool bad = !str_eq(e, "unauthorized_client") && !str_eq(e, "invalid_client");
  free(e);
  resp_free(&r);
  return bad;
}

static bool p_cred_no_www(const struct srv *s)
{
  struct resp r;
  token_request(&r, s, FORM("alice", "wrong"));
  bool missing = r.status == 401 && resp_header_count(&r, "WWW-Authenticate") == 0;
  resp_free(&r);
  return missing;
}

/* Milliseconds one token request with this form takes. */
static double timed_token_request(const struct srv *s, const char *form)
{
  struct timespec t0, t1;
  struct resp r;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  token_request(&r, s, form);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  resp_free(&r);
  return (double)(t1.tv_sec - t0.tv_sec) * 1000.0 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* A wrong password for alice takes over 100 ms longer than an unknown user (the best of three
 * each, so one slow scheduling does not decide). Three wrong passwords stay under --throttle. */
static bool p_cred_timing(const struct srv *s)
{
  double known = 1e9, unknown = 1e9;
  for (int i = 0; i < 3; i++) {
    double k = timed_token_request(s, FORM("alice", "wrong"));
    double u = timed_token_request(s, FORM("nobody-here", "wrong"));
    known = k < known ? k : known;
    unknown = u < unknown ? u : unknown;
  }
  return known - unknown > 100.0;
}

/* With --throttle 3, the fifth failed login of one client_id must be answered 429. */
static bool p_throttle_ignored(const struct srv *s)
{
  long last = 0;
  for (int i = 0; i < 5; i++)
    last = token_status(s, FORM("mallory", "wrong"));
  return last != 429;
}

/* ---- the table ---- */

static const char *const RFC[] = {"--flavor", "rfc", NULL};
static const char *const THROTTLE[] = {"--throttle", "3", NULL};
static const char *const EARLY[] = {"--user", EARLY_USER, NULL};
static const char *const OAUTH2[] = {OAUTH2_EXTRA_ARGS, NULL};
static const char *const RS256[] = {"--alg", "RS256", NULL};
static const char *const ES256[] = {"--alg", "ES256", NULL};
static const char *const CLUSTER[] = {CLUSTER_ARGS, NULL};
static const char *const CLUSTER_THROTTLE[] = {CLUSTER_ARGS, "--throttle", "3", NULL};

/* Indexed by the deviation's enum value (refserver/deviations.def): grep DEV_<ID> finds the entry,
 * the behaviour (dev_on) and its probe. The name comes from the same entry. */
static const struct probe {
  bool (*see)(const struct srv *s);
  const char *const *extra; /* more server arguments, NULL-terminated, or NULL */
  unsigned settle;          /* seconds a fresh token needs before the happy path may use it */
} probes[DEV_COUNT] = {
  [DEV_TOKEN_WRONG_PASSWORD_ACCEPTED] = {p_wrong_password, NULL, 0},
  [DEV_CRED_UNKNOWN_USER_ACCEPTED] = {p_unknown_user, NULL, 0},
  [DEV_TOKEN_JSON_ACCEPTED] = {p_json_accepted, NULL, 0},
  [DEV_TOKEN_JSON_500] = {p_json_500, NULL, 0},
  [DEV_TOKEN_NO_STORE_MISSING] = {p_no_store, NULL, 0},
  [DEV_TOKEN_PRAGMA_MISSING] = {p_pragma, NULL, 0},
  [DEV_TOKEN_TYPE_LOWERCASE] = {p_type_lowercase, NULL, 0},
  [DEV_TOKEN_CONTENT_TYPE_TEXT] = {p_content_type_text, NULL, 0},
  [DEV_TOKEN_EXPIRES_IN_STRING] = {p_expires_in_string, NULL, 0},
  [DEV_TOKEN_EXPIRES_IN_ZERO] = {p_expires_in_zero, NULL, 0},
  [DEV_TOKEN_EXPIRES_IN_MISSING] = {p_expires_in_missing, NULL, 0},
  [DEV_TOKEN_WRONG_GRANT_200] = {p_wrong_grant_200, NULL, 0},
  [DEV_TOKEN_WRONG_GRANT_ERROR_CODE] = {p_wrong_grant_code, NULL, 0},
  [DEV_TOKEN_MISSING_GRANT_500] = {p_missing_grant_500, NULL, 0},
  [DEV_TOKEN_UNKNOWN_PARAM_REJECTED] = {p_unknown_param, NULL, 0},
  [DEV_TOKEN_GET_ACCEPTED] = {p_get_accepted, NULL, 0},
  [DEV_TOKEN_GET_NOT_405] = {p_get_not_405, NULL, 0},
  [DEV_TOKEN_GET_ANY] = {p_get_any, NULL, 0},
  [DEV_TOKEN_SAME_TOKEN] = {p_same_token, NULL, 0},
  [DEV_TOKEN_SAME_BACK_TO_BACK] = {p_same_back_to_back, NULL, 0},
  [DEV_TOKEN_SHARED_ACROSS_CLIENTS] = {p_shared_across_clients, NULL, 0},
  [DEV_BASIC_AUTH_REJECTED] = {p_basic_rejected, RFC, 0},
  [DEV_TOKEN_NO_JTI] = {p_no_jti, NULL, 0},
  [DEV_TOKEN_EMPTY_SECRET_ACCEPTED] = {p_empty_secret, NULL, 0},
  [DEV_TOKEN_MISSING_ID_500] = {p_missing_id_500, NULL, 0},
  [DEV_TOKEN_MISSING_SECRET_500] = {p_missing_secret_500, NULL, 0},
  [DEV_TOKEN_HOSTILE_500] = {p_hostile_500, NULL, 0},
  [DEV_TOKEN_LDAP_WILDCARD] = {p_ldap_wildcard, NULL, 0},
  [DEV_TOKEN_LONG_ID_500] = {p_long_id_500, NULL, 0},
  [DEV_TOKEN_BAD_UTF8_500] = {p_bad_utf8_500, NULL, 0},
  [DEV_TOKEN_BAD_PERCENT_500] = {p_bad_percent_500, NULL, 0},
  [DEV_TOKEN_ERROR_LEAK] = {p_error_leak, NULL, 0},
  [DEV_CRED_ENUMERATION_BODY] = {p_enum_body, NULL, 0},
  [DEV_CRED_ENUMERATION_STATUS] = {p_enum_status, NULL, 0},
  [DEV_CRED_ENUMERATION_HEADER] = {p_enum_header, NULL, 0},
  [DEV_CRED_ENUMERATION_BYTES] = {p_enum_bytes, NULL, 0},
  [DEV_CRED_ERROR_NOT_JSON] = {p_error_not_json, NULL, 0},
  [DEV_CRED_WRONG_CODE] = {p_cred_wrong_code, NULL, 0},
  [DEV_CRED_NO_WWW_AUTHENTICATE] = {p_cred_no_www, RFC, 0},
  [DEV_CRED_TIMING_LEAK] = {p_cred_timing, NULL, 0},
  [DEV_CRED_NEAR_EMPTY_SECRET] = {p_near_empty, NULL, 0},
  [DEV_CRED_NEAR_APPENDED] = {p_near_appended, NULL, 0},
  [DEV_CRED_NEAR_TRUNCATED] = {p_near_truncated, NULL, 0},
  [DEV_CRED_NEAR_CASE] = {p_near_case, NULL, 0},
  [DEV_CRED_NEAR_WHITESPACE] = {p_near_whitespace, NULL, 0},
  [DEV_CRED_NEAR_NUL] = {p_near_nul, NULL, 0},
  [DEV_BEARER_NOT_YET_VALID] = {p_not_yet_valid, NULL, 4},
  [DEV_BEARER_ALG_NONE] = {p_alg_none, NULL, 0},
  [DEV_JWT_WEAK_SECRET] = {p_jwt_weak_secret, NULL, 0},
  [DEV_JWT_ALG_NONE_SIGNATURE_KEPT] = {p_jwt_none_kept, NULL, 0},
  [DEV_JWT_NULL_SIGNATURE] = {p_jwt_null_signature, NULL, 0},
  [DEV_JWT_HMAC_EMPTY_KEY] = {p_jwt_hmac_empty_key, NULL, 0},
  [DEV_JWT_KID_TRAVERSAL] = {p_jwt_kid_traversal, NULL, 0},
  [DEV_JWT_KID_SQL_INJECTION] = {p_jwt_kid_sqli, NULL, 0},
  [DEV_JWT_EMBEDDED_JWK] = {p_jwt_embedded_jwk, NULL, 0},
  [DEV_JWT_JKU_TRUSTED] = {p_jwt_jku, NULL, 0},
  [DEV_JWT_X5U_TRUSTED] = {p_jwt_x5u, NULL, 0},
  [DEV_JWT_ALG_CONFUSION] = {p_jwt_alg_confusion, RS256, 0},
  [DEV_JWT_PSYCHIC_SIGNATURE] = {p_jwt_psychic, ES256, 0},
  [DEV_JWT_KEY_SUBSTITUTION] = {p_jwt_key_substitution, NULL, 0},
  [DEV_BEARER_ALG_NONE_CASE] = {p_alg_none_case, NULL, 0},
  [DEV_BEARER_SIGNATURE_IGNORED] = {p_signature_ignored, NULL, 0},
  [DEV_BEARER_PAYLOAD_UNSIGNED] = {p_payload_unsigned, NULL, 0},
  [DEV_BEARER_UNKNOWN_SUBJECT_UNVERIFIED] = {p_unknown_subject, NULL, 0},
  [DEV_BEARER_TRUNCATED_ACCEPTED] = {p_truncated, NULL, 0},
  [DEV_BEARER_APPENDED_ACCEPTED] = {p_appended, NULL, 0},
  [DEV_BEARER_CASE_INSENSITIVE] = {p_case_insensitive, NULL, 0},
  [DEV_BEARER_NO_HEADER_200] = {p_no_header_200, NULL, 0},
  [DEV_BEARER_NO_HEADER_403] = {p_no_header_403, NULL, 0},
  [DEV_PROJECTS_NO_HEADER_200] = {p_projects_no_header, NULL, 0},
  [DEV_BEARER_MALFORMED_ACCEPTED] = {p_malformed, NULL, 0},
  [DEV_BEARER_EMPTY_TOKEN_500] = {p_empty_token_500, NULL, 0},
  [DEV_BEARER_BLANK_TOKEN_500] = {p_blank_token_500, NULL, 0},
  [DEV_BEARER_SCHEME_ANY] = {p_scheme_any, NULL, 0},
  [DEV_BEARER_NO_SCHEME_ACCEPTED] = {p_no_scheme, NULL, 0},
  [DEV_BEARER_BASIC_TOKEN_ACCEPTED] = {p_basic_token, NULL, 0},
  [DEV_BEARER_BASIC_CREDENTIALS_ACCEPTED] = {p_basic_credentials, NULL, 0},
  [DEV_BEARER_QUERY_TOKEN] = {p_query_token, NULL, 0},
  [DEV_BEARER_QUERY_TOKEN_VERIFIED] = {p_query_token_verified, NULL, 0},
  [DEV_BEARER_SCHEME_CASE_REJECTED] = {p_scheme_case, RFC, 0},
  [DEV_BEARER_SCHEME_UPPER_REJECTED] = {p_scheme_upper_rejected, RFC, 0},
  [DEV_BEARER_SCHEME_UPPER_ACCEPTED] = {p_scheme_upper_accepted, NULL, 0},
  [DEV_BEARER_EXTRA_SPACE_REJECTED] = {p_extra_space, NULL, 0},
  [DEV_BEARER_NO_WWW_AUTHENTICATE] = {p_no_www, NULL, 0},
  [DEV_BEARER_CHALLENGE_ERROR_ON_MISSING] = {p_challenge_error_missing, NULL, 0},
  [DEV_BEARER_GARBAGE_CHALLENGE_NO_ERROR] = {p_garbage_challenge, NULL, 0},
  [DEV_BEARER_GARBAGE_500] = {p_garbage_500, NULL, 0},
  [DEV_BEARER_GARBAGE_UNDOCUMENTED_CODE] = {p_garbage_code, NULL, 0},
  [DEV_BEARER_HUGE_500] = {p_huge_500, NULL, 0},
  [DEV_BEARER_HUGE_64K_500] = {p_huge_64k_500, NULL, 0},
  [DEV_BEARER_DUPLICATE_FIRST_WINS] = {p_duplicate, NULL, 0},
  [DEV_BEARER_ERROR_NOT_JSON] = {p_bearer_not_json, NULL, 0},
  [DEV_BEARER_USE_QUOTA] = {p_use_quota, NULL, 0},
  [DEV_THROTTLE_IGNORED] = {p_throttle_ignored, THROTTLE, 0},
  [DEV_EXPIRY_IGNORED] = {p_expiry_ignored, NULL, 0},
  [DEV_EXPIRY_LATE] = {p_expiry_late, NULL, 0},
  [DEV_EXPIRY_EXP_MISMATCH] = {p_exp_mismatch, NULL, 0},
  [DEV_EXPIRY_WRONG_ERROR_CODE] = {p_expiry_code, NULL, 0},
  [DEV_EXPIRY_CHALLENGE_NO_ERROR] = {p_expiry_challenge, NULL, 0},
  [DEV_TOKEN_EXPIRES_EARLY] = {p_expires_early, EARLY, 0},
  [DEV_REVOCATION_IGNORED] = {p_revocation_ignored, NULL, 0},
  [DEV_REVOCATION_DELAYED] = {p_revocation_delayed, NULL, 0},
  [DEV_REVOCATION_REVOKES_USER] = {p_revokes_user, NULL, 0},
  [DEV_REVOKE_ALL_OF_USER] = {p_revoke_all_of_user, NULL, 0},
  [DEV_HEALTH_REQUIRES_AUTH] = {p_health_auth, NULL, 0},
  [DEV_HEALTH_JSON] = {p_health_json, NULL, 0},
  [DEV_HEALTH_VERSION_LEAK] = {p_health_leak, NULL, 0},
  [DEV_ERROR_STACK_TRACE] = {p_stack_trace, NULL, 0},
  [DEV_PROJECTS_WRONG_SHAPE] = {p_projects_shape, NULL, 0},
  [DEV_PROJECTS_COUNT_SHORT] = {p_projects_count, NULL, 0},
  [DEV_HELLO_WRONG_BODY] = {p_hello_body, NULL, 0},
  [DEV_ROLES_IGNORED] = {p_roles_ignored, PERM_LIMITED_ARGS, 0},
  [DEV_FORBIDDEN_NOT_JSON] = {p_forbidden_not_json, PERM_LIMITED_ARGS, 0},
  [DEV_HELLO_REQUIRES_ROLE] = {p_hello_requires_role, PERM_LIMITED_ARGS, 0},
  [DEV_SCOPE_IGNORED] = {p_scope_ignored, OAUTH2, 0},
  [DEV_SCOPE_WIDENED] = {p_scope_widened, OAUTH2, 0},
  [DEV_SCOPE_NARROWED_UNSTATED] = {p_scope_narrowed_unstated, OAUTH2, 0},
  [DEV_INSUFFICIENT_SCOPE_401] = {p_insufficient_scope_401, OAUTH2, 0},
  [DEV_METADATA_ISSUER_MISMATCH] = {p_metadata_issuer_mismatch, OAUTH2, 0},
  [DEV_METADATA_NOT_JSON] = {p_metadata_not_json, OAUTH2, 0},
  [DEV_BASIC_AUTH_UNSUPPORTED] = {p_basic_auth_unsupported, OAUTH2, 0},
  [DEV_BASIC_NOT_FORM_DECODED] = {p_basic_not_form_decoded, OAUTH2, 0},
  [DEV_POST_AUTH_UNSUPPORTED] = {p_post_auth_unsupported, OAUTH2, 0},
  [DEV_TOKEN_BASIC_NO_CHALLENGE] = {p_token_basic_no_challenge, OAUTH2, 0},
  [DEV_REVOKE_UNKNOWN_400] = {p_revoke_unknown_400, OAUTH2, 0},
  [DEV_REVOKE_NO_CLIENT_AUTH] = {p_revoke_no_client_auth, OAUTH2, 0},
  [DEV_REVOKE_NOOP] = {p_revoke_noop, OAUTH2, 0},
  [DEV_REVOKE_ANY_CLIENT] = {p_revoke_any_client, OAUTH2, 0},
  [DEV_INTROSPECT_GARBAGE_ACTIVE] = {p_introspect_garbage_active, OAUTH2, 0},
  [DEV_INTROSPECT_NO_AUTH] = {p_introspect_no_auth, OAUTH2, 0},
  [DEV_INTROSPECT_REVOKED_ACTIVE] = {p_introspect_revoked_active, OAUTH2, 0},
  [DEV_INTROSPECT_LIVE_INACTIVE] = {p_introspect_live_inactive, OAUTH2, 0},
  [DEV_AT_JWT_NO_JTI] = {p_at_jwt_no_jti, OAUTH2, 0},
  [DEV_AT_JWT_WRONG_ISS] = {p_at_jwt_wrong_iss, OAUTH2, 0},
  [DEV_NODE_OWN_KEY] = {p_node_own_key, CLUSTER, 0},
  [DEV_NODE_NO_REVOCATION] = {p_node_no_revocation, CLUSTER, 0},
  [DEV_NODE_REVOCATION_LATE] = {p_node_revocation_late, CLUSTER, 0},
  [DEV_NODE_BAD_CREDENTIALS] = {p_node_bad_credentials, CLUSTER, 0},
  [DEV_NODE_THROTTLE_LOCAL] = {p_node_throttle_local, CLUSTER_THROTTLE, 0},
  [DEV_NODE_CLOCK_SLOW] = {p_node_clock_slow, CLUSTER, 0},
  [DEV_NODE_HEALTH_DOWN] = {p_node_health_down, CLUSTER, 0},
};

/* The --deviate names, in enum order. */
static const char *const dev_names[DEV_COUNT] = {
#define X(id, name, check, profile, level, description) name,
#include "deviations.def"
#undef X
};

/* Starts a server with the probe's users, extras and (when not NULL) the deviation. */
static int start_for(struct srv *s, const struct probe *p, const char *deviation)
{
  const char *args[32];
  size_t n = 0;
  const char *base[] = {"--user", "alice:secret", "--user", "shorty:pw:1", "--admin"};
  for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
    args[n++] = base[i];
  for (size_t i = 0; p->extra && p->extra[i]; i++)
    args[n++] = p->extra[i];
  if (deviation) {
    args[n++] = "--deviate";
    args[n++] = deviation;
  }
  args[n] = NULL;
  return srv_start(s, args);
}

/* The happy path that no deviation may break: a token, then hello answers 200 (after settle
 * seconds: a deviation may delay a token's validity, never refuse it for good). */
static bool happy_path(const struct srv *s, unsigned settle)
{
  char *t = alice(s);
  /* post-auth-unsupported refuses form credentials on purpose; Basic, the other method the
   * metadata advertises, must still get a working token. */
  if (!t)
    t = alice_basic(s);
  if (settle) {
    struct timespec wait = {(time_t)settle, 0};
    nanosleep(&wait, NULL);
  }
  bool fine = t && auth_status(s, "/test/hello/x", "Bearer %s", t) == 200;
  free(t);
  return fine;
}

void group_deviations(void)
{
  /* Every listed deviation has a probe, and every probe names a listed deviation. */
  const char *list[] = {"--list-deviations", NULL};
  char *out = NULL;
  run_binary(list, NULL, &out);
  size_t listed = 0, covered = 0, leveled = 0;
  for (char *line = out ? strtok(out, "\n") : NULL; line; line = strtok(NULL, "\n")) {
    /* NAME CHECK_ID PROFILE DESCRIPTION LEVEL: the level is the last of five columns. */
    const char *level = strrchr(line, '\t');
    size_t tabs = 0;
    for (const char *c = line; *c; c++)
      tabs += *c == '\t';
    if (tabs == 4 && level && (!strcmp(level + 1, "must") || !strcmp(level + 1, "should")))
      leveled++;
    else
      diag("no LEVEL (must|should) in the fifth column: %s", line);
    char *tab = strchr(line, '\t');
    if (tab)
      *tab = '\0';
    listed++;
    bool found = false;
    for (size_t i = 0; i < DEV_COUNT && !found; i++)
      found = probes[i].see && strcmp(dev_names[i], line) == 0;
    if (found)
      covered++;
    else
      diag("no probe for deviation %s", line);
  }
  free(out);
  if (!ok(perm_users_create() == 0, "the limited account's users file is written"))
    return;
  is_long((long)covered, (long)listed, "every listed deviation has a probe");
  size_t n_probes = 0;
  for (size_t i = 0; i < DEV_COUNT; i++)
    n_probes += probes[i].see != NULL;
  is_long((long)n_probes, (long)listed, "every deviation of deviations.def has a probe, and is listed");
  is_long((long)leveled, (long)listed, "every deviation has a fifth column LEVEL, must or should");

  for (size_t i = 0; i < DEV_COUNT; i++) {
    const struct probe *p = &probes[i];
    const char *name = dev_names[i];
    struct srv s;
    if (!p->see)
      continue; /* counted above */
    if (!ok(start_for(&s, p, name) == 0, "%s: server starts", name))
      continue;
    ok(p->see(&s), "%s: the defect is visible", name);
    is_long(srv_stop(&s), 0, "%s: server stops with exit 0", name);
    if (start_for(&s, p, name) == 0) {
      /* A fresh server: the probe above may have revoked alice's tokens on purpose. */
      ok(happy_path(&s, p->settle), "%s: tokens still work", name);
      srv_stop(&s);
    }
    if (!ok(start_for(&s, p, NULL) == 0, "%s: correct server starts", name))
      continue;
    ok(!p->see(&s), "%s: a correct server does not show it", name);
    srv_stop(&s);
  }
  perm_users_remove();
  near_narrowness();
}
