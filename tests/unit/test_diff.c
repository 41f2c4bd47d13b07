/* Comparing run records (runner/app/diff.c): a table of old/new pairs with the expected change, the
 * exit status and the warnings; then the command itself (table, TAP, exit codes 0, 1, 2 and 4)
 * and --baseline's effect on a run's exit status. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "record.h"
#include "util.h"

/* ---- building records ------------------------------------------------------------------- */

typedef struct spec_test {
    const char *id;
    const char *outcome;
    const char *statuses;   /* JSON array text, e.g. "[401]" */
    const char *severity;   /* NULL: must */
    const char *message;    /* NULL: "status 200, expected 401" unless the outcome is pass */
} spec_test;

typedef struct spec_run {
    const char *profile;      /* NULL: documented */
    bool strict;
    const char *suite_version;   /* NULL: 1.0.0 */
    const char *hash_digit;      /* NULL: "a": the hash is 64 of this */
    const char *tags;            /* JSON array; NULL: [] */
    const char *tool_version;    /* NULL: 0.1.0 */
    spec_test tests[4];          /* up to the first with id NULL */
} spec_run;

static char *record_json(const spec_run *r)
{
    ac_buf b;
    ac_buf_init(&b);
    char hash[65];
    memset(hash, (r->hash_digit ? r->hash_digit : "a")[0], 64);
    hash[64] = '\0';
    const char *profile = r->profile ? r->profile : "documented";
    ac_buf_printf(&b, "{\"record_version\":1,\"tool\":{\"name\":\"authconform\",\"version\":\"%s\"},"
                      "\"suite\":{\"name\":\"apinizer-auth\",\"version\":\"%s\",\"hash\":\"sha256:%s\",\"files\":7},"
                      "\"target\":\"http://127.0.0.1/apiops\",\"profile\":\"%s\","
                      "\"options\":{\"profile\":\"%s\",\"strict\":%s,\"tags\":%s,\"shard\":null},"
                      "\"started_at\":\"2025-01-01T00:00:00Z\",\"tests\":[",
                  r->tool_version ? r->tool_version : "0.1.0", r->suite_version ? r->suite_version : "1.0.0",
                  hash, profile, profile, r->strict ? "true" : "false", r->tags ? r->tags : "[]");
    for (size_t i = 0; i < 4 && r->tests[i].id; i++) {
        const spec_test *t = &r->tests[i];
        bool pass = strcmp(t->outcome, "pass") == 0;
        char *msg = t->message ? ac_sprintf("\"%s\"", t->message)
                               : ac_strdup(pass ? "null" : "\"status 200, expected 401\"");
        ac_buf_printf(&b, "%s{\"id\":\"%s\",\"name\":\"test %s\",\"area\":\"bearer-format\",\"severity\":\"%s\","
                          "\"outcome\":\"%s\",\"duration_ms\":1.5,\"statuses\":%s,\"message\":%s}",
                      i ? "," : "", t->id, t->id, t->severity ? t->severity : "must", t->outcome,
                      t->statuses ? t->statuses : "[]", msg);
        free(msg);
    }
    ac_buf_puts(&b, "],\"summary\":{\"exit_code\":0},\"duration_ms\":3}");
    return ac_buf_steal(&b);
}

static void load(const spec_run *r, const char *name, ac_record *out)
{
    char *text = record_json(r);
    char *err = NULL;
    if (ac_record_parse(name, text, strlen(text), out, &err) < 0) ck_abort_msg("%s", err);
    free(text);
}

/* ---- the table ----------------------------------------------------------------------------- */

typedef struct diff_case {
    const char *what;
    spec_run old_r, new_r;
    const char *id;             /* the entry to look at */
    ac_diff_kind kind;          /* its expected change */
    int exit_code;
    const char *warning;        /* a substring of one warning, or NULL for no warning */
} diff_case;

#define P(id, st) { id, "pass", st, NULL, NULL }
#define F(id, st) { id, "fail", st, NULL, NULL }
/* A test of the given outcome and severity that sent nothing. */
#define T(id, outcome, sev) { id, outcome, "[]", sev, NULL }

