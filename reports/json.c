/* The run record (--json FILE): a versioned JSON document of a run, described in
 * docs/run-record.md and docs/run-record.schema.json, read back by `authconform diff`.
 *
 * Streamed: the header is written at begin(), each test as one line as it arrives, the summary
 * at end(); nothing is kept per test. The document goes to PATH.tmp (opened by the constructor,
 * so an unwritable path fails before anything is sent) and is renamed to PATH at the end. */
#include "record_json.h"
#include "report.h"
#include "writers.h"
#include "report_common.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A message is one line; long enough for any check's summary. */
#define JSON_MESSAGE_MAX 2000

typedef struct json_ctx {
    char *path, *tmp_path;   /* owned */
    FILE *out;               /* PATH.tmp, open from the constructor until end() */
    ac_report_opts o;
    bool det;
    size_t n_tests;
    bool io_failed;
    int io_errno;
    bool closed;
} json_ctx;


/* Every string from a run passes through ac_text_visible: a record is valid UTF-8. */
static cJSON *visible_string(const char *s)
{
    char *v = ac_text_visible_str(s);
    cJSON *j = cJSON_CreateString(v);
    free(v);
    return j;
}

static cJSON *one_line(const char *s)
{
    char *v = ac_text_one_line(s, JSON_MESSAGE_MAX);
    cJSON *j = cJSON_CreateString(v);
    free(v);
    return j;
}

static cJSON *string_or_null(const char *s)
{
    return s && *s ? visible_string(s) : cJSON_CreateNull();
}

static cJSON *string_list(const ac_strlist *l)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; l && i < l->n; i++) cJSON_AddItemToArray(a, visible_string(l->items[i]));
    return a;
}

cJSON *ac_json_coverage(const ac_coverage *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "must_selected", (double)c->must_selected);
    cJSON_AddNumberToObject(o, "must_judged", (double)c->must_judged);
    cJSON_AddNumberToObject(o, "must_not_applicable", (double)c->must_na);
    cJSON_AddBoolToObject(o, "complete", !c->incomplete);
    cJSON *gaps = cJSON_AddArrayToObject(o, "gaps");
    for (size_t i = 0; i < c->n_gaps; i++) {
        const ac_gap *g = &c->gaps[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "id", visible_string(g->id));
        cJSON_AddStringToObject(j, "kind", ac_skip_kind_name(g->kind));
        cJSON_AddItemToObject(j, "reason", one_line(g->reason ? g->reason : ""));
        cJSON_AddBoolToObject(j, "allowed", g->allowed);
        if (g->missing_var) cJSON_AddItemToObject(j, "missing_var", visible_string(g->missing_var));
        cJSON_AddItemToArray(gaps, j);
    }
    cJSON_AddItemToObject(o, "missing", string_list(&c->missing));
    cJSON_AddItemToObject(o, "allowed", string_list(&c->allowed));
    return o;
}

static double ms3(double ms, bool det)
{
    if (det || !(ms > 0) || !isfinite(ms)) return 0;
    return round(ms * 1000.0) / 1000.0;
}

static void put(json_ctx *c, const char *s, size_t n)
{
    if (c->io_failed || !c->out) return;
    if (fwrite(s, 1, n, c->out) != n) {
        c->io_failed = true;
        c->io_errno = errno;
    }
}

static void puts_(json_ctx *c, const char *s)
{
    put(c, s, strlen(s));
}

/* `  "key": <compact JSON>` followed by `sep`; takes item. */
static void member(json_ctx *c, const char *key, cJSON *item, const char *sep)
{
    char *v = cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    char *line = ac_sprintf("  \"%s\": %s%s", key, v ? v : "null", sep);
    puts_(c, line);
    free(line);
    cJSON_free(v);
}

