/* deviations: the table of deliberate defects, and the switches read by the server code. */
#include "deviations.h"

#include <string.h>

#define DOC "documented"
#define RFC "rfc"

/* Designated initializers keep each row next to its enum value whatever the order of the enum. */
static const struct dev_info table[DEV_COUNT] = {
  [DEV_TOKEN_WRONG_PASSWORD_ACCEPTED] = {"token-wrong-password-accepted", "CRED-WRONG-PASSWORD", DOC,
    "a known user with a wrong password gets a token"},
  [DEV_CRED_UNKNOWN_USER_ACCEPTED] = {"cred-unknown-user-accepted", "CRED-UNKNOWN-USER", DOC,
    "an unknown client_id gets a token whatever the password"},
  [DEV_TOKEN_JSON_ACCEPTED] = {"token-json-accepted", "ISSUE-JSON-BODY", DOC,
    "a JSON body is read like the form: valid credentials get 200 and a token"},
  [DEV_TOKEN_JSON_500] = {"token-json-500", "ISSUE-JSON-BODY", DOC,
    "a JSON body gets 500 server_error"},
  [DEV_TOKEN_NO_STORE_MISSING] = {"token-no-store-missing", "ISSUE-NO-STORE", RFC,
    "the token response has no Cache-Control: no-store"},
  [DEV_TOKEN_PRAGMA_MISSING] = {"token-pragma-missing", "ISSUE-NO-STORE", RFC,
    "the token response has no Pragma: no-cache"},
  [DEV_TOKEN_TYPE_LOWERCASE] = {"token-type-lowercase", "ISSUE-OK", DOC,
    "token_type is \"bearer\" instead of the documented \"Bearer\""},
  [DEV_TOKEN_CONTENT_TYPE_TEXT] = {"token-content-type-text", "ISSUE-OK", DOC,
    "the token response is labelled text/plain"},
  [DEV_TOKEN_EXPIRES_IN_STRING] = {"token-expires-in-string", "ISSUE-EXPIRES-IN", DOC,
    "expires_in is a JSON string (\"3600\")"},
  [DEV_TOKEN_EXPIRES_IN_ZERO] = {"token-expires-in-zero", "ISSUE-EXPIRES-IN", DOC,
    "expires_in is 0 (the token still lives its real lifetime)"},
  [DEV_TOKEN_WRONG_GRANT_200] = {"token-wrong-grant-200", "ISSUE-WRONG-GRANT", DOC,
    "any grant_type is treated as client_credentials"},
  [DEV_TOKEN_WRONG_GRANT_ERROR_CODE] = {"token-wrong-grant-error-code", "ISSUE-WRONG-GRANT", DOC,
    "an unsupported grant_type gets 400 with error \"invalid_grant\""},
  [DEV_TOKEN_MISSING_GRANT_500] = {"token-missing-grant-500", "ISSUE-MISSING-GRANT", DOC,
    "a request without grant_type gets 500"},
  [DEV_TOKEN_UNKNOWN_PARAM_REJECTED] = {"token-unknown-param-rejected", "ISSUE-UNKNOWN-PARAM", RFC,
    "an unknown extra parameter gets 400 invalid_request"},
  [DEV_TOKEN_GET_ACCEPTED] = {"token-get-accepted", "ISSUE-GET-TOKEN", DOC,
    "(should) GET is answered like POST from query parameters: 401, not 405, for bad credentials"},
  [DEV_TOKEN_GET_ANY] = {"token-get-any", "ISSUE-GET-TOKEN", DOC,
    "GET issues a token for any client_id in the query"},
  [DEV_TOKEN_SAME_TOKEN] = {"token-same-token", "ISSUE-DISTINCT", DOC,
    "(should) repeated issuance returns the same token while it is valid"},
  [DEV_BASIC_AUTH_REJECTED] = {"basic-auth-rejected", "ISSUE-BASIC-AUTH", RFC,
    "with --flavor rfc, HTTP Basic client authentication gets 401"},
  [DEV_TOKEN_EMPTY_SECRET_ACCEPTED] = {"token-empty-secret-accepted", "CRED-EMPTY-SECRET", DOC,
    "an empty client_secret gets a token for any client_id"},
  [DEV_TOKEN_MISSING_ID_500] = {"token-missing-id-500", "CRED-MISSING-ID", DOC,
    "a request without client_id gets 500"},
  [DEV_TOKEN_MISSING_SECRET_500] = {"token-missing-secret-500", "CRED-MISSING-SECRET", DOC,
    "a request without client_secret gets 500"},
  [DEV_TOKEN_HOSTILE_500] = {"token-hostile-500", "CRED-HOSTILE-INPUT", DOC,
    "a client_id containing a double quote gets 500 with a Java stack trace"},
  [DEV_TOKEN_ERROR_LEAK] = {"token-error-leak", "X-NO-LEAK", DOC,
    "(should) the bad-credentials body names java.lang.Exception"},
  [DEV_CRED_ENUMERATION_BODY] = {"cred-enumeration-body", "CRED-NO-ENUMERATION", DOC,
    "an unknown user gets \"User not found\", a wrong password \"Bad credentials\""},
  [DEV_CRED_ENUMERATION_STATUS] = {"cred-enumeration-status", "CRED-NO-ENUMERATION", DOC,
    "an unknown user gets 404 instead of 401"},
  [DEV_CRED_ENUMERATION_HEADER] = {"cred-enumeration-header", "CRED-NO-ENUMERATION", DOC,
    "an unknown user's 401 carries an extra X-Account-Status header"},
  [DEV_CRED_ENUMERATION_BYTES] = {"cred-enumeration-bytes", "CRED-NO-ENUMERATION-BYTES", DOC,
    "(should) an unknown user's 401 body has the same members in another order"},
  [DEV_CRED_ERROR_NOT_JSON] = {"cred-error-not-json", "CRED-ERROR-SHAPE", DOC,
    "the bad-credentials 401 body is plain text"},
  [DEV_CRED_WRONG_CODE] = {"cred-wrong-code", "CRED-WRONG-PASSWORD", DOC,
    "bad credentials get error \"invalid_grant\""},
  [DEV_CRED_NO_WWW_AUTHENTICATE] = {"cred-no-www-authenticate", "CRED-WWW-AUTHENTICATE", RFC,
    "with --flavor rfc, token-endpoint 401s carry no WWW-Authenticate"},
  [DEV_BEARER_ALG_NONE] = {"bearer-alg-none", "BEARER-ALG-NONE", DOC,
    "unsigned tokens with alg none/None are accepted"},
  [DEV_BEARER_SIGNATURE_IGNORED] = {"bearer-signature-ignored", "BEARER-FORGED-CLAIMS", DOC,
    "the signature is never checked: changed claims are accepted"},
  [DEV_BEARER_TRUNCATED_ACCEPTED] = {"bearer-truncated-accepted", "BEARER-ALTERED-TOKEN", DOC,
    "a token with characters appended or cut from the end is accepted"},
  [DEV_BEARER_NO_HEADER_200] = {"bearer-no-header-200", "BEARER-NO-HEADER", DOC,
    "a request without Authorization gets 200"},
  [DEV_BEARER_NO_HEADER_403] = {"bearer-no-header-403", "BEARER-NO-HEADER", DOC,
    "a request without Authorization gets 403 instead of 401"},
  [DEV_BEARER_MALFORMED_ACCEPTED] = {"bearer-malformed-accepted", "BEARER-MALFORMED", DOC,
    "\"BearerT\" (no space) is accepted"},
  [DEV_BEARER_SCHEME_ANY] = {"bearer-scheme-any", "BEARER-WRONG-SCHEME", DOC,
    "any scheme, or none, is accepted before the token (\"Token T\", \"T\")"},
  [DEV_BEARER_QUERY_TOKEN] = {"bearer-query-token", "BEARER-QUERY-TOKEN", DOC,
    "any non-empty ?access_token= authenticates, unchecked"},
  [DEV_BEARER_SCHEME_CASE_REJECTED] = {"bearer-scheme-case-rejected", "BEARER-SCHEME-CASE", RFC,
    "with --flavor rfc, the scheme is case-sensitive: \"bearer T\" gets 401"},
  [DEV_BEARER_EXTRA_SPACE_REJECTED] = {"bearer-extra-space-rejected", "BEARER-EXTRA-SPACE", DOC,
    "(should) \"Bearer  T\" (two spaces) gets 401"},
  [DEV_BEARER_NO_WWW_AUTHENTICATE] = {"bearer-no-www-authenticate", "BEARER-NO-HEADER-CHALLENGE", RFC,
    "401s of protected endpoints carry no WWW-Authenticate"},
  [DEV_BEARER_CHALLENGE_ERROR_ON_MISSING] = {"bearer-challenge-error-on-missing",
    "BEARER-NO-HEADER-CHALLENGE", DOC,
    "(should) the challenge for a request without credentials has error=\"invalid_token\""},
  [DEV_BEARER_GARBAGE_CHALLENGE_NO_ERROR] = {"bearer-garbage-challenge-no-error",
    "BEARER-GARBAGE-CHALLENGE", DOC,
    "(should) the challenge for an invalid token has no error=\"invalid_token\""},
  [DEV_BEARER_GARBAGE_500] = {"bearer-garbage-500", "BEARER-GARBAGE-TOKEN", DOC,
    "a token that is not three base64url segments gets 500"},
  [DEV_BEARER_GARBAGE_UNDOCUMENTED_CODE] = {"bearer-garbage-undocumented-code", "BEARER-GARBAGE-TOKEN",
    DOC, "a token that is not three base64url segments gets 401 with error \"bad_token\""},
  [DEV_BEARER_HUGE_500] = {"bearer-huge-500", "BEARER-HUGE-HEADER", DOC,
    "an Authorization header over 8 KiB gets 500"},
  [DEV_BEARER_DUPLICATE_FIRST_WINS] = {"bearer-duplicate-first-wins", "BEARER-DUPLICATE-HEADER", DOC,
    "(should) with two Authorization headers the first one is used"},
  [DEV_BEARER_ERROR_NOT_JSON] = {"bearer-error-not-json", "X-ERROR-JSON", DOC,
    "401s of protected endpoints have a plain-text body"},
  [DEV_EXPIRY_IGNORED] = {"expiry-ignored", "EXPIRY-PRESET", DOC,
    "expired tokens are accepted"},
  [DEV_EXPIRY_LATE] = {"expiry-late", "EXPIRY-WAIT", DOC,
    "tokens are accepted for 120 s after exp"},
  [DEV_EXPIRY_EXP_MISMATCH] = {"expiry-exp-mismatch", "EXPIRY-CLAIMS-CONSISTENT", DOC,
    "(should) the exp claim is iat + 2 * expires_in (the real lifetime is enforced)"},
  [DEV_EXPIRY_WRONG_ERROR_CODE] = {"expiry-wrong-error-code", "EXPIRY-ERROR", DOC,
    "(should) an expired token gets 401 with the undocumented error \"expired\""},
  [DEV_REVOCATION_IGNORED] = {"revocation-ignored", "REVOKE-PRESET", DOC,
    "revoked tokens are accepted"},
  [DEV_REVOCATION_DELAYED] = {"revocation-delayed", "REVOKE-LIVE", DOC,
    "a revocation takes effect only 60 s later"},
  [DEV_REVOCATION_REVOKES_USER] = {"revocation-revokes-user", "REVOKE-LIVE", DOC,
    "revoking a token also refuses every later token of the same user"},
  [DEV_HEALTH_REQUIRES_AUTH] = {"health-requires-auth", "HEALTH-OK", DOC,
    "the healthcheck answers 401 without a token"},
  [DEV_HEALTH_JSON] = {"health-json", "HEALTH-OK", DOC,
    "the healthcheck answers JSON {\"status\":\"UP\"}"},
  [DEV_HEALTH_VERSION_LEAK] = {"health-version-leak", "HEALTH-NO-LEAK", DOC,
    "(should) the healthcheck body is \"OK apinizer/2024.1.0\""},
  [DEV_HEALTH_BAD_TOKEN_401] = {"health-bad-token-401", "HEALTH-BAD-TOKEN", DOC,
    "(info) the healthcheck answers 401 to a bad token"},
  [DEV_ERROR_STACK_TRACE] = {"error-stack-trace", "X-NO-LEAK", DOC,
    "(should) 404 and protected-endpoint 401 bodies include a Java stack trace"},
  [DEV_PROJECTS_WRONG_SHAPE] = {"projects-wrong-shape", "ISSUE-WORKS", DOC,
    "projects answers without resultList"},
  [DEV_PROJECTS_COUNT_SHORT] = {"projects-count-short", "ISSUE-PROJECTS-COUNT", DOC,
    "(should) resultCount is smaller than the length of resultList"},
  [DEV_HELLO_WRONG_BODY] = {"hello-wrong-body", "ISSUE-WORKS", DOC,
    "hello answers \"Hi {name}\""},
};

/* Written only by dev_enable() before any server thread exists; thread creation orders these
 * writes before every later read. */
static bool enabled[DEV_COUNT];

const struct dev_info *dev_info(enum dev_id id) { return &table[id]; }

int dev_lookup(const char *name)
{
  for (int i = 0; i < DEV_COUNT; i++) {
    if (strcmp(table[i].name, name) == 0)
      return i;
  }
  return -1;
}

void dev_enable(enum dev_id id) { enabled[id] = true; }

bool dev_on(enum dev_id id) { return enabled[id]; }

void dev_list(FILE *out)
{
  for (int i = 0; i < DEV_COUNT; i++)
    fprintf(out, "%s\t%s\t%s\t%s\n", table[i].name, table[i].check, table[i].profile,
            table[i].description);
}
