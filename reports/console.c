/* Console writer: one line per test on stderr as results arrive, the evidence of failures with
 * -v, and a summary whose last line is the plain "P passed, F failed" that CI reads. */
#include "report.h"
#include "report_common.h"
#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A console line is for reading: longer messages are cut (the reports hold them whole). */
#define CONSOLE_MESSAGE_MAX 300

#define COL_GREEN "\033[32m"
#define COL_RED "\033[31m"
#define COL_YELLOW "\033[33m"
#define COL_GREY "\033[90m"
#define COL_RESET "\033[0m"

typedef struct console_ctx {
    FILE *out;          /* borrowed */
    ac_report_opts o;
    bool det;
    bool strict;
} console_ctx;


static int write_buf(console_ctx *c, ac_buf *b, char **err)
{
    int rc = 0;
    if ((b->len && fwrite(b->data, 1, b->len, c->out) != b->len) || fflush(c->out) != 0) {
        ac_report_set_err(err, ac_sprintf("writing to the console: %s", strerror(errno)));
        rc = -1;
    }
    ac_buf_free(b);
    return rc;
}

static void label(console_ctx *c, ac_buf *b, const char *text, const char *colour)
{
    ac_buf_puts(b, "  ");
    if (c->o.color) ac_buf_printf(b, "%s%-5s%s ", colour, text, COL_RESET);
    else ac_buf_printf(b, "%-5s ", text);
}

/* An excerpt, made visible, capped and indented so it reads as part of its test. */
static void indented(console_ctx *c, ac_buf *b, const char *title, const char *text)
{
    if (!text || !*text) return;
    char *v = ac_text_visible_str(text);
    char *capped = ac_text_cap(v, ac_report_cap(&c->o));
    ac_buf_printf(b, "      %s:\n", title);
    /* A CR that ends a line goes; any other CR is shown as \r, because on a terminal it would
     * move the cursor back and let the rest of the line hide what came before it. */
    bool line_start = true;
    for (const char *p = capped; *p; p++) {
        if (line_start) {
            ac_buf_puts(b, "        ");
            line_start = false;
        }
        if (*p == '\r' && p[1] == '\n') continue;
        if (*p == '\r') ac_buf_puts(b, "\\r");
        else ac_buf_putc(b, *p);
        if (*p == '\n') line_start = true;
    }
    if (!line_start) ac_buf_putc(b, '\n');
    free(capped);
    free(v);
}

static void verbose_details(console_ctx *c, ac_buf *b, const ac_test_result *t)
{
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        if (s->outcome == AC_OUT_PASS || s->outcome == AC_OUT_SKIP ||
            s->outcome == AC_OUT_NOTRUN)
            continue;
        if (t->multi_step) {
            char *name = ac_text_one_line(s->name, CONSOLE_MESSAGE_MAX);
            ac_buf_printf(b, "    step %s: %s\n", name, ac_outcome_name(s->outcome));
            free(name);
        }
        for (size_t k = 0; k < s->n_checks; k++) {
            const ac_check *ck = &s->checks[k];
            if (ck->passed) continue;
            char *what = ac_text_one_line(ck->check, CONSOLE_MESSAGE_MAX);
            char *exp = ac_text_one_line(ck->expected, CONSOLE_MESSAGE_MAX);
            char *act = ac_text_one_line(ck->actual, CONSOLE_MESSAGE_MAX);
            ac_buf_printf(b, "    [%s] %s: expected %s, got %s", ac_severity_name(ck->severity),
                          what, exp, act);
            if (ck->file && *ck->file) {
                char *at = ac_text_one_line(ck->file, CONSOLE_MESSAGE_MAX);
                ac_buf_printf(b, " (%s:%d)", at, ck->line);
                free(at);
            }
            ac_buf_putc(b, '\n');
            free(what);
            free(exp);
            free(act);
        }
        indented(c, b, "request", s->request_excerpt);
        indented(c, b, "response", s->response_excerpt);
    }
}

static int console_begin(ac_reporter *r, const ac_run_info *info, char **err)
{
    (void)err;
    console_ctx *c = r->ctx;
    c->strict = c->o.strict || (info && info->strict);
    return 0;
}

