/* The offline weak-secret check (RFC 8725 3.5): whether a well-known secret signs an HS* token. */
#ifndef AC_WEAK_SECRET_H
#define AC_WEAK_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* 1 when an entry of the embedded dictionary (cases/data/jwt-secrets.txt), as is or
 * base64-decoded, verifies token's HS256/384/512 signature; 0 when none does; -1 when token is
 * not a JWT signed with HS*. *tried counts the keys tried. Which entry matched is never told. */
int ac_weak_secret_find(const char *token, size_t *tried);

#endif
