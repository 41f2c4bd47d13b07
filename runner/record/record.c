/* The run record: the suite's content hash, the run information the writers need, and reading a
 * record back with every member checked, so `diff` can trust what it compares. */
#include "record.h"
#include "record_read.h"
#include "suite_hash.h"
#include "version.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Larger files are not records this program wrote (20,000 tests take about 10 MB). */
#define RECORD_MAX_BYTES ((size_t)256 * 1024 * 1024)

static void set_err(char **err, char *msg)
{
    if (err) *err = msg;
    else free(msg);
}

/* ---- the suite hash ------------------------------------------------------------------------- */

static int hash_file(EVP_MD_CTX *md, const char *path, char **err)
{
    size_t len = 0;
    char *e = NULL;
    char *data = ac_read_file(path, &len, &e);
    if (!data) {
        set_err(err, e);
        return -1;
    }
    bool ok = ac_suite_hash_feed(md, path, data, len);
    free(data);
    if (!ok) {
        set_err(err, ac_strdup("SHA-256 failed"));
        return -1;
    }
    return 0;
}

int ac_model_hash(const ac_model *m, char out[72], char **err)
{
    if (m->suite_hash[0]) {   /* the loader's, from the bytes it read: no file is read again */
        memcpy(out, m->suite_hash, sizeof m->suite_hash);
        return (int)m->n_files;
    }
    out[0] = '\0';
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(md);
        set_err(err, ac_strdup("SHA-256 is not available"));
        return -1;
    }
    int files = 0;
    if (m->manifest.path && hash_file(md, m->manifest.path, err) < 0) goto fail;
    for (size_t i = 0; i < m->n_files; i++) {
        if (hash_file(md, m->files[i].path, err) < 0) goto fail;
        files++;
    }
    if (!ac_suite_hash_final(md, out)) {
        set_err(err, ac_strdup("SHA-256 failed"));
        goto fail;
    }
    EVP_MD_CTX_free(md);
    return files;
fail:
    EVP_MD_CTX_free(md);
    return -1;
}

/* The HTML report's links for refs (result.h's ac_ref_linker) from the manifest's table. */
static void ref_link(const void *ctx, const char *ref, char **url, char **title)
{
    const ac_manifest *mf = ctx;
    const ac_ref_doc *doc = NULL;
    ac_ref_classify(ref, mf->ref_docs, mf->n_ref_docs, &doc, url);
    if (doc && doc->title) *title = ac_strdup(doc->title);
}

void ac_run_info_fill(ac_run_info *info, const ac_model *m, const ac_config *cfg)
{
    info->libcurl_version = ac_version_libcurl();
    info->tls_version = ac_version_tls();
    if (m) {
        info->suite_name = m->manifest.name;
        info->suite_version = m->manifest.version;
        info->ref_link = (ac_ref_linker){ .fn = ref_link, .ctx = &m->manifest };
        int n = ac_model_hash(m, info->suite_hash, NULL);
        info->suite_files = n > 0 ? (size_t)n : 0;
    }
    if (cfg) {
        info->tags = &cfg->tags;
        info->skip_tags = &cfg->skip_tags;
        info->include = &cfg->include;
        info->ids = &cfg->ids;
        info->shard = cfg->shard;
        info->allow_skip = &cfg->allow_skip;
        info->allow_incomplete = cfg->allow_incomplete;
        info->nodes = &cfg->node_specs;
        info->coverage = true;
        info->fail_fast = cfg->fail_fast;
        info->run_deadline_s = cfg->run_deadline_s;
    }
}

/* ---- outcomes ------------------------------------------------------------------------------- */

bool ac_record_test_failing(const ac_record *r, const ac_record_test *t)
{
    return ac_outcome_is_failure(t->outcome, r->strict);
}

/* ---- reading -------------------------------------------------------------------------------- */

char *ac_record_read_capped(const char *path, size_t *len, char **err)
{
    char *e = NULL, *text = ac_read_file_capped(path, RECORD_MAX_BYTES, "a run record", len, &e);
    if (!text) set_err(err, e);
    return text;
}

