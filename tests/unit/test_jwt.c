/* JWT decoding (valid tokens, every kind of not-a-JWT with its message), segment encoding, and
 * building tokens with the template functions jwt_with / jwt_header / jwt_claims / jwt_signature:
 * merged claims, removed keys, alg none with an empty signature, parts kept byte for byte. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "jwt.h"
#include "redact.h"
#include "util.h"
#include "vars.h"

static char *seg(const char *json)
{
    return ac_base64url_encode(json, strlen(json));
}

static char *make_token(const char *header, const char *claims, const char *sig)
{
    char *h = seg(header), *c = seg(claims);
    char *t = ac_sprintf("%s.%s.%s", h, c, sig);
    free(h);
    free(c);
    return t;
}

START_TEST(test_decode_ok)
{
    char *t = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"alice\",\"exp\":1700003600,\"iat\":1700000000}",
                         "c2lnbmF0dXJl");
    ac_jwt j;
    char *err = NULL;
    ck_assert_int_eq(ac_jwt_decode(t, &j, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(cJSON_GetObjectItem(j.header, "alg")->valuestring, "HS256");
    ck_assert_str_eq(cJSON_GetObjectItem(j.claims, "sub")->valuestring, "alice");
    ck_assert_int_eq((long long)cJSON_GetObjectItem(j.claims, "exp")->valuedouble, 1700003600LL);
    ck_assert_str_eq(j.seg[2], "c2lnbmF0dXJl");
    ck_assert(ac_jwt_looks_like(t));
    ac_jwt_free(&j);
    ac_jwt_free(&j);   /* idempotent */
    ac_jwt_free(NULL);
    free(t);
}
END_TEST

START_TEST(test_decode_unsigned)
{
    char *t = make_token("{\"alg\":\"none\"}", "{\"sub\":\"x\"}", "");
    ac_jwt j;
    char *err = NULL;
    ck_assert_int_eq(ac_jwt_decode(t, &j, &err), 0);
    ck_assert_str_eq(j.seg[2], "");
    ac_jwt_free(&j);
    free(t);
}
END_TEST

typedef struct bad_case {
    const char *token;
    const char *err;
} bad_case;

static const bad_case BAD[] = {
    { "", "not a JWT: empty value" },
    { "abc", "not a JWT: expected 3 segments separated by '.', found 1" },
    { "a.b", "not a JWT: expected 3 segments separated by '.', found 2" },
    { "a.b.c.d.e", "not a JWT: expected 3 segments separated by '.', found 5" },
    { "!!!.eyJhIjoxfQ.", "not a JWT: the header is not base64url" },
    { ".eyJhIjoxfQ.", "not a JWT: the header is not base64url" },
    { "bm90IGpzb24.eyJhIjoxfQ.", "not a JWT: the header is not a JSON object" },          /* "not json" */
    { "WzEsMl0.eyJhIjoxfQ.", "not a JWT: the header is not a JSON object" },              /* [1,2] */
    { "eyJhbGciOiJub25lIn0.bm9wZQ.", "not a JWT: the claims is not a JSON object" },      /* "nope" */
    { "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.a+b/", "not a JWT: the signature is not base64url" },
    { "eyJhbGciOiJub25lIn0.eyJhIjoxfQxx.", "not a JWT: the claims is not a JSON object" }, /* trailing garbage */
    { "Bearer eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", "not a JWT: the header is not base64url" },
};

