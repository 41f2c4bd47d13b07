/* client_auth: client authentication for the token, revocation and introspection endpoints. */
#include "client_auth.h"

#include "b64.h"
#include "deviations.h"
#include "logins.h"
#include "node_faults.h"
#include "reqlog.h"
#include "throttle.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BAD_CREDENTIALS "Bad credentials"

static bool is_rfc(const rs_app *app) { return app->cfg->flavor == FLAVOR_RFC; }

int rs_client_auth_refuse(const rs_app *app, const rs_client_auth *c, const char *id,
                          bool unknown_user, rs_reply *out)
{
  if (id && rs_logins_failed(app->logins, id))
    rs_reqlog_failed_login(app->log, id);
  const char *code = is_rfc(app) ? "invalid_client" : "unauthorized_client";
  const char *description = BAD_CREDENTIALS;
  unsigned status = 401;
  int rc;
  if (rs_dev_on(DEV_CRED_WRONG_CODE))
    code = "invalid_grant";
  if (unknown_user && rs_dev_on(DEV_CRED_ENUMERATION_BODY))
    description = "User not found";
  if (unknown_user && rs_dev_on(DEV_CRED_ENUMERATION_STATUS))
    status = 404;
  if (rs_dev_on(DEV_CRED_ERROR_NOT_JSON)) {
    rc = rs_reply_text(out, status, CT_TEXT, description);
  } else if (unknown_user && rs_dev_on(DEV_CRED_ENUMERATION_BYTES)) {
    char body[160];
    snprintf(body, sizeof body, "{\"error_description\":\"%s\",\"error\":\"%s\"}", description,
             code);
    rc = rs_reply_text(out, status, CT_JSON, body);
  } else if (rs_dev_on(DEV_TOKEN_ERROR_LEAK)) {
    rc = rs_reply_error(out, status, code,
                        "Bad credentials: java.lang.Exception: "
                        "org.springframework.security.authentication.BadCredentialsException");
  } else {
    rc = rs_reply_error(out, status, code, description);
  }
  if (rc == 0 && unknown_user && rs_dev_on(DEV_CRED_ENUMERATION_HEADER))
    rc = rs_reply_header(out, "X-Account-Status", "unknown");
  /* RFC 6749 5.2 with RFC 9110 11.6.1: a 401 names the scheme the client may use (a MUST when the
   * client sent Basic). The documented server sends none on this endpoint. */
  bool no_challenge = rs_dev_on(DEV_CRED_NO_WWW_AUTHENTICATE) ||
                      (c && c->basic && c->site == CA_TOKEN &&
                       rs_dev_on(DEV_TOKEN_BASIC_NO_CHALLENGE));
  if (rc == 0 && is_rfc(app) && !no_challenge)
    rc = rs_reply_header(out, "WWW-Authenticate", "Basic realm=\"authconform\"");
  return rc;
}

int rs_client_auth_throttled(const rs_app *app, const rs_request *rq, const char *id, time_t now,
                             rs_reply *out)
{
  long retry_after = 0;
  rs_throttle *throttle = rs_node_throttle(app, rq);
  if (!throttle || rs_dev_on(DEV_THROTTLE_IGNORED) ||
      !rs_throttle_locked(throttle, id, now, &retry_after))
    return 0;
  char secs[32];
  snprintf(secs, sizeof secs, "%ld", retry_after);
  if (rs_reply_error(out, 429, "rate_limit_exceeded", "Too many failed attempts; retry later") ||
      rs_reply_header(out, "Retry-After", secs) != 0)
    return -1;
  return 1;
}

/* Copies in[0..len) as it stands (deviation basic-not-form-decoded). FORM_OK or FORM_NOMEM. */
static rs_form_status copy_raw(const char *in, size_t len, char **out)
{
  *out = strndup(in, len);
  return *out ? FORM_OK : FORM_NOMEM;
}

/* RFC 6749 2.3.1: Basic credentials are the form-encoded id and secret joined by ':'. Returns 0
 * when c->basic_id/basic_secret were set, 1 when the header is not usable credentials, -1 on
 * memory. */
