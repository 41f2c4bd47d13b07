/* A repeated request (`repeat`, `concurrency`): the same request sent n times, by c threads
 * each on its own connection, judged once for the run (the guard), per response (expect: the
 * first failing response is reported) and across all of them (`expect_all`). */
#define _GNU_SOURCE   /* memmem */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "execute_internal.h"
#include "jsonpath.h"

/* Whether an expect block's verdict depends only on the response's bytes: no template (which may
 * read random, uuid or the environment) and no duration_ms. Then two byte-identical responses
 * get the same verdict, and a repetition judges a run of identical answers once. */
static bool expect_is_pure(const yn_node *n)
{
    if (!n) return true;
    if (n->kind == YN_SCALAR) return !(n->str && memmem(n->str, n->len, "${", 2));
    for (size_t i = 0; i < n->n_items; i++)
        if (!expect_is_pure(n->items[i])) return false;
    for (size_t i = 0; i < n->n_pairs; i++) {
        const yn_node *k = n->pairs[i].key;
        if (k && k->str && strcmp(k->str, "duration_ms") == 0) return false;
        if (!expect_is_pure(n->pairs[i].value)) return false;
    }
    return true;
}

static bool same_response(const ac_response *a, const ac_response *b)
{
    if (a->status != b->status || a->n_headers != b->n_headers || a->body_len != b->body_len) return false;
    if (strcmp(a->http_version ? a->http_version : "", b->http_version ? b->http_version : "") != 0) return false;
    for (size_t i = 0; i < a->n_headers; i++)
        if (strcmp(a->headers[i].name, b->headers[i].name) || strcmp(a->headers[i].value, b->headers[i].value))
            return false;
    return a->body_len == 0 || memcmp(a->body, b->body, a->body_len) == 0;
}

/* The sends of one repetition, shared by its threads: each takes the next index. */
typedef struct rep_shared {
    runner *R;
    ac_http *http;             /* the test's client, for the sending thread of concurrency 1 */
    const ac_built_req *br;
    ac_response *resps;
    char **errs;
    double *durs;              /* per response: ms from sending to the whole response */
    long n;
    atomic_long next;
    atomic_bool hit_unreachable;
} rep_shared;

/* Sends until every index is taken. Unlike a step's single request, a repetition is not cut at
 * the run's stop point: it is judged as a whole. */
static void rep_loop(rep_shared *S, ac_http *http, const char *http_err)
{
    for (;;) {
        long i = atomic_fetch_add(&S->next, 1);
        if (i >= S->n) break;
        if (!http) {
            S->errs[i] = ac_strdup(http_err ? http_err : "cannot create an HTTP client");
            continue;
        }
        ac_http_req hr = ac_built_req_view(S->br);
        bool got = false;
        char *e = NULL;
        double t0 = ac_now_ms();
        ac_http_status st = ac_http_send(http, &hr, &S->resps[i], &got, &e);
        S->durs[i] = ac_now_ms() - t0;
        ex_note_answered(S->R, got);
        if (st != AC_HTTP_OK) {
            if (!S->br->pinned && ex_note_transport_error(S->R, st, e)) atomic_store(&S->hit_unreachable, true);
            S->errs[i] = e ? e : ac_strdup("error");
        } else {
            free(e);
        }
    }
}

/* A thread of a concurrent repetition: its own client (its own connection). */
static void *rep_worker(void *arg)
{
    rep_shared *S = arg;
    char *err = NULL;
    ac_http *http = ac_http_new(&S->R->cfg->http, &err);
    rep_loop(S, http, err);
    free(err);
    ac_http_free(http);
    return NULL;
}

/* The text of the first value at path in a response's JSON, or false. */
static bool json_path_text(ac_response *r, const char *path, char **out)
{
    const cJSON *j = ac_response_json(r);
    if (!j) return false;
    ac_jp_result res = { 0 };
    char *err = NULL;
    bool ok = ac_jsonpath_eval(j, path, &res, &err) == 0 && res.n > 0;
    if (ok) *out = cJSON_IsString(res.items[0]) ? ac_strdup(res.items[0]->valuestring)
                                                : cJSON_PrintUnformatted(res.items[0]);
    free(err);
    ac_jp_result_free(&res);
    return ok;
}

