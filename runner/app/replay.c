/* Rebuilding reports from what a run left: an events file or a run record, read by the one
 * record reader (record.c), turned back into the result model and fed to the same writers as a
 * live run. An events file and a run record of version 3 keep every step, check and excerpt
 * ("detail"), so the rebuilt reports equal the live ones; an older record keeps one message per
 * test, so reports rebuilt from it show the outcome, message, statuses, notes, refs and
 * controls, without the evidence. */
#define _XOPEN_SOURCE 700   /* strptime */
#include "replay.h"
#include "interrupt.h"
#include "version.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void copy_list(ac_strlist *to, const ac_strlist *from)
{
    for (size_t i = 0; i < from->n; i++) ac_strlist_push(to, from->items[i]);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? ac_strdup(s) : NULL;
}

static void test_result(const ac_record *r, ac_record_test *t, ac_test_result *res)
{
    memset(res, 0, sizeof *res);
    res->id = ac_strdup(t->id);
    res->name = ac_strdup(t->name);
    res->suite = ac_strdup(t->area);
    res->file = dup_or_null(t->file);
    res->line = t->line;
    res->severity = AC_SEV_MUST;   /* unless the record says otherwise */
    ac_severity_parse(t->severity, &res->severity);
    res->outcome = t->outcome;
    res->strict = r->strict;
    res->reason = t->outcome == AC_OUT_PASS ? NULL : dup_or_null(t->message);
    res->skip_kind = t->outcome == AC_OUT_SKIP ? t->skip_kind : AC_SKIP_NONE;
    if (t->missing_var && *t->missing_var) {
        /* Written joined by ", " (reports/json.c); a variable's label has no ", " of its own. */
        const char *p = t->missing_var;
        for (;;) {
            const char *sep = strstr(p, ", ");
            ac_strlist_push_owned(&res->missing_vars, sep ? ac_strndup(p, (size_t)(sep - p)) : ac_strdup(p));
            if (!sep) break;
            p = sep + 2;
        }
    }
    copy_list(&res->controls, &t->controls);
    copy_list(&res->tags, &t->tags);
    copy_list(&res->refs, &t->refs);
    copy_list(&res->notes, &t->notes);
    if (t->n_statuses) {
        res->statuses = ac_malloc(t->n_statuses * sizeof *res->statuses);
        memcpy(res->statuses, t->statuses, t->n_statuses * sizeof *res->statuses);
        res->n_statuses = t->n_statuses;
    }
    res->duration_ms = t->duration_ms;
    if (t->has_detail) {   /* an events file: the steps, checks and excerpts as the run had them (moved) */
        free(res->reason);
        res->reason = t->reason;
        res->transcript = t->transcript;
        res->multi_step = t->multi_step;
        res->strict = t->strict || r->strict;
        res->steps = t->steps;
        res->n_steps = t->n_steps;
        t->reason = t->transcript = NULL;
        t->steps = NULL;
        t->n_steps = 0;
        t->has_detail = false;
    }
}

/* An option's value as the record wrote it (compact JSON), parsed; NULL when absent. */
static cJSON *option(const ac_record *r, const char *name)
{
    for (size_t i = 0; i < r->option_names.n; i++)
        if (strcmp(r->option_names.items[i], name) == 0) return cJSON_Parse(r->option_values.items[i]);
    return NULL;
}

/* The record's options, parsed back for the run information the writers print. */
typedef struct replay_opts {
    ac_strlist tags, skip_tags, include, ids, allow_skip;
    char *shard;
    bool allow_incomplete, fail_fast;
    double run_deadline_s;
} replay_opts;

static void option_list(const ac_record *r, const char *name, ac_strlist *l)
{
    cJSON *a = option(r, name), *item;
    cJSON_ArrayForEach(item, a) if (cJSON_IsString(item)) ac_strlist_push(l, item->valuestring);
    cJSON_Delete(a);
}

static void options_read(const ac_record *r, replay_opts *o)
{
    memset(o, 0, sizeof *o);
    option_list(r, "tags", &o->tags);
    option_list(r, "skip_tags", &o->skip_tags);
    option_list(r, "include", &o->include);
    option_list(r, "ids", &o->ids);
    option_list(r, "allow_skip", &o->allow_skip);
    cJSON *v = option(r, "shard");
    if (cJSON_IsString(v)) o->shard = ac_strdup(v->valuestring);
    cJSON_Delete(v);
    v = option(r, "allow_incomplete");
    o->allow_incomplete = cJSON_IsTrue(v);
    cJSON_Delete(v);
    v = option(r, "fail_fast");
    o->fail_fast = cJSON_IsTrue(v);
    cJSON_Delete(v);
    v = option(r, "run_deadline_s");
    o->run_deadline_s = cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble : 0;
    cJSON_Delete(v);
}

