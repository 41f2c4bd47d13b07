/* Merging the run records of the shards of one run (see record_merge.h). The output has the
 * layout reports/json.c writes: one top-level member per line, one test per line. */
#include "record_merge.h"
#include "junit_merge.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report_common.h"
#include "util.h"

typedef struct input {
    const char *path;
    cJSON *root;
    ac_record rec;      /* as the reader validated it: its coverage is what merge unites */
} input;

/* Compact JSON of a member (NULL member -> "null"); caller frees. */
static char *compact(const cJSON *item)
{
    if (!item) return ac_strdup("null");
    char *v = cJSON_PrintUnformatted(item);
    char *out = ac_strdup(v ? v : "null");
    cJSON_free(v);
    return out;
}

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

static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
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

static void line(ac_buf *b, const char *key, char *value, bool last)
{
    ac_buf_printf(b, "  \"%s\": %s%s\n", key, value, last ? "" : ",");
    free(value);
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

static int merge(input *in, size_t n, const char *out_path, char **err, char **note)
{
    if (check_shards(in, n, err, note) < 0) return -1;
    const cJSON *first = in[0].root;
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_puts(&b, "{\n");
    line(&b, "record_version", compact(cJSON_GetObjectItemCaseSensitive(first, "record_version")), false);
    line(&b, "tool", compact(cJSON_GetObjectItemCaseSensitive(first, "tool")), false);
    line(&b, "suite", compact(cJSON_GetObjectItemCaseSensitive(first, "suite")), false);
    line(&b, "target", compact(cJSON_GetObjectItemCaseSensitive(first, "target")), false);
    line(&b, "profile", compact(cJSON_GetObjectItemCaseSensitive(first, "profile")), false);
    cJSON *opts = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(first, "options"), true);
    if (opts) cJSON_ReplaceItemInObjectCaseSensitive(opts, "shard", cJSON_CreateNull());
    line(&b, "options", compact(opts), false);
    cJSON_Delete(opts);
    cJSON *shards = cJSON_CreateArray();
    const cJSON *started = NULL;
    double planned = 0, duration = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(in[i].root, "options");
        const cJSON *sh = cJSON_GetObjectItemCaseSensitive(o, "shard");
        cJSON_AddItemToArray(shards, cJSON_IsString(sh) ? cJSON_CreateString(sh->valuestring) : cJSON_CreateNull());
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(in[i].root, "started_at");
        if (cJSON_IsString(st) && (!started || strcmp(st->valuestring, started->valuestring) < 0)) started = st;
        planned += num(in[i].root, "planned");
        duration += num(in[i].root, "duration_ms");
    }
    line(&b, "merged_shards", compact(shards), false);
    cJSON_Delete(shards);
    line(&b, "started_at", compact(started), false);
    line(&b, "planned", ac_sprintf("%.0f", planned), false);
    ac_buf_puts(&b, "  \"tests\": [");
    size_t written = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(in[i].root, "tests")) {
            char *v = compact(t);
            ac_buf_printf(&b, "%s\n    %s", written++ ? "," : "", v);
            free(v);
        }
    }
    ac_buf_puts(&b, written ? "\n  ],\n" : "],\n");

    static const char *const counts[] = { "total", "pass", "fail", "warn", "error", "skip", "not_run" };
    cJSON *sum = cJSON_CreateObject();
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        double total = 0;
        for (size_t i = 0; i < n; i++) total += num(cJSON_GetObjectItemCaseSensitive(in[i].root, "summary"), counts[c]);
        cJSON_AddNumberToObject(sum, counts[c], total);
    }
    bool stopped = false;
    const char *reason = NULL, *interrupted = NULL;
    int code = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(in[i].root, "summary");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "stopped_early"))) {
            const cJSON *r = cJSON_GetObjectItemCaseSensitive(s, "stop_reason");
            if (!stopped && cJSON_IsString(r)) reason = r->valuestring;
            stopped = true;
        }
        const cJSON *sig = cJSON_GetObjectItemCaseSensitive(s, "interrupted");
        if (!interrupted && cJSON_IsString(sig)) interrupted = sig->valuestring;
        int c = (int)num(s, "exit_code");
        if (exit_rank(c) > exit_rank(code)) code = c;
    }
    /* Records before version 2 have no coverage; the merged one then has none either. */
    ac_coverage cov = { 0 };
    for (size_t i = 0; i < n; i++) unite_coverage(&cov, &in[i].rec.coverage);
    if (code == 0 && cov.incomplete) code = 4;
    cJSON_AddBoolToObject(sum, "stopped_early", stopped);
    cJSON_AddItemToObject(sum, "stop_reason", stopped ? cJSON_CreateString(reason ? reason : "run stopped early")
                                                      : cJSON_CreateNull());
    if (interrupted) cJSON_AddStringToObject(sum, "interrupted", interrupted);
    cJSON_AddNumberToObject(sum, "exit_code", code);
    if (in[0].rec.has_coverage) {
        cJSON *jc = ac_json_coverage(&cov);
        line(&b, "coverage", compact(jc), false);
        cJSON_Delete(jc);
    }
    ac_coverage_free(&cov);
    line(&b, "summary", compact(sum), false);
    cJSON_Delete(sum);
    line(&b, "duration_ms", ac_sprintf("%.3f", duration), true);
    ac_buf_puts(&b, "}\n");

    /* What we wrote must read back as a record. */
    ac_record check;
    char *perr = NULL;
    int rc = ac_record_parse(out_path, b.data, b.len, &check, &perr);
    ac_record_free(&check);
    if (rc < 0) {
        *err = ac_sprintf("merged record is invalid (a bug): %s", perr ? perr : "?");
        free(perr);
    } else {
        rc = ac_report_write_file(out_path, ac_buf_str(&b), b.len, "merged run record", err);
    }
    ac_buf_free(&b);
    return rc;
}

