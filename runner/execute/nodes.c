/* Cluster tests (docs/case-format.md, "Nodes"): a request pinned to one node (`node:`), a step
 * sent to every node (`each_node:`) with the nodes' answers compared (`compare_nodes:`), and a
 * test whose steps run once per node (`for_each_node:`). Every node gets its own step result,
 * and a failure says which nodes disagreed: "issued by node a, refused by node c: 401
 * invalid_token". A node that fails does not stop the others: the report shows every node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "execute_internal.h"
#include "redact.h"

/* ---- pinning -------------------------------------------------------------------------------- */

int ex_pin_request(const test_run *T, ac_built_req *br, char **err)
{
    if (!T->pin) return 0;
    char *url = NULL, *connect_to = NULL;
    bool pinned = false;
    if (ac_node_route(T->pin, T->R->cfg->target, br->url, &url, &connect_to, &pinned, err) < 0) {
        ac_built_req_free(br);
        return -1;
    }
    if (url) {
        free(br->url);
        br->url = url;
    }
    br->connect_to = connect_to;
    br->pinned = pinned;
    return 0;
}

char *ex_request_excerpt(const test_run *T, const ac_built_req *br)
{
    char *x = ac_request_excerpt(br, EXCERPT_CAP);
    if (!T->pin || !br->pinned) return x;
    /* The URL is the deployment's; where the connection went is said above it. */
    char *y = ac_sprintf("(node %s, %s%s)\n%s", T->pin->name, br->connect_to ? "connected to " : "", T->pin->addr, x);
    free(x);
    return y;
}

/* "[a] name (node c)": the round's node first, then the node the request went to. */
char *ex_step_label(const test_run *T, const ac_step *st)
{
    ac_buf b;
    ac_buf_init(&b);
    if (T->round) ac_buf_printf(&b, "[%s] ", T->round->name);
    ac_buf_puts(&b, st->name);
    if (T->pin) ac_buf_printf(&b, " (node %s)", T->pin->name);
    return ac_buf_steal(&b);
}

ac_step_result *ex_new_node_step(test_run *T, const ac_step *st)
{
    char *label = ex_step_label(T, st);
    ac_step_result *sr = ex_new_step(T->res, label);
    free(label);
    if (T->pin) sr->node = ac_strdup(T->pin->name);
    if (T->round) sr->for_node = ac_strdup(T->round->name);
    return sr;
}

/* The node a `node:` template names: 0 with *out, or -1 with *err. */
static int resolve_pin(test_run *T, const ac_step *st, const ac_node **out, char **err)
{
    ac_ival iv;
    if (ac_interpolate(&T->scope, st->pin->str, st->pin->len, &iv, err) < 0) return -1;
    const ac_config *cfg = T->R->cfg;
    *out = ac_nodes_find(cfg->nodes, cfg->n_nodes, iv.str);
    if (!*out) {
        ac_buf names;
        ac_buf_init(&names);
        for (size_t i = 0; i < cfg->n_nodes; i++) ac_buf_printf(&names, "%s%s", i ? ", " : "", cfg->nodes[i].name);
        *err = ac_sprintf("node: no node named '%s' (the run's nodes: %s)", iv.str, names.data ? names.data : "");
        ac_buf_free(&names);
    }
    ac_ival_free(&iv);
    return *out ? 0 : -1;
}

/* ---- what a node's failure says -------------------------------------------------------------- */

/* The first case-insensitive occurrence of needle (ASCII) in s, or NULL. */
static const char *find_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (!strncasecmp(s, needle, n)) return s;
    return NULL;
}

/* "401 invalid_token": the status and the OAuth2 error code (the JSON body's `error`, else the
 * WWW-Authenticate challenge's error="..."). Caller frees. */
static char *answer_summary(ac_response *resp)
{
    const char *e = ex_oauth_error(resp);
    if (e && *e) return ac_sprintf("%ld %.60s", resp->status, e);
    const char *vals[1];
    if (ac_response_header_values(resp, "WWW-Authenticate", vals, 1)) {
        const char *p = find_ci(vals[0], "error=");
        if (p) {
            p += 6;
            if (*p == '"') p++;
            size_t n = strcspn(p, "\", ");
            if (n) return ac_sprintf("%ld %.*s", resp->status, (int)(n > 60 ? 60 : n), p);
        }
    }
    return ac_sprintf("%ld", resp->status);
}