START_TEST(test_decode_bad)
{
    const bad_case *c = &BAD[_i];
    ac_jwt j;
    char *err = NULL;
    ck_assert_int_eq(ac_jwt_decode(c->token, &j, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strcmp(err, c->err) == 0, "%s: got '%s', want '%s'", c->token, err, c->err);
    ck_assert_ptr_null(j.header);
    ck_assert_ptr_null(j.seg[0]);
    free(err);
    ck_assert(!ac_jwt_looks_like(c->token));
    /* err may be NULL when the caller only wants the verdict */
    ck_assert_int_eq(ac_jwt_decode(c->token, &j, NULL), -1);
}
END_TEST

START_TEST(test_encode_segment)
{
    cJSON *o = cJSON_Parse("{ \"alg\" : \"none\" }");
    char *s = ac_jwt_encode_segment(o);
    ck_assert_str_eq(s, "eyJhbGciOiJub25lIn0");   /* {"alg":"none"} */
    free(s);
    cJSON_Delete(o);
}
END_TEST

/* ---- building tokens through templates ------------------------------------------------------- */

typedef struct build_case {
    const char *tmpl;
    const char *header;     /* expected decoded header JSON text, or NULL to skip */
    const char *claims;     /* expected decoded claims JSON text, or NULL to skip */
    const char *sig;        /* expected signature segment */
} build_case;

/* t = {"alg":"HS256","typ":"JWT"} . {"sub":"alice","exp":100,"iat":50} . c2ln */
static const build_case BUILD[] = {
    { "${jwt_with(t, '{\"alg\":\"none\"}', '', '')}", "{\"alg\":\"none\",\"typ\":\"JWT\"}",
      "{\"sub\":\"alice\",\"exp\":100,\"iat\":50}", "" },
    { "${jwt_with(t, '', '{\"exp\":1,\"scope\":\"admin\"}', jwt_signature(t))}", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
      "{\"sub\":\"alice\",\"exp\":1,\"iat\":50,\"scope\":\"admin\"}", "c2ln" },
    { "${jwt_with(t, '{\"typ\":null}', '{\"iat\":null,\"sub\":{\"n\":[1,2]}}', 'xyz')}", "{\"alg\":\"HS256\"}",
      "{\"sub\":{\"n\":[1,2]},\"exp\":100}", "xyz" },
    { "${jwt_with('', '{\"alg\":\"none\"}', '{\"sub\":\"bob\"}', '')}", "{\"alg\":\"none\"}", "{\"sub\":\"bob\"}", "" },
    { "${jwt_with('', '', '', '')}", "{}", "{}", "" },
};

START_TEST(test_build)
{
    const build_case *c = &BUILD[_i];
    ac_scope s;
    ac_scope_init(&s, NULL);
    char *t = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"alice\",\"exp\":100,\"iat\":50}", "c2ln");
    ac_scope_set(&s, "t", t, strlen(t), false, AC_VSRC_CAPTURE);
    ac_ival v;
    char *err = NULL;
    ck_assert_msg(ac_interpolate(&s, c->tmpl, strlen(c->tmpl), &v, &err) == 0, "%s: %s", c->tmpl, err ? err : "");
    ac_jwt j;
    ck_assert_msg(ac_jwt_decode(v.str, &j, &err) == 0, "%s -> %s: %s", c->tmpl, v.str, err ? err : "");
    char *h = cJSON_PrintUnformatted(j.header), *cl = cJSON_PrintUnformatted(j.claims);
    ck_assert_str_eq(h, c->header);
    ck_assert_str_eq(cl, c->claims);
    ck_assert_str_eq(j.seg[2], c->sig);
    free(h);
    free(cl);
    ac_jwt_free(&j);
    ac_ival_free(&v);
    free(t);
    ac_scope_free(&s);
}
END_TEST

/* '' keeps a part byte for byte, even when it is not canonical JSON. */
START_TEST(test_build_keeps_bytes)
{
    ac_scope s;
    ac_scope_init(&s, NULL);
    char *t = make_token("{ \"alg\": \"HS256\" }", "{\"b\":2,  \"a\":1}", "sig-_");
    ac_scope_set(&s, "t", t, strlen(t), false, AC_VSRC_CAPTURE);
    const char *tmpl = "${jwt_with(t, '', '', jwt_signature(t))}";
    ac_ival v;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&s, tmpl, strlen(tmpl), &v, &err), 0);
    ck_assert_str_eq(v.str, t);
    ac_ival_free(&v);
    /* header and claims read back exactly as encoded */
    const char *th = "${jwt_header(t)}|${jwt_claims(t)}|${jwt_signature(t)}";
    ck_assert_int_eq(ac_interpolate(&s, th, strlen(th), &v, &err), 0);
    ck_assert_str_eq(v.str, "{ \"alg\": \"HS256\" }|{\"b\":2,  \"a\":1}|sig-_");
    ac_ival_free(&v);
    /* the claims of a changed header stay untouched */
    const char *tc = "${jwt_with(t, '{\"alg\":\"none\"}', '', '')}";
    ck_assert_int_eq(ac_interpolate(&s, tc, strlen(tc), &v, &err), 0);
    char *claims_seg = ac_base64url_encode("{\"b\":2,  \"a\":1}", strlen("{\"b\":2,  \"a\":1}"));
    char *want = ac_sprintf("eyJhbGciOiJub25lIn0.%s.", claims_seg);
    ck_assert_str_eq(v.str, want);
    free(want);
    free(claims_seg);
    ac_ival_free(&v);
    free(t);
    ac_scope_free(&s);
}
END_TEST