/* A string member: required ones fail when absent or not a string; optional ones may be absent
 * or null. */
static int get_str(const char *name, const cJSON *obj, const char *key, const char *where,
                   bool required, char **out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (required) {
            set_err(err, ac_sprintf("%s: %s: member \"%s\" is missing", name, where, key));
            return -1;
        }
        *out = ac_strdup("");
        return 0;
    }
    if (!cJSON_IsString(v)) {
        set_err(err, ac_sprintf("%s: %s: member \"%s\" must be a string", name, where, key));
        return -1;
    }
    *out = ac_strdup(v->valuestring);
    return 0;
}

int ac_record_get_number(const char *name, const cJSON *obj, const char *key, const char *where,
                      bool required, double *out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required) {
            set_err(err, ac_sprintf("%s: %s: member \"%s\" is missing", name, where, key));
            return -1;
        }
        return 0;
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0) {
        set_err(err, ac_sprintf("%s: %s: member \"%s\" must be a number >= 0", name, where, key));
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

/* An optional array of strings (absent or null: empty). */
static int get_strings(const char *name, const cJSON *obj, const char *key, const char *where,
                       ac_strlist *l, char **err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key), *s;
    if (!a || cJSON_IsNull(a)) return 0;
    if (!cJSON_IsArray(a)) goto bad;
    cJSON_ArrayForEach(s, a) {
        if (!cJSON_IsString(s)) goto bad;
        ac_strlist_push(l, s->valuestring);
    }
    return 0;
bad:
    set_err(err, ac_sprintf("%s: %s: member \"%s\" must be an array of strings", name, where, key));
    return -1;
}

