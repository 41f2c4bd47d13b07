/* `authconform merge` (see merge.h): the run records of the shards of one run read into
 * one record, then written through the same writers as a live run (as `report` does). */
#include "merge.h"
#include "junit_merge.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "record_read.h"
#include "replay.h"
#include "report.h"
#include "report_common.h"
#include "util.h"

typedef struct input {
    const char *path;
    cJSON *root;
    ac_record rec;      /* as the reader validated it: its coverage is what merge unites */
} input;

static bool same_member(const cJSON *a, const cJSON *b, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, key), *y = cJSON_GetObjectItemCaseSensitive(b, key);
    if (!x || !y) return x == y;
    return cJSON_Compare(x, y, true);
}

/* The options without shard: equal for shards of one run. */
static bool same_options(const cJSON *a, const cJSON *b)
{
    cJSON *x = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(a, "options"), true);
    cJSON *y = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(b, "options"), true);
    cJSON_DeleteItemFromObjectCaseSensitive(x, "shard");
    cJSON_DeleteItemFromObjectCaseSensitive(y, "shard");
    bool same = (!x && !y) || (x && y && cJSON_Compare(x, y, true));
    cJSON_Delete(x);
    cJSON_Delete(y);
    return same;
}

/* The run's precedence, 2 > 3 > 1 > 4 > 0. */
static int exit_rank(int code)
{
    if (code > 128) return 6;   /* an interrupted shard: the merged run was interrupted too */
    switch (code) {
    case 2: return 5;
    case 3: return 4;
    case 1: return 3;
    case 4: return 2;
    case 0: return 1;
    default: return 0;
    }
}

/* The coverage of the whole run: the shards' counts summed, their gaps united (a gap is one per
 * test id), the missing variables and accepted patterns each once. Incomplete when any united
 * gap was not accepted. */
static void unite_coverage(ac_coverage *u, const ac_coverage *c)
{
    u->must_selected += c->must_selected;
    u->must_judged += c->must_judged;
    u->must_na += c->must_na;
    for (size_t i = 0; i < c->n_gaps; i++) {
        const ac_gap *g = &c->gaps[i];
        bool known = false;
        for (size_t k = 0; k < u->n_gaps && !known; k++) known = strcmp(u->gaps[k].id, g->id) == 0;
        if (known) continue;
        u->gaps = ac_realloc(u->gaps, (u->n_gaps + 1) * sizeof *u->gaps);
        ac_gap *n = &u->gaps[u->n_gaps++];
        *n = *g;
        n->id = ac_strdup(g->id);
        n->reason = ac_strdup(g->reason);
        n->missing_var = ac_strdup(g->missing_var);
        if (!n->allowed) u->incomplete = true;
    }
    const ac_strlist *from[] = { &c->missing, &c->allowed };
    ac_strlist *into[] = { &u->missing, &u->allowed };
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < from[l]->n; i++)
            if (!ac_strlist_contains(into[l], from[l]->items[i])) ac_strlist_push(into[l], from[l]->items[i]);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The inputs are shards of one run: the same record_version, suite, profile and options but
 * `shard`, and no test in two of them. Returns 0, or -1 with *err; *note for different targets. */
static int check_shards(const input *in, size_t n, char **err, char **note)
{
    const cJSON *first = in[0].root;
    static const char *const same[] = { "record_version", "suite", "profile" };
    for (size_t i = 1; i < n; i++) {
        if (!*note && !same_member(first, in[i].root, "target"))
            *note = ac_sprintf("%s and %s ran against different targets; the merged record names the first",
                               in[0].path, in[i].path);
        for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
            if (!same_member(first, in[i].root, same[k])) {
                *err = ac_sprintf("%s and %s differ in \"%s\": they are not shards of one run", in[0].path,
                                  in[i].path, same[k]);
                return -1;
            }
        if (!same_options(first, in[i].root)) {
            *err = ac_sprintf("%s and %s were run with different options: they are not shards of one run",
                              in[0].path, in[i].path);
            return -1;
        }
    }
    /* Overlap: an id in two inputs. */
    size_t n_ids = 0;
    for (size_t i = 0; i < n; i++) n_ids += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(in[i].root, "tests"));
    const char **ids = ac_calloc(n_ids + 1, sizeof *ids);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(in[i].root, "tests"))
            ids[k++] = cJSON_GetObjectItemCaseSensitive(t, "id")->valuestring;
    }
    qsort(ids, n_ids, sizeof *ids, cmp_str);
    for (size_t i = 1; i < n_ids; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            *err = ac_sprintf("test %s is in more than one input: the records overlap (merge the records of the "
                              "shards of one run)", ids[i]);
            free(ids);
            return -1;
        }
    free(ids);
    return 0;
}

