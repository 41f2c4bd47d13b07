/* JSON paths: every selector, negative indexes, recursive descent, no-match results, syntax
 * errors with their exact messages, and the single-value predicate. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpath.h"
#include "util.h"

static const char *DOC =
    "{\"access_token\":\"abc\",\"expires_in\":3600,\"scope\":null,\"ok\":true,"
    "\"a.b\":1,\"it's\":2,"
    "\"resultList\":[{\"id\":1,\"name\":\"x\"},{\"id\":2,\"name\":\"y\",\"tags\":[\"t1\",\"t2\"]},{\"id\":3}],"
    "\"nested\":{\"id\":\"n\",\"deeper\":{\"id\":\"d\"}}}";

typedef struct path_case {
    const char *path;
    const char *want;     /* matches as compact JSON joined by "|"; "" for none */
} path_case;

static const path_case CASES[] = {
    { "$", NULL },                                   /* the root itself: checked separately */
    { "$.access_token", "\"abc\"" },
    { "$.expires_in", "3600" },
    { "$.scope", "null" },
    { "$.ok", "true" },
    { "$['access_token']", "\"abc\"" },
    { "$[\"access_token\"]", "\"abc\"" },
    { "$['a.b']", "1" },
    { "$['it\\'s']", "2" },
    { "$.resultList[0].id", "1" },
    { "$.resultList[-1].id", "3" },
    { "$.resultList[-3].name", "\"x\"" },
    { "$.resultList[3]", "" },
    { "$.resultList[-4]", "" },
    { "$.resultList[*].id", "1|2|3" },
    { "$.resultList[*].name", "\"x\"|\"y\"" },
    { "$.resultList.*.id", "1|2|3" },
    { "$.resultList[1].tags[*]", "\"t1\"|\"t2\"" },
    { "$.nested.*", "\"n\"|{\"id\":\"d\"}" },
    { "$..id", "1|2|3|\"n\"|\"d\"" },
    { "$.nested..id", "\"n\"|\"d\"" },
    { "$..tags[0]", "\"t1\"" },
    { "$..['name']", "\"x\"|\"y\"" },
    { "$.missing", "" },
    { "$.missing.deeper", "" },
    { "$.access_token.length", "" },               /* a string has no children */
    { "$.expires_in[0]", "" },                     /* not an array */
    { "$.resultList.id", "" },                     /* arrays have no names */
    { "$[ 'access_token' ]", "\"abc\"" },
};

START_TEST(test_eval)
{
    const path_case *c = &CASES[_i];
    cJSON *doc = cJSON_Parse(DOC);
    ck_assert_ptr_nonnull(doc);
    ac_jp_result r;
    char *err = NULL;
    ck_assert_msg(ac_jsonpath_eval(doc, c->path, &r, &err) == 0, "%s: %s", c->path, err ? err : "");
    if (!c->want) {
        ck_assert_uint_eq(r.n, 1);
        ck_assert_ptr_eq(r.items[0], doc);
    } else {
        ac_buf b;
        ac_buf_init(&b);
        for (size_t i = 0; i < r.n; i++) {
            char *t = cJSON_PrintUnformatted(r.items[i]);
            ac_buf_printf(&b, "%s%s", i ? "|" : "", t);
            free(t);
        }
        ck_assert_msg(strcmp(ac_buf_str(&b), c->want) == 0, "%s: got %s, want %s", c->path, ac_buf_str(&b), c->want);
        ac_buf_free(&b);
    }
    ac_jp_result_free(&r);
    cJSON_Delete(doc);
}
END_TEST

typedef struct err_case {
    const char *path;
    const char *err;
} err_case;

