/* revocation: POST {prefix}/auth/revoke, OAuth 2.0 token revocation (RFC 7009), rfc flavour. */
#ifndef RS_REVOCATION_H
#define RS_REVOCATION_H

#include "app.h"

/* Answers a request to the revocation endpoint, any method. 0, or -1 when out of memory. */
int rs_revocation_endpoint(const rs_app *app, const rs_request *rq, rs_reply *out);

#endif
