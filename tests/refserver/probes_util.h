/* probes_util: the requests the deviation probes share (probes*.c). */
#ifndef RS_TEST_PROBES_UTIL_H
#define RS_TEST_PROBES_UTIL_H

#include "harness.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* The status of a token request with the form body form. */
long token_status(const struct srv *s, const char *form);

/* The status of GET path with the Authorization value printf(fmt, token) (none when fmt is
 * NULL); -1 when out of memory. */
long auth_status(const struct srv *s, const char *path, const char *fmt, const char *token);

/* A token of alice (password "secret"), or NULL. Caller frees. */
char *alice(const struct srv *s);

/* True when both are non-NULL and equal. */
bool str_eq(const char *a, const char *b);

/* The JSON body of a token request of alice, or NULL. Caller frees with cJSON_Delete(). */
cJSON *token_json(const struct srv *s);

/* Revokes token t through the admin endpoint; true when the server said it did. */
bool revoke_token(const struct srv *s, const char *t);

#endif
