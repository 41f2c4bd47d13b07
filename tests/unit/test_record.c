/* The run record: the JSON writer (reports/json.c) on the hand-made sample results, reading it
 * back (runner/record/record.c), a table of invalid records that must be refused with the file's name,
 * the suite hash, and the HTML writer's structure on the same samples. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../reports/samples.h"
#include "record.h"
#include "merge.h"
#include "report.h"
#include "util.h"
#include "unit_files.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Drives a writer through the sample run with suite and option information filled in. */
static void write_samples(ac_reporter *r, const ac_strlist *tags)
{
    ac_test_result *ts;
    size_t n = samples_build(&ts);
    ac_run_info info;
    memset(&info, 0, sizeof info);
    info.tool_version = "0.0.0-test";
    info.target = "http://127.0.0.1:8080/apiops";
    info.profile = "documented";
    info.tap_version = 14;
    info.start_wall = 1700000000.0;
    info.planned = n;
    info.suite_name = "sample-suite";
    info.suite_version = "2.3.4";
    snprintf(info.suite_hash, sizeof info.suite_hash, "sha256:%064d", 7);
    info.suite_files = 4;
    info.tags = tags;
    info.shard = "2/3";
    ac_run_summary sum;
    samples_summary(ts, n, NULL, false, &sum);
    ck_assert_int_eq(sum.exit_code, 1);
    char *err = NULL;
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(r->test(r, &ts[i], i + 1, &err), 0);
    ck_assert_int_eq(r->end(r, &sum, &err), 0);
    r->destroy(r);
    samples_summary_free(&sum);
    samples_free(ts, n);
}

static ac_report_opts det_opts(void)
{
    ac_report_opts o;
    ac_report_opts_init(&o);
    o.deterministic = true;
    o.stream_cap = 4096;
    return o;
}

static const cJSON *member(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v) ck_abort_msg("member %s missing", k);
    return v;
}

static const cJSON *test_by_id(const cJSON *tests, const char *id)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tests) {
        if (strcmp(member(t, "id")->valuestring, id) == 0) return t;
    }
    ck_abort_msg("test %s not in the record", id);
    return NULL;
}

/* ---- the writer --------------------------------------------------------------------------- */

