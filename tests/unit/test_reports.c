/* Report writers: text hygiene tables, writer behaviour (streaming, atomic JUnit file, empty
 * plan, console summary line and progress), the coverage wording and its JUnit merge, and
 * golden files for TAP 14, TAP 13, JUnit, the console and the run record built from hand-made results
 * (tests/reports/samples.h).
 * AC_UPDATE_GOLDEN=1 rewrites tests/golden/reports-* from the current output (review the diff). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../reports/samples.h"
#include "coverage_text.h"
#include "junit_merge.h"
#include "report.h"
#include "text.h"
#include "util.h"
#include "unit_files.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static char *visible(const char *s, size_t n)
{
    return ac_text_visible(s, n);
}

/* ---- ac_text_visible -------------------------------------------------------------------- */

typedef struct vis_case {
    const char *in;
    size_t len;
    const char *want;
} vis_case;

static const vis_case VIS[] = {
    { "plain ASCII", 11, "plain ASCII" },
    { "a\0b", 3, "a\\x00b" },
    { "\x1b[31mred", 8, "\\x1b[31mred" },
    { "del\x7f", 4, "del\\x7f" },
    { "tab\tnl\ncr\r", 10, "tab\tnl\ncr\r" },
    { "caf\xc3\xa9", 5, "caf\xc3\xa9" },
    { "\xf0\x9f\x94\x91", 4, "\xf0\x9f\x94\x91" },
    { "\xff", 1, "\\xff" },
    { "\x80x", 2, "\\x80x" },                          /* lone continuation byte */
    { "\xe2\x82", 2, "\\xe2\\x82" },                   /* truncated sequence */
    { "\xe2\x82" "A", 3, "\\xe2\\x82A" },              /* valid text after it survives */
    { "\xc0\xaf", 2, "\\xc0\\xaf" },                   /* overlong '/' */
    { "\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf" },          /* overlong, 3 bytes */
    { "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },          /* UTF-16 surrogate */
    { "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80" }, /* above U+10FFFF */
    { "\xef\xbf\xbe", 3, "\\uFFFE" },
    { "\xef\xbf\xbf", 3, "\\uFFFF" },
    { "\xef\xbf\xbd", 3, "\xef\xbf\xbd" },             /* U+FFFD is fine */
    { "\xc2\x9b" "2J", 4, "\\u009B2J" },               /* C1 CSI */
    { "\xc2\x85", 2, "\\u0085" },                      /* NEL */
    { "\xc2\xa0", 2, "\xc2\xa0" },                     /* NBSP is fine */
    { "\xe2\x80\xa8", 3, "\\u2028" },
    { "\xe2\x80\xae" "ab", 5, "\\u202Eab" },           /* bidi override */
    { "\xe2\x81\xa6", 3, "\\u2066" },
};

START_TEST(test_visible_table)
{
    const vis_case *c = &VIS[_i];
    char *got = visible(c->in, c->len);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d: got \"%s\", want \"%s\"", _i, got, c->want);
    ck_assert(ac_utf8_valid(got, strlen(got)));
    free(got);
}
END_TEST

START_TEST(test_visible_null)
{
    char *got = ac_text_visible(NULL, 5);
    ck_assert_str_eq(got, "");
    free(got);
}
END_TEST

/* ---- ac_text_cap ------------------------------------------------------------------------ */

