/* server: the HTTP(S) listener (libmicrohttpd, one thread per connection) that feeds
 * rs_handle_request(). */
#ifndef RS_SERVER_H
#define RS_SERVER_H

#include "app.h"

#include <stddef.h>

typedef struct rs_server rs_server;

/* What a listener is: the one server, the balancer of --cluster (it hands each request to the
 * next node), or node K (0-based) of --cluster. */
#define RS_SERVER_SINGLE (-1)
#define RS_SERVER_BALANCER (-2)

/* Starts listening as app->cfg says, as `role` (above): the single server and the balancer on
 * --port, a node on a free port. app must outlive the server. Returns NULL with a one-line
 * message in err when it cannot. */
rs_server *rs_server_start(rs_app *app, int role, char *err, size_t err_len);

/* Writes the URL the server answers on ("http://127.0.0.1:PORT") into buf. */
void rs_server_url(const rs_server *s, char *buf, size_t len);

/* Stops accepting, waits for the connection threads, and frees the server. Accepts NULL. */
void rs_server_stop(rs_server *s);

#endif
