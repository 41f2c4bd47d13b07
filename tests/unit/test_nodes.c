/* Per-node results of cluster tests (issue 15): ac_node_sections (table driven). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_common.h"
#include "util.h"

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

static Suite *nodes_suite(void)
{
    Suite *s = suite_create("nodes");
    TCase *tc = tcase_create("sections");
    tcase_add_loop_test(tc, test_sections, 0, (int)(sizeof SECTIONS / sizeof SECTIONS[0]));
    tcase_add_test(tc, test_sections_free_null);
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
