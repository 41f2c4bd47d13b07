/* JWT decoding and rebuilding (no verification: the runner judges servers, it does not trust
 * tokens). Used by the `jwt` expectation and the jwt_* template functions. */
#ifndef AC_JWT_H
#define AC_JWT_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

typedef struct ac_jwt {
    struct cJSON *header;     /* owned */
    struct cJSON *claims;     /* owned */
    char *seg[3];             /* owned raw segments as in the token */
} ac_jwt;

/* Decodes "h.c.s" (signature may be empty). Returns 0 or -1 with *err ("not a JWT: ..."). */
int ac_jwt_decode(const char *token, ac_jwt *out, char **err);
void ac_jwt_free(ac_jwt *j);
bool ac_jwt_looks_like(const char *token);   /* three base64url segments, JSON header */
/* Encodes a JSON value compactly as a base64url segment. Caller frees. */
char *ac_jwt_encode_segment(const struct cJSON *json);

#endif
