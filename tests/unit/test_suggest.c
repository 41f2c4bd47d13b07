/* Did-you-mean (suggest.h): the edit distance, the closeness limit by word length, ties, and the
 * message text every near-miss error and warning uses. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

typedef struct dist_case { const char *a, *b; size_t want; } dist_case;

static const dist_case dists[] = {
    { "password", "password", 0 },
    { "pasword", "password", 1 },          /* a letter missing */
    { "revoke_wiat", "revoke_wait", 2 },   /* two letters swapped: two edits */
    { "PassWord", "password", 0 },         /* case does not count */
    { "", "abc", 3 },
    { "abc", "", 3 },
    { "kitten", "sitting", 3 },
};

START_TEST(distance)
{
    const dist_case *c = &dists[_i];
    ck_assert_uint_eq(ac_edit_distance(c->a, c->b), c->want);
}
END_TEST

START_TEST(distance_long_words)
{
    char longw[80];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    ck_assert_uint_eq(ac_edit_distance(longw, "a"), SIZE_MAX);
}
END_TEST

static const char *const VARS[] = { "username", "password", "revoke_wait", "max_wait", "now",
                                    "expired_token", "revoked_token", NULL };

typedef struct best_case { const char *word; const char *want; } best_case;

static const best_case bests[] = {
    { "pasword", "password" },
    { "revoke_wiat", "revoke_wait" },
    { "usrname", "username" },
    { "max_wiat", "max_wait" },           /* 8 characters: 2 edits allowed */
    { "expierd_token", "expired_token" },
    { "password", NULL },                 /* the word itself is never suggested */
    { "no", "now" },                      /* short word: 1 edit allowed */
    { "nw", "now" },
    { "xyz", NULL },                      /* 3 characters, 3 edits from "now": too far */
    { "hostname", NULL },
    { "revoke_command", NULL },
};

START_TEST(best)
{
    const best_case *c = &bests[_i];
    const char *got = ac_suggest_from_list(c->word, VARS);
    if (c->want) ck_assert_msg(got && !strcmp(got, c->want), "%s: got %s, want %s", c->word,
                               got ? got : "(none)", c->want);
    else ck_assert_msg(got == NULL, "%s: got %s, want none", c->word, got);
}
END_TEST

START_TEST(ties_first_added_wins)
{
    ac_suggest c = { 0 };
    ac_suggest_add(&c, "token_a");
    ac_suggest_add(&c, NULL);            /* ignored */
    ac_suggest_add(&c, "token_b");
    ck_assert_str_eq(ac_suggest_best(&c, "token_c"), "token_a");
    ac_suggest_free(&c);
    ck_assert_uint_eq(c.n, 0);
    ac_suggest_free(NULL);
}
END_TEST

START_TEST(strlist_candidates)
{
    ac_strlist l = { 0 };
    ac_strlist_push(&l, "APINIZER_PASSWORD");
    ac_strlist_push(&l, "APINIZER_USERNAME");
    ac_suggest c = { 0 };
    ac_suggest_add_strlist(&c, &l);
    ac_suggest_add_strlist(&c, NULL);
    ac_suggest_add_list(&c, NULL);
    ck_assert_str_eq(ac_suggest_best(&c, "APINIZER_PASWORD"), "APINIZER_PASSWORD");
    ck_assert_ptr_null(ac_suggest_best(&c, "APINIZER_URL"));
    ac_suggest_free(&c);
    ac_strlist_free(&l);
}
END_TEST

START_TEST(message)
{
    char buf[64];
    ac_did_you_mean(buf, sizeof buf, "password");
    ck_assert_str_eq(buf, " (did you mean 'password'?)");
    ac_did_you_mean(buf, sizeof buf, NULL);
    ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *suggest_suite(void)
{
    Suite *s = suite_create("suggest");
    TCase *tc = tcase_create("suggest");
    tcase_add_loop_test(tc, distance, 0, (int)(sizeof dists / sizeof *dists));
    tcase_add_test(tc, distance_long_words);
    tcase_add_loop_test(tc, best, 0, (int)(sizeof bests / sizeof *bests));
    tcase_add_test(tc, ties_first_added_wins);
    tcase_add_test(tc, strlist_candidates);
    tcase_add_test(tc, message);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suggest_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
