/* The HTML report (--html FILE): one self-contained page for people who read reports rather than
 * TAP: a summary with counts and a bar per area, then a table of every test with filters (a
 * little inline JavaScript; without it the table is complete and readable, only the filters are
 * hidden) and expandable failure details with the redacted transcript. No external asset: inline
 * CSS and script, and a Content-Security-Policy that forbids loading anything, so the file works
 * offline and from a CI artifact.
 *
 * Bounded memory: each test's table row is written as it arrives to a temporary file; only the
 * counts per outcome and per area stay in memory. end() writes the page (the summary needs the
 * counts, so it comes first) to PATH.tmp, copies the rows in, and renames it to PATH. */
#include "report.h"
#include "writers.h"
#include "html_coverage.h"
#include "report_common.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTML_MESSAGE_MAX 400
/* Failures listed at the top, each linking to its row; the rest are counted. */
#define HTML_ATTENTION_MAX 200

enum { N_OUT = 6 };
/* Display order: what needs attention first. Indexed by position, mapped from ac_outcome. */
static const ac_outcome ORDER[N_OUT] = { AC_OUT_FAIL, AC_OUT_ERROR, AC_OUT_WARN, AC_OUT_PASS,
                                         AC_OUT_SKIP, AC_OUT_NOTRUN };

static int out_index(ac_outcome o)
{
    for (int i = 0; i < N_OUT; i++)
        if (ORDER[i] == o) return i;
    return 1;
}

typedef struct html_area {
    char *name;              /* owned */
    size_t n[N_OUT];         /* by position in ORDER */
    size_t total;
} html_area;

typedef struct html_ctx {
    char *path, *tmp_path;   /* owned */
    FILE *out;               /* PATH.tmp, from the constructor until end() */
    FILE *rows;              /* owned tmpfile(): the <tr> elements */
    ac_report_opts o;
    bool det, strict;
    /* Run information, copied at begin() (the run's strings are not ours to keep). */
    char *target, *profile, *tool_version, *suite_name, *suite_version, *suite_hash;
    double start_wall;
    ac_ref_linker ref_link;  /* the refs' links: its context lives until end() (result.h) */
    size_t n[N_OUT], total;
    size_t failures;         /* tests that count against the run */
    html_area *areas; size_t n_areas, cap_areas;
    /* The first HTML_ATTENTION_MAX failing tests as ready-made list items; more are counted. */
    ac_strlist attention;
    size_t attention_more;
    bool io_failed;
    int io_errno;
    bool closed;
} html_ctx;


/* ---- escaping ----------------------------------------------------------------------------- */

/* Appends s made visible (ac_text_visible: invalid UTF-8 and control characters become \xHH)
 * and HTML-escaped for text and attribute values alike (html_coverage.h). */
/* Capped (head and tail) and escaped, for <pre>. */
static void esc_capped(ac_buf *b, const char *s, size_t cap)
{
    char *v = ac_text_visible_str(s);
    char *c = ac_text_cap(v, cap);
    ac_html_esc(b, c);
    free(c);
    free(v);
}

/* ---- per test ------------------------------------------------------------------------------- */

static html_area *area_for(html_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_areas; i++)
        if (strcmp(c->areas[i].name, name) == 0) return &c->areas[i];
    if (c->n_areas == c->cap_areas) {
        c->cap_areas = c->cap_areas ? 2 * c->cap_areas : 8;
        c->areas = ac_realloc(c->areas, c->cap_areas * sizeof *c->areas);
    }
    html_area *a = &c->areas[c->n_areas++];
    memset(a, 0, sizeof *a);
    a->name = ac_strdup(name);
    return a;
}

