/* The steps of a test: a request (sent once, or polled with `until`, and compared with an
 * earlier step), a `run` command, and a wait. A repeated request is repeat.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "execute_internal.h"
#include "redact.h"
#include "runcmd.h"

const yn_node *ex_step_expect(const test_run *T, const ac_step *st)
{
    if (!T->t->multi_step) {
        const yn_node *o = ac_test_override(T->t, T->R->cfg->profile, "expect");
        if (o) return o;
    }
    return st->expect;
}

const yn_node *ex_step_request(const test_run *T, const ac_step *st)
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

static bool closed_is_allowed(const yn_node *expect, ac_http_status st, const ac_response *resp)
{
    const yn_node *ok = expect ? yn_get(expect, "connection_closed_ok") : NULL;
    return ok && ok->stype == YN_BOOL && ok->b && resp->status == 0 &&
           (st == AC_HTTP_ERR_OTHER || st == AC_HTTP_ERR_PROTOCOL || st == AC_HTTP_ERR_NO_RESPONSE);
}

int ex_step_compare(test_run *T, size_t si, ac_response *resp, ac_durations cur, ac_checks *checks,
                    ac_step_result *sr, bool show_resp)
{
    const ac_step *st = &T->steps[si];
    char *err = NULL;
    const yn_node *with = yn_get(st->compare, "with");
    int oi = with ? find_step_index(T->steps, with->str, si) : -1;
    if (oi < 0) {
        ac_checks_free(checks);
        ex_step_error(T, sr, ac_sprintf("compare: no earlier step named %s", with ? with->str : "?"));
        return -1;
    }
    ac_durations other = { T->durs[oi], T->n_durs[oi] };
    char *other_name = ac_sprintf("step %s", T->steps[oi].name);
    int rc = ac_compare_eval(st->compare, resp, &T->resps[oi], other_name, cur, other, &T->ectx, checks, &err);
    free(other_name);
    if (rc < 0) {
        ac_checks_free(checks);
        if (show_resp) sr->response_excerpt = ex_response_excerpt(resp);
        ex_step_error(T, sr, err);
        return -1;
    }
    return oi;
}

/* ---- a request --------------------------------------------------------------------------------- */

/* Servers may drop a request they will not read (a 64 KiB header): with connection_closed_ok
 * the case says that counts as a refusal, and the step passes. Takes err. */
static void closed_allowed(test_run *T, ac_step_result *sr, const yn_node *expect, char *err, double t0)
{
    ac_checks checks = { 0 };
    ac_checks_push(&checks, ex_make_check(yn_get(expect, "connection_closed_ok"), T->ectx.default_sev, true,
                                          ac_strdup("connection closed"), ac_strdup("a 4xx or a closed connection"),
                                          ex_redacted(err), ac_strdup("connection closed without a response (allowed)")));
    free(err);
    if (T->saw_unreachable) {   /* a close this case allows: the target did react */
        T->saw_unreachable = false;
        atomic_store(&T->R->unreachable, false);
    }
    sr->response_excerpt = ac_strdup("(connection closed without a response)");
    sr->duration_ms = ac_now_ms() - t0;
    ex_adopt_checks(T, sr, &checks);
    sr->outcome = AC_OUT_PASS;
}

/* One attempt of request step si: sends the request and evaluates expect and compare into
 * *checks. Returns true when the step goes on to be judged, false when the attempt ended it
 * (error, skip, rate limit, an allowed close). */
static bool request_attempt(test_run *T, size_t si, const ac_built_req *br, const yn_node *expect,
                            ac_checks *checks, ac_step_result *sr, double t0)
{
    const ac_step *st = &T->steps[si];
    ac_response *resp = &T->resps[si];
    char *err = NULL;
    ac_response_free(resp);
    ac_checks_free(checks);
    sr->attempts++;
    ac_http_status hst;
    send_result sent = ex_send_request(T->R, T->http, br, expect, resp, &err, &hst, &T->saw_unreachable);
    if (sent == SEND_FAILED) {
        if (closed_is_allowed(expect, hst, resp)) {
            closed_allowed(T, sr, expect, err, t0);
            return false;
        }
        free(sr->response_excerpt);
        sr->response_excerpt = NULL;
        ex_step_error(T, sr, err);
        return false;
    }
    ex_push_status(T->res, resp->status);
    sr->status = resp->status;
    if (sent == SEND_RATE_LIMITED) {
        sr->response_excerpt = ex_response_excerpt(resp);
        ex_end_rate_limited(T, sr, err);
        return false;
    }
    if (st->error_on && ac_status_matches(st->error_on, resp->status)) {
        /* The endpoint is not there (a node that is down behind its proxy, a 404): whatever the
         * step asserts cannot be judged, and a refusal must never pass on it. */
        sr->response_excerpt = ex_response_excerpt(resp);
        ex_step_error(T, sr, ac_sprintf("status %ld: the endpoint did not answer as a working one (error_on)",
                                        resp->status));
        return false;
    }
    char *skip = ex_skip_on_reason(st->skip_on ? st->skip_on : T->t->skip_on, resp->status);
    if (skip) {
        sr->outcome = AC_OUT_SKIP;
        sr->reason = ac_strdup(skip);
        sr->response_excerpt = ex_response_excerpt(resp);
        T->res->skip_kind = AC_SKIP_NOT_APPLICABLE;
        ex_end_test(T, AC_OUT_SKIP, skip);
        return false;
    }
    if (expect && ex_expect_with_response(expect, resp, &T->ectx, checks, &err) < 0) {
        ac_checks_free(checks);
        sr->response_excerpt = ex_response_excerpt(resp);   /* the evidence: what did arrive */
        ex_step_error(T, sr, err);
        return false;
    }
    ac_durations none = { 0 };
    return !st->compare || ex_step_compare(T, si, resp, none, checks, sr, true) >= 0;
}

