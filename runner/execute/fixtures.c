/* Fixtures: each runs once per case file, on the first test that needs it (a worker needing one
 * that another runs waits for it); its captures live in a scope of its own, read-only once it
 * completed, and a test sees exactly the fixtures it requires, as read-only views chained under
 * its own scope. Also the two ways a test needs fixtures: `requires` and `control:`. */
#include <stdlib.h>
#include <string.h>

#include "execute_internal.h"
#include "fxshare.h"

static bool var_is_set(const ac_scope *s, const char *name)
{
    const ac_var *v = ac_scope_get(s, name);
    return v && v->len > 0;
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

static fx_state need_fixture(test_run *T, size_t idx);

/* The fixtures and variables fixture idx requires. FX_OK when all are there (the captures of
 * the fixtures it requires become visible to it); otherwise its state, with reason, kind and
 * missing variables filled in. */
static fx_state fixture_requires(test_run *T, size_t idx)
{
    fx_table *tab = &T->fx;
    const ac_fixture *fx = &T->t->file->fixtures[idx];
    ac_scope *scope = &tab->scope[idx];
    for (size_t i = 0; i < fx->requires.n; i++) {
        size_t dep;
        if (find_fixture(T->t->file, fx->requires.items[i], &dep)) {
            /* Defined earlier in the file (lint): runs first; its captures become visible. */
            fx_state st = need_fixture(T, dep);
            if (st != FX_OK) {
                tab->reason[idx] = ac_strdup(tab->reason[dep]);
                tab->kind[idx] = tab->kind[dep];
                for (size_t k = 0; k < tab->missing[dep].n; k++) ac_strlist_push(&tab->missing[idx], tab->missing[dep].items[k]);
                return st;
            }
            scope->parent = &tab->scope[dep];
            continue;
        }
        if (!var_is_set(tab->root, fx->requires.items[i])) {
            /* The reason names the first; the coverage summary gets all of them. */
            if (!tab->reason[idx]) tab->reason[idx] = ex_missing_var_reason(T->R, fx->requires.items[i]);
            tab->kind[idx] = AC_SKIP_NOT_CONFIGURED;
            char *label = ex_missing_var_label(T->R, fx->requires.items[i]);
            ac_strlist_push(&tab->missing[idx], label);
            free(label);
        }
    }
    return tab->missing[idx].n ? FX_UNAVAILABLE : FX_OK;
}

/* Judges a fixture's response (must-level checks only) and captures from it into scope.
 * Returns 0, or -1 with *reason. */
static int fixture_judge(const runner *R, const ac_fixture *fx, ac_response *resp, ac_scope *scope, char **reason)
{
    char *err = NULL;
    ac_eval_ctx ctx = { .scope = scope, .profile = R->cfg->profile, .default_sev = AC_SEV_MUST,
                        .now = ac_wall_time() };
    ac_checks checks = { 0 };
    if (fx->step.expect && ex_expect_with_response(fx->step.expect, resp, &ctx, &checks, &err) < 0) {
        *reason = ac_sprintf("fixture %s failed: %s", fx->name, err);
        ac_checks_free(&checks);
        free(err);
        return -1;
    }
    for (size_t i = 0; i < checks.n; i++) {
        if (!checks.items[i].passed && checks.items[i].severity == AC_SEV_MUST) {
            *reason = ac_sprintf("fixture %s failed: %s", fx->name, checks.items[i].message);
            ac_checks_free(&checks);
            return -1;
        }
    }
    ac_checks_free(&checks);
    if (fx->step.capture && ac_capture_eval(fx->step.capture, resp, scope, scope, &err) < 0) {
        *reason = ac_sprintf("fixture %s failed: %s", fx->name, err);
        free(err);
        return -1;
    }
    return 0;
}

/* A `shared: true` fixture that another file's identical fixture decided already: its result,
 * no request. Returns FX_PENDING when this fixture must run (it then owns the claim). */
static fx_state fixture_share_claim(test_run *T, size_t idx, const char *share_key)
{
    const ac_fixture *fx = &T->t->file->fixtures[idx];
    char *why = NULL;
    ac_fxshare_claim_result cr = ac_fxshare_claim(T->R->shared, share_key, &T->fx.scope[idx], &why);
    if (cr == AC_FXSHARE_RUN) return FX_PENDING;
    /* The reason names the fixture that ran ("fixture login failed: ..."): say it in this
     * fixture's name, the one this file's tests know. */
    const char *detail = why ? strstr(why, " failed: ") : NULL;
    if (why) T->fx.reason[idx] = detail ? ac_sprintf("fixture %s failed: %s", fx->name, detail + 9) : ac_strdup(why);
    free(why);
    return cr == AC_FXSHARE_OK ? FX_OK : FX_FAILED;
}

/* Runs fixture idx of a file (the caller marked it FX_RUNNING: no other thread touches its
 * scope or reason meanwhile). Returns its final state; T->fx.reason[idx] holds the redacted
 * reason unless FX_OK. */
static fx_state run_fixture(test_run *T, size_t idx)
{
    runner *R = T->R;
    fx_table *tab = &T->fx;
    const ac_fixture *fx = &T->t->file->fixtures[idx];
    ac_scope *scope = &tab->scope[idx];
    fx_state state = fixture_requires(T, idx);
    if (state != FX_OK) return state;
    ac_built_req br;
    char *err = NULL, *share_key = NULL;
    ac_response resp = { 0 };
    state = FX_FAILED;
    if (ex_build_request(R, fx->step.request, scope, &br, &err) < 0) {
        tab->reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        goto redact;
    }
    if (fx->shared) {
        share_key = ac_fxshare_key(&br, fx->step.expect, fx->step.capture);
        state = fixture_share_claim(T, idx, share_key);
        if (state != FX_PENDING) {
            free(share_key);
            share_key = NULL;
            goto out;
        }
        state = FX_FAILED;
    }
    switch (ex_send_request(R, T->http, &br, fx->step.expect, &resp, &err, NULL, &T->saw_unreachable)) {
    case SEND_FAILED:
        tab->reason[idx] = ac_sprintf("fixture %s failed: %s", fx->name, err);
        break;
    case SEND_RATE_LIMITED:
        /* The tests that need it are skipped with the reason, like a 429 of their own. */
        tab->reason[idx] = ac_sprintf("fixture %s: %s", fx->name, err);
        tab->kind[idx] = AC_SKIP_RATE_LIMITED;
        state = FX_UNAVAILABLE;
        break;
    case SEND_OK:
        if (fixture_judge(R, fx, &resp, scope, &tab->reason[idx]) == 0) state = FX_OK;
        break;
    }
out:
    if (share_key) {
        if (state == FX_UNAVAILABLE) ac_fxshare_abandon(R->shared, share_key);
        else ac_fxshare_finish(R->shared, share_key, state == FX_OK, scope, tab->reason[idx]);
        free(share_key);
    }
    ac_built_req_free(&br);
    ac_response_free(&resp);
redact:
    if (tab->reason[idx]) {
        char *r = ex_redacted(tab->reason[idx]);
        free(tab->reason[idx]);
        tab->reason[idx] = r;
    }
    free(err);
    return state;
}

/* The fixture's final state: runs it on first need; waits while another worker runs it. */
static fx_state need_fixture(test_run *T, size_t idx)
{
    fx_table *tab = &T->fx;
    pthread_mutex_lock(tab->mu);
    while (tab->state[idx] == FX_RUNNING) pthread_cond_wait(tab->cv, tab->mu);
    if (tab->state[idx] == FX_PENDING) {
        tab->state[idx] = FX_RUNNING;
        pthread_mutex_unlock(tab->mu);
        fx_state st = run_fixture(T, idx);
        pthread_mutex_lock(tab->mu);
        tab->state[idx] = st;
        pthread_cond_broadcast(tab->cv);
    }
    fx_state st = tab->state[idx];
    pthread_mutex_unlock(tab->mu);
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
    fx_table *tab = &T->fx;
    T->res->skip_kind = tab->kind[idx] ? tab->kind[idx] : AC_SKIP_NOT_CONFIGURED;
    for (size_t k = 0; k < tab->missing[idx].n; k++)
        if (!ac_strlist_contains(&T->res->missing_vars, tab->missing[idx].items[k]))
            ac_strlist_push(&T->res->missing_vars, tab->missing[idx].items[k]);
}

/* `control:` fixtures: each must have succeeded in this run before the test is judged. One that
 * failed makes the test an error (a refusal proves nothing about an endpoint that does not work);
 * one that could not run leaves the test unjudged, like a missing requirement. */
ac_outcome ex_check_controls(test_run *T, char **reason)
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
                                     T->fx.reason[idx]);
                return AC_OUT_ERROR;
            }
            decided = true;
        }
        if (any_fixture && !decided) {
            const ac_fixture *fx = &t->file->fixtures[last];
            fixture_skip_kind(T, last);
            *reason = ac_sprintf("control %s could not run: %s", fx->description ? fx->description : fx->name,
                                 T->fx.reason[last]);
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
ac_outcome ex_check_requires(test_run *T, const ac_scope **top, char **reason)
{
    runner *R = T->R;
    fx_table *tab = &T->fx;
    const ac_test *t = T->t;
    *top = tab->root;
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
                *reason = ac_strdup(tab->reason[idx]);
                out = st == FX_UNAVAILABLE ? AC_OUT_SKIP : AC_OUT_ERROR;
                if (st == FX_UNAVAILABLE) fixture_skip_kind(T, idx);
                break;
            }
            ac_scope *v = &T->fx_views[n_views++];
            *v = tab->scope[idx];   /* shares the (now immutable) variables; never freed */
            v->parent = *top;
            *top = v;
        } else if (!var_is_set(*top, name)) {
            if (captured_by_required_fixture(t, name)) {
                ac_strlist_push(&deferred, name);
            } else {
                *reason = ex_missing_var_reason(R, name);
                ex_mark_missing(T, name);
                out = AC_OUT_SKIP;
                /* Name every other missing variable too (for the coverage summary). */
                for (size_t k = i + 1; k < t->requires.n; k++) {
                    size_t fi;
                    if (!find_fixture(t->file, t->requires.items[k], &fi) && !var_is_set(*top, t->requires.items[k]) &&
                        !captured_by_required_fixture(t, t->requires.items[k]))
                        ex_mark_missing(T, t->requires.items[k]);
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