/* The transcript: the runner's, or one made from the steps' excerpts. Raw; caller frees. */
static char *transcript(const ac_test_result *t)
{
    if (t->transcript && *t->transcript) return ac_strdup(t->transcript);
    ac_buf d;
    ac_buf_init(&d);
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        if (!(s->request_excerpt && *s->request_excerpt) && !(s->response_excerpt && *s->response_excerpt))
            continue;
        ac_buf_printf(&d, "== step %s (%s) ==\n", s->name ? s->name : "?", ac_outcome_name(s->outcome));
        if (s->request_excerpt && *s->request_excerpt) ac_buf_printf(&d, "> %s\n", s->request_excerpt);
        if (s->response_excerpt && *s->response_excerpt) ac_buf_printf(&d, "< %s\n", s->response_excerpt);
    }
    return ac_buf_steal(&d);
}

/* Longer than this, a word (a JWT, a base64 body) may break anywhere; shorter ones never break,
 * so "(absent)" stays one word and the column is at least as wide as its longest word. */
#define HTML_UNBROKEN_WORD 40

/* An expected or actual value: <code>, marked "long" when a word of it is too long to keep whole. */
static void value_cell(ac_buf *b, const char *v)
{
    size_t run = 0, longest = 0;
    for (const char *p = v ? v : ""; *p; p++) {
        run = (*p == ' ' || *p == '\n' || *p == '\t') ? 0 : run + 1;
        if (run > longest) longest = run;
    }
    ac_buf_puts(b, longest > HTML_UNBROKEN_WORD ? "<code class=\"long\">" : "<code>");
    ac_html_esc_line(b, v, HTML_MESSAGE_MAX);
    ac_buf_puts(b, "</code>");
}

static void check_rows(ac_buf *b, const ac_test_result *t)
{
    size_t failed = ac_report_failed(t);
    if (!failed) return;
    ac_buf_puts(b, "<table class=\"checks\"><thead><tr><th>severity</th><th>check</th>"
                   "<th>expected</th><th>actual</th><th>at</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        for (size_t k = 0; k < s->n_checks; k++) {
            const ac_check *ck = &s->checks[k];
            if (ck->passed) continue;
            ac_buf_printf(b, "<tr><td class=\"sev-%s\">%s</td><td>", ac_severity_name(ck->severity),
                          ac_severity_name(ck->severity));
            if (t->multi_step && s->name) {
                ac_html_esc(b, s->name);
                ac_buf_puts(b, ": ");
            }
            ac_html_esc_line(b, ck->check && *ck->check ? ck->check : "check", HTML_MESSAGE_MAX);
            if (ck->message && *ck->message) {
                ac_buf_puts(b, "<div class=\"msg\">");
                ac_html_esc_line(b, ck->message, HTML_MESSAGE_MAX);
                ac_buf_puts(b, "</div>");
            }
            ac_buf_puts(b, "</td><td>");
            value_cell(b, ck->expected);
            ac_buf_puts(b, "</td><td>");
            value_cell(b, ck->actual);
            ac_buf_puts(b, "</td><td class=\"at\"");
            if (ck->file && *ck->file) {   /* the file's name, the whole path on hover */
                const char *slash = strrchr(ck->file, '/');
                ac_buf_puts(b, " title=\"");
                ac_html_esc(b, ck->file);
                ac_buf_puts(b, "\">");
                ac_html_esc(b, slash ? slash + 1 : ck->file);
                ac_buf_printf(b, ":%d", ck->line);
            } else {
                ac_buf_putc(b, '>');
            }
            ac_buf_puts(b, "</td></tr>\n");
        }
    }
    ac_buf_puts(b, "</tbody></table>\n");
}

/* A cluster test's verdict per node (ac_node_sections): the node, the worst outcome of its
 * steps and, when that is not a pass, the step that explains it with its reason. */
