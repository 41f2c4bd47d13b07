/* Recording what a test did and the outcome rules: step results and their checks, how checks
 * make a step's outcome, how a step ends its test (error, skip, rate limit), and how severity
 * settles a test's outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execute_internal.h"
#include "redact.h"

/* ---- variables a test lacks --------------------------------------------------------------- */

/* How a missing variable is named in the coverage summary: "password (APINIZER_PASSWORD)". */
char *ex_missing_var_label(const runner *R, const char *name)
{
    const ac_var_decl *d = ac_manifest_find_var(&R->model->manifest, name);
    if (d && d->env) return ac_sprintf("%s (%s)", name, d->env);
    return ac_strdup(name);
}

/* The test is skipped because variable `name` is not set: not configured, a gap in coverage. */
void ex_mark_missing(test_run *T, const char *name)
{
    T->res->skip_kind = AC_SKIP_NOT_CONFIGURED;
    char *label = ex_missing_var_label(T->R, name);
    if (!ac_strlist_contains(&T->res->missing_vars, label)) ac_strlist_push(&T->res->missing_vars, label);
    free(label);
}

char *ex_missing_var_reason(const runner *R, const char *name)
{
    const ac_var_decl *d = ac_manifest_find_var(&R->model->manifest, name);
    if (d && d->env) return ac_sprintf("requires variable %s (set %s or --var %s=...)", name, d->env, name);
    return ac_sprintf("requires variable %s (set it with --var %s=... or --vars-file)", name, name);
}

/* ---- recording ---------------------------------------------------------------------------- */

void ex_push_status(ac_test_result *r, long status)
{
    r->statuses = ac_realloc(r->statuses, (r->n_statuses + 1) * sizeof *r->statuses);
    r->statuses[r->n_statuses++] = status;
}

ac_step_result *ex_new_step(ac_test_result *r, const char *name)
{
    r->steps = ac_realloc(r->steps, (r->n_steps + 1) * sizeof *r->steps);
    ac_step_result *s = &r->steps[r->n_steps++];
    memset(s, 0, sizeof *s);
    s->name = ac_strdup(name);
    return s;
}

void ex_transcript_add(test_run *T, const char *fmt, const char *text)
{
    if (T->transcript.len > TRANSCRIPT_CAP) return;
    ac_buf_printf(&T->transcript, fmt, text ? text : "");
}

/* Moves checks into a step result, counting must checks and keeping info findings as notes. */
void ex_adopt_checks(test_run *T, ac_step_result *sr, ac_checks *c)
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
ac_outcome ex_checks_outcome(const ac_step_result *sr, const char **first_msg)
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

bool ex_all_checks_pass(const ac_checks *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (!c->items[i].passed && c->items[i].severity != AC_SEV_INFO) return false;
    return true;
}

ac_check ex_make_check(const yn_node *where, ac_severity sev, bool passed, char *check, char *expected,
                       char *actual, char *message)
{
    ac_check c = { .check = check, .expected = expected, .actual = actual, .message = message,
                   .severity = sev, .passed = passed };
    c.file = ac_strdup(where->file);
    c.line = where->line;
    c.col = where->col;
    return c;
}

void ex_judge_step(test_run *T, ac_step_result *sr, ac_checks *checks)
{
    ex_adopt_checks(T, sr, checks);
    const char *msg;
    sr->outcome = ex_checks_outcome(sr, &msg);
    if (msg) sr->reason = ac_strdup(msg);
    if (sr->outcome == AC_OUT_FAIL) T->stop = true;
}

/* ---- ending a test ------------------------------------------------------------------------ */

void ex_end_test(test_run *T, ac_outcome o, char *reason)
{
    if (ex_keep_worse(T, o)) {   /* another node's worse outcome stands */
        free(reason);
        T->stop = true;
        return;
    }
    T->res->outcome = o;
    free(T->res->reason);
    T->res->reason = ex_redacted(reason);
    free(reason);
    T->stop = true;
}

