/* Executing a plan: fixtures (once per file, on first need), tests, steps, `until` polling,
 * `compare`, `run` commands, waits, repetition; then outcomes, exit code and reporting.
 *
 * Every string that leaves this file for a result has been redacted: excerpts by request.c,
 * check texts by expect.c, reasons here through ac_redact. */
#include "exec.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "duration.h"
#include "expect.h"
#include "http.h"
#include "jsonpath.h"
#include "redact.h"
#include "request.h"
#include "runcmd.h"

#define EXCERPT_CAP 4096
#define TRANSCRIPT_CAP (64 * 1024)

typedef enum { FX_PENDING, FX_OK, FX_FAILED, FX_UNAVAILABLE } fx_state;

/* Per case file: fixture states and the scope holding their captures. */
typedef struct file_state {
    const ac_suite_file *file;
    ac_scope scope;            /* parent: the run's root scope */
    fx_state *fx;
    char **fx_reason;          /* owned, redacted */
} file_state;

typedef struct runner {
    const ac_model *model;
    const ac_config *cfg;
    const ac_scope *root;
    ac_http *http;
    bool ever_response;        /* any HTTP response from the target in this run */
    bool unreachable;          /* a transport error before any response: stop with exit 3 */
    char *unreachable_reason;
    size_t must_checks_run;
} runner;

/* A test in progress. */
typedef struct test_run {
    runner *R;
    const ac_test *t;
    file_state *fs;
    ac_scope scope;            /* step captures; parent: the file scope */
    ac_test_result *res;
    ac_eval_ctx ectx;
    ac_response *resps;        /* per step, for compare */
    ac_buf transcript;
    bool stop;                 /* a step ended the test (fail, error, skip) */
} test_run;

static char *redacted(const char *s)
{
    if (!s) return NULL;
    size_t n;
    return ac_redact(s, strlen(s), &n);
}

/* ---- profile overrides ------------------------------------------------------------------ */

static const yn_node *override_node(const ac_test *t, const char *profile, const char *key)
{
    for (size_t i = 0; i < t->n_overrides; i++)
        if (strcmp(t->overrides[i].profile, profile) == 0) return yn_get(t->overrides[i].node, key);
    return NULL;
}

static ac_severity test_severity(const ac_test *t, const char *profile)
{
    const yn_node *o = override_node(t, profile, "severity");
    if (o) {
        ac_sevspec s = { o };
        return ac_sevspec_resolve(s, profile, AC_SEV_MUST);
    }
    return ac_sevspec_resolve(t->severity, profile, AC_SEV_MUST);
}

/* ---- variables and requirements ---------------------------------------------------------- */

static bool var_is_set(const ac_scope *s, const char *name)
{
    const ac_var *v = ac_scope_get(s, name);
    return v && v->len > 0;
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
        if (k->severity == AC_SEV_MUST) T->R->must_checks_run++;
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
    ac_scope_set(&rs, "response_body", resp->body ? resp->body : "", resp->body_len, false, AC_VSRC_COMPUTED);
    ac_eval_ctx ctx = *base;
    ctx.scope = &rs;
    int rc = ac_expect_eval(expect, resp, &ctx, out, err);
    ac_scope_free(&rs);
    return rc;
}

/* ---- sending ------------------------------------------------------------------------------ */

/* Sends one built request and records the transport outcome on the runner. Returns 0 with a
 * response, or -1 with *err (a transport error, already one line). */
static int send_once(runner *R, ac_http *http, const ac_built_req *br, ac_response *resp, char **err,
                     ac_http_status *status_out)
{
    ac_http_req hr = ac_built_req_view(br);
    bool got = false;
    ac_http_status st = ac_http_send(http, &hr, resp, &got, err);
    if (status_out) *status_out = st;
    if (got) R->ever_response = true;
    if (st == AC_HTTP_OK) return 0;
    if (!R->ever_response && (st == AC_HTTP_ERR_CONNECT || st == AC_HTTP_ERR_DNS || st == AC_HTTP_ERR_TLS)) {
        R->unreachable = true;
        free(R->unreachable_reason);
        R->unreachable_reason = redacted(*err);
    }
    return -1;
}

