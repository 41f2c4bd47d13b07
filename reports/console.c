/* Console writer: one line per test on stderr as results arrive (with -q only the failures,
 * warnings and errors), the evidence of failures with -v, and a summary that ends in the one
 * summary line (docs/report-formats.md, "The console summary line"). It also implements the
 * runner's progress interface (progress.h): a live status line on a terminal, erased before
 * anything else is written, or a plain line every 10 s off a terminal. */
#include "report.h"
#include "writers.h"
#include "coverage_text.h"
#include "report_common.h"
#include "text.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A console line is for reading: longer messages are cut (the reports hold them whole). */
#define CONSOLE_MESSAGE_MAX 300
/* Lists of test ids are wrapped at this many columns. */
#define CONSOLE_WIDTH 100
/* Off a terminal, long work is told at most this often (ms). */
#define PLAIN_PROGRESS_MS 10000.0
/* On a terminal, the live status line is redrawn at most this often (ms). */
#define LIVE_REDRAW_MS 200.0

#define COL_GREEN "\033[32m"
#define COL_RED "\033[31m"
#define COL_YELLOW "\033[33m"
#define COL_GREY "\033[90m"
#define COL_RESET "\033[0m"
#define ERASE_LINE "\r\033[K"

typedef struct console_ctx {
    FILE *out;          /* borrowed */
    ac_report_opts o;
    bool det;
    bool strict;
    ac_progress progress;   /* this console as the runner's progress listener */
    pthread_mutex_t mu;     /* guards what follows and every write to out */
    bool status_shown;      /* a live status line is on the screen (terminal only) */
    double last_draw_ms;    /* when the live line was last drawn */
    double last_plain_ms;   /* when a plain line about a wait was last printed (off a terminal) */
    double last_count_ms;   /* when a plain "D of N tests done" was last printed, or the start */
    size_t done, total;     /* tests reported so far, planned */
    bool holding;           /* a result is being handed to the reporters: no live line until
                               this console has written it (TAP may share the terminal) */
} console_ctx;

/* Erases the live status line, if one is shown. With c->mu held. */
static void erase_status(console_ctx *c)
{
    if (!c->status_shown) return;
    fputs(ERASE_LINE, c->out);
    c->status_shown = false;
}

static int write_buf(console_ctx *c, ac_buf *b, char **err)
{
    int rc = 0;
    pthread_mutex_lock(&c->mu);
    erase_status(c);
    if ((b->len && fwrite(b->data, 1, b->len, c->out) != b->len) || fflush(c->out) != 0) {
        ac_report_set_err(err, ac_sprintf("writing to the console: %s", strerror(errno)));
        rc = -1;
    }
    pthread_mutex_unlock(&c->mu);
    ac_buf_free(b);
    return rc;
}

