/* JUnit XML writer, valid against junit-10.xsd (Jenkins xunit plugin) and read correctly by
 * GitLab, Jenkins, dorny/test-reporter and mikepenz/action-junit-report (shared/docs/reports.md).
 *
 * After the suites of the case files comes the coverage suite (coverage_text.h): one test case
 * that fails when selected must-level tests were not judged, so a CI job that reads only JUnit
 * does not publish an incomplete run as green.
 *
 * Results are not kept in memory: each test case is written as it arrives to a temporary file of
 * its suite, because a <testsuite> needs its counts in its attributes before its children. end()
 * writes the document to PATH.tmp (opened by the constructor, so an unwritable path fails early)
 * and renames it to PATH, so no reader ever sees half a file. */
#include "report.h"
#include "writers.h"
#include "coverage_text.h"
#include "report_common.h"
#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A message attribute is one line; keep it short enough for every UI that shows it. */
#define JUNIT_MESSAGE_MAX 1000

typedef struct junit_suite {
    char *name;         /* owned */
    char *file;         /* owned or NULL: the case file of the suite's first test */
    FILE *cases;        /* owned tmpfile() holding the <testcase> elements */
    size_t tests, failures, errors, skipped, should_failures;
    double time_ms;
} junit_suite;

typedef struct junit_ctx {
    char *path;         /* owned: the final path */
    char *tmp_path;     /* owned: PATH.tmp */
    FILE *out;          /* owned: PATH.tmp, open from the constructor until end() */
    ac_report_opts o;
    bool det;
    bool strict;
    char *profile;      /* owned copy from the run info */
    bool coverage;      /* the run info says the summary's coverage is this run's */
    double start_wall;
    junit_suite *suites; size_t n_suites, cap_suites;
    bool io_failed;     /* a write to a temporary file failed: reported at end() */
    int io_errno;
    bool closed;
} junit_ctx;


static junit_suite *suite_for(junit_ctx *c, const ac_test_result *t, char **err)
{
    const char *name = t->suite && *t->suite ? t->suite : "authconform";
    for (size_t i = 0; i < c->n_suites; i++)
        if (strcmp(c->suites[i].name, name) == 0) return &c->suites[i];
    FILE *f = tmpfile();
    if (!f) {
        ac_report_set_err(err, ac_sprintf("%s: cannot create a temporary file for the JUnit report: %s",
                                c->path, strerror(errno)));
        return NULL;
    }
    if (c->n_suites == c->cap_suites) {
        c->cap_suites = c->cap_suites ? 2 * c->cap_suites : 8;
        c->suites = ac_realloc(c->suites, c->cap_suites * sizeof *c->suites);
    }
    junit_suite *s = &c->suites[c->n_suites++];
    memset(s, 0, sizeof *s);
    s->name = ac_strdup(name);
    s->file = t->file && *t->file ? ac_strdup(t->file) : NULL;
    s->cases = f;
    return s;
}

/* Appends s made visible and capped at cap (head and tail kept). */
static void put_capped_text(ac_buf *b, const char *s, size_t cap)
{
    char *v = ac_text_visible_str(s);
    char *capped = ac_text_cap(v, cap);
    ac_xml_text(b, capped);
    free(capped);
    free(v);
}

static void describe_check(ac_buf *d, const ac_check *k, const char *indent)
{
    ac_buf_printf(d, "%s[%s] %s\n", indent, ac_severity_name(k->severity),
                  k->check && *k->check ? k->check : "check");
    if (k->message && *k->message) ac_buf_printf(d, "%s  message:  %s\n", indent, k->message);
    ac_buf_printf(d, "%s  expected: %s\n", indent, k->expected ? k->expected : "");
    ac_buf_printf(d, "%s  actual:   %s\n", indent, k->actual ? k->actual : "");
    if (k->file && *k->file) ac_buf_printf(d, "%s  at:       %s:%d\n", indent, k->file, k->line);
}

static void describe_excerpts(ac_buf *d, const ac_step_result *s)
{
    if (s->request_excerpt && *s->request_excerpt)
        ac_buf_printf(d, "--- request ---\n%s\n", s->request_excerpt);
    if (s->response_excerpt && *s->response_excerpt)
        ac_buf_printf(d, "--- response ---\n%s\n", s->response_excerpt);
}

