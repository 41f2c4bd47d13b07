/* Executing a plan: fixtures (once per file, on first need), tests, steps, `until` polling,
 * `compare`, `run` commands, waits, repetition; then outcomes, exit code and reporting.
 *
 * Every string that leaves this file for a result has been redacted: excerpts by request.c,
 * check texts by expect.c, reasons here through ac_redact.
 *
 * Parallelism (-j N): N workers, each with its own ac_http (one libcurl easy handle, so each
 * worker keeps its connections alive). Workers take tests in plan order from one counter; a test
 * (all of its steps) runs inside one worker. A fixture runs once per file: the first worker that
 * needs it runs it, others needing it wait on the file's condition variable. Its captures live
 * in a scope of its own that is never written again once the fixture completed; a test sees
 * exactly the fixtures it requires (read-only views chained under its own scope), so no test
 * sees another test's captures whatever the scheduling. Results go into a reorder window and
 * are handed to the reporters strictly in plan order, so reports do not depend on N.
 * Redaction follows the same line: a test's case-file literals are secrets of that test only,
 * held in its worker thread's redaction scope (redact.h) from the start of run_test to its end,
 * and every text of its result is redacted on that thread before it leaves; reporters only
 * print. So no scheduling can make one test's literal redact another test's evidence.
 *
 * Stopping early (--fail-fast, unreachable target, --run-deadline) stops the scheduling of new
 * tests; tests already started finish. Since tests start in plan order, the started tests are a
 * prefix of the plan: every one of them is reported (in plan order), then the run bails out. */
#define _GNU_SOURCE   /* memmem */
#include "exec.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "case_load.h"
#include "duration.h"
#include "expect.h"
#include "fxshare.h"
#include "guard.h"
#include "http.h"
#include "interrupt.h"
#include "jsonpath.h"
#include "record.h"
#include "redact.h"
#include "request.h"
#include "runcmd.h"

#define EXCERPT_CAP 4096
#define TRANSCRIPT_CAP (64 * 1024)

typedef enum { FX_PENDING, FX_RUNNING, FX_OK, FX_FAILED, FX_UNAVAILABLE } fx_state;

/* Per case file: fixture states, one scope per fixture holding its captures (parent: the run's
 * root scope; written only by the worker running the fixture, read-only once it completed).
 *
 * A file is opened by its first planned test and closed after its last (`remaining`): opening
 * loads a released file again (model.h) and sets up its fixtures; closing frees both, so a long
 * run holds only the files it is working on. Fixtures still run once per file and run. */
typedef struct file_state {
    const ac_suite_file *model_file;   /* the plan's; a running test reads its own ac_test.file */
    const ac_scope *root;
    /* guarded by mu: */
    bool open;
    char *open_err;            /* owned: why a released file could not be loaded again */
    size_t remaining;          /* planned tests of this file not finished yet */
    ac_suite_file loaded;      /* owned while open, for a released file */
    /* set up when the file opens, for its fixtures: */
    size_t n_fx;
    ac_scope *fx_scope;
    fx_state *fx;              /* guarded by mu */
    char **fx_reason;          /* owned, redacted; written before the state leaves FX_RUNNING */
    ac_skip_kind *fx_kind;     /* FX_UNAVAILABLE: not configured or rate limited */
    ac_strlist *fx_missing;    /* owned: the variables it lacked ("name (ENV)") */
    pthread_mutex_t mu;
    pthread_cond_t cv;         /* broadcast when a fixture of this file completes */
} file_state;

typedef struct runner {
    const ac_model *model;
    const ac_config *cfg;
    const ac_scope *root;
    atomic_bool ever_response; /* any HTTP response from the target in this run */
    atomic_bool unreachable;   /* a transport error before any response: stop with exit 3 */
    pthread_mutex_t mu;        /* guards unreachable_reason */
    char *unreachable_reason;
    double deadline_ms;        /* ac_now_ms() when --run-deadline ends; 0: none */
    double grace_ms;           /* after an interrupt, how long requests in flight may go on */
    ac_guard *guard;           /* the configured account's lock-out guard, or NULL */
    ac_fxshare *shared;        /* outcomes of `shared: true` fixtures, run-wide */
    /* Every response of the run, for a wrong base path: all the same 404, or all redirects. */
    atomic_size_t n_responses, n_404, n_3xx;
} runner;

/* A test in progress. */
typedef struct test_run {
    runner *R;
    ac_http *http;             /* the worker's client */
    const ac_test *t;
    const ac_step *steps;      /* the test's steps, or its profile override's */
    size_t n_steps;
    file_state *fs;
    ac_scope *fx_views;        /* read-only views of the required fixtures' scopes (not owned) */
    ac_scope scope;            /* step captures; parent: the last view, or the root scope */
    ac_test_result *res;
    ac_eval_ctx ectx;
    ac_response *resps;        /* per step, for compare */
    double **durs;             /* per step with `repeat`: every response's duration (ms), for compare */
    size_t *n_durs;
    ac_buf transcript;
    size_t must_checks;        /* must-level checks evaluated */
    bool saw_unreachable;      /* this test hit the transport error that made the target unreachable */
    bool stop;                 /* a step ended the test (fail, error, skip) */
    bool control_passed;       /* a `control: true` step of this test passed */
} test_run;

static char *redacted(const char *s)
{
    if (!s) return NULL;
    size_t n;
    return ac_redact(s, strlen(s), &n);
}

/* The redacted, capped excerpt of a response. The body is parsed first when it is JSON, so the
 * tokens it carries (access_token, ...) are registered as secrets even when no check of the
 * test looked at the JSON: otherwise an issued token would reach the transcript verbatim. */
static char *response_excerpt(ac_response *resp)
{
    (void)ac_response_json(resp);
    return ac_response_excerpt(resp, EXCERPT_CAP);
}

/* ---- profile overrides ------------------------------------------------------------------ */


/* The steps a test runs in a profile: an override's steps replace the test's. */
static const ac_step *test_steps(const ac_test *t, const char *profile, size_t *n)
{
    for (size_t i = 0; i < t->n_overrides; i++)
        if (strcmp(t->overrides[i].profile, profile) == 0 && t->overrides[i].steps) {
            *n = t->overrides[i].n_steps;
            return t->overrides[i].steps;
        }
    *n = t->n_steps;
    return t->steps;
}


/* ---- variables and requirements ---------------------------------------------------------- */

static bool var_is_set(const ac_scope *s, const char *name)
{
    const ac_var *v = ac_scope_get(s, name);
    return v && v->len > 0;
}

/* How a missing variable is named in the coverage summary: "password (APINIZER_PASSWORD)". */
static char *missing_var_label(const runner *R, const char *name)
{
    const ac_var_decl *d = ac_manifest_find_var(&R->model->manifest, name);
    if (d && d->env) return ac_sprintf("%s (%s)", name, d->env);
    return ac_strdup(name);
}

/* The test is skipped because variable `name` is not set: not configured, a gap in coverage. */
static void mark_missing(test_run *T, const char *name)
{
    T->res->skip_kind = AC_SKIP_NOT_CONFIGURED;
    char *label = missing_var_label(T->R, name);
    if (!ac_strlist_contains(&T->res->missing_vars, label)) ac_strlist_push(&T->res->missing_vars, label);
    free(label);
}

static char *missing_var_reason(const runner *R, const char *name)
{
    const ac_var_decl *d = ac_manifest_find_var(&R->model->manifest, name);
    if (d && d->env) return ac_sprintf("requires variable %s (set %s or --var %s=...)", name, d->env, name);
    return ac_sprintf("requires variable %s (set it with --var %s=... or --vars-file)", name, name);
}

static const ac_fixture *find_fixture(const ac_suite_file *f, const char *name, size_t *idx)
{
    for (size_t i = 0; i < f->n_fixtures; i++)
        if (strcmp(f->fixtures[i].name, name) == 0) {
            *idx = i;
            return &f->fixtures[i];
        }
    return NULL;
}

/* ---- recording ---------------------------------------------------------------------------- */

static void push_status(ac_test_result *r, long status)
{
    r->statuses = ac_realloc(r->statuses, (r->n_statuses + 1) * sizeof *r->statuses);
    r->statuses[r->n_statuses++] = status;
}

static ac_step_result *new_step(ac_test_result *r, const char *name)
{
    r->steps = ac_realloc(r->steps, (r->n_steps + 1) * sizeof *r->steps);
    ac_step_result *s = &r->steps[r->n_steps++];
    memset(s, 0, sizeof *s);
    s->name = ac_strdup(name);
    return s;
}

static void transcript_add(test_run *T, const char *fmt, const char *text)
{
    if (T->transcript.len > TRANSCRIPT_CAP) return;
    ac_buf_printf(&T->transcript, fmt, text ? text : "");
}