static void options_free(replay_opts *o)
{
    ac_strlist_free(&o->tags);
    ac_strlist_free(&o->skip_tags);
    ac_strlist_free(&o->include);
    ac_strlist_free(&o->ids);
    ac_strlist_free(&o->allow_skip);
    free(o->shard);
}

static int signal_number(const char *name)
{
    if (!name) return 0;
    if (strcmp(name, "SIGINT") == 0) return SIGINT;
    if (strcmp(name, "SIGTERM") == 0) return SIGTERM;
    if (strcmp(name, "SIGKILL") == 0) return SIGKILL;
    int n = 0;
    if (sscanf(name, "signal %d", &n) == 1 && n > 0 && n < 128) return n;
    return 0;
}

static double wall_of(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!iso || !*iso) return 0;
    const char *rest = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return rest ? (double)timegm(&tm) : 0;
}

/* The results of *r as the writers take them: one ac_test_result per test (the caller frees
 * each, then the array), the run information (borrowing from r and opts) and the summary (owned
 * members). A record without its end (r->finished false) gets a summary that says the run was
 * killed. The steps, transcripts and coverage are moved out of r. */
static void replay_results(ac_record *r, const replay_opts *opts, ac_test_result **tests, ac_run_info *info,
                           ac_run_summary *sum)
{
    memset(info, 0, sizeof *info);
    memset(sum, 0, sizeof *sum);
    int code = ac_replay_exit_code(r);
    info->tool_version = r->tool_version;
    info->libcurl_version = ac_version_libcurl();   /* this program's, as a live run records */
    info->tls_version = ac_version_tls();
    info->target = r->target && *r->target ? r->target : NULL;
    info->profile = r->profile;
    info->strict = r->strict;
    info->start_wall = wall_of(r->started_at);
    info->planned = r->planned > r->n_tests ? r->planned : r->n_tests;
    info->suite_name = r->suite_name && *r->suite_name ? r->suite_name : NULL;
    info->suite_version = r->suite_version && *r->suite_version ? r->suite_version : NULL;
    snprintf(info->suite_hash, sizeof info->suite_hash, "%s", r->suite_hash ? r->suite_hash : "");
    info->suite_files = r->suite_files;
    info->coverage = true;
    info->tags = &opts->tags;
    info->skip_tags = &opts->skip_tags;
    info->include = &opts->include;
    info->ids = &opts->ids;
    info->shard = opts->shard;
    info->merged_shards = r->has_merged_shards ? &r->merged_shards : NULL;
    info->nodes = r->nodes.n ? &r->nodes : NULL;
    info->allow_skip = &opts->allow_skip;
    info->allow_incomplete = opts->allow_incomplete;
    info->fail_fast = opts->fail_fast;
    info->run_deadline_s = opts->run_deadline_s;
    const ac_strlist *allow = &opts->allow_skip;
    bool allow_all = opts->allow_incomplete;

    *tests = ac_calloc(r->n_tests + 1, sizeof **tests);
    ac_coverage cov;
    memset(&cov, 0, sizeof cov);
    for (size_t i = 0; i < r->n_tests; i++) {
        ac_test_result *t = &(*tests)[i];
        test_result(r, &r->tests[i], t);
        ac_coverage_add(&cov, t, allow, allow_all);
        ac_run_summary_count(sum, t);
    }
    sum->duration_ms = r->duration_ms;
    if (r->finished) {
        /* The run's own summary and coverage: they count what the file may not list (the tests
         * an interrupted run never reached). */
        if (r->has_summary) {
            sum->total = r->n_total;
            sum->passed = r->n_pass;
            sum->failed = r->n_fail;
            sum->warned = r->n_warn;
            sum->errored = r->n_error;
            sum->skipped = r->n_skip;
            sum->not_run = r->n_not_run;
        }
        sum->bailed = r->stopped_early;
        sum->bail_reason = r->stopped_early ? ac_strdup(r->stop_reason ? r->stop_reason : "run stopped early") : NULL;
        sum->interrupted = signal_number(r->interrupted);
        sum->exit_code = r->exit_code;
        if (r->has_coverage) {
            ac_coverage_free(&cov);
            cov = r->coverage;   /* moved */
            memset(&r->coverage, 0, sizeof r->coverage);
            r->has_coverage = false;
        }
    } else {
        /* Killed: what was reported stands; the rest was never reached. The signal is not
         * known (SIGKILL, the OOM killer, a lost machine): SIGKILL is what CI systems send. */
        size_t missing = r->planned > r->n_tests ? r->planned - r->n_tests : 0;
        sum->total += missing;
        sum->not_run += missing;
        sum->bailed = true;
        sum->interrupted = SIGKILL;
        sum->bail_reason = ac_sprintf("run killed before it finished (events file has no end record): "
                                      "%zu of %zu planned tests reported", r->n_tests, info->planned);
        for (size_t i = 0; i < allow->n; i++) ac_strlist_push(&cov.allowed, allow->items[i]);
        if (allow_all) ac_strlist_push(&cov.allowed, "--allow-incomplete");
    }
    sum->coverage = cov;
    /* A killed run's reports (the rebuilt run record's exit_code) say what the run exited with
     * under SIGKILL; `report` itself exits with the verdict of what ran (ac_replay_exit_code). */
    sum->exit_code = r->finished ? code : 128 + SIGKILL;
}