/* "issued by node a, refused by node c": what the round's node did and where the step failed;
 * NULL when the step concerns no node beyond the round's own. Caller frees. */
static char *node_phrase(const test_run *T, const ac_step *st)
{
    ac_buf b;
    ac_buf_init(&b);
    if (T->round) ac_buf_printf(&b, "%s node %s", T->t->for_each_node->str, T->round->name);
    if (T->pin && st->each_node)
        ac_buf_printf(&b, "%s%s node %s", T->round ? ", " : "", st->each_node->str, T->pin->name);
    else if (T->pin && T->pin != T->round)
        ac_buf_printf(&b, "%snode %s", T->round ? ", " : "", T->pin->name);
    if (!b.len) {
        ac_buf_free(&b);
        return NULL;
    }
    return ac_buf_steal(&b);
}

/* "PHRASE: 401 invalid_token (MSG)", or "PHRASE: MSG" without an answer. Redacted, owned. */
static char *named(const char *phrase, const char *summary, const char *msg)
{
    char *m = summary ? ac_sprintf("%s: %s (%s)", phrase, summary, msg) : ac_sprintf("%s: %s", phrase, msg);
    char *r = ex_redacted(m);
    free(m);
    return r;
}

/* Rewrites a not-passing node step's reason, and its failed checks' messages (what every report
 * shows first), to name the nodes: "issued by node a, refused by node c: 401 invalid_token
 * (status 401, expected 200)". resp: the step's last answer, or NULL. */
static void name_the_nodes(const test_run *T, const ac_step *st, ac_step_result *sr, ac_response *resp)
{
    if (sr->outcome == AC_OUT_PASS || sr->outcome == AC_OUT_NOTRUN || !sr->reason) return;
    char *phrase = node_phrase(T, st);
    if (!phrase) return;
    bool judged = sr->outcome == AC_OUT_FAIL || sr->outcome == AC_OUT_WARN;
    char *sum = judged && resp && resp->status ? answer_summary(resp) : NULL;
    for (size_t i = 0; judged && i < sr->n_checks; i++) {
        ac_check *k = &sr->checks[i];
        if (k->passed || k->severity == AC_SEV_INFO) continue;
        char *m = named(phrase, sum, k->message ? k->message : k->check);
        free(k->message);
        k->message = m;
    }
    char *r = named(phrase, sum, sr->reason);
    free(sr->reason);
    sr->reason = r;
    free(sum);
    free(phrase);
}

/* ---- one step, on its node or on every node -------------------------------------------------- */

/* `compare_nodes`: each node's answer against the first node that answered; the checks join
 * that node's step, which is judged again. */
static void compare_nodes(test_run *T, const ac_step *st, ac_response *got, const size_t *idx, size_t n)
{
    size_t base = n;
    for (size_t k = 0; k < n && base == n; k++)
        if (got[k].status) base = k;
    if (base == n) return;
    const char *base_name = T->R->cfg->nodes[base].name;
    char *other = ac_sprintf("node %s", base_name);
    for (size_t k = base + 1; k < n; k++) {
        ac_step_result *sr = &T->res->steps[idx[k]];
        if (!got[k].status || (sr->outcome != AC_OUT_PASS && sr->outcome != AC_OUT_WARN)) continue;
        ac_checks checks = { 0 };
        char *err = NULL;
        ac_durations none = { 0 };
        if (ac_compare_eval(st->compare_nodes, &got[k], &got[base], other, none, none, &T->ectx, &checks,
                            &err) < 0) {
            ac_checks_free(&checks);
            ex_step_error(T, sr, err);
            continue;
        }
        /* A failed comparison names both nodes and both answers, in every report. */
        char *sum = answer_summary(&got[k]), *bsum = answer_summary(&got[base]);
        for (size_t c = 0; c < checks.n; c++) {
            ac_check *ck = &checks.items[c];
            if (ck->passed) continue;
            char *m = ac_sprintf("node %s answered %s, node %s %s: %s", T->R->cfg->nodes[k].name, sum, base_name,
                                 bsum, ck->message ? ck->message : ck->check);
            free(ck->message);
            ck->message = ex_redacted(m);
            free(m);
        }
        free(sum);
        free(bsum);
        ex_adopt_checks(T, sr, &checks);
        const char *msg;
        ac_outcome o = ex_checks_outcome(sr, &msg);
        if (o == AC_OUT_PASS || o == sr->outcome) continue;
        sr->outcome = o;
        free(sr->reason);
        sr->reason = ac_strdup(msg);
        if (o == AC_OUT_FAIL) T->stop = true;
    }
    free(other);
}