/* The verdict of a request step on its last response, and its captures. */
static void request_judged(test_run *T, size_t si, ac_step_result *sr, ac_checks *checks, double t0)
{
    const ac_step *st = &T->steps[si];
    ac_response *resp = &T->resps[si];
    char *err = NULL;
    sr->duration_ms = ac_now_ms() - t0;
    sr->response_excerpt = ex_response_excerpt(resp);
    ex_transcript_add(T, "< %s\n", sr->response_excerpt);
    if (st->until)
        ac_buf_printf(&T->transcript, "  until: %d attempt%s in %.1f s\n", sr->attempts,
                      sr->attempts == 1 ? "" : "s", sr->duration_ms / 1000.0);
    ex_judge_step(T, sr, checks);
    if (st->until && sr->reason) {
        char *r = ac_sprintf("%s (still failing after %d attempts in %.1f s)", sr->reason, sr->attempts,
                             sr->duration_ms / 1000.0);
        free(sr->reason);
        sr->reason = r;
    }
    if (sr->outcome == AC_OUT_FAIL) return;
    if (st->capture && ac_capture_eval(st->capture, resp, &T->scope, &T->scope, &err) < 0)
        ex_step_error(T, sr, err);
}

void ex_run_request_step(test_run *T, size_t si, ac_step_result *sr)
{
    const ac_step *st = &T->steps[si];
    const yn_node *expect = ex_step_expect(T, st);
    char *err = NULL;
    ac_built_req br;
    if (ex_build_request(T->R, ex_step_request(T, st), &T->scope, &br, &err) < 0 ||
        ex_pin_request(T, &br, &err) < 0) {
        ex_step_error(T, sr, err);
        return;
    }
    sr->request_excerpt = ex_request_excerpt(T, &br);
    ex_transcript_add(T, "> %s\n", sr->request_excerpt);

    double every = 0, within = 0;
    if (st->until && until_bounds(st->until, &T->scope, &every, &within, &err) < 0) {
        ac_built_req_free(&br);
        ex_step_error(T, sr, err);
        return;
    }
    double t0 = ac_now_ms();
    ac_checks checks = { 0 };
    char what[200] = "";   /* the poll as the progress listener is told it, once it waits */
    bool judged;
    for (;;) {
        judged = request_attempt(T, si, &br, expect, &checks, sr, t0);
        if (!judged || !st->until || ex_all_checks_pass(&checks)) break;
        double elapsed = (ac_now_ms() - (T->until_from > 0 ? T->until_from : t0)) / 1000.0;
        if (elapsed + every > within) break;
        if (!*what) snprintf(what, sizeof what, "polling step %s", st->name ? st->name : "?");
        ex_nap_told(T, every * 1000, what, t0, within, sr->attempts);
    }
    ac_built_req_free(&br);
    if (!judged) return;   /* a poll cut short by an error is cleared by its test's report */
    if (*what) ex_wait_over(T);
    request_judged(T, si, sr, &checks, t0);
}

/* ---- a command --------------------------------------------------------------------------------- */

/* The variable a `run` step's command comes from: one reference to a value the user gave
 * (environment, --var, vars file), since a case file must never be able to make the runner
 * execute something. NULL when the step ended (an error, or a skip for a variable not set). */
static const ac_var *command_var(test_run *T, const ac_step *st, ac_step_result *sr)
{
    const yn_node *cmd = yn_get(st->run, "command");
    const char *s = cmd ? cmd->str : "";
    size_t n = strlen(s);
    if (n < 4 || strncmp(s, "${", 2) != 0 || s[n - 1] != '}') {
        ex_step_error(T, sr, ac_strdup("run: command must be a single ${variable}"));
        return NULL;
    }
    char *name = ac_strndup(s + 2, n - 3);
    const ac_var *v = ac_scope_get(&T->scope, name);
    if (!v || v->len == 0) {
        char *why = ex_missing_var_reason(T->R, name);
        ex_mark_missing(T, name);
        free(name);
        sr->outcome = AC_OUT_SKIP;
        sr->reason = ac_strdup(why);
        ex_end_test(T, AC_OUT_SKIP, why);
        return NULL;
    }
    if (v->source != AC_VSRC_ENV && v->source != AC_VSRC_CLI && v->source != AC_VSRC_VARSFILE) {
        ex_step_error(T, sr, ac_sprintf("run: variable %s must come from the environment, --var or --vars-file", name));
        free(name);
        return NULL;
    }
    free(name);
    return v;
}