static void iso_time(char out[32], double wall, bool det)
{
    time_t tt = det || !(wall > 0) ? 0 : (time_t)wall;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static int io_error(json_ctx *c, char **err)
{
    ac_report_set_err(err, ac_sprintf("%s: writing the run record: %s", c->tmp_path, strerror(c->io_errno)));
    return -1;
}

cJSON *ac_json_record_header(const ac_run_info *info, bool strict, bool det)
{
    ac_run_info none;
    if (!info) {
        memset(&none, 0, sizeof none);
        info = &none;
    }
    const char *profile = info->profile && *info->profile ? info->profile : "documented";
    cJSON *h = cJSON_CreateObject();
    cJSON_AddNumberToObject(h, "record_version", AC_RECORD_VERSION);

    cJSON *tool = cJSON_CreateObject();
    cJSON_AddStringToObject(tool, "name", "authconform");
    cJSON_AddItemToObject(tool, "version", visible_string(info->tool_version ? info->tool_version : AC_VERSION));
    cJSON_AddStringToObject(tool, "libcurl", det ? "0" : info->libcurl_version ? info->libcurl_version : "unknown");
    cJSON_AddStringToObject(tool, "tls", det ? "none" : info->tls_version ? info->tls_version : "unknown");
    cJSON_AddItemToObject(h, "tool", tool);

    cJSON *suite = cJSON_CreateObject();
    cJSON_AddItemToObject(suite, "name", string_or_null(info->suite_name));
    cJSON_AddItemToObject(suite, "version", string_or_null(info->suite_version));
    cJSON_AddItemToObject(suite, "hash", string_or_null(info->suite_hash));
    cJSON_AddNumberToObject(suite, "files", (double)info->suite_files);
    cJSON_AddItemToObject(h, "suite", suite);

    cJSON_AddItemToObject(h, "target", string_or_null(info->target));
    cJSON_AddItemToObject(h, "profile", visible_string(profile));

    cJSON *opts = cJSON_CreateObject();
    cJSON_AddItemToObject(opts, "profile", visible_string(profile));
    cJSON_AddBoolToObject(opts, "strict", info->strict || strict);
    cJSON_AddItemToObject(opts, "tags", string_list(info->tags));
    cJSON_AddItemToObject(opts, "skip_tags", string_list(info->skip_tags));
    cJSON_AddItemToObject(opts, "include", string_list(info->include));
    cJSON_AddItemToObject(opts, "ids", string_list(info->ids));
    cJSON_AddItemToObject(opts, "shard", string_or_null(info->shard));
    cJSON_AddItemToObject(opts, "allow_skip", string_list(info->allow_skip));
    cJSON_AddBoolToObject(opts, "allow_incomplete", info->allow_incomplete);
    cJSON_AddBoolToObject(opts, "fail_fast", info->fail_fast);
    if (info->run_deadline_s > 0) cJSON_AddNumberToObject(opts, "run_deadline_s", info->run_deadline_s);
    else cJSON_AddNullToObject(opts, "run_deadline_s");
    cJSON_AddItemToObject(h, "options", opts);
    if (info && info->merged_shards) {
        cJSON *ms = cJSON_AddArrayToObject(h, "merged_shards");
        for (size_t i = 0; i < info->merged_shards->n; i++) {
            const char *k = info->merged_shards->items[i];
            cJSON_AddItemToArray(ms, *k ? visible_string(k) : cJSON_CreateNull());
        }
    }
    if (info->nodes && info->nodes->n) {
        /* --node NAME=ADDR: the name up to the first '=', the address after it. */
        cJSON *ns = cJSON_AddArrayToObject(h, "nodes");
        for (size_t i = 0; i < info->nodes->n; i++) {
            const char *item = info->nodes->items[i], *eq = strchr(item, '=');
            char *name = eq ? ac_strndup(item, (size_t)(eq - item)) : ac_strdup(item);
            cJSON *jn = cJSON_CreateObject();
            cJSON_AddItemToObject(jn, "name", visible_string(name));
            cJSON_AddItemToObject(jn, "address", visible_string(eq ? eq + 1 : ""));
            cJSON_AddItemToArray(ns, jn);
            free(name);
        }
    }

    char stamp[32];
    iso_time(stamp, info->start_wall, det);
    cJSON_AddStringToObject(h, "started_at", stamp);
    cJSON_AddNumberToObject(h, "planned", (double)info->planned);
    return h;
}

static int json_begin(ac_reporter *r, const ac_run_info *info, char **err)
{
    json_ctx *c = r->ctx;
    cJSON *h = ac_json_record_header(info, c->o.strict, c->det);
    puts_(c, "{\n");
    /* One member per line, in the header's order; the tests follow. */
    while (h->child) {
        cJSON *m = cJSON_DetachItemViaPointer(h, h->child);
        char *key = ac_strdup(m->string);   /* member() deletes m, and its name with it */
        member(c, key, m, ",\n");
        free(key);
    }
    cJSON_Delete(h);
    puts_(c, "  \"tests\": [");
    return c->io_failed ? io_error(c, err) : 0;
}

static const char *test_message(const ac_test_result *t)
{
    switch (t->outcome) {
    case AC_OUT_PASS: return NULL;
    case AC_OUT_WARN: return ac_report_should_message(t);
    case AC_OUT_SKIP: return t->reason && *t->reason ? t->reason : "skipped";
    case AC_OUT_NOTRUN: return t->reason && *t->reason ? t->reason : "run stopped early";
    default: return ac_report_message(t);
    }
}

cJSON *ac_json_record_test(const ac_test_result *t, bool det)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", visible_string(t->id ? t->id : "?"));
    cJSON_AddItemToObject(o, "name", visible_string(t->name ? t->name : ""));
    cJSON_AddItemToObject(o, "area", visible_string(t->suite && *t->suite ? t->suite : "authconform"));
    cJSON_AddItemToObject(o, "file", string_or_null(t->file));
    cJSON_AddNumberToObject(o, "line", t->line > 0 ? t->line : 0);
    cJSON_AddStringToObject(o, "severity", ac_severity_name(t->severity));
    cJSON_AddStringToObject(o, "outcome", ac_outcome_key(t->outcome));
    /* Whether a skip is a gap in coverage or does not apply; the variable it waited for; the
     * positive controls it depended on. Only where they say something. */
    if (t->outcome == AC_OUT_SKIP)
        cJSON_AddStringToObject(o, "skip_kind", ac_skip_kind_name(t->skip_kind != AC_SKIP_NONE ? t->skip_kind
                                                                   : AC_SKIP_NOT_CONFIGURED));
    if (t->missing_vars.n) {
        /* One string, the variables joined by ", " (as the coverage gaps name them). */
        char *vars = ac_strlist_join(&t->missing_vars, ", ");
        cJSON_AddItemToObject(o, "missing_var", visible_string(vars));
        free(vars);
    }
    if (t->controls.n) cJSON_AddItemToObject(o, "controls", string_list(&t->controls));
    cJSON_AddNumberToObject(o, "duration_ms", ms3(t->duration_ms, det));
    cJSON *st = cJSON_CreateArray();
    for (size_t i = 0; i < t->n_statuses; i++) cJSON_AddItemToArray(st, cJSON_CreateNumber((double)t->statuses[i]));
    cJSON_AddItemToObject(o, "statuses", st);
    const char *msg = test_message(t);
    cJSON_AddItemToObject(o, "message", msg ? one_line(msg) : cJSON_CreateNull());
    cJSON *notes = cJSON_CreateArray();
    for (size_t i = 0; i < t->notes.n; i++) cJSON_AddItemToArray(notes, one_line(t->notes.items[i]));
    cJSON_AddItemToObject(o, "notes", notes);
    cJSON_AddItemToObject(o, "tags", string_list(&t->tags));
    cJSON_AddItemToObject(o, "refs", string_list(&t->refs));
    return o;
}