START_TEST(test_json_writer)
{
    char *dir = make_tmpdir_for("record");
    char *path = ac_sprintf("%s/run.json", dir), *tmp = ac_sprintf("%s.tmp", path);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_json_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    /* The temporary file exists from the start (an unwritable path fails before the run). */
    ck_assert(exists(tmp));
    ac_strlist tags = { 0 };
    ac_strlist_push(&tags, "bearer");
    write_samples(r, &tags);
    ac_strlist_free(&tags);
    ck_assert(!exists(tmp));

    size_t len = 0;
    char *text = slurp_len(path, &len);
    ck_assert(ac_utf8_valid(text, len));
    cJSON *root = cJSON_Parse(text);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(member(root, "record_version")->valueint, AC_RECORD_VERSION);
    ck_assert_str_eq(member(member(root, "tool"), "version")->valuestring, "0.0.0-test");
    const cJSON *suite = member(root, "suite");
    ck_assert_str_eq(member(suite, "name")->valuestring, "sample-suite");
    ck_assert_str_eq(member(suite, "version")->valuestring, "2.3.4");
    ck_assert(ac_str_startswith(member(suite, "hash")->valuestring, "sha256:000"));
    ck_assert_int_eq(member(suite, "files")->valueint, 4);
    ck_assert_str_eq(member(root, "target")->valuestring, "http://127.0.0.1:8080/apiops");
    ck_assert_str_eq(member(root, "profile")->valuestring, "documented");
    ck_assert_str_eq(member(root, "started_at")->valuestring, "1970-01-01T00:00:00Z");
    const cJSON *opts = member(root, "options");
    ck_assert(cJSON_IsFalse(member(opts, "strict")));
    ck_assert_int_eq(cJSON_GetArraySize(member(opts, "tags")), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(member(opts, "tags"), 0)->valuestring, "bearer");
    ck_assert_str_eq(member(opts, "shard")->valuestring, "2/3");
    ck_assert(cJSON_IsNull(member(opts, "run_deadline_s")));

    const cJSON *tests = member(root, "tests");
    ck_assert_int_eq(cJSON_GetArraySize(tests), 12);
    const cJSON *t = test_by_id(tests, "TOKEN-OK");
    ck_assert_str_eq(member(t, "outcome")->valuestring, "pass");
    ck_assert(cJSON_IsNull(member(t, "message")));
    ck_assert_str_eq(member(t, "area")->valuestring, "token");
    ck_assert_str_eq(member(t, "severity")->valuestring, "must");
    ck_assert_int_eq((int)member(t, "duration_ms")->valuedouble, 0);   /* deterministic */
    t = test_by_id(tests, "TOKEN-BADPW");
    ck_assert_str_eq(member(t, "outcome")->valuestring, "fail");
    ck_assert_str_eq(member(t, "message")->valuestring, "status 500, expected one of 400, 401");
    ck_assert_int_eq(cJSON_GetArraySize(member(t, "refs")), 2);
    ck_assert_str_eq(member(test_by_id(tests, "BEARER-CASE"), "outcome")->valuestring, "warn");
    ck_assert_str_eq(member(test_by_id(tests, "BEARER-CASE"), "severity")->valuestring, "should");
    ck_assert_str_eq(member(test_by_id(tests, "BEARER-THROWAWAY"), "outcome")->valuestring, "skip");
    ck_assert_str_eq(member(test_by_id(tests, "TOKEN-FIXTURE"), "outcome")->valuestring, "error");
    ck_assert_str_eq(member(test_by_id(tests, "TOKEN-LATE"), "outcome")->valuestring, "not_run");
    t = test_by_id(tests, "INFO-SERVER");
    ck_assert_int_eq(cJSON_GetArraySize(member(t, "notes")), 2);
    /* A hostile message is one visible line: escapes, no raw control characters. */
    const char *hm = member(test_by_id(tests, "HOSTILE-BODY"), "message")->valuestring;
    ck_assert_ptr_null(strchr(hm, '\x1b'));
    ck_assert_ptr_null(strchr(hm, '\n'));
    ck_assert_ptr_nonnull(strstr(hm, "\\x1b"));
    ck_assert_ptr_nonnull(strstr(hm, "\\xff"));

    const cJSON *sum = member(root, "summary");
    ck_assert_int_eq(member(sum, "total")->valueint, 12);
    ck_assert_int_eq(member(sum, "fail")->valueint, 3);
    ck_assert_int_eq(member(sum, "not_run")->valueint, 1);
    ck_assert_int_eq(member(sum, "exit_code")->valueint, 1);
    ck_assert(cJSON_IsFalse(member(sum, "stopped_early")));
    cJSON_Delete(root);

    /* One test per line: grep-able. */
    size_t lines = 0;
    for (char *p = text; (p = strstr(p, "\n    {\"id\":")); p++) lines++;
    ck_assert_uint_eq(lines, 12);

    /* Read back by the diff's reader. */
    ac_record rec;
    ck_assert_msg(ac_record_load(path, &rec, &err) == 0, "%s", err ? err : "");
    ck_assert_uint_eq(rec.n_tests, 12);
    ck_assert_str_eq(rec.suite_version, "2.3.4");
    ck_assert_str_eq(rec.profile, "documented");
    ck_assert(!rec.strict);
    ck_assert_int_eq(rec.exit_code, 1);
    ck_assert_int_eq(rec.tests[1].outcome, AC_OUT_FAIL);
    ck_assert_uint_eq(rec.tests[1].n_statuses, 0);   /* the samples set none */
    ck_assert_int_eq(rec.tests[6].outcome, AC_OUT_NOTRUN);
    ck_assert(ac_record_test_failing(&rec, &rec.tests[6]));
    ck_assert(!ac_record_test_failing(&rec, &rec.tests[2]));   /* warn, not strict */
    ac_record_free(&rec);

    free(text);
    free(path);
    free(tmp);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_json_open_error)
{
    ac_report_opts o = det_opts();
    char *err = NULL;
    ck_assert_ptr_null(ac_report_json_new("/nonexistent-dir/x/run.json", &o, &err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x/run.json.tmp"));
    free(err);
    err = NULL;
    ck_assert_ptr_null(ac_report_json_new("-", &o, &err));
    ck_assert_ptr_nonnull(err);
    free(err);
    err = NULL;
    ac_reporter *r = ac_report_new("json", "/nonexistent-dir/run.json", NULL, &o, &err);
    ck_assert_ptr_null(r);
    free(err);
}
END_TEST

/* A destroyed writer whose end() never ran leaves no PATH.tmp and no PATH. */
START_TEST(test_json_abandoned)
{
    char *dir = make_tmpdir_for("record");
    char *path = ac_sprintf("%s/run.json", dir), *tmp = ac_sprintf("%s.tmp", path);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_json_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    r->destroy(r);
    ck_assert(!exists(tmp));
    ck_assert(!exists(path));
    free(path);
    free(tmp);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- invalid records ------------------------------------------------------------------------ */

#define HEAD_REST ",\"tool\":{\"name\":\"authconform\",\"version\":\"1\"}," \
                  "\"suite\":{\"name\":\"s\",\"version\":\"1\",\"hash\":null,\"files\":1},\"target\":null," \
                  "\"profile\":\"documented\",\"options\":{\"strict\":false},\"started_at\":\"x\","
#define HEAD "{\"record_version\":1" HEAD_REST
#define T(id, outcome) "{\"id\":\"" id "\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\"," \
                       "\"outcome\":\"" outcome "\",\"duration_ms\":1,\"statuses\":[200],\"message\":null}"

#define HEAD2 "{\"record_version\":2" HEAD_REST
#define COV(complete, gaps) "\"coverage\":{\"must_selected\":1,\"must_judged\":0,\"must_not_applicable\":0," \
                            "\"complete\":" complete ",\"gaps\":[" gaps "],\"missing\":[],\"allowed\":[]}"

typedef struct bad_case {
    const char *text;   /* NULL: the path is a directory */
    const char *want;   /* in the message, besides the file name */
} bad_case;

static const bad_case BAD[] = {
    { "", "empty file" },
    { "{\"record_version\":1,", "not valid JSON" },
    { "[1,2]", "top level must be an object" },
    { "{\"tests\":[]}", "no \"record_version\"" },
    { "{\"record_version\":\"1\"}", "positive integer" },
    { "{\"record_version\":4,\"tests\":[]}", "newer than this authconform reads" },
    /* From version 2 on, coverage is part of the verdict: required and checked. */
    { HEAD2 "\"tests\":[]}", "\"coverage\" is missing" },
    { HEAD2 "\"tests\":[]," COV("false", "{\"id\":\"A\",\"kind\":\"not-applicable\",\"reason\":\"r\",\"allowed\":false}") "}",
      "gap A needs a kind" },
    { HEAD2 "\"tests\":[]," COV("false", "{\"id\":\"A\",\"kind\":\"rate-limited\",\"reason\":\"r\"}") "}",
      "allowed true or false" },
    { HEAD2 "\"tests\":[]," COV("\"no\"", "") "}", "\"complete\" is missing or has the wrong type" },
    { HEAD2 "\"tests\":[{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\",\"outcome\":\"skip\","
            "\"skip_kind\":\"forgotten\"}]," COV("true", "") "}", "\"skip_kind\" must be" },
    { HEAD "\"summary\":{}}", "\"tests\" is missing" },
    { HEAD "\"tests\":{}}", "\"tests\" is missing or has the wrong type" },
    { HEAD "\"tests\":[" T("A", "passed") "]}", "unknown outcome \"passed\"" },
    { HEAD "\"tests\":[" T("A", "pass") "," T("A", "fail") "]}", "test id A appears twice" },
    { HEAD "\"tests\":[{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\"}]}",
      "member \"outcome\" is missing" },
    { HEAD "\"tests\":[{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"high\",\"outcome\":\"pass\"}]}",
      "unknown severity" },
    { HEAD "\"tests\":[{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\",\"outcome\":\"pass\","
           "\"statuses\":[\"200\"]}]}", "HTTP status numbers" },
    { HEAD "\"tests\":[{\"id\":\"\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\",\"outcome\":\"pass\"}]}",
      "\"id\" is empty" },
    { "{\"record_version\":1,\"tool\":{\"name\":\"authconform\",\"version\":\"1\"},\"suite\":{},"
      "\"options\":{\"strict\":\"yes\"},\"profile\":\"documented\",\"tests\":[]}", "\"strict\" must be true or false" },
    { NULL, "is a directory" },
};

START_TEST(test_record_invalid)
{
    const bad_case *c = &BAD[_i];
    char *dir = make_tmpdir_for("record");
    char *path = ac_sprintf("%s/bad-%d.json", dir, _i);
    if (c->text) write_text(path, c->text);
    else ck_assert_int_eq(mkdir(path, 0700), 0);
    ac_record rec;
    char *err = NULL;
    ck_assert_int_eq(ac_record_load(path, &rec, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, path) != NULL, "case %d: message lacks the file name: %s", _i, err);
    ck_assert_msg(strstr(err, c->want) != NULL, "case %d: want '%s' in: %s", _i, c->want, err);
    ac_record_free(&rec);
    free(err);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_record_missing_file)
{
    ac_record rec;
    char *err = NULL;
    ck_assert_int_eq(ac_record_load("/nonexistent/run.json", &rec, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/run.json: cannot open"));
    free(err);
    ac_record_free(&rec);
}
END_TEST

/* Unknown members are ignored: a later version may add them. */
START_TEST(test_record_unknown_members)
{
    const char *text = HEAD "\"future\":{\"x\":1},\"tests\":[{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\","
                            "\"severity\":\"should\",\"outcome\":\"warn\",\"new_member\":true}],"
                            "\"summary\":{\"exit_code\":0}}";
    ac_record rec;
    char *err = NULL;
    ck_assert_msg(ac_record_parse("mem.json", text, strlen(text), &rec, &err) == 0, "%s", err ? err : "");
    ck_assert_uint_eq(rec.n_tests, 1);
    ck_assert_int_eq(rec.tests[0].outcome, AC_OUT_WARN);
    ck_assert_int_eq(rec.exit_code, 0);
    /* A version 1 record predates coverage: still read, without it. */
    ck_assert_int_eq(rec.record_version, 1);
    ck_assert(!rec.has_coverage);
    ac_record_free(&rec);
}
END_TEST

/* ---- coverage in the record, and merging shards --------------------------------------------- */

/* Writes tests [from, from + n) of the incomplete sample run as one shard's record. */
static char *write_shard(const char *dir, const char *name, size_t from, size_t n)
{
    sample_file f = { name, 'r', 14, false, false, 'i' };
    char *path = ac_sprintf("%s/%s", dir, name), *err = NULL;
    ck_assert_msg(samples_write_part(path, &f, from, n, &err) == 0, "%s", err ? err : "");
    return path;
}

static const ac_gap *gap_by_id(const ac_coverage *c, const char *id)
{
    for (size_t i = 0; i < c->n_gaps; i++)
        if (strcmp(c->gaps[i].id, id) == 0) return &c->gaps[i];
    return NULL;
}

START_TEST(test_record_coverage)
{
    char *dir = make_tmpdir_for("record");
    char *path = write_shard(dir, "all.json", 0, 9);
    ac_record rec;
    char *err = NULL;
    ck_assert_msg(ac_record_load(path, &rec, &err) == 0, "%s", err ? err : "");
    ck_assert_int_eq(rec.record_version, AC_RECORD_VERSION);
    ck_assert_int_eq(rec.exit_code, 4);
    ck_assert(rec.has_coverage);
    const ac_coverage *c = &rec.coverage;
    ck_assert_uint_eq(c->must_selected, 8);
    ck_assert_uint_eq(c->must_judged, 1);
    ck_assert_uint_eq(c->must_na, 1);
    ck_assert(c->incomplete);
    ck_assert_uint_eq(c->n_gaps, 6);
    ck_assert(!gap_by_id(c, "BEARER-OK")->allowed);
    ck_assert_str_eq(gap_by_id(c, "BEARER-OK")->missing_var, "username (APINIZER_USERNAME)");
    ck_assert_int_eq(gap_by_id(c, "CRED-LOCKOUT")->kind, AC_SKIP_RATE_LIMITED);
    ck_assert_ptr_null(gap_by_id(c, "CRED-LOCKOUT")->missing_var);
    ck_assert(gap_by_id(c, "REVOKE-LIVE")->allowed);
    ck_assert_ptr_null(gap_by_id(c, "X-HTTPS"));          /* not applicable: no gap */
    ck_assert_ptr_null(gap_by_id(c, "ISSUE-NO-STORE"));   /* should-level: no gap */
    ck_assert_uint_eq(c->missing.n, 2);
    ck_assert_uint_eq(c->allowed.n, 1);
    ck_assert_str_eq(c->allowed.items[0], "revocation");
    ck_assert_int_eq(rec.tests[4].skip_kind, AC_SKIP_NOT_APPLICABLE);
    ck_assert_int_eq(rec.tests[5].skip_kind, AC_SKIP_RATE_LIMITED);
    ck_assert_int_eq(rec.tests[0].skip_kind, AC_SKIP_NONE);
    /* The options that accept gaps are recorded, like every option that changes the verdict. */
    bool seen = false;
    for (size_t i = 0; i < rec.option_names.n; i++)
        if (strcmp(rec.option_names.items[i], "allow_skip") == 0) {
            ck_assert_str_eq(rec.option_values.items[i], "[\"revocation\"]");
            seen = true;
        }
    ck_assert(seen);
    ac_record_free(&rec);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Version 3: a record keeps what every writer shows, the checks' expected and actual and the
 * excerpts included (the full sample run, whose failures carry them). */
START_TEST(test_record_detail)
{
    char *dir = make_tmpdir_for("record");
    sample_file f = { "full.json", 'r', 14, false, false, 'f' };
    char *path = ac_sprintf("%s/full.json", dir), *err = NULL;
    ck_assert_msg(samples_write_part(path, &f, 0, 3, &err) == 0, "%s", err ? err : "");
    ac_record rec;
    ck_assert_msg(ac_record_load(path, &rec, &err) == 0, "%s", err ? err : "");
    size_t expected = 0, actual = 0, excerpts = 0;
    for (size_t i = 0; i < rec.n_tests; i++) {
        ck_assert(rec.tests[i].has_detail);
        for (size_t k = 0; k < rec.tests[i].n_steps; k++) {
            const ac_step_result *st = &rec.tests[i].steps[k];
            excerpts += st->request_excerpt != NULL;
            for (size_t j = 0; j < st->n_checks; j++) {
                expected += st->checks[j].expected != NULL;
                actual += st->checks[j].actual != NULL;
            }
        }
    }
    ck_assert_uint_gt(expected, 0);
    ck_assert_uint_gt(actual, 0);
    ck_assert_uint_gt(excerpts, 0);
    ac_record_free(&rec);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* `merge` as the command runs it: the records into the reports named (NULL: not written). */
static int merge_to(const char *json_out, const char *html_out, const char *const *inputs, size_t n, char **err)
{
    ac_merge_outputs o = { .json = json_out, .html = html_out };
    FILE *info = tmpfile();
    ck_assert_ptr_nonnull(info);
    int rc = ac_merge_command(inputs, n, &o, info, err);
    fclose(info);
    return rc;
}

/* `merge` unites the shards' gaps and sums their counts: the incomplete sample split in two. */
START_TEST(test_record_merge_coverage)
{
    char *dir = make_tmpdir_for("record");
    char *a = write_shard(dir, "a.json", 0, 4), *b = write_shard(dir, "b.json", 4, 5);
    char *out = ac_sprintf("%s/merged.json", dir);
    const char *inputs[] = { a, b };
    char *html = ac_sprintf("%s/merged.html", dir);
    char *err = NULL;
    ck_assert_msg(merge_to(out, html, inputs, 2, &err) == 0, "%s", err ? err : "");
    ac_record rec;
    ck_assert_msg(ac_record_load(out, &rec, &err) == 0, "%s", err ? err : "");
    const ac_coverage *c = &rec.coverage;
    ck_assert(rec.has_coverage);
    ck_assert_uint_eq(c->must_selected, 8);
    ck_assert_uint_eq(c->must_judged, 1);
    ck_assert_uint_eq(c->must_na, 1);
    ck_assert_uint_eq(c->n_gaps, 6);   /* 3 from the first shard, 3 from the second */
    ck_assert_ptr_nonnull(gap_by_id(c, "BEARER-OK"));
    ck_assert_ptr_nonnull(gap_by_id(c, "CRED-LOCKOUT"));
    ck_assert(gap_by_id(c, "REVOKE-LIVE")->allowed);
    ck_assert(c->incomplete);
    ck_assert_uint_eq(c->missing.n, 2);   /* username is in both shards: named once */
    ck_assert_int_eq(rec.exit_code, 4);
    ck_assert(rec.has_merged_shards);
    ck_assert_uint_eq(rec.merged_shards.n, 2);
    /* Version 3: the merged record keeps each test's detail. */
    for (size_t i = 0; i < rec.n_tests; i++) ck_assert_msg(rec.tests[i].has_detail, "%s has no detail", rec.tests[i].id);
    ac_record_free(&rec);
    /* ... and the merged HTML report is written by the HTML writer from it. */
    char *page = slurp(html);
    ck_assert_ptr_nonnull(strstr(page, "<!DOCTYPE html>"));
    ck_assert_ptr_nonnull(strstr(page, "BEARER-OK"));
    free(page);
    free(html);

    /* A shard that failed outranks an incomplete one (2 > 3 > 1 > 4 > 0). */
    char *text = slurp(b);
    char *at = strstr(text, "\"exit_code\":4");
    ck_assert_ptr_nonnull(at);
    at[strlen("\"exit_code\":")] = '1';
    write_text(b, text);
    free(text);
    ck_assert_int_eq(merge_to(out, NULL, inputs, 2, &err), 0);
    ck_assert_int_eq(ac_record_load(out, &rec, &err), 0);
    ck_assert_int_eq(rec.exit_code, 1);
    ac_record_free(&rec);
    free(a);
    free(b);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* `merge` refuses records that are not shards of one run, naming what differs, and notes a
 * different target (the checks read the validated records, not the files again). */
static void replace_in(const char *path, const char *from, const char *to)
{
    char *text = slurp(path);
    char *at = strstr(text, from);
    ck_assert_ptr_nonnull(at);
    char *changed = ac_sprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    write_text(path, changed);
    free(changed);
    free(text);
}

START_TEST(test_record_merge_refusals)
{
    static const struct { const char *from, *to, *want; } CASES[] = {
        { "\"profile\": \"documented\"", "\"profile\": \"rfc\"", "differ in \"profile\"" },
        { "\"fail_fast\":false", "\"fail_fast\":true", "were run with different options" },
        { "\"record_version\": 3", "\"record_version\": 2", "differ in \"record_version\"" },
    };
    for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++) {
        char *dir = make_tmpdir_for("record");
        char *a = write_shard(dir, "a.json", 0, 4), *b = write_shard(dir, "b.json", 4, 5);
        char *out = ac_sprintf("%s/merged.json", dir);
        const char *inputs[] = { a, b };
        replace_in(b, CASES[c].from, CASES[c].to);
        char *err = NULL;
        ck_assert_int_eq(merge_to(out, NULL, inputs, 2, &err), -1);
        ck_assert_msg(err && strstr(err, CASES[c].want), "case %zu: %s", c, err ? err : "(none)");
        free(err);
        free(a);
        free(b);
        free(out);
        remove_tree(dir);
        free(dir);
    }
}
END_TEST

/* ---- the suite hash ------------------------------------------------------------------------- */

static void hash_of(const char *manifest, const char *a, const char *b, char out[72])
{
    ac_model m;
    memset(&m, 0, sizeof m);
    m.manifest.path = (char *)manifest;
    ac_suite_file files[2];
    memset(files, 0, sizeof files);
    files[0].path = (char *)a;
    files[1].path = (char *)b;
    m.files = files;
    m.n_files = 2;
    char *err = NULL;
    ck_assert_int_eq(ac_model_hash(&m, out, &err), 2);
    ck_assert_uint_eq(strlen(out), 7 + 64);
    ck_assert(ac_str_startswith(out, "sha256:"));
}

START_TEST(test_suite_hash)
{
    char *d1 = make_tmpdir_for("record"), *d2 = make_tmpdir_for("record");
    char *m1 = ac_sprintf("%s/suite.yaml", d1), *a1 = ac_sprintf("%s/a.yaml", d1), *b1 = ac_sprintf("%s/b.yaml", d1);
    char *m2 = ac_sprintf("%s/suite.yaml", d2), *a2 = ac_sprintf("%s/a.yaml", d2), *b2 = ac_sprintf("%s/b.yaml", d2);
    write_text(m1, "name: s\n");
    write_text(a1, "suite: a\n");
    write_text(b1, "suite: b\n");
    write_text(m2, "name: s\n");
    write_text(a2, "suite: a\n");
    write_text(b2, "suite: b\n");
    char h1[72], h2[72];
    hash_of(m1, a1, b1, h1);
    hash_of(m2, a2, b2, h2);
    ck_assert_str_eq(h1, h2);   /* the same text in another place */
    write_text(b2, "suite: b \n");
    hash_of(m2, a2, b2, h2);
    ck_assert_str_ne(h1, h2);   /* one byte more */
    /* Moving bytes from one file to the next changes the hash (lengths are part of it). */
    write_text(a2, "suite: a\nsuite");
    write_text(b2, ": b\n");
    hash_of(m2, a2, b2, h2);
    ck_assert_str_ne(h1, h2);

    /* An unreadable file: -1, empty hash, and the message names it. */
    ac_model m;
    memset(&m, 0, sizeof m);
    ac_suite_file f;
    memset(&f, 0, sizeof f);
    f.path = (char *)"/nonexistent/case.yaml";
    m.files = &f;
    m.n_files = 1;
    char *err = NULL;
    char h[72];
    ck_assert_int_eq(ac_model_hash(&m, h, &err), -1);
    ck_assert_str_eq(h, "");
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/case.yaml"));
    free(err);

    free(m1); free(a1); free(b1); free(m2); free(a2); free(b2);
    remove_tree(d1);
    remove_tree(d2);
    free(d1);
    free(d2);
}
END_TEST

/* ---- the HTML report ------------------------------------------------------------------------ */

START_TEST(test_html_writer)
{
    char *dir = make_tmpdir_for("record");
    char *path = ac_sprintf("%s/report.html", dir), *tmp = ac_sprintf("%s.tmp", path);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_html_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert(exists(tmp));
    write_samples(r, NULL);
    ck_assert(!exists(tmp));
    size_t len = 0;
    char *html = slurp_len(path, &len);
    ck_assert(ac_utf8_valid(html, len));
    ck_assert(ac_str_startswith(html, "<!DOCTYPE html>"));
    /* Self-contained: nothing is loaded from anywhere. */
    ck_assert_uint_eq(samples_count(html, " src="), 0);
    ck_assert_uint_eq(samples_count(html, "<link"), 0);
    ck_assert_uint_eq(samples_count(html, "@import"), 0);
    ck_assert_uint_eq(samples_count(html, "url("), 0);
    ck_assert_ptr_nonnull(strstr(html, "default-src 'none'"));
    /* Summary counts and one row per test. */
    ck_assert_ptr_nonnull(strstr(html, "data-total=\"12\""));
    ck_assert_ptr_nonnull(strstr(html, "data-fail=\"3\""));
    ck_assert_ptr_nonnull(strstr(html, "data-warn=\"3\""));
    ck_assert_ptr_nonnull(strstr(html, "<b id=\"count-pass\">3</b>"));
    ck_assert_uint_eq(samples_count(html, "<tr id=\"t-"), 12);
    /* A bar per area (four areas in the samples) and the filters. */
    ck_assert_uint_eq(samples_count(html, "<tr data-area-row="), 4);
    ck_assert_ptr_nonnull(strstr(html, "<div id=\"filters\" hidden>"));
    ck_assert_ptr_nonnull(strstr(html, "<select id=\"f-area\">"));
    /* Failure details, with the transcript escaped: the hostile body's markup is text. */
    ck_assert_ptr_nonnull(strstr(html, "<details><summary>status 500, expected one of 400, 401</summary>"));
    ck_assert_ptr_null(strstr(html, "<script>alert"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)"));
    ck_assert_ptr_nonnull(strstr(html, "\\x1b[31mred"));
    ck_assert_ptr_null(strchr(html, '\x1b'));
    /* The failures list links to the rows. */
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"#t-TOKEN-BADPW\">"));
    /* 3 fail, 1 error, 1 not run, and the warning of the test run with --strict */
    ck_assert_ptr_nonnull(strstr(html, "FAILED: 6 tests failed"));
    /* Failed and incomplete: the gap is listed under the FAILED banner. */
    ck_assert_ptr_nonnull(strstr(html, "<p class=\"also\">INCOMPLETE: 1 must-level test not judged</p>"));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"#t-BEARER-THROWAWAY\">BEARER-THROWAWAY</a> (not-configured): "));
    ck_assert_ptr_nonnull(strstr(html, "id=\"coverage\" class=\"cov-incomplete\" data-complete=\"false\""));
    /* Exactly one script element: the filters. */
    ck_assert_uint_eq(samples_count(html, "<script>"), 1);
    free(html);
    free(path);
    free(tmp);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The HTML report of the incomplete and the complete sample runs: the banner's verdict, each
 * missing variable named once in the gaps, the accepted gaps. */
static char *html_of(char run)
{
    char *dir = make_tmpdir_for("record");
    char *err = NULL;
    ac_test_result *ts;
    ac_strlist allow = { 0 };
    size_t n = run == 'i' ? samples_build_incomplete(&ts, &allow) : samples_build_complete(&ts);
    char *path = ac_sprintf("%s/report.html", dir);
    ac_report_opts o = det_opts();
    ac_reporter *r = ac_report_html_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(samples_drive(r, ts, n, n, NULL, 14, &allow, run == 'c', &err), 0);
    char *html = slurp(path);
    ac_strlist_free(&allow);
    samples_free(ts, n);
    free(path);
    remove_tree(dir);
    free(dir);
    return html;
}

/* The part of the page between two markers (the banner's gaps), as a new string. */
static char *between(const char *s, const char *from, const char *to)
{
    const char *a = strstr(s, from);
    ck_assert_ptr_nonnull(a);
    const char *b = strstr(a, to);
    ck_assert_ptr_nonnull(b);
    return ac_strndup(a, (size_t)(b - a));
}

START_TEST(test_html_coverage)
{
    char *html = html_of('i');
    ck_assert_ptr_nonnull(strstr(html, "<div class=\"verdict v-incomplete\" id=\"verdict\">"
                                       "INCOMPLETE: 5 must-level tests not judged</div>"));
    ck_assert_ptr_null(strstr(html, "PASSED"));
    char *gaps = between(html, "<div id=\"gaps\">", "</header>");
    ck_assert_uint_eq(samples_count(gaps, "APINIZER_USERNAME"), 2);   /* once not judged, once accepted */
    ck_assert_uint_eq(samples_count(gaps, "APINIZER_EXPIRED_TOKEN"), 1);
    ck_assert_ptr_nonnull(strstr(gaps, "<a href=\"#t-BEARER-OK\">BEARER-OK</a>, <a href=\"#t-BEARER-ALG-NONE\">"));
    ck_assert_ptr_nonnull(strstr(gaps, "<a href=\"#t-CRED-LOCKOUT\">CRED-LOCKOUT</a> (rate-limited): "));
    ck_assert_ptr_nonnull(strstr(gaps, "--allow-skip ID|TAG or --allow-incomplete"));
    ck_assert_ptr_nonnull(strstr(gaps, "<p class=\"allowed\">allowed to be missing (--allow-skip revocation):</p>"));
    ck_assert_ptr_null(strstr(gaps, "X-HTTPS"));   /* not applicable is no gap */
    free(gaps);
    ck_assert_ptr_nonnull(strstr(html, "coverage: 1 of 8 must-level tests judged (1 not applicable, 5 not judged, "
                                       "1 allowed to be missing)</p>"));
    free(html);

    html = html_of('c');
    ck_assert_ptr_nonnull(strstr(html, "PASSED: every must-level check passed (1 test allowed to be missing)</div>"));
    ck_assert_ptr_null(strstr(html, "INCOMPLETE"));
    ck_assert_ptr_nonnull(strstr(html, "<p class=\"allowed\">allowed to be missing (--allow-incomplete):</p>"));
    ck_assert_ptr_nonnull(strstr(html, "data-complete=\"true\""));
    free(html);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, test_json_writer);
    tcase_add_test(tc, test_json_open_error);
    tcase_add_test(tc, test_json_abandoned);
    tcase_add_test(tc, test_html_writer);
    tcase_add_test(tc, test_html_coverage);
    suite_add_tcase(s, tc);
    tc = tcase_create("reader");
    tcase_add_loop_test(tc, test_record_invalid, 0, (int)(sizeof BAD / sizeof BAD[0]));
    tcase_add_test(tc, test_record_missing_file);
    tcase_add_test(tc, test_record_unknown_members);
    tcase_add_test(tc, test_record_coverage);
    tcase_add_test(tc, test_record_merge_coverage);
    tcase_add_test(tc, test_record_detail);
    tcase_add_test(tc, test_record_merge_refusals);
    suite_add_tcase(s, tc);
    tc = tcase_create("hash");
    tcase_add_test(tc, test_suite_hash);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    (void)samples_write_file;   /* shared header; the golden files are test_reports' */
    SRunner *sr = srunner_create(record_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
