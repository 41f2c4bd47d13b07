/* Validating the steps of a multi-step test, with their compare blocks. */
#include "load_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "jsonpath.h"
#include "suggest.h"

#define MAX_WAIT_S 600.0
#define MAX_STEP_REPEAT 1000L
#define MAX_TOLERANCE_S 60.0

static const char *const STEP_KEYS[] = { "name", "request", "expect", "capture", "until",
    "compare", "run", "wait", "when", "skip_on", "repeat", "control", "node", "each_node", "error_on",
    "compare_nodes", NULL };
static const char *const REQUEST_STEP_KEYS[] = { "name", "request", "expect", "capture", "until",
    "compare", "when", "skip_on", "repeat", "control", "node", "each_node", "error_on", "compare_nodes",
    NULL };
static const char *const RUN_STEP_KEYS[] = { "name", "run", "expect", "when", "control", NULL };
/* A wait step may carry checks computed in the run (expect: values only): `wait: 0s` checks
 * without a request (the offline weak-secret check). */
static const char *const WAIT_STEP_KEYS[] = { "name", "wait", "when", "expect", NULL };
static const char *const UNTIL_KEYS[] = { "every", "within", NULL };
static const char *const COMPARE_KEYS[] = { "with", "same", "differ", "ignore_headers", NULL };
static const char *const COMPARE_NODES_KEYS[] = { "same", "ignore_headers", NULL };
static const char *const COMPARE_ITEM_KEYS[] = { "what", "severity", "tolerance", NULL };
static const char *const COMPARE_WORDS[] = { "status", "body", "header_names", NULL };

/* ---- steps ------------------------------------------------------------------------------- */

/* `{ what: duration_median, tolerance: D }`: only in same, and both steps must run with repeat. */
static void check_duration_median(loader *L, const yn_node *it, bool in_same, long my_repeat,
                                  const ac_step *other)
{
    if (it->kind != YN_MAP) {
        ld_err(L, it, "duration_median needs a tolerance: write { what: duration_median, tolerance: 50ms }");
        return;
    }
    const yn_node *what = yn_get(it, "what"), *tol = yn_get(it, "tolerance");
    if (!in_same)
        ld_err(L, what, "duration_median belongs in same (the medians must not differ by more than "
             "the tolerance)");
    if (!tol) {
        ld_err(L, it, "duration_median needs a tolerance (e.g. tolerance: 50ms)");
    } else {
        double v = 0;
        char *err = NULL;
        bool parsed = yn_is_number(tol) ? (v = tol->f, true)
                    : yn_is_str(tol) && !ld_has_template(tol) && ac_parse_duration(tol->str, &v, &err) == 0;
        if (!parsed)
            ld_err(L, tol, "tolerance must be a duration such as 50ms or 0.05%s%s", err ? ": " : "",
                   err ? err : "");
        else if (!isfinite(v) || v < 0)
            ld_err(L, tol, "tolerance must not be negative");
        else if (v > MAX_TOLERANCE_S)
            ld_err(L, tol, "tolerance must be at most %g s, got %g s", MAX_TOLERANCE_S, v);
        free(err);
    }
    if (my_repeat < 2)
        ld_err(L, what, "duration_median needs repeat: N (2 or more) on this step");
    if (other && other->kind == AC_STEP_REQUEST && other->repeat < 2)
        ld_err(L, what, "duration_median needs repeat: N (2 or more) on step '%s' too", other->name);
}

static void check_compare_item(loader *L, const yn_node *it, bool in_same, long my_repeat,
                               const ac_step *other)
{
    const yn_node *what = it;
    if (it->kind == YN_MAP) {
        ld_check_keys(L, it, "compare item", COMPARE_ITEM_KEYS);
        what = yn_get(it, "what");
        ld_check_severity(L, yn_get(it, "severity"));
        if (!what) {
            ld_err(L, it, "compare item needs what");
            return;
        }
    }
    if (yn_is_str(what) && strcmp(what->str, "duration_median") == 0) {
        check_duration_median(L, it, in_same, my_repeat, other);
        return;
    }
    if (it->kind == YN_MAP && yn_get(it, "tolerance")) {
        const yn_node *k = ld_key_of(it, "tolerance");
        ld_err(L, k ? k : it, "tolerance applies to duration_median only");
    }
    if (!yn_is_str(what)) {
        char d[96];
        ld_describe(what, d, sizeof d);
        ld_err(L, what, "compare item must be status, body, header_names, json:PATH, header:NAME "
               "or { what, severity }, or { what: duration_median, tolerance }, got %s", d);
        return;
    }
    const char *s = what->str;
    if (ld_in_list(s, COMPARE_WORDS)) return;
    if (ac_str_startswith(s, "json:")) {
        char *err = NULL;
        if (ac_jsonpath_check(s + 5, &err) != 0) {
            ld_err(L, what, "invalid JSON path \"%s\": %s", s + 5, err ? err : "syntax error");
            free(err);
        }
        return;
    }
    if (ac_str_startswith(s, "header:")) {
        if (!ld_is_token(s + 7)) ld_err(L, what, "'%s' is not a valid header name", s + 7);
        return;
    }
    char dym[96];
    ac_did_you_mean(dym, sizeof dym, ac_suggest_from_list(s, COMPARE_WORDS));
    ld_err(L, what, "unknown compare item '%s'%s (use status, body, header_names, json:PATH or "
         "header:NAME)", s, dym);
}