/* The shards' records as the record of the whole run (merge.h says what each member
 * becomes). Moves the tests and their details out of the inputs. */
static void combine(input *in, size_t n, ac_record *out)
{
    const ac_record *first = &in[0].rec;
    memset(out, 0, sizeof *out);
    out->path = ac_strdup("merged");
    out->record_version = first->record_version;
    out->tool_version = ac_strdup(first->tool_version);
    out->suite_name = ac_strdup(first->suite_name);
    out->suite_version = ac_strdup(first->suite_version);
    out->suite_hash = ac_strdup(first->suite_hash);
    out->suite_files = first->suite_files;
    out->target = ac_strdup(first->target);
    out->profile = ac_strdup(first->profile);
    out->strict = first->strict;
    for (size_t i = 0; i < first->option_names.n; i++) {
        bool shard = strcmp(first->option_names.items[i], "shard") == 0;
        ac_strlist_push(&out->option_names, first->option_names.items[i]);
        ac_strlist_push(&out->option_values, shard ? "null" : first->option_values.items[i]);
    }
    out->has_merged_shards = true;
    out->has_summary = true;
    out->finished = true;
    out->exit_code = 0;
    out->has_coverage = first->has_coverage;
    size_t n_tests = 0;
    for (size_t i = 0; i < n; i++) n_tests += in[i].rec.n_tests;
    out->tests = ac_calloc(n_tests + 1, sizeof *out->tests);
    for (size_t i = 0; i < n; i++) {
        ac_record *r = &in[i].rec;
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(in[i].root, "options");
        const cJSON *sh = cJSON_GetObjectItemCaseSensitive(o, "shard");
        ac_strlist_push(&out->merged_shards, cJSON_IsString(sh) ? sh->valuestring : "");
        if (r->started_at && *r->started_at && (!out->started_at || strcmp(r->started_at, out->started_at) < 0)) {
            free(out->started_at);
            out->started_at = ac_strdup(r->started_at);
        }
        out->planned += r->planned;
        out->duration_ms += r->duration_ms;
        out->n_total += r->n_total;
        out->n_pass += r->n_pass;
        out->n_fail += r->n_fail;
        out->n_warn += r->n_warn;
        out->n_error += r->n_error;
        out->n_skip += r->n_skip;
        out->n_not_run += r->n_not_run;
        if (r->stopped_early && !out->stopped_early) {
            out->stopped_early = true;
            out->stop_reason = ac_strdup(r->stop_reason ? r->stop_reason : "run stopped early");
        }
        if (!out->interrupted && r->interrupted) out->interrupted = ac_strdup(r->interrupted);
        if (exit_rank(r->exit_code) > exit_rank(out->exit_code)) out->exit_code = r->exit_code;
        unite_coverage(&out->coverage, &r->coverage);
        memcpy(out->tests + out->n_tests, r->tests, r->n_tests * sizeof *r->tests);   /* moved */
        out->n_tests += r->n_tests;
        r->n_tests = 0;
    }
    if (!out->started_at) out->started_at = ac_strdup("");
    /* Records before version 2 have no coverage; the merged one then has none either. */
    if (out->exit_code == 0 && out->has_coverage && out->coverage.incomplete) out->exit_code = 4;
}

/* The readers of every input, in order: records validated by the record reader, then read once
 * more as plain JSON for the comparisons of check_shards. */
static int read_inputs(input *in, const char *const *inputs, size_t n_inputs, char **err)
{
    for (size_t i = 0; i < n_inputs; i++) {
        in[i].path = inputs[i];
        if (ac_record_load(inputs[i], &in[i].rec, err) < 0) return -1;
        size_t len = 0;
        char *text = ac_record_read_capped(inputs[i], &len, err);
        if (!text) return -1;
        in[i].root = cJSON_ParseWithLength(text, len);
        free(text);
        if (!cJSON_IsObject(in[i].root)) {
            *err = ac_sprintf("%s: cannot be read again", inputs[i]);
            return -1;
        }
    }
    return 0;
}

