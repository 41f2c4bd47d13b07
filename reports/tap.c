/* TAP 14 writer (TAP 13 with --tap-version 13: only the version line differs). Streams one
 * test point per test as results arrive; multi-step tests become subtests; YAML diagnostics are
 * kept to the subset Perl's TAP::Parser::YAMLish reader understands (see
 * shared/docs/reports.md). */
#include "report.h"
#include "writers.h"
#include "coverage_text.h"
#include "report_common.h"
#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct tap_ctx {
    FILE *out;          /* stdout (borrowed) or a file we opened (owned) */
    bool own;
    char *path;         /* owned; "-" for stdout; for error messages */
    ac_report_opts o;
    bool det;           /* deterministic: durations written as 0 */
    bool strict;
    bool planned;       /* the plan counted the coverage point (a run, not a `1..0` stream) */
    size_t last;        /* the highest test point number written so far */
    bool closed;        /* end() has run */
    bool broken;        /* a write failed (a closed pipe, a full disk): said once, then silent */
} tap_ctx;


static int io_error(tap_ctx *c, char **err, const char *what)
{
    const char *name = strcmp(c->path, "-") == 0 ? "standard output" : c->path;
    ac_report_set_err(err, ac_sprintf("%s: %s TAP report: %s", name, what, strerror(errno)));
    return -1;
}

/* Writes the whole buffer: one fwrite per test keeps the error handling in one place. */
static int flush_buf(tap_ctx *c, ac_buf *b, char **err)
{
    int rc = 0;
    if (c->broken) {}   /* the stream is gone: the run and the other reports go on without it */
    else if (b->len && fwrite(b->data, 1, b->len, c->out) != b->len) rc = io_error(c, err, "writing");
    else if (fflush(c->out) != 0) rc = io_error(c, err, "writing");
    if (rc < 0) c->broken = true;
    ac_buf_free(b);
    return rc;
}

static long duration(const tap_ctx *c, double ms)
{
    if (c->det || !(ms > 0)) return 0;
    if (ms > 1e12) return (long)1e12;
    return (long)(ms + 0.5);
}

/* `ok N - desc # DIRECTIVE reason`. desc is already escaped; reason is raw. */
static void point(ac_buf *b, int indent, bool ok, size_t n, const char *desc,
                  const char *directive, const char *reason)
{
    ac_buf_indent(b, indent);
    ac_buf_printf(b, "%s %zu - %s", ok ? "ok" : "not ok", n, desc);
    if (directive) {
        ac_buf_printf(b, " # %s", directive);
        if (reason && *reason) {
            char *r = ac_tap_escape(reason);
            ac_buf_printf(b, " %s", r);
            free(r);
        }
    }
    ac_buf_putc(b, '\n');
}

static void yaml_key(ac_buf *b, int indent, const char *key)
{
    ac_buf_indent(b, indent);
    ac_buf_printf(b, "%s: ", key);
}

static void yaml_str(ac_buf *b, int indent, const char *key, const char *v)
{
    yaml_key(b, indent, key);
    ac_yaml_quoted(b, v ? v : "");
    ac_buf_putc(b, '\n');
}

static void yaml_at(ac_buf *b, int indent, const char *file, int line)
{
    if (!file || !*file) return;
    char *at = line > 0 ? ac_sprintf("%s:%d", file, line) : ac_strdup(file);
    yaml_str(b, indent, "at", at);
    free(at);
}

static void yaml_strlist(ac_buf *b, int indent, const char *key, const ac_strlist *l)
{
    if (!l->n) return;
    ac_buf_indent(b, indent);
    ac_buf_printf(b, "%s:\n", key);
    for (size_t i = 0; i < l->n; i++) {
        ac_buf_indent(b, indent + 2);
        ac_buf_puts(b, "- ");
        ac_yaml_quoted_item(b, l->items[i]);
        ac_buf_putc(b, '\n');
    }
}

/* `nodes:` for a cluster test: each node (a double-quoted key, since names are the user's) and
 * the worst outcome of its steps (ac_node_sections). Nothing for a test without node steps. */