static void check_compare(loader *L, const yn_node *c, const ac_step *earlier, size_t n_earlier,
                          const yn_node *later_steps, size_t my_index, long my_repeat)
{
    const ac_step *found = NULL;
    if (!ld_want_map(L, c, "compare")) return;
    ld_check_keys(L, c, "compare", COMPARE_KEYS);
    const yn_node *with = yn_get(c, "with");
    if (!with) {
        ld_err(L, c, "compare needs with (the name of an earlier step)");
    } else if (ld_want_text(L, with, "compare with")) {
        for (size_t i = 0; i < n_earlier; i++)
            if (earlier[i].name && !strcmp(earlier[i].name, with->str)) found = &earlier[i];
        if (found && found->kind != AC_STEP_REQUEST) {
            ld_err(L, with, "compare with '%s': that step sends no request", with->str);
        } else if (!found) {
            bool later = false;
            for (size_t i = my_index; later_steps && i < later_steps->n_items; i++) {
                const yn_node *nm = yn_get(later_steps->items[i], "name");
                if (ld_scalar_text(nm) && !strcmp(nm->str, with->str)) later = true;
            }
            ac_suggest cs = { 0 };
            for (size_t i = 0; i < n_earlier; i++) ac_suggest_add(&cs, earlier[i].name);
            char dym[96];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&cs, with->str));
            ac_suggest_free(&cs);
            if (later)
                ld_err(L, with, "compare with '%s' names this or a later step; it must name an "
                       "earlier one", with->str);
            else
                ld_err(L, with, "compare with '%s': no earlier step has that name%s", with->str, dym);
        }
    }
    size_t items = 0;
    static const char *const lists[] = { "same", "differ" };
    for (int i = 0; i < 2; i++) {
        const yn_node *l = yn_get(c, lists[i]);
        if (!l || !ld_want_list(L, l, lists[i], false)) continue;
        items += l->n_items;
        for (size_t j = 0; j < l->n_items; j++) check_compare_item(L, l->items[j], i == 0, my_repeat, found);
    }
    if (items == 0)
        ld_err(L, c, "compare needs at least one item in same or differ");
    const yn_node *ig = yn_get(c, "ignore_headers");
    if (ig && ld_want_list(L, ig, "ignore_headers", false))
        for (size_t j = 0; j < ig->n_items; j++)
            if (ld_want_str(L, ig->items[j], "ignore_headers item") && !ld_is_token(ig->items[j]->str))
                ld_err(L, ig->items[j], "'%s' is not a valid header name", ig->items[j]->str);
}

/* A step's kind: the one of request, run, wait it has (errors for none or several, and for keys
 * that belong to another kind). */
static ac_step_kind step_kind(loader *L, const yn_node *s)
{
    const yn_node *req = yn_get(s, "request"), *run = yn_get(s, "run"), *wait = yn_get(s, "wait");
    int kinds = !!req + !!run + !!wait;
    if (kinds == 0) {
        ld_err(L, s, "a step needs one of request, run, wait");
    } else if (kinds > 1) {
        const char *seen = NULL;
        for (size_t j = 0; j < s->n_pairs; j++) {
            const char *k = s->pairs[j].key->str;
            if (strcmp(k, "request") && strcmp(k, "run") && strcmp(k, "wait")) continue;
            if (seen) ld_err(L, s->pairs[j].key, "a step takes only one of request, run, wait "
                             "(found %s and %s)", seen, k);
            else seen = k;
        }
    }
    ac_step_kind kind = req ? AC_STEP_REQUEST : run ? AC_STEP_RUN : AC_STEP_WAIT;
    const char *const *allowed = kind == AC_STEP_REQUEST ? REQUEST_STEP_KEYS
                               : kind == AC_STEP_RUN ? RUN_STEP_KEYS : WAIT_STEP_KEYS;
    const char *kind_name = kind == AC_STEP_REQUEST ? "request" : kind == AC_STEP_RUN ? "run" : "wait";
    if (kinds == 1)
        for (size_t j = 0; j < s->n_pairs; j++) {
            const yn_node *k = s->pairs[j].key;
            if (ld_in_list(k->str, STEP_KEYS) && !ld_in_list(k->str, allowed))
                ld_err(L, k, "key '%s' cannot be used in a %s step", k->str, kind_name);
        }
    return kind;
}

