/* Unused-name checks (varcheck.h): what the loader counts as used, the suite's environment
 * prefix, the --var / vars-file / environment messages (names only, never values), and the
 * AUTHCONFORM_* table against the sources. */
#include <check.h>
#include <dirent.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_load.h"
#include "varcheck.h"

/* ---- what the loader records ------------------------------------------------------------- */

static const char USES_DOC[] =
    "suite: uses\n"
    "fixtures:\n"
    "  tok:\n"
    "    requires: [fx_user]\n"
    "    request: { path: /t, headers: { X-User: \"${fx_user}\" } }\n"
    "    capture: { fx_token: $.t }\n"
    "tests:\n"
    "  - id: U-1\n"
    "    name: every place a name can be read\n"
    "    requires: [tok, req_only]\n"
    "    when: { value: \"${is_jwt(when_var)}\", equals: \"true\" }\n"
    "    request:\n"
    "      path: \"/a/${base64(concat(user_in_call, ':', env:UC_EXTRA))}\"\n"
    "      headers: { Authorization: \"Bearer ${fx_token}\" }\n"
    "    expect: { status: 200 }\n"
    "    capture: { cap_only: $.x }\n"
    "  - id: U-2\n"
    "    name: a run step\n"
    "    steps:\n"
    "      - run: { command: \"${cmd_var}\", env: { AUTHCONFORM_TOKEN: \"${run_env_var}\" } }\n";

static void load_uses(bool lint, ac_var_uses *uses)
{
    ac_strlist known = { 0 };
    const char *defined[] = { "when_var", "user_in_call", "cmd_var", "run_env_var" };
    for (size_t i = 0; i < sizeof defined / sizeof *defined; i++) ac_strlist_push(&known, defined[i]);
    ac_load_opts o = { .known_vars = &known, .uses = uses };
    ac_diags d;
    ac_diags_init(&d);
    if (lint) {
        char path[] = "/tmp/ac-varcheck-XXXXXX.yaml";
        int fd = mkstemps(path, 5);
        ck_assert_int_ge(fd, 0);
        FILE *f = fdopen(fd, "w");
        fputs(USES_DOC, f);
        fclose(f);
        const char *paths[] = { path };
        o.paths = paths;
        o.n_paths = 1;
        int rc = ac_lint(&o, &d, NULL, NULL);
        remove(path);
        if (rc != 0) ac_diags_print(&d, stderr);
        ck_assert_int_eq(rc, 0);
    } else {
        ac_model m;
        int rc = ac_load_model_text(&o, "uses.yaml", USES_DOC, strlen(USES_DOC), &m, &d);
        if (rc != 0) ac_diags_print(&d, stderr);
        ck_assert_int_eq(rc, 0);
        ac_model_free(&m);
    }
    ac_diags_free(&d);
    ac_strlist_free(&known);
}

START_TEST(loader_records_uses)
{
    ac_var_uses u = { 0 };
    load_uses(_i == 1, &u);
    static const char *const used[] = { "fx_user", "fx_token", "req_only", "when_var",
                                        "user_in_call", "cap_only", "cmd_var", "run_env_var" };
    for (size_t i = 0; i < sizeof used / sizeof *used; i++)
        ck_assert_msg(ac_strlist_contains(&u.vars, used[i]), "%s not recorded as used", used[i]);
    ck_assert_uint_eq(u.vars.n, sizeof used / sizeof *used);   /* each once; no fixture "tok" */
    ck_assert_msg(!ac_strlist_contains(&u.vars, "UC_EXTRA"), "env: recorded as a variable");
    ck_assert_uint_eq(u.env.n, 1);
    ck_assert_str_eq(u.env.items[0], "UC_EXTRA");
    ac_var_uses_free(&u);
    ac_var_uses_free(NULL);
}
END_TEST

/* ---- the suite's environment prefix ------------------------------------------------------ */

typedef struct prefix_case {
    const char *envs[8];   /* env fallbacks, NULL-terminated; "-" is a variable without env */
    const char *want;
} prefix_case;

static const prefix_case prefixes[] = {
    { { "APINIZER_USERNAME", "APINIZER_PASSWORD", "-", "APINIZER_EXPIRY_USERNAME", "-" }, "APINIZER_" },
    { { "E2E_USERNAME", "E2E_PASSWORD", "OTHER_THING" }, "E2E_" },      /* most, not all */
    { { "A_X", "A_Y", "B_X", "B_Y" }, NULL },                            /* half is not most */
    { { "A_X", "B_Y" }, NULL },
    { { "MY_TOKEN" }, NULL },                    /* one name is no convention */
    { { "TOKEN", "SECRET" }, NULL },             /* no underscore */
    { { "_X", "_Y" }, NULL },                    /* nothing before it */
    { { "GITHUB_TOKEN", "GITHUB_USER" }, NULL }, /* a CI system's own prefix */
    { { "AUTHCONFORM_A", "AUTHCONFORM_B" }, NULL },   /* checked anyway */
    { { "-", "-" }, NULL },
    { { NULL }, NULL },
};

