/* What the stages of executing a plan share (private to runner/execute/): the run, a test in
 * progress, and the functions one stage calls in another. exec.h stays the public face.
 *
 *   exec.c       the run: workers, reorder window, case files, exit code (ac_execute)
 *   test_run.c   one test: requirements, conditions, controls, its steps, the outcome
 *   fixtures.c   fixtures (once per file, on first need), `requires` and `control:` fixtures
 *   steps.c      the steps: request (with `until` polling and `compare`), `run` command, wait
 *   repeat.c     `repeat` / `concurrency`: many sends of one request, `expect_all`
 *   send.c       building and sending one request: the guard, the run's stop point, transport
 *                errors, rate limiting; waits that end at the stop point
 *   verdict.c    recording a step's checks and the outcome rules of steps and tests
 *   nodes.c      cluster tests: a step pinned to a node or sent to every node, rounds per node
 *
 * Functions shared between these files carry the prefix ex_: not public, but not static either. */
#ifndef AC_EXECUTE_INTERNAL_H
#define AC_EXECUTE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "compare.h"
#include "exec.h"
#include "expect.h"
#include "fxshare.h"
#include "guard.h"
#include "http.h"
#include "request.h"

#define EXCERPT_CAP 4096
#define TRANSCRIPT_CAP (64 * 1024)

typedef enum { FX_PENDING, FX_RUNNING, FX_OK, FX_FAILED, FX_UNAVAILABLE } fx_state;

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

/* The fixtures of an open case file, as fixtures.c sees them: pointers into the file's state in
 * exec.c (valid while the file is open, which it is while one of its tests runs). Every array
 * has n entries; state is guarded by *mu, and *cv is broadcast when a fixture completes. */
typedef struct fx_table {
    const ac_scope *root;      /* the run's root scope */
    size_t n;
    ac_scope *scope;           /* per fixture: its captures (read-only once it completed) */
    fx_state *state;
    char **reason;             /* owned by the file, redacted; written before state leaves FX_RUNNING */
    ac_skip_kind *kind;        /* FX_UNAVAILABLE: not configured or rate limited */
    ac_strlist *missing;       /* the variables it lacked ("name (ENV)") */
    pthread_mutex_t *mu;
    pthread_cond_t *cv;
} fx_table;

/* A test in progress. */
typedef struct test_run {
    runner *R;
    ac_http *http;             /* the worker's client */
    const ac_test *t;
    const ac_step *steps;      /* the test's steps, or its profile override's */
    size_t n_steps;
    fx_table fx;               /* its file's fixtures */
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
    const ac_node *pin;        /* the node the current step's requests go to, or NULL */
    const ac_node *round;      /* the for_each_node round's node, or NULL */
    double until_from;         /* ac_now_ms() an `until` bound counts from (every node of an
                                  each_node step from the step's start); 0: the poll's own start */
} test_run;

/* What the run loop needs to know of a test besides its result. */
typedef struct test_info {
    size_t must_checks;
    bool saw_unreachable;
} test_info;

/* ---- test_run.c ---- */
/* Runs one test on a worker's client, with its file's fixtures. */
test_info ex_run_test(runner *R, ac_http *http, fx_table fx, const ac_test *t, ac_test_result *res);

/* ---- fixtures.c ---- */
/* `requires`: runs the fixtures it names and chains read-only views of their scopes under the
 * test; *top is the scope the test's own scope hangs from. PASS, or SKIP/ERROR with *reason. */
ac_outcome ex_check_requires(test_run *T, const ac_scope **top, char **reason);
/* `control:` fixtures: each must have succeeded. PASS, or SKIP/ERROR with *reason. */
ac_outcome ex_check_controls(test_run *T, char **reason);

/* ---- steps.c and repeat.c ---- */
void ex_run_request_step(test_run *T, size_t si, ac_step_result *sr);
void ex_run_command_step(test_run *T, const ac_step *st, ac_step_result *sr);
void ex_run_wait_step(test_run *T, const ac_step *st, ac_step_result *sr);
void ex_run_repeated_step(test_run *T, size_t si, ac_step_result *sr);
/* The expect and request of a step: a single-request test's profile override replaces them. */
const yn_node *ex_step_expect(const test_run *T, const ac_step *st);
const yn_node *ex_step_request(const test_run *T, const ac_step *st);
/* `compare:` of step si against the earlier step it names, checks into *checks. cur: this step's
 * durations (none for a single request). 0, or -1 after ending the test with an error (*resp
 * shown as evidence when given). */
int ex_step_compare(test_run *T, size_t si, ac_response *resp, ac_durations cur, ac_checks *checks,
                    ac_step_result *sr, bool show_resp);

/* ---- send.c ---- */
typedef enum { SEND_OK, SEND_FAILED, SEND_RATE_LIMITED } send_result;
/* Builds a step's request in scope against the run's target: 0, or -1 with *err. */
int ex_build_request(const runner *R, const yn_node *req, const ac_scope *scope, ac_built_req *br, char **err);
/* Sends one request past the account guard, ending at the run's stop point. SEND_OK with *resp;
 * SEND_RATE_LIMITED with *resp and *err the reason when it was a 429 that expect does not name;
 * SEND_FAILED with *err (transport error, refusal of the guard, cut off). *status_out and
 * *hit_unreachable may be NULL. */