/* The text of <failure>/<error>: every failed check with expected and actual, then the
 * evidence. Raw here; made visible, capped and escaped when written. Caller frees. */
static char *details(const ac_test_result *t)
{
    ac_buf d;
    ac_buf_init(&d);
    ac_buf_printf(&d, "%s\n", ac_report_message(t));
    if (t->multi_step) {
        for (size_t i = 0; i < t->n_steps; i++) {
            const ac_step_result *s = &t->steps[i];
            if (s->outcome == AC_OUT_PASS) continue;
            ac_buf_printf(&d, "step %s: %s", s->name ? s->name : "?", ac_outcome_name(s->outcome));
            if (s->reason && *s->reason) ac_buf_printf(&d, ": %s", s->reason);
            ac_buf_putc(&d, '\n');
            for (size_t k = 0; k < s->n_checks; k++)
                if (!s->checks[k].passed) describe_check(&d, &s->checks[k], "  ");
            if (s->outcome == AC_OUT_FAIL || s->outcome == AC_OUT_ERROR ||
                s->outcome == AC_OUT_WARN)
                describe_excerpts(&d, s);
        }
    } else {
        for (size_t i = 0; i < t->n_steps; i++)
            for (size_t k = 0; k < t->steps[i].n_checks; k++)
                if (!t->steps[i].checks[k].passed) describe_check(&d, &t->steps[i].checks[k], "");
        const ac_step_result *ev = ac_report_evidence_step(t);
        if (ev) describe_excerpts(&d, ev);
    }
    ac_report_refs_line(&d, t, "", JUNIT_MESSAGE_MAX);
    if (t->file && *t->file) ac_buf_printf(&d, "test at %s:%d\n", t->file, t->line);
    return ac_buf_steal(&d);
}

/* Appends every line of text with a prefix, curl -v style, so a reader of the transcript sees
 * which side said what. */
static void prefixed(ac_buf *d, const char *prefix, const char *text)
{
    if (!text || !*text) return;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        /* An empty line gets the marker without its space: no trailing blanks. */
        if (n == 0 || (n == 1 && p[0] == '\r')) ac_buf_append(d, prefix, 1);
        else ac_buf_puts(d, prefix);
        ac_buf_append(d, p, n);
        ac_buf_putc(d, '\n');
        p += n + (nl ? 1 : 0);
    }
}

/* The transcript for <system-out>: the runner's, or one made from the steps' excerpts. Raw;
 * caller frees. */
static char *transcript(const ac_test_result *t)
{
    if (t->transcript && *t->transcript) return ac_strdup(t->transcript);
    ac_buf d;
    ac_buf_init(&d);
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        if (!(s->request_excerpt && *s->request_excerpt) &&
            !(s->response_excerpt && *s->response_excerpt))
            continue;
        ac_buf_printf(&d, "== step %s (%s) ==\n", s->name ? s->name : "?",
                      ac_outcome_name(s->outcome));
        prefixed(&d, "> ", s->request_excerpt);
        prefixed(&d, "< ", s->response_excerpt);
    }
    return ac_buf_steal(&d);
}

/* A step's outcome as the first column of a node section's line. */
static const char *step_label(ac_outcome o)
{
    switch (o) {
    case AC_OUT_PASS: return "ok";
    case AC_OUT_FAIL: return "FAIL";
    case AC_OUT_WARN: return "WARN";
    case AC_OUT_ERROR: return "ERROR";
    case AC_OUT_SKIP: return "SKIP";
    case AC_OUT_NOTRUN: return "NOT RUN";
    }
    return "?";
}

/* A cluster test's steps by node (ac_node_sections): "== node NAME: OUTCOME ==", then one line
 * per step with its reason when it did not pass. Raw, one line each; nothing for a test without
 * node steps. Caller frees. */
