/* Command-line parsing (cli.h): a misspelt long option is answered with the closest option, and
 * the value after '=' is never echoed (it may be a secret). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct unknown_case { const char *arg, *want; } unknown_case;

static const unknown_case unknowns[] = {
    { "--taget", "unknown option '--taget' (did you mean '--target'? see --help)" },
    { "--taget=http://x", "unknown option '--taget' (did you mean '--target'? see --help)" },
    { "--bogus", "unknown option '--bogus' (see --help)" },
    { "--vra=password=s3cret", "unknown option '--vra' (see --help)" },
};

START_TEST(unknown_long_option)
{
    char *argv[] = { "authconform", (char *)unknowns[_i].arg, NULL };
    ac_cli c;
    char *err = NULL;
    ck_assert_int_eq(ac_cli_parse(2, argv, &c, &err), -1);
    ck_assert_str_eq(err, unknowns[_i].want);
    free(err);
    ac_cli_free(&c);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_loop_test(tc, unknown_long_option, 0, (int)(sizeof unknowns / sizeof *unknowns));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