/* Step si sent to every node in order. Every node is tried even after one failed; the test
 * stops after the step when any did. `until` counts from the step's start for every node: a
 * revocation must have reached all of them within the bound, not each within its own. */
static void run_each_node(test_run *T, size_t si, ex_step_fn run_one)
{
    const ac_step *st = &T->steps[si];
    const ac_config *cfg = T->R->cfg;
    size_t n = cfg->n_nodes;
    ac_response *got = ac_calloc(n, sizeof *got);
    size_t *idx = ac_calloc(n, sizeof *idx);
    bool stop = false;
    T->until_from = ac_now_ms();
    for (size_t k = 0; k < n; k++) {
        T->pin = &cfg->nodes[k];
        T->stop = false;
        ac_step_result *sr = ex_new_node_step(T, st);
        idx[k] = T->res->n_steps - 1;
        run_one(T, si, sr);
        sr = &T->res->steps[idx[k]];
        name_the_nodes(T, st, sr, T->resps[si].status ? &T->resps[si] : NULL);
        if (st->control) ex_control_step_done(T, sr);
        got[k] = T->resps[si];   /* moved: the step's slot is the next node's */
        memset(&T->resps[si], 0, sizeof T->resps[si]);
        stop = stop || T->stop;
    }
    T->until_from = 0;
    T->pin = NULL;
    T->stop = stop;
    if (st->compare_nodes) compare_nodes(T, st, got, idx, n);
    /* A later step's `compare: with:` sees the last node's answer. */
    T->resps[si] = got[n - 1];
    memset(&got[n - 1], 0, sizeof got[n - 1]);
    for (size_t k = 0; k < n; k++) ac_response_free(&got[k]);
    free(got);
    free(idx);
}

void ex_run_node_step(test_run *T, size_t si, ex_step_fn run_one)
{
    const ac_step *st = &T->steps[si];
    if (st->each_node) {
        run_each_node(T, si, run_one);
        return;
    }
    char *err = NULL;
    const ac_node *pin = NULL;
    if (st->pin && resolve_pin(T, st, &pin, &err) < 0) {
        ex_step_error(T, ex_new_node_step(T, st), err);
        return;
    }
    T->pin = pin;
    ac_step_result *sr = ex_new_node_step(T, st);
    size_t i = T->res->n_steps - 1;
    run_one(T, si, sr);
    name_the_nodes(T, st, &T->res->steps[i], T->resps[si].status ? &T->resps[si] : NULL);
    if (st->control) ex_control_step_done(T, &T->res->steps[i]);
    T->pin = NULL;
}

/* ---- rounds and the outcome ------------------------------------------------------------------- */

void ex_run_rounds(test_run *T, void (*steps)(test_run *))
{
    const ac_config *cfg = T->R->cfg;
    const ac_scope *parent = T->scope.parent;
    bool any_stop = false;
    for (size_t r = 0; r < cfg->n_nodes; r++) {
        const ac_node *nd = &cfg->nodes[r];
        T->round = nd;
        T->stop = false;
        T->control_passed = false;
        /* Captures stay in their round: round b must not use the token round a was issued. */
        ac_scope_free(&T->scope);
        ac_scope_init(&T->scope, parent);
        ac_scope_set(&T->scope, "node", nd->name, strlen(nd->name), false, AC_VSRC_COMPUTED);
        ac_scope_set(&T->scope, "node_addr", nd->addr, strlen(nd->addr), false, AC_VSRC_COMPUTED);
        for (size_t i = 0; i < T->n_steps + 1; i++) {
            ac_response_free(&T->resps[i]);
            free(T->durs[i]);
            T->durs[i] = NULL;
            T->n_durs[i] = 0;
        }
        steps(T);
        any_stop = any_stop || T->stop;
    }
    T->round = NULL;
    T->stop = any_stop;
}