START_TEST(test_cap_short_and_unlimited)
{
    char *s = ac_text_cap("short", 100);
    ck_assert_str_eq(s, "short");
    free(s);
    s = ac_text_cap("no cap at all", 0);
    ck_assert_str_eq(s, "no cap at all");
    free(s);
    s = ac_text_cap(NULL, 10);
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(test_cap_ascii)
{
    char in[1001];
    for (int i = 0; i < 1000; i++) in[i] = (char)('a' + i % 26);
    in[1000] = '\0';
    char *s = ac_text_cap(in, 200);
    ck_assert_uint_le(strlen(s), 200);
    ck_assert(strncmp(s, in, 50) == 0);                              /* head kept */
    ck_assert(strcmp(s + strlen(s) - 50, in + 1000 - 50) == 0);      /* tail kept */
    const char *m = strstr(s, "\n[truncated ");
    ck_assert_ptr_nonnull(m);
    size_t head = (size_t)(m - s);
    const char *tail = strchr(m + 1, '\n') + 1;
    size_t dropped = 1000 - head - strlen(tail);
    char *marker = ac_sprintf("\n[truncated %zu bytes]\n", dropped);
    ck_assert(strncmp(m, marker, strlen(marker)) == 0);
    free(marker);
    free(s);
}
END_TEST

START_TEST(test_cap_utf8_boundaries)
{
    /* Every cut position against two-, three- and four-byte characters. */
    const char *chars[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x94\x91" };
    for (size_t k = 0; k < 3; k++) {
        ac_buf b;
        ac_buf_init(&b);
        for (int i = 0; i < 200; i++) ac_buf_puts(&b, chars[k]);
        for (size_t cap = 1; cap < 300; cap += 7) {
            char *s = ac_text_cap(ac_buf_str(&b), cap);
            ck_assert_msg(ac_utf8_valid(s, strlen(s)), "char %zu cap %zu split a sequence", k, cap);
            if (cap >= 80) ck_assert_uint_le(strlen(s), cap);
            free(s);
        }
        ac_buf_free(&b);
    }
}
END_TEST

/* ---- escaping --------------------------------------------------------------------------- */

START_TEST(test_tap_escape)
{
    char *s = ac_tap_escape("a # b \\ c\nd\te\x1b");
    ck_assert_str_eq(s, "a \\# b \\\\ c d e\\\\x1b");
    free(s);
}
END_TEST

START_TEST(test_yaml_quoted)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_yaml_quoted(&b, "q\"b\\s\nn\tt\rr\x1b\xff caf\xc3\xa9: x");
    ck_assert_str_eq(ac_buf_str(&b), "\"q\\\"b\\\\s\\nn\\tt\\rr\\\\x1b\\\\xff caf\xc3\xa9: x\"");
    ac_buf_reset(&b);
    ac_yaml_quoted_item(&b, "word: rest a:b end:");
    ck_assert_str_eq(ac_buf_str(&b), "\"word\\x3a rest a:b end\\x3a\"");
    ac_buf_free(&b);
}
END_TEST

START_TEST(test_yaml_block)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_yaml_block(&b, 2, "response", "HTTP/1.1 200\r\nA: b\r\n\r\nbo\rdy\n\n");
    ck_assert_str_eq(ac_buf_str(&b), "  response: |\n"
                                     "    HTTP/1.1 200\n"
                                     "    A: b\n"
                                     "    \n"       /* empty lines keep the indentation */
                                     "    bo\\rdy\n");
    ac_buf_reset(&b);
    ac_yaml_block(&b, 2, "request", "  starts indented\nsecond");
    ck_assert_str_eq(ac_buf_str(&b), "  request: \"  starts indented\\nsecond\"\n");
    ac_buf_reset(&b);
    ac_yaml_block(&b, 0, "request", "");
    ck_assert_str_eq(ac_buf_str(&b), "request: \"\"\n");
    ac_buf_reset(&b);
    ac_yaml_block(&b, 0, "request", "\nfirst line empty");
    ck_assert_str_eq(ac_buf_str(&b), "request: \"\\nfirst line empty\"\n");
    ac_buf_free(&b);
}
END_TEST

