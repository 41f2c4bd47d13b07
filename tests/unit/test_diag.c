/* Diagnostics: the exact printed form (source line, caret under tabs and UTF-8, long lines),
 * the cap on stored errors, and sorting. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

static char *print(const ac_diags *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    ac_diags_print(d, mem);
    fclose(mem);
    return out;
}

typedef struct print_case {
    const char *src;
    int line, col;
    const char *want;
} print_case;

static const print_case prints[] = {
    { "a: 1\nbb: 2\n", 2, 5, "f.yaml:2:5: error: boom\n  bb: 2\n      ^\n" },
    { "a: 1\n\tb: 2\n", 2, 3, "f.yaml:2:3: error: boom\n  \tb: 2\n  \t ^\n" },
    { "x: caf\xc3\xa9 zz\n", 1, 9, "f.yaml:1:9: error: boom\n  x: caf\xc3\xa9 zz\n          ^\n" },
    { "a: 1\r\nb: 2\r\n", 2, 1, "f.yaml:2:1: error: boom\n  b: 2\n  ^\n" },
    { "only\n", 1, 0, "f.yaml:1: error: boom\n  only\n" },
    { "only\n", 0, 0, "f.yaml: error: boom\n" },
    { "one line\n", 5, 1, "f.yaml:5:1: error: boom\n" },          /* line past the end */
    { "ab\n", 1, 6, "f.yaml:1:6: error: boom\n  ab\n       ^\n" },   /* column past the end */
    { NULL, 3, 4, "f.yaml:3:4: error: boom\n" },
};

START_TEST(print_format)
{
    const print_case *c = &prints[_i];
    ac_diags d;
    ac_diags_init(&d);
    ac_diag_add(&d, AC_DIAG_ERROR, "f.yaml", c->line, c->col, c->src, c->src ? strlen(c->src) : 0,
                "%s", "boom");
    char *out = print(&d);
    ck_assert_str_eq(out, c->want);
    free(out);
    ac_diags_free(&d);
}
END_TEST

START_TEST(warning_and_no_file)
{
    ac_diags d;
    ac_diags_init(&d);
    ac_diag_add(&d, AC_DIAG_WARNING, NULL, 0, 0, NULL, 0, "careful %d", 3);
    ck_assert_uint_eq(d.n_errors, 0);
    char *out = print(&d);
    ck_assert_str_eq(out, "warning: careful 3\n");
    free(out);
    ac_diags_free(&d);
}
END_TEST

START_TEST(long_line_window)
{
    ac_buf src;
    ac_buf_init(&src);
    for (int i = 0; i < 500; i++) ac_buf_putc(&src, (char)('a' + i % 26));
    ac_buf_putc(&src, '\n');
    ac_diags d;
    ac_diags_init(&d);
    ac_diag_add(&d, AC_DIAG_ERROR, "f.yaml", 1, 300, src.data, src.len, "x");
    const ac_diag *g = &d.items[0];
    ck_assert(ac_str_startswith(g->source_line, "..."));
    ck_assert(ac_str_endswith(g->source_line, "..."));
    ck_assert_uint_le(strlen(g->source_line), 170);
    /* the caret still points at character 300 of the line */
    ck_assert_int_eq(g->source_line[g->caret_col - 1], src.data[299]);
    ck_assert_int_eq(g->caret_col, 64);
    ac_diags_free(&d);
    ac_buf_free(&src);
}
END_TEST

START_TEST(cap)
{
    ac_diags d;
    ac_diags_init(&d);
    ck_assert_uint_eq(d.max_errors, 50);
    for (int i = 0; i < 53; i++)
        ac_diag_add(&d, AC_DIAG_ERROR, "f.yaml", i + 1, 1, NULL, 0, "e%d", i);
    ck_assert_uint_eq(d.n, 50);
    ck_assert_uint_eq(d.n_errors, 53);
    ck_assert_uint_eq(d.n_dropped, 3);
    char *out = print(&d);
    ck_assert(ac_str_endswith(out, "f.yaml:50:1: error: e49\n3 more errors not shown\n"));
    free(out);
    ac_diags_free(&d);
    ac_diags_free(&d);
}
END_TEST

START_TEST(sort_segment)
{
    ac_diags d;
    ac_diags_init(&d);
    ac_diag_add(&d, AC_DIAG_ERROR, "a", 9, 9, NULL, 0, "first file");
    ac_diag_add(&d, AC_DIAG_ERROR, "b", 5, 2, NULL, 0, "x");
    ac_diag_add(&d, AC_DIAG_ERROR, "b", 2, 7, NULL, 0, "y");
    ac_diag_add(&d, AC_DIAG_ERROR, "b", 5, 1, NULL, 0, "z");
    ac_diag_add(&d, AC_DIAG_ERROR, "b", 2, 7, NULL, 0, "w");
    ac_diags_sort_from(&d, 1);
    static const char *const order[] = { "first file", "y", "w", "z", "x" };
    for (int i = 0; i < 5; i++) ck_assert_str_eq(d.items[i].message, order[i]);
    ac_diags_free(&d);
}
END_TEST

static Suite *diag_suite(void)
{
    Suite *s = suite_create("diag");
    TCase *tc = tcase_create("diag");
    tcase_add_loop_test(tc, print_format, 0, (int)(sizeof prints / sizeof *prints));
    tcase_add_test(tc, warning_and_no_file);
    tcase_add_test(tc, long_line_window);
    tcase_add_test(tc, cap);
    tcase_add_test(tc, sort_segment);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(diag_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
