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

/* The console's options: --color[=WHEN], --no-color, -q, and `vars` / --list-vars. */
typedef struct console_case {
    const char *args[3];
    int color;            /* -1 auto, 0 never, 1 always */
    bool quiet;
    ac_command command;
    const char *err;      /* NULL: parses */
} console_case;

static const console_case consoles[] = {
    { { NULL }, -1, false, AC_CMD_RUN, NULL },
    { { "--color" }, 1, false, AC_CMD_RUN, NULL },
    { { "--color=always" }, 1, false, AC_CMD_RUN, NULL },
    { { "--color=never" }, 0, false, AC_CMD_RUN, NULL },
    { { "--color=auto" }, -1, false, AC_CMD_RUN, NULL },
    { { "--color", "--color=auto" }, -1, false, AC_CMD_RUN, NULL },
    { { "--no-color" }, 0, false, AC_CMD_RUN, NULL },
    { { "--no-color", "--color" }, 1, false, AC_CMD_RUN, NULL },
    { { "-q" }, -1, true, AC_CMD_RUN, NULL },
    { { "--quiet", "--color=never" }, 0, true, AC_CMD_RUN, NULL },
    { { "vars" }, -1, false, AC_CMD_VARS, NULL },
    { { "--list-vars" }, -1, false, AC_CMD_VARS, NULL },
    { { "--color=sometimes" }, -1, false, AC_CMD_RUN, "--color must be auto, always or never, not 'sometimes'" },
    { { "--quiet=yes" }, -1, false, AC_CMD_RUN, "option --quiet takes no value" },
};

START_TEST(console_options)
{
    const console_case *k = &consoles[_i];
    char *argv[4] = { "authconform", NULL, NULL, NULL };
    int argc = 1;
    for (int a = 0; a < 3 && k->args[a]; a++) argv[argc++] = (char *)k->args[a];
    ac_cli c;
    char *err = NULL;
    int rc = ac_cli_parse(argc, argv, &c, &err);
    if (k->err) {
        ck_assert_int_eq(rc, -1);
        ck_assert_str_eq(err, k->err);
    } else {
        ck_assert_msg(rc == 0, "%s", err ? err : "");
        ck_assert_int_eq(c.color, k->color);
        ck_assert_int_eq(c.quiet, k->quiet);
        ck_assert_int_eq(c.command, k->command);
    }
    free(err);
    ac_cli_free(&c);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_loop_test(tc, unknown_long_option, 0, (int)(sizeof unknowns / sizeof *unknowns));
    tcase_add_loop_test(tc, console_options, 0, (int)(sizeof consoles / sizeof *consoles));
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
