/* admin: the test-only endpoints under /_refserver/ (revoke, mint, failed-logins, nodes), enabled by
 * --admin. */
#ifndef RS_ADMIN_H
#define RS_ADMIN_H

#include "app.h"

#define ADMIN_PREFIX "/_refserver/"

/* Answers a request whose path starts with ADMIN_PREFIX. 0, or -1 when out of memory. */
int rs_admin_handle(const rs_app *app, const rs_request *rq, rs_reply *out);

#endif