/* A 429 ends the test unjudged (rate limited). After a control of this test passed, it is an
 * error instead: the control proved the endpoint answers, so the throttling was caused by the
 * check itself, and a run must not look merely incomplete after it. Takes why. */
void ex_end_rate_limited(test_run *T, ac_step_result *sr, char *why)
{
    if (T->control_passed) {
        char *e = ac_sprintf("%s after the control passed: the check could not be judged", why);
        free(why);
        ex_step_error(T, sr, e);
        return;
    }
    sr->outcome = AC_OUT_SKIP;
    sr->reason = ac_strdup(why);
    T->res->skip_kind = AC_SKIP_RATE_LIMITED;
    ex_end_test(T, AC_OUT_SKIP, why);
}

void ex_step_error(test_run *T, ac_step_result *sr, char *reason)
{
    sr->outcome = AC_OUT_ERROR;
    sr->reason = ex_redacted(reason);
    ex_transcript_add(T, "  error: %s\n", sr->reason);
    char *r = ac_sprintf("%s%s%s", T->t->multi_step ? sr->name : "", T->t->multi_step ? ": " : "", reason);
    free(reason);
    ex_end_test(T, AC_OUT_ERROR, r);
}

/* A `control: true` step that did not pass makes the test an error, whatever it asserted: the
 * refusals after it would prove nothing. */
void ex_control_step_done(test_run *T, ac_step_result *sr)
{
    if (sr->outcome == AC_OUT_PASS) {
        T->control_passed = true;
        return;
    }
    if (sr->outcome != AC_OUT_FAIL && sr->outcome != AC_OUT_WARN) return;   /* error, skip: as they are */
    char *why = ac_sprintf("control failed: step %s: %s", sr->name, sr->reason ? sr->reason : "did not pass");
    sr->outcome = AC_OUT_ERROR;
    free(sr->reason);
    sr->reason = ex_redacted(why);
    ex_end_test(T, AC_OUT_ERROR, why);
}

bool ex_keep_worse(const test_run *T, ac_outcome o)
{
    /* Equal: the first node's account stands (the report lists the others). */
    return T->t->needs_nodes && ac_outcome_rank(T->res->outcome) >= ac_outcome_rank(o);
}

void ex_nodes_outcome(ac_test_result *res)
{
    for (size_t i = 0; i < res->n_steps; i++) {
        ac_step_result *sr = &res->steps[i];
        if (sr->outcome != AC_OUT_FAIL && sr->outcome != AC_OUT_WARN) continue;
        if (ac_outcome_rank(sr->outcome) <= ac_outcome_rank(res->outcome)) continue;
        res->outcome = sr->outcome;
        free(res->reason);
        res->reason = sr->reason ? ac_sprintf("%s%s%s", sr->node || sr->for_node ? "" : sr->name,
                                              sr->node || sr->for_node ? "" : ": ", sr->reason)
                                 : NULL;
    }
    if (res->outcome != AC_OUT_SKIP) res->skip_kind = AC_SKIP_NONE;
}

/* ---- skip_on and expect ---------------------------------------------------------------- */

/* skip_on: [{status: MATCHER, reason: TEXT}] */
char *ex_skip_on_reason(const yn_node *skip_on, long status)
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
int ex_expect_with_response(const yn_node *expect, ac_response *resp, const ac_eval_ctx *base,
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

/* ---- the test's outcome -------------------------------------------------------------------- */

/* A test below must level cannot fail the run: an error in a should-level test is a warning,
 * and an info-level test passes whatever happened. */
void ex_settle_by_severity(ac_test_result *res)
{
    if (res->outcome == AC_OUT_ERROR && res->severity != AC_SEV_MUST)
        res->outcome = res->severity == AC_SEV_INFO ? AC_OUT_PASS : AC_OUT_WARN;
    if (res->outcome == AC_OUT_FAIL && res->severity == AC_SEV_INFO) res->outcome = AC_OUT_PASS;
}

/* The part of a test's result that comes from the case file alone. */
void ex_result_begin(const runner *R, const ac_suite_file *f, const ac_test *t, ac_test_result *res)
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