/* ---- fixtures ------------------------------------------------------------------------------ */

static void run_fixture(runner *R, file_state *fs, size_t idx)
{
    const ac_fixture *fx = &fs->file->fixtures[idx];
    for (size_t i = 0; i < fx->requires.n; i++) {
        if (!var_is_set(&fs->scope, fx->requires.items[i])) {
            fs->fx[idx] = FX_UNAVAILABLE;
            fs->fx_reason[idx] = missing_var_reason(R, fx->requires.items[i]);
            return;
        }
    }
    ac_built_req br;
    char *err = NULL;
    ac_response resp = { 0 };
    fs->fx[idx] = FX_FAILED;
    if (ac_request_build(fx->step.request, &fs->scope, R->cfg->target, &br, &err) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        free(err);
        return;
    }
    if (send_once(R, R->http, &br, &resp, &err, NULL) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        goto out;
    }
    ac_eval_ctx ctx = { .scope = &fs->scope, .profile = R->cfg->profile, .default_sev = AC_SEV_MUST,
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
    if (fx->step.capture && ac_capture_eval(fx->step.capture, &resp, &fs->scope, &fs->scope, &err) < 0) {
        fs->fx_reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        goto out;
    }
    fs->fx[idx] = FX_OK;
out:
    if (fs->fx_reason[idx]) {
        char *r = redacted(fs->fx_reason[idx]);
        free(fs->fx_reason[idx]);
        fs->fx_reason[idx] = r;
    }
    free(err);
    ac_response_free(&resp);
    ac_built_req_free(&br);
}

/* Checks `requires`: returns AC_OUT_PASS to go on, or SKIP/ERROR with *reason. */
static ac_outcome check_requires(runner *R, file_state *fs, const ac_test *t, char **reason)
{
    for (size_t i = 0; i < t->requires.n; i++) {
        const char *name = t->requires.items[i];
        size_t idx;
        if (find_fixture(fs->file, name, &idx)) {
            if (fs->fx[idx] == FX_PENDING) run_fixture(R, fs, idx);
            if (fs->fx[idx] == FX_UNAVAILABLE) {
                *reason = ac_strdup(fs->fx_reason[idx]);
                return AC_OUT_SKIP;
            }
            if (fs->fx[idx] == FX_FAILED) {
                *reason = ac_strdup(fs->fx_reason[idx]);
                return AC_OUT_ERROR;
            }
        } else if (!var_is_set(&fs->scope, name)) {
            *reason = missing_var_reason(R, name);
            return AC_OUT_SKIP;
        }
    }
    return AC_OUT_PASS;
}

/* ---- conditions ----------------------------------------------------------------------------- */

/* Returns AC_OUT_PASS when the condition holds, SKIP with the reason when not, ERROR on error. */
static ac_outcome check_when(const yn_node *when, const ac_scope *s, char **reason)
{
    if (!when) return AC_OUT_PASS;
    bool holds = false;
    char *why = NULL, *err = NULL;
    if (ac_cond_eval(when, s, &holds, &why, &err) < 0) {
        *reason = ac_sprintf("when: %s", err);
        free(err);
        free(why);
        return AC_OUT_ERROR;
    }
    if (holds) {
        free(why);
        return AC_OUT_PASS;
    }
    *reason = ac_sprintf("condition not met: %s", why ? why : "when is false");
    free(why);
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
        const yn_node *o = override_node(T->t, T->R->cfg->profile, "expect");
        if (o) return o;
    }
    return st->expect;
}

static const yn_node *step_request(const test_run *T, const ac_step *st)
{
    if (!T->t->multi_step) {
        const yn_node *o = override_node(T->t, T->R->cfg->profile, "request");
        if (o) return o;
    }
    return st->request;
}