static int decode_basic(const char *value, rs_client_auth *c)
{
  value += 5;
  value += strspn(value, " ");
  unsigned char *raw = NULL;
  size_t raw_len = 0;
  if (rs_b64std_decode(value, strlen(value), &raw, &raw_len) != 0)
    return 1;
  int rc = 1;
  char *colon = memchr(raw, ':', raw_len);
  if (colon && !memchr(raw, '\0', raw_len)) {
    const char *id = (const char *)raw, *secret = colon + 1;
    size_t id_len = (size_t)(colon - id), secret_len = raw_len - id_len - 1;
    rs_form_status a, b;
    if (rs_dev_on(DEV_BASIC_NOT_FORM_DECODED)) {
      /* As if the header were split and compared as it stands, with no form decoding. */
      a = copy_raw(id, id_len, &c->basic_id);
      b = a == FORM_OK ? copy_raw(secret, secret_len, &c->basic_secret) : FORM_BAD_ENCODING;
    } else {
      a = rs_form_decode(id, id_len, true, false, &c->basic_id);
      b = a == FORM_OK ? rs_form_decode(secret, secret_len, true, false, &c->basic_secret)
                       : FORM_BAD_ENCODING;
    }
    rc = (a == FORM_NOMEM || b == FORM_NOMEM) ? -1 : (a == FORM_OK && b == FORM_OK) ? 0 : 1;
  }
  OPENSSL_cleanse(raw, raw_len);
  free(raw);
  return rc;
}

int rs_client_auth_read(const rs_app *app, const rs_request *rq,
                        const rs_form *form, rs_client_auth *c, rs_reply *out)
{
  const char *auth = rs_rq_header(rq, "Authorization");
  bool token = c->site == CA_TOKEN;
  /* Only the rfc flavor implements RFC 6749 2.3.1; the documented API reads the form only. */
  if (is_rfc(app) && auth && strncasecmp(auth, "Basic", 5) == 0 && (auth[5] == ' ' || !auth[5])) {
    c->basic = true;
    if (token && (rs_dev_on(DEV_BASIC_AUTH_REJECTED) || rs_dev_on(DEV_BASIC_AUTH_UNSUPPORTED)))
      return rs_client_auth_refuse(app, c, NULL, false, out) == 0 ? 1 : -1;
    /* RFC 6749 2.3: one authentication method per request. */
    if (rs_form_get(form, "client_secret"))
      return rs_reply_error(out, 400, "invalid_request",
                            "Use one client authentication method") == 0 ? 1 : -1;
    int rc = decode_basic(auth, c);
    if (rc < 0)
      return -1;
    if (rc > 0 || !c->basic_id[0] || !c->basic_secret[0])
      return rs_client_auth_refuse(app, c, rc == 0 ? c->basic_id : NULL, false, out) == 0 ? 1 : -1;
    c->id = c->basic_id;
    c->secret = c->basic_secret;
    return 0;
  }
  /* post-auth-unsupported: as if only client_secret_basic were configured, while the metadata
   * still advertises client_secret_post. */
  if (token && is_rfc(app) && rs_dev_on(DEV_POST_AUTH_UNSUPPORTED))
    return rs_client_auth_refuse(app, c, NULL, false, out) == 0 ? 1 : -1;
  c->id = rs_form_get(form, "client_id");
  c->secret = rs_form_get(form, "client_secret");
  return 0;
}

int rs_client_auth_verify(const rs_app *app, const rs_request *rq,
                          const rs_form *form, rs_client_auth *c, const rs_user **who,
                          rs_reply *out)
{
  int rc = rs_client_auth_read(app, rq, form, c, out);
  if (rc != 0)
    return rc;
  /* RFC 6749 3.1: an empty parameter is treated as omitted; no credentials is invalid_client
   * (RFC 6749 5.2), answered like wrong ones. */
  if (!c->id || !c->id[0])
    return rs_client_auth_refuse(app, c, NULL, false, out) == 0 ? 1 : -1;
  if (!c->secret || !c->secret[0])
    return rs_client_auth_refuse(app, c, c->id, false, out) == 0 ? 1 : -1;
  time_t now = time(NULL);
  rc = rs_client_auth_throttled(app, rq, c->id, now, out);
  if (rc != 0)
    return rc;
  rs_users_auth verdict = rs_users_authenticate(app->users, c->id, c->secret, who);
  rs_throttle *throttle = rs_node_throttle(app, rq);
  if (verdict != USERS_OK) {
    if (throttle)
      rs_throttle_failure(throttle, c->id, now);
    return rs_client_auth_refuse(app, c, c->id, verdict == USERS_UNKNOWN, out) == 0 ? 1 : -1;
  }
  if (throttle)
    rs_throttle_success(throttle, c->id);
  return 0;
}

void rs_client_auth_clear(rs_client_auth *c)
{
  if (!c)
    return;
  if (c->basic_secret)
    OPENSSL_cleanse(c->basic_secret, strlen(c->basic_secret));
  free(c->basic_id);
  free(c->basic_secret);
  c->basic_id = c->basic_secret = NULL;
  c->id = c->secret = NULL;
}
