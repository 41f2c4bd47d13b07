/* client_request: the authenticated form POST of the revocation and introspection endpoints. */
#include "client_request.h"

#include <string.h>

static int invalid_request(rs_reply *out, const char *why)
{
  return rs_reply_error(out, 400, "invalid_request", why) == 0 ? 1 : -1;
}

/* Parses the body into cr->form. 0, 1 when answered, -1 on memory. */
static int read_form(const rs_request *rq, rs_client_request *cr, rs_reply *out)
{
  size_t len = 0;
  const char *body = rs_rq_body(rq, &len);
  const char *ct = rs_rq_header(rq, "Content-Type");
  /* A bodiless request without Content-Type is an empty form (then token is missing). */
  if ((ct && !rs_form_media_type_is(ct, "application/x-www-form-urlencoded")) || (!ct && len > 0))
    return invalid_request(out, "Content-Type must be application/x-www-form-urlencoded");
  switch (rs_form_parse(body ? body : "", len, false, &cr->form)) {
  case FORM_OK:
    return 0;
  case FORM_BAD_ENCODING:
    return invalid_request(out, "Malformed request parameters");
  case FORM_DUPLICATE:
    return invalid_request(out, "Request parameters must not be repeated");
  case FORM_NOMEM:
    break;
  }
  return -1;
}

int rs_client_request_read(const rs_app *app, const rs_request *rq,
                           rs_client_auth_site site, bool authenticate,
                           rs_client_request *cr, rs_reply *out)
{
  cr->auth.site = site;
  /* Both RFCs define POST only: the token must not travel in a URL. */
  if (strcmp(rs_rq_method(rq), "POST") != 0) {
    return rs_reply_method_not_allowed(out, "POST", "POST") == 0 ? 1 : -1;
  }
  int rc = read_form(rq, cr, out);
  if (rc != 0)
    return rc;
  /* The client first: RFC 7009 2.1 and RFC 7662 2.1 authenticate it before looking at the token,
   * so an unauthenticated caller learns nothing about it. */
  if (authenticate) {
    rc = rs_client_auth_verify(app, rq, &cr->form, &cr->auth, &cr->client, out);
    if (rc != 0)
      return rc;
  }
  cr->token = rs_form_get(&cr->form, "token");
  if (!cr->token || !cr->token[0])
    return invalid_request(out, "Missing token parameter");
  return 0;
}

void rs_client_request_free(rs_client_request *cr)
{
  if (!cr)
    return;
  rs_client_auth_clear(&cr->auth);
  rs_form_free(&cr->form);
  cr->client = NULL;
  cr->token = NULL;
}

int rs_client_request_no_store(rs_reply *out)
{
  if (rs_reply_get_header(out, "Cache-Control"))
    return 0;
  return rs_reply_header(out, "Cache-Control", "no-store");
}
