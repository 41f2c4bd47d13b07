/* issuer: the server's OAuth 2.0 issuer identifier (RFC 8414 2) as a request sees it, which the rfc
 * flavour's metadata, tokens (iss, aud) and introspection answers name. */
#ifndef RS_ISSUER_H
#define RS_ISSUER_H

#include "app.h"

/* "{scheme}://{Host}{prefix}" with no trailing slash: the scheme the server speaks and the Host
 * header the client sent, so the issuer is the URL the client used (RFC 8414 3.3 wants the
 * metadata's issuer to equal it). Without a usable Host header, the --bind address stands in.
 * Caller frees; NULL when out of memory. */
char *rs_issuer_of(const rs_app *app, const rs_request *rq);

/* The URL of a well-known document of this server for the request: "{scheme}://{Host}" then
 * well_known then the prefix (RFC 8414 3.1 and RFC 9728 3.1 insert the well-known segment before
 * the path). Caller frees; NULL when out of memory. */
char *rs_issuer_well_known(const rs_app *app, const rs_request *rq,
                           const char *well_known);

/* issuer followed by suffix (e.g. "/auth/token"). Caller frees; NULL when out of memory. */
char *rs_issuer_join(const char *issuer, const char *suffix);

#endif
