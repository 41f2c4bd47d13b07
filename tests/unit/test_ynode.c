/* YAML node trees: core-schema resolution, positions, duplicates, tags, aliases and bombs,
 * multi-document streams, invalid UTF-8 and size limits. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "ynode.h"

static yn_doc *parse(const char *text, ac_diags *d)
{
    ac_diags_init(d);
    return yn_parse("t.yaml", text, strlen(text), d);
}

/* ---- core schema: one value under key v ---------------------------------------------------- */

typedef struct scalar_case {
    const char *yaml;     /* the text after "v: " */
    yn_stype type;
    bool quoted;
    long long i;          /* YN_INT */
    double f;             /* YN_FLOAT (and YN_INT) */
    bool b;               /* YN_BOOL */
} scalar_case;

static const scalar_case scalars[] = {
    { "yes", YN_STR, false, 0, 0, false },
    { "no", YN_STR, false, 0, 0, false },
    { "on", YN_STR, false, 0, 0, false },
    { "off", YN_STR, false, 0, 0, false },
    { "y", YN_STR, false, 0, 0, false },
    { "tRUE", YN_STR, false, 0, 0, false },
    { "true", YN_BOOL, false, 0, 0, true },
    { "True", YN_BOOL, false, 0, 0, true },
    { "TRUE", YN_BOOL, false, 0, 0, true },
    { "false", YN_BOOL, false, 0, 0, false },
    { "FALSE", YN_BOOL, false, 0, 0, false },
    { "~", YN_NULL, false, 0, 0, false },
    { "null", YN_NULL, false, 0, 0, false },
    { "Null", YN_NULL, false, 0, 0, false },
    { "NULL", YN_NULL, false, 0, 0, false },
    { "", YN_NULL, false, 0, 0, false },
    { "nULL", YN_STR, false, 0, 0, false },
    { "0x1F", YN_INT, false, 31, 31, false },
    { "0o17", YN_INT, false, 15, 15, false },
    { "017", YN_INT, false, 17, 17, false },
    { "-42", YN_INT, false, -42, -42, false },
    { "+7", YN_INT, false, 7, 7, false },
    { "0", YN_INT, false, 0, 0, false },
    { "1e3", YN_FLOAT, false, 0, 1000, false },
    { "1.5", YN_FLOAT, false, 0, 1.5, false },
    { ".5", YN_FLOAT, false, 0, 0.5, false },
    { "-2.5E-1", YN_FLOAT, false, 0, -0.25, false },
    { "3.", YN_FLOAT, false, 0, 3, false },
    { "1_000", YN_STR, false, 0, 0, false },
    { "0b101", YN_STR, false, 0, 0, false },
    { "12:30", YN_STR, false, 0, 0, false },
    { "2001-12-14", YN_STR, false, 0, 0, false },
    { "0x", YN_STR, false, 0, 0, false },
    { "\"true\"", YN_STR, true, 0, 0, false },
    { "'null'", YN_STR, true, 0, 0, false },
    { "\"3\"", YN_STR, true, 0, 0, false },
    { "'${x}'", YN_STR, true, 0, 0, false },
    { "${x}", YN_STR, false, 0, 0, false },
    { "!!str 3", YN_STR, true, 0, 0, false },
    { "!!int \"3\"", YN_INT, false, 3, 3, false },
    { "!!float 3", YN_FLOAT, false, 0, 3, false },
    { "!!bool true", YN_BOOL, false, 0, 0, true },
    { "!!null ~", YN_NULL, false, 0, 0, false },
    { "|\n  block\n", YN_STR, true, 0, 0, false },
};

START_TEST(core_schema)
{
    const scalar_case *c = &scalars[_i];
    char *text = ac_sprintf("v: %s\n", c->yaml);
    ac_diags d;
    yn_doc *doc = parse(text, &d);
    ck_assert_msg(doc != NULL, "'%s' did not parse", c->yaml);
    const yn_node *v = yn_get(doc->root, "v");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->kind, YN_SCALAR);
    ck_assert_msg(v->stype == c->type, "'%s': type %d, wanted %d", c->yaml, v->stype, c->type);
    ck_assert_msg(v->quoted == c->quoted, "'%s': quoted %d", c->yaml, v->quoted);
    if (c->type == YN_INT) ck_assert_int_eq(v->i, c->i);
    if (c->type == YN_INT || c->type == YN_FLOAT) ck_assert_double_eq_tol(v->f, c->f, 1e-9);
    if (c->type == YN_BOOL) ck_assert_int_eq(v->b, c->b);
    yn_doc_free(doc);
    ac_diags_free(&d);
    free(text);
}
END_TEST