/* The cluster keys of a request step (docs/case-format.md, "Nodes"): `node` pins it to one
 * node, `each_node` sends it to every node (its value is what a failure on a node means:
 * "refused by"), `compare_nodes` compares every node's answer with the first node's, and
 * `error_on` names statuses that mean the endpoint is not there (an error, never a verdict). */
static void load_node_keys(loader *L, ac_step *st)
{
    const yn_node *s = st->node;
    if ((st->pin = yn_get(s, "node"))) ld_want_text(L, st->pin, "node");
    if ((st->each_node = yn_get(s, "each_node")) && ld_want_text(L, st->each_node, "each_node") &&
        (!*st->each_node->str || strchr(st->each_node->str, '\n') || ld_has_template(st->each_node)))
        ld_err(L, st->each_node, "each_node is one line of plain text: what a failure on a node means, "
               "such as 'refused by'");
    if (st->pin && st->each_node)
        ld_err(L, ld_key_of(s, "each_node"), "a step takes node (one node) or each_node (every node), not both");
    if (st->each_node && st->capture)
        ld_err(L, ld_key_of(s, "capture"), "capture cannot be used with each_node (which node's answer?); "
               "pin the step to one node instead");
    if (st->each_node && st->compare)
        ld_err(L, ld_key_of(s, "compare"), "compare cannot be used with each_node; compare_nodes compares "
               "the nodes' answers");
    if ((st->error_on = yn_get(s, "error_on"))) {
        ld_check_status(L, st->error_on, "error_on", true);
        if (st->repeat) ld_err(L, ld_key_of(s, "error_on"), "error_on cannot be used on a step with repeat");
    }
    const yn_node *c = yn_get(s, "compare_nodes");
    if (!c) return;
    st->compare_nodes = c;
    if (!st->each_node) ld_err(L, ld_key_of(s, "compare_nodes"), "compare_nodes needs each_node on the step");
    if (!ld_want_map(L, c, "compare_nodes")) return;
    ld_check_keys(L, c, "compare_nodes", COMPARE_NODES_KEYS);
    const yn_node *same = yn_get(c, "same");
    if (!same || !ld_want_list(L, same, "same", true)) {
        if (!same) ld_err(L, c, "compare_nodes needs same (a list of items)");
        return;
    }
    for (size_t j = 0; j < same->n_items; j++) check_compare_item(L, same->items[j], true, 0, NULL);
    const yn_node *ig = yn_get(c, "ignore_headers");
    if (ig && ld_want_list(L, ig, "ignore_headers", false))
        for (size_t j = 0; j < ig->n_items; j++)
            if (ld_want_str(L, ig->items[j], "ignore_headers item") && !ld_is_token(ig->items[j]->str))
                ld_err(L, ig->items[j], "'%s' is not a valid header name", ig->items[j]->str);
}

/* A request step's own keys: request, expect, capture (into new_caps), skip_on, until, repeat,
 * compare (against out[0..i), the steps before it). */
static void load_request_step(loader *L, const vctx *V, ac_step *st, const ac_step *out, size_t n,
                              const yn_node *steps, size_t i, ac_strlist *new_caps)
{
    const yn_node *s = st->node;
    ld_check_request(L, V, st->request);
    if ((st->expect = yn_get(s, "expect"))) ld_check_expect(L, V, st->expect, "expect");
    if ((st->capture = yn_get(s, "capture"))) ld_check_capture(L, st->capture, new_caps);
    if ((st->skip_on = yn_get(s, "skip_on"))) ld_check_skip_on(L, st->skip_on);
    if ((st->until = yn_get(s, "until")) && ld_want_map(L, st->until, "until")) {
        ld_check_keys(L, st->until, "until", UNTIL_KEYS);
        const yn_node *every = yn_get(st->until, "every"), *within = yn_get(st->until, "within");
        if (!every || !within) ld_err(L, st->until, "until needs every and within");
        if (every) ld_check_duration(L, V, every, "until every", 0, true);
        if (within) ld_check_duration(L, V, within, "until within", 0, true);
    }
    const yn_node *rep = yn_get(s, "repeat");
    if (rep) {
        if (!yn_is_int(rep) || rep->i < 1 || rep->i > MAX_STEP_REPEAT) {
            char d[96];
            ld_describe(rep, d, sizeof d);
            ld_err(L, rep, "step repeat must be an integer from 1 to %ld, got %s", MAX_STEP_REPEAT, d);
        } else {
            st->repeat = (long)rep->i;
        }
        if (st->until) ld_err(L, ld_key_of(s, "until"), "a step takes repeat or until, not both");
        if (st->capture)
            ld_err(L, ld_key_of(s, "capture"), "capture cannot be used on a step with repeat");
    }
    if ((st->compare = yn_get(s, "compare")))
        check_compare(L, st->compare, out, n, steps, i, st->repeat);
    load_node_keys(L, st);
}