static char *node_sections_text(const ac_test_result *t)
{
    size_t n = 0;
    ac_node_section *secs = ac_node_sections(t, &n);
    ac_buf d;
    ac_buf_init(&d);
    for (size_t i = 0; i < n; i++) {
        char *node = ac_text_one_line(secs[i].node, JUNIT_MESSAGE_MAX);
        ac_buf_printf(&d, "== node %s: %s ==\n", node, ac_outcome_name(secs[i].outcome));
        free(node);
        for (size_t k = 0; k < secs[i].n_steps; k++) {
            const ac_step_result *s = secs[i].steps[k];
            char *name = ac_text_one_line(s->name && *s->name ? s->name : "step", JUNIT_MESSAGE_MAX);
            ac_buf_printf(&d, "%-8s%s", step_label(s->outcome), name);
            free(name);
            if (s->outcome != AC_OUT_PASS) {
                char *m = ac_text_one_line(ac_report_step_message(s), JUNIT_MESSAGE_MAX);
                ac_buf_printf(&d, ": %s", m);
                free(m);
            }
            ac_buf_putc(&d, '\n');
        }
    }
    ac_node_sections_free(secs, n);
    return ac_buf_steal(&d);
}

/* <failure>, <error> or <skipped> with a one-line message and the details as text. */
static void verdict(ac_buf *b, size_t cap, const char *elem, const char *message,
                    const char *type, const char *text)
{
    char *m = ac_text_one_line(message, JUNIT_MESSAGE_MAX);
    ac_buf_printf(b, "      <%s message=\"", elem);
    ac_xml_attr(b, m);
    ac_buf_putc(b, '"');
    if (type) {
        ac_buf_puts(b, " type=\"");
        ac_xml_attr(b, type);
        ac_buf_putc(b, '"');
    }
    ac_buf_putc(b, '>');
    put_capped_text(b, text, cap);
    ac_buf_printf(b, "</%s>\n", elem);
    free(m);
}

static int junit_test(ac_reporter *r, const ac_test_result *t, size_t index, char **err)
{
    (void)index;
    junit_ctx *c = r->ctx;
    junit_suite *s = suite_for(c, t, err);
    if (!s) return -1;
    size_t cap = ac_report_cap(&c->o);
    bool strict = c->strict || t->strict;
    char secs[32];
    ac_report_seconds(secs, t->duration_ms, c->det);

    s->tests++;
    if (t->duration_ms > 0) s->time_ms += t->duration_ms;

    ac_buf b;
    ac_buf_init(&b);
    char *name = ac_sprintf("%s %s", t->id ? t->id : "?", t->name ? t->name : "");
    ac_buf_puts(&b, "    <testcase classname=\"");
    ac_xml_attr(&b, s->name);
    ac_buf_puts(&b, "\" name=\"");
    ac_xml_attr(&b, name);
    ac_buf_printf(&b, "\" time=\"%s\">\n", secs);
    free(name);

    char *text = NULL;
    switch (t->outcome) {
    case AC_OUT_PASS:
        break;
    case AC_OUT_FAIL:
        s->failures++;
        text = details(t);
        verdict(&b, cap, "failure", ac_report_message(t), "must", text);
        break;
    case AC_OUT_WARN:
        s->should_failures++;
        if (strict) {
            s->failures++;
            text = details(t);
            verdict(&b, cap, "failure", ac_report_should_message(t), "should", text);
        }
        break;
    case AC_OUT_ERROR:
        s->errors++;
        text = details(t);
        verdict(&b, cap, "error", ac_report_message(t), "error", text);
        break;
    case AC_OUT_NOTRUN: {
        s->errors++;
        const char *reason = t->reason && *t->reason ? t->reason : "run stopped early";
        char *m = ac_str_startswith(reason, "not run") ? ac_strdup(reason)
                                                       : ac_sprintf("not run: %s", reason);
        verdict(&b, cap, "error", m, "not-run", m);
        free(m);
        break;
    }
    case AC_OUT_SKIP: {
        s->skipped++;
        const char *reason = t->reason && *t->reason ? t->reason : "skipped";
        verdict(&b, cap, "skipped", reason, NULL, reason);
        break;
    }
    }
    free(text);

    /* system-out: warnings and notes first, so that Jenkins' trimming of passing tests'
     * output (about 500 characters) keeps them; then the capped transcript. */
    ac_buf head;
    ac_buf_init(&head);
    if (t->outcome == AC_OUT_WARN && !strict) {
        char *m = ac_text_one_line(ac_report_should_message(t), JUNIT_MESSAGE_MAX);
        ac_buf_printf(&head, "WARNING (should): %s\n", m);
        free(m);
    }
    for (size_t i = 0; i < t->notes.n; i++) {
        char *m = ac_text_one_line(t->notes.items[i], JUNIT_MESSAGE_MAX);
        ac_buf_printf(&head, "NOTE (info): %s\n", m);
        free(m);
    }
    char *tr = transcript(t);
    /* A cluster test's steps by node come next: the verdict per node is what a reader needs
     * first, and it must survive that trimming too; then the transcript. */
    char *nodes = node_sections_text(t);
    if (head.len || *tr || *nodes) {
        ac_buf_puts(&b, "      <system-out>");
        ac_xml_text(&b, ac_buf_str(&head));
        if (*nodes) {
            ac_xml_text(&b, nodes);
            if (*tr) ac_buf_puts(&b, "\n");   /* a blank line before the transcript */
        }
        put_capped_text(&b, tr, cap);
        ac_buf_puts(&b, "</system-out>\n");
    }
    free(nodes);
    free(tr);
    ac_buf_free(&head);
    ac_buf_puts(&b, "    </testcase>\n");

    int rc = 0;
    if (fwrite(b.data, 1, b.len, s->cases) != b.len) {
        c->io_failed = true;
        c->io_errno = errno;
        ac_report_set_err(err, ac_sprintf("%s: writing a temporary file for the JUnit report: %s",
                                c->path, strerror(errno)));
        rc = -1;
    }
    ac_buf_free(&b);
    return rc;
}

