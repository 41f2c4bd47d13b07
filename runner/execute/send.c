/* Sending one request of a step: building it against the run's target, the account guard, the
 * run's stop point (--run-deadline, an interrupt's grace) for requests and waits alike, transport
 * errors that make the target unreachable, and 429s that leave a check unjudged. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "execute_internal.h"
#include "interrupt.h"
#include "redact.h"

char *ex_redacted(const char *s)
{
    if (!s) return NULL;
    size_t n;
    return ac_redact(s, strlen(s), &n);
}

/* The redacted, capped excerpt of a response. The body is parsed first when it is JSON, so the
 * tokens it carries (access_token, ...) are registered as secrets even when no check of the
 * test looked at the JSON: otherwise an issued token would reach the transcript verbatim. */
char *ex_response_excerpt(ac_response *resp)
{
    (void)ac_response_json(resp);
    return ac_response_excerpt(resp, EXCERPT_CAP);
}

/* ---- rate limiting ------------------------------------------------------------------------ */

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

bool ex_is_rate_limited(const ac_response *resp, const yn_node *expect)
{
    return resp->status == 429 && !expect_names_429(expect);
}

char *ex_rate_limit_reason(ac_response *resp)
{
    const char *vals[1];
    if (ac_response_header_values(resp, "Retry-After", vals, 1))
        return ac_sprintf("rate limited (429), Retry-After: %.40s", vals[0]);
    const cJSON *j = ac_response_json(resp);
    const cJSON *ra = j ? cJSON_GetObjectItemCaseSensitive(j, "retry_after") : NULL;
    if (cJSON_IsNumber(ra)) return ac_sprintf("rate limited (429), retry_after: %g s", ra->valuedouble);
    return ac_strdup("rate limited (429), no Retry-After given");
}

/* ---- sending ------------------------------------------------------------------------------ */

/* Records a transport error: before any response from the target, a connection, DNS or TLS
 * failure, a timeout, or an answer that is no HTTP response (nothing, a close, not HTTP) means
 * the target is unreachable (the run stops with exit 3). Returns true when this call marked it
 * so. */
bool ex_note_transport_error(runner *R, ac_http_status st, const char *err)
{
    if (atomic_load(&R->ever_response)) return false;
    if (st != AC_HTTP_ERR_CONNECT && st != AC_HTTP_ERR_DNS && st != AC_HTTP_ERR_TLS &&
        st != AC_HTTP_ERR_TIMEOUT && st != AC_HTTP_ERR_NO_RESPONSE)
        return false;
    char *why = ex_redacted(err);
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

void ex_note_answered(runner *R, bool got)
{
    if (got && !atomic_load_explicit(&R->ever_response, memory_order_relaxed))
        atomic_store(&R->ever_response, true);
}

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
void ex_nap_told(const test_run *T, double ms, const char *what, double since_ms, double bound_s,
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

/* Tells the progress listener that the wait of ex_nap_told() is over. */
void ex_wait_over(const test_run *T)
{
    ac_progress_event ev = { .kind = AC_PROG_WAIT_END, .test_id = T->t->id };
    ac_progress_tell(T->R->cfg->progress, &ev);
}

const char *ex_oauth_error(ac_response *resp)
{
    const cJSON *j = ac_response_json(resp);
    const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
    return cJSON_IsString(e) ? e->valuestring : NULL;
}

/* The account guard's verdict on an answer; a refusal of the account is said once, when it
 * happens, so it heads the output of everything it causes. */
void ex_guard_done(runner *R, const ac_guard_ticket *gt, long status, ac_response *resp)
{
    char *msg = ac_guard_done(R->guard, gt, status, status ? ex_oauth_error(resp) : NULL);
    if (msg) fprintf(stderr, "authconform: %s\n", msg);
    free(msg);
}

/* True when a step's expectations accept a 200: a request with the account's right secret is
 * then a login. */
bool ex_expects_success(const yn_node *expect)
{
    const yn_node *st = expect ? yn_get(expect, "status") : NULL;
    return st && ac_status_matches(st, 200);
}
int ex_build_request(const runner *R, const yn_node *req, const ac_scope *scope, ac_built_req *br, char **err)
{
    return ac_request_build(req, scope, R->cfg->target, br, err);
}

/* One request, past the guard and within the stop point: 0, or -1 with *err. */
static int send_once(runner *R, ac_http *http, const ac_built_req *br, const yn_node *expect, ac_response *resp,
                     char **err, ac_http_status *status_out, bool *hit_unreachable)
{
    ac_guard_ticket gt;
    char *gwhy = NULL;
    if (ac_guard_enter(R->guard, br, ex_expects_success(expect), &gt, &gwhy) < 0) {
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
    ex_guard_done(R, &gt, st == AC_HTTP_OK ? resp->status : 0, resp);
    if (status_out) *status_out = st;
    ex_note_answered(R, got);
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
    /* A node that is down is that node's error; the target is unreachable only when the
     * deployment's own address is. */
    if (!br->pinned && ex_note_transport_error(R, st, *err) && hit_unreachable) *hit_unreachable = true;
    return -1;
}

send_result ex_send_request(runner *R, ac_http *http, const ac_built_req *br, const yn_node *expect,
                            ac_response *resp, char **err, ac_http_status *status_out, bool *hit_unreachable)
{
    if (send_once(R, http, br, expect, resp, err, status_out, hit_unreachable) < 0) return SEND_FAILED;
    if (!ex_is_rate_limited(resp, expect)) return SEND_OK;
    free(*err);
    *err = ex_rate_limit_reason(resp);
    return SEND_RATE_LIMITED;
}
