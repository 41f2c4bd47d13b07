/* Interrupts (interrupt.h): the first signal wins and a second one is told apart, an interrupted
 * summary bails out with 128 + the signal whatever the verdict was, and the temporary-file
 * registry unlinks exactly what is registered. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "result.h"
#include "util.h"

START_TEST(first_signal_wins)
{
    ac_interrupt_reset();
    ck_assert_int_eq(ac_interrupted(), 0);
    ck_assert(!ac_interrupt_from_signal(SIGTERM));
    ck_assert(ac_interrupt_from_signal(SIGINT));   /* the second: the handler exits at once */
    ck_assert_int_eq(ac_interrupted(), SIGTERM);
    ck_assert(ac_interrupt_at_ms() <= ac_now_ms());
    ck_assert_str_eq(ac_signal_name(SIGINT), "SIGINT");
    ck_assert_str_eq(ac_signal_name(SIGTERM), "SIGTERM");
    ac_interrupt_reset();
    ck_assert_int_eq(ac_interrupted(), 0);
}
END_TEST

typedef struct mark_case { int code_before; bool bailed; const char *reason; int signo, want_code; } mark_case;

static const mark_case marks[] = {
    { 0, false, NULL, SIGTERM, 143 },
    { 1, true, "--fail-fast: X failed", SIGINT, 130 },   /* the interrupt is what the user sees */
    { 4, false, NULL, SIGINT, 130 },
    { 3, true, "target unreachable: refused", SIGTERM, 143 },
    { 1, false, NULL, 0, 1 },                            /* no signal: nothing changes */
};

START_TEST(summary_marked)
{
    const mark_case *c = &marks[_i];
    ac_run_summary s = { .exit_code = c->code_before, .bailed = c->bailed };
    s.bail_reason = c->reason ? ac_strdup(c->reason) : NULL;
    ac_summary_mark_interrupted(&s, c->signo);
    ck_assert_int_eq(s.exit_code, c->want_code);
    if (c->signo) {
        ck_assert(s.bailed);
        ck_assert_int_eq(s.interrupted, c->signo);
        char want[64];
        snprintf(want, sizeof want, "interrupted (%s)", ac_signal_name(c->signo));
        ck_assert_str_eq(s.bail_reason, want);
    } else {
        ck_assert_int_eq(s.interrupted, 0);
    }
    free(s.bail_reason);
}
END_TEST

START_TEST(tmp_registry)
{
    char dir[] = "/tmp/ac-interrupt-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *a = ac_sprintf("%s/a.tmp", dir), *b = ac_sprintf("%s/b.tmp", dir);
    FILE *fa = fopen(a, "w"), *fb = fopen(b, "w");
    ck_assert(fa && fb);
    fclose(fa);
    fclose(fb);
    ck_assert_int_eq(ac_tmpfile_register(a), 0);
    ck_assert_int_eq(ac_tmpfile_register(b), 0);
    ac_tmpfile_unregister(b);   /* committed: renamed away, not ours to remove any more */
    ac_tmpfile_unlink_all_from_signal();
    ck_assert_int_ne(access(a, F_OK), 0);
    ck_assert_int_eq(access(b, F_OK), 0);
    ac_tmpfile_unregister(a);
    /* Slots are reused: many more registrations than slots, one at a time, all succeed. */
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(ac_tmpfile_register(b), 0);
        ac_tmpfile_unregister(b);
    }
    remove(b);
    rmdir(dir);
    free(a);
    free(b);
}
END_TEST

static Suite *interrupt_suite(void)
{
    Suite *s = suite_create("interrupt");
    TCase *tc = tcase_create("interrupt");
    tcase_add_test(tc, first_signal_wins);
    tcase_add_loop_test(tc, summary_marked, 0, (int)(sizeof marks / sizeof *marks));
    tcase_add_test(tc, tmp_registry);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(interrupt_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
