/* The result model's small functions: names, ownership, and what counts as a failure. */
#include "result.h"

#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ac_severity_name(ac_severity s)
{
    switch (s) {
    case AC_SEV_MUST: return "must";
    case AC_SEV_SHOULD: return "should";
    case AC_SEV_INFO: return "info";
    }
    return "must";
}

bool ac_severity_parse(const char *s, ac_severity *out)
{
    for (ac_severity v = AC_SEV_MUST; v <= AC_SEV_INFO; v++)
        if (s && strcmp(s, ac_severity_name(v)) == 0) {
            *out = v;
            return true;
        }
    return false;
}

/* Every spelling of an outcome, in one place: a new outcome is one row. */
static const struct {
    ac_outcome o;
    const char *name, *key, *phrase;
} OUTCOMES[] = {
    { AC_OUT_PASS, "pass", "pass", "passed" },
    { AC_OUT_FAIL, "fail", "fail", "failed" },
    { AC_OUT_WARN, "warn", "warn", "should-level check failed" },
    { AC_OUT_ERROR, "error", "error", "could not run" },
    { AC_OUT_SKIP, "skip", "skip", "skipped" },
    { AC_OUT_NOTRUN, "not run", "not_run", "not run" },
};
enum { N_OUTCOMES = sizeof OUTCOMES / sizeof OUTCOMES[0] };

static int outcome_row(ac_outcome o)
{
    for (int i = 0; i < N_OUTCOMES; i++)
        if (OUTCOMES[i].o == o) return i;
    return -1;
}

const char *ac_outcome_name(ac_outcome o)
{
    int i = outcome_row(o);
    return i < 0 ? "unknown" : OUTCOMES[i].name;
}

const char *ac_outcome_key(ac_outcome o)
{
    int i = outcome_row(o);
    return i < 0 ? "error" : OUTCOMES[i].key;
}

const char *ac_outcome_phrase(ac_outcome o)
{
    int i = outcome_row(o);
    return i < 0 ? "unknown outcome" : OUTCOMES[i].phrase;
}

bool ac_outcome_parse(const char *s, ac_outcome *out)
{
    for (int i = 0; s && i < N_OUTCOMES; i++)
        if (strcmp(OUTCOMES[i].key, s) == 0) {
            *out = OUTCOMES[i].o;
            return true;
        }
    return false;
}

bool ac_outcome_is_failure(ac_outcome o, bool strict)
{
    switch (o) {
    case AC_OUT_FAIL:
    case AC_OUT_ERROR:
    case AC_OUT_NOTRUN:
        return true;
    case AC_OUT_WARN:
        return strict;
    case AC_OUT_PASS:
    case AC_OUT_SKIP:
        break;
    }
    return false;
}

int ac_outcome_rank(ac_outcome o)
{
    switch (o) {
    case AC_OUT_FAIL: return 5;
    case AC_OUT_ERROR: return 4;
    case AC_OUT_WARN: return 3;
    case AC_OUT_NOTRUN: return 2;
    case AC_OUT_SKIP: return 1;
    case AC_OUT_PASS: break;
    }
    return 0;
}

ac_outcome ac_outcome_worse(ac_outcome a, ac_outcome b)
{
    return ac_outcome_rank(b) > ac_outcome_rank(a) ? b : a;
}

const char *ac_signal_name(int signo)
{
    static char other[32];   /* only for a signal the runner does not catch */
    switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGKILL: return "SIGKILL";   /* only ever assumed: `report` on a killed run's events */
    }
    snprintf(other, sizeof other, "signal %d", signo);
    return other;
}

const char *ac_skip_kind_name(ac_skip_kind k)
{
    switch (k) {
    case AC_SKIP_NOT_APPLICABLE: return "not-applicable";
    case AC_SKIP_NOT_CONFIGURED: return "not-configured";
    case AC_SKIP_RATE_LIMITED: return "rate-limited";
    case AC_SKIP_NONE: break;
    }
    return "";
}

ac_skip_kind ac_skip_kind_parse(const char *name)
{
    for (ac_skip_kind k = AC_SKIP_NOT_APPLICABLE; k <= AC_SKIP_RATE_LIMITED; k++)
        if (name && strcmp(name, ac_skip_kind_name(k)) == 0) return k;
    return AC_SKIP_NONE;
}

bool ac_skip_kind_is_gap(ac_skip_kind k)
{
    return k == AC_SKIP_NOT_CONFIGURED || k == AC_SKIP_RATE_LIMITED;
}

/* An --allow-skip entry names a test id (a glob, like --id) or one of its tags. */
static bool allowed_by(const ac_test_result *t, const ac_strlist *allow)
{
    for (size_t i = 0; allow && i < allow->n; i++)
        if (fnmatch(allow->items[i], t->id, 0) == 0 || ac_strlist_contains(&t->tags, allow->items[i])) return true;
    return false;
}