typedef struct build_err {
    const char *tmpl;
    const char *err;
} build_err;

static const build_err BUILD_ERRORS[] = {
    { "${jwt_with(t, 'x', '', '')}", "jwt_with(): header_json is not a JSON object" },
    { "${jwt_with(t, '[1]', '', '')}", "jwt_with(): header_json is not a JSON object" },
    { "${jwt_with(t, '', '\"s\"', '')}", "jwt_with(): claims_json is not a JSON object" },
    { "${jwt_with('a.b', '', '', '')}", "jwt_with(): not a JWT: expected 3 segments separated by '.'" },
    { "${jwt_with('abc', '{}', '', '')}", "jwt_with(): not a JWT: expected 3 segments separated by '.'" },
    { "${jwt_with('!!.e30.', '{}', '', '')}", "jwt_with(): the token's header is not a base64url JSON object" },
    { "${jwt_with(t, '{}', '')}", "template error in '${jwt_with(t, '{}', '')}': jwt_with() takes 4 arguments, got 3" },
    { "${jwt_header('nope')}", "jwt_header(): not a JWT: expected 3 segments separated by '.', found 1" },
    { "${jwt_claims('e30.bm9wZQ.')}", "jwt_claims(): not a JWT: the claims is not a JSON object" },
    { "${jwt_signature('a.b')}", "jwt_signature(): not a JWT: expected 3 segments separated by '.'" },
};

START_TEST(test_build_errors)
{
    const build_err *c = &BUILD_ERRORS[_i];
    ac_scope s;
    ac_scope_init(&s, NULL);
    char *t = make_token("{\"alg\":\"HS256\"}", "{\"sub\":\"alice\"}", "c2ln");
    ac_scope_set(&s, "t", t, strlen(t), false, AC_VSRC_CAPTURE);
    ac_ival v;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&s, c->tmpl, strlen(c->tmpl), &v, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strcmp(err, c->err) == 0, "%s: got '%s', want '%s'", c->tmpl, err, c->err);
    free(err);
    free(t);
    ac_scope_free(&s);
}
END_TEST

/* A token built from a secret token is secret too. */
START_TEST(test_build_from_secret_is_secret)
{
    ac_redact_reset();
    ac_scope s;
    ac_scope_init(&s, NULL);
    char *t = make_token("{\"alg\":\"HS256\"}", "{\"sub\":\"alice\"}", "c2lnbmF0dXJl");
    ac_scope_set(&s, "t", t, strlen(t), true, AC_VSRC_CAPTURE);
    const char *tmpl = "${jwt_with(t, '{\"alg\":\"none\"}', '', '')}";
    ac_ival v;
    char *err = NULL;
    ck_assert_int_eq(ac_interpolate(&s, tmpl, strlen(tmpl), &v, &err), 0);
    ck_assert(v.secret);
    char *r = ac_redact(v.str, v.len, NULL);
    ck_assert_ptr_null(strstr(r, v.str));
    free(r);
    ac_ival_free(&v);
    free(t);
    ac_scope_free(&s);
    ac_redact_reset();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jwt");
    TCase *tc = tcase_create("jwt");
    tcase_add_test(tc, test_decode_ok);
    tcase_add_test(tc, test_decode_unsigned);
    tcase_add_loop_test(tc, test_decode_bad, 0, (int)(sizeof BAD / sizeof *BAD));
    tcase_add_test(tc, test_encode_segment);
    tcase_add_loop_test(tc, test_build, 0, (int)(sizeof BUILD / sizeof *BUILD));
    tcase_add_test(tc, test_build_keeps_bytes);
    tcase_add_loop_test(tc, test_build_errors, 0, (int)(sizeof BUILD_ERRORS / sizeof *BUILD_ERRORS));
    tcase_add_test(tc, test_build_from_secret_is_secret);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
