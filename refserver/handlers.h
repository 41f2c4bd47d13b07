/* handlers: the router at the top of the request handlers: it picks the endpoint for a request. */
#ifndef RS_HANDLERS_H
#define RS_HANDLERS_H

#include "app.h"
#include "reply.h"
#include "request.h"

/* Answers one request: fills out (zero-initialised by the caller). Returns 0, or -1 when out of
 * memory, in which case the caller answers a bare 500. */
int rs_handle_request(rs_app *app, const rs_request *rq, rs_reply *out);

#endif
