/* One test: its requirements (variables, fixtures, controls) and condition, then its steps in
 * order, then its outcome. The literals of its case file are secrets of this test only, held in
 * the worker thread's redaction scope (redact.h) from start to end, so every text of its result
 * is redacted here, on this thread, before it leaves. */
#include <stdlib.h>
#include <string.h>

#include "execute_internal.h"
#include "redact.h"


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

/* ---- steps and outcome ------------------------------------------------------------------------ */

/* Requirements, controls and condition, in that order. PASS, or the outcome that keeps the test
 * from running, with *reason and the skip kind recorded. */
static ac_outcome test_preconditions(test_run *T, char **reason)
{
    const ac_scope *top = NULL;
    ac_skip_kind wkind = AC_SKIP_NONE;
    ac_outcome pre = ex_check_requires(T, &top, reason);
    ac_scope_init(&T->scope, top);
    if (pre == AC_OUT_PASS) pre = ex_check_controls(T, reason);
    if (pre == AC_OUT_PASS && (pre = check_when(T->t->when, &T->scope, reason, &wkind)) == AC_OUT_SKIP)
        T->res->skip_kind = wkind;
    return pre;
}

/* A step that is not sent: an earlier one ended the test, the target is unreachable, or its own
 * `when` does not hold. Returns true when the step is not run. */
static bool step_not_run(test_run *T, const ac_step *st)
{
    ac_test_result *res = T->res;
    if (T->stop) {
        ac_step_result *sr = ex_new_node_step(T, st);
        sr->outcome = AC_OUT_NOTRUN;
        sr->reason = ac_strdup("not run: an earlier step did not pass");
        return true;
    }
    if (atomic_load(&T->R->unreachable)) {
        /* Another worker found the target unreachable: send nothing more. */
        ac_step_result *sr = ex_new_node_step(T, st);
        sr->outcome = AC_OUT_NOTRUN;
        sr->reason = ac_strdup("not run: the target is unreachable");
        ex_end_test(T, AC_OUT_ERROR, ac_strdup("not run: the target is unreachable"));
        return true;
    }
    char *why = NULL;
    ac_skip_kind wkind = AC_SKIP_NONE;
    ac_outcome w = check_when(st->when, &T->scope, &why, &wkind);
    if (w == AC_OUT_SKIP) res->skip_kind = wkind;
    if (w == AC_OUT_PASS) return false;
    ac_step_result *sr = ex_new_node_step(T, st);
    sr->outcome = w;
    sr->reason = ex_redacted(why);
    ex_end_test(T, w, why);
    return true;
}

/* Runs step si into sr by its kind. */
static void run_one(test_run *T, size_t si, ac_step_result *sr)
{
    const ac_step *st = &T->steps[si];
    switch (st->kind) {
    case AC_STEP_REQUEST:
        if (T->t->repeat > 1 || st->repeat > 0) ex_run_repeated_step(T, si, sr);
        else ex_run_request_step(T, si, sr);
        break;
    case AC_STEP_RUN: ex_run_command_step(T, st, sr); break;
    case AC_STEP_WAIT: ex_run_wait_step(T, st, sr); break;
    }
}

static void run_steps(test_run *T)
{
    for (size_t i = 0; i < T->n_steps; i++) {
        const ac_step *st = &T->steps[i];
        T->ectx.now = ac_wall_time();
        if (step_not_run(T, st)) continue;
        if (T->t->multi_step) ex_transcript_add(T, "== step %s ==\n", st->name);
        if (T->t->needs_nodes) {
            ex_run_node_step(T, i, run_one);   /* names the nodes, then judges a control */
            continue;
        }
        ac_step_result *sr = ex_new_step(T->res, st->name);
        run_one(T, i, sr);
        if (st->control) ex_control_step_done(T, sr);
    }
}

/* The test's outcome: an explicit end (skip/error) wins; otherwise the worst step. */
static void steps_outcome(const ac_test *t, ac_test_result *res)
{
    if (res->outcome != AC_OUT_PASS) return;
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

test_info ex_run_test(runner *R, ac_http *http, fx_table fx, const ac_test *t, ac_test_result *res)
{
    /* The literals of the case file this test sends are secrets of this test only: every
     * redaction of its requests, responses and results happens on this thread until the end. */
    ac_redact_test_begin();
    ex_result_begin(R, t->file, t, res);
    res->multi_step = t->multi_step;
    for (size_t i = 0; i < t->refs.n; i++) ac_strlist_push(&res->refs, t->refs.items[i]);
    double t0 = ac_now_ms();

    test_run T = { .R = R, .http = http, .t = t, .fx = fx, .res = res };
    T.steps = test_steps(t, R->cfg->profile, &T.n_steps);
    ac_buf_init(&T.transcript);
    T.ectx.scope = &T.scope;
    T.ectx.profile = R->cfg->profile;
    T.ectx.default_sev = res->severity;
    T.resps = ac_calloc(T.n_steps + 1, sizeof *T.resps);
    T.durs = ac_calloc(T.n_steps + 1, sizeof *T.durs);
    T.n_durs = ac_calloc(T.n_steps + 1, sizeof *T.n_durs);

    char *reason = NULL;
    for (size_t i = 0; i < t->controls.n; i++) ac_strlist_push(&res->controls, t->controls.items[i]);
    ac_outcome pre;
    if (t->needs_nodes && R->cfg->n_nodes == 0) {
        /* Nothing to compare across replicas: not applicable, never a gap, and no request (no
         * login either) is sent for it. */
        pre = AC_OUT_SKIP;
        res->skip_kind = AC_SKIP_NOT_APPLICABLE;
        reason = ac_strdup("checks every node of the deployment: give them with --node NAME=HOST:PORT "
                           "(or the nodes variable)");
        ac_scope_init(&T.scope, NULL);
    } else {
        pre = test_preconditions(&T, &reason);
    }
    if (pre != AC_OUT_PASS) {
        res->outcome = pre;
        res->reason = ex_redacted(reason);
        free(reason);
        /* A skipped or errored multi-step test still shows its steps as not run. */
        for (size_t i = 0; i < T.n_steps; i++) {
            ac_step_result *sr = ex_new_step(res, T.steps[i].name);
            sr->outcome = AC_OUT_NOTRUN;
            sr->reason = ac_strdup(res->reason);
        }
    } else {
        res->outcome = AC_OUT_PASS;
        if (t->for_each_node) ex_run_rounds(&T, run_steps);
        else run_steps(&T);
        if (t->needs_nodes) ex_nodes_outcome(res);
        else steps_outcome(t, res);
        ex_settle_by_severity(res);
    }
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