int ac_record_merge_read(const char *const *inputs, size_t n_inputs, ac_record *out, char **err, char **note)
{
    *err = NULL;
    *note = NULL;
    memset(out, 0, sizeof *out);
    if (n_inputs == 0) {
        *err = ac_strdup("merge needs at least one run record to read");
        return -1;
    }
    input *in = ac_calloc(n_inputs, sizeof *in);
    int rc = read_inputs(in, inputs, n_inputs, err);
    if (rc == 0) rc = check_shards(in, n_inputs, err, note);
    if (rc == 0) combine(in, n_inputs, out);
    for (size_t i = 0; i < n_inputs; i++) {
        cJSON_Delete(in[i].root);
        ac_record_free(&in[i].rec);
    }
    free(in);
    return rc;
}

/* The merged record through the writers named in out (as `authconform report` writes them). */
static int write_merged(ac_record *rec, const ac_merge_outputs *out, FILE *info, char **err)
{
    ac_report_opts ro;
    ac_report_opts_init(&ro);
    ro.tap_version = out->tap_version ? out->tap_version : 14;
    ro.strict = rec->strict;
    const struct { const char *format, *path; } WANT[] = {
        { "tap", out->tap }, { "junit", out->junit }, { "json", out->json }, { "html", out->html },
    };
    ac_reporter *reps[4];
    size_t n_reps = 0;
    int rc = 0;
    for (size_t i = 0; i < sizeof WANT / sizeof WANT[0] && rc == 0; i++) {
        if (!WANT[i].path) continue;
        ac_reporter *rep = ac_report_new(WANT[i].format, WANT[i].path, NULL, &ro, err);
        if (rep) reps[n_reps++] = rep;
        else rc = -1;
    }
    if (rc == 0 && ac_replay_feed(rec, reps, n_reps, err) < 0) rc = -1;
    for (size_t i = 0; i < n_reps; i++) reps[i]->destroy(reps[i]);
    for (size_t i = 0; rc == 0 && i < sizeof WANT / sizeof WANT[0]; i++)
        if (WANT[i].path)
            fprintf(info, "authconform merge: %zu run record%s -> %s (%s)\n", rec->merged_shards.n,
                    rec->merged_shards.n == 1 ? "" : "s", WANT[i].path, WANT[i].format);
    return rc;
}

/* The inputs are told apart by their first byte ('<' JUnit, '{' record). */
int ac_merge_command(const char *const *inputs, size_t n, const ac_merge_outputs *out, FILE *info, char **err)
{
    ac_strlist xml = { 0 }, json = { 0 };
    *err = NULL;
    for (size_t i = 0; i < n && !*err; i++) {
        FILE *f = fopen(inputs[i], "rb");
        int c = EOF;
        if (f) {
            while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t') {}
            fclose(f);
        }
        if (c == '<') ac_strlist_push(&xml, inputs[i]);
        else if (c == '{') ac_strlist_push(&json, inputs[i]);
        else *err = ac_sprintf("%s: %s", inputs[i], f ? "neither a JUnit report nor a run record" : "cannot be read");
    }
    bool any_out = out->tap || out->junit || out->json || out->html;
    if (!*err && !any_out)
        *err = ac_strdup("merge needs at least one report to write: --junit OUT.xml, --json OUT.json, "
                         "--html OUT.html or --tap OUT.tap");
    if (!*err && n == 0) *err = ac_strdup("merge needs the run records (or JUnit reports) of the shards to read");
    if (!*err && json.n == 0 && (out->tap || out->json || out->html))
        *err = ac_strdup("merge --json, --html and --tap need run records (--json of each shard) to read; "
                         "JUnit reports give only --junit");
    if (!*err && json.n) {
        /* Records hold everything every report shows: they are the source of every output, and
         * JUnit reports given beside them are not needed. */
        ac_record rec;
        char *note = NULL;
        if (ac_record_merge_read((const char *const *)json.items, json.n, &rec, err, &note) == 0) {
            if (xml.n)
                fprintf(info, "authconform merge: note: the %zu JUnit report%s given beside the run records %s not "
                              "read: the records hold everything\n", xml.n, xml.n == 1 ? "" : "s",
                        xml.n == 1 ? "is" : "are");
            write_merged(&rec, out, info, err);
        }
        if (note) fprintf(info, "authconform merge: note: %s\n", note);
        free(note);
        ac_record_free(&rec);
    } else if (!*err && ac_junit_merge(out->junit, (const char *const *)xml.items, xml.n, err) == 0) {
        fprintf(info, "authconform merge: %zu JUnit report%s -> %s (run records are preferred: they give every "
                      "report, evidence included)\n", xml.n, xml.n == 1 ? "" : "s", out->junit);
    }
    ac_strlist_free(&xml);
    ac_strlist_free(&json);
    return *err ? -1 : 0;
}