START_TEST(env_prefix)
{
    const prefix_case *c = &prefixes[_i];
    ac_var_decl decls[8];
    memset(decls, 0, sizeof decls);
    ac_manifest m;
    memset(&m, 0, sizeof m);
    m.vars = decls;
    for (; c->envs[m.n_vars]; m.n_vars++) {
        decls[m.n_vars].name = (char *)"v";
        decls[m.n_vars].env = strcmp(c->envs[m.n_vars], "-") ? (char *)c->envs[m.n_vars] : NULL;
    }
    char *got = ac_env_prefix(&m);
    if (c->want) ck_assert_msg(got && !strcmp(got, c->want), "case %d: got %s", _i, got ? got : "(none)");
    else ck_assert_msg(got == NULL, "case %d: got %s, want none", _i, got);
    free(got);
}
END_TEST

START_TEST(env_prefix_no_manifest)
{
    ck_assert_ptr_null(ac_env_prefix(NULL));
}
END_TEST

/* ---- messages ---------------------------------------------------------------------------- */

/* A manifest like the bundled one, on the stack. */
static ac_var_decl bundled_decls[] = {
    { .name = "username", .env = "APINIZER_USERNAME" },
    { .name = "password", .env = "APINIZER_PASSWORD", .secret = true },
    { .name = "revoke_wait", .default_value = "30" },
};
static const ac_manifest bundled = { .vars = bundled_decls, .n_vars = 3 };

START_TEST(given_vars)
{
    ac_given_vars g = { 0 };
    ac_given_vars_add(&g, "pasword", NULL, 0);
    ac_given_vars_add(&g, "pasword", NULL, 0);      /* reported once */
    ac_given_vars_add(&g, "revoke_wiat", NULL, 0);
    ac_given_vars_add(&g, "password", NULL, 0);     /* declared */
    ac_given_vars_add(&g, "now", NULL, 0);          /* built in */
    ac_given_vars_add(&g, "case_only", NULL, 0);    /* read by a case file */
    ac_given_vars_add(&g, "usernme", "shared.yaml", 3);
    ac_given_vars_add(&g, "other_suite_var", "shared.yaml", 4);
    ac_var_uses u = { 0 };
    ac_var_uses_add(&u, "case_only");
    ac_var_uses_add(&u, "case_only");
    ck_assert_uint_eq(u.vars.n, 1);
    ac_diags d;
    ac_diags_init(&d);
    ck_assert_uint_eq(ac_varcheck_given(&g, &u, &bundled, &d), 2);
    ck_assert_uint_eq(d.n, 4);
    ck_assert_uint_eq(d.n_errors, 2);
    ck_assert_int_eq(d.items[0].level, AC_DIAG_ERROR);
    ck_assert_ptr_null(d.items[0].file);
    ck_assert_str_eq(d.items[0].message, "--var pasword: no loaded case file uses a variable of that "
                     "name and the suite does not declare it (did you mean 'password'?)");
    ck_assert_str_eq(d.items[1].message, "--var revoke_wiat: no loaded case file uses a variable of "
                     "that name and the suite does not declare it (did you mean 'revoke_wait'?)");
    ck_assert_int_eq(d.items[2].level, AC_DIAG_WARNING);
    ck_assert_str_eq(d.items[2].file, "shared.yaml");
    ck_assert_int_eq(d.items[2].line, 3);
    ck_assert_ptr_null(d.items[2].source_line);   /* a vars file's line may hold a secret */
    ck_assert_str_eq(d.items[2].message, "'usernme' is set but no loaded case file uses it and the "
                     "suite does not declare it (did you mean 'username'?)");
    ck_assert_str_eq(d.items[3].message, "'other_suite_var' is set but no loaded case file uses it "
                     "and the suite does not declare it");
    ac_diags_free(&d);
    ac_var_uses_free(&u);
    ac_given_vars_free(&g);
    ac_given_vars_free(NULL);
}
END_TEST

/* --secret with a name nothing reads protects nothing: an error naming the near miss. */
START_TEST(secret_names)
{
    ac_strlist secrets = { 0 };
    ac_strlist_push(&secrets, "pasword");
    ac_strlist_push(&secrets, "password");     /* declared */
    ac_strlist_push(&secrets, "case_only");    /* read by a case file */
    ac_var_uses u = { 0 };
    ac_var_uses_add(&u, "case_only");
    ac_diags d;
    ac_diags_init(&d);
    ck_assert_uint_eq(ac_varcheck_secrets(&secrets, &u, &bundled, &d), 1);
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_str_eq(d.items[0].message, "--secret pasword: no loaded case file uses a variable of that "
                     "name and the suite does not declare it, so it would keep nothing secret (did you "
                     "mean 'password'?)");
    ac_diags_free(&d);
    ac_var_uses_free(&u);
    ac_strlist_free(&secrets);
}
END_TEST

