/* token_endpoint: POST {prefix}/auth/token, the client credentials grant (RFC 6749 4.4). */
#ifndef RS_TOKEN_ENDPOINT_H
#define RS_TOKEN_ENDPOINT_H

#include "app.h"

/* Answers a request to the token endpoint, any method. 0, or -1 when out of memory. */
int rs_token_endpoint(const rs_app *app, const rs_request *rq, rs_reply *out);

#endif
