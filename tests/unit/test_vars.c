/* Variables and templates: scopes (parents, shadowing, replacement), every function and built-in
 * with its error messages, secret taint, whole_expr, the $${ escape and the static variable list
 * used by lint. */
#include <check.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "util.h"
#include "vars.h"

/* The scope every table case runs in. */
static void fill(ac_scope *s)
{
    ac_scope_init(s, NULL);
    ac_scope_set(s, "user", "alice", 5, false, AC_VSRC_CLI);
    ac_scope_set(s, "password", "S3cret-pw!", 10, true, AC_VSRC_ENV);
    ac_scope_set(s, "n", "3", 1, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "neg", "-2", 2, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "half", "0.5", 3, false, AC_VSRC_DEFAULT);
    ac_scope_set(s, "empty", "", 0, false, AC_VSRC_DEFAULT);
    const char *body = "{\"a\":{\"b\":[10,20]},\"s\":\"x y\",\"t\":true,\"n\":null,\"f\":1.5}";
    ac_scope_set(s, "body", body, strlen(body), false, AC_VSRC_CAPTURE);
    /* {"alg":"HS256","typ":"JWT"} . {"sub":"alice","exp":100} . c2ln */
    const char *tok = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTAwfQ.c2ln";
    ac_scope_set(s, "tok", tok, strlen(tok), false, AC_VSRC_CAPTURE);
}

typedef struct ok_case {
    const char *tmpl;
    const char *want;
    bool secret;
    bool whole;
} ok_case;