cJSON *ac_json_record_detail(const ac_test_result *t, size_t cap, bool det)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "reason", string_or_null(t->reason));
    cJSON_AddBoolToObject(d, "multi_step", t->multi_step);
    cJSON_AddBoolToObject(d, "strict", t->strict);
    cJSON *steps = cJSON_AddArrayToObject(d, "steps");
    for (size_t i = 0; i < t->n_steps; i++) {
        const ac_step_result *s = &t->steps[i];
        cJSON *js = cJSON_CreateObject();
        cJSON_AddItemToObject(js, "name", visible_string(s->name ? s->name : ""));
        cJSON_AddStringToObject(js, "outcome", ac_outcome_key(s->outcome));
        cJSON_AddItemToObject(js, "reason", string_or_null(s->reason));
        cJSON_AddNumberToObject(js, "status", (double)s->status);
        cJSON_AddNumberToObject(js, "duration_ms", ms3(s->duration_ms, det));
        cJSON_AddNumberToObject(js, "attempts", s->attempts);
        cJSON_AddItemToObject(js, "request", string_or_null(s->request_excerpt));
        cJSON_AddItemToObject(js, "response", string_or_null(s->response_excerpt));
        /* Cluster tests only: absent for every other step, so other records do not change. */
        if (s->node && *s->node) cJSON_AddItemToObject(js, "node", visible_string(s->node));
        if (s->for_node && *s->for_node) cJSON_AddItemToObject(js, "for_node", visible_string(s->for_node));
        cJSON *checks = cJSON_AddArrayToObject(js, "checks");
        for (size_t k = 0; k < s->n_checks; k++) {
            const ac_check *c = &s->checks[k];
            cJSON *jc = cJSON_CreateObject();
            cJSON_AddItemToObject(jc, "check", string_or_null(c->check));
            cJSON_AddItemToObject(jc, "expected", string_or_null(c->expected));
            cJSON_AddItemToObject(jc, "actual", string_or_null(c->actual));
            cJSON_AddItemToObject(jc, "message", string_or_null(c->message));
            cJSON_AddStringToObject(jc, "severity", ac_severity_name(c->severity));
            cJSON_AddBoolToObject(jc, "passed", c->passed);
            cJSON_AddItemToObject(jc, "file", string_or_null(c->file));
            cJSON_AddNumberToObject(jc, "line", c->line > 0 ? c->line : 0);
            cJSON_AddNumberToObject(jc, "col", c->col > 0 ? c->col : 0);
            cJSON_AddItemToArray(checks, jc);
        }
        cJSON_AddItemToArray(steps, js);
    }
    if (t->transcript && *t->transcript) {
        char *capped = ac_text_cap(t->transcript, cap);
        cJSON_AddItemToObject(d, "transcript", visible_string(capped));
        free(capped);
    } else {
        cJSON_AddNullToObject(d, "transcript");
    }
    return d;
}