int ac_record_merge(const char *out_path, const char *const *inputs, size_t n_inputs, char **err, char **note)
{
    *err = NULL;
    *note = NULL;
    if (n_inputs == 0) {
        *err = ac_strdup("merge --json needs at least one run record to read");
        return -1;
    }
    input *in = ac_calloc(n_inputs, sizeof *in);
    int rc = 0;
    for (size_t i = 0; i < n_inputs && rc == 0; i++) {
        in[i].path = inputs[i];
        rc = ac_record_load(inputs[i], &in[i].rec, err);
        if (rc < 0) break;
        /* Valid: read it again as plain JSON to copy members verbatim. */
        FILE *f = fopen(inputs[i], "rb");
        ac_buf text;
        ac_buf_init(&text);
        if (f) {
            char chunk[65536];
            size_t got;
            while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) ac_buf_append(&text, chunk, got);
            fclose(f);
        }
        in[i].root = text.data ? cJSON_ParseWithLength(text.data, text.len) : NULL;
        ac_buf_free(&text);
        if (!cJSON_IsObject(in[i].root)) {
            *err = ac_sprintf("%s: cannot be read again", inputs[i]);
            rc = -1;
        }
    }
    if (rc == 0) rc = merge(in, n_inputs, out_path, err, note);
    for (size_t i = 0; i < n_inputs; i++) {
        cJSON_Delete(in[i].root);
        ac_record_free(&in[i].rec);
    }
    free(in);
    return rc;
}

/* The inputs are told apart by their first byte ('<' JUnit, '{' record). */
int ac_merge_command(const char *const *inputs, size_t n, const char *junit_out, const char *json_out, FILE *info,
                     char **err)
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
    if (!*err && !junit_out && !json_out)
        *err = ac_strdup("merge needs --junit OUT.xml and/or --json OUT.json");
    if (!*err && junit_out && xml.n == 0) *err = ac_strdup("merge --junit needs JUnit reports to read");
    if (!*err && json_out && json.n == 0) *err = ac_strdup("merge --json needs run records (--json) to read");
    if (!*err && !junit_out && xml.n) *err = ac_strdup("JUnit reports given but no --junit OUT.xml");
    if (!*err && !json_out && json.n) *err = ac_strdup("run records given but no --json OUT.json");
    if (!*err && junit_out && ac_junit_merge(junit_out, (const char *const *)xml.items, xml.n, err) == 0)
        fprintf(info, "authconform merge: %zu JUnit report%s -> %s\n", xml.n, xml.n == 1 ? "" : "s", junit_out);
    char *note = NULL;
    if (!*err && json_out && ac_record_merge(json_out, (const char *const *)json.items, json.n, err, &note) == 0)
        fprintf(info, "authconform merge: %zu run record%s -> %s\n", json.n, json.n == 1 ? "" : "s", json_out);
    if (note) fprintf(info, "authconform merge: note: %s\n", note);
    free(note);
    ac_strlist_free(&xml);
    ac_strlist_free(&json);
    return *err ? -1 : 0;
}