static const ok_case OK[] = {
    /* literal text, variables, escapes */
    { "", "", false, false },
    { "plain text", "plain text", false, false },
    { "${user}", "alice", false, true },
    { "${ user }", "alice", false, true },
    { "hi ${user}!", "hi alice!", false, false },
    { "${user}${user}", "alicealice", false, false },
    { "$${user}", "${user}", false, false },
    { "a $$${user} b", "a $${user} b", false, false },   /* leftmost $${ wins */
    { "$ {user} $x {y}", "$ {user} $x {y}", false, false },
    { "cost: $5", "cost: $5", false, false },
    { "${empty}", "", false, true },
    { "${password}", "S3cret-pw!", true, true },
    { "Bearer ${password}", "Bearer S3cret-pw!", true, false },
    { "${'lit}eral'}", "lit}eral", false, true },
    { "${\"dq\"}", "dq", false, true },
    { "${'it''s'}", "it's", false, true },
    { "${\"say \"\"hi\"\"\"}", "say \"hi\"", false, true },
    { "${'a\\nb'}", "a\\nb", false, true },
    { "${42}", "42", false, true },
    /* encodings */
    { "${base64('user:pa ss')}", "dXNlcjpwYSBzcw==", false, true },
    { "${base64url('?\?>')}", "Pz8-", false, true },
    { "${base64(concat(user, ':', password))}", "YWxpY2U6UzNjcmV0LXB3IQ==", true, true },
    { "${urlencode('a b&c=d/é~')}", "a%20b%26c%3Dd%2F%C3%A9~", false, true },
    /* strings */
    { "${repeat('ab', 3)}", "ababab", false, true },
    { "${repeat('ab', 0)}", "", false, true },
    { "${repeat(user, n)}", "alicealicealice", false, true },
    { "${upper(user)}", "ALICE", false, true },
    { "${lower('MiXeD')}", "mixed", false, true },
    { "${replace_at('abcdef', 0, 'X')}", "Xbcdef", false, true },
    { "${replace_at('abcdef', -1, 'XY')}", "abcdeXY", false, true },
    { "${replace_at('abcdef', 2, '')}", "abdef", false, true },
    { "${replace_at('abc', 1, 'b')}", "abc", false, true },
    { "${flip_at('AAAA', 0)}", "gAAA", false, true },
    { "${flip_at('AAAg', -1)}", "AAAA", false, true },
    { "${flip_at('a-_9', 1)}", "ae_9", false, true },
    { "${flip_at('a.b', 1)}", "aAb", false, true },
    { "${substr('abcdef', 2)}", "cdef", false, true },
    { "${substr('abcdef', 2, 3)}", "cde", false, true },
    { "${substr('abcdef', -2)}", "ef", false, true },
    { "${substr('abcdef', -10, 2)}", "ab", false, true },
    { "${substr('abcdef', 10)}", "", false, true },
    { "${substr('abcdef', 1, 100)}", "bcdef", false, true },
    { "${concat('a')}", "a", false, true },
    { "${concat('a', user, 1, '')}", "aalice1", false, true },
    { "${len('')}", "0", false, true },
    { "${len(user)}", "5", false, true },
    { "${len(password)}", "10", false, true },         /* a length reveals nothing: not secret */
    /* arithmetic */
    { "${add(1, 2)}", "3", false, true },
    { "${add(n, neg)}", "1", false, true },
    { "${sub(n, 5)}", "-2", false, true },
    { "${add(half, 1)}", "1.5", false, true },
    { "${add(0.1, 0.2)}", "0.30000000000000004", false, true },
    { "${sub(1.5, 0.5)}", "1", false, true },
    { "${add(9223372036854775807, 1)}", "9.2233720368547758e+18", false, true },
    { "${add(-1, +1)}", "0", false, true },
    /* JWTs and JSON */
    { "${jwt_header(tok)}", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", false, true },
    { "${jwt_claims(tok)}", "{\"sub\":\"alice\",\"exp\":100}", false, true },
    { "${jwt_signature(tok)}", "c2ln", false, true },
    { "${is_jwt(tok)}", "true", false, true },
    { "${is_jwt(user)}", "false", false, true },
    { "${is_jwt('a.b.c')}", "false", false, true },
    { "${json(jwt_claims(tok), '$.exp')}", "100", false, true },
    { "${json(body, '$.a.b[1]')}", "20", false, true },
    { "${json(body, '$.s')}", "x y", false, true },
    { "${json(body, '$.t')}", "true", false, true },
    { "${json(body, '$.n')}", "null", false, true },
    { "${json(body, '$.f')}", "1.5", false, true },
    { "${json(body, '$.a')}", "{\"b\":[10,20]}", false, true },
    { "${add(json(jwt_claims(tok), '$.exp'), 5)}", "105", false, true },
    /* nesting and spacing */
    { "${ upper ( substr( user , 1 , 2 ) ) }", "LI", false, true },
    { "x${upper(concat(user, '-', lower('B')))}y", "xALICE-By", false, false },
};

START_TEST(test_ok)
{
    const ok_case *c = &OK[_i];
    ac_scope s;
    fill(&s);
    ac_ival v;
    char *err = NULL;
    ck_assert_msg(ac_interpolate(&s, c->tmpl, strlen(c->tmpl), &v, &err) == 0, "%s: %s", c->tmpl, err ? err : "");
    ck_assert_msg(strcmp(v.str, c->want) == 0, "%s: got '%s', want '%s'", c->tmpl, v.str, c->want);
    ck_assert_uint_eq(v.len, strlen(c->want));
    ck_assert_msg(v.secret == c->secret, "%s: secret %d", c->tmpl, v.secret);
    ck_assert_msg(v.whole_expr == c->whole, "%s: whole_expr %d", c->tmpl, v.whole_expr);
    ac_ival_free(&v);
    ac_scope_free(&s);
}
END_TEST

typedef struct err_case {
    const char *tmpl;
    const char *err;
} err_case;

static const err_case ERRS[] = {
    { "${pasword}", "undefined variable 'pasword'" },
    { "x ${user} ${nope}", "undefined variable 'nope'" },
    { "${env:AC_TEST_SURELY_UNSET_VAR}", "environment variable 'AC_TEST_SURELY_UNSET_VAR' is not set" },
    { "${user", "template error in '${user': missing '}'" },
    { "${}", "template error in '${}': expected a variable name, a function call, quoted text or a number" },
    { "${user name}", "template error in '${user n': expected '}'" },
    { "${foo(1)}", "template error in '${foo(': unknown function 'foo'" },
    { "${now()}", "template error in '${now(': now is a built-in value, not a function: write ${now}" },
    { "${upper()}", "template error in '${upper()}': upper() takes 1 argument, got 0" },
    { "${upper(a, b)}", "template error in '${upper(a, b)}': upper() takes 1 argument, got 2" },
    { "${repeat('a')}", "template error in '${repeat('a')}': repeat() takes 2 arguments, got 1" },
    { "${substr('a')}", "template error in '${substr('a')}': substr() takes 2 or 3 arguments, got 1" },
    { "${concat()}", "template error in '${concat()}': concat() takes at least 1 argument, got 0" },
    { "${upper('a'}", "template error in '${upper('a'}': expected ',' or ')' in the arguments of upper()" },
    { "${upper('a)}", "template error in '${upper('a)}': unterminated quoted text" },
    { "${env:}", "template error in '${env:}': expected an environment variable name after 'env:'" },
    { "${1.}", "template error in '${1.}': expected a digit after '.'" },
    { "${12ab}", "template error in '${12a': unexpected character after a number" },
    { "${repeat('a', -1)}", "repeat(): n must be a non-negative integer, got '-1'" },
    { "${repeat('a', 'x')}", "repeat(): n must be a non-negative integer, got 'x'" },
    { "${repeat('a', 1.5)}", "repeat(): n must be a non-negative integer, got '1.5'" },
    { "${repeat('ab', 99999999)}", "repeat(): the result would exceed 16777216 bytes" },
    { "${replace_at('abc', 3, 'x')}", "replace_at(): index 3 is out of range for a string of 3 bytes" },
    { "${replace_at('abc', -4, 'x')}", "replace_at(): index -4 is out of range for a string of 3 bytes" },
    { "${replace_at('', 0, 'x')}", "replace_at(): index 0 is out of range for a string of 0 bytes" },
    { "${replace_at('abc', 'one', 'x')}", "replace_at(): index must be an integer, got 'one'" },
    { "${flip_at('abc', 5)}", "flip_at(): index 5 is out of range for a string of 3 bytes" },
    { "${substr('abc', 'x')}", "substr(): start must be an integer, got 'x'" },
    { "${substr('abc', 0, -1)}", "substr(): len must not be negative, got -1" },
    { "${add(user, 1)}", "add(): 'alice' is not a number" },
    { "${sub(1, '')}", "sub(): '' is not a number" },
    { "${add(password, 1)}", "add(): (a secret value) is not a number" },
    { "${json('not json', '$.a')}", "json(): the first argument is not JSON" },
    { "${json(body, '$.zz')}", "json(): no value at $.zz" },
    { "${json(body, '$.a.b[*]')}", "json(): $.a.b[*] matched 2 values, expected one" },
    { "${json(body, 'a')}", "json(): JSON path 'a': a path starts with '$' at column 1" },
    { "${jwt_claims(user)}", "jwt_claims(): not a JWT: expected 3 segments separated by '.', found 1" },
    { "${jwt_with(tok, '{', '', '')}", "jwt_with(): header_json is not a JSON object" },
    { "${jwt_with(tok, '', 'null', '')}", "jwt_with(): claims_json is not a JSON object" },
};

START_TEST(test_errors)
{
    const err_case *c = &ERRS[_i];
    ac_scope s;
    fill(&s);
    ac_ival v;
    char *err = NULL;
    ck_assert_msg(ac_interpolate(&s, c->tmpl, strlen(c->tmpl), &v, &err) == -1, "%s succeeded", c->tmpl);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strcmp(err, c->err) == 0, "%s: got '%s', want '%s'", c->tmpl, err, c->err);
    ck_assert_ptr_null(v.str);
    free(err);
    ac_scope_free(&s);
}
END_TEST

