/* JWT decoding and segment encoding, without any signature verification. */
#include "jwt.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool b64url_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_'))
            return false;
    }
    return true;
}

/* Decodes one segment into a JSON object; what names the part for the error message. */
static cJSON *decode_part(const char *seg, const char *what, char **err)
{
    if (seg[0] == '\0' || !b64url_chars(seg, strlen(seg))) {
        *err = ac_sprintf("not a JWT: the %s is not base64url", what);
        return NULL;
    }
    size_t n = 0;
    unsigned char *raw = ac_base64url_decode(seg, &n);
    if (!raw) {
        *err = ac_sprintf("not a JWT: the %s is not base64url", what);
        return NULL;
    }
    /* Decoded text must be the whole JSON value: embedded NULs or trailing bytes mean it is not. */
    cJSON *j = NULL;
    if (strlen((char *)raw) == n) j = cJSON_ParseWithLengthOpts((char *)raw, n + 1, NULL, 1);
    free(raw);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        *err = ac_sprintf("not a JWT: the %s is not a JSON object", what);
        return NULL;
    }
    return j;
}

int ac_jwt_decode(const char *token, ac_jwt *out, char **err)
{
    memset(out, 0, sizeof *out);
    char *tmp = NULL;
    if (!err) err = &tmp;
    if (!token || !*token) {
        *err = ac_strdup("not a JWT: empty value");
        free(tmp);
        return -1;
    }
    const char *d1 = strchr(token, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.')) {
        size_t dots = 0;
        for (const char *p = token; *p; p++) dots += *p == '.';
        *err = ac_sprintf("not a JWT: expected 3 segments separated by '.', found %zu", dots + 1);
        free(tmp);
        return -1;
    }
    out->seg[0] = ac_strndup(token, (size_t)(d1 - token));
    out->seg[1] = ac_strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    out->seg[2] = ac_strdup(d2 + 1);
    if (!b64url_chars(out->seg[2], strlen(out->seg[2]))) {
        *err = ac_strdup("not a JWT: the signature is not base64url");
        goto fail;
    }
    if (!(out->header = decode_part(out->seg[0], "header", err))) goto fail;
    if (!(out->claims = decode_part(out->seg[1], "claims", err))) goto fail;
    return 0;
fail:
    ac_jwt_free(out);
    free(tmp);
    return -1;
}

void ac_jwt_free(ac_jwt *j)
{
    if (!j) return;
    cJSON_Delete(j->header);
    cJSON_Delete(j->claims);
    for (int i = 0; i < 3; i++) free(j->seg[i]);
    memset(j, 0, sizeof *j);
}

bool ac_jwt_looks_like(const char *token)
{
    ac_jwt j;
    char *err = NULL;
    if (ac_jwt_decode(token, &j, &err) < 0) {
        free(err);
        return false;
    }
    ac_jwt_free(&j);
    return true;
}

char *ac_jwt_encode_segment(const cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    if (!text) return ac_strdup("");
    char *seg = ac_base64url_encode(text, strlen(text));
    cJSON_free(text);
    return seg;
}