int ac_replay_exit_code(const ac_record *r)
{
    /* A record rebuilt from a killed run says so (SIGKILL, 137): the same rule as its events. */
    bool killed = !r->finished || (r->interrupted && strcmp(r->interrupted, "SIGKILL") == 0);
    if (!killed && r->exit_code >= 0) return r->exit_code;
    for (size_t i = 0; i < r->n_tests; i++)
        if (ac_record_test_failing(r, &r->tests[i])) return 1;
    if (killed) return 4;
    return r->has_coverage && r->coverage.incomplete ? 4 : 0;
}

int ac_replay_feed(ac_record *r, ac_reporter **reps, size_t n_reps, char **err)
{
    ac_test_result *tests = NULL;
    ac_run_info info;
    ac_run_summary sum;
    replay_opts opts;
    options_read(r, &opts);
    replay_results(r, &opts, &tests, &info, &sum);
    int rc = 0;
    if (ac_reporters_begin(reps, n_reps, &info, err) < 0) rc = -1;
    for (size_t t = 0; t < r->n_tests; t++)
        if (ac_reporters_test(reps, n_reps, &tests[t], t + 1, err) < 0) rc = -1;
    if (ac_reporters_end(reps, n_reps, &sum, err) < 0) rc = -1;
    for (size_t t = 0; t < r->n_tests; t++) ac_test_result_free(&tests[t]);
    free(tests);
    free(sum.bail_reason);
    ac_coverage_free(&sum.coverage);
    options_free(&opts);
    return rc;
}

int ac_replay_command(const char *path, const char *tap_path, const char *junit_path, const char *html_path,
                      const char *json_path, const ac_report_opts *o, FILE *errout)
{
    if (!path) {
        fprintf(errout, "authconform report: error: report needs one file: authconform report EVENTS.jsonl|RECORD.json "
                        "[--tap FILE] [--junit FILE] [--html FILE] [--json FILE]\n");
        return 2;
    }
    if (!tap_path && !junit_path && !html_path && !json_path) {
        fprintf(errout, "authconform report: error: name at least one report to write: --tap FILE, --junit FILE, "
                        "--html FILE or --json FILE\n");
        return 2;
    }
    ac_record r;
    char *err = NULL;
    if (ac_record_load_any(path, &r, &err) < 0) {
        fprintf(errout, "%s\n", err ? err : "cannot read the file");
        free(err);
        ac_record_free(&r);
        return 2;
    }
    if (r.torn_tail)
        fprintf(errout, "authconform report: note: %s: the last line was cut short by the kill and is left out\n", path);
    ac_report_opts ro;
    if (o) ro = *o;
    else ac_report_opts_init(&ro);
    ro.strict = r.strict;
    ac_reporter *reps[4];
    size_t n_reps = 0;
    bool local_fail = false;
    const struct { const char *format, *path; } WANT[] = {
        { "tap", tap_path }, { "junit", junit_path }, { "json", json_path }, { "html", html_path },
    };
    for (size_t i = 0; i < sizeof WANT / sizeof WANT[0]; i++) {
        if (!WANT[i].path) continue;
        if (strcmp(WANT[i].format, "json") == 0 && strcmp(WANT[i].path, path) == 0) {
            fprintf(errout, "authconform report: error: --json %s would overwrite the file being read\n", path);
            local_fail = true;
            continue;
        }
        ac_reporter *rep = ac_report_new(WANT[i].format, WANT[i].path, NULL, &ro, &err);
        if (!rep) {
            fprintf(errout, "authconform report: error: %s\n", err ? err : "a report cannot be opened");
            free(err);
            err = NULL;
            local_fail = true;
            continue;
        }
        reps[n_reps++] = rep;
    }
    int code = ac_replay_exit_code(&r);
    if (ac_replay_feed(&r, reps, n_reps, &err) < 0) {
        fprintf(errout, "authconform report: error: %s\n", err ? err : "writing a report failed");
        local_fail = true;
    }
    fprintf(errout, "authconform report: %s: %zu test%s, %s\n", path, r.n_tests, r.n_tests == 1 ? "" : "s",
            !r.from_events ? "from a run record"
            : r.finished   ? "the run ended normally or by a handled signal"
                           : "no end line: the run was killed; the reports say INTERRUPTED");
    if (local_fail && (code == 0 || code == 1 || code == 4)) code = 5;
    for (size_t i = 0; i < n_reps; i++) reps[i]->destroy(reps[i]);
    free(err);
    ac_record_free(&r);
    return code;
}