/* ---- scopes ------------------------------------------------------------------------------ */

/* A borrowed value is read in place (no copy) and may be replaced by an owned one. */
START_TEST(test_borrowed)
{
    char body[] = "{\"a\":1}";
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_scope_set_borrowed(&s, "response_body", body, strlen(body), AC_VSRC_COMPUTED);
    const ac_var *v = ac_scope_get(&s, "response_body");
    ck_assert_ptr_eq(v->value, body);
    ck_assert(v->borrowed);
    ac_ival iv;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&s, "${json(response_body, '$.a')}", 29, &iv, &err), 0);
    ck_assert_str_eq(iv.str, "1");
    ac_ival_free(&iv);
    ac_scope_set(&s, "response_body", "x", 1, false, AC_VSRC_COMPUTED);
    v = ac_scope_get(&s, "response_body");
    ck_assert_ptr_ne(v->value, body);
    ck_assert(!v->borrowed);
    ck_assert_str_eq(v->value, "x");
    ac_scope_free(&s);
    ck_assert_str_eq(body, "{\"a\":1}");
}
END_TEST

START_TEST(test_scopes)
{
    ac_scope root, file, test;
    ac_scope_init(&root, NULL);
    ac_scope_set(&root, "a", "root-a", 6, false, AC_VSRC_DEFAULT);
    ac_scope_set(&root, "b", "root-b", 6, false, AC_VSRC_DEFAULT);
    ac_scope_init(&file, &root);
    ac_scope_set(&file, "b", "file-b", 6, false, AC_VSRC_CAPTURE);
    ac_scope_set(&file, "c", "file-c", 6, false, AC_VSRC_CAPTURE);
    ac_scope_init(&test, &file);
    ac_scope_set(&test, "c", "test-c", 6, true, AC_VSRC_CAPTURE);

    static const struct { const char *name; const char *root, *file, *test; } T[] = {
        { "a", "root-a", "root-a", "root-a" },
        { "b", "root-b", "file-b", "file-b" },
        { "c", NULL, "file-c", "test-c" },
        { "d", NULL, NULL, NULL },
    };
    const ac_scope *scopes[3] = { &root, &file, &test };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        const char *want[3] = { T[i].root, T[i].file, T[i].test };
        for (int k = 0; k < 3; k++) {
            const ac_var *v = ac_scope_get(scopes[k], T[i].name);
            if (!want[k]) ck_assert_ptr_null(v);
            else {
                ck_assert_ptr_nonnull(v);
                ck_assert_str_eq(v->value, want[k]);
            }
        }
    }
    ck_assert(ac_scope_get(&test, "c")->secret);
    ck_assert(!ac_scope_get(&file, "c")->secret);
    ck_assert_int_eq(ac_scope_get(&file, "c")->source, AC_VSRC_CAPTURE);

    /* Replacing keeps one entry and takes the new value, flags and source. */
    ac_scope_set(&root, "a", "new", 3, true, AC_VSRC_CLI);
    ck_assert_uint_eq(root.n, 2);
    const ac_var *a = ac_scope_get(&test, "a");
    ck_assert_str_eq(a->value, "new");
    ck_assert(a->secret);
    ck_assert_int_eq(a->source, AC_VSRC_CLI);

    /* Values may contain NUL bytes. */
    ac_scope_set(&test, "z", "a\0b", 3, false, AC_VSRC_CAPTURE);
    ac_ival v;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&test, "[${z}]", 6, &v, &err), 0);
    ck_assert_uint_eq(v.len, 5);
    ck_assert_int_eq(memcmp(v.str, "[a\0b]", 5), 0);
    ac_ival_free(&v);
    ac_ival_free(&v);

    /* A template sees the innermost definition. */
    ck_assert_int_eq(ac_interpolate(&test, "${a}/${b}/${c}", 14, &v, &err), 0);
    ck_assert_str_eq(v.str, "new/file-b/test-c");
    ck_assert(v.secret);
    ac_ival_free(&v);

    ac_scope_free(&test);
    ac_scope_free(&file);
    ac_scope_free(&root);
    ac_scope_free(NULL);
    /* No scope at all: every variable is undefined. */
    ck_assert_int_eq(ac_interpolate(NULL, "${a}", 4, &v, &err), -1);
    ck_assert_str_eq(err, "undefined variable 'a'");
    free(err);
}
END_TEST

