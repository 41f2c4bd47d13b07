/* `authconform merge` (see merge.h): the run records of the shards of one run read into
 * one record, then written through the same writers as a live run (as `report` does). */
#include "merge.h"
#include "junit_merge.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "replay.h"
#include "report.h"
#include "report_common.h"
#include "util.h"

typedef struct input {
    const char *path;
    ac_record rec;      /* as the reader validated it: what merge compares, unites and moves */
} input;

static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* An option's value as the record wrote it (compact JSON); NULL when absent. */
static const char *option_value(const ac_record *r, const char *name)
{
    for (size_t i = 0; i < r->option_names.n; i++)
        if (strcmp(r->option_names.items[i], name) == 0) return r->option_values.items[i];
    return NULL;
}

/* The options without shard: equal for shards of one run (the values as the records wrote
 * them, compact JSON, so equal values are equal text). */
static bool same_options(const ac_record *a, const ac_record *b)
{
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->option_names.n; i++) {
        const char *name = a->option_names.items[i];
        if (strcmp(name, "shard") == 0) continue;
        na++;
        const char *v = option_value(b, name);
        if (!v || strcmp(v, a->option_values.items[i]) != 0) return false;
    }
    for (size_t i = 0; i < b->option_names.n; i++) nb += strcmp(b->option_names.items[i], "shard") != 0;
    return na == nb;
}

/* Which member of "suite" etc. differs between two shards' records; NULL when none. */
static const char *differing_member(const ac_record *a, const ac_record *b)
{
    if (a->record_version != b->record_version) return "record_version";
    if (!same_str(a->suite_name, b->suite_name) || !same_str(a->suite_version, b->suite_version) ||
        !same_str(a->suite_hash, b->suite_hash) || a->suite_files != b->suite_files)
        return "suite";
    if (!same_str(a->profile, b->profile)) return "profile";
    return NULL;
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
    const ac_record *first = &in[0].rec;
    for (size_t i = 1; i < n; i++) {
        if (!*note && !same_str(first->target, in[i].rec.target))
            *note = ac_sprintf("%s and %s ran against different targets; the merged record names the first",
                               in[0].path, in[i].path);
        const char *member = differing_member(first, &in[i].rec);
        if (member) {
            *err = ac_sprintf("%s and %s differ in \"%s\": they are not shards of one run", in[0].path,
                              in[i].path, member);
            return -1;
        }
        if (!same_options(first, &in[i].rec)) {
            *err = ac_sprintf("%s and %s were run with different options: they are not shards of one run",
                              in[0].path, in[i].path);
            return -1;
        }
    }
    /* Overlap: an id in two inputs. */
    size_t n_ids = 0;
    for (size_t i = 0; i < n; i++) n_ids += in[i].rec.n_tests;
    const char **ids = ac_calloc(n_ids + 1, sizeof *ids);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < in[i].rec.n_tests; t++) ids[k++] = in[i].rec.tests[t].id;
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
    for (size_t i = 0; i < first->nodes.n; i++) ac_strlist_push(&out->nodes, first->nodes.items[i]);
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
        cJSON *sh = option_value(r, "shard") ? cJSON_Parse(option_value(r, "shard")) : NULL;
        ac_strlist_push(&out->merged_shards, cJSON_IsString(sh) ? sh->valuestring : "");
        cJSON_Delete(sh);
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
    int rc = 0;
    for (size_t i = 0; i < n_inputs && rc == 0; i++) {   /* each read once, by the record reader */
        in[i].path = inputs[i];
        rc = ac_record_load(inputs[i], &in[i].rec, err);
    }
    if (rc == 0) rc = check_shards(in, n_inputs, err, note);
    if (rc == 0) combine(in, n_inputs, out);
    for (size_t i = 0; i < n_inputs; i++) {
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