static int find_step_index(const ac_test *t, const char *name, size_t before)
{
    for (size_t i = 0; i < before; i++)
        if (strcmp(t->steps[i].name, name) == 0) return (int)i;
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
           (st == AC_HTTP_ERR_OTHER || st == AC_HTTP_ERR_PROTOCOL);
}

static void run_request_step(test_run *T, size_t si, ac_step_result *sr)
{
    runner *R = T->R;
    const ac_step *st = &T->t->steps[si];
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
    for (;;) {
        ac_response_free(resp);
        ac_checks_free(&checks);
        sr->attempts++;
        ac_http_status hst;
        if (send_once(R, R->http, &br, resp, &err, &hst) < 0) {
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
            sr->outcome = AC_OUT_SKIP;
            sr->reason = ac_strdup(why);
            sr->response_excerpt = ac_response_excerpt(resp, EXCERPT_CAP);
            ac_built_req_free(&br);
            end_test(T, AC_OUT_SKIP, why);
            return;
        }
        char *skip = skip_on_reason(st->skip_on ? st->skip_on : T->t->skip_on, resp->status);
        if (skip) {
            sr->outcome = AC_OUT_SKIP;
            sr->reason = ac_strdup(skip);
            sr->response_excerpt = ac_response_excerpt(resp, EXCERPT_CAP);
            ac_built_req_free(&br);
            end_test(T, AC_OUT_SKIP, skip);
            return;
        }
        if (expect && expect_with_response(expect, resp, &T->ectx, &checks, &err) < 0) {
            ac_checks_free(&checks);
            ac_built_req_free(&br);
            step_error(T, sr, err);
            return;
        }
        if (st->compare) {
            const yn_node *with = yn_get(st->compare, "with");
            int oi = with ? find_step_index(T->t, with->str, si) : -1;
            if (oi < 0) {
                ac_built_req_free(&br);
                ac_checks_free(&checks);
                step_error(T, sr, ac_sprintf("compare: no earlier step named %s", with ? with->str : "?"));
                return;
            }
            ac_compare_eval(st->compare, resp, &T->resps[oi], T->t->steps[oi].name, &T->ectx, &checks, &err);
        }
        if (!st->until || all_checks_pass(&checks)) break;
        double elapsed = (ac_now_ms() - t0) / 1000.0;
        if (elapsed + every > within) break;
        ac_sleep_ms(every * 1000);
    }
    ac_built_req_free(&br);
    sr->duration_ms = ac_now_ms() - t0;
    sr->response_excerpt = ac_response_excerpt(resp, EXCERPT_CAP);
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
    ac_sleep_ms(secs * 1000);
    sr->duration_ms = secs * 1000;
    sr->outcome = AC_OUT_PASS;
    ac_buf_printf(&T->transcript, "  waited %.2f s\n", secs);
}

/* ---- repetition ------------------------------------------------------------------------------- */

typedef struct rep_shared {
    runner *R;
    const ac_built_req *br;
    ac_response *resps;
    char **errs;
    long n;
    long next;
    pthread_mutex_t mu;
} rep_shared;