START_TEST(special_floats)
{
    ac_diags d;
    yn_doc *doc = parse("a: .inf\nb: -.Inf\nc: .NaN\nd: .nan\ne: +.INF\n", &d);
    ck_assert_ptr_nonnull(doc);
    ck_assert(yn_get(doc->root, "a")->f > 1e308);
    ck_assert(yn_get(doc->root, "b")->f < -1e308);
    ck_assert(yn_get(doc->root, "c")->f != yn_get(doc->root, "c")->f);
    ck_assert_int_eq(yn_get(doc->root, "d")->stype, YN_FLOAT);
    ck_assert_int_eq(yn_get(doc->root, "e")->stype, YN_FLOAT);
    yn_doc_free(doc);
    ac_diags_free(&d);
}
END_TEST

START_TEST(escapes_and_nul)
{
    ac_diags d;
    yn_doc *doc = parse("a: \"x\\0y\"\nb: \"caf\\u00e9\"\n", &d);
    ck_assert_ptr_nonnull(doc);
    const yn_node *a = yn_get(doc->root, "a");
    ck_assert_uint_eq(a->len, 3);
    ck_assert_int_eq(a->str[1], '\0');
    ck_assert_str_eq(yn_get(doc->root, "b")->str, "caf\xc3\xa9");
    yn_doc_free(doc);
    ac_diags_free(&d);
}
END_TEST

/* ---- positions ----------------------------------------------------------------------------- */

START_TEST(marks_are_one_based)
{
    ac_diags d;
    yn_doc *doc = parse("# comment\nsuite: s\ntests:\n  - id: A\n    list: [1, \"two\"]\n", &d);
    ck_assert_ptr_nonnull(doc);
    const yn_node *root = doc->root;
    ck_assert_int_eq(root->kind, YN_MAP);
    ck_assert_int_eq(root->line, 2);
    ck_assert_int_eq(root->col, 1);
    ck_assert_str_eq(root->file, "t.yaml");
    ck_assert_int_eq(root->pairs[0].key->line, 2);
    ck_assert_int_eq(root->pairs[0].value->col, 8);
    const yn_node *tests = yn_get(root, "tests");
    ck_assert_int_eq(tests->kind, YN_SEQ);
    ck_assert_int_eq(tests->line, 4);
    ck_assert_int_eq(tests->col, 3);
    const yn_node *t = tests->items[0];
    ck_assert_int_eq(t->line, 4);
    ck_assert_int_eq(t->col, 5);
    const yn_node *list = yn_get(t, "list");
    ck_assert_int_eq(list->line, 5);
    ck_assert_int_eq(list->col, 11);
    ck_assert_int_eq(list->items[1]->col, 15);
    ck_assert(list->items[1]->quoted);
    yn_doc_free(doc);
    ac_diags_free(&d);
}
END_TEST

/* ---- errors -------------------------------------------------------------------------------- */

typedef struct error_case {
    const char *yaml;
    int line, col;
    const char *message;     /* substring of the first diagnostic */
    size_t n;                /* number of diagnostics */
} error_case;

static const error_case errors[] = {
    { "a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first defined at line 1)", 1 },
    { "m:\n  x: 1\n  x: 2\n  y: 1\n  x: 3\n", 3, 3, "duplicate key 'x' (first defined at line 2)", 2 },
    { "{a: 1, a: 2, b: 1, b: 2}\n", 1, 8, "duplicate key 'a'", 2 },
    { "? [a]\n: 1\n", 1, 3, "mapping keys must be scalars, not a list", 1 },
    { "? {a: 1}\n: 1\n", 1, 3, "mapping keys must be scalars, not a map", 1 },
    { "a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document", 1 },
    { "a: !!binary aGVsbG8=\n", 1, 4, "unsupported tag '!!binary'", 1 },
    { "a: !foo x\n", 1, 4, "unsupported tag '!foo'", 1 },
    { "a: !!bool yes\n", 1, 4, "the value is not a valid !!bool", 1 },
    { "a: !!map x\n", 1, 4, "tag '!!map' on a scalar", 1 },
    { "a: !!str [x]\n", 1, 4, "tag '!!str' on a list", 1 },
    { "a: !!set {x: ~}\n", 1, 4, "unsupported tag '!!set'", 1 },
    { "a: *x\n", 1, 4, "unknown alias '*x'", 1 },
    { "a: &x [1, *x]\n", 1, 11, "recursive alias", 1 },
    { "a: [1, 2\n", 2, 1, "YAML syntax error", 1 },
    { "a: 'x\n", 2, 1, "YAML syntax error", 1 },
    { "a:\n\t- 1\n", 2, 1, "tabs cannot indent YAML", 1 },         /* a tab-indented item */
    { "a: 1\nb: \x80\n", 2, 4, "invalid UTF-8 on line 2 (byte 0x80)", 1 },
    { "a: \xc0\x80\n", 1, 4, "invalid UTF-8 on line 1", 1 },             /* overlong NUL */
    { "x\xc3\xa9: \xed\xa0\x80\n", 1, 5, "invalid UTF-8 on line 1", 1 },   /* surrogate */
    { "a: \xf4\x90\x80\x80\n", 1, 4, "invalid UTF-8", 1 },                /* > U+10FFFF */
    { "a: \xe2\x82\n", 1, 4, "invalid UTF-8", 1 },                        /* truncated */
};

