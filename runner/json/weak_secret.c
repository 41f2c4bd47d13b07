/* The offline weak-secret check: an HS* token's signature tried against the embedded dictionary
 * of well-known secrets (cases/data/jwt-secrets.txt), each entry as is and base64-decoded. */
#include "weak_secret.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "jws.h"
#include "jwt.h"
#include "util.h"

/* scripts/embed.cmake's output. */
extern const unsigned char ac_weak_secrets_data[];
extern const size_t ac_weak_secrets_data_len;

static bool base64ish(const char *s, size_t n)
{
    if (n < 4) return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=", s[i]))
            return false;
    return true;
}

/* 1 when key (key_len bytes) verifies the token's HS* signature. */
static int tries(const char *alg, const char *key, size_t key_len, const char *input,
                 size_t in_len, const char *sig)
{
    char *err = NULL;
    int rc = ac_jws_verify(alg, key, key_len, input, in_len, sig, &err);
    free(err);
    return rc == 1;
}

int ac_weak_secret_find(const char *token, size_t *tried)
{
    *tried = 0;
    ac_jwt j;
    char *err = NULL;
    if (ac_jwt_decode(token, &j, &err) < 0) {
        free(err);
        return -1;
    }
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(j.header, "alg");
    char *a = cJSON_IsString(alg) && strncmp(alg->valuestring, "HS", 2) == 0 &&
              ac_jws_alg_known(alg->valuestring) ? ac_strdup(alg->valuestring) : NULL;
    ac_jwt_free(&j);
    if (!a) return -1;
    const char *dot = strrchr(token, '.');
    size_t in_len = (size_t)(dot - token);
    const char *p = (const char *)ac_weak_secrets_data, *end = p + ac_weak_secrets_data_len;
    int hit = 0;
    while (p < end && !hit) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *line = p;
        p += n + 1;
        if (n && line[n - 1] == '\r') n--;
        if (n == 0 || line[0] == '#') continue;
        (*tried)++;
        hit = tries(a, line, n, token, in_len, dot + 1);
        if (!hit && base64ish(line, n)) {
            char *copy = ac_strndup(line, n);
            size_t dl = 0;
            unsigned char *d = strpbrk(copy, "-_") ? ac_base64url_decode(copy, &dl)
                                                  : ac_base64_decode(copy, &dl);
            if (d && dl) {
                (*tried)++;
                hit = tries(a, (const char *)d, dl, token, in_len, dot + 1);
            }
            free(d);
            free(copy);
        }
    }
    free(a);
    return hit;
}