/* The terminal's width in columns, 80 when it cannot be told. */
static size_t term_columns(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

/* "REVOKE-LIVE: polling step refused, 12 s of 30 s, 25 attempts" into buf: the test, what it
 * waits for, the time against the bound, the attempts so far. */
static void wait_text(char *buf, size_t size, const ac_progress_event *ev)
{
    char *id = ac_text_one_line(ev->test_id, 80);
    char *what = ac_text_one_line(ev->what, 120);
    int n = snprintf(buf, size, "%s: %s, %.0f s", id, what, ev->elapsed_s);
    if (n >= 0 && (size_t)n < size && ev->bound_s > 0)
        n += snprintf(buf + n, size - (size_t)n, " of %g s", ev->bound_s);
    if (n >= 0 && (size_t)n < size && ev->attempts > 0)
        snprintf(buf + n, size - (size_t)n, ", %d attempt%s", ev->attempts, ev->attempts == 1 ? "" : "s");
    free(id);
    free(what);
}

/* Draws the live line (terminal): cut to the width so that it never wraps, which would leave
 * its first part behind when it is erased. With c->mu held. */
static void draw_status(console_ctx *c, const char *text, bool counted)
{
    char line[512];
    if (counted && c->total > 1) snprintf(line, sizeof line, "  ... [%zu/%zu] %s", c->done, c->total, text);
    else snprintf(line, sizeof line, "  ... %s", text);
    size_t cols = term_columns(c->out), len = strlen(line);
    if (len > cols - 1) len = cols - 1;
    fputs(ERASE_LINE, c->out);
    if (c->o.color) fputs(COL_GREY, c->out);
    fwrite(line, 1, len, c->out);
    if (c->o.color) fputs(COL_RESET, c->out);
    fflush(c->out);
    c->status_shown = true;
}

static void console_progress(void *ctx, const ac_progress_event *ev)
{
    console_ctx *c = ctx;
    char text[400];
    pthread_mutex_lock(&c->mu);
    double now = ac_now_ms();
    switch (ev->kind) {
    case AC_PROG_WAIT:
        wait_text(text, sizeof text, ev);
        if (c->o.live) {
            if (!c->holding && (!c->status_shown || now - c->last_draw_ms >= LIVE_REDRAW_MS)) {
                draw_status(c, text, true);
                c->last_draw_ms = now;
            }
        } else if (ev->elapsed_s * 1000.0 >= PLAIN_PROGRESS_MS && now - c->last_plain_ms >= PLAIN_PROGRESS_MS) {
            fprintf(c->out, "  ... %s\n", text);
            fflush(c->out);
            c->last_plain_ms = now;
        }
        break;
    case AC_PROG_WAIT_END:
        erase_status(c);
        fflush(c->out);
        break;
    case AC_PROG_TEST_DONE:
        c->done = ev->done;
        c->total = ev->total;
        erase_status(c);   /* before any reporter writes, TAP on the same terminal included */
        fflush(c->out);
        c->holding = true;
        if (!c->o.live && c->o.jobs > 1 && now - c->last_count_ms >= PLAIN_PROGRESS_MS && ev->done < ev->total) {
            fprintf(c->out, "  ... %zu of %zu tests done\n", ev->done, ev->total);
            fflush(c->out);
            c->last_count_ms = now;
        }
        break;
    }
    pthread_mutex_unlock(&c->mu);
}

/* After a test's line (or its place under -q): live lines may be drawn again; on a terminal
 * with -j N, how many tests are done stays on the status line until the next one. */
static void count_status(console_ctx *c)
{
    pthread_mutex_lock(&c->mu);
    c->holding = false;
    if (c->o.live && c->o.jobs > 1 && c->total && c->done < c->total) {
        char text[64];
        snprintf(text, sizeof text, "%zu of %zu tests done", c->done, c->total);
        draw_status(c, text, false);
        c->last_draw_ms = ac_now_ms();
    }
    pthread_mutex_unlock(&c->mu);
}

const ac_progress *ac_report_console_progress(ac_reporter *r)
{
    if (!r || strcmp(r->format, "console")) return NULL;
    console_ctx *c = r->ctx;
    return &c->progress;
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
    /* -q: only what needs looking at (failures, errors, warnings, tests not run) */
    if (c->o.quiet && (t->outcome == AC_OUT_PASS || t->outcome == AC_OUT_SKIP)) {
        count_status(c);
        return 0;
    }
    double ms = c->det || !(t->duration_ms > 0) ? 0.0 : t->duration_ms;
    ac_buf b;
    ac_buf_init(&b);
    char *id = ac_text_one_line(t->id, CONSOLE_MESSAGE_MAX);
    char *name = ac_text_one_line(t->name, CONSOLE_MESSAGE_MAX);
    char *msg = NULL;
    switch (t->outcome) {
    case AC_OUT_PASS:
        label(c, &b, "PASS", COL_GREEN);
        ac_buf_printf(&b, "%s %s (%.0f ms)\n", id, name, ms);
        break;
    case AC_OUT_FAIL:
    case AC_OUT_ERROR:
        label(c, &b, t->outcome == AC_OUT_FAIL ? "FAIL" : "ERROR", COL_RED);
        msg = ac_text_one_line(ac_report_message(t), CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "%s %s: %s (%.0f ms)\n", id, name, msg, ms);
        break;
    case AC_OUT_WARN:
        label(c, &b, "WARN", strict ? COL_RED : COL_YELLOW);
        msg = ac_text_one_line(ac_report_should_message(t), CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "%s %s: %s (%.0f ms)%s\n", id, name, msg, ms,
                      strict ? " (strict: counts as failure)" : "");
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
    /* issue 12 point 3: the case's refs under every FAIL and WARN line (h-docs). */
    if (t->outcome == AC_OUT_FAIL || t->outcome == AC_OUT_WARN)
        ac_report_refs_line(&b, t, "    ", CONSOLE_MESSAGE_MAX);
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
    int rc = write_buf(c, &b, err);
    count_status(c);
    return rc;
}

/* Test ids after a heading, comma-separated and wrapped so that a long list stays readable. */
static void wrapped_ids(ac_buf *b, const ac_strlist *ids)
{
    size_t col = 0;
    for (size_t i = 0; i < ids->n; i++) {
        char *id = ac_text_one_line(ids->items[i], CONSOLE_MESSAGE_MAX);
        size_t w = strlen(id) + (i + 1 < ids->n ? 1 : 0);
        if (col == 0 || col + 1 + w > CONSOLE_WIDTH) {
            ac_buf_puts(b, col ? "\n    " : "    ");
            col = 4;
        } else {
            ac_buf_putc(b, ' ');
            col++;
        }
        ac_buf_printf(b, "%s%s", id, i + 1 < ids->n ? "," : "");
        col += w;
        free(id);
    }
    ac_buf_putc(b, '\n');
}

/* Gaps, grouped: each missing variable once with the tests that need it, then every other gap
 * with its reason. 41 copies of "requires variable username" would hide the one thing to do. */
static void gap_groups(ac_buf *b, const ac_coverage *cov, bool allowed)
{
    size_t n = 0;
    ac_gap_group *g = ac_cov_groups(cov, allowed, &n);
    for (size_t i = 0; i < n; i++) {
        if (g[i].missing_var) {
            char *var = ac_text_one_line(g[i].missing_var, CONSOLE_MESSAGE_MAX);
            ac_buf_printf(b, "  variable %s is not set; %zu test%s need%s it:\n", var, g[i].ids.n,
                          g[i].ids.n == 1 ? "" : "s", g[i].ids.n == 1 ? "s" : "");
            free(var);
            wrapped_ids(b, &g[i].ids);
        } else {
            char *id = ac_text_one_line(g[i].ids.items[0], CONSOLE_MESSAGE_MAX);
            char *why = ac_text_one_line(g[i].reason, CONSOLE_MESSAGE_MAX);
            ac_buf_printf(b, "  %s (%s): %s\n", id, ac_skip_kind_name(g[i].kind), why);
            free(id);
            free(why);
        }
    }
    ac_cov_groups_free(g, n);
}

/* "; failed: 3 failures, 1 error, 1 not run": what the failed count of the summary line is made
 * of (warned: the warnings counted as failures, under --strict), when it is more than must
 * failures. */
static void failed_parts(ac_buf *b, const ac_run_summary *s, size_t failed, size_t warned)
{
    if (failed == s->failed) return;
    const char *sep = "; failed: ";
    if (s->failed) {
        ac_buf_printf(b, "%s%zu failure%s", sep, s->failed, s->failed == 1 ? "" : "s");
        sep = ", ";
    }
    if (warned) {
        ac_buf_printf(b, "%s%zu should-level under --strict", sep, warned);
        sep = ", ";
    }
    if (s->errored) {
        ac_buf_printf(b, "%s%zu error%s", sep, s->errored, s->errored == 1 ? "" : "s");
        sep = ", ";
    }
    if (s->not_run) ac_buf_printf(b, "%s%zu not run", sep, s->not_run);
}

/* The verdict that opens the summary line, from the exit status the run ends with. */
static const char *verdict_word(const ac_run_summary *s, const char **colour)
{
    if (s->interrupted) {
        *colour = COL_RED;
        return "INTERRUPTED";
    }
    switch (s->exit_code) {
    case 0: *colour = COL_GREEN; return "PASS";
    case 3: *colour = COL_RED; return "UNREACHABLE";
    case 4: *colour = COL_YELLOW; return "INCOMPLETE";
    default: *colour = COL_RED; return "FAIL";
    }
}

/* What the numbers are made of and the gaps when the run is incomplete; what stopped it early;
 * then the one summary line, always the last line (docs/report-formats.md):
 *   VERDICT: P passed, F failed, S skipped of N tests in T s[; W passed with warnings]
 *            [; failed: parts]; COVERAGE
 * in the numbers of the JUnit file (a non-strict warning is a passing test case there, a test
 * not run an error). */
static int console_end(ac_reporter *r, const ac_run_summary *s, char **err)
{
    console_ctx *c = r->ctx;
    ac_run_summary zero = {0};
    if (!s) s = &zero;
    const ac_coverage *cov = &s->coverage;
    ac_buf b;
    ac_buf_init(&b);
    double secs = c->det || !(s->duration_ms > 0) ? 0.0 : s->duration_ms / 1000.0;
    size_t passed = s->passed + (c->strict ? 0 : s->warned);
    size_t failed = s->failed + s->errored + s->not_run + (c->strict ? s->warned : 0);
    ac_buf_putc(&b, '\n');
    if (cov->incomplete) {
        char *verdict = ac_cov_verdict(cov);
        ac_buf_printf(&b, "%s\n", verdict);
        free(verdict);
        gap_groups(&b, cov, false);
        char *hint = ac_cov_hint(cov);
        ac_buf_printf(&b, "  %s\n", hint);
        free(hint);
    }
    if (ac_cov_allowed(cov)) {
        char *heading = ac_cov_allowed_heading(cov);
        ac_buf_printf(&b, "%s:\n", heading);
        free(heading);
        gap_groups(&b, cov, true);
    }
    if (s->interrupted) {
        ac_buf_printf(&b, "INTERRUPTED by %s: tests not reached did not run and are not in the reports\n",
                      ac_signal_name(s->interrupted));
    } else if (s->bailed) {
        char *why = ac_text_one_line(s->bail_reason && *s->bail_reason ? s->bail_reason
                                                                       : "run stopped early",
                                     CONSOLE_MESSAGE_MAX);
        ac_buf_printf(&b, "stopped early: %s\n", why);
        free(why);
    }
    const char *colour = COL_RESET;
    const char *word = verdict_word(s, &colour);
    if (c->o.color) ac_buf_printf(&b, "%s%s%s", colour, word, COL_RESET);
    else ac_buf_puts(&b, word);
    ac_buf_printf(&b, ": %zu passed, %zu failed, %zu skipped of %zu test%s in %.2f s", passed, failed,
                  s->skipped, s->total, s->total == 1 ? "" : "s", secs);
    if (!c->strict && s->warned) ac_buf_printf(&b, "; %zu passed with warnings", s->warned);
    failed_parts(&b, s, failed, c->strict ? s->warned : 0);
    char *line = ac_coverage_line(cov);
    ac_buf_printf(&b, "; %s\n", line);
    free(line);
    return write_buf(c, &b, err);
}

static void console_destroy(ac_reporter *r)
{
    if (!r) return;
    console_ctx *c = r->ctx;
    if (c) pthread_mutex_destroy(&c->mu);
    free(c);
    free(r);
}

ac_reporter *ac_report_console_new(FILE *out, const ac_report_opts *o, char **err)
{
    (void)err;
    console_ctx *c = ac_calloc(1, sizeof *c);
    c->out = out ? out : stderr;
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    pthread_mutex_init(&c->mu, NULL);
    c->last_count_ms = ac_now_ms();   /* the first count comes 10 s into the run at the earliest */
    c->progress.fn = console_progress;
    c->progress.ctx = c;
    return ac_reporter_make("console", c, console_begin, console_test, console_end, console_destroy);
}