/* Moves checks into a step result, counting must checks and keeping info findings as notes. */
static void adopt_checks(test_run *T, ac_step_result *sr, ac_checks *c)
{
    sr->checks = ac_realloc(sr->checks, (sr->n_checks + c->n) * sizeof *sr->checks);
    for (size_t i = 0; i < c->n; i++) {
        ac_check *k = &c->items[i];
        if (k->severity == AC_SEV_MUST) T->must_checks++;
        if (!k->passed && k->severity == AC_SEV_INFO)
            ac_strlist_push_owned(&T->res->notes, ac_sprintf("%s", k->message ? k->message : k->check));
        ac_buf_printf(&T->transcript, "  %s %s: %s\n", k->passed ? "ok  " : "FAIL",
                      ac_severity_name(k->severity), k->message ? k->message : k->check);
        sr->checks[sr->n_checks++] = *k;
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}

/* Outcome of a list of checks: FAIL if a must failed, WARN if only should failed. */
static ac_outcome checks_outcome(const ac_step_result *sr, const char **first_msg)
{
    ac_outcome o = AC_OUT_PASS;
    *first_msg = NULL;
    for (size_t i = 0; i < sr->n_checks; i++) {
        const ac_check *k = &sr->checks[i];
        if (k->passed || k->severity == AC_SEV_INFO) continue;
        if (k->severity == AC_SEV_MUST) {
            if (o != AC_OUT_FAIL) *first_msg = k->message;
            o = AC_OUT_FAIL;
        } else if (o == AC_OUT_PASS) {
            o = AC_OUT_WARN;
            *first_msg = k->message;
        }
    }
    return o;
}

static bool all_checks_pass(const ac_checks *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (!c->items[i].passed && c->items[i].severity != AC_SEV_INFO) return false;
    return true;
}

/* ---- rate limiting and skip_on ----------------------------------------------------------- */

static bool node_names_status(const yn_node *n, long status)
{
    if (!n) return false;
    if (n->kind == YN_SCALAR) return !n->quoted && n->stype == YN_INT && n->i == status;
    if (n->kind == YN_SEQ) {
        for (size_t i = 0; i < n->n_items; i++)
            if (node_names_status(n->items[i], status)) return true;
        return false;
    }
    return node_names_status(yn_get(n, "in"), status);
}

static bool expect_names_429(const yn_node *expect)
{
    if (!expect) return false;
    if (node_names_status(yn_get(expect, "status"), 429)) return true;
    const yn_node *any = yn_get(expect, "any_of");
    for (size_t i = 0; any && i < any->n_items; i++)
        if (expect_names_429(any->items[i])) return true;
    return false;
}

static char *rate_limit_reason(ac_response *resp)
{
    const char *vals[1];
    if (ac_response_header_values(resp, "Retry-After", vals, 1))
        return ac_sprintf("rate limited (429), Retry-After: %.40s", vals[0]);
    const cJSON *j = ac_response_json(resp);
    const cJSON *ra = j ? cJSON_GetObjectItemCaseSensitive(j, "retry_after") : NULL;
    if (cJSON_IsNumber(ra)) return ac_sprintf("rate limited (429), retry_after: %g s", ra->valuedouble);
    return ac_strdup("rate limited (429), no Retry-After given");
}

/* skip_on: [{status: MATCHER, reason: TEXT}] */
static char *skip_on_reason(const yn_node *skip_on, long status)
{
    for (size_t i = 0; skip_on && i < skip_on->n_items; i++) {
        const yn_node *it = skip_on->items[i];
        const yn_node *st = yn_get(it, "status"), *why = yn_get(it, "reason");
        if (st && ac_status_matches(st, status))
            return ac_sprintf("status %ld: %s", status, why && why->str ? why->str : "skip_on");
    }
    return NULL;
}

/* Evaluates an expect block with the response visible to templates as response_body and
 * response_status (for checks that relate two parts of one response). */
static int expect_with_response(const yn_node *expect, ac_response *resp, const ac_eval_ctx *base,
                                ac_checks *out, char **err)
{
    ac_scope rs;
    ac_scope_init(&rs, base->scope);
    char status[16];
    snprintf(status, sizeof status, "%ld", resp->status);
    ac_scope_set(&rs, "response_status", status, strlen(status), false, AC_VSRC_COMPUTED);
    /* Borrowed: evaluating a block must not copy a body of up to --max-body bytes. */
    ac_scope_set_borrowed(&rs, "response_body", resp->body, resp->body_len, AC_VSRC_COMPUTED);
    ac_eval_ctx ctx = *base;
    ctx.scope = &rs;
    int rc = ac_expect_eval(expect, resp, &ctx, out, err);
    ac_scope_free(&rs);
    return rc;
}

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

/* ---- sending ------------------------------------------------------------------------------ */

/* Records a transport error: before any response from the target, a connection, DNS or TLS
 * failure, a timeout, or an answer that is no HTTP response (nothing, a close, not HTTP) means
 * the target is unreachable (the run stops with exit 3). Returns true when this call marked it
 * so. */
static bool note_transport_error(runner *R, ac_http_status st, const char *err)
{
    if (atomic_load(&R->ever_response)) return false;
    if (st != AC_HTTP_ERR_CONNECT && st != AC_HTTP_ERR_DNS && st != AC_HTTP_ERR_TLS &&
        st != AC_HTTP_ERR_TIMEOUT && st != AC_HTTP_ERR_NO_RESPONSE)
        return false;
    char *why = redacted(err);
    pthread_mutex_lock(&R->mu);
    free(R->unreachable_reason);
    R->unreachable_reason = why;
    atomic_store(&R->unreachable, true);
    pthread_mutex_unlock(&R->mu);
    return true;
}

/* When requests in flight must end (ac_now_ms() clock), or 0 for never: --run-deadline, or the
 * end of the grace an interrupt gives them, whichever comes first. One limit for both, so an
 * interrupt ends requests, waits and polling exactly where the run deadline would. */
static double stop_at_ms(const runner *R)
{
    double at = R->deadline_ms;
    if (ac_interrupted()) {
        double g = ac_interrupt_at_ms() + R->grace_ms;
        if (at <= 0 || g < at) at = g;
    }
    return at;
}

/* The request's cancel callback (http.h): true once the stop point passed. */
static bool past_stop(void *arg)
{
    double at = stop_at_ms(arg);
    return at > 0 && ac_now_ms() > at;
}

/* Why a request was cut off at the stop point (owned). */
static char *cut_off_reason(const runner *R)
{
    int sig = ac_interrupted();
    if (sig) return ac_sprintf("interrupted (%s) during this request", ac_signal_name(sig));
    return ac_sprintf("run deadline of %g s reached during this request", R->cfg->run_deadline_s);
}

/* Sleeps ms, or less when the stop point comes first (an interrupt may arrive meanwhile: the
 * sleep is sliced so it notices). */
static void nap(const runner *R, double ms)
{
    double end = ac_now_ms() + ms;
    for (;;) {
        double now = ac_now_ms(), at = stop_at_ms(R);
        if (at > 0 && at < end) end = at;
        if (now >= end) return;
        double slice = end - now;
        ac_sleep_ms(slice > 50 ? 50 : slice);
    }
}

/* nap(), telling the progress listener (config.h) every quarter second while it sleeps: the test,
 * what it waits for, the time since `since_ms` against `bound_s`, and `attempts` so far. */
static void nap_told(const test_run *T, double ms, const char *what, double since_ms, double bound_s,
                     int attempts)
{
    const ac_progress *p = T->R->cfg->progress;
    if (!p) {
        nap(T->R, ms);
        return;
    }
    ac_progress_event ev = { .kind = AC_PROG_WAIT, .test_id = T->t->id, .what = what, .bound_s = bound_s,
                             .attempts = attempts };
    double end = ac_now_ms() + ms;
    for (;;) {
        double now = ac_now_ms();
        ev.elapsed_s = (now - since_ms) / 1000.0;
        ac_progress_tell(p, &ev);
        if (now >= end) return;
        double slice = end - now;
        nap(T->R, slice > 250 ? 250 : slice);
        double at = stop_at_ms(T->R);
        if (at > 0 && ac_now_ms() >= at) return;
    }
}

/* Tells the progress listener that the wait of nap_told() is over. */
static void wait_over(const test_run *T)
{
    ac_progress_event ev = { .kind = AC_PROG_WAIT_END, .test_id = T->t->id };
    ac_progress_tell(T->R->cfg->progress, &ev);
}

/* The body's OAuth2 `error` code, or NULL (borrowed from resp). */
static const char *oauth_error(ac_response *resp)
{
    const cJSON *j = ac_response_json(resp);
    const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
    return cJSON_IsString(e) ? e->valuestring : NULL;
}

/* The account guard's verdict on an answer; a refusal of the account is said once, when it
 * happens, so it heads the output of everything it causes. */
static void guard_done(runner *R, const ac_guard_ticket *gt, long status, ac_response *resp)
{
    char *msg = ac_guard_done(R->guard, gt, status, status ? oauth_error(resp) : NULL);
    if (msg) fprintf(stderr, "authconform: %s\n", msg);
    free(msg);
}

/* True when a step's expectations accept a 200: a request with the account's right secret is
 * then a login. */
static bool expects_success(const yn_node *expect)
{
    const yn_node *st = expect ? yn_get(expect, "status") : NULL;
    return st && ac_status_matches(st, 200);
}

static int send_once(runner *R, ac_http *http, const ac_built_req *br, const yn_node *expect, ac_response *resp,
                     char **err, ac_http_status *status_out, bool *hit_unreachable)
{
    ac_guard_ticket gt;
    char *gwhy = NULL;
    if (ac_guard_enter(R->guard, br, expects_success(expect), &gt, &gwhy) < 0) {
        *err = gwhy;
        if (status_out) *status_out = AC_HTTP_ERR_OTHER;
        return -1;
    }
    ac_http_req hr = ac_built_req_view(br);
    hr.cancel = past_stop;
    hr.cancel_arg = R;
    /* --run-deadline (and an interrupt's grace) bounds a request in flight too, so the run ends
     * on time even against a target that trickles its answer. */
    bool clamped = false;
    double stop_at = stop_at_ms(R);
    if (stop_at > 0) {
        double left = (stop_at - ac_now_ms()) / 1000.0;
        if (left < (hr.timeout_s > 0 ? hr.timeout_s : R->cfg->http.timeout_s)) {
            hr.timeout_s = (left > 0 ? left : 0) + 0.002;   /* ends just past the deadline */
            clamped = true;
        }
    }
    bool got = false;
    ac_http_status st = ac_http_send(http, &hr, resp, &got, err);
    guard_done(R, &gt, st == AC_HTTP_OK ? resp->status : 0, resp);
    if (status_out) *status_out = st;
    if (got && !atomic_load_explicit(&R->ever_response, memory_order_relaxed))
        atomic_store(&R->ever_response, true);
    if (st == AC_HTTP_OK) {
        atomic_fetch_add(&R->n_responses, 1);
        if (resp->status == 404) atomic_fetch_add(&R->n_404, 1);
        if (resp->status >= 300 && resp->status < 400) atomic_fetch_add(&R->n_3xx, 1);
        return 0;
    }
    if ((clamped && st == AC_HTTP_ERR_TIMEOUT) || st == AC_HTTP_ERR_CANCELLED) {
        free(*err);                               /* the run's limit, not the target's fault */
        *err = cut_off_reason(R);
        return -1;
    }
    if (note_transport_error(R, st, *err) && hit_unreachable) *hit_unreachable = true;
    return -1;
}

/* ---- fixtures ------------------------------------------------------------------------------ */

/* Runs fixture idx of a file (the caller marked it FX_RUNNING: no other thread touches its
 * scope or reason meanwhile). Returns its final state; fs->fx_reason[idx] holds the redacted
 * reason unless FX_OK. */
static fx_state need_fixture(test_run *T, size_t idx);

static fx_state run_fixture(test_run *T, size_t idx)
{
    runner *R = T->R;
    file_state *fs = T->fs;
    const ac_fixture *fx = &T->t->file->fixtures[idx];
    ac_scope *scope = &fs->fx_scope[idx];
    for (size_t i = 0; i < fx->requires.n; i++) {
        size_t dep;
        if (find_fixture(T->t->file, fx->requires.items[i], &dep)) {
            /* Defined earlier in the file (lint): runs first; its captures become visible. */
            fx_state st = need_fixture(T, dep);
            if (st != FX_OK) {
                fs->fx_reason[idx] = ac_strdup(fs->fx_reason[dep]);
                fs->fx_kind[idx] = fs->fx_kind[dep];
                for (size_t k = 0; k < fs->fx_missing[dep].n; k++) ac_strlist_push(&fs->fx_missing[idx], fs->fx_missing[dep].items[k]);
                return st;
            }
            scope->parent = &fs->fx_scope[dep];
            continue;
        }
        if (!var_is_set(fs->root, fx->requires.items[i])) {
            /* The reason names the first; the coverage summary gets all of them. */
            if (!fs->fx_reason[idx]) fs->fx_reason[idx] = missing_var_reason(R, fx->requires.items[i]);
            fs->fx_kind[idx] = AC_SKIP_NOT_CONFIGURED;
            char *label = missing_var_label(R, fx->requires.items[i]);
            ac_strlist_push(&fs->fx_missing[idx], label);
            free(label);
        }
    }
    if (fs->fx_missing[idx].n) return FX_UNAVAILABLE;
    ac_built_req br;
    char *err = NULL;
    ac_response resp = { 0 };
    fx_state state = FX_FAILED;
    char *share_key = NULL;
    if (ac_request_build(fx->step.request, scope, R->cfg->target, &br, &err) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        free(err);
        goto redact;
    }
    if (fx->shared) {
        /* Another file's identical fixture may have run already: its result, no request. */
        share_key = ac_fxshare_key(&br, fx->step.expect, fx->step.capture);
        char *why = NULL;
        ac_fxshare_claim_result cr = ac_fxshare_claim(R->shared, share_key, scope, &why);
        if (cr != AC_FXSHARE_RUN) {
            state = cr == AC_FXSHARE_OK ? FX_OK : FX_FAILED;
            /* The reason names the fixture that ran ("fixture login failed: ..."): say it in
             * this fixture's name, the one this file's tests know. */
            const char *detail = why ? strstr(why, " failed: ") : NULL;
            if (why) fs->fx_reason[idx] = detail ? ac_sprintf("fixture %s failed: %s", fx->name, detail + 9) : ac_strdup(why);
            free(why);
            free(share_key);
            share_key = NULL;
            goto out;
        }
    }
    if (send_once(R, T->http, &br, fx->step.expect, &resp, &err, NULL, &T->saw_unreachable) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        goto out;
    }
    if (resp.status == 429 && !expect_names_429(fx->step.expect)) {
        /* Rate limited: the tests that need it are skipped with the reason, like a 429 of their own. */
        char *why = rate_limit_reason(&resp);
        fs->fx_reason[idx] = ac_sprintf("fixture %s: %s", fx->name, why);
        free(why);
        fs->fx_kind[idx] = AC_SKIP_RATE_LIMITED;
        state = FX_UNAVAILABLE;
        goto out;
    }
    ac_eval_ctx ctx = { .scope = scope, .profile = R->cfg->profile, .default_sev = AC_SEV_MUST,
                        .now = ac_wall_time() };
    ac_checks checks = { 0 };
    if (fx->step.expect && expect_with_response(fx->step.expect, &resp, &ctx, &checks, &err) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        ac_checks_free(&checks);
        goto out;
    }
    for (size_t i = 0; i < checks.n; i++) {
        if (!checks.items[i].passed && checks.items[i].severity == AC_SEV_MUST) {
            fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, checks.items[i].message);
            ac_checks_free(&checks);
            goto out;
        }
    }
    ac_checks_free(&checks);
    if (fx->step.capture && ac_capture_eval(fx->step.capture, &resp, scope, scope, &err) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        goto out;
    }
    state = FX_OK;
out:
    if (share_key) {
        if (state == FX_UNAVAILABLE) ac_fxshare_abandon(R->shared, share_key);
        else ac_fxshare_finish(R->shared, share_key, state == FX_OK, scope, fs->fx_reason[idx]);
        free(share_key);
    }
    ac_built_req_free(&br);
    ac_response_free(&resp);
redact:
    if (fs->fx_reason[idx]) {
        char *r = redacted(fs->fx_reason[idx]);
        free(fs->fx_reason[idx]);
        fs->fx_reason[idx] = r;
    }
    free(err);
    return state;
}