/* Returns 0, or -1 with *err (an error of the test: a distinct value in a body that never
 * arrived whole). */
static int eval_expect_all(test_run *T, const yn_node *ea, ac_response *resps, long n, ac_checks *out,
                           char **err)
{
    ac_severity sev = T->ectx.default_sev;
    const yn_node *d = yn_get(ea, "distinct");
    for (long i = 0; d && i < n; i++) {
        char *why = ac_response_body_unjudgeable(&resps[i]);
        if (why) {
            *err = ac_sprintf("%s:%d:%d: expect_all distinct: response %ld of %ld: %s", d->file, d->line,
                              d->col, i + 1, n, why);
            free(why);
            return -1;
        }
    }
    if (d) {
        const char *path = d->str;
        char **vals = ac_calloc((size_t)n, sizeof *vals);
        long missing = 0, dup = 0;
        for (long i = 0; i < n; i++) {
            if (!json_path_text(&resps[i], path, &vals[i])) missing++;
            for (long k = 0; vals[i] && k < i && !dup; k++)
                if (vals[k] && strcmp(vals[k], vals[i]) == 0) dup++;
        }
        for (long i = 0; i < n; i++) free(vals[i]);
        free(vals);
        bool ok = missing == 0 && dup == 0;
        ac_checks_push(out, ex_make_check(d, sev, ok, ac_sprintf("expect_all distinct %s", path),
                                          ac_sprintf("%ld distinct values", n),
                                          ac_sprintf("%ld missing, %s", missing, dup ? "duplicates" : "no duplicates"),
                                          ok ? ac_sprintf("%s distinct across %ld responses", path, n)
                                             : ac_sprintf("%s: %ld missing, %s across %ld responses", path, missing,
                                                          dup ? "duplicate values" : "no duplicates", n)));
    }
    const yn_node *no5 = yn_get(ea, "no_5xx");
    if (no5 && no5->stype == YN_BOOL && no5->b) {
        long bad = 0;
        for (long i = 0; i < n; i++)
            if (resps[i].status >= 500) bad++;
        ac_checks_push(out, ex_make_check(no5, sev, bad == 0, ac_strdup("expect_all no_5xx"), ac_strdup("no 5xx"),
                                          ac_sprintf("%ld of %ld were 5xx", bad, n),
                                          bad ? ac_sprintf("%ld of %ld responses were 5xx", bad, n)
                                              : ac_sprintf("no 5xx in %ld responses", n)));
    }
    /* any_status: at least one response matches (throttling must become visible). */
    const yn_node *as = yn_get(ea, "any_status");
    if (as) {
        long hits = 0;
        for (long i = 0; i < n; i++)
            if (ac_status_matches(as, resps[i].status)) hits++;
        ac_checks_push(out, ex_make_check(as, sev, hits > 0, ac_strdup("expect_all any_status"),
                                          ac_strdup("at least one matching status"),
                                          ac_sprintf("%ld of %ld matched", hits, n),
                                          hits ? ac_sprintf("%ld of %ld responses had the status looked for", hits, n)
                                               : ac_sprintf("none of %ld responses had the status looked for", n)));
    }
    const yn_node *st = yn_get(ea, "status");
    if (st) {
        long bad = 0, first = 0;
        for (long i = 0; i < n; i++)
            if (!ac_status_matches(st, resps[i].status)) {
                if (!bad) first = resps[i].status;
                bad++;
            }
        ac_checks_push(out, ex_make_check(st, sev, bad == 0, ac_strdup("expect_all status"), ac_strdup("every status matches"),
                                          ac_sprintf("%ld of %ld did not (first: %ld)", bad, n, first),
                                          bad ? ac_sprintf("%ld of %ld responses had an unexpected status (first: %ld)", bad, n, first)
                                              : ac_sprintf("all %ld statuses as expected", n)));
    }
    return 0;
}

/* The guard judges a repeated request once. Repeating a wrong secret for the configured account
 * would spend the run's failed-login budget at once: never sent. Returns why it is not sent, or
 * NULL with *gt. */
static char *rep_guard_enter(runner *R, const ac_built_req *br, const yn_node *expect, ac_guard_ticket *gt)
{
    bool token_req = false;
    char *gwhy = NULL;
    if (ac_guard_classify(R->guard, br, false, &token_req) == AC_GUARD_WRONG)
        return ac_strdup("not sent: a repeated request with a wrong secret for the configured account "
                         "would exceed the run's failed-login budget (use the throwaway account)");
    if (ac_guard_enter(R->guard, br, ex_expects_success(expect), gt, &gwhy) == 0) return NULL;
    return gwhy;
}