/* ---- built-ins and the environment ------------------------------------------------------- */

START_TEST(test_builtins)
{
    ac_ival v;
    char *err = NULL;
    double before = ac_wall_time();
    ck_assert_int_eq(ac_interpolate(NULL, "${now}", 6, &v, &err), 0);
    long long now = atoll(v.str);
    ck_assert(now >= (long long)before - 1 && now <= (long long)ac_wall_time() + 1);
    ck_assert(!v.secret);
    ac_ival_free(&v);

    ck_assert_int_eq(ac_interpolate(NULL, "${uuid}", 7, &v, &err), 0);
    ck_assert_uint_eq(v.len, 36);
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) ck_assert_int_eq(v.str[i], '-');
        else ck_assert(isxdigit((unsigned char)v.str[i]) && !isupper((unsigned char)v.str[i]));
    }
    ck_assert_int_eq(v.str[14], '4');                    /* version 4 */
    ck_assert(strchr("89ab", v.str[19]) != NULL);        /* RFC 4122 variant */
    char *first = ac_strdup(v.str);
    ac_ival_free(&v);
    ck_assert_int_eq(ac_interpolate(NULL, "${uuid}", 7, &v, &err), 0);
    ck_assert_str_ne(first, v.str);
    free(first);
    ac_ival_free(&v);

    ck_assert_int_eq(ac_interpolate(NULL, "${random}", 9, &v, &err), 0);
    ck_assert_uint_eq(v.len, 16);
    for (size_t i = 0; i < 16; i++) ck_assert(isxdigit((unsigned char)v.str[i]));
    first = ac_strdup(v.str);
    ac_ival_free(&v);
    ck_assert_int_eq(ac_interpolate(NULL, "${random}", 9, &v, &err), 0);
    ck_assert_str_ne(first, v.str);
    free(first);
    ac_ival_free(&v);

    /* Built-in names win over variables of the same name. */
    ac_scope s;
    ac_scope_init(&s, NULL);
    ac_scope_set(&s, "now", "yesterday", 9, false, AC_VSRC_CLI);
    ck_assert_int_eq(ac_interpolate(&s, "${now}", 6, &v, &err), 0);
    ck_assert_str_ne(v.str, "yesterday");
    ac_ival_free(&v);
    ac_scope_free(&s);

    setenv("AC_TEST_VARS_ENV", "from env", 1);
    ck_assert_int_eq(ac_interpolate(NULL, "<${env:AC_TEST_VARS_ENV}>", 25, &v, &err), 0);
    ck_assert_str_eq(v.str, "<from env>");
    ck_assert(!v.secret);
    ac_ival_free(&v);
    unsetenv("AC_TEST_VARS_ENV");
}
END_TEST