static int json_test(ac_reporter *r, const ac_test_result *t, size_t index, char **err)
{
    (void)index;
    json_ctx *c = r->ctx;
    cJSON *o = ac_json_record_test(t, c->det);
    /* Since version 3 the record keeps what every writer shows, so reports rebuilt from it
     * (`report`, `merge`) carry the evidence too. */
    cJSON_AddItemToObject(o, "detail", ac_json_record_detail(t, ac_report_cap(&c->o), c->det));
    char *v = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    puts_(c, c->n_tests ? ",\n    " : "\n    ");
    puts_(c, v ? v : "{}");
    cJSON_free(v);
    c->n_tests++;
    return c->io_failed ? io_error(c, err) : 0;
}

cJSON *ac_json_record_summary(const ac_run_summary *s)
{
    cJSON *sum = cJSON_CreateObject();
    cJSON_AddNumberToObject(sum, "total", (double)s->total);
    cJSON_AddNumberToObject(sum, "pass", (double)s->passed);
    cJSON_AddNumberToObject(sum, "fail", (double)s->failed);
    cJSON_AddNumberToObject(sum, "warn", (double)s->warned);
    cJSON_AddNumberToObject(sum, "error", (double)s->errored);
    cJSON_AddNumberToObject(sum, "skip", (double)s->skipped);
    cJSON_AddNumberToObject(sum, "not_run", (double)s->not_run);
    cJSON_AddBoolToObject(sum, "stopped_early", s->bailed);
    cJSON_AddItemToObject(sum, "stop_reason", s->bailed ? one_line(s->bail_reason && *s->bail_reason
                                                                    ? s->bail_reason : "run stopped early")
                                                         : cJSON_CreateNull());
    /* Only when set, so the records of runs that ended normally stay as they were. */
    if (s->interrupted) cJSON_AddStringToObject(sum, "interrupted", ac_signal_name(s->interrupted));
    cJSON_AddNumberToObject(sum, "exit_code", s->exit_code);
    return sum;
}

static int json_end(ac_reporter *r, const ac_run_summary *s, char **err)
{
    json_ctx *c = r->ctx;
    if (c->closed) return 0;
    c->closed = true;
    ac_run_summary zero;
    memset(&zero, 0, sizeof zero);
    if (!s) s = &zero;
    puts_(c, c->n_tests ? "\n  ],\n" : "],\n");
    cJSON *sum = ac_json_record_summary(s);
    member(c, "coverage", ac_json_coverage(&s->coverage), ",\n");
    member(c, "summary", sum, ",\n");
    member(c, "duration_ms", cJSON_CreateNumber(ms3(s->duration_ms, c->det)), "\n");
    puts_(c, "}\n");

    return ac_report_commit_tmp(&c->out, !c->io_failed, c->io_errno, c->tmp_path, c->path, "run record", err);
}

static void json_destroy(ac_reporter *r)
{
    if (!r) return;
    json_ctx *c = r->ctx;
    if (c) {
        ac_report_discard_tmp(&c->out, c->tmp_path);   /* end() never ran */
        free(c->path);
        free(c->tmp_path);
        free(c);
    }
    free(r);
}

ac_reporter *ac_report_json_new(const char *path, const ac_report_opts *o, char **err)
{
    if (!path || !*path || strcmp(path, "-") == 0) {
        ac_report_set_err(err, ac_strdup("the run record needs a file path"));
        return NULL;
    }
    json_ctx *c = ac_calloc(1, sizeof *c);
    ac_report_opts_copy(&c->o, o);
    c->det = ac_report_deterministic(&c->o);
    c->path = ac_strdup(path);
    c->out = ac_report_open_tmp(path, &c->tmp_path, "run record", err);
    if (!c->out) {
        free(c->path);
        free(c->tmp_path);
        free(c);
        return NULL;
    }
    return ac_reporter_make("json", c, json_begin, json_test, json_end, json_destroy);
}