/* Runs the command with the step's `env` and `timeout` interpolated: 0 with *cr, or -1 with *err. */
static int command_exec(test_run *T, const ac_step *st, const ac_var *v, ac_cmd_result *cr, double *timeout,
                        char **err)
{
    const yn_node *env = yn_get(st->run, "env");
    size_t n_env = env ? env->n_pairs : 0;
    const char **names = ac_calloc(n_env + 1, sizeof *names), **vals = ac_calloc(n_env + 1, sizeof *vals);
    ac_ival *ivs = ac_calloc(n_env + 1, sizeof *ivs);
    int rc = 0;
    for (size_t i = 0; i < n_env && rc == 0; i++) {
        names[i] = env->pairs[i].key->str;
        rc = ac_interpolate(&T->scope, env->pairs[i].value->str, env->pairs[i].value->len, &ivs[i], err);
        vals[i] = ivs[i].str;
    }
    *timeout = 30;
    const yn_node *tn = yn_get(st->run, "timeout");
    if (rc == 0 && tn) {
        ac_ival iv;
        rc = ac_interpolate(&T->scope, tn->str, tn->len, &iv, err);
        if (rc == 0) {
            rc = ac_parse_duration(iv.str, timeout, err);
            ac_ival_free(&iv);
        }
    }
    if (rc == 0) rc = ac_run_command(v->value, names, vals, n_env, *timeout, 16384, cr, err);
    for (size_t i = 0; i < n_env; i++) ac_ival_free(&ivs[i]);
    free(ivs);
    free(names);
    free(vals);
    return rc;
}

void ex_run_command_step(test_run *T, const ac_step *st, ac_step_result *sr)
{
    char *err = NULL;
    const ac_var *v = command_var(T, st, sr);
    if (!v) return;
    double timeout;
    ac_cmd_result cr = { 0 };
    if (command_exec(T, st, v, &cr, &timeout, &err) < 0) {
        ex_step_error(T, sr, err);
        return;
    }
    sr->attempts = 1;
    sr->duration_ms = cr.duration_ms;
    size_t olen;
    char *out = ac_redact(cr.output, cr.output_len, &olen);
    sr->request_excerpt = ac_strdup("run: $command (from a variable)");
    sr->response_excerpt = cr.timed_out ? ac_sprintf("timed out after %g s\n%s", timeout, out)
                                        : ac_sprintf("exit %d\n%s", cr.exit_status, out);
    ex_transcript_add(T, "$ %s\n", sr->response_excerpt);
    free(out);

    long want = 0;
    const yn_node *ex = st->expect ? yn_get(st->expect, "exit") : NULL;
    if (ex && ex->stype == YN_INT) want = (long)ex->i;
    bool passed = !cr.timed_out && cr.exit_status == want;
    char *msg = passed ? ac_sprintf("command exited %d", cr.exit_status)
                       : cr.timed_out ? ac_sprintf("command timed out after %g s", timeout)
                                      : ac_sprintf("command exited %d, expected %ld", cr.exit_status, want);
    ac_checks checks = { 0 };
    ac_checks_push(&checks, ex_make_check(ex ? ex : st->run, T->ectx.default_sev, passed, ac_strdup("exit status"),
                                          ac_sprintf("%ld", want),
                                          cr.timed_out ? ac_strdup("timed out") : ac_sprintf("%d", cr.exit_status),
                                          msg));
    ac_cmd_result_free(&cr);
    ex_judge_step(T, sr, &checks);
}

/* ---- a wait -------------------------------------------------------------------------------------- */

void ex_run_wait_step(test_run *T, const ac_step *st, ac_step_result *sr)
{
    char *err = NULL;
    ac_ival iv;
    double secs = 0;
    if (ac_interpolate(&T->scope, st->wait->str, st->wait->len, &iv, &err) < 0) {
        ex_step_error(T, sr, err);
        return;
    }
    int rc = ac_parse_duration(iv.str, &secs, &err);
    ac_ival_free(&iv);
    if (rc < 0) {
        ex_step_error(T, sr, err);
        return;
    }
    if (secs > 600) secs = 600;   /* bounded, whatever a variable says */
    double t0 = ac_now_ms();
    bool named = st->name && strncmp(st->name, "step ", 5);   /* not the default "step N" */
    char *what = named ? ac_sprintf("waiting (step %s)", st->name) : ac_strdup("waiting");
    ex_nap_told(T, secs * 1000, what, t0, secs, 0);   /* never past --run-deadline or an interrupt's grace */
    ex_wait_over(T);
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
        ex_step_error(T, sr, err);
        return;
    }
    ex_judge_step(T, sr, &checks);
}