static const err_case ERRORS[] = {
    { "", "JSON path '': a path starts with '$' at column 1" },
    { "access_token", "JSON path 'access_token': a path starts with '$' at column 1" },
    { "$.", "JSON path '$.': expected a name or * after '.' at column 3" },
    { "$..", "JSON path '$..': expected a name or * after '.' at column 4" },
    { "$x", "JSON path '$x': expected '.' or '[' at column 2" },
    { "$.a[", "JSON path '$.a[': expected a quoted name, an index or * inside [ ] at column 5" },
    { "$.a[1", "JSON path '$.a[1': expected ']' at column 6" },
    { "$.a['x]", "JSON path '$.a['x]': unterminated quoted name at column 8" },
    { "$.a[x]", "JSON path '$.a[x]': expected a quoted name, an index or * inside [ ] at column 5" },
    { "$.a[-]", "JSON path '$.a[-]': expected an index at column 5" },
    { "$.a b", "JSON path '$.a b': expected '.' or '[' at column 4" },
};

START_TEST(test_errors)
{
    const err_case *c = &ERRORS[_i];
    char *err = NULL;
    ck_assert_int_eq(ac_jsonpath_check(c->path, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, c->err);
    free(err);
    /* eval reports the same error, with or without a document */
    ac_jp_result r;
    err = NULL;
    ck_assert_int_eq(ac_jsonpath_eval(NULL, c->path, &r, &err), -1);
    ck_assert_str_eq(err, c->err);
    ck_assert_uint_eq(r.n, 0);
    free(err);
}
END_TEST

START_TEST(test_check_ok_and_single)
{
    static const struct { const char *path; bool single; } T[] = {
        { "$", true }, { "$.a", true }, { "$.a[0]", true }, { "$['x y'][-1]", true },
        { "$.a[*]", false }, { "$.*", false }, { "$..a", false }, { "$.a..b[0]", false }, { "bad", false },
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        ck_assert_msg(ac_jsonpath_is_single(T[i].path) == T[i].single, "%s", T[i].path);
        if (strcmp(T[i].path, "bad") != 0) {
            char *err = NULL;
            ck_assert_int_eq(ac_jsonpath_check(T[i].path, &err), 0);
            ck_assert_ptr_null(err);
        }
    }
}
END_TEST

START_TEST(test_null_root_and_scalars)
{
    ac_jp_result r;
    char *err = NULL;
    ck_assert_int_eq(ac_jsonpath_eval(NULL, "$.a", &r, &err), 0);
    ck_assert_uint_eq(r.n, 0);
    ac_jp_result_free(&r);
    cJSON *n = cJSON_CreateNumber(5);
    ck_assert_int_eq(ac_jsonpath_eval(n, "$..x", &r, &err), 0);
    ck_assert_uint_eq(r.n, 0);
    ac_jp_result_free(&r);
    ck_assert_int_eq(ac_jsonpath_eval(n, "$", &r, &err), 0);
    ck_assert_uint_eq(r.n, 1);
    ac_jp_result_free(&r);
    ac_jp_result_free(&r);   /* freeing twice is harmless */
    ac_jp_result_free(NULL);
    cJSON_Delete(n);
}
END_TEST

START_TEST(test_json_text)
{
    static const struct { const char *json; const char *text; } T[] = {
        { "\"abc\"", "abc" }, { "3600", "3600" }, { "3.0", "3" }, { "0.1", "0.1" }, { "-2.5e3", "-2500" },
        { "1e300", "1e+300" }, { "0.30000000000000004", "0.30000000000000004" }, { "true", "true" }, { "false", "false" }, { "null", "null" },
        { "[1, \"a\"]", "[1,\"a\"]" }, { "{\"a\": {\"b\": 1}}", "{\"a\":{\"b\":1}}" }, { "1700000000123", "1700000000123" },
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        cJSON *j = cJSON_Parse(T[i].json);
        ck_assert_ptr_nonnull(j);
        char *t = ac_json_text(j);
        ck_assert_msg(strcmp(t, T[i].text) == 0, "%s: got %s, want %s", T[i].json, t, T[i].text);
        free(t);
        cJSON_Delete(j);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jsonpath");
    TCase *tc = tcase_create("jsonpath");
    tcase_add_loop_test(tc, test_eval, 0, (int)(sizeof CASES / sizeof *CASES));
    tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof ERRORS / sizeof *ERRORS));
    tcase_add_test(tc, test_check_ok_and_single);
    tcase_add_test(tc, test_null_root_and_scalars);
    tcase_add_test(tc, test_json_text);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
