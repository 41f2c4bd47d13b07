/* Reading the events file (--events, docs/report-formats.md): its lines become the run record
 * the run would have written, checked by the record reader's own checks (record_read.h), so
 * there is one reader of the result model's serialisation, not two. */
#include "record.h"
#include "record_read.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char **err, char *msg)
{
    if (err) *err = msg;
    else free(msg);
}


/* ---- events files --------------------------------------------------------------------------- */

/* The member "event" of a line, or NULL. */
static const char *event_kind(const cJSON *o)
{
    const cJSON *e = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "event") : NULL;
    return cJSON_IsString(e) ? e->valuestring : NULL;
}

/* The first line of text parsed, when it is an events file's start line; NULL otherwise. */
static cJSON *events_start_line(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;
    cJSON *o = cJSON_ParseWithLength(text, n);
    const char *kind = event_kind(o);
    if (kind && strcmp(kind, "start") == 0) return o;
    cJSON_Delete(o);
    return NULL;
}

/* "FILE:LINE: error" is the name the shared checks put in front of their messages, so each
 * one points at its line. Caller frees. */
static char *line_name(const char *path, size_t line)
{
    return ac_sprintf("%s:%zu: error", path, line);
}

static int events_parse(const char *path, const char *text, size_t len, cJSON *start, ac_record *out, char **err)
{
    int rc = -1;
    char *name = line_name(path, 1);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(start, "events_version");
    if (!cJSON_IsNumber(ver) || ver->valuedouble < 1 || ver->valuedouble != (double)(int)ver->valuedouble) {
        set_err(err, ac_sprintf("%s: \"events_version\" must be a positive integer", name));
        goto out;
    }
    if ((int)ver->valuedouble > AC_EVENTS_READ_VERSION) {
        set_err(err, ac_sprintf("%s: events_version %d is newer than this authconform reads (%d): use a newer "
                                "authconform", name, (int)ver->valuedouble, AC_EVENTS_READ_VERSION));
        goto out;
    }
    if (ac_record_from_json(name, start, out, err, true) < 0) goto out;
    out->from_events = true;
    out->finished = false;
    size_t cap = 16;
    out->tests = ac_calloc(cap, sizeof *out->tests);
    size_t lineno = 1;
    const char *p = memchr(text, '\n', len);
    p = p ? p + 1 : text + len;
    const char *end_of_text = text + len;
    while (p < end_of_text) {
        lineno++;
        const char *nl = memchr(p, '\n', (size_t)(end_of_text - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end_of_text - p);
        const char *line = p;
        p = nl ? nl + 1 : end_of_text;
        free(name);
        name = line_name(path, lineno);
        size_t k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r')) k++;
        if (k == n) continue;   /* a blank line */
        if (out->finished) {
            set_err(err, ac_sprintf("%s: a line after the end line", name));
            goto out;
        }
        const char *jend = NULL;
        cJSON *o = cJSON_ParseWithLengthOpts(line, n, &jend, false);
        if (!o) {
            if (!nl) {   /* the last line, cut short: the run died while writing it */
                out->torn_tail = true;
                break;
            }
            size_t col = jend && jend >= line ? (size_t)(jend - line) + 1 : 1;
            set_err(err, ac_sprintf("%s: not valid JSON (column %zu): not a line of an events file", name, col));
            goto out;
        }
        const char *kind = event_kind(o);
        if (kind && strcmp(kind, "test") == 0) {
            const cJSON *jt = cJSON_GetObjectItemCaseSensitive(o, "test");
            if (out->n_tests == cap) {
                cap *= 2;
                out->tests = ac_realloc(out->tests, cap * sizeof *out->tests);
            }
            ac_record_test *t = &out->tests[out->n_tests];
            memset(t, 0, sizeof *t);
            out->n_tests++;
            int trc = ac_record_load_test(name, jt, out->n_tests - 1, t, err);
            if (trc == 0) trc = ac_record_load_detail(name, cJSON_GetObjectItemCaseSensitive(o, "detail"), t, err);
            cJSON_Delete(o);
            if (trc < 0) goto out;
        } else if (kind && strcmp(kind, "end") == 0) {
            double ms = 0;
            int erc = ac_record_load_coverage(name, cJSON_GetObjectItemCaseSensitive(o, "coverage"), &out->coverage, err);
            if (erc == 0) erc = ac_record_get_number(name, o, "duration_ms", "end", false, &ms, err);
            if (erc == 0 && !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "summary"))) {
                set_err(err, ac_sprintf("%s: the end line has no \"summary\" object", name));
                erc = -1;
            }
            if (erc == 0) ac_record_load_summary(cJSON_GetObjectItemCaseSensitive(o, "summary"), out);
            cJSON_Delete(o);
            if (erc < 0) goto out;
            out->has_coverage = true;
            out->duration_ms = ms;
            out->finished = true;
        } else {
            cJSON_Delete(o);
            set_err(err, ac_sprintf("%s: \"event\" must be \"test\" or \"end\" (\"start\" only on line 1)", name));
            goto out;
        }
    }
    free(name);
    name = ac_sprintf("%s: error", path);
    rc = ac_record_check_unique(name, out, err);
out:
    free(name);
    return rc;
}

int ac_record_load_any(const char *path, ac_record *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    char *text = ac_record_read_capped(path, &len, err);
    if (!text) {
        out->path = ac_strdup(path);
        return -1;
    }
    cJSON *start = len ? events_start_line(text, len) : NULL;
    if (!start) {   /* a run record */
        int rc = -1;
        if (len == 0) {
            out->path = ac_strdup(path);
            set_err(err, ac_sprintf("%s: empty file: neither a run record nor an events file", path));
        } else {
            rc = ac_record_parse(path, text, len, out, err);
        }
        free(text);
        return rc;
    }
    out->path = ac_strdup(path);
    out->exit_code = -1;
    int rc = events_parse(path, text, len, start, out, err);
    cJSON_Delete(start);
    free(text);
    return rc;
}