static void yaml_nodes(ac_buf *b, int indent, const ac_test_result *t)
{
    size_t n = 0;
    ac_node_section *secs = ac_node_sections(t, &n);
    if (n) {
        ac_buf_indent(b, indent);
        ac_buf_puts(b, "nodes:\n");
    }
    for (size_t i = 0; i < n; i++) {
        ac_buf_indent(b, indent + 2);
        ac_yaml_quoted(b, secs[i].node);
        ac_buf_printf(b, ": %s\n", ac_outcome_key(secs[i].outcome));
    }
    ac_node_sections_free(secs, n);
}

/* expected, actual, check, at of the headline check, in the order consumers expect. */
static void yaml_check_fields(ac_buf *b, int y, const ac_check *pc)
{
    if (!pc) return;
    yaml_str(b, y, "expected", pc->expected);
    yaml_str(b, y, "actual", pc->actual);
    if (pc->check && *pc->check) yaml_str(b, y, "check", pc->check);
    yaml_at(b, y, pc->file, pc->line);
}

/* `failures:` with one map per failed check of the given steps, when more than one failed. */
static void yaml_failures(ac_buf *b, int y, const ac_step_result *steps, size_t n_steps,
                          bool name_steps)
{
    size_t total = 0;
    for (size_t i = 0; i < n_steps; i++) total += ac_report_step_failed(&steps[i]);
    if (total < 2) return;
    ac_buf_indent(b, y);
    ac_buf_puts(b, "failures:\n");
    for (size_t i = 0; i < n_steps; i++) {
        const ac_step_result *s = &steps[i];
        for (size_t k = 0; k < s->n_checks; k++) {
            const ac_check *c = &s->checks[k];
            if (c->passed) continue;
            /* "- " then the map's keys aligned under the first one. */
            ac_buf_indent(b, y + 2);
            ac_buf_puts(b, "- check: ");
            ac_yaml_quoted(b, c->check ? c->check : "");
            ac_buf_putc(b, '\n');
            yaml_str(b, y + 4, "expected", c->expected);
            yaml_str(b, y + 4, "actual", c->actual);
            ac_buf_indent(b, y + 4);
            ac_buf_printf(b, "severity: %s\n", ac_severity_name(c->severity));
            if (c->message && *c->message) yaml_str(b, y + 4, "message", c->message);
            if (name_steps && s->name) yaml_str(b, y + 4, "step", s->name);
            yaml_at(b, y + 4, c->file, c->line);
        }
    }
}

static void yaml_excerpts(tap_ctx *c, ac_buf *b, int y, const ac_step_result *s)
{
    if (!s) return;
    size_t cap = ac_report_cap(&c->o);
    if (s->request_excerpt && *s->request_excerpt) {
        char *v = ac_text_visible_str(s->request_excerpt);
        char *capped = ac_text_cap(v, cap);
        ac_yaml_block(b, y, "request", capped);
        free(capped);
        free(v);
    }
    if (s->response_excerpt && *s->response_excerpt) {
        char *v = ac_text_visible_str(s->response_excerpt);
        char *capped = ac_text_cap(v, cap);
        ac_yaml_block(b, y, "response", capped);
        free(capped);
        free(v);
    }
}

static void yaml_open(ac_buf *b, int y) { ac_buf_indent(b, y); ac_buf_puts(b, "---\n"); }
static void yaml_close(ac_buf *b, int y) { ac_buf_indent(b, y); ac_buf_puts(b, "...\n"); }

/* "not run: <reason>" without doubling a prefix the runner may already have written. */
static char *not_run_message(const char *reason, const char *fallback)
{
    const char *r = (reason && *reason) ? reason : fallback;
    if (ac_str_startswith(r, "not run")) return ac_strdup(r);
    return ac_sprintf("not run: %s", r);
}

/* Diagnostics for a single-request test, or for one failing step (t == NULL) of a subtest. */
static void yaml_step_diag(tap_ctx *c, ac_buf *b, int y, const ac_step_result *s,
                           ac_severity dflt)
{
    const ac_check *pc = ac_report_step_primary(s);
    yaml_open(b, y);
    if (s->outcome == AC_OUT_NOTRUN) {
        char *m = not_run_message(s->reason, "previous step failed");
        yaml_str(b, y, "message", m);
        free(m);
    } else {
        yaml_str(b, y, "message", ac_report_step_message(s));
    }
    ac_buf_indent(b, y);
    ac_buf_printf(b, "severity: %s\n", ac_severity_name(pc ? pc->severity : dflt));
    yaml_check_fields(b, y, pc);
    yaml_failures(b, y, s, 1, false);
    yaml_excerpts(c, b, y, s);
    if (s->attempts > 1) {
        ac_buf_indent(b, y);
        ac_buf_printf(b, "attempts: %d\n", s->attempts);
    }
    ac_buf_indent(b, y);
    ac_buf_printf(b, "duration_ms: %ld\n", duration(c, s->duration_ms));
    yaml_close(b, y);
}