START_TEST(environ_unread)
{
    char *envp[] = {
        "APINIZER_USERNAME=alice",
        "APINIZER_PASWORD=hunter2-secret",   /* typo */
        "APINIZER_URL=https://apinizer.example.com",   /* read by nothing */
        "APINIZER_EXTRA=1",                  /* read by ${env:APINIZER_EXTRA} */
        "AUTHCONFORM_SUITE=/x.yaml",
        "AUTHCONFORM_TOKEN=t",
        "AUTHCONFORM_ALLOW_SKIP=X",
        "AUTHCONFORM_SUIT=/y.yaml",          /* typo */
        "APINIZER_URL=again",                /* named once */
        "HOME=/root", "CI_JOB_ID=1", "PATH=/bin", "apinizer_lower=1",
        "NO_EQUALS_SIGN",
        NULL,
    };
    ac_var_uses u = { 0 };
    ac_strlist_push(&u.env, "APINIZER_EXTRA");
    ac_diags d;
    ac_diags_init(&d);
    ck_assert_uint_eq(ac_varcheck_environ(envp, &bundled, &u, &d), 3);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_str_eq(d.items[0].message,
                     "environment variables APINIZER_PASWORD (did you mean 'APINIZER_PASSWORD'?), "
                     "APINIZER_URL, AUTHCONFORM_SUIT (did you mean 'AUTHCONFORM_SUITE'?) are set, "
                     "but neither the suite nor authconform reads them (checked: names starting "
                     "with APINIZER_ or AUTHCONFORM_)");
    ac_diags_free(&d);

    /* Without a suite prefix only AUTHCONFORM_ is checked; one name reads as one. */
    char *envp2[] = { "APINIZER_URL=x", "AUTHCONFORM_SUIT=y", NULL };
    ac_diags_init(&d);
    ck_assert_uint_eq(ac_varcheck_environ(envp2, NULL, &u, &d), 1);
    ck_assert_str_eq(d.items[0].message,
                     "environment variable AUTHCONFORM_SUIT (did you mean 'AUTHCONFORM_SUITE'?) is "
                     "set, but neither the suite nor authconform reads it (checked: names starting "
                     "with AUTHCONFORM_)");
    ac_diags_free(&d);

    /* Nothing unread: no warning at all. */
    char *envp3[] = { "APINIZER_USERNAME=alice", "HOME=/root", NULL };
    ac_diags_init(&d);
    ck_assert_uint_eq(ac_varcheck_environ(envp3, &bundled, &u, &d), 0);
    ck_assert_uint_eq(d.n, 0);
    ac_diags_free(&d);
    ac_var_uses_free(&u);
}
END_TEST

/* ---- the AUTHCONFORM_* table against the sources ----------------------------------------- */

static bool in_table(const char *name)
{
    for (const ac_tool_env *t = ac_tool_env_vars; t->name; t++)
        if (!strcmp(t->name, name)) return true;
    return false;
}

/* Every AUTHCONFORM_NAME spelt in a source file of dir; the missing ones go to missing. */
static void scan_dir(const char *dir, ac_strlist *missing, size_t *seen)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!ac_str_endswith(e->d_name, ".c") && !ac_str_endswith(e->d_name, ".h")) continue;
        char *path = ac_sprintf("%s/%s", dir, e->d_name);
        size_t len = 0;
        char *err = NULL;
        char *text = ac_read_file(path, &len, &err);
        ck_assert_msg(text != NULL, "%s: %s", path, err);
        for (const char *p = text; (p = strstr(p, "AUTHCONFORM_")); ) {
            const char *q = p + strlen("AUTHCONFORM_");
            while (isupper((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_') q++;
            char *name = ac_strndup(p, (size_t)(q - p));
            if (q > p + strlen("AUTHCONFORM_") && name[q - p - 1] != '_') {
                (*seen)++;
                if (!in_table(name) && !ac_strlist_contains(missing, name))
                    ac_strlist_push(missing, name);
            }
            free(name);
            p = q;
        }
        free(text);
        free(path);
    }
    closedir(d);
}

START_TEST(tool_env_table_complete)
{
    ac_strlist missing = { 0 };
    size_t seen = 0;
    scan_dir(AC_SOURCE_DIR "/runner", &missing, &seen);
    scan_dir(AC_SOURCE_DIR "/reports", &missing, &seen);
    scan_dir(AC_SOURCE_DIR "/refserver", &missing, &seen);
    ck_assert_uint_gt(seen, 0);   /* the scan found AUTHCONFORM_SUITE at least */
    for (size_t i = 0; i < missing.n; i++)
        fprintf(stderr, "%s is in the sources but not in ac_tool_env_vars (runner/load/varcheck.c)\n",
                missing.items[i]);
    ck_assert_uint_eq(missing.n, 0);
    ac_strlist_free(&missing);
}
END_TEST

static Suite *varcheck_suite(void)
{
    Suite *s = suite_create("varcheck");
    TCase *tc = tcase_create("varcheck");
    tcase_add_loop_test(tc, loader_records_uses, 0, 2);   /* ac_load_model_text, ac_lint */
    tcase_add_loop_test(tc, env_prefix, 0, (int)(sizeof prefixes / sizeof *prefixes));
    tcase_add_test(tc, env_prefix_no_manifest);
    tcase_add_test(tc, given_vars);
    tcase_add_test(tc, secret_names);
    tcase_add_test(tc, environ_unread);
    tcase_add_test(tc, tool_env_table_complete);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(varcheck_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
