/* Per-node results of cluster tests (issue 15): ac_node_sections (table driven), and the cluster
 * sample run (tests/reports/samples.h) through the record: written, read back and written again
 * unchanged by `report` and `merge`, the run's nodes and the steps' node and round restored, the
 * HTML per-node table, and `diff`'s note when two runs' node names differ. The TAP, JUnit,
 * console and record writers' output is golden (test_reports, reports-nodes-*). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../reports/samples.h"
#include "diff.h"
#include "merge.h"
#include "record.h"
#include "replay.h"
#include "report.h"
#include "report_common.h"
#include "util.h"
#include "unit_files.h"

/* ---- ac_node_sections ------------------------------------------------------------------------ */

typedef struct node_step {
    const char *node, *for_node;
    ac_outcome outcome;
} node_step;

typedef struct sections_case {
    const char *what;
    node_step steps[6];
    size_t n_steps;
    /* The sections as "NODE:OUTCOME=STEP,STEP culprit STEP;" (steps by index), "" for none. */
    const char *want;
} sections_case;

#define P AC_OUT_PASS
#define F AC_OUT_FAIL
#define W AC_OUT_WARN
#define E AC_OUT_ERROR
#define S AC_OUT_SKIP
#define N AC_OUT_NOTRUN

static const sections_case SECTIONS[] = {
    { "no step names a node", { { NULL, NULL, P }, { NULL, NULL, F } }, 2, "" },
    { "empty names are no names", { { "", "", F } }, 1, "" },
    { "a round's step without a node goes to the round's node",
      { { "a", "a", P }, { NULL, "a", F }, { "b", "a", P } }, 3, "a:fail=0,1 culprit 1;b:pass=2;" },
    { "a pinned step counts for its node, not its round",
      { { "c", "a", F }, { "a", "a", P } }, 2, "c:fail=0 culprit 0;a:pass=1;" },
    { "order of first appearance", { { "b", NULL, P }, { "a", NULL, P }, { "b", NULL, P } }, 3,
      "b:pass=0,2;a:pass=1;" },
    { "an unpinned step outside any round is in no section",
      { { NULL, NULL, F }, { "a", NULL, P } }, 2, "a:pass=1;" },
    { "skip is worse than pass", { { "a", NULL, P }, { "a", NULL, S } }, 2, "a:skip=0,1 culprit 1;" },
    { "not run is worse than skip", { { "a", NULL, S }, { "a", NULL, N }, { "a", NULL, S } }, 3,
      "a:not run=0,1,2 culprit 1;" },
    { "warn is worse than not run", { { "a", NULL, N }, { "a", NULL, W } }, 2, "a:warn=0,1 culprit 1;" },
    { "error is worse than warn", { { "a", NULL, W }, { "a", NULL, E } }, 2, "a:error=0,1 culprit 1;" },
    { "fail is worse than error, first failing step is the culprit",
      { { "a", NULL, E }, { "a", NULL, F }, { "a", NULL, F } }, 3, "a:fail=0,1,2 culprit 1;" },
};

START_TEST(test_sections)
{
    const sections_case *c = &SECTIONS[_i];
    ac_test_result t;
    memset(&t, 0, sizeof t);
    ac_step_result steps[6];
    memset(steps, 0, sizeof steps);
    for (size_t i = 0; i < c->n_steps; i++) {
        steps[i].node = (char *)c->steps[i].node;
        steps[i].for_node = (char *)c->steps[i].for_node;
        steps[i].outcome = c->steps[i].outcome;
    }
    t.steps = steps;
    t.n_steps = c->n_steps;
    size_t n = 99;
    ac_node_section *secs = ac_node_sections(&t, &n);
    ac_buf got;
    ac_buf_init(&got);
    for (size_t i = 0; i < n; i++) {
        ac_buf_printf(&got, "%s:%s=", secs[i].node, ac_outcome_name(secs[i].outcome));
        for (size_t k = 0; k < secs[i].n_steps; k++)
            ac_buf_printf(&got, "%s%td", k ? "," : "", secs[i].steps[k] - steps);
        const ac_step_result *culprit = ac_node_section_culprit(&secs[i]);
        if (culprit) ac_buf_printf(&got, " culprit %td", culprit - steps);
        ac_buf_putc(&got, ';');
    }
    ck_assert_msg(strcmp(ac_buf_str(&got), c->want) == 0, "%s: got \"%s\", want \"%s\"", c->what,
                  ac_buf_str(&got), c->want);
    ck_assert(ac_report_has_nodes(&t) == (c->want[0] != '\0' || (c->n_steps && c->steps[0].node &&
                                                                 *c->steps[0].node)));
    if (!*c->want) ck_assert_ptr_null(secs);
    ac_node_sections_free(secs, n);
    ac_buf_free(&got);
}
END_TEST

