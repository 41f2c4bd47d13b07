/* Views of a test result shared by the writers, so TAP, JUnit and the console agree on which
 * check is the headline and which step is the evidence. */
#include "report_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

bool ac_report_deterministic(const ac_report_opts *o)
{
    if (o && o->deterministic) return true;
    const char *e = getenv("AC_REPORT_DETERMINISTIC");
    return e && strcmp(e, "1") == 0;
}

size_t ac_report_cap(const ac_report_opts *o)
{
    return (o && o->stream_cap) ? o->stream_cap : AC_REPORT_DEFAULT_CAP;
}

const ac_check *ac_report_step_primary(const ac_step_result *s)
{
    const ac_check *best = NULL;
    for (size_t i = 0; s && i < s->n_checks; i++) {
        const ac_check *c = &s->checks[i];
        if (c->passed) continue;
        if (!best || c->severity < best->severity) best = c;   /* must=0 is the most severe */
    }
    return best;
}

const ac_check *ac_report_primary(const ac_test_result *t, const ac_step_result **step_out)
{
    const ac_check *best = NULL;
    const ac_step_result *best_step = NULL;
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_check *c = ac_report_step_primary(&t->steps[i]);
        if (c && (!best || c->severity < best->severity)) {
            best = c;
            best_step = &t->steps[i];
        }
    }
    if (step_out) *step_out = best_step;
    return best;
}

size_t ac_report_step_failed(const ac_step_result *s)
{
    size_t n = 0;
    for (size_t i = 0; s && i < s->n_checks; i++)
        if (!s->checks[i].passed) n++;
    return n;
}

size_t ac_report_failed(const ac_test_result *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_steps; i++) n += ac_report_step_failed(&t->steps[i]);
    return n;
}

static bool nonempty(const char *s) { return s && *s; }

static const char *check_message(const ac_check *c)
{
    if (!c) return NULL;
    if (nonempty(c->message)) return c->message;
    if (nonempty(c->check)) return c->check;
    return NULL;
}

void ac_report_refs_line(ac_buf *b, const ac_test_result *t, const char *prefix, size_t max)
{
    if (!t->refs.n) return;
    ac_buf_printf(b, "%srefs: ", prefix);
    for (size_t i = 0; i < t->refs.n; i++) {
        char *r = ac_text_one_line(t->refs.items[i], max);
        ac_buf_printf(b, "%s%s", i ? "; " : "", r);
        free(r);
    }
    ac_buf_putc(b, '\n');
}

const char *ac_report_message(const ac_test_result *t)
{
    if (nonempty(t->reason)) return t->reason;
    const char *m = check_message(ac_report_primary(t, NULL));
    return m ? m : ac_outcome_phrase(t->outcome);
}

const char *ac_report_step_message(const ac_step_result *s)
{
    if (nonempty(s->reason)) return s->reason;
    const char *m = check_message(ac_report_step_primary(s));
    return m ? m : ac_outcome_phrase(s->outcome);
}

const char *ac_report_should_message(const ac_test_result *t)
{
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        for (size_t k = 0; k < s->n_checks; k++) {
            const ac_check *c = &s->checks[k];
            if (!c->passed && c->severity == AC_SEV_SHOULD && check_message(c))
                return check_message(c);
        }
    }
    return ac_report_message(t);
}

const ac_step_result *ac_report_evidence_step(const ac_test_result *t)
{
    const ac_step_result *s = NULL;
    if (ac_report_primary(t, &s) && s) return s;
    for (size_t i = t->n_steps; i-- > 0;) {
        const ac_step_result *c = &t->steps[i];
        if (c->outcome != AC_OUT_PASS && c->outcome != AC_OUT_NOTRUN &&
            c->outcome != AC_OUT_SKIP)
            return c;
    }
    for (size_t i = t->n_steps; i-- > 0;) {
        const ac_step_result *c = &t->steps[i];
        if (nonempty(c->request_excerpt) || nonempty(c->response_excerpt)) return c;
    }
    return NULL;
}

ac_node_section *ac_node_sections(const ac_test_result *t, size_t *n)
{
    *n = 0;
    ac_node_section *secs = NULL;
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        const char *node = nonempty(s->node) ? s->node : s->for_node;
        if (!nonempty(node)) continue;
        size_t k = 0;
        while (k < *n && strcmp(secs[k].node, node) != 0) k++;
        if (k == *n) {
            /* At most one section per step: size the array once. */
            if (!secs) secs = ac_calloc(t->n_steps, sizeof *secs);
            secs[k].node = node;
            secs[k].outcome = AC_OUT_PASS;
            secs[k].steps = ac_calloc(t->n_steps, sizeof *secs[k].steps);
            (*n)++;
        }
        secs[k].steps[secs[k].n_steps++] = s;
        secs[k].outcome = ac_outcome_worse(secs[k].outcome, s->outcome);
    }
    return secs;
}