START_TEST(error_cases)
{
    const error_case *c = &errors[_i];
    ac_diags d;
    yn_doc *doc = parse(c->yaml, &d);
    ck_assert_msg(doc == NULL, "case %d parsed", _i);
    ck_assert_msg(d.n == c->n, "case %d: %zu diagnostics, wanted %zu (first: %s)", _i, d.n, c->n,
                  d.n ? d.items[0].message : "-");
    ck_assert_msg(strstr(d.items[0].message, c->message) != NULL, "case %d: '%s'", _i,
                  d.items[0].message);
    ck_assert_msg(d.items[0].line == c->line && d.items[0].col == c->col, "case %d at %d:%d", _i,
                  d.items[0].line, d.items[0].col);
    ck_assert_str_eq(d.items[0].file, "t.yaml");
    ck_assert_uint_eq(d.n_errors, c->n);
    yn_doc_free(doc);
    ac_diags_free(&d);
}
END_TEST

START_TEST(aliases_are_shared_and_bounded)
{
    ac_diags d;
    yn_doc *doc = parse("base: &b { x: 1, y: [1, 2] }\nuse: *b\nmerge: [*b, *b]\n", &d);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_eq(yn_get(doc->root, "base"), yn_get(doc->root, "use"));
    ck_assert_int_eq(yn_get(yn_get(doc->root, "use"), "x")->i, 1);
    yn_doc_free(doc);
    ac_diags_free(&d);
}
END_TEST

/* Builds a "billion laughs" document with `levels` levels of 10 aliases each. */
static char *laughs(int levels)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_puts(&b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= levels; i++) {
        ac_buf_printf(&b, "l%d: &l%d [", i, i);
        for (int k = 0; k < 10; k++) ac_buf_printf(&b, "%s*l%d", k ? ", " : "", i - 1);
        ac_buf_puts(&b, "]\n");
    }
    return ac_buf_steal(&b);
}

START_TEST(billion_laughs_is_a_quick_error)
{
    char *text = laughs(9);
    ac_diags d;
    double t0 = ac_now_ms();
    yn_doc *doc = parse(text, &d);
    double ms = ac_now_ms() - t0;
    ck_assert_ptr_null(doc);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "too many aliases"));
    ck_assert_msg(ms < 1000, "took %.0f ms", ms);
    ac_diags_free(&d);
    free(text);
    /* three levels (about 1,100 nodes expanded) are fine */
    text = laughs(3);
    doc = parse(text, &d);
    ck_assert_ptr_nonnull(doc);
    yn_doc_free(doc);
    ac_diags_free(&d);
    free(text);
}
END_TEST

static char *nested(int depth)
{
    ac_buf b;
    ac_buf_init(&b);
    for (int i = 0; i < depth; i++) ac_buf_putc(&b, '[');
    ac_buf_putc(&b, '1');
    for (int i = 0; i < depth; i++) ac_buf_putc(&b, ']');
    ac_buf_putc(&b, '\n');
    return ac_buf_steal(&b);
}