static void node_rows(ac_buf *b, const ac_test_result *t)
{
    size_t n = 0;
    ac_node_section *secs = ac_node_sections(t, &n);
    if (!n) return;
    ac_buf_puts(b, "<table class=\"checks nodes\"><thead><tr><th>node</th><th>outcome</th>"
                   "<th>reason</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const char *key = ac_outcome_key(secs[i].outcome);
        ac_buf_puts(b, "<tr><td>");
        ac_html_esc_line(b, secs[i].node, HTML_MESSAGE_MAX);
        ac_buf_printf(b, "</td><td><span class=\"o o-%s\">%s</span></td><td>", key,
                      ac_outcome_name(secs[i].outcome));
        const ac_step_result *s = ac_node_section_culprit(&secs[i]);
        if (s) {
            ac_html_esc_line(b, s->name && *s->name ? s->name : "step", HTML_MESSAGE_MAX);
            ac_buf_puts(b, "<div class=\"msg\">");
            ac_html_esc_line(b, ac_report_step_message(s), HTML_MESSAGE_MAX);
            ac_buf_puts(b, "</div>");
        }
        ac_buf_puts(b, "</td></tr>\n");
    }
    ac_buf_puts(b, "</tbody></table>\n");
    ac_node_sections_free(secs, n);
}

static const char *headline(const ac_test_result *t)
{
    switch (t->outcome) {
    case AC_OUT_PASS: return t->notes.n ? t->notes.items[0] : NULL;
    case AC_OUT_WARN: return ac_report_should_message(t);
    case AC_OUT_SKIP: return t->reason && *t->reason ? t->reason : "skipped";
    case AC_OUT_NOTRUN: return t->reason && *t->reason ? t->reason : "run stopped early";
    default: return ac_report_message(t);
    }
}

/* One ref: a link to the RFC section, the CVE record or the documentation page when there is
 * one (the run's ac_ref_linker), with a documentation page's title as the tooltip; else the
 * plain text. */
static void ref_link(const html_ctx *c, ac_buf *b, const char *ref)
{
    char *url = NULL, *title = NULL;
    if (c->ref_link.fn) c->ref_link.fn(c->ref_link.ctx, ref, &url, &title);
    if (url) {
        ac_buf_puts(b, "<a class=\"ref\" href=\"");
        ac_html_esc(b, url);
        ac_buf_puts(b, "\"");
        if (title) {
            ac_buf_puts(b, " title=\"");
            ac_html_esc(b, title);
            ac_buf_puts(b, "\"");
        }
        ac_buf_puts(b, ">");
        ac_html_esc(b, ref);
        ac_buf_puts(b, "</a>");
    } else if (title) {
        ac_buf_puts(b, "<span title=\"");
        ac_html_esc(b, title);
        ac_buf_puts(b, "\">");
        ac_html_esc(b, ref);
        ac_buf_puts(b, "</span>");
    } else {
        ac_html_esc(b, ref);
    }
    free(url);
    free(title);
}

