/* Comparing two responses of one test. */
#include "compare.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "jsonpath.h"
#include "redact.h"
#include "util.h"

/* Headers that differ per request on any server, so comparing them would be a false alarm. */
static bool per_request_header(const char *name, const ac_strlist *extra)
{
    static const char *const fixed[] = { "date", "set-cookie", "content-length", "age", "expires",
                                         "last-modified", "etag", "keep-alive", "connection", NULL };
    for (size_t i = 0; fixed[i]; i++)
        if (strcasecmp(name, fixed[i]) == 0) return true;
    char *low = ac_strdup(name);
    for (char *p = low; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    bool hit = strstr(low, "request-id") || strstr(low, "requestid") || strstr(low, "trace") ||
               strstr(low, "correlation") || strstr(low, "span");
    free(low);
    return hit || ac_strlist_contains_ci(extra, name);
}

static int cmp_ci(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, lower-cased, de-duplicated header names joined by ", ". */
static char *header_names(const ac_response *r, const ac_strlist *ignore)
{
    ac_strlist names = { 0 };
    for (size_t i = 0; i < r->n_headers; i++) {
        if (per_request_header(r->headers[i].name, ignore)) continue;
        char *low = ac_strdup(r->headers[i].name);
        for (char *p = low; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        if (ac_strlist_contains(&names, low)) free(low);
        else ac_strlist_push_owned(&names, low);
    }
    qsort(names.items, names.n, sizeof *names.items, cmp_ci);
    char *joined = ac_strlist_join(&names, ", ");
    ac_strlist_free(&names);
    return joined;
}

/* The text of one compared aspect of a response; NULL when it does not exist. */
static char *aspect(const char *what, ac_response *r, const ac_strlist *ignore)
{
    if (strcmp(what, "status") == 0) return ac_sprintf("%ld", r->status);
    if (strcmp(what, "body") == 0) return ac_strndup(r->body ? r->body : "", r->body_len);
    if (strcmp(what, "header_names") == 0) return header_names(r, ignore);
    if (strncmp(what, "header:", 7) == 0) {
        const char *vals[16];
        size_t n = ac_response_header_values(r, what + 7, vals, 16);
        if (n == 0) return NULL;
        ac_buf b;
        ac_buf_init(&b);
        for (size_t i = 0; i < n && i < 16; i++) ac_buf_printf(&b, "%s%s", i ? ", " : "", vals[i]);
        return ac_buf_steal(&b);
    }
    if (strncmp(what, "json:", 5) == 0) {
        const cJSON *root = ac_response_json(r);
        if (!root) return NULL;
        ac_jp_result res = { 0 };
        char *err = NULL;
        if (ac_jsonpath_eval(root, what + 5, &res, &err) < 0 || res.n == 0) {
            free(err);
            ac_jp_result_free(&res);
            return NULL;
        }
        char *txt = cJSON_PrintUnformatted(res.items[0]);
        ac_jp_result_free(&res);
        return txt;
    }
    return NULL;
}

static char *shown(const char *s)
{
    if (!s) return ac_strdup("(absent)");
    size_t len = 0;
    char *red = ac_redact(s, strlen(s), &len);
    if (len > 300) {
        char *cut = ac_sprintf("%.300s... (%zu bytes)", red, len);
        free(red);
        return cut;
    }
    return red;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double ac_durations_median(const double *ms, size_t n)
{
    if (n == 0) return 0;
    double *v = ac_calloc(n, sizeof *v);
    memcpy(v, ms, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    free(v);
    return m;
}

/* `{ what: duration_median, tolerance: D }` (in same): the two steps' median response times
 * differ by at most D. The loader makes sure both steps ran with repeat. */
static ac_check duration_check(const yn_node *item, ac_durations cur_d, ac_durations other_d,
                               const char *other_name)
{
    ac_check c = { 0 };
    const yn_node *tol_node = yn_get(item, "tolerance");
    double tol = 0;
    char *terr = NULL;
    if (tol_node && yn_is_number(tol_node)) tol = tol_node->f;
    else if (tol_node && tol_node->str && ac_parse_duration(tol_node->str, &tol, &terr) < 0) tol = 0;
    free(terr);
    double tol_ms = tol * 1000;
    c.check = ac_sprintf("compare duration_median same as %s (tolerance %.0f ms)", other_name, tol_ms);
    if (cur_d.n == 0 || other_d.n == 0) {
        c.expected = ac_sprintf("response durations of both steps (repeat)");
        c.actual = ac_sprintf("%zu and %zu durations", cur_d.n, other_d.n);
        c.message = ac_sprintf("duration_median: %s has no repeated responses to compare with",
                               other_d.n == 0 ? other_name : "this");
        return c;
    }
    double a = ac_durations_median(cur_d.ms, cur_d.n), b = ac_durations_median(other_d.ms, other_d.n);
    double diff = fabs(a - b);
    c.expected = ac_sprintf("median %.1f ms (%s, %zu responses) within %.0f ms", b, other_name,
                            other_d.n, tol_ms);
    c.actual = ac_sprintf("median %.1f ms (%zu responses), difference %.1f ms", a, cur_d.n, diff);
    c.passed = diff <= tol_ms;
    c.message = c.passed ? ac_sprintf("median response time within %.0f ms of %s (%.1f vs %.1f ms)",
                                      tol_ms, other_name, a, b)
                         : ac_sprintf("median response time differs from %s by %.1f ms (%.1f vs "
                                      "%.1f ms; tolerance %.0f ms)", other_name, diff, a, b, tol_ms);
    return c;
}

static int eval_list(const yn_node *list, bool want_same, ac_response *cur, ac_response *other,
                     const char *other_name, ac_durations cur_d, ac_durations other_d,
                     const ac_strlist *ignore, const ac_eval_ctx *ctx, ac_checks *out, char **err)
{
    if (!list) return 0;
    for (size_t i = 0; i < list->n_items; i++) {
        const yn_node *item = list->items[i];
        const yn_node *what_node = item->kind == YN_MAP ? yn_get(item, "what") : item;
        const yn_node *sev_node = item->kind == YN_MAP ? yn_get(item, "severity") : NULL;
        const char *what = what_node && what_node->str ? what_node->str : "";
        if (strcmp(what, "duration_median") == 0 && item->kind == YN_MAP) {
            ac_check c = duration_check(item, cur_d, other_d, other_name);
            ac_sevspec sp = { sev_node };
            c.severity = sev_node ? ac_sevspec_resolve(sp, ctx->profile, ctx->default_sev) : ctx->default_sev;
            c.file = ac_strdup(item->file);
            c.line = item->line;
            c.col = item->col;
            ac_checks_push(out, c);
            continue;
        }
        if (strcmp(what, "body") == 0 || strncmp(what, "json:", 5) == 0) {
            /* A body that never arrived whole cannot be compared: an error of the test. */
            char *why = ac_response_body_unjudgeable(cur);
            if (!why) why = ac_response_body_unjudgeable(other);
            if (why) {
                *err = ac_sprintf("%s:%d:%d: compare %s: %s", item->file ? item->file : "?", item->line,
                                  item->col, what, why);
                free(why);
                return -1;
            }
        }
        char *a = aspect(what, cur, ignore), *b = aspect(what, other, ignore);
        bool equal = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
        ac_check c = { 0 };
        c.check = ac_sprintf("compare %s %s %s", what, want_same ? "same as" : "differs from", other_name);
        c.expected = shown(b);
        if (!want_same) {   /* the other value is quoted here too: redacted like the actual */
            char *sb = c.expected;
            c.expected = ac_sprintf("anything but %s", sb);
            free(sb);
        }
        c.actual = shown(a);
        c.passed = want_same ? equal : !equal;
        ac_sevspec sp = { sev_node };
        c.severity = sev_node ? ac_sevspec_resolve(sp, ctx->profile, ctx->default_sev) : ctx->default_sev;
        if (!c.passed)
            c.message = want_same ? ac_sprintf("%s differs from %s", what, other_name)
                                  : ac_sprintf("%s is the same as in %s", what, other_name);
        else
            c.message = ac_sprintf("%s %s %s", what, want_same ? "matches" : "differs from", other_name);
        c.file = ac_strdup(item->file);
        c.line = item->line;
        c.col = item->col;
        free(a);
        free(b);
        ac_checks_push(out, c);
    }
    return 0;
}

int ac_compare_eval(const yn_node *compare, ac_response *cur, ac_response *other,
                    const char *other_name, ac_durations cur_d, ac_durations other_d,
                    const ac_eval_ctx *ctx, ac_checks *out, char **err)
{
    ac_strlist ignore = { 0 };
    const yn_node *ig = yn_get(compare, "ignore_headers");
    for (size_t i = 0; ig && i < ig->n_items; i++) ac_strlist_push(&ignore, ig->items[i]->str);
    int rc = eval_list(yn_get(compare, "same"), true, cur, other, other_name, cur_d, other_d, &ignore, ctx, out, err);
    if (rc == 0)
        rc = eval_list(yn_get(compare, "differ"), false, cur, other, other_name, cur_d, other_d, &ignore, ctx, out, err);
    ac_strlist_free(&ignore);
    return rc;
}
