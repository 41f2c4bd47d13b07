/* introspection: POST {prefix}/auth/introspect, OAuth 2.0 token introspection (RFC 7662), rfc
 * flavour. */
#ifndef RS_INTROSPECTION_H
#define RS_INTROSPECTION_H

#include "app.h"

/* Answers a request to the introspection endpoint, any method. 0, or -1 when out of memory. */
int rs_introspection_endpoint(const rs_app *app, const rs_request *rq,
                              rs_reply *out);

#endif