START_TEST(test_sections_free_null)
{
    ac_node_sections_free(NULL, 0);
    ck_assert_ptr_null(ac_node_section_culprit(NULL));
}
END_TEST

/* ---- through the record ------------------------------------------------------------------------ */

static const char *const FORMATS[] = { "tap", "junit", "json", "html" };
#define N_FORMATS (sizeof FORMATS / sizeof FORMATS[0])

/* Writes DIR/PREFIX.FORMAT for every format from tests [from, from + count) of the cluster run
 * (count 0: all). */
static void write_live(const char *dir, const char *prefix, size_t from, size_t count)
{
    for (size_t k = 0; k < N_FORMATS; k++) {
        char *path = ac_sprintf("%s/%s.%s", dir, prefix, FORMATS[k]), *err = NULL;
        sample_file f = { path, k == 0 ? 't' : k == 1 ? 'j' : k == 2 ? 'r' : 'h', 14, false, false, 'n' };
        if (k == 3) {
            /* samples_write_part has no HTML kind: drive the writer here. */
            ac_test_result *ts;
            size_t n = samples_build_nodes(&ts);
            ac_strlist nodes = { 0 };
            samples_nodes(&nodes, 'n');
            samples_run_nodes = &nodes;
            ac_report_opts o;
            ac_report_opts_init(&o);
            o.deterministic = true;
            o.stream_cap = 4096;
            ac_reporter *r = ac_report_html_new(path, &o, &err);
            ck_assert_msg(r != NULL, "%s", err ? err : "?");
            size_t m = count ? count : n - from;
            ck_assert_int_eq(samples_drive(r, ts + from, m, m, NULL, 14, NULL, false, &err), 0);
            samples_run_nodes = NULL;
            ac_strlist_free(&nodes);
            samples_free(ts, n);
        } else {
            ck_assert_msg(samples_write_part(path, &f, from, count, &err) == 0, "%s", err ? err : "?");
        }
        free(path);
    }
}