static const diff_case CASES[] = {
    { "new failure", { .tests = { P("A", "[401]"), P("B", "[200]") } },
      { .tests = { F("A", "[200]"), P("B", "[200]") } }, "A", AC_DIFF_NEW_FAILURE, 1, NULL },
    { "fixed", { .tests = { F("A", "[200]") } }, { .tests = { P("A", "[401]") } }, "A", AC_DIFF_FIXED, 0, NULL },
    { "changed status", { .tests = { P("A", "[401]") } }, { .tests = { P("A", "[400]") } }, "A",
      AC_DIFF_STATUSES, 0, NULL },
    /* Lost coverage: must-level (in NEW), passed in OLD, no longer judged. Exit 4, or 1 when the
     * new outcome counts against the run (error, not run), and 1 beats 4. */
    { "lost coverage: must pass -> skip", { .tests = { P("A", "[401]") } }, { .tests = { T("A", "skip", "must") } },
      "A", AC_DIFF_LOST_COVERAGE, 4, NULL },
    { "lost coverage: must pass -> error exits 1", { .tests = { P("A", "[401]") } },
      { .tests = { T("A", "error", "must") } }, "A", AC_DIFF_LOST_COVERAGE, 1, NULL },
    { "lost coverage: must pass -> not_run exits 1", { .tests = { P("A", "[401]") } },
      { .tests = { T("A", "not_run", "must") } }, "A", AC_DIFF_LOST_COVERAGE, 1, NULL },
    { "lost coverage: must warn -> skip (its must checks passed)", { .tests = { T("A", "warn", "must") } },
      { .tests = { T("A", "skip", "must") } }, "A", AC_DIFF_LOST_COVERAGE, 4, NULL },
    { "lost coverage and a new failure: 1 beats 4", { .tests = { P("A", "[401]"), P("B", "[401]") } },
      { .tests = { T("A", "skip", "must"), F("B", "[200]") } }, "A", AC_DIFF_LOST_COVERAGE, 1, NULL },
    { "lost coverage: the new run's severity decides (should -> must)",
      { .tests = { T("A", "pass", "should") } }, { .tests = { T("A", "skip", "must") } }, "A",
      AC_DIFF_LOST_COVERAGE, 4, NULL },
    { "not lost: must in OLD, should in NEW", { .tests = { T("A", "pass", "must") } },
      { .tests = { T("A", "skip", "should") } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "not lost: should pass -> skip is a change", { .tests = { T("A", "pass", "should") } },
      { .tests = { T("A", "skip", "should") } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "not lost: info pass -> skip is a change", { .tests = { T("A", "pass", "info") } },
      { .tests = { T("A", "skip", "info") } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "not lost: should pass -> error stays a new failure", { .tests = { T("A", "pass", "should") } },
      { .tests = { T("A", "error", "should") } }, "A", AC_DIFF_NEW_FAILURE, 1, NULL },
    { "not lost: must fail -> skip was not passing", { .tests = { F("A", "[200]") } },
      { .tests = { T("A", "skip", "must") } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "not lost: strict must warn -> skip was failing", { .strict = true, .tests = { T("A", "warn", "must") } },
      { .strict = true, .tests = { T("A", "skip", "must") } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "not lost: must skip -> skip", { .tests = { T("A", "skip", "must") } }, { .tests = { T("A", "skip", "must") } },
      "A", AC_DIFF_SAME, 0, NULL },
    { "not lost: a must test absent from NEW is removed", { .tests = { P("A", "[401]"), P("B", "[401]") } },
      { .tests = { P("A", "[401]") } }, "B", AC_DIFF_REMOVED, 0, NULL },
    { "still failing, differently: fail -> error", { .tests = { F("A", "[200]") } },
      { .tests = { T("A", "error", NULL) } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "failure -> skip is not fixed", { .tests = { F("A", "[200]") } }, { .tests = { T("A", "skip", NULL) } },
      "A", AC_DIFF_OUTCOME, 0, NULL },
    { "added, passing", { .tests = { P("A", "[401]") } }, { .tests = { P("A", "[401]"), P("B", "[401]") } },
      "B", AC_DIFF_ADDED, 0, NULL },
    { "added, failing: a new failure", { .tests = { P("A", "[401]") } },
      { .tests = { P("A", "[401]"), F("B", "[200]") } }, "B", AC_DIFF_ADDED, 1, NULL },
    { "removed", { .tests = { P("A", "[401]"), P("B", "[401]") } }, { .tests = { P("A", "[401]") } }, "B",
      AC_DIFF_REMOVED, 0, NULL },
    { "unchanged", { .tests = { P("A", "[401]") } }, { .tests = { P("A", "[401]") } }, "A", AC_DIFF_SAME, 0, NULL },
    { "unchanged failure is not new", { .tests = { F("A", "[200]") } }, { .tests = { F("A", "[200]") } }, "A",
      AC_DIFF_SAME, 0, NULL },
    { "different profile", { .tests = { P("A", "[401]") } }, { .profile = "rfc", .tests = { P("A", "[401]") } },
      "A", AC_DIFF_SAME, 0, "different profiles: documented -> rfc" },
    { "different tags", { .tests = { P("A", "[401]") } }, { .tags = "[\"bearer\"]", .tests = { P("A", "[401]") } },
      "A", AC_DIFF_SAME, 0, "different options: tags [] -> [\"bearer\"]" },
    { "different suite version", { .tests = { P("A", "[401]") } },
      { .suite_version = "1.1.0", .hash_digit = "b", .tests = { P("A", "[401]") } }, "A", AC_DIFF_SAME, 0,
      "different suite versions: 1.0.0 -> 1.1.0" },
    { "same version, different files", { .tests = { P("A", "[401]") } },
      { .hash_digit = "c", .tests = { P("A", "[401]") } }, "A", AC_DIFF_SAME, 0,
      "files differ although its version is the same" },
    { "strict: a warning is a new failure", { .tests = { P("A", "[401]") } },
      { .strict = true, .tests = { { "A", "warn", "[400]", NULL, NULL } } }, "A", AC_DIFF_NEW_FAILURE, 1,
      "different options: strict false -> true" },
    { "not strict: a warning is a change", { .tests = { P("A", "[401]") } },
      { .tests = { { "A", "warn", "[400]", NULL, NULL } } }, "A", AC_DIFF_OUTCOME, 0, NULL },
    { "a tool upgrade is only a note", { .tests = { P("A", "[401]") } },
      { .tool_version = "0.2.0", .tests = { P("A", "[401]") } }, "A", AC_DIFF_SAME, 0, NULL },
};

static const ac_diff_entry *entry_for(const ac_diff *d, const char *id)
{
    for (size_t i = 0; i < d->n; i++) {
        const ac_record_test *t = d->entries[i].new_t ? d->entries[i].new_t : d->entries[i].old_t;
        if (strcmp(t->id, id) == 0) return &d->entries[i];
    }
    return NULL;
}

START_TEST(test_diff_table)
{
    const diff_case *c = &CASES[_i];
    ac_record o, n;
    load(&c->old_r, "old.json", &o);
    load(&c->new_r, "new.json", &n);
    ac_diff d;
    ac_diff_compute(&o, &n, &d);
    const ac_diff_entry *e = entry_for(&d, c->id);
    ck_assert_msg(e != NULL, "%s: no entry for %s", c->what, c->id);
    ck_assert_msg(e->kind == c->kind, "%s: kind %s, expected %s", c->what, ac_diff_kind_name(e->kind),
                  ac_diff_kind_name(c->kind));
    ck_assert_msg(ac_diff_exit_code(&d) == c->exit_code, "%s: exit %d, expected %d", c->what,
                  ac_diff_exit_code(&d), c->exit_code);
    if (c->warning) {
        bool found = false;
        for (size_t i = 0; i < d.warnings.n; i++)
            if (strstr(d.warnings.items[i], c->warning)) found = true;
        ck_assert_msg(found, "%s: no warning with '%s' (%zu warnings%s%s)", c->what, c->warning, d.warnings.n,
                      d.warnings.n ? ", first: " : "", d.warnings.n ? d.warnings.items[0] : "");
    } else {
        ck_assert_msg(d.warnings.n == 0, "%s: unexpected warning: %s", c->what,
                      d.warnings.n ? d.warnings.items[0] : "");
    }
    /* Every test of both runs is accounted for exactly once. */
    size_t total = 0;
    for (int k = 0; k < AC_DIFF_N_KINDS; k++) total += d.count[k];
    ck_assert_uint_eq(total, d.n);
    ac_diff_free(&d);
    ac_record_free(&o);
    ac_record_free(&n);
}
END_TEST

START_TEST(test_diff_notes)
{
    spec_run a = { .tests = { P("A", "[401]") } }, b = { .tool_version = "0.2.0", .tests = { P("A", "[401]") } };
    ac_record o, n;
    load(&a, "old.json", &o);
    load(&b, "new.json", &n);
    ac_diff d;
    ac_diff_compute(&o, &n, &d);
    ck_assert_uint_eq(d.notes.n, 1);
    ck_assert_str_eq(d.notes.items[0], "authconform 0.1.0 -> 0.2.0");
    ac_diff_free(&d);
    ac_record_free(&o);
    ac_record_free(&n);
}
END_TEST

/* ---- the printed table ---------------------------------------------------------------------- */

static char *capture_table(const spec_run *a, const spec_run *b)
{
    ac_record o, n;
    load(a, "old.json", &o);
    load(b, "new.json", &n);
    ac_diff d;
    ac_diff_compute(&o, &n, &d);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ac_diff_print_table(&d, &o, &n, f);
    fclose(f);
    ac_diff_free(&d);
    ac_record_free(&o);
    ac_record_free(&n);
    return buf;
}

START_TEST(test_diff_print)
{
    spec_run a = { .tests = { P("BEARER-ALG-NONE", "[401]"), F("FIXED-ONE", "[500]"), P("GONE", "[200]") } };
    spec_run b = { .tests = { F("BEARER-ALG-NONE", "[200]"), P("FIXED-ONE", "[400]"), P("NEW-ONE", "[200]") } };
    char *t = capture_table(&a, &b);
    ck_assert_ptr_nonnull(strstr(t, "change       id               area           severity  old   new   statuses\n"));
    ck_assert_ptr_nonnull(strstr(t, "new failure  BEARER-ALG-NONE  bearer-format  must      pass  fail  401 -> 200\n"));
    ck_assert_ptr_nonnull(strstr(t, "             status 200, expected 401\n"));
    ck_assert_ptr_nonnull(strstr(t, "fixed        FIXED-ONE        bearer-format  must      fail  pass  500 -> 400\n"));
    ck_assert_ptr_nonnull(strstr(t, "added        NEW-ONE          bearer-format  must      -     pass  200\n"));
    ck_assert_ptr_nonnull(strstr(t, "removed      GONE             bearer-format  must      pass  -     200\n"));
    ck_assert_ptr_nonnull(strstr(t, "1 new failure, 0 lost coverage, 1 fixed, 0 changed outcomes, 0 changed "
                                    "statuses, 1 added, 1 removed; 0 unchanged\n"));
    /* New failures come first. */
    ck_assert(strstr(t, "new failure  ") < strstr(t, "fixed  "));
    free(t);

    t = capture_table(&a, &a);
    ck_assert_ptr_nonnull(strstr(t, "no differences: 3 tests, same outcomes and statuses\n"));
    free(t);
}
END_TEST

/* Lost coverage is listed like a new failure: right after the new failures, old -> new outcome,
 * the new reason under it, and its own count in the summary. A should-level skip is not. */
START_TEST(test_diff_print_lost)
{
    spec_run a = { .tests = { P("ISSUE-OK", "[200]"), P("BROKEN", "[401]"), F("FIXED-ONE", "[500]"),
                              T("SHOULD-ONE", "pass", "should") } };
    spec_run b = { .tests = { { "ISSUE-OK", "skip", "[]", "must", "requires variable password (set APINIZER_PASSWORD)" },
                              F("BROKEN", "[200]"), P("FIXED-ONE", "[400]"),
                              T("SHOULD-ONE", "skip", "should") } };
    char *t = capture_table(&a, &b);
    ck_assert_ptr_nonnull(strstr(t, "change         id          area           severity  old   new   statuses\n"));
    const char *lost = strstr(t, "lost coverage  ISSUE-OK    bearer-format  must      pass  skip  200 -> -\n"
                                 "               requires variable password (set APINIZER_PASSWORD)\n");
    ck_assert_msg(lost != NULL, "no lost-coverage row with its reason in:\n%s", t);
    ck_assert_ptr_nonnull(strstr(t, "changed        SHOULD-ONE  bearer-format  should    pass  skip  -\n"));
    ck_assert_ptr_null(strstr(t, "lost coverage  SHOULD-ONE"));
    const char *nf = strstr(t, "new failure    BROKEN"), *fixed = strstr(t, "fixed          FIXED-ONE");
    ck_assert(nf && fixed && nf < lost && lost < fixed);
    ck_assert_ptr_nonnull(strstr(t, "\n1 new failure, 1 lost coverage, 1 fixed, 1 changed outcome, 0 changed "
                                    "statuses, 0 added, 0 removed; 0 unchanged\n"));
    free(t);
}
END_TEST

START_TEST(test_diff_exit_worst)
{
    /* 2 > 3 > 1 > 4 > 0, in both argument orders. */
    static const int order[] = { 0, 4, 1, 3, 2 };
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++) {
            int want = order[i > j ? i : j];
            ck_assert_msg(ac_diff_exit_worst(order[i], order[j]) == want, "worst(%d, %d) = %d, expected %d",
                          order[i], order[j], ac_diff_exit_worst(order[i], order[j]), want);
        }
}
END_TEST

/* ---- the command ---------------------------------------------------------------------------- */

static char *tmpdir;

static char *write_record(const spec_run *r, const char *name)
{
    char *path = ac_sprintf("%s/%s", tmpdir, name);
    char *text = record_json(r);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(text);
    return path;
}

static int command(const char *a, const char *b, const char *tap, char **out, char **errout)
{
    size_t l1 = 0, l2 = 0;
    FILE *fo = open_memstream(out, &l1), *fe = open_memstream(errout, &l2);
    int rc = ac_diff_command(a, b, tap, NULL, 14, fo, fe);
    fclose(fo);
    fclose(fe);
    return rc;
}

START_TEST(test_diff_command)
{
    char tmpl[] = "/tmp/ac-test-diff-XXXXXX";
    tmpdir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(tmpdir);
    spec_run good = { .tests = { P("A", "[401]"), P("B", "[401]") } };
    spec_run bad = { .profile = "rfc", .tests = { F("A", "[200]"), P("B", "[401]") } };
    char *g = write_record(&good, "good.json"), *b = write_record(&bad, "bad.json");
    char *junk = ac_sprintf("%s/junk.json", tmpdir);
    FILE *f = fopen(junk, "w");
    fputs("TAP version 14\n", f);
    fclose(f);
    char *tap = ac_sprintf("%s/diff.tap", tmpdir);
    char *out = NULL, *err = NULL;

    ck_assert_int_eq(command(g, g, NULL, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "no differences"));
    ck_assert_str_eq(err, "");
    free(out);
    free(err);

    ck_assert_int_eq(command(g, b, tap, &out, &err), 1);
    ck_assert_ptr_nonnull(strstr(out, "new failure  A"));
    ck_assert_ptr_nonnull(strstr(err, "warning: the runs used different profiles: documented -> rfc"));
    free(out);
    free(err);
    char *e = NULL;
    char *t = ac_read_file(tap, NULL, &e);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(strstr(t, "TAP version 14\n1..2\nnot ok 1 - A test A\n"));
    ck_assert_ptr_nonnull(strstr(t, "ok 2 - B test B\n"));
    ck_assert_ptr_nonnull(strstr(t, "new failure: pass -> fail: status 200, expected 401"));
    free(t);

    ck_assert_int_eq(command(b, g, NULL, &out, &err), 0);   /* the reverse: fixed */
    ck_assert_ptr_nonnull(strstr(out, "fixed   A  "));
    free(out);
    free(err);

    /* A must-level test no longer judged: exit 4, a failing test in TAP with the new reason. */
    spec_run skipped = { .tests = { { "A", "skip", "[]", "must", "requires variable password" }, P("B", "[401]") } };
    char *s = write_record(&skipped, "skipped.json");
    ck_assert_int_eq(command(g, s, tap, &out, &err), 4);
    ck_assert_ptr_nonnull(strstr(out, "lost coverage  A  "));
    ck_assert_ptr_nonnull(strstr(out, "0 new failures, 1 lost coverage, "));
    free(out);
    free(err);
    t = ac_read_file(tap, NULL, &e);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(strstr(t, "not ok 1 - A test A\n"));
    ck_assert_ptr_nonnull(strstr(t, "lost coverage: pass -> skip: requires variable password"));
    free(t);
    free(s);

    /* Unreadable or invalid input: 2, and the message names the file. */
    char *missing = ac_sprintf("%s/missing.json", tmpdir);
    ck_assert_int_eq(command(missing, g, NULL, &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, missing));
    ck_assert_str_eq(out, "");
    free(out);
    free(err);
    ck_assert_int_eq(command(g, junk, NULL, &out, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, junk));
    ck_assert_ptr_nonnull(strstr(err, "not valid JSON"));
    free(out);
    free(err);

    char *cmd = ac_sprintf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(g);
    free(b);
    free(junk);
    free(tap);
    free(missing);
}
END_TEST

/* --baseline: the comparison raises the run's exit status by 2 > 3 > 1 > 4 > 0, never lowers it,
 * and says so when it does. */
START_TEST(test_diff_baseline)
{
    char tmpl[] = "/tmp/ac-test-diff-XXXXXX";
    tmpdir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(tmpdir);
    spec_run good = { .tests = { P("A", "[401]"), P("B", "[401]") } };
    char *g = write_record(&good, "good.json"), *e = NULL, *out = NULL;
    ac_record base;
    ck_assert_int_eq(ac_record_load(g, &base, &e), 0);
    static const struct { spec_run run; int run_code, want; const char *says; } BASE[] = {
        { { .tests = { T("A", "skip", "must"), P("B", "[401]") } }, 0, 4, "exit status 4 instead of 0" },
        { { .tests = { T("A", "skip", "must"), P("B", "[401]") } }, 1, 1, NULL },
        { { .tests = { T("A", "skip", "must"), P("B", "[401]") } }, 3, 3, NULL },
        { { .tests = { T("A", "error", "must"), P("B", "[401]") } }, 0, 1, "exit status 1 instead of 0" },
        { { .tests = { T("A", "error", "must"), P("B", "[401]") } }, 2, 2, NULL },
        { { .tests = { T("A", "skip", "should"), P("B", "[401]") } }, 0, 0, NULL },
        { { .tests = { P("A", "[401]"), P("B", "[401]") } }, 0, 0, NULL },
    };
    for (size_t i = 0; i < sizeof BASE / sizeof BASE[0]; i++) {
        char *p = write_record(&BASE[i].run, "run.json");
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        /* Odd cases name the run (as main.c does for a temporary record): the name is shown and
         * the file's own path is not. */
        const char *shown = i % 2 ? "this run (not kept)" : NULL;
        int got = ac_diff_baseline(&base, p, shown, BASE[i].run_code, f);
        fclose(f);
        ck_assert_msg(got == BASE[i].want, "baseline case %zu: exit %d, expected %d", i, got, BASE[i].want);
        ck_assert_msg(strstr(out, shown ? "  new this run (not kept): " : "run.json") != NULL,
                      "case %zu does not name the run:\n%s", i, out);
        if (shown) ck_assert_msg(strstr(out, "run.json") == NULL, "case %zu names the file:\n%s", i, out);
        if (BASE[i].says)
            ck_assert_msg(strstr(out, BASE[i].says) != NULL, "case %zu lacks '%s':\n%s", i, BASE[i].says, out);
        else
            ck_assert_ptr_null(strstr(out, "instead of"));
        free(out);
        free(p);
    }
    /* This run's record cannot be read: the run's own status stands. */
    char *missing = ac_sprintf("%s/missing.json", tmpdir);
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_int_eq(ac_diff_baseline(&base, missing, NULL, 0, f), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "--baseline: "));
    free(out);
    ac_record_free(&base);

    char *cmd = ac_sprintf("rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(g);
    free(missing);
}
END_TEST

static Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("compare");
    tcase_add_loop_test(tc, test_diff_table, 0, (int)(sizeof CASES / sizeof CASES[0]));
    tcase_add_test(tc, test_diff_notes);
    tcase_add_test(tc, test_diff_print);
    tcase_add_test(tc, test_diff_print_lost);
    tcase_add_test(tc, test_diff_exit_worst);
    tcase_add_test(tc, test_diff_command);
    tcase_add_test(tc, test_diff_baseline);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(diff_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