static void test_row(html_ctx *c, ac_buf *b, const ac_test_result *t, const char *area)
{
    const char *key = ac_outcome_key(t->outcome);
    ac_buf_printf(b, "<tr id=\"t-");
    ac_html_esc(b, t->id ? t->id : "?");
    ac_buf_printf(b, "\" class=\"r-%s\" data-outcome=\"%s\" data-area=\"", key, key);
    ac_html_esc(b, area);
    ac_buf_puts(b, "\"><td class=\"id\">");
    ac_html_esc(b, t->id ? t->id : "?");
    ac_buf_puts(b, "</td><td class=\"name\">");
    ac_html_esc(b, t->name ? t->name : "");
    const char *head = headline(t);
    bool expandable = t->outcome == AC_OUT_FAIL || t->outcome == AC_OUT_ERROR ||
                      t->outcome == AC_OUT_WARN || (t->outcome == AC_OUT_PASS && t->notes.n) ||
                      (t->outcome != AC_OUT_SKIP && ac_report_has_nodes(t));
    if (expandable) {
        ac_buf_puts(b, "<details><summary>");
        ac_html_esc_line(b, head ? head : "results per node", HTML_MESSAGE_MAX);
        ac_buf_puts(b, "</summary><div class=\"detail\">\n");
        node_rows(b, t);
        check_rows(b, t);
        if (t->notes.n) {
            ac_buf_puts(b, "<ul class=\"notes\">");
            for (size_t i = 0; i < t->notes.n; i++) {
                ac_buf_puts(b, "<li>note: ");
                ac_html_esc_line(b, t->notes.items[i], HTML_MESSAGE_MAX);
                ac_buf_puts(b, "</li>");
            }
            ac_buf_puts(b, "</ul>\n");
        }
        if (t->refs.n) {
            ac_buf_puts(b, "<p class=\"refs\">refs: ");
            for (size_t i = 0; i < t->refs.n; i++) {
                if (i) ac_buf_puts(b, "; ");
                ref_link(c, b, t->refs.items[i]);
            }
            ac_buf_puts(b, "</p>\n");
        }
        if (t->controls.n) {   /* the positive controls this verdict stands on */
            ac_buf_puts(b, "<p class=\"refs\">controls: ");
            for (size_t i = 0; i < t->controls.n; i++) {
                if (i) ac_buf_puts(b, "; ");
                ac_html_esc(b, t->controls.items[i]);
            }
            ac_buf_puts(b, "</p>\n");
        }
        if (t->file && *t->file) {
            ac_buf_puts(b, "<p class=\"at\">test at ");
            ac_html_esc(b, t->file);
            ac_buf_printf(b, ":%d</p>\n", t->line);
        }
        char *tr = transcript(t);
        if (*tr) {
            ac_buf_puts(b, "<pre class=\"transcript\">");
            esc_capped(b, tr, ac_report_cap(&c->o));
            ac_buf_puts(b, "</pre>\n");
        }
        free(tr);
        ac_buf_puts(b, "</div></details>");
    } else if (head) {
        ac_buf_puts(b, "<div class=\"reason\">");
        ac_html_esc_line(b, head, HTML_MESSAGE_MAX);
        ac_buf_puts(b, "</div>");
    }
    ac_buf_puts(b, "</td><td class=\"area\">");
    ac_html_esc(b, area);
    ac_buf_printf(b, "</td><td class=\"sev-%s\">%s</td><td><span class=\"o o-%s\">%s</span></td><td class=\"st\">",
                  ac_severity_name(t->severity), ac_severity_name(t->severity), key,
                  ac_outcome_name(t->outcome));
    for (size_t i = 0; i < t->n_statuses; i++) ac_buf_printf(b, "%s%ld", i ? " " : "", t->statuses[i]);
    double ms = c->det || !(t->duration_ms > 0) ? 0.0 : t->duration_ms;
    ac_buf_printf(b, "</td><td class=\"num\">%.0f</td></tr>\n", ms);
}

static int html_test(ac_reporter *r, const ac_test_result *t, size_t index, char **err)
{
    (void)index;
    html_ctx *c = r->ctx;
    const char *area = t->suite && *t->suite ? t->suite : "authconform";
    int oi = out_index(t->outcome);
    c->n[oi]++;
    c->total++;
    html_area *a = area_for(c, area);
    a->n[oi]++;
    a->total++;
    if (ac_outcome_is_failure(t->outcome, c->strict || t->strict)) {
        c->failures++;
        if (c->attention.n < HTML_ATTENTION_MAX) {
            ac_buf li;
            ac_buf_init(&li);
            ac_buf_printf(&li, "<li><span class=\"o o-%s\">%s</span> <a href=\"#t-", ac_outcome_key(t->outcome),
                          ac_outcome_name(t->outcome));
            ac_html_esc(&li, t->id ? t->id : "?");
            ac_buf_puts(&li, "\">");
            ac_html_esc(&li, t->id ? t->id : "?");
            ac_buf_puts(&li, "</a> ");
            ac_html_esc_line(&li, t->name, HTML_MESSAGE_MAX);
            ac_buf_puts(&li, ": <span class=\"msg\">");
            ac_html_esc_line(&li, headline(t), HTML_MESSAGE_MAX);
            ac_buf_puts(&li, "</span></li>\n");
            ac_strlist_push_owned(&c->attention, ac_buf_steal(&li));
        } else {
            c->attention_more++;
        }
    }
    ac_buf b;
    ac_buf_init(&b);
    test_row(c, &b, t, area);
    int rc = 0;
    if (!c->io_failed && fwrite(b.data, 1, b.len, c->rows) != b.len) {
        c->io_failed = true;
        c->io_errno = errno;
    }
    if (c->io_failed) {
        ac_report_set_err(err, ac_sprintf("%s: writing a temporary file for the HTML report: %s", c->path,
                                strerror(c->io_errno)));
        rc = -1;
    }
    ac_buf_free(&b);
    return rc;
}