/* `authconform report DIR/live.json` writes every report exactly as the run did. */
START_TEST(test_record_round_trip)
{
    char *dir = make_tmpdir_for("nodes");
    write_live(dir, "live", 0, 0);
    char *in = ac_sprintf("%s/live.json", dir);
    char *p[N_FORMATS];
    for (size_t k = 0; k < N_FORMATS; k++) p[k] = ac_sprintf("%s/re.%s", dir, FORMATS[k]);
    ac_report_opts o;
    ac_report_opts_init(&o);
    o.deterministic = true;
    o.stream_cap = 4096;
    o.tap_version = 14;
    FILE *errout = tmpfile();
    ck_assert_int_eq(ac_replay_command(in, p[0], p[1], p[3], p[2], &o, errout), 1);
    fclose(errout);
    for (size_t k = 0; k < N_FORMATS; k++) {
        char *a = ac_sprintf("%s/live.%s", dir, FORMATS[k]);
        char *live = slurp(a), *re = slurp(p[k]);
        ck_assert_msg(strcmp(live, re) == 0, "%s rebuilt from the record differs from the live one", FORMATS[k]);
        free(live);
        free(re);
        free(a);
        free(p[k]);
    }
    /* What the reader restored. */
    ac_record rec;
    char *err = NULL;
    ck_assert_msg(ac_record_load(in, &rec, &err) == 0, "%s", err ? err : "?");
    ck_assert_uint_eq(rec.nodes.n, 6);
    ck_assert_str_eq(rec.nodes.items[0], "a=127.0.0.1:8081");
    ck_assert_str_eq(rec.nodes.items[5], "a: b=127.0.0.1:8086");
    const ac_record_test *t = &rec.tests[1];
    ck_assert_str_eq(t->steps[2].node, "c");
    ck_assert_str_eq(t->steps[2].for_node, "a");
    ck_assert_ptr_null(t->steps[3].node);
    ck_assert_str_eq(t->steps[3].for_node, "a");
    ck_assert_ptr_null(rec.tests[0].steps[0].node);
    ck_assert_ptr_null(rec.tests[0].steps[0].for_node);
    ac_record_free(&rec);
    free(in);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A record without nodes has no "nodes" member and no step node members (goldens of the other
 * runs pin the rest), and a malformed "nodes" is refused with a message. */
START_TEST(test_record_nodes_refused)
{
    static const char *const BAD[] = {
        "\"nodes\":{}", "\"nodes\":[\"a=1\"]", "\"nodes\":[{\"name\":\"\",\"address\":\"x\"}]",
        "\"nodes\":[{\"name\":\"a\"}]",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char *text = ac_sprintf("{\"record_version\":3,\"tool\":{\"name\":\"authconform\",\"version\":\"1\"},"
                                "\"suite\":{},\"profile\":\"documented\",\"options\":{},%s,\"tests\":[],"
                                "\"coverage\":{\"must_selected\":0,\"must_judged\":0,\"must_not_applicable\":0,"
                                "\"complete\":true,\"gaps\":[],\"missing\":[],\"allowed\":[]},"
                                "\"summary\":{\"exit_code\":0}}", BAD[i]);
        ac_record rec;
        char *err = NULL;
        ck_assert_msg(ac_record_parse("mem.json", text, strlen(text), &rec, &err) == -1, "%s accepted", BAD[i]);
        ck_assert_msg(err && strstr(err, "\"nodes\" must be"), "%s: %s", BAD[i], err ? err : "no message");
        free(err);
        ac_record_free(&rec);
        free(text);
    }
}
END_TEST

/* `merge` of two shards of the cluster run keeps the nodes and the steps' nodes. */
START_TEST(test_merge_keeps_nodes)
{
    char *dir = make_tmpdir_for("nodes");
    write_live(dir, "one", 0, 2);
    write_live(dir, "two", 2, 0);
    char *a = ac_sprintf("%s/one.json", dir), *b = ac_sprintf("%s/two.json", dir);
    char *json = ac_sprintf("%s/merged.json", dir), *html = ac_sprintf("%s/merged.html", dir);
    char *junit = ac_sprintf("%s/merged.xml", dir);
    const char *inputs[] = { a, b };
    ac_merge_outputs o = { .json = json, .html = html, .junit = junit };
    FILE *info = tmpfile();
    char *err = NULL;
    ck_assert_msg(ac_merge_command(inputs, 2, &o, info, &err) == 0, "%s", err ? err : "?");
    fclose(info);
    char *text = slurp(json);
    ck_assert_ptr_nonnull(strstr(text, "\"nodes\": [{\"name\":\"a\",\"address\":\"127.0.0.1:8081\"},"));
    ck_assert_ptr_nonnull(strstr(text, "\"node\":\"c\",\"for_node\":\"a\""));
    char *page = slurp(html);
    ck_assert_ptr_nonnull(strstr(page, "<table class=\"checks nodes\">"));
    char *xml = slurp(junit);
    ck_assert_ptr_nonnull(strstr(xml, "== node c: fail ==\nFAIL    [a] accepted (node c): issued by node a, "
                                      "refused by node c: 401 invalid_token\n"));
    free(xml);
    free(page);
    free(text);
    free(a);
    free(b);
    free(json);
    free(html);
    free(junit);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The HTML detail of a cluster test: a row per node with its outcome and the step that explains
 * a failing node; a passing cluster test can be opened for its table too. */
START_TEST(test_html_node_table)
{
    char *dir = make_tmpdir_for("nodes");
    write_live(dir, "live", 0, 0);
    char *path = ac_sprintf("%s/live.html", dir);
    char *page = slurp(path);
    ck_assert_ptr_nonnull(strstr(page, "<tr><td>a</td><td><span class=\"o o-pass\">pass</span></td><td></td></tr>\n"
                                       "<tr><td>c</td><td><span class=\"o o-fail\">fail</span></td><td>"
                                       "[a] accepted (node c)<div class=\"msg\">issued by node a, refused by node c: "
                                       "401 invalid_token</div></td></tr>"));
    ck_assert_ptr_nonnull(strstr(page, "<summary>results per node</summary>"));
    ck_assert_ptr_nonnull(strstr(page, "<tr><td>a: b</td>"));
    /* The ordinary test is not expandable. */
    const char *ok = strstr(page, "<tr id=\"t-TOKEN-OK\"");
    ck_assert_ptr_nonnull(ok);
    const char *end = strstr(ok, "</tr>");
    const char *details = strstr(ok, "<details>");
    ck_assert(end && (!details || details > end));
    free(page);
    free(path);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* `diff` notes different node names (never addresses). */
START_TEST(test_diff_note)
{
    char *dir = make_tmpdir_for("nodes");
    write_live(dir, "nodes", 0, 0);
    char *plain = ac_sprintf("%s/plain.json", dir), *err = NULL;
    sample_file f = { plain, 'r', 14, false, false, 'c' };
    ck_assert_msg(samples_write_part(plain, &f, 0, 0, &err) == 0, "%s", err ? err : "?");
    char *nodes = ac_sprintf("%s/nodes.json", dir);
    ac_record a, b;
    ck_assert_msg(ac_record_load(plain, &a, &err) == 0, "%s", err ? err : "?");
    ck_assert_msg(ac_record_load(nodes, &b, &err) == 0, "%s", err ? err : "?");
    ac_diff d;
    ac_diff_compute(&a, &b, &d);
    bool seen = false;
    for (size_t i = 0; i < d.notes.n; i++)
        if (strcmp(d.notes.items[i], "different nodes: (none) -> a, c, 10.0.0.5, pod-1, " SAMPLE_NODE_UNICODE
                                     ", a: b") == 0)
            seen = true;
    ck_assert_msg(seen, "no note about the nodes");
    ac_diff_free(&d);
    /* Same names at other addresses: no note. */
    free(b.nodes.items[0]);
    b.nodes.items[0] = ac_strdup("a=192.0.2.1:9999");
    ac_record c;
    ck_assert_msg(ac_record_load(nodes, &c, &err) == 0, "%s", err ? err : "?");
    ac_diff_compute(&c, &b, &d);
    for (size_t i = 0; i < d.notes.n; i++) ck_assert_ptr_null(strstr(d.notes.items[i], "nodes"));
    ac_diff_free(&d);
    ac_record_free(&a);
    ac_record_free(&b);
    ac_record_free(&c);
    free(plain);
    free(nodes);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *nodes_suite(void)
{
    (void)samples_write_file;   /* shared header; the golden files are test_reports' */
    Suite *s = suite_create("nodes");
    TCase *tc = tcase_create("sections");
    tcase_add_loop_test(tc, test_sections, 0, (int)(sizeof SECTIONS / sizeof SECTIONS[0]));
    tcase_add_test(tc, test_sections_free_null);
    suite_add_tcase(s, tc);
    tc = tcase_create("record");
    tcase_add_test(tc, test_record_round_trip);
    tcase_add_test(tc, test_record_nodes_refused);
    tcase_add_test(tc, test_merge_keeps_nodes);
    tcase_add_test(tc, test_html_node_table);
    tcase_add_test(tc, test_diff_note);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(nodes_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