static void yaml_test_diag(tap_ctx *c, ac_buf *b, int y, const ac_test_result *t, bool excerpts)
{
    const ac_step_result *ps = NULL;
    const ac_check *pc = ac_report_primary(t, &ps);
    yaml_open(b, y);
    if (t->outcome == AC_OUT_NOTRUN) {
        char *m = not_run_message(t->reason, "run stopped early");
        yaml_str(b, y, "message", m);
        free(m);
    } else if (t->outcome == AC_OUT_PASS && t->notes.n) {
        yaml_str(b, y, "message", "passed with informational findings");
    } else {
        yaml_str(b, y, "message", ac_report_message(t));
    }
    ac_buf_indent(b, y);
    ac_buf_printf(b, "severity: %s\n",
                  ac_severity_name(t->outcome == AC_OUT_PASS ? AC_SEV_INFO
                                   : pc ? pc->severity : t->severity));
    if (t->outcome != AC_OUT_PASS) {
        if (excerpts) {
            yaml_check_fields(b, y, pc);
        } else if (ps && ps->name) {
            /* A subtest's steps carry the details; the parent says where to look. */
            yaml_str(b, y, "step", ps->name);
        }
    }
    if (!pc || !excerpts) yaml_at(b, y, t->file, t->line);
    if (excerpts && t->outcome != AC_OUT_PASS) yaml_failures(b, y, t->steps, t->n_steps, t->n_steps > 1);
    yaml_strlist(b, y, "notes", &t->notes);
    yaml_strlist(b, y, "refs", &t->refs);
    yaml_strlist(b, y, "controls", &t->controls);   /* what proved the endpoint works */
    yaml_nodes(b, y, t);
    if (excerpts && t->outcome != AC_OUT_PASS) yaml_excerpts(c, b, y, ac_report_evidence_step(t));
    ac_buf_indent(b, y);
    ac_buf_printf(b, "duration_ms: %ld\n", duration(c, t->duration_ms));
    yaml_close(b, y);
}

/* One step of a subtest, at indent 4. */
static void emit_step(tap_ctx *c, ac_buf *b, size_t k, const ac_step_result *s,
                      const ac_test_result *t)
{
    const int ind = 4;
    char *desc = ac_tap_escape(s->name && *s->name ? s->name : "step");
    switch (s->outcome) {
    case AC_OUT_PASS:
        point(b, ind, true, k, desc, NULL, NULL);
        break;
    case AC_OUT_SKIP:
        point(b, ind, true, k, desc, "SKIP", s->reason && *s->reason ? s->reason : "skipped");
        break;
    case AC_OUT_NOTRUN: {
        /* A SKIP point: not a failure, and not a pass either. */
        char *m = not_run_message(s->reason, "previous step failed");
        point(b, ind, true, k, desc, "SKIP", m);
        free(m);
        break;
    }
    case AC_OUT_WARN:
        if (!c->strict && !t->strict) {
            const ac_check *pc = ac_report_step_primary(s);
            const char *m = pc && pc->message && *pc->message ? pc->message
                                                              : ac_report_step_message(s);
            char *r = ac_sprintf("should: %s", m);
            point(b, ind, false, k, desc, "TODO", r);
            free(r);
        } else {
            point(b, ind, false, k, desc, NULL, NULL);
        }
        yaml_step_diag(c, b, ind + 2, s, AC_SEV_SHOULD);
        break;
    case AC_OUT_FAIL:
    case AC_OUT_ERROR:
        point(b, ind, false, k, desc, NULL, NULL);
        yaml_step_diag(c, b, ind + 2, s, t->severity);
        break;
    }
    free(desc);
}