static int console_test(ac_reporter *r, const ac_test_result *t, size_t index, char **err)
{
    (void)index;
    console_ctx *c = r->ctx;
    bool strict = c->strict || t->strict;
    ac_buf b;
    ac_buf_init(&b);
    char *id = ac_text_one_line(t->id, CONSOLE_MESSAGE_MAX);
    char *name = ac_text_one_line(t->name, CONSOLE_MESSAGE_MAX);
    char *msg = NULL;
    switch (t->outcome) {
    case AC_OUT_PASS:
        label(c, &b, "PASS", COL_GREEN);
        ac_buf_printf(&b, "%s %s (%.0f ms)\n", id, name,
                      c->det || !(t->duration_ms > 0) ? 0.0 : t->duration_ms);
        break;
    case AC_OUT_FAIL:
    case AC_OUT_ERROR:
        label(c, &b, t->outcome == AC_OUT_FAIL ? "FAIL" : "ERROR", COL_RED);
        msg = ac_text_one_line(ac_report_message(t), CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "%s %s: %s\n", id, name, msg);
        break;
    case AC_OUT_WARN:
        label(c, &b, "WARN", strict ? COL_RED : COL_YELLOW);
        msg = ac_text_one_line(ac_report_should_message(t), CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "%s %s: %s%s\n", id, name, msg, strict ? " (strict: counts as failure)" : "");
        break;
    case AC_OUT_SKIP:
        label(c, &b, "SKIP", COL_GREY);
        msg = ac_text_one_line(t->reason && *t->reason ? t->reason : "skipped",
                               CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "%s %s (%s)\n", id, name, msg);
        break;
    case AC_OUT_NOTRUN:
        label(c, &b, "NOT RUN", COL_GREY);
        msg = ac_text_one_line(t->reason && *t->reason ? t->reason : "run stopped early",
                               CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "%s %s (%s)\n", id, name, msg);
        break;
    }
    if (c->o.verbose) {
        for (size_t i = 0; i < t->notes.n; i++) {
            char *n = ac_text_one_line(t->notes.items[i], CONSOLE_MESSAGE_MAX);
            ac_buf_printf(&b, "    note: %s\n", n);
            free(n);
        }
        if (t->outcome == AC_OUT_FAIL || t->outcome == AC_OUT_ERROR || t->outcome == AC_OUT_WARN)
            verbose_details(c, &b, t);
    }
    free(msg);
    free(id);
    free(name);
    return write_buf(c, &b, err);
}

static int console_end(ac_reporter *r, const ac_run_summary *s, char **err)
{
    console_ctx *c = r->ctx;
    ac_run_summary zero = {0};
    if (!s) s = &zero;
    ac_buf b;
    ac_buf_init(&b);
    double secs = c->det || !(s->duration_ms > 0) ? 0.0 : s->duration_ms / 1000.0;
    ac_buf_printf(&b, "\n%zu tests: %zu passed, %zu failed, %zu warnings, %zu errors, %zu skipped",
                  s->total, s->passed, s->failed, s->warned, s->errored, s->skipped);
    if (s->not_run) ac_buf_printf(&b, ", %zu not run", s->not_run);
    ac_buf_printf(&b, " (%.2f s)\n", secs);
    if (s->bailed) {
        char *why = ac_text_one_line(s->bail_reason && *s->bail_reason ? s->bail_reason
                                                                       : "run stopped early",
                                     CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "stopped early: %s\n", why);
        free(why);
    }
    /* The closing line in the plain form CI recognises, on its own line. It agrees with the
     * JUnit file: a non-strict warning is a passing test case there, a test not run an error. */
    size_t passed = s->passed + (c->strict ? 0 : s->warned);
    size_t failed = s->failed + s->errored + s->not_run + (c->strict ? s->warned : 0);
    ac_buf_printf(&b, "%zu passed, %zu failed", passed, failed);
    if (s->skipped) ac_buf_printf(&b, ", %zu skipped", s->skipped);
    ac_buf_putc(&b, '\n');
    return write_buf(c, &b, err);
}

static void console_destroy(ac_reporter *r)
{
    if (!r) return;
    free(r->ctx);
    free(r);
}

ac_reporter *ac_report_console_new(FILE *out, const ac_report_opts *o, char **err)
{
    (void)err;
    console_ctx *c = ac_calloc(1, sizeof *c);
    c->out = out ? out : stderr;
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    return ac_reporter_make("console", c, console_begin, console_test, console_end, console_destroy);
}