/* ---- taint ------------------------------------------------------------------------------- */

START_TEST(test_taint_registers)
{
    ac_redact_reset();
    ac_scope s;
    fill(&s);   /* registers the password */
    char *r = ac_redact("x S3cret-pw! y", 14, NULL);
    ck_assert_ptr_null(strstr(r, "S3cret"));
    free(r);

    /* Values derived from the secret by any function are secret and registered. */
    static const char *const derived[] = { "${upper(password)}", "${lower(password)}", "${base64url(password)}",
                                           "${replace_at(password, 0, 'Z')}", "${flip_at(password, 1)}",
                                           "${substr(password, 1)}", "${concat(user, password)}",
                                           "${repeat(password, 2)}", "${urlencode(password)}" };
    for (size_t i = 0; i < sizeof derived / sizeof *derived; i++) {
        ac_ival v;
        char *err = NULL;
        ck_assert_int_eq(ac_interpolate(&s, derived[i], strlen(derived[i]), &v, &err), 0);
        ck_assert_msg(v.secret, "%s not secret", derived[i]);
        char *text = ac_sprintf("<%s>", v.str);
        r = ac_redact(text, strlen(text), NULL);
        ck_assert_msg(strstr(r, v.str) == NULL, "%s: %s not redacted in %s", derived[i], v.str, r);
        free(r);
        free(text);
        ac_ival_free(&v);
    }
    /* Non-secret inputs stay plain and are not registered. */
    ac_ival v;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&s, "${upper(concat(user, user))}", 28, &v, &err), 0);
    ck_assert(!v.secret);
    r = ac_redact("ALICEALICE", 10, NULL);
    ck_assert_str_eq(r, "ALICEALICE");
    free(r);
    ac_ival_free(&v);
    ac_scope_free(&s);
    ac_redact_reset();
}
END_TEST