/* The fixture's final state: runs it on first need; waits while another worker runs it. */
static fx_state need_fixture(test_run *T, size_t idx)
{
    file_state *fs = T->fs;
    pthread_mutex_lock(&fs->mu);
    while (fs->fx[idx] == FX_RUNNING) pthread_cond_wait(&fs->cv, &fs->mu);
    if (fs->fx[idx] == FX_PENDING) {
        fs->fx[idx] = FX_RUNNING;
        pthread_mutex_unlock(&fs->mu);
        fx_state st = run_fixture(T, idx);
        pthread_mutex_lock(&fs->mu);
        fs->fx[idx] = st;
        pthread_cond_broadcast(&fs->cv);
    }
    fx_state st = fs->fx[idx];
    pthread_mutex_unlock(&fs->mu);
    return st;
}

/* True when a fixture of this test's `requires` captures `name`. */
static bool captured_by_required_fixture(const ac_test *t, const char *name)
{
    for (size_t i = 0; i < t->requires.n; i++) {
        size_t idx;
        const ac_fixture *fx = find_fixture(t->file, t->requires.items[i], &idx);
        if (fx && fx->step.capture && yn_get(fx->step.capture, name)) return true;
    }
    return false;
}

/* The test inherits why its fixture could not run: not configured (and which variable), or
 * rate limited. */
static void fixture_skip_kind(test_run *T, size_t idx)
{
    file_state *fs = T->fs;
    T->res->skip_kind = fs->fx_kind[idx] ? fs->fx_kind[idx] : AC_SKIP_NOT_CONFIGURED;
    for (size_t k = 0; k < fs->fx_missing[idx].n; k++)
        if (!ac_strlist_contains(&T->res->missing_vars, fs->fx_missing[idx].items[k]))
            ac_strlist_push(&T->res->missing_vars, fs->fx_missing[idx].items[k]);
}

/* `control:` fixtures: each must have succeeded in this run before the test is judged. One that
 * failed makes the test an error (a refusal proves nothing about an endpoint that does not work);
 * one that could not run leaves the test unjudged, like a missing requirement. */
static ac_outcome check_controls(test_run *T, char **reason)
{
    const ac_test *t = T->t;
    for (size_t i = 0; i < t->controls.n; i++) {
        /* An entry is one fixture, or alternatives "a|b": the first that can run decides. */
        const char *p = t->controls.items[i];
        bool decided = false, any_fixture = false;
        size_t last = 0;
        while (*p && !decided) {
            size_t len = strcspn(p, "|");
            char *name = ac_strndup(p, len);
            p += len + (p[len] == '|');
            size_t idx;
            const ac_fixture *fx = find_fixture(t->file, name, &idx);
            free(name);
            if (!fx) continue;   /* a control step, checked when it runs */
            any_fixture = true;
            last = idx;
            fx_state st = need_fixture(T, idx);
            if (st == FX_UNAVAILABLE) continue;
            if (st == FX_FAILED) {
                *reason = ac_sprintf("control failed: %s: %s", fx->description ? fx->description : fx->name,
                                     T->fs->fx_reason[idx]);
                return AC_OUT_ERROR;
            }
            decided = true;
        }
        if (any_fixture && !decided) {
            const ac_fixture *fx = &t->file->fixtures[last];
            fixture_skip_kind(T, last);
            *reason = ac_sprintf("control %s could not run: %s", fx->description ? fx->description : fx->name,
                                 T->fs->fx_reason[last]);
            return AC_OUT_SKIP;
        }
    }
    return AC_OUT_PASS;
}

/* Checks `requires` in order, running the fixtures it names, and chains read-only views of
 * their scopes under the test (a later fixture's capture wins over an earlier one's). A variable
 * that one of the required fixtures captures is checked once all of them ran. Returns
 * AC_OUT_PASS to go on, or SKIP/ERROR with *reason; *top is the scope the test's own scope hangs
 * from. */
static ac_outcome check_requires(test_run *T, const ac_scope **top, char **reason)
{
    runner *R = T->R;
    file_state *fs = T->fs;
    const ac_test *t = T->t;
    *top = fs->root;
    T->fx_views = ac_calloc(t->requires.n + 1, sizeof *T->fx_views);
    size_t n_views = 0;
    ac_strlist deferred = { 0 };
    ac_outcome out = AC_OUT_PASS;
    for (size_t i = 0; i < t->requires.n && out == AC_OUT_PASS; i++) {
        const char *name = t->requires.items[i];
        size_t idx;
        if (find_fixture(t->file, name, &idx)) {
            fx_state st = need_fixture(T, idx);
            if (st == FX_UNAVAILABLE || st == FX_FAILED) {
                *reason = ac_strdup(fs->fx_reason[idx]);
                out = st == FX_UNAVAILABLE ? AC_OUT_SKIP : AC_OUT_ERROR;
                if (st == FX_UNAVAILABLE) fixture_skip_kind(T, idx);
                break;
            }
            ac_scope *v = &T->fx_views[n_views++];
            *v = fs->fx_scope[idx];   /* shares the (now immutable) variables; never freed */
            v->parent = *top;
            *top = v;
        } else if (!var_is_set(*top, name)) {
            if (captured_by_required_fixture(t, name)) {
                ac_strlist_push(&deferred, name);
            } else {
                *reason = missing_var_reason(R, name);
                mark_missing(T, name);
                out = AC_OUT_SKIP;
                /* Name every other missing variable too (for the coverage summary). */
                for (size_t k = i + 1; k < t->requires.n; k++) {
                    size_t fi;
                    if (!find_fixture(t->file, t->requires.items[k], &fi) && !var_is_set(*top, t->requires.items[k]) &&
                        !captured_by_required_fixture(t, t->requires.items[k]))
                        mark_missing(T, t->requires.items[k]);
                }
            }
        }
    }
    for (size_t i = 0; i < deferred.n && out == AC_OUT_PASS; i++) {
        if (!var_is_set(*top, deferred.items[i])) {
            /* An optional capture that found nothing: the server's answer, not the user's
             * configuration, is why the test cannot run. */
            *reason = ac_sprintf("requires %s, which the server's response did not include", deferred.items[i]);
            T->res->skip_kind = AC_SKIP_NOT_APPLICABLE;
            out = AC_OUT_SKIP;
        }
    }
    ac_strlist_free(&deferred);
    return out;
}

