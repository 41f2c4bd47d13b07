/* Captures: values taken from a response (JSON path, header, body regex) into a scope. A capture
 * that finds nothing is an error naming it, unless it is optional. */
#include "expect.h"

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"
#include "redact.h"
#include "util.h"

/* Outcome of looking for a captured value. */
typedef enum { CAP_FOUND, CAP_MISSING, CAP_ERROR } cap_rc;

/* Sets *why (owned) for CAP_MISSING and CAP_ERROR. */
static cap_rc from_json(ac_response *resp, const char *path, char **value, bool *secret, char **why)
{
    const cJSON *root = ac_response_json(resp);
    if (!root) {
        *why = ac_strdup("body is not JSON");
        return CAP_MISSING;
    }
    ac_jp_result r;
    if (ac_jsonpath_eval(root, path, &r, why) < 0) return CAP_ERROR;
    cap_rc rc = CAP_MISSING;
    if (r.n == 0) {
        *why = ac_sprintf("no value at %s", path);
    } else {
        /* The first match; strings unquoted, everything else as compact JSON text. */
        *value = ac_json_text(r.items[0]);
        /* A value under a secret key (access_token, ...) is a secret even if not marked. */
        /* ... unless it is a short literal of this test echoed back (redact.h). */
        if (r.items[0]->string && ac_redact_is_secret_key(r.items[0]->string) &&
            !(strlen(*value) < 8 && ac_redact_is_test_literal(*value, strlen(*value))))
            *secret = true;
        rc = CAP_FOUND;
    }
    ac_jp_result_free(&r);
    return rc;
}

static cap_rc from_header(ac_response *resp, const char *name, char **value, char **why)
{
    const char *vals[1];
    if (ac_response_header_values(resp, name, vals, 1) == 0) {
        *why = ac_sprintf("no header %s", name);
        return CAP_MISSING;
    }
    *value = ac_strdup(vals[0] ? vals[0] : "");
    return CAP_FOUND;
}

static cap_rc from_body(ac_response *resp, const char *pattern, char **value, char **why)
{
    regex_t re;
    int rc = regcomp(&re, pattern, REG_EXTENDED);
    if (rc != 0) {
        char buf[256];
        regerror(rc, &re, buf, sizeof buf);
        *why = ac_sprintf("invalid regular expression '%s': %s", pattern, buf);
        return CAP_ERROR;
    }
    regmatch_t m[2];
    const char *body = resp && resp->body ? resp->body : "";
    cap_rc out = CAP_MISSING;
    if (regexec(&re, body, 2, m, 0) != 0) {
        *why = ac_sprintf("body does not match %s", pattern);
    } else {
        /* The first group when the regex has one (and it took part), else the whole match. */
        int g = re.re_nsub >= 1 && m[1].rm_so >= 0 ? 1 : 0;
        *value = ac_strndup(body + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
        out = CAP_FOUND;
    }
    regfree(&re);
    return out;
}

static bool flag(const yn_node *spec, const char *key)
{
    const yn_node *n = spec->kind == YN_MAP ? yn_get(spec, key) : NULL;
    return n && n->kind == YN_SCALAR && n->stype == YN_BOOL && n->b;
}

/* name: a bare JSON path, or { json | header | body, secret, optional }. */
static int capture_one(const char *name, const yn_node *spec, ac_response *resp, ac_scope *into,
                       const ac_scope *lookup, char **err)
{
    const yn_node *src = spec;
    const char *kind = "json";
    if (spec->kind == YN_MAP) {
        if ((src = yn_get(spec, "json"))) kind = "json";
        else if ((src = yn_get(spec, "header"))) kind = "header";
        else if ((src = yn_get(spec, "body"))) kind = "body";
        else {
            *err = ac_sprintf("capture %s: give json, header or body", name);
            return -1;
        }
    }
    bool secret = flag(spec, "secret");
    ac_ival what;
    char *why = NULL;
    if (ac_interpolate(lookup, src->str, src->len, &what, &why) < 0) {
        *err = ac_sprintf("capture %s: %s", name, why);
        free(why);
        return -1;
    }
    char *value = NULL;
    if (strcmp(kind, "header") != 0 && resp && resp->body_incomplete) {
        /* Not "missing": an optional capture must not quietly stay unset on a cut body. */
        ac_ival_free(&what);
        char *cause = ac_response_body_unjudgeable(resp);
        char *msg = ac_sprintf("capture %s: %s", name, cause);
        free(cause);
        *err = ac_redact(msg, strlen(msg), NULL);
        free(msg);
        return -1;
    }
    cap_rc rc = !strcmp(kind, "json") ? from_json(resp, what.str, &value, &secret, &why)
              : !strcmp(kind, "header") ? from_header(resp, what.str, &value, &why)
                                        : from_body(resp, what.str, &value, &why);
    ac_ival_free(&what);
    if (rc == CAP_FOUND) ac_scope_set(into, name, value, strlen(value), secret, AC_VSRC_CAPTURE);
    free(value);
    /* An optional capture that finds nothing leaves the variable unset (a later `requires`
     * skips the tests that need it); a broken path or regex is still an error. */
    if (rc == CAP_FOUND || (rc == CAP_MISSING && flag(spec, "optional"))) {
        free(why);
        return 0;
    }
    char *msg = ac_sprintf("capture %s: %s", name, why);
    free(why);
    *err = ac_redact(msg, strlen(msg), NULL);
    free(msg);
    return -1;
}

int ac_capture_eval(const yn_node *capture, ac_response *resp, ac_scope *into, const ac_scope *lookup,
                    char **err)
{
    if (!capture || capture->kind != YN_MAP) return 0;
    for (size_t i = 0; i < capture->n_pairs; i++)
        if (capture_one(capture->pairs[i].key->str, capture->pairs[i].value, resp, into, lookup ? lookup : into,
                        err) < 0)
            return -1;
    return 0;
}