/* A wait step: a bounded pause, and checks of values computed in the run (no response). */
static void load_wait_step(loader *L, const vctx *V, ac_step *st)
{
    ld_check_duration(L, V, st->wait, "wait", MAX_WAIT_S, false);
    if (!(st->expect = yn_get(st->node, "expect"))) return;
    ld_check_expect(L, V, st->expect, "expect");
    for (size_t j = 0; st->expect->kind == YN_MAP && j < st->expect->n_pairs; j++)
        if (strcmp(st->expect->pairs[j].key->str, "values") != 0)
            ld_err(L, st->expect->pairs[j].key, "a wait step's expect takes only values "
                   "(there is no response), not '%s'", st->expect->pairs[j].key->str);
}

/* Validates a steps list. V: the test's context (captures of required fixtures). Returns the
 * steps (caller owns them and their names). */
ac_step *ld_load_steps(loader *L, const vctx *Vtest, const yn_node *steps, size_t *n_out)
{
    *n_out = 0;
    if (!ld_want_list(L, steps, "steps", true)) return NULL;
    /* Every capture of the test, for "used before the step that captures it". */
    ac_strlist all_caps = { 0 };
    for (size_t i = 0; i < steps->n_items; i++) {
        const yn_node *cap = yn_get(steps->items[i], "capture");
        if (cap && cap->kind == YN_MAP)
            for (size_t j = 0; j < cap->n_pairs; j++) ac_strlist_push(&all_caps, cap->pairs[j].key->str);
    }
    vctx V;
    ld_vctx_copy(&V, Vtest);
    V.later_caps = &all_caps;
    ac_step *out = ac_calloc(steps->n_items, sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < steps->n_items; i++) {
        const yn_node *s = steps->items[i];
        if (!ld_want_map(L, s, "a step")) continue;
        ac_step *st = &out[n];
        st->node = s;
        ld_check_keys(L, s, "step", STEP_KEYS);
        st->kind = step_kind(L, s);
        const yn_node *name = yn_get(s, "name");
        const char *nm = name ? ld_want_text(L, name, "step name") : NULL;
        if (nm && strchr(nm, '\n')) ld_err(L, name, "step name must be one line");
        st->name = nm ? ac_strdup(nm) : ac_sprintf("step %zu", i + 1);
        for (size_t j = 0; j < n; j++)
            if (!strcmp(out[j].name, st->name)) {
                ld_err(L, name ? name : s, "duplicate step name '%s' (first at line %d)", st->name,
                       out[j].node->line);
                break;
            }
        const yn_node *w = yn_get(s, "when");
        if (w) { st->when = w; ld_check_when(L, &V, w); }
        const yn_node *ctl = yn_get(s, "control");
        if (ctl && ld_want_bool(L, ctl, "control")) st->control = ctl->b;
        ac_strlist new_caps = { 0 };
        if (st->kind == AC_STEP_REQUEST && (st->request = yn_get(s, "request"))) {
            load_request_step(L, &V, st, out, n, steps, i, &new_caps);
        } else if (st->kind == AC_STEP_RUN && (st->run = yn_get(s, "run"))) {
            ld_check_run(L, &V, st->run);
            if ((st->expect = yn_get(s, "expect"))) ld_check_run_expect(L, st->expect);
        } else if ((st->wait = yn_get(s, "wait"))) {
            load_wait_step(L, &V, st);
        }
        for (size_t j = 0; j < new_caps.n; j++) ac_strlist_push(&V.caps, new_caps.items[j]);
        ac_strlist_free(&new_caps);
        n++;
    }
    ld_vctx_free(&V);
    ac_strlist_free(&all_caps);
    *n_out = n;
    return out;
}