static void *rep_worker(void *arg)
{
    rep_shared *S = arg;
    char *err = NULL;
    ac_http *http = ac_http_new(&S->R->cfg->http, &err);
    for (;;) {
        pthread_mutex_lock(&S->mu);
        long i = S->next++;
        pthread_mutex_unlock(&S->mu);
        if (i >= S->n) break;
        if (!http) {
            S->errs[i] = ac_strdup(err ? err : "cannot create an HTTP client");
            continue;
        }
        ac_http_req hr = ac_built_req_view(S->br);
        bool got = false;
        char *e = NULL;
        if (ac_http_send(http, &hr, &S->resps[i], &got, &e) != AC_HTTP_OK) S->errs[i] = e ? e : ac_strdup("error");
        else free(e);
        if (got) {
            pthread_mutex_lock(&S->mu);
            S->R->ever_response = true;
            pthread_mutex_unlock(&S->mu);
        }
    }
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

static void eval_expect_all(test_run *T, const yn_node *ea, ac_response *resps, long n, ac_checks *out)
{
    ac_severity sev = T->ectx.default_sev;
    const yn_node *d = yn_get(ea, "distinct");
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
}

static void run_repeated_step(test_run *T, size_t si, ac_step_result *sr)
{
    runner *R = T->R;
    const ac_step *st = &T->t->steps[si];
    const yn_node *expect = step_expect(T, st);
    long n = T->t->repeat, c = T->t->concurrency > 0 ? T->t->concurrency : 1;
    char *err = NULL;
    ac_built_req br;
    if (ac_request_build(step_request(T, st), &T->scope, R->cfg->target, &br, &err) < 0) {
        step_error(T, sr, err);
        return;
    }
    sr->request_excerpt = ac_request_excerpt(&br, EXCERPT_CAP);
    rep_shared S = { .R = R, .br = &br, .n = n };
    S.resps = ac_calloc((size_t)n, sizeof *S.resps);
    S.errs = ac_calloc((size_t)n, sizeof *S.errs);
    pthread_mutex_init(&S.mu, NULL);
    double t0 = ac_now_ms();
    if (c <= 1) {
        rep_worker(&S);
    } else {
        pthread_t *th = ac_calloc((size_t)c, sizeof *th);
        for (long i = 0; i < c; i++) pthread_create(&th[i], NULL, rep_worker, &S);
        for (long i = 0; i < c; i++) pthread_join(th[i], NULL);
        free(th);
    }
    sr->duration_ms = ac_now_ms() - t0;
    sr->attempts = (int)n;
    pthread_mutex_destroy(&S.mu);

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
        sr->outcome = AC_OUT_SKIP;
        sr->reason = ac_strdup(why);
        end_test(T, AC_OUT_SKIP, why);
        goto out;
    }
    if (errors) {
        step_error(T, sr, ac_sprintf("%ld of %ld requests failed: %s", errors, n, first_err));
        goto out;
    }
    /* A plain expect applies to every response: report the first response that fails it. */
    long first_fail = -1, n_fail = 0;
    for (long i = 0; i < n && expect; i++) {
        ac_checks ck = { 0 };
        if (expect_with_response(expect, &S.resps[i], &T->ectx, &ck, &err) < 0) {
            ac_checks_free(&ck);
            step_error(T, sr, err);
            goto out;
        }
        if (!all_checks_pass(&ck)) {
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
    if (T->t->expect_all) eval_expect_all(T, T->t->expect_all, S.resps, n, &all);
    sr->status = S.resps[n - 1].status;
    sr->response_excerpt = ac_response_excerpt(&S.resps[first_fail >= 0 ? first_fail : n - 1], EXCERPT_CAP);
    ac_buf_printf(&T->transcript, "  repeat: %ld requests, concurrency %ld, %.1f ms, %ld failing\n", n, c,
                  sr->duration_ms, n_fail);
    adopt_checks(T, sr, &all);
    const char *msg;
    sr->outcome = checks_outcome(sr, &msg);
    if (msg) sr->reason = ac_strdup(msg);
    if (sr->outcome == AC_OUT_FAIL) T->stop = true;
out:
    for (long i = 0; i < n; i++) {
        ac_response_free(&S.resps[i]);
        free(S.errs[i]);
    }
    free(S.resps);
    free(S.errs);
    ac_built_req_free(&br);
}

/* ---- one test ------------------------------------------------------------------------------------ */

static void run_test(runner *R, file_state *fs, const ac_test *t, ac_test_result *res)
{
    memset(res, 0, sizeof *res);
    res->id = ac_strdup(t->id);
    res->name = ac_strdup(t->name);
    res->suite = ac_strdup(fs->file->suite);
    res->file = ac_strdup(fs->file->path);
    res->line = t->node ? t->node->line : 0;
    res->severity = test_severity(t, R->cfg->profile);
    res->strict = R->cfg->strict;
    res->multi_step = t->multi_step;
    for (size_t i = 0; i < t->tags.n; i++) ac_strlist_push(&res->tags, t->tags.items[i]);
    for (size_t i = 0; i < t->refs.n; i++) ac_strlist_push(&res->refs, t->refs.items[i]);
    double t0 = ac_now_ms();

    test_run T = { .R = R, .t = t, .fs = fs, .res = res };
    ac_scope_init(&T.scope, &fs->scope);
    ac_buf_init(&T.transcript);
    T.ectx.scope = &T.scope;
    T.ectx.profile = R->cfg->profile;
    T.ectx.default_sev = res->severity;
    T.resps = ac_calloc(t->n_steps + 1, sizeof *T.resps);

    char *reason = NULL;
    ac_outcome pre = check_requires(R, fs, t, &reason);
    if (pre == AC_OUT_PASS) pre = check_when(t->when, &T.scope, &reason);
    if (pre != AC_OUT_PASS) {
        res->outcome = pre;
        res->reason = redacted(reason);
        free(reason);
        /* A skipped or errored multi-step test still shows its steps as not run. */
        for (size_t i = 0; i < t->n_steps; i++) {
            ac_step_result *sr = new_step(res, t->steps[i].name);
            sr->outcome = AC_OUT_NOTRUN;
            sr->reason = ac_strdup(res->reason);
        }
        goto done;
    }

    res->outcome = AC_OUT_PASS;
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step *st = &t->steps[i];
        T.ectx.now = ac_wall_time();
        if (T.stop) {
            ac_step_result *sr = new_step(res, st->name);
            sr->outcome = AC_OUT_NOTRUN;
            sr->reason = ac_strdup("not run: an earlier step did not pass");
            continue;
        }
        if (R->unreachable) break;
        char *why = NULL;
        ac_outcome w = check_when(st->when, &T.scope, &why);
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
            if (t->repeat > 1) run_repeated_step(&T, i, sr);
            else run_request_step(&T, i, sr);
            break;
        case AC_STEP_RUN: run_command_step(&T, st, sr); break;
        case AC_STEP_WAIT: run_wait_step(&T, st, sr); break;
        }
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
    /* An error in a should-level test is a warning: it cannot fail the run either. */
    if (res->outcome == AC_OUT_ERROR && res->severity != AC_SEV_MUST)
        res->outcome = res->severity == AC_SEV_INFO ? AC_OUT_PASS : AC_OUT_WARN;
    if (res->outcome == AC_OUT_FAIL && res->severity == AC_SEV_INFO) res->outcome = AC_OUT_PASS;
done:
    res->duration_ms = ac_now_ms() - t0;
    res->transcript = ac_buf_steal(&T.transcript);
    for (size_t i = 0; i < t->n_steps + 1; i++) ac_response_free(&T.resps[i]);
    free(T.resps);
    ac_scope_free(&T.scope);
}

/* ---- the run --------------------------------------------------------------------------------------- */

static int emit(ac_reporter **reps, size_t n, const ac_test_result *r, size_t index, char **err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *e = NULL;
        if (reps[i]->test(reps[i], r, index, &e) < 0) {
            if (!*err) *err = e;
            else free(e);
            rc = -1;
        }
    }
    return rc;
}

