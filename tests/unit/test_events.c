/* The events file (--events): the writer (reports/events.c) on the hand-made sample results, the
 * reader (ac_record_load_any) and `authconform report` (runner/app/replay.c): reports rebuilt from an
 * events file equal the live ones, a file without its end line gives reports that say the run
 * was killed, and a bad line is refused with FILE:LINE. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../reports/samples.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "util.h"
#include "unit_files.h"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static ac_report_opts det_opts(int tap_version)
{
    ac_report_opts o;
    ac_report_opts_init(&o);
    o.deterministic = true;
    o.stream_cap = 4096;
    o.tap_version = tap_version;
    return o;
}

/* The formats compared, by registry name, and a file name for each. */
static const char *const FORMATS[] = { "tap", "junit", "json", "html" };
#define N_FORMATS (sizeof FORMATS / sizeof FORMATS[0])

/* The sample runs: 'f' full, 'b' full but stopped after three tests, 'i' incomplete, 'c' complete,
 * 'n' the cluster run (nodes). */
static size_t build_run(char run, ac_test_result **ts, ac_strlist *allow)
{
    return run == 'i' ? samples_build_incomplete(ts, allow) : run == 'c' ? samples_build_complete(ts)
           : run == 'n' ? samples_build_nodes(ts) : samples_build(ts);
}

/* Writes the live reports (DIR/live.FORMAT) and the events file (DIR/ev.jsonl) of one run. */
static void write_live(const char *dir, char run, int tap_version)
{
    for (size_t k = 0; k <= N_FORMATS; k++) {
        ac_test_result *ts;
        ac_strlist allow = { 0 };
        size_t n = build_run(run, &ts, &allow);
        ac_report_opts o = det_opts(tap_version);
        char *path = k < N_FORMATS ? ac_sprintf("%s/live.%s", dir, FORMATS[k]) : ac_sprintf("%s/ev.jsonl", dir);
        char *err = NULL;
        ac_reporter *r = ac_report_new(k < N_FORMATS ? FORMATS[k] : "events", path, NULL, &o, &err);
        ck_assert_msg(r != NULL, "%s", err ? err : "?");
        ac_strlist nodes = { 0 };
        samples_nodes(&nodes, run);
        samples_run_nodes = run == 'n' ? &nodes : NULL;
        int rc = samples_drive(r, ts, run == 'b' ? 3 : n, n, run == 'b' ? "target unreachable: connection refused" : NULL,
                               tap_version, &allow, run == 'c', &err);
        ck_assert_msg(rc == 0, "%s", err ? err : "?");
        samples_run_nodes = NULL;
        ac_strlist_free(&nodes);
        ac_strlist_free(&allow);
        samples_free(ts, n);
        free(path);
    }
}

/* `authconform report IN` into DIR/re.FORMAT; returns its exit status. */
static int rebuild(const char *dir, const char *in, int tap_version)
{
    char *p[N_FORMATS];
    for (size_t k = 0; k < N_FORMATS; k++) p[k] = ac_sprintf("%s/re.%s", dir, FORMATS[k]);
    FILE *errout = tmpfile();
    ac_report_opts o = det_opts(tap_version);
    int code = ac_replay_command(in, p[0], p[1], p[3], p[2], &o, errout);
    fclose(errout);
    for (size_t k = 0; k < N_FORMATS; k++) free(p[k]);
    return code;
}

/* ---- round trip --------------------------------------------------------------------------- */

static const struct { char run; int tap_version; int exit_code; } ROUND[] = {
    { 'f', 14, 1 }, { 'f', 13, 1 }, { 'b', 14, 3 }, { 'i', 14, 4 }, { 'c', 14, 0 }, { 'n', 14, 1 },
};