bool ac_report_has_nodes(const ac_test_result *t)
{
    for (size_t i = 0; i < t->n_steps; i++)
        if (nonempty(t->steps[i].node) || nonempty(t->steps[i].for_node)) return true;
    return false;
}

void ac_node_sections_free(ac_node_section *secs, size_t n)
{
    if (!secs) return;
    for (size_t i = 0; i < n; i++) free(secs[i].steps);
    free(secs);
}

const ac_step_result *ac_node_section_culprit(const ac_node_section *sec)
{
    if (!sec || sec->outcome == AC_OUT_PASS) return NULL;
    for (size_t i = 0; i < sec->n_steps; i++)
        if (sec->steps[i]->outcome == sec->outcome) return sec->steps[i];
    return NULL;
}

void ac_report_seconds(char out[32], double ms, bool deterministic)
{
    /* NaN, negative or absurd durations would print a sign or an exponent: clamp them. */
    if (deterministic || !(ms > 0)) ms = 0;
    if (ms > 1e15) ms = 1e15;
    snprintf(out, 32, "%.3f", ms / 1000.0);
}

void ac_report_set_err(char **err, char *msg)
{
    if (err) *err = msg;
    else free(msg);
}

static int (*g_tmp_add)(const char *path);
static void (*g_tmp_drop)(const char *path);

void ac_report_set_tmpfile_hooks(int (*add)(const char *path), void (*drop)(const char *path))
{
    g_tmp_add = add;
    g_tmp_drop = drop;
}

static void tmp_add(const char *path)
{
    if (g_tmp_add) g_tmp_add(path);
}

static void tmp_drop(const char *path)
{
    if (g_tmp_drop) g_tmp_drop(path);
}

FILE *ac_report_open_tmp(const char *path, char **tmp_path, const char *what, char **err)
{
    *tmp_path = ac_sprintf("%s.tmp", path);
    /* Registered before it exists, so a second signal (which exits at once) finds it. */
    tmp_add(*tmp_path);
    FILE *f = fopen(*tmp_path, "w");
    if (!f) tmp_drop(*tmp_path);
    if (!f) ac_report_set_err(err, ac_sprintf("%s: cannot open the %s: %s", *tmp_path, what, strerror(errno)));
    return f;
}

int ac_report_commit_tmp(FILE **out, bool write_ok, int write_errno, const char *tmp_path,
                         const char *path, const char *what, char **err)
{
    FILE *f = *out;
    *out = NULL;
    int e = write_ok ? 0 : write_errno;
    if (write_ok && ferror(f)) {
        write_ok = false;
        e = errno;
    }
    /* fclose reports the errors of buffered writes; both must succeed before the rename. */
    if (fclose(f) != 0 && write_ok) {
        write_ok = false;
        e = errno;
    }
    if (!write_ok) {
        ac_report_set_err(err, ac_sprintf("%s: writing the %s: %s", tmp_path, what, strerror(e)));
        remove(tmp_path);
        tmp_drop(tmp_path);
        return -1;
    }
    if (rename(tmp_path, path) != 0) {
        ac_report_set_err(err, ac_sprintf("%s: cannot rename %s: %s", path, tmp_path, strerror(errno)));
        remove(tmp_path);
        tmp_drop(tmp_path);
        return -1;
    }
    tmp_drop(tmp_path);
    return 0;
}

void ac_report_discard_tmp(FILE **out, const char *tmp_path)
{
    if (!*out) return;
    fclose(*out);
    *out = NULL;
    remove(tmp_path);
    tmp_drop(tmp_path);
}

ac_reporter *ac_reporter_make(const char *format, void *ctx,
                              int (*begin)(ac_reporter *, const ac_run_info *, char **),
                              int (*test)(ac_reporter *, const ac_test_result *, size_t, char **),
                              int (*end)(ac_reporter *, const ac_run_summary *, char **),
                              void (*destroy)(ac_reporter *))
{
    ac_reporter *r = ac_calloc(1, sizeof *r);
    r->format = format;
    r->ctx = ctx;
    r->begin = begin;
    r->test = test;
    r->end = end;
    r->destroy = destroy;
    return r;
}

void ac_report_opts_copy(ac_report_opts *dst, const ac_report_opts *o)
{
    if (o) *dst = *o;
    else ac_report_opts_init(dst);
}

int ac_report_write_file(const char *path, const void *data, size_t len, const char *what, char **err)
{
    char *tmp = NULL;
    FILE *f = ac_report_open_tmp(path, &tmp, what, err);
    int rc = -1;
    if (f) {
        bool ok = fwrite(data, 1, len, f) == len;
        rc = ac_report_commit_tmp(&f, ok, errno, tmp, path, what, err);
    }
    free(tmp);
    return rc;
}