/* ---- conditions ----------------------------------------------------------------------------- */

/* The kind of skip a false condition means: its `kind:` (not-applicable by default); a condition
 * list takes the kind of its first false item. */
static ac_skip_kind when_kind(const yn_node *when, const ac_scope *s)
{
    const yn_node *k = yn_get(ac_cond_first_false(when, s), "kind");
    ac_skip_kind kind = k ? ac_skip_kind_parse(k->str) : AC_SKIP_NONE;
    return kind == AC_SKIP_NONE ? AC_SKIP_NOT_APPLICABLE : kind;
}

/* Returns AC_OUT_PASS when the condition holds, SKIP with the reason (and *kind) when not, ERROR
 * on error. */
static ac_outcome check_when(const yn_node *when, const ac_scope *s, char **reason, ac_skip_kind *kind)
{
    if (!when) return AC_OUT_PASS;
    *kind = AC_SKIP_NOT_CONFIGURED;
    bool holds = false;
    char *why = NULL, *err = NULL;
    if (ac_cond_eval(when, s, &holds, &why, &err) < 0) {
        /* lint has rejected variables that are never defined, so an undefined one here is a
         * declared variable nobody set or an optional capture that found nothing: the
         * condition cannot hold. */
        if (ac_str_startswith(err, "undefined variable")) {
            *kind = AC_SKIP_NOT_CONFIGURED;   /* a variable nobody set: not configured */
            *reason = ac_sprintf("condition not met: %s", err);
            free(err);
            free(why);
            return AC_OUT_SKIP;
        }
        *reason = ac_sprintf("when: %s", err);
        free(err);
        free(why);
        return AC_OUT_ERROR;
    }
    if (holds) {
        free(why);
        return AC_OUT_PASS;
    }
    /* A condition's own `reason` says in words why the check does not apply; the operator
     * detail ("is_jwt(access_token) (false), expected true") is the fallback. */
    const yn_node *words = yn_get(ac_cond_first_false(when, s), "reason");
    if (words && words->kind == YN_SCALAR) *reason = ac_strndup(words->str, words->len);
    else *reason = ac_sprintf("condition not met: %s", why ? why : "when is false");
    free(why);
    *kind = when_kind(when, s);
    return AC_OUT_SKIP;
}

/* ---- steps ---------------------------------------------------------------------------------- */

static void end_test(test_run *T, ac_outcome o, char *reason)
{
    T->res->outcome = o;
    free(T->res->reason);
    T->res->reason = redacted(reason);
    free(reason);
    T->stop = true;
}

static void step_error(test_run *T, ac_step_result *sr, char *reason);

/* A 429 ends the test unjudged (rate limited). After a control of this test passed, it is an
 * error instead: the control proved the endpoint answers, so the throttling was caused by the
 * check itself, and a run must not look merely incomplete after it. Takes why. */
static void end_rate_limited(test_run *T, ac_step_result *sr, char *why)
{
    if (T->control_passed) {
        char *e = ac_sprintf("%s after the control passed: the check could not be judged", why);
        free(why);
        step_error(T, sr, e);
        return;
    }
    sr->outcome = AC_OUT_SKIP;
    sr->reason = ac_strdup(why);
    T->res->skip_kind = AC_SKIP_RATE_LIMITED;
    end_test(T, AC_OUT_SKIP, why);
}

static void step_error(test_run *T, ac_step_result *sr, char *reason)
{
    sr->outcome = AC_OUT_ERROR;
    sr->reason = redacted(reason);
    transcript_add(T, "  error: %s\n", sr->reason);
    char *r = ac_sprintf("%s%s%s", T->t->multi_step ? sr->name : "", T->t->multi_step ? ": " : "", reason);
    free(reason);
    end_test(T, AC_OUT_ERROR, r);
}

static const yn_node *step_expect(const test_run *T, const ac_step *st)
{
    if (!T->t->multi_step) {
        const yn_node *o = ac_test_override(T->t, T->R->cfg->profile, "expect");
        if (o) return o;
    }
    return st->expect;
}

static const yn_node *step_request(const test_run *T, const ac_step *st)
{
    if (!T->t->multi_step) {
        const yn_node *o = ac_test_override(T->t, T->R->cfg->profile, "request");
        if (o) return o;
    }
    return st->request;
}

static int find_step_index(const ac_step *steps, const char *name, size_t before)
{
    for (size_t i = 0; i < before; i++)
        if (strcmp(steps[i].name, name) == 0) return (int)i;
    return -1;
}

/* Evaluates `until` bounds; returns 0 or -1 with *err. */
static int until_bounds(const yn_node *until, const ac_scope *s, double *every, double *within, char **err)
{
    *every = 1;
    *within = 30;
    const char *keys[2] = { "every", "within" };
    double *outs[2] = { every, within };
    for (int k = 0; k < 2; k++) {
        const yn_node *n = yn_get(until, keys[k]);
        if (!n) continue;
        ac_ival iv;
        if (ac_interpolate(s, n->str, n->len, &iv, err) < 0) return -1;
        int rc = ac_parse_duration(iv.str, outs[k], err);
        ac_ival_free(&iv);
        if (rc < 0) return -1;
    }
    if (*every < 0.01) *every = 0.01;
    return 0;
}

static ac_check make_check(const yn_node *where, ac_severity sev, bool passed, char *check, char *expected,
                           char *actual, char *message);

static bool closed_is_allowed(const yn_node *expect, ac_http_status st, const ac_response *resp)
{
    const yn_node *ok = expect ? yn_get(expect, "connection_closed_ok") : NULL;
    return ok && ok->stype == YN_BOOL && ok->b && resp->status == 0 &&
           (st == AC_HTTP_ERR_OTHER || st == AC_HTTP_ERR_PROTOCOL || st == AC_HTTP_ERR_NO_RESPONSE);
}

static void run_request_step(test_run *T, size_t si, ac_step_result *sr)
{
    runner *R = T->R;
    const ac_step *st = &T->steps[si];
    const yn_node *expect = step_expect(T, st);
    char *err = NULL;
    ac_built_req br;
    if (ac_request_build(step_request(T, st), &T->scope, R->cfg->target, &br, &err) < 0) {
        step_error(T, sr, err);
        return;
    }
    sr->request_excerpt = ac_request_excerpt(&br, EXCERPT_CAP);
    transcript_add(T, "> %s\n", sr->request_excerpt);

    double every = 0, within = 0;
    if (st->until && until_bounds(st->until, &T->scope, &every, &within, &err) < 0) {
        ac_built_req_free(&br);
        step_error(T, sr, err);
        return;
    }
    double t0 = ac_now_ms();
    ac_response *resp = &T->resps[si];
    ac_checks checks = { 0 };
    char what[200] = "";   /* the poll as the progress listener is told it, once it waits */
    for (;;) {
        ac_response_free(resp);
        ac_checks_free(&checks);
        sr->attempts++;
        ac_http_status hst;
        if (send_once(R, T->http, &br, expect, resp, &err, &hst, &T->saw_unreachable) < 0) {
            if (closed_is_allowed(expect, hst, resp)) {
                /* Servers may drop a request they will not read (a 64 KiB header): the case
                 * says that counts as a refusal. */
                ac_checks_free(&checks);
                ac_checks_push(&checks, make_check(yn_get(expect, "connection_closed_ok"), T->ectx.default_sev,
                                                   true, ac_strdup("connection closed"),
                                                   ac_strdup("a 4xx or a closed connection"),
                                                   redacted(err), ac_strdup("connection closed without a response (allowed)")));
                free(err);
                err = NULL;
                if (T->saw_unreachable) {   /* a close this case allows: the target did react */
                    T->saw_unreachable = false;
                    atomic_store(&R->unreachable, false);
                }
                sr->response_excerpt = ac_strdup("(connection closed without a response)");
                ac_built_req_free(&br);
                sr->duration_ms = ac_now_ms() - t0;
                adopt_checks(T, sr, &checks);
                sr->outcome = AC_OUT_PASS;
                return;
            }
            free(sr->response_excerpt);
            sr->response_excerpt = NULL;
            ac_built_req_free(&br);
            step_error(T, sr, err);
            return;
        }
        push_status(T->res, resp->status);
        sr->status = resp->status;
        if (resp->status == 429 && !expect_names_429(expect)) {
            char *why = rate_limit_reason(resp);
            sr->response_excerpt = response_excerpt(resp);
            ac_built_req_free(&br);
            end_rate_limited(T, sr, why);
            return;
        }
        char *skip = skip_on_reason(st->skip_on ? st->skip_on : T->t->skip_on, resp->status);
        if (skip) {
            sr->outcome = AC_OUT_SKIP;
            sr->reason = ac_strdup(skip);
            sr->response_excerpt = response_excerpt(resp);
            ac_built_req_free(&br);
            T->res->skip_kind = AC_SKIP_NOT_APPLICABLE;
            end_test(T, AC_OUT_SKIP, skip);
            return;
        }
        if (expect && expect_with_response(expect, resp, &T->ectx, &checks, &err) < 0) {
            ac_checks_free(&checks);
            ac_built_req_free(&br);
            sr->response_excerpt = response_excerpt(resp);   /* the evidence: what did arrive */
            step_error(T, sr, err);
            return;
        }
        if (st->compare) {
            const yn_node *with = yn_get(st->compare, "with");
            int oi = with ? find_step_index(T->steps, with->str, si) : -1;
            if (oi < 0) {
                ac_built_req_free(&br);
                ac_checks_free(&checks);
                step_error(T, sr, ac_sprintf("compare: no earlier step named %s", with ? with->str : "?"));
                return;
            }
            ac_durations none = { 0 }, other_d = { T->durs[oi], T->n_durs[oi] };
            if (ac_compare_eval(st->compare, resp, &T->resps[oi], T->steps[oi].name, none, other_d, &T->ectx,
                                &checks, &err) < 0) {
                ac_built_req_free(&br);
                ac_checks_free(&checks);
                sr->response_excerpt = response_excerpt(resp);
                step_error(T, sr, err);
                return;
            }
        }
        if (!st->until || all_checks_pass(&checks)) break;
        double elapsed = (ac_now_ms() - t0) / 1000.0;
        if (elapsed + every > within) break;
        if (!*what) snprintf(what, sizeof what, "polling step %s", st->name ? st->name : "?");
        nap_told(T, every * 1000, what, t0, within, sr->attempts);
    }
    if (*what) wait_over(T);   /* a poll cut short by an error is cleared by its test's report */
    ac_built_req_free(&br);
    sr->duration_ms = ac_now_ms() - t0;
    sr->response_excerpt = response_excerpt(resp);
    transcript_add(T, "< %s\n", sr->response_excerpt);
    if (st->until)
        ac_buf_printf(&T->transcript, "  until: %d attempt%s in %.1f s\n", sr->attempts,
                      sr->attempts == 1 ? "" : "s", sr->duration_ms / 1000.0);
    adopt_checks(T, sr, &checks);
    const char *msg;
    sr->outcome = checks_outcome(sr, &msg);
    if (sr->outcome != AC_OUT_PASS && msg) {
        sr->reason = st->until ? ac_sprintf("%s (still failing after %d attempts in %.1f s)", msg,
                                            sr->attempts, sr->duration_ms / 1000.0)
                               : ac_strdup(msg);
    }
    if (sr->outcome == AC_OUT_FAIL) {
        T->stop = true;
        return;
    }
    if (st->capture && ac_capture_eval(st->capture, resp, &T->scope, &T->scope, &err) < 0)
        step_error(T, sr, err);
}