/* ---- the page ------------------------------------------------------------------------------- */

static int html_begin(ac_reporter *r, const ac_run_info *info, char **err)
{
    (void)err;
    html_ctx *c = r->ctx;
    if (!info) return 0;
    c->strict = c->o.strict || info->strict;
    c->target = ac_strdup(info->target);
    c->profile = ac_strdup(info->profile);
    c->tool_version = ac_strdup(info->tool_version);
    c->suite_name = ac_strdup(info->suite_name);
    c->suite_version = ac_strdup(info->suite_version);
    c->suite_hash = ac_strdup(info->suite_hash[0] ? info->suite_hash : NULL);
    c->start_wall = info->start_wall;
    c->ref_link = info->ref_link;
    return 0;
}

static void bar(ac_buf *b, const size_t n[N_OUT], size_t total)
{
    ac_buf_puts(b, "<div class=\"bar\">");
    for (int i = 0; i < N_OUT; i++) {
        if (!n[i] || !total) continue;
        double pct = 100.0 * (double)n[i] / (double)total;
        ac_buf_printf(b, "<i class=\"b-%s\" style=\"width:%.3f%%\" title=\"%zu %s\"></i>",
                      ac_outcome_key(ORDER[i]), pct, n[i], ac_outcome_name(ORDER[i]));
    }
    ac_buf_puts(b, "</div>");
}

static void counts_text(ac_buf *b, const size_t n[N_OUT])
{
    bool first = true;
    for (int i = 0; i < N_OUT; i++) {
        if (!n[i]) continue;
        ac_buf_printf(b, "%s%zu %s", first ? "" : " · ", n[i], ac_outcome_name(ORDER[i]));
        first = false;
    }
}

