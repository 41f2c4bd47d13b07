/* Regression tests for what the fuzz targets (tests/fuzz/) found. The inputs themselves are kept
 * in tests/fuzz/corpus/TARGET/crash-* and replayed by ctest's fuzz.replay; these tests pin the
 * corrected behaviour in plain terms, so they also fail in a build without sanitizers. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"

static void expect_text(double d, const char *want)
{
    char *got = ac_number_text(d);
    ck_assert_str_eq(got, want);
    free(got);
}

/* fuzz_expect, corpus/expect/crash-number-text-float-cast: ac_number_text cast a double outside
 * long long's range before checking the range (undefined behaviour, reported by UBSan for an
 * expectation `lt: 1e300`). Numbers beyond 2^53 are never printed as integers. */
START_TEST(number_text_out_of_range)
{
    expect_text(1e300, "1e+300");
    expect_text(-1e300, "-1e+300");
    expect_text(1e19, "1e+19");
    expect_text(-9.3e18, "-9.3e+18");
    expect_text(9223372036854775808.0, "9.2233720368547758e+18");
    expect_text(HUGE_VAL, "inf");
    expect_text(-HUGE_VAL, "-inf");
}
END_TEST

/* The integer form still holds inside the exact range, at both ends. */
START_TEST(number_text_integers)
{
    expect_text(0.0, "0");
    expect_text(-0.0, "0");
    expect_text(3600.0, "3600");
    expect_text(-5.0, "-5");
    expect_text(9007199254740991.0, "9007199254740991");
    expect_text(-9007199254740991.0, "-9007199254740991");
    expect_text(9007199254740992.0, "9007199254740992");
    expect_text(2.5, "2.5");
    expect_text(0.1, "0.1");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz-regressions");
    TCase *tc = tcase_create("jsonpath");
    tcase_add_test(tc, number_text_out_of_range);
    tcase_add_test(tc, number_text_integers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