static void run_command_step(test_run *T, const ac_step *st, ac_step_result *sr)
{
    runner *R = T->R;
    char *err = NULL;
    const yn_node *cmd = yn_get(st->run, "command");
    /* The command must be one variable reference to a value the user gave (environment, --var,
     * vars file): a case file must never be able to make the runner execute something. */
    const char *s = cmd ? cmd->str : "";
    size_t n = strlen(s);
    if (n < 4 || strncmp(s, "${", 2) != 0 || s[n - 1] != '}') {
        step_error(T, sr, ac_strdup("run: command must be a single ${variable}"));
        return;
    }
    char *name = ac_strndup(s + 2, n - 3);
    const ac_var *v = ac_scope_get(&T->scope, name);
    if (!v || v->len == 0) {
        char *why = missing_var_reason(R, name);
        mark_missing(T, name);
        free(name);
        sr->outcome = AC_OUT_SKIP;
        sr->reason = ac_strdup(why);
        end_test(T, AC_OUT_SKIP, why);
        return;
    }
    if (v->source != AC_VSRC_ENV && v->source != AC_VSRC_CLI && v->source != AC_VSRC_VARSFILE) {
        step_error(T, sr, ac_sprintf("run: variable %s must come from the environment, --var or --vars-file", name));
        free(name);
        return;
    }
    free(name);

    const yn_node *env = yn_get(st->run, "env");
    size_t n_env = env ? env->n_pairs : 0;
    const char **names = ac_calloc(n_env + 1, sizeof *names), **vals = ac_calloc(n_env + 1, sizeof *vals);
    ac_ival *ivs = ac_calloc(n_env + 1, sizeof *ivs);
    int rc = 0;
    for (size_t i = 0; i < n_env && rc == 0; i++) {
        names[i] = env->pairs[i].key->str;
        rc = ac_interpolate(&T->scope, env->pairs[i].value->str, env->pairs[i].value->len, &ivs[i], &err);
        vals[i] = ivs[i].str;
    }
    double timeout = 30;
    const yn_node *tn = yn_get(st->run, "timeout");
    if (rc == 0 && tn) {
        ac_ival iv;
        rc = ac_interpolate(&T->scope, tn->str, tn->len, &iv, &err);
        if (rc == 0) {
            rc = ac_parse_duration(iv.str, &timeout, &err);
            ac_ival_free(&iv);
        }
    }
    ac_cmd_result cr = { 0 };
    if (rc == 0) rc = ac_run_command(v->value, names, vals, n_env, timeout, 16384, &cr, &err);
    for (size_t i = 0; i < n_env; i++) ac_ival_free(&ivs[i]);
    free(ivs);
    free(names);
    free(vals);
    if (rc < 0) {
        step_error(T, sr, err);
        return;
    }
    sr->attempts = 1;
    sr->duration_ms = cr.duration_ms;
    size_t olen;
    char *out = ac_redact(cr.output, cr.output_len, &olen);
    sr->request_excerpt = ac_strdup("run: $command (from a variable)");
    sr->response_excerpt = cr.timed_out ? ac_sprintf("timed out after %g s\n%s", timeout, out)
                                        : ac_sprintf("exit %d\n%s", cr.exit_status, out);
    transcript_add(T, "$ %s\n", sr->response_excerpt);
    free(out);

    long want = 0;
    const yn_node *ex = st->expect ? yn_get(st->expect, "exit") : NULL;
    if (ex && ex->stype == YN_INT) want = (long)ex->i;
    ac_check c = { 0 };
    c.check = ac_strdup("exit status");
    c.expected = ac_sprintf("%ld", want);
    c.actual = cr.timed_out ? ac_strdup("timed out") : ac_sprintf("%d", cr.exit_status);
    c.passed = !cr.timed_out && cr.exit_status == want;
    c.severity = T->ectx.default_sev;
    c.message = c.passed ? ac_sprintf("command exited %d", cr.exit_status)
                         : cr.timed_out ? ac_sprintf("command timed out after %g s", timeout)
                                        : ac_sprintf("command exited %d, expected %ld", cr.exit_status, want);
    const yn_node *where = ex ? ex : st->run;
    c.file = ac_strdup(where->file);
    c.line = where->line;
    c.col = where->col;
    ac_cmd_result_free(&cr);
    ac_checks checks = { 0 };
    ac_checks_push(&checks, c);
    adopt_checks(T, sr, &checks);
    const char *msg;
    sr->outcome = checks_outcome(sr, &msg);
    if (msg) sr->reason = ac_strdup(msg);
    if (sr->outcome == AC_OUT_FAIL) T->stop = true;
}

static void run_wait_step(test_run *T, const ac_step *st, ac_step_result *sr)
{
    char *err = NULL;
    ac_ival iv;
    double secs = 0;
    if (ac_interpolate(&T->scope, st->wait->str, st->wait->len, &iv, &err) < 0) {
        step_error(T, sr, err);
        return;
    }
    int rc = ac_parse_duration(iv.str, &secs, &err);
    ac_ival_free(&iv);
    if (rc < 0) {
        step_error(T, sr, err);
        return;
    }
    if (secs > 600) secs = 600;   /* bounded, whatever a variable says */
    double t0 = ac_now_ms();
    bool named = st->name && strncmp(st->name, "step ", 5);   /* not the default "step N" */
    char *what = named ? ac_sprintf("waiting (step %s)", st->name) : ac_strdup("waiting");
    nap_told(T, secs * 1000, what, t0, secs, 0);   /* never past --run-deadline or an interrupt's grace */
    wait_over(T);
    free(what);
    secs = (ac_now_ms() - t0) / 1000.0;
    sr->duration_ms = secs * 1000;
    sr->outcome = AC_OUT_PASS;
    ac_buf_printf(&T->transcript, "  waited %.2f s\n", secs);
    if (!st->expect) return;
    /* expect: values, computed from the run's variables: there is no response. */
    ac_response none = { 0 };
    none.body = (char *)"";
    ac_checks checks = { 0 };
    if (ac_expect_eval(st->expect, &none, &T->ectx, &checks, &err) < 0) {
        ac_checks_free(&checks);
        step_error(T, sr, err);
        return;
    }
    adopt_checks(T, sr, &checks);
    const char *msg;
    sr->outcome = checks_outcome(sr, &msg);
    if (msg) sr->reason = ac_strdup(msg);
    if (sr->outcome == AC_OUT_FAIL) T->stop = true;
}