START_TEST(test_xml_escape)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_xml_text(&b, "<a & \"b\">\n\t\r]]>\x1b\xfe");
    ck_assert_str_eq(ac_buf_str(&b), "&lt;a &amp; \"b\"&gt;\n\t&#13;]]&gt;\\x1b\\xfe");
    ac_buf_reset(&b);
    ac_xml_text(&b, "a\r\nb");
    ck_assert_str_eq(ac_buf_str(&b), "a\nb");
    ac_buf_reset(&b);
    ac_xml_attr(&b, "<a & \"b\">\n\t\r");
    ck_assert_str_eq(ac_buf_str(&b), "&lt;a &amp; &quot;b&quot;&gt;&#10;&#9;&#13;");
    ac_buf_free(&b);
}
END_TEST

START_TEST(test_one_line)
{
    char *s = ac_text_one_line("a\nb\tc\x1b", 0);
    ck_assert_str_eq(s, "a b c\\x1b");
    free(s);
    s = ac_text_one_line("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 6);
    ck_assert_str_eq(s, "\xc3\xa9...");
    free(s);
}
END_TEST

/* ---- writers ---------------------------------------------------------------------------- */

static ac_report_opts det_opts(void)
{
    ac_report_opts o;
    ac_report_opts_init(&o);
    o.deterministic = true;
    return o;
}

static void run_info(ac_run_info *info, size_t planned)
{
    memset(info, 0, sizeof *info);
    info->profile = "documented";
    info->tap_version = 14;
    info->planned = planned;
    info->coverage = true;
}

START_TEST(test_tap_streams_and_empty_plan)
{
    char *dir = make_tmpdir_for("reports");
    char *path = ac_sprintf("%s/s.tap", dir);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_tap_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    ac_run_info info;
    run_info(&info, 2);
    ac_test_result *ts;
    size_t n = samples_build(&ts);
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    ck_assert_int_eq(r->test(r, &ts[0], 1, &err), 0);
    /* Streaming: the point is in the file before the run ends. */
    char *mid = slurp(path);
    /* The plan counts the coverage point that follows the tests. */
    ck_assert_str_eq(mid, "TAP version 14\n1..3\nok 1 - TOKEN-OK valid credentials get a token\n");
    free(mid);
    ck_assert_int_eq(r->test(r, &ts[1], 2, &err), 0);
    ac_run_summary sum = { .total = 2 };
    ac_coverage_add(&sum.coverage, &ts[0], NULL, false);
    ac_coverage_add(&sum.coverage, &ts[1], NULL, false);
    ck_assert_int_eq(r->end(r, &sum, &err), 0);
    r->destroy(r);
    ac_coverage_free(&sum.coverage);
    char *all = slurp(path);
    ck_assert(ac_str_endswith(all, "\nok 3 - coverage\n  ---\n  message: \"2 of 2 must-level tests judged\"\n"
                                   "  severity: info\n  must_selected: 2\n  must_judged: 2\n"
                                   "  must_not_applicable: 0\n  ...\n"));
    free(all);

    /* A run with nothing selected is a valid skipped stream, without a coverage point. */
    r = ac_report_tap_new(path, &o, &err);
    run_info(&info, 0);
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    ck_assert_int_eq(r->end(r, &sum, &err), 0);
    r->destroy(r);
    char *s = slurp(path);
    ck_assert_str_eq(s, "TAP version 14\n1..0 # no tests selected\n");
    free(s);

    samples_free(ts, n);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A multi-step test skipped before any step ran says its reason once: a plain SKIP point, not
 * a subtest repeating it on every step. One that skipped after a step ran keeps its subtest. */
static char *tap_of_skipped(bool first_step_ran)
{
    char *dir = make_tmpdir_for("reports");
    char *path = ac_sprintf("%s/k.tap", dir);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_tap_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    ac_run_info info;
    run_info(&info, 1);
    info.coverage = false;
    ac_test_result t = { .id = "T-SKIP", .name = "three steps", .outcome = AC_OUT_SKIP,
                         .reason = "requires variable revoke_command", .multi_step = true,
                         .skip_kind = AC_SKIP_NOT_CONFIGURED };
    ac_step_result steps[3] = {
        { .name = "issue", .outcome = first_step_ran ? AC_OUT_PASS : AC_OUT_NOTRUN,
          .reason = first_step_ran ? NULL : "not run: requires variable revoke_command" },
        { .name = "revoke", .outcome = AC_OUT_NOTRUN, .reason = "not run: requires variable revoke_command" },
        { .name = "refused", .outcome = AC_OUT_NOTRUN, .reason = "not run: requires variable revoke_command" },
    };
    t.steps = steps;
    t.n_steps = 3;
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    ck_assert_int_eq(r->test(r, &t, 1, &err), 0);
    ac_run_summary sum = { .total = 1 };
    ck_assert_int_eq(r->end(r, &sum, &err), 0);
    r->destroy(r);
    char *tap = slurp(path);
    free(path);
    remove_tree(dir);
    free(dir);
    return tap;
}

START_TEST(test_tap_skip_before_steps)
{
    char *tap = tap_of_skipped(false);
    ck_assert_str_eq(tap, "TAP version 14\n1..1\n"
                          "ok 1 - T-SKIP three steps # SKIP requires variable revoke_command\n");
    free(tap);
    tap = tap_of_skipped(true);
    ck_assert_ptr_nonnull(strstr(tap, "# Subtest: T-SKIP three steps\n    1..3\n    ok 1 - issue\n"));
    free(tap);
}
END_TEST

START_TEST(test_junit_atomic)
{
    char *dir = make_tmpdir_for("reports");
    char *path = ac_sprintf("%s/r.xml", dir);
    char *tmp = ac_sprintf("%s.tmp", path);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_test_result *ts;
    size_t n = samples_build(&ts);
    ac_run_info info;
    run_info(&info, n);

    /* Destroyed without end() (a crash stands in): no file at PATH, no PATH.tmp left. */
    ac_reporter *r = ac_report_junit_new(path, &o, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert(exists(tmp));
    ck_assert(!exists(path));
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    ck_assert_int_eq(r->test(r, &ts[1], 1, &err), 0);
    ck_assert(!exists(path));
    r->destroy(r);
    ck_assert(!exists(tmp));
    ck_assert(!exists(path));

    /* With end(): PATH appears whole and PATH.tmp is gone. */
    r = ac_report_junit_new(path, &o, &err);
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    ck_assert_int_eq(r->test(r, &ts[1], 1, &err), 0);
    ac_run_summary sum = { .total = 1, .failed = 1 };
    ck_assert_int_eq(r->end(r, &sum, &err), 0);
    r->destroy(r);
    ck_assert(exists(path));
    ck_assert(!exists(tmp));
    char *xml = slurp(path);
    ck_assert_ptr_nonnull(strstr(xml, "<failure message=\"status 500, expected one of 400, 401\" type=\"must\">"));
    ck_assert_ptr_nonnull(strstr(xml, "</testsuites>\n"));
    free(xml);

    samples_free(ts, n);
    free(tmp);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_open_errors)
{
    ac_report_opts o = det_opts();
    char *err = NULL;
    ck_assert_ptr_null(ac_report_junit_new("/nonexistent-dir/r.xml", &o, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/r.xml.tmp"));
    free(err);
    err = NULL;
    ck_assert_ptr_null(ac_report_junit_new("-", &o, &err));
    ck_assert_ptr_nonnull(err);
    free(err);
    err = NULL;
    ck_assert_ptr_null(ac_report_tap_new("/nonexistent-dir/r.tap", &o, &err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/r.tap"));
    free(err);
    err = NULL;
    ck_assert_ptr_null(ac_report_new("pdf", "x", NULL, &o, &err));
    ck_assert_ptr_nonnull(strstr(err, "unknown report format 'pdf'"));
    ck_assert_ptr_nonnull(strstr(err, "junit"));
    free(err);
}
END_TEST

START_TEST(test_registry)
{
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_new("console", NULL, stderr, &o, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->format, "console");
    r->destroy(r);
    r = ac_report_new("tap", "-", NULL, &o, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->format, "tap");
    r->destroy(r);
    ac_reporter *none = NULL;
    if (none) none->destroy(none);
}
END_TEST

/* The console's summary line, with and without --strict, colour only when asked, -q. */
static char *console_run_opts(bool strict, bool color, bool quiet, const ac_test_result *ts, size_t n)
{
    char *dir = make_tmpdir_for("reports");
    char *path = ac_sprintf("%s/c.txt", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ac_report_opts o = det_opts();
    o.strict = strict;
    o.color = color;
    o.quiet = quiet;
    char *err = NULL;
    ac_reporter *r = ac_report_console_new(f, &o, &err);
    ac_run_info info;
    run_info(&info, n);
    ck_assert_int_eq(r->begin(r, &info, &err), 0);
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(r->test(r, &ts[i], i + 1, &err), 0);
    ac_run_summary sum;
    samples_summary(ts, n, NULL, false, &sum);
    ck_assert_int_eq(r->end(r, &sum, &err), 0);
    r->destroy(r);
    samples_summary_free(&sum);
    fclose(f);
    char *s = slurp(path);
    free(path);
    remove_tree(dir);
    free(dir);
    return s;
}

static char *console_run(bool strict, bool color, const ac_test_result *ts, size_t n)
{
    return console_run_opts(strict, color, false, ts, n);
}

START_TEST(test_console_closing_line)
{
    ac_test_result *ts;
    size_t n = samples_build(&ts);
    /* 3 pass, 3 fail, 3 warn, 1 error, 1 skip, 1 not run. One summary line, the last: the
     * verdict, the plain counts CI reads, what they are made of, the coverage. */
    char *s = console_run(false, false, ts, n);
    ck_assert_ptr_nonnull(strstr(s, "\nINCOMPLETE: 1 must-level test not judged\n"));
    ck_assert(ac_str_endswith(s, "\nFAIL: 6 passed, 5 failed, 1 skipped of 12 tests in 0.00 s; 3 passed with "
                                 "warnings; failed: 3 failures, 1 error, 1 not run; 6 of 8 must-level tests "
                                 "judged (1 not judged, 1 not run)\n"));
    ck_assert_ptr_null(strstr(s, "\n6 passed, 5 failed"));   /* no second, disagreeing line */
    ck_assert_ptr_null(strchr(s, '\033'));
    /* FAIL, WARN and ERROR lines carry their duration like PASS lines */
    ck_assert_ptr_nonnull(strstr(s, "  FAIL  TOKEN-BADPW wrong password is rejected: status 500, expected one of 400, 401 (0 ms)\n"));
    ck_assert_ptr_nonnull(strstr(s, "  WARN  BEARER-CASE scheme name is case-insensitive: status 401, expected 200 (0 ms)\n"));
    ck_assert_ptr_nonnull(strstr(s, "  ERROR TOKEN-FIXTURE token introspection: fixture token failed: connection refused (127.0.0.1:8080) (0 ms)\n"));
    free(s);
    s = console_run(true, true, ts, n);
    ck_assert_ptr_nonnull(strstr(s, "\033[31mFAIL\033[0m: 3 passed, 8 failed, 1 skipped of 12 tests in 0.00 s; failed: "
                                    "3 failures, 3 should-level under --strict, 1 error, 1 not run; "));
    ck_assert_ptr_nonnull(strstr(s, "\033[32mPASS \033[0m TOKEN-OK"));
    /* The hostile ESC in a message is made visible even when colours are on. */
    ck_assert_ptr_nonnull(strstr(s, "body contains \\x1b[31m<script>"));
    free(s);
    /* One test is "1 test". */
    s = console_run(false, false, ts, 1);
    ck_assert(ac_str_endswith(s, "\nPASS: 1 passed, 0 failed, 0 skipped of 1 test in 0.00 s; 1 of 1 must-level test judged\n"));
    free(s);
    /* -q: failures, warnings, errors (and tests not run), then the summary; no PASS, no SKIP */
    s = console_run_opts(false, false, true, ts, n);
    ck_assert_ptr_null(strstr(s, "PASS "));
    ck_assert_ptr_null(strstr(s, "SKIP "));
    ck_assert_ptr_nonnull(strstr(s, "  FAIL  TOKEN-BADPW "));
    ck_assert_ptr_nonnull(strstr(s, "  WARN  BEARER-CASE "));
    ck_assert_ptr_nonnull(strstr(s, "  ERROR TOKEN-FIXTURE "));
    ck_assert_ptr_nonnull(strstr(s, "  NOT RUN TOKEN-LATE "));
    ck_assert(ac_str_endswith(s, " 6 of 8 must-level tests judged (1 not judged, 1 not run)\n"));
    free(s);
    samples_free(ts, n);
}
END_TEST

/* The console as the runner's progress listener: off a terminal, a wait is told once it has
 * lasted 10 s and then every 10 s at most; nothing for short waits; it never writes escapes. */
START_TEST(test_console_progress_plain)
{
    char *dir = make_tmpdir_for("reports");
    char *path = ac_sprintf("%s/p.txt", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ac_report_opts o = det_opts();
    char *err = NULL;
    ac_reporter *r = ac_report_console_new(f, &o, &err);
    const ac_progress *p = ac_report_console_progress(r);
    ck_assert_ptr_nonnull(p);
    ac_progress_event ev = { .kind = AC_PROG_WAIT, .test_id = "REVOKE-LIVE",
                             .what = "polling step refused", .bound_s = 30, .attempts = 3 };
    ev.elapsed_s = 2;
    ac_progress_tell(p, &ev);              /* short: nothing */
    ev.elapsed_s = 10.2;
    ev.attempts = 21;
    ac_progress_tell(p, &ev);              /* 10 s: one plain line */
    ev.elapsed_s = 10.5;
    ac_progress_tell(p, &ev);              /* again within 10 s of the last line: nothing */
    ev.kind = AC_PROG_WAIT_END;
    ac_progress_tell(p, &ev);
    r->destroy(r);
    fclose(f);
    char *s = slurp(path);
    ck_assert_str_eq(s, "  ... REVOKE-LIVE: polling step refused, 10 s of 30 s, 21 attempts\n");
    free(s);
    free(path);
    remove_tree(dir);
    free(dir);
    ck_assert_ptr_null(ac_report_console_progress(NULL));
}
END_TEST

/* ---- coverage ---------------------------------------------------------------------------- */

static void incomplete_coverage(ac_coverage *c)
{
    ac_test_result *ts;
    ac_strlist allow = { 0 };
    size_t n = samples_build_incomplete(&ts, &allow);
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < n; i++) ac_coverage_add(c, &ts[i], &allow, false);
    ac_strlist_push(&c->allowed, "revocation");
    ac_strlist_free(&allow);
    samples_free(ts, n);
}

/* Grouping names each missing variable once, with its tests in plan order; other gaps stand
 * alone; accepted gaps are grouped apart. */
START_TEST(test_cov_groups)
{
    ac_coverage c;
    incomplete_coverage(&c);
    size_t n = 0;
    ac_gap_group *g = ac_cov_groups(&c, false, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(g[0].missing_var, "username (APINIZER_USERNAME)");
    ck_assert_uint_eq(g[0].ids.n, 3);
    ck_assert_str_eq(g[0].ids.items[2], "ISSUE-OK");
    ck_assert_str_eq(g[1].missing_var, "expired_token (APINIZER_EXPIRED_TOKEN)");
    ck_assert_ptr_null(g[2].missing_var);
    ck_assert_int_eq(g[2].kind, AC_SKIP_RATE_LIMITED);
    ac_cov_groups_free(g, n);
    g = ac_cov_groups(&c, true, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(g[0].ids.items[0], "REVOKE-LIVE");
    ac_cov_groups_free(g, n);
    char *v = ac_cov_verdict(&c);
    ck_assert_str_eq(v, "INCOMPLETE: 5 must-level tests not judged");
    free(v);
    ac_coverage_free(&c);
}
END_TEST

/* The JUnit text form reads back into the same gaps, variables and accepted patterns: what
 * `merge` relies on. */
START_TEST(test_cov_text_roundtrip)
{
    ac_coverage c, back = { 0 };
    incomplete_coverage(&c);
    char *text = ac_cov_text(&c);
    ac_cov_parse_text(&back, text);
    ac_cov_parse_text(&back, text);   /* a union: reading it twice changes nothing */
    ck_assert_uint_eq(back.n_gaps, c.n_gaps);
    for (size_t i = 0; i < c.n_gaps; i++) {
        const ac_gap *g = NULL;
        for (size_t k = 0; k < back.n_gaps; k++)
            if (strcmp(back.gaps[k].id, c.gaps[i].id) == 0) g = &back.gaps[k];
        ck_assert_msg(g != NULL, "gap %s lost", c.gaps[i].id);
        ck_assert_str_eq(g->reason, c.gaps[i].reason);
        ck_assert_int_eq(g->kind, c.gaps[i].kind);
        ck_assert_int_eq(g->allowed, c.gaps[i].allowed);
    }
    ck_assert(back.incomplete);
    ck_assert_uint_eq(back.missing.n, 2);
    ck_assert_uint_eq(back.allowed.n, 1);
    free(text);
    ac_coverage_free(&c);
    ac_coverage_free(&back);
}
END_TEST

/* Writes tests [from, from + n) of the incomplete or complete sample run as a JUnit shard. */
static char *junit_shard(const char *dir, const char *name, char run, size_t from, size_t n)
{
    sample_file f = { name, 'j', 14, false, false, run };
    char *path = ac_sprintf("%s/%s", dir, name), *err = NULL;
    ck_assert_msg(samples_write_part(path, &f, from, n, &err) == 0, "%s", err ? err : "");
    return path;
}

/* Each shard's report has its coverage test case; the merged report has one, failing when a
 * shard's failed, with every shard's gaps and the counts summed. */
START_TEST(test_junit_merge_coverage)
{
    char *dir = make_tmpdir_for("reports");
    char *a = junit_shard(dir, "a.xml", 'i', 0, 4), *b = junit_shard(dir, "b.xml", 'i', 4, 5);
    char *out = ac_sprintf("%s/merged.xml", dir);
    const char *in[] = { a, b };
    char *err = NULL;
    ck_assert_msg(ac_junit_merge(out, in, 2, &err) == 0, "%s", err ? err : "");
    char *xml = slurp(out);
    ck_assert_uint_eq(samples_count(xml, "name=\"coverage\""), 1);
    ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"authconform\" tests=\"10\" failures=\"1\" errors=\"0\""));
    ck_assert_ptr_nonnull(strstr(xml, "<failure message=\"INCOMPLETE: 5 must-level tests not judged\" type=\"incomplete\">"
                                      "1 of 8 must-level tests judged (1 not applicable, 5 not judged, 1 allowed to be missing)\n"));
    /* The failure and system-out carry the same text: each gap twice, each variable twice. */
    ck_assert_uint_eq(samples_count(xml, "\nnot judged: "), 10);
    ck_assert_ptr_nonnull(strstr(xml, "\nnot judged: CRED-LOCKOUT (rate-limited): rate limited (429): Retry-After: 30\n"));
    ck_assert_ptr_nonnull(strstr(xml, "\nallowed to be missing: REVOKE-LIVE (not-configured): "));
    ck_assert_uint_eq(samples_count(xml, "\nmissing variable: username (APINIZER_USERNAME)\n"), 2);
    ck_assert_ptr_nonnull(strstr(xml, "<property name=\"must_selected\" value=\"8\"/>"));
    /* The coverage suite comes last, after every case file's suite. */
    ck_assert_ptr_null(strstr(strstr(xml, "name=\"coverage\""), "<testsuite "));
    free(xml);

    /* Complete shards merge into a passing coverage test case. */
    char *c1 = junit_shard(dir, "c1.xml", 'c', 0, 2), *c2 = junit_shard(dir, "c2.xml", 'c', 2, 2);
    const char *cin[] = { c1, c2 };
    ck_assert_msg(ac_junit_merge(out, cin, 2, &err) == 0, "%s", err ? err : "");
    xml = slurp(out);
    ck_assert_ptr_nonnull(strstr(xml, "<testsuites name=\"authconform\" tests=\"5\" failures=\"0\""));
    ck_assert_ptr_nonnull(strstr(xml, "<system-out>2 of 4 must-level tests judged (1 not applicable, 1 allowed to be missing)\n"
                                      "allowed to be missing: EXPIRY-PRESET (not-configured): "));
    ck_assert_uint_eq(samples_count(xml, "allowed by: --allow-incomplete"), 1);
    ck_assert_ptr_null(strstr(xml, "<failure"));
    free(xml);
    free(a); free(b); free(c1); free(c2);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- golden files ----------------------------------------------------------------------- */

START_TEST(test_golden)
{
    const sample_file *f = &SAMPLE_FILES[_i];
    char *dir = make_tmpdir_for("reports");
    char *err = NULL;
    if (samples_write_file(dir, f, &err) != 0) ck_abort_msg("%s: %s", f->name, err);
    char *got_path = ac_sprintf("%s/%s", dir, f->name);
    char *want_path = ac_sprintf("%s/golden/%s", AC_TESTS_DIR, f->name);
    char *got = slurp(got_path);
    const char *update = getenv("AC_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        FILE *out = fopen(want_path, "w");
        ck_assert_msg(out != NULL, "cannot write %s: %s", want_path, strerror(errno));
        fputs(got, out);
        ck_assert_int_eq(fclose(out), 0);
    }
    char *want = slurp(want_path);
    if (strcmp(got, want) != 0) {
        size_t i = 0;
        while (got[i] && got[i] == want[i]) i++;
        size_t line = 1;
        for (size_t k = 0; k < i; k++) line += got[k] == '\n';
        ck_abort_msg("%s differs from %s at line %zu (diff them; AC_UPDATE_GOLDEN=1 rewrites)",
                     got_path, want_path, line);
    }
    free(got);
    free(want);
    free(got_path);
    free(want_path);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("text");
    tcase_add_loop_test(tc, test_visible_table, 0, (int)(sizeof VIS / sizeof VIS[0]));
    tcase_add_test(tc, test_visible_null);
    tcase_add_test(tc, test_cap_short_and_unlimited);
    tcase_add_test(tc, test_cap_ascii);
    tcase_add_test(tc, test_cap_utf8_boundaries);
    tcase_add_test(tc, test_tap_escape);
    tcase_add_test(tc, test_yaml_quoted);
    tcase_add_test(tc, test_yaml_block);
    tcase_add_test(tc, test_xml_escape);
    tcase_add_test(tc, test_one_line);
    suite_add_tcase(s, tc);

    tc = tcase_create("writers");
    tcase_add_test(tc, test_tap_streams_and_empty_plan);
    tcase_add_test(tc, test_tap_skip_before_steps);
    tcase_add_test(tc, test_junit_atomic);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_console_closing_line);
    tcase_add_test(tc, test_console_progress_plain);
    suite_add_tcase(s, tc);

    tc = tcase_create("coverage");
    tcase_add_test(tc, test_cov_groups);
    tcase_add_test(tc, test_cov_text_roundtrip);
    tcase_add_test(tc, test_junit_merge_coverage);
    suite_add_tcase(s, tc);

    tc = tcase_create("golden");
    tcase_add_loop_test(tc, test_golden, 0, (int)SAMPLE_N_FILES);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(reports_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
