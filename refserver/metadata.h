/* metadata: the discovery documents of the rfc flavour: RFC 8414 authorization server metadata
 * (also served at the OpenID Connect Discovery path) and RFC 9728 protected resource metadata. */
#ifndef RS_METADATA_H
#define RS_METADATA_H

#include "app.h"

/* The well-known path prefixes; RFC 8414 3.1 and RFC 9728 3.1 insert the issuer's (resource's)
 * path after them: /.well-known/oauth-authorization-server/apiops. */
#define METADATA_AS_PATH "/.well-known/oauth-authorization-server"
#define METADATA_PR_PATH "/.well-known/oauth-protected-resource"
/* OpenID Connect Discovery 1.0 4: appended to the issuer instead. */
#define METADATA_OIDC_PATH "/.well-known/openid-configuration"

/* Answers a request for the authorization server metadata (either path). 0, or -1 (memory). */
/* Where the JWK Set lives under the prefix (--alg RS256 or ES256). */
#define JWKS_PATH "/auth/jwks.json"

int rs_metadata_authorization_server(const rs_app *app, const rs_request *rq,
                                     rs_reply *out);

/* Answers a request for the protected resource metadata. 0, or -1 (memory). */
int rs_metadata_protected_resource(const rs_app *app, const rs_request *rq,
                                   rs_reply *out);

#endif