START_TEST(nesting_limit)
{
    ac_diags d;
    char *text = nested(64);
    yn_doc *doc = parse(text, &d);
    ck_assert_ptr_nonnull(doc);
    yn_doc_free(doc);
    ac_diags_free(&d);
    free(text);

    text = nested(100000);
    doc = parse(text, &d);
    ck_assert_ptr_null(doc);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "too deeply nested"));
    ck_assert_int_eq(d.items[0].col, 65);
    ac_diags_free(&d);
    free(text);

    /* aliases count toward the depth: 40 + 40 levels */
    ac_buf b;
    ac_buf_init(&b);
    char *inner = nested(40);
    ac_buf_printf(&b, "a: &a %s", inner);
    ac_buf_puts(&b, "b: ");
    for (int i = 0; i < 40; i++) ac_buf_putc(&b, '[');
    ac_buf_puts(&b, "*a");
    for (int i = 0; i < 40; i++) ac_buf_putc(&b, ']');
    ac_buf_putc(&b, '\n');
    doc = parse(ac_buf_str(&b), &d);
    ck_assert_ptr_null(doc);
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "too deeply nested"));
    ck_assert_int_eq(d.items[0].line, 2);
    ac_diags_free(&d);
    ac_buf_free(&b);
    free(inner);
}
END_TEST

START_TEST(empty_documents)
{
    ac_diags d;
    yn_doc *doc = parse("", &d);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_null(doc->root);
    yn_doc_free(doc);
    ac_diags_free(&d);
    doc = parse("# only a comment\n", &d);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_null(doc->root);
    yn_doc_free(doc);
    ac_diags_free(&d);
    doc = parse("---\n...\n", &d);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(doc->root);
    ck_assert_int_eq(doc->root->stype, YN_NULL);
    yn_doc_free(doc);
    ac_diags_free(&d);
}
END_TEST

START_TEST(size_limit)
{
    const char *path = "/tmp/ac_test_ynode_big.yaml";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    static char line[1024];
    memset(line, 'a', sizeof line - 2);
    line[0] = '#';
    line[sizeof line - 2] = '\n';
    for (int i = 0; i < 9 * 1024; i++) fputs(line, f);
    fclose(f);
    ac_diags d;
    ac_diags_init(&d);
    ck_assert_ptr_null(yn_parse_file(path, &d));
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "file too large"));
    ck_assert_str_eq(d.items[0].file, path);
    ac_diags_free(&d);
    remove(path);

    ac_diags_init(&d);
    ck_assert_ptr_null(yn_parse_file("/tmp/ac_test_no_such_file.yaml", &d));
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "cannot read"));
    ac_diags_free(&d);
    ac_diags_init(&d);
    ck_assert_ptr_null(yn_parse_file("/tmp", &d));
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "directory"));
    ac_diags_free(&d);
}
END_TEST

START_TEST(helpers)
{
    ac_diags d;
    yn_doc *doc = parse("s: x\ni: 1\nf: 1.5\nb: true\nn: ~\nl: []\nm: {}\n", &d);
    ck_assert_ptr_nonnull(doc);
    static const char *const keys[] = { "s", "i", "f", "b", "n", "l", "m" };
    static const char *const kinds[] = { "string", "integer", "number", "boolean", "null",
                                         "list", "map" };
    for (int i = 0; i < 7; i++) ck_assert_str_eq(yn_kind_name(yn_get(doc->root, keys[i])), kinds[i]);
    ck_assert(yn_is_str(yn_get(doc->root, "s")));
    ck_assert(yn_is_int(yn_get(doc->root, "i")));
    ck_assert(yn_is_number(yn_get(doc->root, "i")));
    ck_assert(yn_is_number(yn_get(doc->root, "f")));
    ck_assert(!yn_is_number(yn_get(doc->root, "s")));
    ck_assert(!yn_is_scalar(yn_get(doc->root, "l")));
    ck_assert_ptr_null(yn_get(doc->root, "zz"));
    ck_assert_ptr_null(yn_get(yn_get(doc->root, "s"), "x"));
    ck_assert_ptr_null(yn_get(NULL, "x"));
    yn_doc_free(doc);
    yn_doc_free(NULL);
    ac_diags_free(&d);
}
END_TEST

static Suite *ynode_suite(void)
{
    Suite *s = suite_create("ynode");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, core_schema, 0, (int)(sizeof scalars / sizeof *scalars));
    tcase_add_test(tc, special_floats);
    tcase_add_test(tc, escapes_and_nul);
    tcase_add_test(tc, marks_are_one_based);
    tcase_add_loop_test(tc, error_cases, 0, (int)(sizeof errors / sizeof *errors));
    tcase_add_test(tc, aliases_are_shared_and_bounded);
    tcase_add_test(tc, billion_laughs_is_a_quick_error);
    tcase_add_test(tc, nesting_limit);
    tcase_add_test(tc, empty_documents);
    tcase_add_test(tc, size_limit);
    tcase_add_test(tc, helpers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ynode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