START_TEST(test_round_trip)
{
    char *dir = make_tmpdir_for("events");
    write_live(dir, ROUND[_i].run, ROUND[_i].tap_version);
    char *ev = ac_sprintf("%s/ev.jsonl", dir);
    ck_assert_int_eq(rebuild(dir, ev, ROUND[_i].tap_version), ROUND[_i].exit_code);
    for (size_t k = 0; k < N_FORMATS; k++) {
        char *a = ac_sprintf("%s/live.%s", dir, FORMATS[k]), *b = ac_sprintf("%s/re.%s", dir, FORMATS[k]);
        char *live = slurp(a), *re = slurp(b);
        ck_assert_msg(strcmp(live, re) == 0, "run %c: %s rebuilt from the events file differs from the live one",
                      ROUND[_i].run, FORMATS[k]);
        free(live);
        free(re);
        free(a);
        free(b);
    }
    /* Every line is one JSON object: a start, one per test, an end. */
    char *text = slurp(ev);
    ac_record r;
    char *err = NULL;
    ck_assert_msg(ac_record_load_any(ev, &r, &err) == 0, "%s", err ? err : "?");
    ck_assert(r.from_events && r.finished && !r.torn_tail);
    ck_assert_uint_eq(samples_count(text, "\n"), r.n_tests + 2);
    ck_assert_uint_eq(samples_count(text, "{\"event\":\"test\","), r.n_tests);
    ck_assert_ptr_nonnull(strstr(text, "{\"event\":\"start\",\"events_version\":1,\"record_version\":3,"));
    ck_assert_ptr_nonnull(strstr(text, "{\"event\":\"end\",\"coverage\":"));
    ac_record_free(&r);
    free(text);
    free(ev);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A run record goes through the same command: detected by its first line. */
START_TEST(test_from_record)
{
    char *dir = make_tmpdir_for("events");
    write_live(dir, 'f', 14);
    char *rec = ac_sprintf("%s/live.json", dir);
    ac_record r;
    char *err = NULL;
    ck_assert_msg(ac_record_load_any(rec, &r, &err) == 0, "%s", err ? err : "?");
    ck_assert(!r.from_events && r.finished);
    ac_record_free(&r);
    ck_assert_int_eq(rebuild(dir, rec, 14), 1);
    char *p = ac_sprintf("%s/re.json", dir);
    char *live = slurp(rec), *re = slurp(p);
    ck_assert_msg(strcmp(live, re) == 0, "the record rebuilt from itself differs");
    free(live);
    free(re);
    free(p);
    free(rec);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- a killed run ------------------------------------------------------------------------- */

/* The events of the full sample run cut after the start line and `tests` test lines, with
 * `tail` appended (a torn line, say). */
static char *cut_events(const char *dir, size_t tests, const char *tail)
{
    write_live(dir, 'f', 14);
    char *ev = ac_sprintf("%s/ev.jsonl", dir);
    char *text = slurp(ev);
    char *p = text;
    for (size_t i = 0; i < tests + 1; i++) p = strchr(p, '\n') + 1;
    *p = '\0';
    char *cut = ac_sprintf("%s/cut.jsonl", dir);
    char *all = ac_sprintf("%s%s", text, tail);
    write_text(cut, all);
    free(all);
    free(text);
    free(ev);
    return cut;
}

START_TEST(test_killed)
{
    char *dir = make_tmpdir_for("events");
    /* The samples: 1 pass, 2 fail. Killed after the pass alone: nothing failed, not all ran -> 4. */
    char *cut = cut_events(dir, 1, "");
    ck_assert_int_eq(rebuild(dir, cut, 14), 4);
    free(cut);
    cut = cut_events(dir, 3, "{\"event\":\"test\",\"index\":4,\"test\":{\"id\":\"X");   /* torn by the kill */
    ac_record r;
    char *err = NULL;
    ck_assert_msg(ac_record_load_any(cut, &r, &err) == 0, "%s", err ? err : "?");
    ck_assert(r.from_events && !r.finished && r.torn_tail);
    ck_assert_uint_eq(r.n_tests, 3);
    ac_record_free(&r);
    ck_assert_int_eq(rebuild(dir, cut, 14), 1);   /* a failure among what ran */

    char *p = ac_sprintf("%s/re.tap", dir);
    char *tap = slurp(p);
    ck_assert_ptr_nonnull(strstr(tap, "\nBail out! run killed before it finished (events file has no end record): "
                                      "3 of 12 planned tests reported\n"));
    ck_assert_uint_eq(samples_count(tap, "\nok "), 2);   /* the pass and the coverage point */
    free(tap);
    free(p);
    p = ac_sprintf("%s/re.junit", dir);
    char *xml = slurp(p);
    ck_assert_ptr_nonnull(strstr(xml, "<system-err>run killed before it finished (events file has no end record)"));
    free(xml);
    free(p);
    p = ac_sprintf("%s/re.html", dir);
    char *html = slurp(p);
    ck_assert_ptr_nonnull(strstr(html, "INTERRUPTED by SIGKILL"));
    free(html);
    free(p);
    p = ac_sprintf("%s/re.json", dir);
    char *json = slurp(p);
    ck_assert_ptr_nonnull(strstr(json, "\"interrupted\":\"SIGKILL\""));
    ck_assert_ptr_nonnull(strstr(json, "\"exit_code\":137"));
    ck_assert_ptr_nonnull(strstr(json, "\"not_run\":9"));
    /* The rebuilt record of a killed run rebuilds to the same verdict. */
    char *again = ac_sprintf("%s/again", dir);
    ck_assert_int_eq(mkdir(again, 0700), 0);
    ck_assert_int_eq(rebuild(again, p, 14), 1);
    free(again);
    free(json);
    free(p);
    free(cut);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- the writer --------------------------------------------------------------------------- */

START_TEST(test_writer_errors)
{
    ac_report_opts o = det_opts(14);
    char *err = NULL;
    ck_assert_ptr_null(ac_report_events_new("-", &o, &err));
    ck_assert_str_eq(err, "the events file needs a file path");
    free(err);
    err = NULL;
    ck_assert_ptr_null(ac_report_events_new("/nonexistent-dir/ev.jsonl", &o, &err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/ev.jsonl: cannot open the events file: "));
    free(err);
    err = NULL;
    if (access("/dev/full", W_OK) == 0) {
        ac_reporter *r = ac_report_events_new("/dev/full", &o, &err);
        ck_assert_ptr_nonnull(r);
        ac_test_result *ts;
        size_t n = samples_build(&ts);
        ck_assert_int_eq(samples_drive(r, ts, n, n, NULL, 14, NULL, false, &err), -1);
        ck_assert_str_eq(err, "/dev/full: writing the events file: No space left on device");
        free(err);
        samples_free(ts, n);
    }
}
END_TEST

/* ---- the reader: bad files ---------------------------------------------------------------- */

#define START "{\"event\":\"start\",\"events_version\":1,\"record_version\":3,\"tool\":{\"version\":\"1\"},"   \
              "\"suite\":{},\"target\":null,\"profile\":\"documented\",\"options\":{\"strict\":false},"       \
              "\"started_at\":\"2026-01-01T00:00:00Z\",\"planned\":3}\n"
#define T(ID) "{\"event\":\"test\",\"index\":1,\"test\":{\"id\":\"" ID "\",\"name\":\"n\",\"area\":\"a\","      \
              "\"severity\":\"must\",\"outcome\":\"pass\"}}\n"
#define END "{\"event\":\"end\",\"coverage\":{\"must_selected\":1,\"must_judged\":1,\"must_not_applicable\":0," \
            "\"complete\":true,\"gaps\":[],\"missing\":[],\"allowed\":[]},\"summary\":{\"exit_code\":0}}\n"

static const struct { const char *text; const char *error; } BAD[] = {
    { START T("A") "{not json\n" T("B"), "ev.jsonl:3: error: not valid JSON (column 3)" },
    { START T("A") "{\"event\":\"begin\"}\n", "ev.jsonl:3: error: \"event\" must be \"test\" or \"end\"" },
    { START "{\"event\":\"test\",\"test\":{\"name\":\"n\"}}\n", "ev.jsonl:2: error: tests[0]: member \"id\" is missing" },
    { START "{\"event\":\"test\",\"test\":{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\",\"outcome\":\"won\"}}\n",
      "ev.jsonl:2: error: test A: unknown outcome \"won\"" },
    { START T("A") END T("B"), "ev.jsonl:4: error: a line after the end line" },
    { START T("A") T("A"), "ev.jsonl: error: test id A appears twice" },
    { START T("A") "{\"event\":\"end\",\"summary\":{}}\n", "ev.jsonl:3: error: \"coverage\" is missing" },
    { "{\"event\":\"start\",\"events_version\":9}\n", "ev.jsonl:1: error: events_version 9 is newer than this" },
    { "{\"event\":\"start\",\"events_version\":1,\"record_version\":2}\n", "ev.jsonl:1: error: \"tool\" is missing" },
    { START "{\"event\":\"test\",\"test\":{\"id\":\"A\",\"name\":\"n\",\"area\":\"a\",\"severity\":\"must\",\"outcome\":\"pass\"},"
            "\"detail\":{\"steps\":[{\"outcome\":\"pass\",\"checks\":[{\"severity\":\"loud\"}]}]}}\n",
      "ev.jsonl:2: error: test A: a check needs a \"severity\"" },
};

START_TEST(test_reader_bad)
{
    char *dir = make_tmpdir_for("events");
    char *old = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(dir), 0);
    write_text("ev.jsonl", BAD[_i].text);
    ac_record r;
    char *err = NULL;
    ck_assert_int_eq(ac_record_load_any("ev.jsonl", &r, &err), -1);
    ck_assert_msg(err && strncmp(err, BAD[_i].error, strlen(BAD[_i].error)) == 0, "wanted: %s\nseen:   %s",
                  BAD[_i].error, err ? err : "(none)");
    free(err);
    ac_record_free(&r);
    FILE *errout = tmpfile();
    ck_assert_int_eq(ac_replay_command("ev.jsonl", "re.tap", NULL, NULL, NULL, NULL, errout), 2);
    fclose(errout);
    ck_assert_int_eq(access("re.tap", F_OK), -1);   /* nothing written from a bad file */
    ck_assert_int_eq(chdir(old), 0);
    free(old);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A good minimal file, blank lines included, and a run record's detection. */
START_TEST(test_reader_good)
{
    char *dir = make_tmpdir_for("events");
    char *ev = ac_sprintf("%s/ev.jsonl", dir);
    write_text(ev, START T("A") "\n" T("B") END);
    ac_record r;
    char *err = NULL;
    ck_assert_msg(ac_record_load_any(ev, &r, &err) == 0, "%s", err ? err : "?");
    ck_assert(r.from_events && r.finished && r.has_coverage);
    ck_assert_uint_eq(r.n_tests, 2);
    ck_assert_uint_eq(r.planned, 3);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_int_eq(ac_replay_exit_code(&r), 0);
    ac_record_free(&r);
    /* No report asked for: a usage error. */
    FILE *errout = tmpfile();
    ck_assert_int_eq(ac_replay_command(ev, NULL, NULL, NULL, NULL, NULL, errout), 2);
    fclose(errout);
    free(ev);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("round trip");
    tcase_add_loop_test(tc, test_round_trip, 0, (int)(sizeof ROUND / sizeof ROUND[0]));
    tcase_add_test(tc, test_from_record);
    tcase_add_test(tc, test_killed);
    suite_add_tcase(s, tc);
    tc = tcase_create("writer");
    tcase_add_test(tc, test_writer_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("reader");
    tcase_add_loop_test(tc, test_reader_bad, 0, (int)(sizeof BAD / sizeof BAD[0]));
    tcase_add_test(tc, test_reader_good);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    (void)samples_write_file;   /* shared header */
    SRunner *sr = srunner_create(events_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