send_result ex_send_request(runner *R, ac_http *http, const ac_built_req *br, const yn_node *expect,
                            ac_response *resp, char **err, ac_http_status *status_out, bool *hit_unreachable);
/* A 429 the step did not ask for: the answer is throttling, not a verdict. */
bool ex_is_rate_limited(const ac_response *resp, const yn_node *expect);
char *ex_rate_limit_reason(ac_response *resp);
/* The run's bookkeeping of one exchange: `got` any response marks the target reachable; a
 * transport error before that may mark it unreachable (true when this call did). */
void ex_note_answered(runner *R, bool got);
bool ex_note_transport_error(runner *R, ac_http_status st, const char *err);
/* True when a step's expectations accept a 200 (a request with the right secret is a login). */
bool ex_expects_success(const yn_node *expect);
/* The body's OAuth2 `error` code, or NULL (borrowed from resp). */
const char *ex_oauth_error(ac_response *resp);
/* The account guard's verdict on an answer (status 0: none). */
void ex_guard_done(runner *R, const ac_guard_ticket *gt, long status, ac_response *resp);
/* Sleeps ms, never past the run's stop point, telling the progress listener every quarter
 * second; ex_wait_over() says the wait ended. */
void ex_nap_told(const test_run *T, double ms, const char *what, double since_ms, double bound_s, int attempts);
void ex_wait_over(const test_run *T);
/* The redacted, capped excerpt of a response (its JSON tokens registered as secrets first). */
char *ex_response_excerpt(ac_response *resp);
/* ac_redact of a C string; NULL stays NULL. Caller frees. */
char *ex_redacted(const char *s);

/* ---- nodes.c ---- */
/* Pins a built request to T->pin (a no-op without one): 0, or -1 with *err (br freed). */
int ex_pin_request(const test_run *T, ac_built_req *br, char **err);
/* The request's excerpt, with the node it was pinned to named above it (owned). */
char *ex_request_excerpt(const test_run *T, const ac_built_req *br);
/* "[a] name (node c)" for a step of round a sent to node c (owned). */
char *ex_step_label(const test_run *T, const ac_step *st);
/* A new step result for st, labelled and carrying T->pin and T->round's names. */
ac_step_result *ex_new_node_step(test_run *T, const ac_step *st);
/* Runs one step of a test that needs nodes: on the node `node:` names, or on every node
 * (`each_node`), each with its own result; run_one runs the step kind into a result. */
typedef void (*ex_step_fn)(test_run *T, size_t si, ac_step_result *sr);
void ex_run_node_step(test_run *T, size_t si, ex_step_fn run_one);
/* `for_each_node`: steps(T) once per node, with ${node} and ${node_addr} set and captures kept
 * within the round. */
void ex_run_rounds(test_run *T, void (*steps)(test_run *));
/* ---- verdict.c ---- */
void ex_push_status(ac_test_result *r, long status);
ac_step_result *ex_new_step(ac_test_result *r, const char *name);
void ex_transcript_add(test_run *T, const char *fmt, const char *text);
/* Moves checks into a step result and judges the step: FAIL if a must failed, WARN if only a
 * should did, the first such message its reason. A failure stops the test. */
void ex_judge_step(test_run *T, ac_step_result *sr, ac_checks *checks);
void ex_adopt_checks(test_run *T, ac_step_result *sr, ac_checks *c);
ac_outcome ex_checks_outcome(const ac_step_result *sr, const char **first_msg);
bool ex_all_checks_pass(const ac_checks *c);
ac_check ex_make_check(const yn_node *where, ac_severity sev, bool passed, char *check, char *expected,
                       char *actual, char *message);
/* A `control: true` step that did not pass makes the test an error. */
void ex_control_step_done(test_run *T, ac_step_result *sr);
/* True when outcome o must not replace the test's current one: in a test that needs nodes the
 * worst node decides (ac_outcome_rank, result.h). */
bool ex_keep_worse(const test_run *T, ac_outcome o);
/* The outcome of a test that needs nodes from its explicit end and every node's step. */
void ex_nodes_outcome(ac_test_result *res);
/* Ends the test with outcome o (takes reason). */
void ex_end_test(test_run *T, ac_outcome o, char *reason);
/* The step, and with it the test, is an error (takes reason). */
void ex_step_error(test_run *T, ac_step_result *sr, char *reason);
/* A 429: the test ends unjudged, or an error after a control passed (takes why). */
void ex_end_rate_limited(test_run *T, ac_step_result *sr, char *why);
/* The test is skipped for a missing variable `name`: its reason, and its coverage label. */
char *ex_missing_var_reason(const runner *R, const char *name);
char *ex_missing_var_label(const runner *R, const char *name);
void ex_mark_missing(test_run *T, const char *name);
/* skip_on: the reason when a status matches, or NULL. */
char *ex_skip_on_reason(const yn_node *skip_on, long status);
/* Evaluates an expect block with response_body and response_status visible to templates. */
int ex_expect_with_response(const yn_node *expect, ac_response *resp, const ac_eval_ctx *base, ac_checks *out,
                            char **err);
/* The part of a test's result that comes from the case file alone. */
void ex_result_begin(const runner *R, const ac_suite_file *f, const ac_test *t, ac_test_result *res);
/* A test below must level cannot fail the run. */
void ex_settle_by_severity(ac_test_result *res);

#endif