static void page_head(html_ctx *c, ac_buf *b, const ac_run_summary *s)
{
    char stamp[40];
    time_t tt = c->det || !(c->start_wall > 0) ? 0 : (time_t)c->start_wall;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(stamp, sizeof stamp, "1970-01-01 00:00:00 UTC");
    double secs = c->det || !(s->duration_ms > 0) ? 0.0 : s->duration_ms / 1000.0;
    const char *suite = c->suite_name && *c->suite_name ? c->suite_name : "authconform";

    ac_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"authconform ");
    ac_html_esc(b, c->tool_version ? c->tool_version : AC_VERSION);
    ac_buf_puts(b, "\">\n<title>");
    ac_html_esc(b, suite);
    ac_buf_puts(b, " conformance report");
    if (c->target && *c->target) {
        ac_buf_puts(b, ": ");
        ac_html_esc(b, c->target);
    }
    ac_buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><div class=\"in\">\n<h1>", AC_HTML_CSS);
    ac_html_esc(b, suite);
    if (c->suite_version && *c->suite_version) {
        ac_buf_puts(b, " ");
        ac_html_esc(b, c->suite_version);
    }
    ac_buf_puts(b, " conformance report</h1>\n<div class=\"meta\"><span>target: <b>");
    ac_html_esc(b, c->target && *c->target ? c->target : "(none)");
    ac_buf_puts(b, "</b></span><span>profile: <b>");
    ac_html_esc(b, c->profile && *c->profile ? c->profile : "documented");
    ac_buf_printf(b, "</b>%s</span><span>started: %s</span><span>duration: %.2f s</span>"
                     "<span>authconform ", c->strict ? " (strict)" : "", stamp, secs);
    ac_html_esc(b, c->tool_version ? c->tool_version : AC_VERSION);
    ac_buf_puts(b, "</span>");
    if (c->suite_hash && *c->suite_hash) {
        ac_buf_puts(b, "<span title=\"");
        ac_html_esc(b, c->suite_hash);
        ac_buf_puts(b, "\">suite hash: ");
        char short_hash[24];
        snprintf(short_hash, sizeof short_hash, "%.19s", c->suite_hash);
        ac_html_esc(b, short_hash);
        ac_buf_puts(b, "</span>");
    }
    ac_buf_puts(b, "</div>\n");

    ac_html_verdict(b, s, c->failures);
    if (s->bailed) {
        ac_buf_puts(b, "<div class=\"meta\">stopped early: ");
        ac_html_esc_line(b, s->bail_reason && *s->bail_reason ? s->bail_reason : "run stopped early", HTML_MESSAGE_MAX);
        ac_buf_puts(b, "</div>\n");
    }
    ac_buf_puts(b, "</div></header>\n<main>\n<section id=\"summary\"");
    ac_buf_printf(b, " data-total=\"%zu\"", c->total);
    for (int i = 0; i < N_OUT; i++) ac_buf_printf(b, " data-%s=\"%zu\"", ac_outcome_key(ORDER[i]), c->n[i]);
    ac_buf_printf(b, ">\n<div class=\"cards\"><div class=\"card c-total\"><b id=\"count-total\">%zu</b>"
                     "<small>tests</small></div>", c->total);
    for (int i = 0; i < N_OUT; i++) {
        if (ORDER[i] == AC_OUT_NOTRUN && !c->n[i]) continue;
        ac_buf_printf(b, "<div class=\"card c-%s\"><b id=\"count-%s\">%zu</b><small>%s</small></div>",
                      ac_outcome_key(ORDER[i]), ac_outcome_key(ORDER[i]), c->n[i], ac_outcome_name(ORDER[i]));
    }
    ac_buf_puts(b, "</div>\n");
    ac_html_coverage_line(b, &s->coverage);
    ac_buf_puts(b, "<h2>By area</h2>\n<table class=\"areas\"><tbody>\n");
    for (size_t k = 0; k < c->n_areas; k++) {
        const html_area *a = &c->areas[k];
        ac_buf_puts(b, "<tr data-area-row=\"");
        ac_html_esc(b, a->name);
        ac_buf_puts(b, "\"><td class=\"an\">");
        ac_html_esc(b, a->name);
        ac_buf_puts(b, "</td><td>");
        bar(b, a->n, a->total);
        ac_buf_puts(b, "</td><td class=\"ac\">");
        counts_text(b, a->n);
        ac_buf_puts(b, "</td></tr>\n");
    }
    ac_buf_puts(b, "</tbody></table>\n");
    if (c->attention.n) {
        ac_buf_puts(b, "<h2>Failures</h2>\n<ul id=\"failures\">\n");
        for (size_t i = 0; i < c->attention.n; i++) ac_buf_puts(b, c->attention.items[i]);
        if (c->attention_more) ac_buf_printf(b, "<li>... and %zu more</li>\n", c->attention_more);
        ac_buf_puts(b, "</ul>\n");
    }
    ac_buf_puts(b, "</section>\n<h2>Tests</h2>\n"
                   "<div id=\"filters\" hidden><span>show:</span>");
    for (int i = 0; i < N_OUT; i++)
        ac_buf_printf(b, "<label><input type=\"checkbox\" value=\"%s\" checked> %s (%zu)</label>",
                      ac_outcome_key(ORDER[i]), ac_outcome_name(ORDER[i]), c->n[i]);
    ac_buf_puts(b, "<label>area: <select id=\"f-area\"><option value=\"\">all</option>");
    for (size_t k = 0; k < c->n_areas; k++) {
        ac_buf_puts(b, "<option value=\"");
        ac_html_esc(b, c->areas[k].name);
        ac_buf_puts(b, "\">");
        ac_html_esc(b, c->areas[k].name);
        ac_buf_puts(b, "</option>");
    }
    ac_buf_puts(b, "</select></label><input type=\"search\" id=\"f-text\" placeholder=\"search id, name, message\">"
                   "<button type=\"button\" id=\"f-expand\">expand/collapse details</button>"
                   "<span id=\"f-count\"></span></div>\n"
                   "<table id=\"tests\"><thead><tr><th>id</th><th>test</th><th>area</th><th>severity</th>"
                   "<th>outcome</th><th>statuses</th><th>ms</th></tr></thead>\n<tbody>\n");
}

