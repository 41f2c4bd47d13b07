/* discovery: `--issuer URL` reads the authorization server's metadata (RFC 8414, with OpenID
 * Connect Discovery as the fallback) and turns what a test needs into run variables: the token,
 * revocation and introspection endpoints, jwks_uri and the client authentication methods. The
 * protected resource's RFC 9728 metadata can name the issuer when only resource_url is given.
 *
 * The client secret is sent to what the metadata names, so metadata is checked before it is
 * used: every endpoint that receives client credentials is https (http only on loopback) and on
 * the issuer's host, unless the user allowed another host. */
#ifndef AC_DISCOVERY_H
#define AC_DISCOVERY_H

#include <stdio.h>

#include "http.h"
#include "util.h"
#include "vars.h"

typedef enum {
    AC_DISC_OK = 0,
    AC_DISC_NOT_FOUND,     /* no metadata document answered: its variables stay unset */
    AC_DISC_UNREACHABLE,   /* the issuer gave no HTTP answer at all */
    AC_DISC_REFUSED        /* configuration error: insecure or diverting metadata (exit 2) */
} ac_disc_status;

typedef struct ac_disc_opts {
    const ac_http_opts *http;
    const ac_strlist *allowed_hosts;   /* --allow-endpoint-host */
    FILE *log;                         /* where the resolved endpoints are printed; NULL: quiet */
} ac_disc_opts;

/* Reads the metadata of issuer (an issuer identifier, or a metadata document's full URL) and
 * sets, in root, the variables the user did not set: issuer, metadata_url, metadata_issuer,
 * token_endpoint, revocation_endpoint, introspection_endpoint, jwks_uri,
 * token_endpoint_auth_methods, revocation_endpoint_auth_methods and
 * introspection_endpoint_auth_methods (space-separated; RFC 8414's default client_secret_basic
 * when the member is absent). *err (caller frees) explains anything but AC_DISC_OK. */
ac_disc_status ac_discover(const char *issuer, const ac_disc_opts *o, ac_scope *root, char **err);

/* RFC 9728: the issuer named by the protected resource's metadata (at the well-known path
 * inserted before the resource's path, or named by resource_metadata in the resource's
 * WWW-Authenticate challenge). Returns the issuer (caller frees) or NULL with *err. An issuer
 * on another host than the resource needs --allow-endpoint-host: the resource must not be able
 * to send the client secret elsewhere. */
char *ac_discover_issuer_of(const char *resource_url, const ac_disc_opts *o, ac_disc_status *st,
                            char **err);

/* "https" or loopback: whether a URL may carry credentials. Exposed for tests. */
bool ac_disc_url_secure(const char *url);
/* The host of a URL, lower-cased, without port, brackets or user info; NULL if none. */
char *ac_disc_url_host(const char *url);
/* The metadata URLs to try for an issuer, in order (RFC 8414 3 inserted, then OpenID appended);
 * a full metadata URL is tried alone and *expected_issuer is derived from it. */
void ac_disc_candidates(const char *issuer, ac_strlist *urls, char **expected_issuer);

#endif