static int junit_begin(ac_reporter *r, const ac_run_info *info, char **err)
{
    (void)err;
    junit_ctx *c = r->ctx;
    c->strict = c->o.strict || (info && info->strict);
    c->profile = ac_strdup(info && info->profile ? info->profile : "");
    c->coverage = info && info->coverage;
    c->start_wall = info ? info->start_wall : 0;
    return 0;
}

static void timestamp(char out[32], double wall, bool det)
{
    /* ISO 8601 without a zone, the form Ant's schema and Jenkins expect; UTC. */
    time_t tt = det || !(wall > 0) ? 0 : (time_t)wall;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm))
        snprintf(out, 32, "1970-01-01T00:00:00");
}

static void write_property(ac_buf *b, const char *name, const char *value)
{
    ac_buf_puts(b, "      <property name=\"");
    ac_xml_attr(b, name);
    ac_buf_puts(b, "\" value=\"");
    ac_xml_attr(b, value);
    ac_buf_puts(b, "\"/>\n");
}

static void suite_header(junit_ctx *c, ac_buf *b, const junit_suite *s,
                         const ac_run_summary *sum, const char *host, const char *stamp)
{
    char secs[32];
    ac_report_seconds(secs, s->time_ms, c->det);
    ac_buf_puts(b, "  <testsuite name=\"");
    ac_xml_attr(b, s->name);
    ac_buf_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\""
                     " time=\"%s\" timestamp=\"%s\" hostname=\"",
                  s->tests, s->failures, s->errors, s->skipped, secs, stamp);
    ac_xml_attr(b, host);
    ac_buf_putc(b, '"');
    if (s->file) {
        ac_buf_puts(b, " file=\"");
        ac_xml_attr(b, s->file);
        ac_buf_putc(b, '"');
    }
    ac_buf_puts(b, ">\n    <properties>\n");
    char *n = ac_sprintf("%zu", s->should_failures);
    write_property(b, "should_failures", n);
    free(n);
    write_property(b, "profile", c->profile ? c->profile : "");
    write_property(b, "strict", c->strict ? "true" : "false");
    if (sum && sum->bailed)
        write_property(b, "stopped_early", sum->bail_reason && *sum->bail_reason
                                               ? sum->bail_reason : "run stopped early");
    ac_buf_puts(b, "    </properties>\n");
}

/* Closes a testsuite. An interrupted run says so in system-err, the one place inside a suite
 * (besides properties) where the schema allows free text. */
static void suite_footer(ac_buf *b, const ac_run_summary *sum)
{
    if (sum && sum->interrupted) {
        ac_buf_puts(b, "    <system-err>");
        ac_xml_text(b, sum->bail_reason ? sum->bail_reason : "interrupted");
        ac_buf_puts(b, ": tests not reached did not run</system-err>\n");
    }
    ac_buf_puts(b, "  </testsuite>\n");
}

