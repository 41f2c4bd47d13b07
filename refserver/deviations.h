/* deviations: the table of deliberate defects the reference server can switch on, one at a time. */
#ifndef RS_DEVIATIONS_H
#define RS_DEVIATIONS_H

#include <stdbool.h>
#include <stdio.h>

/* One value per defect. Each is tested by as few dev_on() conditions as its effect needs, so the
 * effect of a deviation stays narrow and can be found by grepping its name. */
enum dev_id {
  /* token issuance */
  DEV_TOKEN_WRONG_PASSWORD_ACCEPTED,
  DEV_CRED_UNKNOWN_USER_ACCEPTED,
  DEV_TOKEN_JSON_ACCEPTED,
  DEV_TOKEN_JSON_500,
  DEV_TOKEN_NO_STORE_MISSING,
  DEV_TOKEN_PRAGMA_MISSING,
  DEV_TOKEN_TYPE_LOWERCASE,
  DEV_TOKEN_CONTENT_TYPE_TEXT,
  DEV_TOKEN_EXPIRES_IN_STRING,
  DEV_TOKEN_EXPIRES_IN_ZERO,
  DEV_TOKEN_EXPIRES_IN_MISSING,
  DEV_TOKEN_WRONG_GRANT_200,
  DEV_TOKEN_WRONG_GRANT_ERROR_CODE,
  DEV_TOKEN_MISSING_GRANT_500,
  DEV_TOKEN_UNKNOWN_PARAM_REJECTED,
  DEV_TOKEN_GET_ACCEPTED,
  DEV_TOKEN_GET_NOT_405,
  DEV_TOKEN_GET_ANY,
  DEV_TOKEN_SAME_TOKEN,
  DEV_TOKEN_SAME_BACK_TO_BACK,
  DEV_TOKEN_SHARED_ACROSS_CLIENTS,
  DEV_BASIC_AUTH_REJECTED,
  DEV_TOKEN_NO_JTI,
  /* bad credentials */
  DEV_TOKEN_EMPTY_SECRET_ACCEPTED,
  DEV_TOKEN_MISSING_ID_500,
  DEV_TOKEN_MISSING_SECRET_500,
  DEV_TOKEN_HOSTILE_500,
  DEV_TOKEN_LDAP_WILDCARD,
  DEV_TOKEN_LONG_ID_500,
  DEV_TOKEN_BAD_UTF8_500,
  DEV_TOKEN_BAD_PERCENT_500,
  DEV_TOKEN_ERROR_LEAK,
  DEV_CRED_ENUMERATION_BODY,
  DEV_CRED_ENUMERATION_STATUS,
  DEV_CRED_ENUMERATION_HEADER,
  DEV_CRED_ENUMERATION_BYTES,
  DEV_CRED_ERROR_NOT_JSON,
  DEV_CRED_WRONG_CODE,
  DEV_CRED_NO_WWW_AUTHENTICATE,
  DEV_CRED_TIMING_LEAK,
  DEV_CRED_NEAR_EMPTY_SECRET,
  DEV_CRED_NEAR_APPENDED,
  DEV_CRED_NEAR_TRUNCATED,
  DEV_CRED_NEAR_CASE,
  DEV_CRED_NEAR_WHITESPACE,
  DEV_CRED_NEAR_NUL,
  /* bearer */
  DEV_BEARER_NOT_YET_VALID,
  DEV_BEARER_ALG_NONE,
  DEV_BEARER_ALG_NONE_CASE,
  DEV_BEARER_SIGNATURE_IGNORED,
  DEV_BEARER_PAYLOAD_UNSIGNED,
  DEV_BEARER_UNKNOWN_SUBJECT_UNVERIFIED,
  DEV_BEARER_TRUNCATED_ACCEPTED,
  DEV_BEARER_APPENDED_ACCEPTED,
  DEV_BEARER_CASE_INSENSITIVE,
  DEV_BEARER_NO_HEADER_200,
  DEV_BEARER_NO_HEADER_403,
  DEV_PROJECTS_NO_HEADER_200,
  DEV_BEARER_MALFORMED_ACCEPTED,
  DEV_BEARER_EMPTY_TOKEN_500,
  DEV_BEARER_BLANK_TOKEN_500,
  DEV_BEARER_SCHEME_ANY,
  DEV_BEARER_NO_SCHEME_ACCEPTED,
  DEV_BEARER_BASIC_TOKEN_ACCEPTED,
  DEV_BEARER_BASIC_CREDENTIALS_ACCEPTED,
  DEV_BEARER_QUERY_TOKEN,
  DEV_BEARER_QUERY_TOKEN_VERIFIED,
  DEV_BEARER_SCHEME_CASE_REJECTED,
  DEV_BEARER_SCHEME_UPPER_REJECTED,
  DEV_BEARER_SCHEME_UPPER_ACCEPTED,
  DEV_BEARER_EXTRA_SPACE_REJECTED,
  DEV_BEARER_NO_WWW_AUTHENTICATE,
  DEV_BEARER_CHALLENGE_ERROR_ON_MISSING,
  DEV_BEARER_GARBAGE_CHALLENGE_NO_ERROR,
  DEV_BEARER_GARBAGE_500,
  DEV_BEARER_GARBAGE_UNDOCUMENTED_CODE,
  DEV_BEARER_HUGE_500,
  DEV_BEARER_HUGE_64K_500,
  DEV_BEARER_DUPLICATE_FIRST_WINS,
  DEV_BEARER_ERROR_NOT_JSON,
  DEV_BEARER_USE_QUOTA,
  DEV_THROTTLE_IGNORED,
  /* expiry */
  DEV_EXPIRY_IGNORED,
  DEV_EXPIRY_LATE,
  DEV_EXPIRY_EXP_MISMATCH,
  DEV_EXPIRY_WRONG_ERROR_CODE,
  DEV_EXPIRY_CHALLENGE_NO_ERROR,
  DEV_TOKEN_EXPIRES_EARLY,
  /* revocation */
  DEV_REVOCATION_IGNORED,
  DEV_REVOCATION_DELAYED,
  DEV_REVOCATION_REVOKES_USER,
  DEV_REVOKE_ALL_OF_USER,
  /* health and test endpoints */
  DEV_HEALTH_REQUIRES_AUTH,
  DEV_HEALTH_JSON,
  DEV_HEALTH_VERSION_LEAK,
  /* cross-cutting */
  DEV_ERROR_STACK_TRACE,
  DEV_PROJECTS_WRONG_SHAPE,
  DEV_PROJECTS_COUNT_SHORT,
  DEV_HELLO_WRONG_BODY,
  /* permissions: roles (documented) and scopes (rfc flavour, the generic suite) */
  DEV_ROLES_IGNORED,
  DEV_FORBIDDEN_NOT_JSON,
  DEV_HELLO_REQUIRES_ROLE,
  DEV_SCOPE_IGNORED,
  DEV_SCOPE_WIDENED,
  DEV_SCOPE_NARROWED_UNSTATED,
  DEV_INSUFFICIENT_SCOPE_401,
  /* generic OAuth 2.0 (rfc flavour, the generic suite suite/oauth2.yaml) */
  DEV_METADATA_ISSUER_MISMATCH,
  DEV_METADATA_NOT_JSON,
  DEV_BASIC_AUTH_UNSUPPORTED,
  DEV_BASIC_NOT_FORM_DECODED,
  DEV_POST_AUTH_UNSUPPORTED,
  DEV_TOKEN_BASIC_NO_CHALLENGE,
  DEV_REVOKE_UNKNOWN_400,
  DEV_REVOKE_NO_CLIENT_AUTH,
  DEV_REVOKE_NOOP,
  DEV_REVOKE_ANY_CLIENT,
  DEV_INTROSPECT_GARBAGE_ACTIVE,
  DEV_INTROSPECT_NO_AUTH,
  DEV_INTROSPECT_REVOKED_ACTIVE,
  DEV_INTROSPECT_LIVE_INACTIVE,
  DEV_AT_JWT_NO_JTI,
  DEV_AT_JWT_WRONG_ISS,
  /* JWT attacks (cases/jwt-attacks.yaml) */
  DEV_JWT_WEAK_SECRET,
  DEV_JWT_ALG_NONE_SIGNATURE_KEPT,
  DEV_JWT_NULL_SIGNATURE,
  DEV_JWT_HMAC_EMPTY_KEY,
  DEV_JWT_KID_TRAVERSAL,
  DEV_JWT_KID_SQL_INJECTION,
  DEV_JWT_EMBEDDED_JWK,
  DEV_JWT_JKU_TRUSTED,
  DEV_JWT_X5U_TRUSTED,
  DEV_JWT_ALG_CONFUSION,
  DEV_JWT_PSYCHIC_SIGNATURE,
  DEV_JWT_KEY_SUBSTITUTION,
  DEV_COUNT
};