/* ---- repetition ------------------------------------------------------------------------------- */

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
        if (got && !atomic_load_explicit(&S->R->ever_response, memory_order_relaxed))
            atomic_store(&S->R->ever_response, true);
        if (st != AC_HTTP_OK) {
            if (note_transport_error(S->R, st, e)) atomic_store(&S->hit_unreachable, true);
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

static ac_check make_check(const yn_node *where, ac_severity sev, bool passed, char *check, char *expected,
                           char *actual, char *message)
{
    ac_check c = { .check = check, .expected = expected, .actual = actual, .message = message,
                   .severity = sev, .passed = passed };
    c.file = ac_strdup(where->file);
    c.line = where->line;
    c.col = where->col;
    return c;
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
        ac_checks_push(out, make_check(d, sev, ok, ac_sprintf("expect_all distinct %s", path),
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
        ac_checks_push(out, make_check(no5, sev, bad == 0, ac_strdup("expect_all no_5xx"), ac_strdup("no 5xx"),
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
        ac_checks_push(out, make_check(as, sev, hits > 0, ac_strdup("expect_all any_status"),
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
        ac_checks_push(out, make_check(st, sev, bad == 0, ac_strdup("expect_all status"), ac_strdup("every status matches"),
                                       ac_sprintf("%ld of %ld did not (first: %ld)", bad, n, first),
                                       bad ? ac_sprintf("%ld of %ld responses had an unexpected status (first: %ld)", bad, n, first)
                                           : ac_sprintf("all %ld statuses as expected", n)));
    }
    return 0;
}

static void run_repeated_step(test_run *T, size_t si, ac_step_result *sr)
{
    runner *R = T->R;
    const ac_step *st = &T->steps[si];
    const yn_node *expect = step_expect(T, st);
    /* A step's own repeat (multi-step tests) is sequential; a single-request test's may be
     * concurrent. */
    long n = st->repeat > 0 ? st->repeat : T->t->repeat;
    long c = st->repeat > 0 ? 1 : T->t->concurrency > 0 ? T->t->concurrency : 1;
    char *err = NULL;
    ac_built_req br;
    if (ac_request_build(step_request(T, st), &T->scope, R->cfg->target, &br, &err) < 0) {
        step_error(T, sr, err);
        return;
    }
    sr->request_excerpt = ac_request_excerpt(&br, EXCERPT_CAP);
    /* The guard judges a repeated request once. Repeating a wrong secret for the configured
     * account would spend the run's failed-login budget at once: never sent. */
    bool token_req = false;
    ac_guard_ticket gt;
    char *gwhy = NULL;
    if (ac_guard_classify(R->guard, &br, false, &token_req) == AC_GUARD_WRONG)
        gwhy = ac_strdup("not sent: a repeated request with a wrong secret for the configured account "
                         "would exceed the run's failed-login budget (use the throwaway account)");
    else if (ac_guard_enter(R->guard, &br, expects_success(expect), &gt, &gwhy) == 0)
        gwhy = NULL;
    if (gwhy) {
        ac_built_req_free(&br);
        step_error(T, sr, gwhy);
        return;
    }
    rep_shared S = { .R = R, .http = T->http, .br = &br, .n = n };
    atomic_init(&S.next, 0);
    atomic_init(&S.hit_unreachable, false);
    S.resps = ac_calloc((size_t)n, sizeof *S.resps);
    S.errs = ac_calloc((size_t)n, sizeof *S.errs);
    S.durs = ac_calloc((size_t)n, sizeof *S.durs);
    double t0 = ac_now_ms();
    /* The calling thread sends too, on the test's client (its connection stays warm); C - 1
     * more threads each open their own. */
    pthread_t *th = c > 1 ? ac_calloc((size_t)c - 1, sizeof *th) : NULL;
    long started = 0;
    for (long i = 0; i < c - 1; i++)
        if (pthread_create(&th[i], NULL, rep_worker, &S) == 0) started++;
        else break;
    rep_loop(&S, T->http, NULL);
    for (long i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
    sr->duration_ms = ac_now_ms() - t0;
    sr->attempts = (int)n;
    if (atomic_load(&S.hit_unreachable)) T->saw_unreachable = true;
    guard_done(R, &gt, S.errs[0] ? 0 : S.resps[0].status, &S.resps[0]);

    ac_checks all = { 0 };
    long errors = 0, rate_limited = 0;
    const char *first_err = NULL;
    for (long i = 0; i < n; i++) {
        if (S.errs[i]) {
            errors++;
            if (!first_err) first_err = S.errs[i];
            continue;
        }
        push_status(T->res, S.resps[i].status);
        if (S.resps[i].status == 429 && !expect_names_429(expect)) rate_limited++;
    }
    if (rate_limited) {
        char *why = rate_limit_reason(&S.resps[0]);
        for (long i = 0; i < n; i++)
            if (S.resps[i].status == 429) {
                free(why);
                why = rate_limit_reason(&S.resps[i]);
                break;
            }
        end_rate_limited(T, sr, why);
        goto out;
    }
    if (errors) {
        step_error(T, sr, ac_sprintf("%ld of %ld requests failed: %s", errors, n, first_err));
        goto out;
    }
    /* Register every token the responses carry before judging any: one redaction snapshot for
     * the whole repetition instead of one per response (each new secret invalidates it). */
    for (long i = 0; i < n; i++) (void)ac_response_json(&S.resps[i]);
    /* A plain expect applies to every response: report the first response that fails it. */
    long first_fail = -1, n_fail = 0;
    bool pure = expect_is_pure(expect);
    long last_pass = -1;   /* the last response judged in full that passed */
    for (long i = 0; i < n && expect; i++) {
        /* The same answer as one that passed passes too (the last response is always judged in
         * full: its checks are the ones reported). */
        if (pure && i < n - 1 && last_pass >= 0 && same_response(&S.resps[i], &S.resps[last_pass])) continue;
        ac_checks ck = { 0 };
        int erc = expect_with_response(expect, &S.resps[i], &T->ectx, &ck, &err);
        if (erc < 0) {
            ac_checks_free(&ck);
            step_error(T, sr, err);
            goto out;
        }
        if (all_checks_pass(&ck)) last_pass = i;
        else {
            n_fail++;
            if (first_fail < 0) {
                first_fail = i;
                for (size_t k = 0; k < ck.n; k++) {
                    if (!ck.items[k].passed) {
                        char *m = ac_sprintf("response %ld of %ld: %s", i + 1, n, ck.items[k].message);
                        free(ck.items[k].message);
                        ck.items[k].message = m;
                    }
                    ac_checks_push(&all, ck.items[k]);
                }
                free(ck.items);
                memset(&ck, 0, sizeof ck);
            }
        }
        if (i == n - 1 && first_fail < 0) {
            for (size_t k = 0; k < ck.n; k++) ac_checks_push(&all, ck.items[k]);
            free(ck.items);
            memset(&ck, 0, sizeof ck);
        }
        ac_checks_free(&ck);
    }
    if (T->t->expect_all && eval_expect_all(T, T->t->expect_all, S.resps, n, &all, &err) < 0) {
        ac_checks_free(&all);
        step_error(T, sr, err);
        goto out;
    }
    /* The step keeps every response's duration and its last response, for a later compare. */
    free(T->durs[si]);
    T->durs[si] = S.durs;
    T->n_durs[si] = (size_t)n;
    S.durs = NULL;
    if (st->compare) {
        const yn_node *with = yn_get(st->compare, "with");
        int oi = with ? find_step_index(T->steps, with->str, si) : -1;
        if (oi < 0) {
            ac_checks_free(&all);
            step_error(T, sr, ac_sprintf("compare: no earlier step named %s", with ? with->str : "?"));
            goto out;
        }
        ac_durations cur_d = { T->durs[si], T->n_durs[si] }, other_d = { T->durs[oi], T->n_durs[oi] };
        if (ac_compare_eval(st->compare, &S.resps[n - 1], &T->resps[oi], T->steps[oi].name, cur_d, other_d,
                            &T->ectx, &all, &err) < 0) {
            ac_checks_free(&all);
            step_error(T, sr, err);
            goto out;
        }
        if (other_d.n)
            ac_buf_printf(&T->transcript, "  median response time %.1f ms (step %s: %.1f ms)\n",
                          ac_durations_median(cur_d.ms, cur_d.n), T->steps[oi].name,
                          ac_durations_median(other_d.ms, other_d.n));
    }
    sr->status = S.resps[n - 1].status;
    sr->response_excerpt = response_excerpt(&S.resps[first_fail >= 0 ? first_fail : n - 1]);
    ac_buf_printf(&T->transcript, "  repeat: %ld requests, concurrency %ld, %.1f ms, %ld failing\n", n, c,
                  sr->duration_ms, n_fail);
    adopt_checks(T, sr, &all);
    const char *msg;
    sr->outcome = checks_outcome(sr, &msg);
    if (msg) sr->reason = ac_strdup(msg);
    if (sr->outcome == AC_OUT_FAIL) T->stop = true;
    if (sr->outcome != AC_OUT_FAIL && T->t->multi_step) {   /* keep the last response for compare */
        ac_response_free(&T->resps[si]);
        T->resps[si] = S.resps[n - 1];
        memset(&S.resps[n - 1], 0, sizeof S.resps[n - 1]);
    }
out:
    for (long i = 0; i < n; i++) {
        ac_response_free(&S.resps[i]);
        free(S.errs[i]);
    }
    free(S.resps);
    free(S.errs);
    free(S.durs);
    ac_built_req_free(&br);
}

/* ---- one test ------------------------------------------------------------------------------------ */

/* Runs one test on a worker's client. Returns what the run loop needs to know besides the
 * result: the must-level checks evaluated and whether the test hit an unreachable target. */
typedef struct test_info {
    size_t must_checks;
    bool saw_unreachable;
} test_info;

/* A test below must level cannot fail the run: an error in a should-level test is a warning,
 * and an info-level test passes whatever happened. */
static void settle_by_severity(ac_test_result *res)
{
    if (res->outcome == AC_OUT_ERROR && res->severity != AC_SEV_MUST)
        res->outcome = res->severity == AC_SEV_INFO ? AC_OUT_PASS : AC_OUT_WARN;
    if (res->outcome == AC_OUT_FAIL && res->severity == AC_SEV_INFO) res->outcome = AC_OUT_PASS;
}

/* The part of a test's result that comes from the case file alone. */
static void result_begin(const runner *R, const ac_suite_file *f, const ac_test *t, ac_test_result *res)
{
    memset(res, 0, sizeof *res);
    res->id = ac_strdup(t->id);
    res->name = ac_strdup(t->name);
    res->suite = ac_strdup(f->suite);
    res->file = ac_strdup(f->path);
    res->line = t->line;
    res->severity = ac_test_severity(t, R->cfg->profile);
    res->strict = R->cfg->strict;
    for (size_t i = 0; i < t->tags.n; i++) ac_strlist_push(&res->tags, t->tags.items[i]);
}

/* A `control: true` step that did not pass makes the test an error, whatever it asserted: the
 * refusals after it would prove nothing. */
static void control_step_done(test_run *T, ac_step_result *sr)
{
    if (sr->outcome == AC_OUT_PASS) {
        T->control_passed = true;
        return;
    }
    if (sr->outcome != AC_OUT_FAIL && sr->outcome != AC_OUT_WARN) return;   /* error, skip: as they are */
    char *why = ac_sprintf("control failed: step %s: %s", sr->name, sr->reason ? sr->reason : "did not pass");
    sr->outcome = AC_OUT_ERROR;
    free(sr->reason);
    sr->reason = redacted(why);
    end_test(T, AC_OUT_ERROR, why);
}

static test_info run_test(runner *R, ac_http *http, file_state *fs, const ac_test *t, ac_test_result *res)
{
    /* The literals of the case file this test sends are secrets of this test only: every
     * redaction of its requests, responses and results happens on this thread until the end. */
    ac_redact_test_begin();
    result_begin(R, t->file, t, res);
    res->multi_step = t->multi_step;
    for (size_t i = 0; i < t->refs.n; i++) ac_strlist_push(&res->refs, t->refs.items[i]);
    double t0 = ac_now_ms();

    test_run T = { .R = R, .http = http, .t = t, .fs = fs, .res = res };
    T.steps = test_steps(t, R->cfg->profile, &T.n_steps);
    ac_buf_init(&T.transcript);
    T.ectx.scope = &T.scope;
    T.ectx.profile = R->cfg->profile;
    T.ectx.default_sev = res->severity;
    T.resps = ac_calloc(T.n_steps + 1, sizeof *T.resps);
    T.durs = ac_calloc(T.n_steps + 1, sizeof *T.durs);
    T.n_durs = ac_calloc(T.n_steps + 1, sizeof *T.n_durs);

    char *reason = NULL;
    const ac_scope *top = NULL;
    ac_skip_kind wkind = AC_SKIP_NONE;
    for (size_t i = 0; i < t->controls.n; i++) ac_strlist_push(&res->controls, t->controls.items[i]);
    ac_outcome pre = check_requires(&T, &top, &reason);
    ac_scope_init(&T.scope, top);
    if (pre == AC_OUT_PASS) pre = check_controls(&T, &reason);
    if (pre == AC_OUT_PASS && (pre = check_when(t->when, &T.scope, &reason, &wkind)) == AC_OUT_SKIP)
        res->skip_kind = wkind;
    if (pre != AC_OUT_PASS) {
        res->outcome = pre;
        res->reason = redacted(reason);
        free(reason);
        /* A skipped or errored multi-step test still shows its steps as not run. */
        for (size_t i = 0; i < T.n_steps; i++) {
            ac_step_result *sr = new_step(res, T.steps[i].name);
            sr->outcome = AC_OUT_NOTRUN;
            sr->reason = ac_strdup(res->reason);
        }
        goto done;
    }

    res->outcome = AC_OUT_PASS;
    for (size_t i = 0; i < T.n_steps; i++) {
        const ac_step *st = &T.steps[i];
        T.ectx.now = ac_wall_time();
        if (T.stop) {
            ac_step_result *sr = new_step(res, st->name);
            sr->outcome = AC_OUT_NOTRUN;
            sr->reason = ac_strdup("not run: an earlier step did not pass");
            continue;
        }
        if (atomic_load(&R->unreachable)) {
            /* Another worker found the target unreachable: send nothing more. */
            ac_step_result *sr = new_step(res, st->name);
            sr->outcome = AC_OUT_NOTRUN;
            sr->reason = ac_strdup("not run: the target is unreachable");
            end_test(&T, AC_OUT_ERROR, ac_strdup("not run: the target is unreachable"));
            continue;
        }
        char *why = NULL;
        ac_outcome w = check_when(st->when, &T.scope, &why, &wkind);
        if (w == AC_OUT_SKIP) res->skip_kind = wkind;
        if (w != AC_OUT_PASS) {
            ac_step_result *sr = new_step(res, st->name);
            sr->outcome = w;
            sr->reason = redacted(why);
            end_test(&T, w, why);
            continue;
        }
        if (t->multi_step) transcript_add(&T, "== step %s ==\n", st->name);
        ac_step_result *sr = new_step(res, st->name);
        switch (st->kind) {
        case AC_STEP_REQUEST:
            if (t->repeat > 1 || st->repeat > 0) run_repeated_step(&T, i, sr);
            else run_request_step(&T, i, sr);
            break;
        case AC_STEP_RUN: run_command_step(&T, st, sr); break;
        case AC_STEP_WAIT: run_wait_step(&T, st, sr); break;
        }
        if (st->control) control_step_done(&T, sr);
    }
    /* The test's outcome: an explicit end (skip/error) wins; otherwise the worst step. */
    if (res->outcome == AC_OUT_PASS) {
        for (size_t i = 0; i < res->n_steps; i++) {
            ac_step_result *sr = &res->steps[i];
            if (sr->outcome == AC_OUT_FAIL || (sr->outcome == AC_OUT_WARN && res->outcome == AC_OUT_PASS)) {
                res->outcome = sr->outcome;
                free(res->reason);
                res->reason = sr->reason ? ac_sprintf("%s%s%s", t->multi_step ? sr->name : "",
                                                      t->multi_step ? ": " : "", sr->reason)
                                         : NULL;
                if (sr->outcome == AC_OUT_FAIL) break;
            }
        }
    }
    settle_by_severity(res);
done:
    res->duration_ms = ac_now_ms() - t0;
    res->transcript = ac_buf_steal(&T.transcript);
    for (size_t i = 0; i < T.n_steps + 1; i++) {
        ac_response_free(&T.resps[i]);
        free(T.durs[i]);
    }
    free(T.resps);
    free(T.durs);
    free(T.n_durs);
    ac_scope_free(&T.scope);
    free(T.fx_views);
    ac_redact_test_end();
    return (test_info){ .must_checks = T.must_checks, .saw_unreachable = T.saw_unreachable };
}

/* ---- the run --------------------------------------------------------------------------------------- */

/* A target URL with a wrong base path answers everything alike: the same 404, or a redirect to a
 * login page. Negative checks would read that as refusals (their controls make them errors);
 * this names the likely cause once. NULL when the run looks like a real API. Caller frees. */
static char *base_path_diagnosis(runner *R, const ac_config *cfg)
{
    size_t n = atomic_load(&R->n_responses);
    if (n < 2) return NULL;
    const char *what = atomic_load(&R->n_404) == n ? "404 Not Found"
                     : atomic_load(&R->n_3xx) == n ? "a redirect (3xx)" : NULL;
    if (!what) return NULL;
    return ac_sprintf("every one of the %zu responses from %s was %s: is the base path right? The "
                      "target must be the API's base URL (for Apinizer, ending in /apiops); endpoint "
                      "paths are joined to it (variables token_path, hello_path, projects_path, health_path)",
                      n, cfg->target ? cfg->target : "the target", what);
}

static int emit(ac_reporter **reps, size_t n, const ac_test_result *r, size_t index, char **err)
{
    return ac_reporters_test(reps, n, r, index, err);
}

static void tally(ac_run_summary *s, const ac_test_result *r, const ac_config *cfg)
{
    ac_run_summary_count(s, r);
    ac_coverage_add(&s->coverage, r, &cfg->allow_skip, cfg->allow_incomplete);
}

/* ---- opening and closing case files -------------------------------------------------------- */

/* Opens fs for a test (see file_state). Returns the file to run its tests from (the model's,
 * or the loaded copy of a released one), or NULL with *why (borrowed) when it cannot run. */
static const ac_suite_file *file_open(file_state *fs, const ac_model *m, const char **why)
{
    pthread_mutex_lock(&fs->mu);
    const ac_suite_file *f = fs->model_file->released ? &fs->loaded : fs->model_file;
    if (!fs->open && !fs->open_err) {
        char *e = NULL;
        if (fs->model_file->released && ac_reload_file(m, fs->model_file, &fs->loaded, &e) < 0)
            fs->open_err = redacted(e);
        free(e);
        if (!fs->open_err) {
            fs->n_fx = f->n_fixtures;
            fs->fx_scope = ac_calloc(fs->n_fx + 1, sizeof *fs->fx_scope);
            for (size_t k = 0; k < fs->n_fx; k++) ac_scope_init(&fs->fx_scope[k], fs->root);
            fs->fx = ac_calloc(fs->n_fx + 1, sizeof *fs->fx);
            fs->fx_reason = ac_calloc(fs->n_fx + 1, sizeof *fs->fx_reason);
            fs->fx_kind = ac_calloc(fs->n_fx + 1, sizeof *fs->fx_kind);
            fs->fx_missing = ac_calloc(fs->n_fx + 1, sizeof *fs->fx_missing);
            fs->open = true;
        }
    }
    *why = fs->open ? NULL : fs->open_err;
    pthread_mutex_unlock(&fs->mu);
    return *why ? NULL : f;
}

static void file_close_locked(file_state *fs)
{
    if (!fs->open) return;
    for (size_t k = 0; k < fs->n_fx; k++) {
        ac_scope_free(&fs->fx_scope[k]);
        free(fs->fx_reason[k]);
        ac_strlist_free(&fs->fx_missing[k]);
    }
    free(fs->fx_scope);
    free(fs->fx_reason);
    free(fs->fx_kind);
    free(fs->fx_missing);
    fs->fx_kind = NULL;
    fs->fx_missing = NULL;
    free(fs->fx);
    fs->fx_scope = NULL;
    fs->fx_reason = NULL;
    fs->fx = NULL;
    fs->n_fx = 0;
    ac_suite_file_free_contents(&fs->loaded);
    fs->open = false;
}

/* A planned test of fs finished (or was given up): the last one closes the file. */
static void file_test_done(file_state *fs)
{
    pthread_mutex_lock(&fs->mu);
    if (fs->remaining > 0 && --fs->remaining == 0) file_close_locked(fs);
    pthread_mutex_unlock(&fs->mu);
}

/* The result of a test whose file could not be opened: an error, like any test that could not
 * run. */
static void unopened_result(const runner *R, const file_state *fs, const ac_test *t, const char *why,
                            ac_test_result *res)
{
    result_begin(R, fs->model_file, t, res);
    res->outcome = AC_OUT_ERROR;
    settle_by_severity(res);
    res->reason = ac_strdup(why);
    ac_step_result *sr = new_step(res, t->id);
    sr->outcome = AC_OUT_ERROR;
    sr->reason = ac_strdup(why);
}

/* ---- scheduling and the reorder window ---------------------------------------------------- */

typedef struct slot {
    ac_test_result res;
    test_info info;
    bool done;
} slot;

typedef struct sched {
    runner *R;
    const ac_plan *plan;
    file_state *states;
    ac_reporter **reporters;
    size_t n_reporters;
    ac_run_summary *summary;
    char **err;
    int rc;                    /* -1 once a reporter failed */
    double t0;

    pthread_mutex_t mu;        /* guards everything below */
    pthread_cond_t space;      /* the window moved, or scheduling stopped */
    size_t next_start;         /* the next plan index to hand out */
    size_t next_emit;          /* the next plan index to report */
    bool stop;                 /* no new tests: --fail-fast, unreachable, deadline */
    bool emitting;             /* a worker is handing results to the reporters */
    slot *window;              /* ring of `width` slots: plan index i lives in window[i % width] */
    size_t width;
    size_t failures;
    size_t must_checks;
    char *stop_reason;         /* owned: the first reason scheduling stopped */
} sched;

/* How many results may wait for an earlier, slower test before workers pause: enough to keep
 * every worker busy behind a long wait, small enough that memory stays flat for big runs. */
static size_t window_width(int jobs)
{
    size_t w = (size_t)(jobs > 0 ? jobs : 1) * 32;
    return w < 256 ? 256 : w;
}

static void stop_scheduling(sched *S, char *reason)
{
    if (!S->stop) {
        S->stop = true;
        S->stop_reason = reason;
        pthread_cond_broadcast(&S->space);
    } else {
        free(reason);
    }
}

/* Hands every finished result at the head of the window to the reporters, in plan order. Called
 * with S->mu held; releases it while reporters write, so only one worker emits at a time. */
static void emit_ready(sched *S)
{
    if (S->emitting) return;
    S->emitting = true;
    for (;;) {
        slot *sl = &S->window[S->next_emit % S->width];
        if (S->next_emit >= S->next_start || !sl->done) break;
        size_t index = S->next_emit;
        pthread_mutex_unlock(&S->mu);
        ac_progress_event pev = { .kind = AC_PROG_TEST_DONE, .done = index + 1, .total = S->plan->n };
        ac_progress_tell(S->R->cfg->progress, &pev);   /* before the reporters write */
        tally(S->summary, &sl->res, S->R->cfg);
        bool failed = ac_test_result_is_failure(&sl->res);
        char *e = NULL;
        int erc = emit(S->reporters, S->n_reporters, &sl->res, index + 1, &e);
        ac_test_result_free(&sl->res);
        pthread_mutex_lock(&S->mu);
        if (erc < 0) {
            S->rc = -1;
            if (!*S->err) *S->err = e;
            else free(e);
        }
        if (failed) S->failures++;
        S->must_checks += sl->info.must_checks;
        sl->done = false;
        S->next_emit++;
        pthread_cond_broadcast(&S->space);
    }
    S->emitting = false;
}

typedef struct worker {
    sched *S;
    ac_http *http;
} worker;

static void *work(void *arg)
{
    worker *W = arg;
    sched *S = W->S;
    runner *R = S->R;
    const ac_config *cfg = R->cfg;
    pthread_mutex_lock(&S->mu);
    for (;;) {
        if (S->stop || S->next_start >= S->plan->n) break;
        if (S->next_start >= S->next_emit + S->width) {
            pthread_cond_wait(&S->space, &S->mu);
            continue;
        }
        if (ac_interrupted()) {   /* no new test after a signal; those running get the grace */
            stop_scheduling(S, ac_sprintf("interrupted (%s)", ac_signal_name(ac_interrupted())));
            break;
        }
        if (cfg->run_deadline_s > 0 && (ac_now_ms() - S->t0) / 1000.0 > cfg->run_deadline_s) {
            stop_scheduling(S, ac_sprintf("run deadline of %g s reached", cfg->run_deadline_s));
            break;
        }
        size_t i = S->next_start++;
        pthread_mutex_unlock(&S->mu);

        const ac_plan_item *it = &S->plan->items[i];
        file_state *fs = &S->states[it->file - R->model->files];
        ac_test_result res;
        test_info info = { 0 };
        const char *why = NULL;
        const ac_suite_file *f = file_open(fs, R->model, &why);
        if (!f) unopened_result(R, fs, it->test, why, &res);
        else info = run_test(R, W->http, fs, &f->tests[it->test - it->file->tests], &res);
        file_test_done(fs);
        bool failed = ac_test_result_is_failure(&res);

        pthread_mutex_lock(&S->mu);
        slot *sl = &S->window[i % S->width];
        sl->res = res;
        sl->info = info;
        sl->done = true;
        if (info.saw_unreachable || atomic_load(&R->unreachable)) {
            pthread_mutex_lock(&R->mu);
            char *why = ac_sprintf("target unreachable: %s", R->unreachable_reason ? R->unreachable_reason : "?");
            pthread_mutex_unlock(&R->mu);
            stop_scheduling(S, why);
        }
        if (failed && cfg->fail_fast) stop_scheduling(S, ac_sprintf("--fail-fast: %s failed", it->test->id));
        emit_ready(S);
    }
    pthread_mutex_unlock(&S->mu);
    return NULL;
}

/* The guard for the configured account, if there is one: username and password (the Apinizer
 * suite), or client_id and client_secret (the generic OAuth2 suite, whose token endpoint is an
 * absolute URL from the metadata). */
static ac_guard *new_guard(const ac_scope *vars, const ac_config *cfg)
{
    const ac_var *u = ac_scope_get(vars, "username"), *p = ac_scope_get(vars, "password");
    if (!u || !u->len) {
        u = ac_scope_get(vars, "client_id");
        p = ac_scope_get(vars, "client_secret");
    }
    const ac_var *tp = ac_scope_get(vars, "token_path"), *te = ac_scope_get(vars, "token_endpoint");
    if (!u || !u->len) return NULL;
    char *user = ac_strndup(u->value, u->len);
    char *pass = p ? ac_strndup(p->value, p->len) : NULL;
    char *tpath = tp ? ac_strndup(tp->value, tp->len) : NULL;
    char *token_url = te ? ac_strndup(te->value, te->len)
                         : tpath && cfg->target ? ac_url_join(cfg->target, tpath) : NULL;
    ac_guard *g = ac_guard_new(user, pass, token_url);
    free(user);
    free(pass);
    free(tpath);
    free(token_url);
    return g;
}

int ac_execute(const ac_model *m, const ac_plan *plan, const ac_scope *vars, const ac_config *cfg,
               ac_reporter **reporters, size_t n_reporters, ac_run_summary *summary, char **err)
{
    memset(summary, 0, sizeof *summary);
    *err = NULL;
    runner R = { .model = m, .cfg = cfg, .root = vars };
    atomic_init(&R.ever_response, false);
    atomic_init(&R.unreachable, false);
    atomic_init(&R.n_responses, 0);
    atomic_init(&R.n_404, 0);
    atomic_init(&R.n_3xx, 0);
    R.guard = new_guard(vars, cfg);
    R.shared = ac_fxshare_new();
    pthread_mutex_init(&R.mu, NULL);

    /* One worker per job, never more than there are tests; each with its own client. */
    size_t n_workers = cfg->jobs > 1 ? (size_t)cfg->jobs : 1;
    if (n_workers > plan->n) n_workers = plan->n ? plan->n : 1;
    worker *workers = ac_calloc(n_workers, sizeof *workers);
    for (size_t w = 0; w < n_workers; w++) {
        char *herr = NULL;
        workers[w].http = ac_http_new(&cfg->http, &herr);
        if (!workers[w].http) {
            for (size_t k = 0; k < w; k++) ac_http_free(workers[k].http);
            free(workers);
            pthread_mutex_destroy(&R.mu);
            *err = herr;
            summary->exit_code = 1;
            return -1;
        }
    }
    int rc = 0;
    ac_run_info info = { .tool_version = AC_VERSION, .target = cfg->target, .profile = cfg->profile,
                         .strict = cfg->strict, .start_wall = ac_wall_time(), .planned = plan->n };
    ac_run_info_fill(&info, m, cfg);   /* suite name, version and hash; result-changing options */
    for (size_t i = 0; i < cfg->allow_skip.n; i++) ac_strlist_push(&summary->coverage.allowed, cfg->allow_skip.items[i]);
    if (cfg->allow_incomplete) ac_strlist_push(&summary->coverage.allowed, "--allow-incomplete");
    if (ac_reporters_begin(reporters, n_reporters, &info, err) < 0) rc = -1;

    file_state *states = ac_calloc(m->n_files + 1, sizeof *states);
    for (size_t f = 0; f < m->n_files; f++) {
        states[f].model_file = &m->files[f];
        states[f].root = vars;
        pthread_mutex_init(&states[f].mu, NULL);
        pthread_cond_init(&states[f].cv, NULL);
    }
    for (size_t i = 0; i < plan->n; i++) states[plan->items[i].file - m->files].remaining++;

    sched S = { .R = &R, .plan = plan, .states = states, .reporters = reporters, .n_reporters = n_reporters,
                .summary = summary, .err = err, .rc = rc, .t0 = ac_now_ms(), .width = window_width(cfg->jobs) };
    S.window = ac_calloc(S.width, sizeof *S.window);
    R.deadline_ms = cfg->run_deadline_s > 0 ? S.t0 + cfg->run_deadline_s * 1000.0 : 0;
    R.grace_ms = (cfg->http.timeout_s > 0 && cfg->http.timeout_s < 5 ? cfg->http.timeout_s : 5) * 1000.0;
    pthread_mutex_init(&S.mu, NULL);
    pthread_cond_init(&S.space, NULL);
    for (size_t w = 0; w < n_workers; w++) workers[w].S = &S;

    /* The calling thread is worker 0: -j 1 runs entirely on it. */
    pthread_t *threads = ac_calloc(n_workers, sizeof *threads);
    bool *started = ac_calloc(n_workers, sizeof *started);
    for (size_t w = 1; w < n_workers; w++) started[w] = pthread_create(&threads[w], NULL, work, &workers[w]) == 0;
    work(&workers[0]);
    for (size_t w = 1; w < n_workers; w++)
        if (started[w]) pthread_join(threads[w], NULL);
    free(threads);
    free(started);

    /* Every started test was reported (emission never stops early); the rest were not run. */
    rc = S.rc;
    if (S.stop) {
        summary->bailed = true;
        summary->bail_reason = S.stop_reason;
        S.stop_reason = NULL;
    }
    summary->duration_ms = ac_now_ms() - S.t0;
    if (atomic_load(&R.unreachable) && !atomic_load(&R.ever_response)) summary->exit_code = 3;
    else if (S.failures > 0) summary->exit_code = 1;
    else if (S.must_checks == 0) summary->exit_code = 1;
    else summary->exit_code = summary->coverage.incomplete ? 4 : 0;
    if (summary->bailed && (summary->exit_code == 0 || summary->exit_code == 4))
        summary->exit_code = 1;   /* e.g. the run deadline */
    ac_summary_mark_interrupted(summary, ac_interrupted());
    summary->diagnosis = base_path_diagnosis(&R, cfg);

    if (ac_reporters_end(reporters, n_reporters, summary, err) < 0) rc = -1;
    free(S.window);
    free(S.stop_reason);
    pthread_mutex_destroy(&S.mu);
    pthread_cond_destroy(&S.space);
    for (size_t f = 0; f < m->n_files; f++) {
        file_close_locked(&states[f]);   /* a run that stopped early leaves files open */
        free(states[f].open_err);
        pthread_mutex_destroy(&states[f].mu);
        pthread_cond_destroy(&states[f].cv);
    }
    free(states);
    for (size_t w = 0; w < n_workers; w++) ac_http_free(workers[w].http);
    free(workers);
    free(R.unreachable_reason);
    summary->failed_logins = ac_guard_failed_logins(R.guard);
    ac_guard_free(R.guard);
    ac_fxshare_free(R.shared);
    pthread_mutex_destroy(&R.mu);
    return rc;
}