/* Error messages never show a secret argument. */
START_TEST(test_errors_hide_secrets)
{
    ac_scope s;
    fill(&s);
    ac_ival v;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&s, "${repeat('x', password)}", 24, &v, &err), -1);
    ck_assert_str_eq(err, "repeat(): n must be a non-negative integer, got (a secret value)");
    free(err);
    ac_scope_free(&s);
}
END_TEST

/* ---- static variable list ------------------------------------------------------------------ */

typedef struct names_case {
    const char *tmpl;
    const char *names;     /* comma separated, in first-use order */
} names_case;

static const names_case NAMES[] = {
    { "plain", "" },
    { "${a}", "a" },
    { "${a} ${b} ${a}", "a,b" },
    { "${now}${uuid}${random}${env:HOME}", "" },
    { "${concat(x, upper(y), 'lit', 3, env:Z)}", "x,y" },
    { "$${a} ${b}", "b" },
    { "${jwt_with(tok, '{\"alg\":\"none\"}', '', jwt_signature(tok2))}", "tok,tok2" },
};

START_TEST(test_template_vars)
{
    const names_case *c = &NAMES[_i];
    ac_strlist names = { 0 };
    ac_strlist_push(&names, "a");   /* names already present are not added twice */
    char *err = NULL;
    ck_assert_int_eq(ac_template_vars(c->tmpl, strlen(c->tmpl), &names, &err), 0);
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 1; i < names.n; i++) ac_buf_printf(&b, "%s%s", i > 1 ? "," : "", names.items[i]);
    const char *want = c->names;
    /* "a" was pre-seeded, so it never appears again */
    ac_strlist w = { 0 };
    ac_strlist_split(&w, want);
    ac_buf wb;
    ac_buf_init(&wb);
    for (size_t i = 0; i < w.n; i++)
        if (strcmp(w.items[i], "a") != 0) ac_buf_printf(&wb, "%s%s", wb.len ? "," : "", w.items[i]);
    ck_assert_msg(strcmp(ac_buf_str(&b), ac_buf_str(&wb)) == 0, "%s: got %s, want %s", c->tmpl, ac_buf_str(&b),
                  ac_buf_str(&wb));
    ac_buf_free(&b);
    ac_buf_free(&wb);
    ac_strlist_free(&w);
    ac_strlist_free(&names);
}
END_TEST

/* ${env:NAME} is not a variable: it goes to its own list, from inside function calls too. */
START_TEST(test_template_env_refs)
{
    const char *t = "${env:HOME} ${base64(concat(user, ':', env:APINIZER_EXTRA))} ${env:HOME}";
    ac_strlist names = { 0 }, env = { 0 };
    char *err = NULL;
    ck_assert_int_eq(ac_template_refs(t, strlen(t), &names, &env, &err), 0);
    ck_assert_uint_eq(names.n, 1);
    ck_assert_str_eq(names.items[0], "user");
    ck_assert_uint_eq(env.n, 2);
    ck_assert_str_eq(env.items[0], "HOME");
    ck_assert_str_eq(env.items[1], "APINIZER_EXTRA");
    ac_strlist_free(&names);
    ac_strlist_free(&env);
}
END_TEST