static void tally(ac_run_summary *s, const ac_test_result *r)
{
    s->total++;
    switch (r->outcome) {
    case AC_OUT_PASS: s->passed++; break;
    case AC_OUT_FAIL: s->failed++; break;
    case AC_OUT_WARN:
        if (r->strict) s->failed++;
        else s->warned++;
        break;
    case AC_OUT_ERROR: s->errored++; break;
    case AC_OUT_SKIP: s->skipped++; break;
    case AC_OUT_NOTRUN: s->not_run++; break;
    }
}

int ac_execute(const ac_model *m, const ac_plan *plan, const ac_scope *vars, const ac_config *cfg,
               ac_reporter **reporters, size_t n_reporters, ac_run_summary *summary, char **err)
{
    memset(summary, 0, sizeof *summary);
    *err = NULL;
    runner R = { .model = m, .cfg = cfg, .root = vars };
    char *herr = NULL;
    R.http = ac_http_new(&cfg->http, &herr);
    if (!R.http) {
        *err = herr;
        summary->exit_code = 1;
        return -1;
    }
    int rc = 0;
    ac_run_info info = { .tool_version = AC_VERSION, .target = cfg->target, .profile = cfg->profile,
                         .strict = cfg->strict, .start_wall = ac_wall_time(), .planned = plan->n };
    for (size_t i = 0; i < n_reporters; i++) {
        char *e = NULL;
        if (reporters[i]->begin(reporters[i], &info, &e) < 0) {
            if (!*err) *err = e;
            else free(e);
            rc = -1;
        }
    }

    file_state *states = ac_calloc(m->n_files + 1, sizeof *states);
    for (size_t f = 0; f < m->n_files; f++) {
        states[f].file = &m->files[f];
        ac_scope_init(&states[f].scope, vars);
        states[f].fx = ac_calloc(m->files[f].n_fixtures + 1, sizeof *states[f].fx);
        states[f].fx_reason = ac_calloc(m->files[f].n_fixtures + 1, sizeof *states[f].fx_reason);
    }

    double t0 = ac_now_ms();
    size_t failures = 0;
    for (size_t i = 0; i < plan->n; i++) {
        if (cfg->run_deadline_s > 0 && (ac_now_ms() - t0) / 1000.0 > cfg->run_deadline_s) {
            summary->bailed = true;
            summary->bail_reason = ac_sprintf("run deadline of %g s reached", cfg->run_deadline_s);
            break;
        }
        const ac_plan_item *it = &plan->items[i];
        file_state *fs = &states[it->file - m->files];
        ac_test_result res;
        run_test(&R, fs, it->test, &res);
        tally(summary, &res);
        bool failed = ac_test_result_is_failure(&res);
        if (failed) failures++;
        if (emit(reporters, n_reporters, &res, i + 1, err) < 0) rc = -1;
        ac_test_result_free(&res);
        if (R.unreachable) {
            summary->bailed = true;
            summary->bail_reason = ac_sprintf("target unreachable: %s", R.unreachable_reason);
            break;
        }
        if (failed && cfg->fail_fast) {
            summary->bailed = true;
            summary->bail_reason = ac_sprintf("--fail-fast: %s failed", it->test->id);
            break;
        }
    }
    summary->duration_ms = ac_now_ms() - t0;
    if (R.unreachable && !R.ever_response) summary->exit_code = 3;
    else if (failures > 0) summary->exit_code = 1;
    else if (R.must_checks_run == 0) summary->exit_code = 1;
    else summary->exit_code = 0;

    for (size_t i = 0; i < n_reporters; i++) {
        char *e = NULL;
        if (reporters[i]->end(reporters[i], summary, &e) < 0) {
            if (!*err) *err = e;
            else free(e);
            rc = -1;
        }
    }
    for (size_t f = 0; f < m->n_files; f++) {
        ac_scope_free(&states[f].scope);
        for (size_t k = 0; k < m->files[f].n_fixtures; k++) free(states[f].fx_reason[k]);
        free(states[f].fx_reason);
        free(states[f].fx);
    }
    free(states);
    free(R.unreachable_reason);
    ac_http_free(R.http);
    if (summary->exit_code == 0 && R.must_checks_run == 0) summary->exit_code = 1;
    return rc;
}