void ac_coverage_add(ac_coverage *c, const ac_test_result *t, const ac_strlist *allow_skip, bool allow_all)
{
    if (t->severity != AC_SEV_MUST) return;
    c->must_selected++;
    switch (t->outcome) {
    case AC_OUT_PASS:
    case AC_OUT_FAIL:
    case AC_OUT_WARN:
    case AC_OUT_ERROR:
        c->must_judged++;
        return;
    case AC_OUT_NOTRUN:   /* the run stopped early: that verdict (exit 1) says more than a gap */
        return;
    case AC_OUT_SKIP:
        break;
    }
    /* A skip without a kind comes from code that predates kinds: treat it as unjudged, the
     * safe side. */
    ac_skip_kind k = t->skip_kind == AC_SKIP_NONE ? AC_SKIP_NOT_CONFIGURED : t->skip_kind;
    if (!ac_skip_kind_is_gap(k)) {
        c->must_na++;
        return;
    }
    c->gaps = ac_realloc(c->gaps, (c->n_gaps + 1) * sizeof *c->gaps);
    ac_gap *g = &c->gaps[c->n_gaps++];
    g->id = ac_strdup(t->id);
    g->reason = ac_strdup(t->reason ? t->reason : "skipped");
    g->kind = k;
    g->allowed = allow_all || allowed_by(t, allow_skip);
    /* "username (APINIZER_USERNAME), password (APINIZER_PASSWORD)": one label; the reports
     * split it to name each variable once. */
    g->missing_var = t->missing_vars.n ? ac_strlist_join(&t->missing_vars, ", ") : NULL;
    if (!g->allowed) c->incomplete = true;
    for (size_t i = 0; i < t->missing_vars.n; i++)
        if (!ac_strlist_contains(&c->missing, t->missing_vars.items[i])) ac_strlist_push(&c->missing, t->missing_vars.items[i]);
}

void ac_coverage_free(ac_coverage *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n_gaps; i++) {
        free(c->gaps[i].id);
        free(c->gaps[i].reason);
        free(c->gaps[i].missing_var);
    }
    free(c->gaps);
    ac_strlist_free(&c->missing);
    ac_strlist_free(&c->allowed);
    memset(c, 0, sizeof *c);
}

char *ac_coverage_line(const ac_coverage *c)
{
    size_t allowed = 0;
    for (size_t i = 0; i < c->n_gaps; i++) allowed += c->gaps[i].allowed;
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_printf(&b, "%zu of %zu must-level test%s judged", c->must_judged, c->must_selected,
                  c->must_selected == 1 ? "" : "s");
    const char *sep = " (";
    if (c->must_na) {
        ac_buf_printf(&b, "%s%zu not applicable", sep, c->must_na);
        sep = ", ";
    }
    if (c->n_gaps - allowed) {
        ac_buf_printf(&b, "%s%zu not judged", sep, c->n_gaps - allowed);
        sep = ", ";
    }
    if (allowed) {
        ac_buf_printf(&b, "%s%zu allowed to be missing", sep, allowed);
        sep = ", ";
    }
    /* Tests the run never reached (it stopped early) are neither judged nor gaps: count them,
     * so the parts add up to the total. */
    size_t accounted = c->must_judged + c->must_na + c->n_gaps;
    if (c->must_selected > accounted) {
        ac_buf_printf(&b, "%s%zu not run", sep, c->must_selected - accounted);
        sep = ", ";
    }
    if (*sep == ',') ac_buf_putc(&b, ')');
    return ac_buf_steal(&b);
}

void ac_check_free(ac_check *c)
{
    if (!c) return;
    free(c->check);
    free(c->expected);
    free(c->actual);
    free(c->message);
    free(c->file);
}

void ac_step_result_free(ac_step_result *s)
{
    if (!s) return;
    free(s->name);
    free(s->reason);
    for (size_t i = 0; i < s->n_checks; i++) ac_check_free(&s->checks[i]);
    free(s->checks);
    free(s->request_excerpt);
    free(s->response_excerpt);
    free(s->node);
    free(s->for_node);
}

void ac_test_result_free(ac_test_result *t)
{
    if (!t) return;
    free(t->id);
    free(t->name);
    free(t->suite);
    free(t->file);
    free(t->reason);
    for (size_t i = 0; i < t->n_steps; i++) ac_step_result_free(&t->steps[i]);
    free(t->steps);
    ac_strlist_free(&t->tags);
    ac_strlist_free(&t->refs);
    ac_strlist_free(&t->notes);
    ac_strlist_free(&t->controls);
    ac_strlist_free(&t->missing_vars);
    free(t->statuses);
    free(t->transcript);
}

bool ac_test_result_is_failure(const ac_test_result *t)
{
    return ac_outcome_is_failure(t->outcome, t->strict);
}

void ac_run_summary_count(ac_run_summary *s, const ac_test_result *t)
{
    s->total++;
    switch (t->outcome) {
    case AC_OUT_PASS: s->passed++; break;
    case AC_OUT_FAIL: s->failed++; break;
    case AC_OUT_WARN:
        if (t->strict) s->failed++;
        else s->warned++;
        break;
    case AC_OUT_ERROR: s->errored++; break;
    case AC_OUT_SKIP: s->skipped++; break;
    case AC_OUT_NOTRUN: s->not_run++; break;
    }
}