/* The test point (and diagnostics) at the root, for a plain test or a subtest's closing point. */
static void emit_root_point(tap_ctx *c, ac_buf *b, size_t n, const char *desc,
                            const ac_test_result *t, bool subtest)
{
    bool excerpts = !subtest;
    switch (t->outcome) {
    case AC_OUT_PASS:
        point(b, 0, true, n, desc, NULL, NULL);
        if (t->notes.n || ac_report_has_nodes(t)) yaml_test_diag(c, b, 2, t, excerpts);
        break;
    case AC_OUT_SKIP:
        point(b, 0, true, n, desc, "SKIP", t->reason && *t->reason ? t->reason : "skipped");
        break;
    case AC_OUT_WARN:
        if (!c->strict && !t->strict) {
            char *r = ac_sprintf("should: %s", ac_report_should_message(t));
            point(b, 0, false, n, desc, "TODO", r);
            free(r);
        } else {
            point(b, 0, false, n, desc, NULL, NULL);
        }
        yaml_test_diag(c, b, 2, t, excerpts);
        break;
    case AC_OUT_FAIL:
    case AC_OUT_ERROR:
    case AC_OUT_NOTRUN:
        point(b, 0, false, n, desc, NULL, NULL);
        yaml_test_diag(c, b, 2, t, excerpts);
        break;
    }
}

static int tap_begin(ac_reporter *r, const ac_run_info *info, char **err)
{
    tap_ctx *c = r->ctx;
    int version = c->o.tap_version;
    if (version != 13 && version != 14) version = info && info->tap_version == 13 ? 13 : 14;
    c->strict = c->o.strict || (info && info->strict);
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_printf(&b, "TAP version %d\n", version);
    size_t planned = info ? info->planned : 0;
    /* The plan of a run counts one more point than there are tests: the coverage point. */
    c->planned = planned > 0 && info->coverage;
    if (planned == 0) ac_buf_puts(&b, "1..0 # no tests selected\n");
    else ac_buf_printf(&b, "1..%zu\n", planned + c->planned);
    return flush_buf(c, &b, err);
}

/* A test skipped before any of its steps ran (a variable it requires is not set, its own `when`
 * is false): each step would repeat the one reason, so it is written as a plain SKIP point. */
static bool skipped_before_steps(const ac_test_result *t)
{
    if (t->outcome != AC_OUT_SKIP) return false;
    for (size_t i = 0; i < t->n_steps; i++)
        if (t->steps[i].outcome != AC_OUT_NOTRUN) return false;
    return true;
}

static int tap_test(ac_reporter *r, const ac_test_result *t, size_t index, char **err)
{
    tap_ctx *c = r->ctx;
    ac_buf b;
    ac_buf_init(&b);
    /* Parsers trim descriptions; a trimmed title keeps the Subtest name equal to the parsed
     * closing description. */
    char *title = ac_sprintf("%s %s", t->id ? t->id : "?", t->name ? t->name : "");
    for (size_t len = strlen(title); len > 0 && (title[len - 1] == ' ' || title[len - 1] == '\t' ||
                                                 title[len - 1] == '\n' || title[len - 1] == '\r');)
        title[--len] = '\0';
    char *desc = ac_tap_escape(title);
    bool subtest = t->multi_step && t->n_steps > 0 && !skipped_before_steps(t);
    if (subtest) {
        /* The Subtest comment holds the name as it is; the closing point holds it escaped, so
         * the parsed description equals the name (tap-parser itself synthesises
         * "# Subtest: " + parsed name for buffered subtests). */
        char *plain = ac_text_one_line(title, 0);
        ac_buf_printf(&b, "# Subtest: %s\n", plain);
        free(plain);
        ac_buf_printf(&b, "    1..%zu\n", t->n_steps);
        for (size_t k = 0; k < t->n_steps; k++) emit_step(c, &b, k + 1, &t->steps[k], t);
    }
    emit_root_point(c, &b, index, desc, t, subtest);
    if (index > c->last) c->last = index;
    free(desc);
    free(title);
    return flush_buf(c, &b, err);
}

/* The synthetic last point `coverage`: ok when every selected must-level test was judged (or
 * its gap accepted), not ok with the gaps otherwise, so a TAP consumer that only counts
 * failures sees an incomplete run (DESIGN 4.4). Numbered after the last point written, so a
 * stream that bailed out keeps its numbers in sequence. */
