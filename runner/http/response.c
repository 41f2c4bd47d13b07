/* The received response: header lookup, the body's judgeability and its JSON, parsed once. */
#include "response.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redact.h"
#include "util.h"

void ac_response_free(ac_response *r)
{
    if (!r) return;
    free(r->http_version);
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    free(r->body_incomplete);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

size_t ac_response_header_values(const ac_response *r, const char *name, const char **vals, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n_headers && n < max; i++)
        if (r->headers[i].name && strcasecmp(r->headers[i].name, name) == 0) vals[n++] = r->headers[i].value;
    return n;
}

char *ac_response_body_unjudgeable(const ac_response *r)
{
    if (!r || !r->body_incomplete) return NULL;
    return ac_sprintf("the connection was closed after the headers (curl: %s); the body cannot be judged",
                      r->body_incomplete);
}

const cJSON *ac_response_json(ac_response *r)
{
    if (!r) return NULL;
    if (!r->json_tried && !r->body_incomplete) {
        r->json_tried = true;
        /* The whole body must be one JSON value; an embedded NUL makes it not JSON. */
        if (r->body && r->body_len > 0 && strlen(r->body) == r->body_len)
            r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len + 1, NULL, 1);
        if (r->json) ac_redact_scan_json(r->json);
    }
    return r->json;
}
