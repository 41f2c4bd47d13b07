/* deviations: the table of deliberate defects, and the switches read by the server code. */
#include "deviations.h"

#include <string.h>

#define DOC "documented"
#define RFC "rfc"
#define OAUTH2 "oauth2" /* server --flavor rfc, caught by the generic suite suite/oauth2.yaml */
#define MUST "must"
#define SHOULD "should"

/* Designated initializers keep each row next to its enum value whatever the order of the enum.
 * Columns: the --deviate name; the id of the test in cases/ that catches it; the profile it is
 * caught in (--flavor of the server and --profile of the run); the level it is caught at (must:
 * the run fails; should: a warning, TAP "not ok # TODO"); what it simulates. tests/proof runs the
 * suite against every row and checks all of that. */
static const struct dev_info table[DEV_COUNT] = {
  [DEV_JWT_WEAK_SECRET] = {"jwt-weak-secret", "JWT-WEAK-SECRET", DOC, MUST,
    "the HS256 key is a documentation example (\"changeme\") left in place of a random one"},
  [DEV_JWT_ALG_NONE_SIGNATURE_KEPT] = {"jwt-alg-none-signature-kept", "JWT-ALG-NONE-VARIANTS",
    DOC, MUST,
    "alg none in any case (none, None, NONE, nOnE) is accepted when the token still carries a "
    "signature (the check looked only for an empty third part)"},
  [DEV_JWT_NULL_SIGNATURE] = {"jwt-null-signature", "JWT-NULL-SIGNATURE", DOC, MUST,
    "a token with the server's own alg and an empty signature part is accepted"},
  [DEV_JWT_HMAC_EMPTY_KEY] = {"jwt-hmac-empty-key", "JWT-HMAC-EMPTY-KEY", DOC, MUST,
    "an HS256 token whose HMAC key is empty is accepted (a missing key read as \"\")"},
  [DEV_JWT_KID_TRAVERSAL] = {"jwt-kid-traversal", "JWT-KID-TRAVERSAL", DOC, MUST,
    "kid is a file name for the HMAC key, path traversal included: ../../dev/null gives the "
    "empty key"},
  [DEV_JWT_KID_SQL_INJECTION] = {"jwt-kid-sql-injection", "JWT-KID-SQL-INJECTION", DOC, MUST,
    "kid is pasted into a key lookup query: UNION SELECT 'K' makes K the HMAC key"},
  [DEV_JWT_EMBEDDED_JWK] = {"jwt-embedded-jwk", "JWT-EMBEDDED-JWK", DOC, MUST,
    "a token is verified with the public key in its own jwk header (CVE-2018-0114)"},
  [DEV_JWT_JKU_TRUSTED] = {"jwt-jku-trusted", "JWT-JKU-X5U", DOC, MUST,
    "a token with a jku header is trusted as if its key URL had vouched for it"},
  [DEV_JWT_X5U_TRUSTED] = {"jwt-x5u-trusted", "JWT-JKU-X5U", DOC, MUST,
    "a token with an x5u header is trusted as if its certificate URL had vouched for it"},
  [DEV_JWT_ALG_CONFUSION] = {"jwt-alg-confusion", "JWT-ALG-CONFUSION", DOC, MUST,
    "with --alg RS256/ES256, an HS256 token whose HMAC key is the server's public key (PEM, as "
    "published) is accepted (CVE-2016-10555)"},
  [DEV_JWT_PSYCHIC_SIGNATURE] = {"jwt-psychic-signature", "JWT-PSYCHIC-SIGNATURE", DOC, MUST,
    "with --alg ES256, the ECDSA signature r = s = 0 verifies (CVE-2022-21449)"},
  [DEV_JWT_KEY_SUBSTITUTION] = {"jwt-key-substitution", "JWT-KEY-SUBSTITUTION", DOC, MUST,
    "the kid is looked up but the signature is only checked for its length: another key's "
    "signature under the same kid passes"},
  [DEV_TOKEN_WRONG_PASSWORD_ACCEPTED] = {"token-wrong-password-accepted",
    "CRED-WRONG-PASSWORD", DOC, MUST,
    "a known user with a wrong password gets a token"},
  [DEV_CRED_UNKNOWN_USER_ACCEPTED] = {"cred-unknown-user-accepted", "CRED-UNKNOWN-USER", DOC, MUST,
    "an unknown client_id gets a token whatever the password"},
  [DEV_TOKEN_JSON_ACCEPTED] = {"token-json-accepted", "ISSUE-JSON-BODY", DOC, MUST,
    "a JSON body is read like the form: valid credentials get 200 and a token"},
  [DEV_TOKEN_JSON_500] = {"token-json-500", "ISSUE-JSON-BODY", DOC, MUST,
    "a JSON body gets 500 server_error"},
  [DEV_TOKEN_NO_STORE_MISSING] = {"token-no-store-missing", "ISSUE-NO-STORE", RFC, MUST,
    "the token response has no Cache-Control: no-store"},
  [DEV_TOKEN_PRAGMA_MISSING] = {"token-pragma-missing", "ISSUE-NO-STORE", RFC, MUST,
    "the token response has no Pragma: no-cache"},
  [DEV_TOKEN_TYPE_LOWERCASE] = {"token-type-lowercase", "ISSUE-OK", DOC, MUST,
    "token_type is \"bearer\" instead of the documented \"Bearer\""},
  [DEV_TOKEN_CONTENT_TYPE_TEXT] = {"token-content-type-text", "ISSUE-OK", DOC, MUST,
    "the token response is labelled text/plain"},
  [DEV_TOKEN_EXPIRES_IN_STRING] = {"token-expires-in-string", "ISSUE-EXPIRES-IN", DOC, MUST,
    "expires_in is a JSON string (\"3600\")"},
  [DEV_TOKEN_EXPIRES_IN_ZERO] = {"token-expires-in-zero", "ISSUE-EXPIRES-IN", DOC, MUST,
    "expires_in is 0 (the token still lives its real lifetime)"},
  [DEV_TOKEN_EXPIRES_IN_MISSING] = {"token-expires-in-missing",
    "ISSUE-EXPIRES-IN-PRESENT", DOC, SHOULD,
    "the token response has no expires_in (the token still lives its real lifetime)"},
  [DEV_TOKEN_WRONG_GRANT_200] = {"token-wrong-grant-200", "ISSUE-WRONG-GRANT", DOC, MUST,
    "any grant_type is treated as client_credentials"},
  [DEV_TOKEN_WRONG_GRANT_ERROR_CODE] = {"token-wrong-grant-error-code",
    "ISSUE-WRONG-GRANT", DOC, MUST,
    "an unsupported grant_type gets 400 with error \"invalid_grant\""},
  [DEV_TOKEN_MISSING_GRANT_500] = {"token-missing-grant-500", "ISSUE-MISSING-GRANT", DOC, MUST,
    "a request without grant_type gets 500"},
  [DEV_TOKEN_UNKNOWN_PARAM_REJECTED] = {"token-unknown-param-rejected",
    "ISSUE-UNKNOWN-PARAM", RFC, MUST,
    "an unknown extra parameter gets 400 invalid_request"},
  [DEV_TOKEN_GET_ACCEPTED] = {"token-get-accepted", "ISSUE-GET-TOKEN-LIVE", DOC, MUST,
    "GET is answered like POST from query parameters: working credentials in the URL get a token"},
  [DEV_TOKEN_GET_NOT_405] = {"token-get-not-405", "ISSUE-GET-TOKEN", DOC, SHOULD,
    "GET checks the query's credentials before the method: 401 for bad ones, 405 only for good "
    "ones"},
  [DEV_TOKEN_GET_ANY] = {"token-get-any", "ISSUE-GET-TOKEN", DOC, MUST,
    "GET issues a token for any client_id in the query"},
  [DEV_TOKEN_SAME_TOKEN] = {"token-same-token", "ISSUE-DISTINCT", DOC, SHOULD,
    "repeated issuance returns the same token while it is valid (a per-client token cache)"},
  [DEV_TOKEN_SAME_BACK_TO_BACK] = {"token-same-back-to-back", "ISSUE-DISTINCT", DOC, SHOULD,
    "a token request less than 1 s after the previous issuance to the same client gets that "
    "token again (a JWT without jti whose iat has whole seconds; timed from the issuance, so the "
    "effect does not depend on where a second boundary falls)"},
  [DEV_TOKEN_SHARED_ACROSS_CLIENTS] = {"token-shared-across-clients", "ISSUE-DISTINCT-CLIENTS",
    DOC, MUST,
    "a token request less than 1 s after the previous issuance gets that token whatever the "
    "client (a cache keyed by grant type, not by client): a second client gets the first one's "
    "token"},
  [DEV_BASIC_AUTH_REJECTED] = {"basic-auth-rejected", "ISSUE-BASIC-AUTH", RFC, MUST,
    "with --flavor rfc, HTTP Basic client authentication gets 401"},
  [DEV_TOKEN_NO_JTI] = {"token-no-jti", "LOAD-ISSUE-CONCURRENT", DOC, SHOULD,
    "tokens carry no random jti: two issued to one user within the same second are identical"},
  [DEV_TOKEN_EMPTY_SECRET_ACCEPTED] = {"token-empty-secret-accepted",
    "CRED-EMPTY-SECRET", DOC, MUST,
    "an empty client_secret gets a token for any client_id"},
  [DEV_TOKEN_MISSING_ID_500] = {"token-missing-id-500", "CRED-MISSING-ID", DOC, MUST,
    "a request without client_id gets 500"},
  [DEV_TOKEN_MISSING_SECRET_500] = {"token-missing-secret-500", "CRED-MISSING-SECRET", DOC, MUST,
    "a request without client_secret gets 500"},
  [DEV_TOKEN_HOSTILE_500] = {"token-hostile-500", "CRED-HOSTILE-QUOTES", DOC, MUST,
    "a client_id containing a double quote gets 500 with a Java stack trace"},
  [DEV_TOKEN_LDAP_WILDCARD] = {"token-ldap-wildcard", "CRED-HOSTILE-LDAP", DOC, MUST,
    "credentials are matched like an LDAP filter: a client_id and client_secret with '*' get a "
    "token"},
  [DEV_TOKEN_LONG_ID_500] = {"token-long-id-500", "CRED-HOSTILE-LONG", DOC, MUST,
    "a client_id over 4 KiB gets 500 (a fixed-size buffer)"},
  [DEV_TOKEN_BAD_UTF8_500] = {"token-bad-utf8-500", "CRED-HOSTILE-UTF8", DOC, MUST,
    "form values that decode to invalid UTF-8 get 500 (a charset decoder exception)"},
  [DEV_TOKEN_BAD_PERCENT_500] = {"token-bad-percent-500", "CRED-HOSTILE-PERCENT", DOC, MUST,
    "broken percent-encoding in the form gets 500 (a URL decoder exception)"},
  [DEV_TOKEN_ERROR_LEAK] = {"token-error-leak", "X-NO-LEAK", DOC, SHOULD,
    "the bad-credentials body names java.lang.Exception"},
  [DEV_CRED_ENUMERATION_BODY] = {"cred-enumeration-body", "CRED-NO-ENUMERATION", DOC, MUST,
    "an unknown user gets \"User not found\", a wrong password \"Bad credentials\""},
  [DEV_CRED_ENUMERATION_STATUS] = {"cred-enumeration-status", "CRED-NO-ENUMERATION", DOC, MUST,
    "an unknown user gets 404 instead of 401"},
  [DEV_CRED_ENUMERATION_HEADER] = {"cred-enumeration-header", "CRED-NO-ENUMERATION", DOC, MUST,
    "an unknown user's 401 carries an extra X-Account-Status header"},
  [DEV_CRED_ENUMERATION_BYTES] = {"cred-enumeration-bytes", "CRED-NO-ENUMERATION", DOC, SHOULD,
    "an unknown user's 401 body has the same members in another order"},
  [DEV_CRED_ERROR_NOT_JSON] = {"cred-error-not-json", "CRED-ERROR-SHAPE", DOC, MUST,
    "the bad-credentials 401 body is plain text"},
  [DEV_CRED_WRONG_CODE] = {"cred-wrong-code", "CRED-WRONG-PASSWORD", DOC, MUST,
    "bad credentials get error \"invalid_grant\""},
  [DEV_CRED_NO_WWW_AUTHENTICATE] = {"cred-no-www-authenticate", "CRED-WWW-AUTHENTICATE", RFC, MUST,
    "with --flavor rfc, token-endpoint 401s carry no WWW-Authenticate"},
  [DEV_CRED_TIMING_LEAK] = {"cred-timing-leak", "CRED-TIMING", DOC, SHOULD,
    "a known user with a wrong password is answered about 150 ms later than an unknown user (a "
    "slow password hash computed only for existing accounts)"},
  [DEV_CRED_NEAR_EMPTY_SECRET] = {"cred-near-empty-secret", "CRED-NEAR-EMPTY", DOC, MUST,
    "an existing account with an empty client_secret gets a token (an LDAP unauthenticated "
    "bind); unknown client_ids are still refused"},
  [DEV_CRED_NEAR_APPENDED] = {"cred-near-appended", "CRED-NEAR-APPENDED", DOC, MUST,
    "an account's secret followed by extra characters is accepted (a prefix comparison)"},
  [DEV_CRED_NEAR_TRUNCATED] = {"cred-near-truncated", "CRED-NEAR-TRUNCATED", DOC, MUST,
    "an account's secret without its last character is accepted (an off-by-one comparison)"},
  [DEV_CRED_NEAR_CASE] = {"cred-near-case", "CRED-NEAR-CASE", DOC, MUST,
    "secrets are compared ignoring case"},
  [DEV_CRED_NEAR_WHITESPACE] = {"cred-near-whitespace", "CRED-NEAR-WHITESPACE", DOC, MUST,
    "trailing spaces, tabs and line breaks are trimmed from client_secret before it is "
    "compared"},
  [DEV_CRED_NEAR_NUL] = {"cred-near-nul", "CRED-NEAR-NUL", DOC, MUST,
    "a %00 in a form value ends it: the secret is compared only up to the NUL byte"},
  [DEV_BEARER_NOT_YET_VALID] = {"bearer-not-yet-valid", "BEARER-OK", DOC, MUST,
    "a token is refused during its first 3 seconds (iat read as not-before, clock skew applied "
    "the wrong way)"},
  [DEV_BEARER_ALG_NONE] = {"bearer-alg-none", "BEARER-ALG-NONE", DOC, MUST,
    "unsigned tokens with alg none are accepted"},
  [DEV_BEARER_ALG_NONE_CASE] = {"bearer-alg-none-case", "BEARER-ALG-NONE-CAPITAL", DOC, MUST,
    "alg none is refused by a case-sensitive blocklist: an unsigned token with alg None is "
    "accepted"},
  [DEV_BEARER_SIGNATURE_IGNORED] = {"bearer-signature-ignored",
    "BEARER-ALTERED-SIGNATURE", DOC, MUST,
    "the signature is never checked"},
  [DEV_BEARER_PAYLOAD_UNSIGNED] = {"bearer-payload-unsigned", "BEARER-FORGED-EXP", DOC, MUST,
    "the HMAC covers the header segment only: a changed payload keeps a valid signature"},
  [DEV_BEARER_UNKNOWN_SUBJECT_UNVERIFIED] = {"bearer-unknown-subject-unverified",
    "BEARER-FORGED-SUB", DOC, MUST,
    "a token whose sub is not a known account is accepted without a signature check"},
  [DEV_BEARER_TRUNCATED_ACCEPTED] = {"bearer-truncated-accepted",
    "BEARER-ALTERED-TRUNCATED", DOC, MUST,
    "the signature is compared only as far as the client sent it (at least 16 characters)"},
  [DEV_BEARER_APPENDED_ACCEPTED] = {"bearer-appended-accepted",
    "BEARER-ALTERED-APPENDED", DOC, MUST,
    "characters after the 43-character signature are ignored"},
  [DEV_BEARER_CASE_INSENSITIVE] = {"bearer-case-insensitive", "BEARER-ALTERED-CASE", DOC, MUST,
    "issued tokens are looked up ignoring case: a case-changed token is accepted"},
  [DEV_BEARER_NO_HEADER_200] = {"bearer-no-header-200", "BEARER-NO-HEADER", DOC, MUST,
    "a request without Authorization gets 200"},
  [DEV_BEARER_NO_HEADER_403] = {"bearer-no-header-403", "BEARER-NO-HEADER", DOC, MUST,
    "a request without Authorization gets 403 instead of 401"},
  [DEV_PROJECTS_NO_HEADER_200] = {"projects-no-header-200", "BEARER-NO-HEADER-PROJECTS", DOC, MUST,
    "projects/ without Authorization answers 200 with an empty list (left out of the security "
    "rules)"},
  [DEV_BEARER_MALFORMED_ACCEPTED] = {"bearer-malformed-accepted",
    "BEARER-MALFORMED-NOSPACE", DOC, MUST,
    "\"BearerT\" (no space) is accepted"},
  [DEV_BEARER_EMPTY_TOKEN_500] = {"bearer-empty-token-500", "BEARER-MALFORMED-EMPTY", DOC, MUST,
    "\"Bearer\" without a space or token gets 500 (substring past the end)"},
  [DEV_BEARER_BLANK_TOKEN_500] = {"bearer-blank-token-500", "BEARER-MALFORMED-SPACE", DOC, MUST,
    "\"Bearer \" (a space, no token) gets 500 (an empty token reaches the parser)"},
  [DEV_BEARER_SCHEME_ANY] = {"bearer-scheme-any", "BEARER-WRONG-SCHEME-TOKEN", DOC, MUST,
    "the scheme word is skipped unchecked: \"Token T\" (and \"Basic T\") are accepted"},
  [DEV_BEARER_NO_SCHEME_ACCEPTED] = {"bearer-no-scheme-accepted",
    "BEARER-WRONG-SCHEME-BARE", DOC, MUST,
    "a value without a scheme is taken as the token"},
  [DEV_BEARER_BASIC_TOKEN_ACCEPTED] = {"bearer-basic-token-accepted",
    "BEARER-WRONG-SCHEME-BASIC-TOKEN", DOC, MUST,
    "\"Basic\" is accepted as a synonym of \"Bearer\""},
  [DEV_BEARER_BASIC_CREDENTIALS_ACCEPTED] = {"bearer-basic-credentials-accepted",
    "BEARER-WRONG-SCHEME-BASIC-CREDS", DOC, MUST,
    "HTTP Basic with an account's username and password opens protected endpoints"},
  [DEV_BEARER_QUERY_TOKEN] = {"bearer-query-token", "BEARER-QUERY-TOKEN", DOC, MUST,
    "any non-empty ?access_token= authenticates, unchecked"},
  [DEV_BEARER_QUERY_TOKEN_VERIFIED] = {"bearer-query-token-verified",
    "BEARER-QUERY-TOKEN-LIVE", DOC, MUST,
    "a valid token in ?access_token= is accepted (verified like a header token)"},
  [DEV_BEARER_SCHEME_CASE_REJECTED] = {"bearer-scheme-case-rejected",
    "BEARER-SCHEME-LOWER", RFC, MUST,
    "with --flavor rfc, the scheme is case-sensitive: \"bearer T\" gets 401"},
  [DEV_BEARER_SCHEME_UPPER_REJECTED] = {"bearer-scheme-upper-rejected",
    "BEARER-SCHEME-UPPER", RFC, MUST,
    "only \"Bearer\" and \"bearer\" are recognised: \"BEARER T\" gets 401"},
  [DEV_BEARER_SCHEME_UPPER_ACCEPTED] = {"bearer-scheme-upper-accepted",
    "BEARER-SCHEME-CONSISTENT", DOC, SHOULD,
    "only \"Bearer\" and \"BEARER\" are recognised: \"bearer T\" gets 401, \"BEARER T\" 200"},
  [DEV_BEARER_EXTRA_SPACE_REJECTED] = {"bearer-extra-space-rejected",
    "BEARER-EXTRA-SPACE", DOC, SHOULD,
    "\"Bearer  T\" (two spaces) gets 401"},
  [DEV_BEARER_NO_WWW_AUTHENTICATE] = {"bearer-no-www-authenticate",
    "BEARER-NO-HEADER-CHALLENGE", RFC, MUST,
    "401s of protected endpoints carry no WWW-Authenticate"},
  [DEV_BEARER_CHALLENGE_ERROR_ON_MISSING] = {"bearer-challenge-error-on-missing",
    "BEARER-NO-HEADER-CHALLENGE", DOC, SHOULD,
    "the challenge for a request without credentials has error=\"invalid_token\""},
  [DEV_BEARER_GARBAGE_CHALLENGE_NO_ERROR] = {"bearer-garbage-challenge-no-error",
    "BEARER-GARBAGE-CHALLENGE", DOC, SHOULD,
    "the challenge for an invalid token has no error=\"invalid_token\""},
  [DEV_BEARER_GARBAGE_500] = {"bearer-garbage-500", "BEARER-GARBAGE-SHORT", DOC, MUST,
    "a token that is not three base64url segments gets 500"},
  [DEV_BEARER_GARBAGE_UNDOCUMENTED_CODE] = {"bearer-garbage-undocumented-code",
    "BEARER-GARBAGE-RANDOM", DOC, MUST,
    "a token that is not three base64url segments gets 401 with error \"bad_token\""},
  [DEV_BEARER_HUGE_500] = {"bearer-huge-500", "BEARER-HUGE-16K", DOC, MUST,
    "an Authorization header over 8 KiB gets 500"},
  [DEV_BEARER_HUGE_64K_500] = {"bearer-huge-64k-500", "BEARER-HUGE-64K", DOC, MUST,
    "request headers up to 128 KiB are read; an Authorization header over 32 KiB gets 500"},
  [DEV_BEARER_DUPLICATE_FIRST_WINS] = {"bearer-duplicate-first-wins",
    "BEARER-DUPLICATE-HEADER", DOC, SHOULD,
    "with two Authorization headers the first one is used"},
  [DEV_BEARER_ERROR_NOT_JSON] = {"bearer-error-not-json", "X-ERROR-JSON", DOC, MUST,
    "401s of protected endpoints have a plain-text body"},
  [DEV_BEARER_USE_QUOTA] = {"bearer-use-quota", "LOAD-USE-CONCURRENT", DOC, SHOULD,
    "a token is refused after 50 uses (a per-token quota)"},
  [DEV_THROTTLE_IGNORED] = {"throttle-ignored", "CRED-BRUTE-FORCE", DOC, SHOULD,
    "--throttle is ignored: repeated failed logins are never rate limited"},
  [DEV_EXPIRY_IGNORED] = {"expiry-ignored", "EXPIRY-PRESET", DOC, MUST,
    "expired tokens are accepted"},
  [DEV_EXPIRY_LATE] = {"expiry-late", "EXPIRY-WAIT", DOC, MUST,
    "tokens are accepted for 120 s after exp"},
  [DEV_EXPIRY_EXP_MISMATCH] = {"expiry-exp-mismatch", "EXPIRY-CLAIMS-CONSISTENT", DOC, SHOULD,
    "the exp claim is iat + 2 * expires_in (the real lifetime is enforced)"},
  [DEV_EXPIRY_WRONG_ERROR_CODE] = {"expiry-wrong-error-code", "EXPIRY-PRESET", DOC, MUST,
    "an expired token gets 401 with the undocumented error \"expired\""},
  [DEV_EXPIRY_CHALLENGE_NO_ERROR] = {"expiry-challenge-no-error", "EXPIRY-ERROR", DOC, SHOULD,
    "the challenge for an expired token has no error=\"invalid_token\""},
  [DEV_TOKEN_EXPIRES_EARLY] = {"token-expires-early", "EXPIRY-WAIT", DOC, MUST,
    "tokens are refused from half their lifetime on (exp and expires_in state the full "
    "lifetime)"},
  [DEV_REVOCATION_IGNORED] = {"revocation-ignored", "REVOKE-PRESET", DOC, MUST,
    "revoked tokens are accepted"},
  [DEV_REVOCATION_DELAYED] = {"revocation-delayed", "REVOKE-LIVE", DOC, MUST,
    "a revocation takes effect only 60 s later"},
  [DEV_REVOCATION_REVOKES_USER] = {"revocation-revokes-user", "REVOKE-LIVE", DOC, MUST,
    "revoking a token also refuses every later token of the same user"},
  [DEV_REVOKE_ALL_OF_USER] = {"revoke-all-of-user", "REVOKE-LIVE", DOC, MUST,
    "revoking a token refuses every token its user was issued up to then (a per-user "
    "'issued before' mark): a sibling token is refused too, later tokens work"},
  [DEV_HEALTH_REQUIRES_AUTH] = {"health-requires-auth", "HEALTH-OK", DOC, MUST,
    "the healthcheck answers 401 without a token"},
  [DEV_HEALTH_JSON] = {"health-json", "HEALTH-OK", DOC, MUST,
    "the healthcheck answers JSON {\"status\":\"UP\"}"},
  [DEV_HEALTH_VERSION_LEAK] = {"health-version-leak", "HEALTH-NO-LEAK", DOC, SHOULD,
    "the healthcheck body is \"OK apinizer/2024.1.0\""},
  [DEV_ERROR_STACK_TRACE] = {"error-stack-trace", "X-NO-LEAK", DOC, SHOULD,
    "404 and protected-endpoint 401 bodies include a Java stack trace"},
  [DEV_PROJECTS_WRONG_SHAPE] = {"projects-wrong-shape", "ISSUE-WORKS-PROJECTS", DOC, MUST,
    "projects answers without resultList"},
  [DEV_PROJECTS_COUNT_SHORT] = {"projects-count-short", "ISSUE-PROJECTS-COUNT", DOC, SHOULD,
    "resultCount is smaller than the length of resultList"},
  [DEV_HELLO_WRONG_BODY] = {"hello-wrong-body", "ISSUE-WORKS-HELLO", DOC, MUST,
    "hello answers \"Hi {name}\""},
  [DEV_ROLES_IGNORED] = {"roles-ignored", "PERM-LIMITED-FORBIDDEN", DOC, MUST,
    "roles are never checked: a token whose user has no role lists projects like an "
    "administrator's"},
  [DEV_FORBIDDEN_NOT_JSON] = {"forbidden-not-json", "PERM-LIMITED-FORBIDDEN", DOC, MUST,
    "the 403 for a missing role is plain text (\"Access is denied\"), not a JSON error"},
  [DEV_HELLO_REQUIRES_ROLE] = {"hello-requires-role", "PERM-LIMITED-HELLO", DOC, MUST,
    "Secure Hello answers 403 to a token whose user has no role (authorization where any "
    "authenticated user may pass)"},
  [DEV_SCOPE_IGNORED] = {"scope-ignored", "O2-SCOPE-INSUFFICIENT", OAUTH2, MUST,
    "test/scoped opens for any valid token: the scope it requires is never checked"},
  [DEV_SCOPE_WIDENED] = {"scope-widened", "O2-SCOPE-NOT-WIDER", OAUTH2, MUST,
    "a token request naming a scope is granted every scope the client may have (response and "
    "the token's scope claim), more than it asked for"},
  [DEV_SCOPE_NARROWED_UNSTATED] = {"scope-narrowed-unstated", "O2-SCOPE-UNKNOWN", OAUTH2, MUST,
    "a token response whose granted scope is narrower than the request has no scope member "
    "(RFC 6749 5.1 makes it REQUIRED then); the token's scope claim is right"},
  [DEV_INSUFFICIENT_SCOPE_401] = {"insufficient-scope-401", "O2-SCOPE-INSUFFICIENT", OAUTH2,
    MUST,
    "test/scoped answers a valid token without the scope with 401 insufficient_scope instead of "
    "403 (RFC 6750 3.1)"},
  [DEV_METADATA_ISSUER_MISMATCH] = {"metadata-issuer-mismatch", "O2-DISC-ISSUER", OAUTH2, MUST,
    "the authorization server metadata's issuer has a trailing slash (RFC 8414 3.3 wants it "
    "identical to the issuer the metadata URL was built from)"},
  [DEV_METADATA_NOT_JSON] = {"metadata-not-json", "O2-DISC-METADATA", OAUTH2, MUST,
    "the authorization server metadata (both paths) is labelled text/plain"},
  [DEV_BASIC_AUTH_UNSUPPORTED] = {"basic-auth-unsupported", "O2-TOKEN-BASIC", OAUTH2, MUST,
    "the token endpoint refuses client_secret_basic (401 invalid_client) though the metadata "
    "advertises it; form credentials still work (the effect of basic-auth-rejected, judged by "
    "the generic suite)"},
  [DEV_BASIC_NOT_FORM_DECODED] = {"basic-not-form-decoded", "O2-TOKEN-BASIC", OAUTH2, MUST,
    "the client_id and secret inside HTTP Basic are compared without form-decoding them (RFC "
    "6749 2.3.1): a secret with '+', '%', ':' or a space fails unless the client skips the "
    "encoding"},
  [DEV_POST_AUTH_UNSUPPORTED] = {"post-auth-unsupported", "O2-TOKEN-POST", OAUTH2, MUST,
    "the token endpoint refuses client_id and client_secret in the form (401 invalid_client) "
    "though the metadata advertises client_secret_post; Basic still works"},
  [DEV_TOKEN_BASIC_NO_CHALLENGE] = {"token-basic-no-challenge", "O2-TOKEN-BAD-CLIENT-BASIC",
    OAUTH2, MUST,
    "a token-endpoint 401 for bad HTTP Basic client credentials carries no WWW-Authenticate "
    "(RFC 6749 5.2); form-credential 401s keep theirs"},
  [DEV_REVOKE_UNKNOWN_400] = {"revoke-unknown-400", "O2-REVOKE-UNKNOWN", OAUTH2, MUST,
    "revoking an unknown or garbage token gets 400 invalid_request (RFC 7009 2.2 wants 200)"},
  [DEV_REVOKE_NO_CLIENT_AUTH] = {"revoke-no-client-auth", "O2-REVOKE-BAD-CLIENT", OAUTH2, MUST,
    "the revocation endpoint does not authenticate the client: unknown or wrong client "
    "credentials get 200, and any token is revoked"},
  [DEV_REVOKE_NOOP] = {"revoke-noop", "O2-REVOKE-LIVE", OAUTH2, MUST,
    "the revocation endpoint answers 200 and revokes nothing"},
  [DEV_REVOKE_ANY_CLIENT] = {"revoke-any-client", "O2-REVOKE-OTHER-CLIENT", OAUTH2, MUST,
    "a client can revoke a token issued to another client (RFC 7009 2.1 wants the request "
    "refused)"},
  [DEV_INTROSPECT_GARBAGE_ACTIVE] = {"introspect-garbage-active", "O2-INTROSPECT-GARBAGE",
    OAUTH2, MUST,
    "introspection answers {\"active\":true} for any non-empty string that is not a token this "
    "server signed (garbage, a bad signature)"},
  [DEV_INTROSPECT_NO_AUTH] = {"introspect-no-auth", "O2-INTROSPECT-NO-AUTH", OAUTH2, MUST,
    "introspection answers without client authentication (RFC 7662 2.1 requires it)"},
  [DEV_INTROSPECT_REVOKED_ACTIVE] = {"introspect-revoked-active", "O2-INTROSPECT-REVOKED", OAUTH2, MUST,
    "a revoked token still introspects active:true (the protected endpoints refuse it "
    "correctly)"},
  [DEV_INTROSPECT_LIVE_INACTIVE] = {"introspect-live-inactive", "O2-INTROSPECT-LIVE", OAUTH2,
    MUST, "a live token introspects active:false"},
  [DEV_AT_JWT_NO_JTI] = {"at-jwt-no-jti", "O2-JWT-CLAIMS", OAUTH2, MUST,
    "access tokens carry neither jti nor client_id (RFC 9068 2.2); the server still accepts them "
    "and revokes them by their signature"},
  [DEV_AT_JWT_WRONG_ISS] = {"at-jwt-wrong-iss", "O2-JWT-CLAIMS", OAUTH2, MUST,
    "the access tokens' iss is the token endpoint's URL, not the metadata's issuer"},
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
    fprintf(out, "%s\t%s\t%s\t%s\t%s\n", table[i].name, table[i].check, table[i].profile,
            table[i].description, table[i].level);
}