START_TEST(test_template_vars_errors)
{
    static const err_case T[] = {
        { "${a", "template error in '${a': missing '}'" },
        { "${bogus(a)}", "template error in '${bogus(': unknown function 'bogus'" },
        { "${len(a, b)}", "template error in '${len(a, b)}': len() takes 1 argument, got 2" },
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        ac_strlist names = { 0 };
        char *err = NULL;
        ck_assert_int_eq(ac_template_vars(T[i].tmpl, strlen(T[i].tmpl), &names, &err), -1);
        ck_assert_str_eq(err, T[i].err);
        free(err);
        ac_strlist_free(&names);
    }
}
END_TEST

/* A template is compiled once and shared (cache.c): the compiled form holds no value, so the same
 * text gives each scope its own result, and a syntax error is reported again every time. */
START_TEST(test_compiled_once)
{
    ac_scope a, b;
    ac_scope_init(&a, NULL);
    ac_scope_init(&b, NULL);
    ac_scope_set(&a, "x", "one", 3, false, AC_VSRC_CLI);
    ac_scope_set(&b, "x", "two", 3, false, AC_VSRC_CLI);
    const char *t = "<${upper(x)}>";
    for (int round = 0; round < 3; round++) {
        ac_ival v;
        char *err = NULL;
        ck_assert_int_eq(ac_interpolate(&a, t, strlen(t), &v, &err), 0);
        ck_assert_str_eq(v.str, "<ONE>");
        ac_ival_free(&v);
        ck_assert_int_eq(ac_interpolate(&b, t, strlen(t), &v, &err), 0);
        ck_assert_str_eq(v.str, "<TWO>");
        ac_ival_free(&v);
        ck_assert_int_eq(ac_interpolate(&a, "${upper(x", 9, &v, &err), -1);
        ck_assert_ptr_nonnull(strstr(err, "template error"));
        free(err);
    }
    ac_scope_free(&a);
    ac_scope_free(&b);
}
END_TEST

/* Worker threads interpolate the same texts at once (the runner's -j N): each gets its own
 * scope's value. Run under the sanitizers, a race in the cache shows here. */
typedef struct worker { int id; int failures; } worker;

static void *interpolate_many(void *arg)
{
    worker *w = arg;
    ac_scope s;
    ac_scope_init(&s, NULL);
    char id[16];
    snprintf(id, sizeof id, "w%d", w->id);
    ac_scope_set(&s, "me", id, strlen(id), false, AC_VSRC_CLI);
    for (int i = 0; i < 2000; i++) {
        char t[64], want[64];
        snprintf(t, sizeof t, "${concat(me, '-%d')}", i % 50);
        snprintf(want, sizeof want, "%s-%d", id, i % 50);
        ac_ival v;
        char *err = NULL;
        if (ac_interpolate(&s, t, strlen(t), &v, &err) != 0 || strcmp(v.str, want) != 0) w->failures++;
        ac_ival_free(&v);
        free(err);
    }
    ac_scope_free(&s);
    return NULL;
}

START_TEST(test_compiled_shared_by_threads)
{
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){ .id = i };
        ck_assert_int_eq(pthread_create(&th[i], NULL, interpolate_many, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vars");
    TCase *tc = tcase_create("vars");
    tcase_add_loop_test(tc, test_ok, 0, (int)(sizeof OK / sizeof *OK));
    tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof ERRS / sizeof *ERRS));
    tcase_add_test(tc, test_scopes);
    tcase_add_test(tc, test_borrowed);
    tcase_add_test(tc, test_builtins);
    tcase_add_test(tc, test_taint_registers);
    tcase_add_test(tc, test_errors_hide_secrets);
    tcase_add_loop_test(tc, test_template_vars, 0, (int)(sizeof NAMES / sizeof *NAMES));
    tcase_add_test(tc, test_template_vars_errors);
    tcase_add_test(tc, test_template_env_refs);
    tcase_add_test(tc, test_compiled_once);
    tcase_add_test(tc, test_compiled_shared_by_threads);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