static int copy_rows(FILE *from, FILE *to)
{
    char chunk[16384];
    if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0) return -1;
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, from)) > 0)
        if (fwrite(chunk, 1, n, to) != n) return -1;
    return ferror(from) ? -1 : 0;
}

static int html_end(ac_reporter *r, const ac_run_summary *s, char **err)
{
    html_ctx *c = r->ctx;
    if (c->closed) return 0;
    c->closed = true;
    ac_run_summary zero;
    memset(&zero, 0, sizeof zero);
    if (!s) s = &zero;
    if (c->io_failed) {
        ac_report_set_err(err, ac_sprintf("%s: HTML report not written: %s", c->path, strerror(c->io_errno)));
        ac_report_discard_tmp(&c->out, c->tmp_path);
        return -1;
    }
    ac_buf b;
    ac_buf_init(&b);
    page_head(c, &b, s);
    bool ok = fwrite(b.data, 1, b.len, c->out) == b.len && copy_rows(c->rows, c->out) == 0;
    ac_buf_reset(&b);
    ac_buf_puts(&b, "</tbody></table>\n");
    if (c->total == 0) ac_buf_puts(&b, "<p>No test was reported.</p>\n");
    ac_buf_puts(&b, "</main>\n<footer>Written by authconform ");
    ac_html_esc(&b, c->tool_version ? c->tool_version : AC_VERSION);
    ac_buf_printf(&b, ". Secrets are redacted; server text is shown, never obeyed (control characters "
                      "and invalid UTF-8 appear as \\xHH).</footer>\n<script>\n%s</script>\n</body>\n</html>\n", AC_HTML_JS);
    ok = ok && fwrite(b.data, 1, b.len, c->out) == b.len;
    int werr = errno;
    ac_buf_free(&b);
    return ac_report_commit_tmp(&c->out, ok, werr, c->tmp_path, c->path, "HTML report", err);
}

static void html_destroy(ac_reporter *r)
{
    if (!r) return;
    html_ctx *c = r->ctx;
    if (c) {
        ac_report_discard_tmp(&c->out, c->tmp_path);   /* end() never ran */
        if (c->rows) fclose(c->rows);
        for (size_t i = 0; i < c->n_areas; i++) free(c->areas[i].name);
        free(c->areas);
        ac_strlist_free(&c->attention);
        free(c->target);
        free(c->profile);
        free(c->tool_version);
        free(c->suite_name);
        free(c->suite_version);
        free(c->suite_hash);
        free(c->path);
        free(c->tmp_path);
        free(c);
    }
    free(r);
}

ac_reporter *ac_report_html_new(const char *path, const ac_report_opts *o, char **err)
{
    if (!path || !*path || strcmp(path, "-") == 0) {
        ac_report_set_err(err, ac_strdup("the HTML report needs a file path"));
        return NULL;
    }
    html_ctx *c = ac_calloc(1, sizeof *c);
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    c->path = ac_strdup(path);
    c->rows = tmpfile();
    if (!c->rows) {
        ac_report_set_err(err, ac_sprintf("%s: cannot create a temporary file for the HTML report: %s", path,
                                strerror(errno)));
        goto fail;
    }
    c->out = ac_report_open_tmp(path, &c->tmp_path, "HTML report", err);
    if (!c->out) goto fail;
    return ac_reporter_make("html", c, html_begin, html_test, html_end, html_destroy);
fail:
    if (c->rows) fclose(c->rows);
    free(c->path);
    free(c->tmp_path);
    free(c);
    return NULL;
}
