/* server: the HTTP(S) listener (libmicrohttpd, one thread per connection) that feeds app_handle(). */
#ifndef RS_SERVER_H
#define RS_SERVER_H

#include "app.h"

#include <stddef.h>

struct rs_server;

/* Starts listening as app->cfg says. app must outlive the server. Returns NULL with a one-line
 * message in err when it cannot. */
struct rs_server *server_start(struct rs_app *app, char *err, size_t err_len);

/* Writes the URL the server answers on ("http://127.0.0.1:PORT") into buf. */
void server_url(const struct rs_server *s, char *buf, size_t len);

/* Stops accepting, waits for the connection threads, and frees the server. Accepts NULL. */
void server_stop(struct rs_server *s);

#endif