/* Sends all of S on c threads. The calling thread sends too, on the test's client (its
 * connection stays warm); c - 1 more threads each open their own. */
static void rep_send(test_run *T, rep_shared *S, long c)
{
    pthread_t *th = c > 1 ? ac_calloc((size_t)c - 1, sizeof *th) : NULL;
    long started = 0;
    for (long i = 0; i < c - 1; i++)
        if (pthread_create(&th[i], NULL, rep_worker, S) == 0) started++;
        else break;
    rep_loop(S, T->http, NULL);
    for (long i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
}

/* Records every status. A send that failed makes the step an error; a 429 not asked for ends it
 * unjudged. Returns true when the step ended so. */
static bool rep_unjudgeable(test_run *T, ac_step_result *sr, rep_shared *S, const yn_node *expect)
{
    long n = S->n, errors = 0, rate_limited = 0;
    const char *first_err = NULL;
    for (long i = 0; i < n; i++) {
        if (S->errs[i]) {
            errors++;
            if (!first_err) first_err = S->errs[i];
            continue;
        }
        ex_push_status(T->res, S->resps[i].status);
        if (ex_is_rate_limited(&S->resps[i], expect)) rate_limited++;
    }
    if (rate_limited) {
        char *why = ex_rate_limit_reason(&S->resps[0]);
        for (long i = 0; i < n; i++)
            if (S->resps[i].status == 429) {
                free(why);
                why = ex_rate_limit_reason(&S->resps[i]);
                break;
            }
        ex_end_rate_limited(T, sr, why);
        return true;
    }
    if (errors) {
        ex_step_error(T, sr, ac_sprintf("%ld of %ld requests failed: %s", errors, n, first_err));
        return true;
    }
    return false;
}

/* A plain expect applies to every response: the checks of the first response that fails it go
 * into *all (its messages naming the response), or the last response's when all pass. Returns
 * 0, or -1 after ending the test with an error. */
static int rep_judge_each(test_run *T, ac_step_result *sr, const yn_node *expect, rep_shared *S, ac_checks *all,
                          long *first_fail, long *n_fail)
{
    long n = S->n;
    char *err = NULL;
    bool pure = expect_is_pure(expect);
    long last_pass = -1;   /* the last response judged in full that passed */
    for (long i = 0; i < n && expect; i++) {
        /* The same answer as one that passed passes too (the last response is always judged in
         * full: its checks are the ones reported). */
        if (pure && i < n - 1 && last_pass >= 0 && same_response(&S->resps[i], &S->resps[last_pass])) continue;
        ac_checks ck = { 0 };
        if (ex_expect_with_response(expect, &S->resps[i], &T->ectx, &ck, &err) < 0) {
            ac_checks_free(&ck);
            ex_step_error(T, sr, err);
            return -1;
        }
        if (ex_all_checks_pass(&ck)) last_pass = i;
        else {
            (*n_fail)++;
            if (*first_fail < 0) {
                *first_fail = i;
                for (size_t k = 0; k < ck.n; k++) {
                    if (!ck.items[k].passed) {
                        char *m = ac_sprintf("response %ld of %ld: %s", i + 1, n, ck.items[k].message);
                        free(ck.items[k].message);
                        ck.items[k].message = m;
                    }
                    ac_checks_push(all, ck.items[k]);
                }
                free(ck.items);
                memset(&ck, 0, sizeof ck);
            }
        }
        if (i == n - 1 && *first_fail < 0) {
            for (size_t k = 0; k < ck.n; k++) ac_checks_push(all, ck.items[k]);
            free(ck.items);
            memset(&ck, 0, sizeof ck);
        }
        ac_checks_free(&ck);
    }
    return 0;
}

/* Judges the responses of a repetition of step si that were all answered. */
static void rep_judge(test_run *T, size_t si, ac_step_result *sr, rep_shared *S, const yn_node *expect, long c)
{
    const ac_step *st = &T->steps[si];
    long n = S->n;
    char *err = NULL;
    ac_checks all = { 0 };
    /* Register every token the responses carry before judging any: one redaction snapshot for
     * the whole repetition instead of one per response (each new secret invalidates it). */
    for (long i = 0; i < n; i++) (void)ac_response_json(&S->resps[i]);
    long first_fail = -1, n_fail = 0;
    if (rep_judge_each(T, sr, expect, S, &all, &first_fail, &n_fail) < 0) return;
    if (T->t->expect_all && eval_expect_all(T, T->t->expect_all, S->resps, n, &all, &err) < 0) {
        ac_checks_free(&all);
        ex_step_error(T, sr, err);
        return;
    }
    /* The step keeps every response's duration and its last response, for a later compare. */
    free(T->durs[si]);
    T->durs[si] = S->durs;
    T->n_durs[si] = (size_t)n;
    S->durs = NULL;
    if (st->compare) {
        ac_durations cur_d = { T->durs[si], T->n_durs[si] };
        int oi = ex_step_compare(T, si, &S->resps[n - 1], cur_d, &all, sr, false);
        if (oi < 0) return;
        if (T->n_durs[oi])
            ac_buf_printf(&T->transcript, "  median response time %.1f ms (step %s: %.1f ms)\n",
                          ac_durations_median(cur_d.ms, cur_d.n), T->steps[oi].name,
                          ac_durations_median(T->durs[oi], T->n_durs[oi]));
    }
    sr->status = S->resps[n - 1].status;
    sr->response_excerpt = ex_response_excerpt(&S->resps[first_fail >= 0 ? first_fail : n - 1]);
    ac_buf_printf(&T->transcript, "  repeat: %ld requests, concurrency %ld, %.1f ms, %ld failing\n", n, c,
                  sr->duration_ms, n_fail);
    ex_judge_step(T, sr, &all);
    if (sr->outcome != AC_OUT_FAIL && T->t->multi_step) {   /* keep the last response for compare */
        ac_response_free(&T->resps[si]);
        T->resps[si] = S->resps[n - 1];
        memset(&S->resps[n - 1], 0, sizeof S->resps[n - 1]);
    }
}

void ex_run_repeated_step(test_run *T, size_t si, ac_step_result *sr)
{
    runner *R = T->R;
    const ac_step *st = &T->steps[si];
    const yn_node *expect = ex_step_expect(T, st);
    /* A step's own repeat (multi-step tests) is sequential; a single-request test's may be
     * concurrent. */
    long n = st->repeat > 0 ? st->repeat : T->t->repeat;
    long c = st->repeat > 0 ? 1 : T->t->concurrency > 0 ? T->t->concurrency : 1;
    char *err = NULL;
    ac_built_req br;
    if (ex_build_request(R, ex_step_request(T, st), &T->scope, &br, &err) < 0 ||
        ex_pin_request(T, &br, &err) < 0) {
        ex_step_error(T, sr, err);
        return;
    }
    sr->request_excerpt = ex_request_excerpt(T, &br);
    ac_guard_ticket gt;
    char *gwhy = rep_guard_enter(R, &br, expect, &gt);
    if (gwhy) {
        ac_built_req_free(&br);
        ex_step_error(T, sr, gwhy);
        return;
    }
    rep_shared S = { .R = R, .http = T->http, .br = &br, .n = n };
    atomic_init(&S.next, 0);
    atomic_init(&S.hit_unreachable, false);
    S.resps = ac_calloc((size_t)n, sizeof *S.resps);
    S.errs = ac_calloc((size_t)n, sizeof *S.errs);
    S.durs = ac_calloc((size_t)n, sizeof *S.durs);
    double t0 = ac_now_ms();
    rep_send(T, &S, c);
    sr->duration_ms = ac_now_ms() - t0;
    sr->attempts = (int)n;
    if (atomic_load(&S.hit_unreachable)) T->saw_unreachable = true;
    ex_guard_done(R, &gt, S.errs[0] ? 0 : S.resps[0].status, &S.resps[0]);
    if (!rep_unjudgeable(T, sr, &S, expect)) rep_judge(T, si, sr, &S, expect, c);
    for (long i = 0; i < n; i++) {
        ac_response_free(&S.resps[i]);
        free(S.errs[i]);
    }
    free(S.resps);
    free(S.errs);
    free(S.durs);
    ac_built_req_free(&br);
}