int ac_record_load_test(const char *name, const cJSON *jt, size_t index, ac_record_test *t, char **err)
{
    char where[64];
    snprintf(where, sizeof where, "tests[%zu]", index);
    if (!cJSON_IsObject(jt)) {
        set_err(err, ac_sprintf("%s: %s must be an object", name, where));
        return -1;
    }
    char *outcome = NULL;
    if (get_str(name, jt, "id", where, true, &t->id, err) < 0) return -1;
    if (!*t->id) {
        set_err(err, ac_sprintf("%s: %s: \"id\" is empty", name, where));
        return -1;
    }
    snprintf(where, sizeof where, "test %.40s", t->id);
    if (get_str(name, jt, "name", where, true, &t->name, err) < 0 ||
        get_str(name, jt, "area", where, true, &t->area, err) < 0 ||
        get_str(name, jt, "severity", where, true, &t->severity, err) < 0 ||
        get_str(name, jt, "outcome", where, true, &outcome, err) < 0)
        goto fail;
    if (!ac_outcome_parse(outcome, &t->outcome)) {
        set_err(err, ac_sprintf("%s: %s: unknown outcome \"%s\" (expected pass, fail, warn, error, "
                                "skip or not_run)", name, where, outcome));
        goto fail;
    }
    if (strcmp(t->severity, "must") && strcmp(t->severity, "should") && strcmp(t->severity, "info")) {
        set_err(err, ac_sprintf("%s: %s: unknown severity \"%s\" (expected must, should or info)",
                                name, where, t->severity));
        goto fail;
    }
    if (ac_record_get_number(name, jt, "duration_ms", where, false, &t->duration_ms, err) < 0) goto fail;
    double line = 0;
    if (ac_record_get_number(name, jt, "line", where, false, &line, err) < 0) goto fail;
    t->line = line < 1e9 ? (int)line : 0;
    if (get_str(name, jt, "file", where, false, &t->file, err) < 0 ||
        get_str(name, jt, "missing_var", where, false, &t->missing_var, err) < 0 ||
        get_strings(name, jt, "controls", where, &t->controls, err) < 0 ||
        get_strings(name, jt, "notes", where, &t->notes, err) < 0 ||
        get_strings(name, jt, "tags", where, &t->tags, err) < 0 ||
        get_strings(name, jt, "refs", where, &t->refs, err) < 0)
        goto fail;
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(jt, "skip_kind");
    if (kind && !cJSON_IsNull(kind)) {
        t->skip_kind = cJSON_IsString(kind) ? ac_skip_kind_parse(kind->valuestring) : AC_SKIP_NONE;
        if (t->skip_kind == AC_SKIP_NONE) {
            set_err(err, ac_sprintf("%s: %s: \"skip_kind\" must be not-applicable, not-configured or "
                                    "rate-limited", name, where));
            goto fail;
        }
    }
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(jt, "message");
    if (msg && !cJSON_IsNull(msg)) {
        if (!cJSON_IsString(msg)) {
            set_err(err, ac_sprintf("%s: %s: member \"message\" must be a string or null", name, where));
            goto fail;
        }
        t->message = ac_strdup(msg->valuestring);
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(jt, "statuses");
    if (st) {
        if (!cJSON_IsArray(st)) {
            set_err(err, ac_sprintf("%s: %s: member \"statuses\" must be an array", name, where));
            goto fail;
        }
        size_t n = (size_t)cJSON_GetArraySize(st);
        t->statuses = ac_calloc(n + 1, sizeof *t->statuses);
        const cJSON *s;
        cJSON_ArrayForEach(s, st) {
            if (!cJSON_IsNumber(s) || s->valuedouble < 0 || s->valuedouble > 999 ||
                s->valuedouble != (double)(long)s->valuedouble) {
                set_err(err, ac_sprintf("%s: %s: \"statuses\" must hold HTTP status numbers", name, where));
                goto fail;
            }
            t->statuses[t->n_statuses++] = (long)s->valuedouble;
        }
    }
    free(outcome);
    return 0;
fail:
    free(outcome);
    return -1;
}

/* ---- coverage ------------------------------------------------------------------------------ */

static int strings_from(const char *name, const cJSON *o, const char *key, ac_strlist *l, char **err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *s;
    if (!cJSON_IsArray(a)) {
        set_err(err, ac_sprintf("%s: coverage: \"%s\" must be an array of strings", name, key));
        return -1;
    }
    cJSON_ArrayForEach(s, a) {
        if (!cJSON_IsString(s)) {
            set_err(err, ac_sprintf("%s: coverage: \"%s\" must be an array of strings", name, key));
            return -1;
        }
        ac_strlist_push(l, s->valuestring);
    }
    return 0;
}

/* The `coverage` member (written by reports/json.c), checked as strictly as a test: `merge`
 * unites what it reads here. */
int ac_record_load_coverage(const char *name, const cJSON *jc, ac_coverage *c, char **err)
{
    if (!cJSON_IsObject(jc)) {
        set_err(err, ac_sprintf("%s: \"coverage\" is missing or not an object", name));
        return -1;
    }
    double sel = 0, judged = 0, na = 0;
    if (ac_record_get_number(name, jc, "must_selected", "coverage", true, &sel, err) < 0 ||
        ac_record_get_number(name, jc, "must_judged", "coverage", true, &judged, err) < 0 ||
        ac_record_get_number(name, jc, "must_not_applicable", "coverage", true, &na, err) < 0)
        return -1;
    c->must_selected = (size_t)sel;
    c->must_judged = (size_t)judged;
    c->must_na = (size_t)na;
    const cJSON *complete = cJSON_GetObjectItemCaseSensitive(jc, "complete");
    const cJSON *gaps = cJSON_GetObjectItemCaseSensitive(jc, "gaps"), *jg;
    if (!cJSON_IsBool(complete) || !cJSON_IsArray(gaps)) {
        set_err(err, ac_sprintf("%s: coverage: \"%s\" is missing or has the wrong type", name,
                                !cJSON_IsBool(complete) ? "complete" : "gaps"));
        return -1;
    }
    c->incomplete = !cJSON_IsTrue(complete);
    c->gaps = ac_calloc((size_t)cJSON_GetArraySize(gaps) + 1, sizeof *c->gaps);
    cJSON_ArrayForEach(jg, gaps) {
        ac_gap *g = &c->gaps[c->n_gaps++];
        char *kind = NULL;
        const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(jg, "allowed");
        int rc = cJSON_IsObject(jg) ? 0 : -1;
        if (rc == 0) rc = get_str(name, jg, "id", "coverage gap", true, &g->id, err);
        if (rc == 0) rc = get_str(name, jg, "kind", "coverage gap", true, &kind, err);
        if (rc == 0) rc = get_str(name, jg, "reason", "coverage gap", true, &g->reason, err);
        if (rc == 0) rc = get_str(name, jg, "missing_var", "coverage gap", false, &g->missing_var, err);
        if (rc == 0 && !*g->missing_var) {
            free(g->missing_var);
            g->missing_var = NULL;
        }
        if (rc == 0) g->kind = ac_skip_kind_parse(kind);
        free(kind);
        if (rc == 0 && (!ac_skip_kind_is_gap(g->kind) || !cJSON_IsBool(allowed))) {
            set_err(err, ac_sprintf("%s: coverage: gap %.40s needs a kind (not-configured or rate-limited) "
                                    "and allowed true or false", name, g->id));
            rc = -1;
        } else if (rc < 0 && !cJSON_IsObject(jg)) {
            set_err(err, ac_sprintf("%s: coverage: every gap must be an object", name));
        }
        if (rc < 0) return -1;
        g->allowed = cJSON_IsTrue(allowed);
    }
    if (strings_from(name, jc, "missing", &c->missing, err) < 0 ||
        strings_from(name, jc, "allowed", &c->allowed, err) < 0)
        return -1;
    return 0;
}

/* Test ids are unique within a record; sorted copies of the pointers find duplicates. */
static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ac_record_check_unique(const char *name, const ac_record *r, char **err)
{
    if (r->n_tests < 2) return 0;
    char **ids = ac_malloc(r->n_tests * sizeof *ids);
    for (size_t i = 0; i < r->n_tests; i++) ids[i] = r->tests[i].id;
    qsort(ids, r->n_tests, sizeof *ids, cmp_str_ptr);
    int rc = 0;
    for (size_t i = 1; i < r->n_tests; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            set_err(err, ac_sprintf("%s: test id %s appears twice", name, ids[i]));
            rc = -1;
            break;
        }
    free(ids);
    return rc;
}

/* The `summary` object: counts, how the run ended and its exit code. Members of the wrong
 * type are ignored (older readers only took exit_code from it). */
void ac_record_load_summary(const cJSON *summary, ac_record *out)
{
    if (!cJSON_IsObject(summary)) return;
    out->has_summary = true;
    static const struct { const char *key; size_t off; } COUNTS[] = {
        { "total", offsetof(ac_record, n_total) }, { "pass", offsetof(ac_record, n_pass) },
        { "fail", offsetof(ac_record, n_fail) }, { "warn", offsetof(ac_record, n_warn) },
        { "error", offsetof(ac_record, n_error) }, { "skip", offsetof(ac_record, n_skip) },
        { "not_run", offsetof(ac_record, n_not_run) },
    };
    for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(summary, COUNTS[i].key);
        if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e12)
            *(size_t *)((char *)out + COUNTS[i].off) = (size_t)v->valuedouble;
    }
    out->stopped_early = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(summary, "stopped_early"));
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(summary, "stop_reason");
    if (cJSON_IsString(why)) out->stop_reason = ac_strdup(why->valuestring);
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(summary, "interrupted");
    if (cJSON_IsString(sig) && *sig->valuestring) out->interrupted = ac_strdup(sig->valuestring);
    const cJSON *ec = cJSON_GetObjectItemCaseSensitive(summary, "exit_code");
    if (cJSON_IsNumber(ec)) out->exit_code = (int)ec->valuedouble;
}

