/* Executing a plan: the run. Workers take tests in plan order, case files are opened for their
 * tests and closed after them, results are reported in plan order, and the run's exit code is
 * decided. One test is test_run.c's; the stages below it are named in execute_internal.h.
 *
 * Every string that leaves execution for a result has been redacted: excerpts by request.c,
 * check texts by expect.c, reasons through ac_redact.
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
#include "exec.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_source.h"
#include "execute_internal.h"
#include "fxshare.h"
#include "guard.h"
#include "http.h"
#include "interrupt.h"
#include "record.h"
#include "redact.h"
#include "request.h"

/* Per case file: fixture states, one scope per fixture holding its captures (parent: the run's
 * root scope; written only by the worker running the fixture, read-only once it completed).
 *
 * A file is opened by its first planned test and closed after its last (`remaining`): opening
 * gets its tests from the case source (case_source.h: the model's file, or a released one
 * loaded again) and sets up its fixtures; closing frees both, so a long run holds only the
 * files it is working on. Fixtures still run once per file and run. */
typedef struct file_state {
    const ac_suite_file *model_file;   /* the plan's; a running test reads its own ac_test.file */
    const ac_scope *root;
    /* guarded by mu: */
    bool open;
    char *open_err;            /* owned: why a released file could not be loaded again */
    size_t remaining;          /* planned tests of this file not finished yet */
    ac_open_file src;          /* while open: the file its tests run from */
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

/* Opens fs for a test (see file_state). Returns the opened file to run its tests from, or NULL
 * with *why (borrowed) when it cannot run. */
static const ac_open_file *file_open(file_state *fs, const ac_model *m, const char **why)
{
    pthread_mutex_lock(&fs->mu);
    if (!fs->open && !fs->open_err) {
        char *e = NULL;
        if (ac_case_source_open_file(m, fs->model_file, &fs->src, &e) < 0) fs->open_err = ex_redacted(e);
        free(e);
        if (!fs->open_err) {
            const ac_suite_file *f = fs->src.file;
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
    return *why ? NULL : &fs->src;
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
    ac_case_source_done(&fs->src);
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
    ex_result_begin(R, fs->model_file, t, res);
    res->outcome = AC_OUT_ERROR;
    ex_settle_by_severity(res);
    res->reason = ac_strdup(why);
    ac_step_result *sr = ex_new_step(res, t->id);
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
    size_t running;            /* tests started and not finished */
    bool exclusive_running;    /* an `exclusive` test runs: nothing else starts */
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

/* The fixtures of an open file, as its tests see them (execute_internal.h). */
static fx_table file_fixtures(file_state *fs)
{
    return (fx_table){ .root = fs->root, .n = fs->n_fx, .scope = fs->fx_scope, .state = fs->fx,
                       .reason = fs->fx_reason, .kind = fs->fx_kind, .missing = fs->fx_missing,
                       .mu = &fs->mu, .cv = &fs->cv };
}

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
        /* An exclusive test runs alone: it waits for every test started before it, and the
         * tests after it wait for it (plan order is kept either way). */
        bool exclusive = S->plan->items[S->next_start].test->exclusive;
        if (S->exclusive_running || (exclusive && S->running > 0)) {
            pthread_cond_wait(&S->space, &S->mu);
            continue;
        }
        size_t i = S->next_start++;
        S->running++;
        if (exclusive) S->exclusive_running = true;
        pthread_mutex_unlock(&S->mu);

        const ac_plan_item *it = &S->plan->items[i];
        file_state *fs = &S->states[it->file - R->model->files];
        ac_test_result res;
        test_info info = { 0 };
        const char *why = NULL;
        const ac_open_file *of = file_open(fs, R->model, &why);
        if (!of) unopened_result(R, fs, it->test, why, &res);
        else info = ex_run_test(R, W->http, file_fixtures(fs), ac_case_source_test(of, it->test), &res);
        file_test_done(fs);
        bool failed = ac_test_result_is_failure(&res);

        pthread_mutex_lock(&S->mu);
        S->running--;
        if (exclusive) S->exclusive_running = false;
        pthread_cond_broadcast(&S->space);   /* an exclusive test may be waiting for this one */
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
