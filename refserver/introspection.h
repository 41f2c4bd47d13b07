/* introspection: POST {prefix}/auth/introspect, OAuth 2.0 token introspection (RFC 7662), rfc
 * flavour. */
#ifndef RS_INTROSPECTION_H
#define RS_INTROSPECTION_H

#include "app.h"

/* Answers a request to the introspection endpoint, any method. 0, or -1 when out of memory. */
int introspection_endpoint(const struct rs_app *app, const struct rs_request *rq,
                           struct reply *out);

#endif