/* The optional "nodes" of a cluster run: [{"name": ..., "address": ...}], into out->nodes as
 * "NAME=ADDRESS" (how ac_run_info.nodes gives them to the writers). */
static int read_nodes(const char *name, const cJSON *root, ac_record *out, char **err)
{
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(root, "nodes"), *jn;
    if (!ns || cJSON_IsNull(ns)) return 0;
    if (!cJSON_IsArray(ns)) goto bad;
    cJSON_ArrayForEach(jn, ns) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(jn, "name");
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(jn, "address");
        if (!cJSON_IsObject(jn) || !cJSON_IsString(n) || !*n->valuestring || !cJSON_IsString(a)) goto bad;
        char *item = ac_sprintf("%s=%s", n->valuestring, a->valuestring);
        ac_strlist_push(&out->nodes, item);
        free(item);
    }
    return 0;
bad:
    set_err(err, ac_sprintf("%s: record: \"nodes\" must be an array of objects with a \"name\" and an "
                            "\"address\" (strings)", name));
    return -1;
}

/* Everything of a record but the JSON parse. `header_only`: the header line of an events file,
 * which has no tests, summary or coverage (the caller reads those from their own lines). */
int ac_record_from_json(const char *name, const cJSON *root, ac_record *out, char **err, bool header_only)
{
    int rc = -1;
    if (!cJSON_IsObject(root)) {
        set_err(err, ac_sprintf("%s: the top level must be an object: not a run record", name));
        goto out;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "record_version");
    if (!ver) {
        set_err(err, ac_sprintf("%s: no \"record_version\": not a run record written by "
                                "authconform --json", name));
        goto out;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble < 1 || ver->valuedouble != (double)(int)ver->valuedouble) {
        set_err(err, ac_sprintf("%s: \"record_version\" must be a positive integer", name));
        goto out;
    }
    out->record_version = (int)ver->valuedouble;
    if (out->record_version > AC_RECORD_VERSION) {
        set_err(err, ac_sprintf("%s: record_version %d is newer than this authconform reads (%d): "
                                "use a newer authconform", name, out->record_version, AC_RECORD_VERSION));
        goto out;
    }
    const cJSON *tool = cJSON_GetObjectItemCaseSensitive(root, "tool");
    const cJSON *suite = cJSON_GetObjectItemCaseSensitive(root, "suite");
    const cJSON *opts = cJSON_GetObjectItemCaseSensitive(root, "options");
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(root, "summary");
    if (header_only) tests = NULL;
    if (!cJSON_IsObject(tool) || !cJSON_IsObject(suite) || !cJSON_IsObject(opts) ||
        (!header_only && !cJSON_IsArray(tests))) {
        set_err(err, ac_sprintf("%s: \"%s\" is missing or has the wrong type", name,
                                !cJSON_IsObject(tool) ? "tool" : !cJSON_IsObject(suite) ? "suite"
                                : !cJSON_IsObject(opts) ? "options" : "tests"));
        goto out;
    }
    double files = 0;
    if (get_str(name, tool, "version", "tool", true, &out->tool_version, err) < 0 ||
        get_str(name, suite, "name", "suite", false, &out->suite_name, err) < 0 ||
        get_str(name, suite, "version", "suite", false, &out->suite_version, err) < 0 ||
        get_str(name, suite, "hash", "suite", false, &out->suite_hash, err) < 0 ||
        ac_record_get_number(name, suite, "files", "suite", false, &files, err) < 0 ||
        get_str(name, root, "target", "record", false, &out->target, err) < 0 ||
        get_str(name, root, "profile", "record", true, &out->profile, err) < 0 ||
        get_str(name, root, "started_at", "record", false, &out->started_at, err) < 0 ||
        ac_record_get_number(name, root, "duration_ms", "record", false, &out->duration_ms, err) < 0)
        goto out;
    out->suite_files = files < 1e9 ? (size_t)files : 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, opts) {
        char *v = cJSON_PrintUnformatted(o);
        ac_strlist_push(&out->option_names, o->string ? o->string : "");
        ac_strlist_push(&out->option_values, v ? v : "null");
        cJSON_free(v);
        if (o->string && strcmp(o->string, "strict") == 0) {
            if (!cJSON_IsBool(o)) {
                set_err(err, ac_sprintf("%s: options: \"strict\" must be true or false", name));
                goto out;
            }
            out->strict = cJSON_IsTrue(o);
        }
    }
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(root, "merged_shards"), *m;
    out->has_merged_shards = cJSON_IsArray(ms);
    if (out->has_merged_shards)
        cJSON_ArrayForEach(m, ms) ac_strlist_push(&out->merged_shards, cJSON_IsString(m) ? m->valuestring : "");
    if (read_nodes(name, root, out, err) < 0) goto out;
    double planned = 0;
    if (ac_record_get_number(name, root, "planned", "record", false, &planned, err) < 0) goto out;
    out->planned = planned < 1e12 ? (size_t)planned : 0;
    out->finished = !header_only;
    if (header_only) {
        rc = 0;
        goto out;
    }
    ac_record_load_summary(summary, out);
    size_t n = (size_t)cJSON_GetArraySize(tests);
    out->tests = ac_calloc(n + 1, sizeof *out->tests);
    const cJSON *jt;
    cJSON_ArrayForEach(jt, tests) {
        ac_record_test *t = &out->tests[out->n_tests++];
        if (ac_record_load_test(name, jt, out->n_tests - 1, t, err) < 0) goto out;
        if (ac_record_load_detail(name, cJSON_GetObjectItemCaseSensitive(jt, "detail"), t, err) < 0) goto out;
    }
    if (ac_record_check_unique(name, out, err) < 0) goto out;
    /* Version 1 predates coverage; from version 2 on it is part of the verdict, so required. */
    if (out->record_version >= 2) {
        if (ac_record_load_coverage(name, cJSON_GetObjectItemCaseSensitive(root, "coverage"), &out->coverage, err) < 0)
            goto out;
        out->has_coverage = true;
    }
    rc = 0;
