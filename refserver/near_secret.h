/* near_secret: the cred-near-* deviations that accept an almost-right secret for an existing
 * account, as a sloppy comparison would (RFC 6749 2.3.1 wants the secret itself). */
#ifndef RS_NEAR_SECRET_H
#define RS_NEAR_SECRET_H

#include <stdbool.h>

typedef struct rs_users rs_users;
typedef struct rs_user rs_user;

/* True when an enabled cred-near deviation accepts secret for the account who, whose real
 * password it is not: the secret with characters appended, without its last character, in
 * another case, or with trailing whitespace. False on a correct server. */
bool rs_near_secret_accepted(const rs_users *u, const rs_user *who, const char *secret);

#endif