/* Copies a suite's temporary file into the output. */
static int copy_cases(FILE *from, FILE *to)
{
    char chunk[16384];
    if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0) return -1;
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, from)) > 0)
        if (fwrite(chunk, 1, n, to) != n) return -1;
    return ferror(from) ? -1 : 0;
}

static int junit_end(ac_reporter *r, const ac_run_summary *sum, char **err)
{
    junit_ctx *c = r->ctx;
    if (c->closed) return 0;
    c->closed = true;
    if (c->io_failed) {
        ac_report_set_err(err, ac_sprintf("%s: JUnit report not written: %s", c->path,
                                strerror(c->io_errno)));
        goto fail;
    }

    char host[256] = "localhost";
    if (!c->det && gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    char stamp[32];
    timestamp(stamp, c->start_wall, c->det);

    size_t tests = 0, failures = 0, errors = 0;
    double sum_ms = 0;
    for (size_t i = 0; i < c->n_suites; i++) {
        tests += c->suites[i].tests;
        failures += c->suites[i].failures;
        errors += c->suites[i].errors;
        sum_ms += c->suites[i].time_ms;
    }
    /* The coverage test case is one more test, and a failure when the run is incomplete. */
    ac_run_summary zero = { 0 };
    const ac_coverage *cov = sum ? &sum->coverage : &zero.coverage;
    tests += c->coverage;
    failures += c->coverage && cov->incomplete;
    char secs[32];
    ac_report_seconds(secs, sum && sum->duration_ms > 0 ? sum->duration_ms : sum_ms, c->det);

    ac_buf b;
    ac_buf_init(&b);
    ac_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<testsuites name=\"authconform\" tests=\"%zu\" failures=\"%zu\""
                      " errors=\"%zu\" time=\"%s\">\n", tests, failures, errors, secs);
    /* A run that stopped before any test still says why, in an empty suite. */
    junit_suite empty = { .name = "authconform" };
    if (c->n_suites == 0 && sum && sum->bailed) {
        suite_header(c, &b, &empty, sum, host, stamp);
        suite_footer(&b, sum);
    }
    for (size_t i = 0; i < c->n_suites; i++) {
        suite_header(c, &b, &c->suites[i], sum, host, stamp);
        if (fwrite(b.data, 1, b.len, c->out) != b.len ||
            copy_cases(c->suites[i].cases, c->out) != 0) {
            ac_buf_free(&b);
            ac_report_set_err(err, ac_sprintf("%s: writing JUnit report: %s", c->tmp_path, strerror(errno)));
            goto fail;
        }
        ac_buf_reset(&b);
        suite_footer(&b, sum);
    }
    if (c->coverage) ac_cov_junit_suite(&b, cov, stamp, host);
    ac_buf_puts(&b, "</testsuites>\n");
    size_t len = b.len;
    bool wrote = fwrite(b.data, 1, len, c->out) == len;
    int werr = errno;
    ac_buf_free(&b);
    return ac_report_commit_tmp(&c->out, wrote, werr, c->tmp_path, c->path, "JUnit report", err);

fail:
    ac_report_discard_tmp(&c->out, c->tmp_path);
    return -1;
}

static void junit_destroy(ac_reporter *r)
{
    if (!r) return;
    junit_ctx *c = r->ctx;
    if (c) {
        ac_report_discard_tmp(&c->out, c->tmp_path);   /* end() never ran */
        for (size_t i = 0; i < c->n_suites; i++) {
            free(c->suites[i].name);
            free(c->suites[i].file);
            if (c->suites[i].cases) fclose(c->suites[i].cases);
        }
        free(c->suites);
        free(c->profile);
        free(c->path);
        free(c->tmp_path);
        free(c);
    }
    free(r);
}

ac_reporter *ac_report_junit_new(const char *path, const ac_report_opts *o, char **err)
{
    if (!path || !*path || strcmp(path, "-") == 0) {
        ac_report_set_err(err, ac_strdup("the JUnit report needs a file path"));
        return NULL;
    }
    junit_ctx *c = ac_calloc(1, sizeof *c);
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    c->path = ac_strdup(path);
    c->out = ac_report_open_tmp(path, &c->tmp_path, "JUnit report", err);
    if (!c->out) {
        free(c->path);
        free(c->tmp_path);
        free(c);
        return NULL;
    }
    return ac_reporter_make("junit", c, junit_begin, junit_test, junit_end, junit_destroy);
}