/* What --list-deviations prints. All strings are static. */
struct dev_info {
  const char *name;        /* the --deviate argument */
  const char *check;       /* the id of the bundled suite's test that catches it (cases/) */
  const char *profile;     /* "documented" or "rfc": the --flavor to run and the --profile that
                            * catches it */
  const char *level;       /* "must" (the run fails) or "should" (a warning: TAP "not ok # TODO") */
  const char *description; /* one line */
};

/* The table entry for id; never NULL for id < DEV_COUNT. */
const struct dev_info *dev_info(enum dev_id id);

/* The id named name, or -1 when no deviation has that name. */
int dev_lookup(const char *name);

/* Switches a deviation on. Only called before the server's threads start: the flags are read
 * without locks afterwards. */
void dev_enable(enum dev_id id);

/* True when the deviation was switched on. */
bool dev_on(enum dev_id id);

/* Prints NAME<TAB>CHECK_ID<TAB>PROFILE<TAB>DESCRIPTION<TAB>LEVEL, one line per deviation, in table
 * order. LEVEL is last so that readers of the older four-column format keep working. */
void dev_list(FILE *out);

/* The text deviations leak where a correct server would never show internals. */
#define DEV_JAVA_STACK_TRACE                                                                     \
  "java.lang.IllegalStateException: request failed\n"                                            \
  "\tat com.apinizer.manager.security.TokenFilter.doFilterInternal(TokenFilter.java:87)\n"        \
  "\tat org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)"

#endif
