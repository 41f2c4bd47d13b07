/* token_endpoint: POST {prefix}/auth/token, the client credentials grant (RFC 6749 4.4). */
#ifndef RS_TOKEN_ENDPOINT_H
#define RS_TOKEN_ENDPOINT_H

#include "app.h"

/* Answers a request to the token endpoint, any method. 0, or -1 when out of memory. */
int token_endpoint(const struct rs_app *app, const struct rs_request *rq, struct reply *out);

#endif