static void coverage_point(tap_ctx *c, ac_buf *b, const ac_coverage *cov)
{
    point(b, 0, !cov->incomplete, c->last + 1, "coverage", NULL, NULL);
    yaml_open(b, 2);
    char *line = ac_coverage_line(cov);
    if (cov->incomplete) {
        char *verdict = ac_cov_verdict(cov);
        char *m = ac_sprintf("%s; %s", verdict, line);
        yaml_str(b, 2, "message", m);
        free(m);
        free(verdict);
    } else {
        yaml_str(b, 2, "message", line);
    }
    free(line);
    ac_buf_indent(b, 2);
    ac_buf_printf(b, "severity: %s\n", ac_severity_name(cov->incomplete ? AC_SEV_MUST : AC_SEV_INFO));
    ac_buf_indent(b, 2);
    ac_buf_printf(b, "must_selected: %zu\n", cov->must_selected);
    ac_buf_indent(b, 2);
    ac_buf_printf(b, "must_judged: %zu\n", cov->must_judged);
    ac_buf_indent(b, 2);
    ac_buf_printf(b, "must_not_applicable: %zu\n", cov->must_na);
    if (cov->n_gaps) {
        ac_buf_indent(b, 2);
        ac_buf_puts(b, "gaps:\n");
        for (size_t i = 0; i < cov->n_gaps; i++) {
            const ac_gap *g = &cov->gaps[i];
            ac_buf_indent(b, 4);
            ac_buf_puts(b, "- id: ");
            ac_yaml_quoted(b, g->id);
            ac_buf_putc(b, '\n');
            ac_buf_indent(b, 6);
            ac_buf_printf(b, "kind: %s\n", ac_skip_kind_name(g->kind));
            yaml_str(b, 6, "reason", g->reason);
            ac_buf_indent(b, 6);
            ac_buf_printf(b, "allowed: %s\n", g->allowed ? "true" : "false");
        }
    }
    yaml_strlist(b, 2, "missing", &cov->missing);
    yaml_strlist(b, 2, "allowed", &cov->allowed);
    if (cov->incomplete) {
        char *hint = ac_cov_hint(cov);
        yaml_str(b, 2, "hint", hint);
        free(hint);
    }
    yaml_close(b, 2);
}

static int tap_end(ac_reporter *r, const ac_run_summary *s, char **err)
{
    tap_ctx *c = r->ctx;
    int rc = 0;
    if (c->closed) return 0;
    c->closed = true;
    ac_buf b;
    ac_buf_init(&b);
    if (c->planned) {
        ac_run_summary zero = { 0 };
        coverage_point(c, &b, s ? &s->coverage : &zero.coverage);
    }
    if (s && s->bailed) {
        if (s->bail_reason && *s->bail_reason) {
            char *reason = ac_tap_escape(s->bail_reason);
            ac_buf_printf(&b, "Bail out! %s\n", reason);
            free(reason);
        } else {
            ac_buf_puts(&b, "Bail out!\n");
        }
    }
    rc = flush_buf(c, &b, err);
    if (c->own) {
        FILE *f = c->out;
        c->out = NULL;
        if (fclose(f) != 0 && rc == 0 && !c->broken) rc = io_error(c, err, "closing");
    } else if (!c->broken && fflush(c->out) != 0 && rc == 0) {
        rc = io_error(c, err, "writing");
    }
    return rc;
}

static void tap_destroy(ac_reporter *r)
{
    if (!r) return;
    tap_ctx *c = r->ctx;
    if (c) {
        if (c->own && c->out) fclose(c->out);
        free(c->path);
        free(c);
    }
    free(r);
}

ac_reporter *ac_report_tap_new(const char *path, const ac_report_opts *o, char **err)
{
    tap_ctx *c = ac_calloc(1, sizeof *c);
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    if (!path || strcmp(path, "-") == 0) {
        c->out = stdout;
        c->path = ac_strdup("-");
    } else {
        c->out = fopen(path, "w");
        if (!c->out) {
            ac_report_set_err(err, ac_sprintf("%s: cannot open TAP report: %s", path, strerror(errno)));
            free(c);
            return NULL;
        }
        c->own = true;
        c->path = ac_strdup(path);
    }
    return ac_reporter_make("tap", c, tap_begin, tap_test, tap_end, tap_destroy);
}