out:
    return rc;
}

int ac_record_parse(const char *name, const char *text, size_t len, ac_record *out, char **err)
{
    memset(out, 0, sizeof *out);
    out->path = ac_strdup(name);
    out->exit_code = -1;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        set_err(err, ac_sprintf("%s: not valid JSON (near byte %zu): not a run record written by "
                                "authconform --json", name, off));
        return -1;
    }
    int rc = ac_record_from_json(name, root, out, err, false);
    cJSON_Delete(root);
    return rc;
}

int ac_record_load(const char *path, ac_record *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    char *text = ac_record_read_capped(path, &len, err);
    if (!text) {
        out->path = ac_strdup(path);
        return -1;
    }
    if (len == 0) {
        free(text);
        out->path = ac_strdup(path);
        set_err(err, ac_sprintf("%s: empty file: not a run record", path));
        return -1;
    }
    int rc = ac_record_parse(path, text, len, out, err);
    free(text);
    return rc;
}

static void record_test_free(ac_record_test *t)
{
    free(t->id);
    free(t->name);
    free(t->area);
    free(t->severity);
    free(t->message);
    free(t->statuses);
    free(t->file);
    free(t->missing_var);
    free(t->reason);
    free(t->transcript);
    for (size_t i = 0; i < t->n_steps; i++) ac_step_result_free(&t->steps[i]);
    free(t->steps);
    ac_strlist_free(&t->controls);
    ac_strlist_free(&t->notes);
    ac_strlist_free(&t->tags);
    ac_strlist_free(&t->refs);
}

void ac_record_free(ac_record *r)
{
    if (!r) return;
    free(r->path);
    free(r->tool_version);
    free(r->suite_name);
    free(r->suite_version);
    free(r->suite_hash);
    free(r->target);
    free(r->profile);
    free(r->started_at);
    free(r->stop_reason);
    free(r->interrupted);
    ac_strlist_free(&r->option_names);
    ac_strlist_free(&r->merged_shards);
    ac_strlist_free(&r->nodes);
    ac_strlist_free(&r->option_values);
    for (size_t i = 0; i < r->n_tests; i++) record_test_free(&r->tests[i]);
    free(r->tests);
    ac_coverage_free(&r->coverage);
    memset(r, 0, sizeof *r);
}
