/* Case loading: every file in tests/invalid produces exactly the errors its header names, and
 * every construct of docs/case-format.md loads into the right model. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case_load.h"
#include "case_source.h"
#include "record.h"

#define INVALID_DIR AC_TESTS_DIR "/invalid"
#define DATA_DIR AC_TESTS_DIR "/data"
#define MANIFEST DATA_DIR "/suite/manifest.yaml"

/* ---- tests/invalid ----------------------------------------------------------------------- */

static ac_strlist invalid_files;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_invalid_files(void)
{
    DIR *d = opendir(INVALID_DIR);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (ac_str_endswith(e->d_name, ".yaml")) ac_strlist_push(&invalid_files, e->d_name);
    closedir(d);
    if (invalid_files.n)
        qsort(invalid_files.items, invalid_files.n, sizeof *invalid_files.items, cmp_str);
}

typedef struct expected_err { int line, col; char *sub; bool seen; } expected_err;

/* Reads the "# error: LINE:COL: SUBSTRING" lines at the top of a file. */
static size_t read_expected(const char *path, expected_err *out, size_t max)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[1024];
    size_t n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        int l, c, off = 0;
        if (sscanf(line, "# error: %d:%d: %n", &l, &c, &off) != 2 || off == 0) break;
        char *s = line + off;
        s[strcspn(s, "\r\n")] = '\0';
        out[n++] = (expected_err){ l, c, ac_strdup(s), false };
    }
    fclose(f);
    return n;
}

/* Loads a file the way its name says: manifest-*, vars-*, or a case file (with the test
 * manifest and --var cli_var). */
static void load_any(const char *path, const char *base, ac_diags *d)
{
    if (ac_str_startswith(base, "manifest-")) {
        ac_manifest m;
        ac_load_manifest(path, &m, d);
        ac_manifest_free_contents(&m);
    } else if (ac_str_startswith(base, "vars-")) {
        ac_vars_list v;
        ac_load_vars_file(path, &v, d);
        ac_vars_list_free(&v);
    } else {
        ac_strlist known = { 0 };
        ac_strlist_push(&known, "cli_var");
        const char *paths[] = { path };
        ac_load_opts o = { .manifest_path = MANIFEST, .paths = paths, .n_paths = 1,
                           .known_vars = &known };
        ac_model m;
        int rc = ac_load_model(&o, &m, d);
        ck_assert_msg(rc == -1, "%s: loaded without error", base);
        ac_model_free(&m);
        ac_strlist_free(&known);
    }
}

START_TEST(invalid_file)
{
    ck_assert_msg(invalid_files.n >= 40, "only %zu files in tests/invalid", invalid_files.n);
    const char *base = invalid_files.items[_i];
    char *path = ac_sprintf("%s/%s", INVALID_DIR, base);
    expected_err exp[16];
    size_t n_exp = read_expected(path, exp, 16);
    ck_assert_msg(n_exp > 0, "%s: no '# error: LINE:COL: MESSAGE' header", base);

    ac_diags d;
    ac_diags_init(&d);
    load_any(path, base, &d);
    ck_assert_msg(d.n_dropped == 0, "%s: diagnostics dropped", base);
    ac_buf problems;
    ac_buf_init(&problems);
    for (size_t i = 0; i < d.n; i++) {
        const ac_diag *g = &d.items[i];
        bool matched = false;
        for (size_t j = 0; j < n_exp && !matched; j++) {
            if (exp[j].seen || exp[j].line != g->line || exp[j].col != g->col) continue;
            if (!strstr(g->message, exp[j].sub)) continue;
            exp[j].seen = matched = true;
        }
        if (!matched)
            ac_buf_printf(&problems, "\n  unexpected: %d:%d: %s", g->line, g->col, g->message);
        else if (!g->file || strcmp(g->file, path) != 0)
            ac_buf_printf(&problems, "\n  wrong file: %s", g->file ? g->file : "(none)");
    }
    for (size_t j = 0; j < n_exp; j++) {
        if (!exp[j].seen)
            ac_buf_printf(&problems, "\n  missing: %d:%d: %s", exp[j].line, exp[j].col, exp[j].sub);
        free(exp[j].sub);
    }
    ck_assert_msg(problems.len == 0, "%s:%s", base, ac_buf_str(&problems));
    ac_buf_free(&problems);
    ac_diags_free(&d);
    free(path);
}
END_TEST

/* ---- valid files: the model -------------------------------------------------------------- */

static void print_diags_on_failure(const ac_diags *d)
{
    if (d->n) ac_diags_print(d, stderr);
}

static const ac_test *find_test(const ac_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_files; i++)
        for (size_t j = 0; j < m->files[i].n_tests; j++)
            if (m->files[i].tests[j].id && !strcmp(m->files[i].tests[j].id, id))
                return &m->files[i].tests[j];
    return NULL;
}

START_TEST(valid_full_model)
{
    const char *paths[] = { DATA_DIR "/valid" };
    ac_load_opts o = { .manifest_path = MANIFEST, .paths = paths, .n_paths = 1 };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    int rc = ac_load_model(&o, &m, &d);
    print_diags_on_failure(&d);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_uint_eq(m.n_files, 2);
    ck_assert(ac_str_endswith(m.files[0].path, "valid/full.yaml"));
    ck_assert(ac_str_endswith(m.files[1].path, "valid/second.yaml"));

    const ac_suite_file *f = &m.files[0];
    ck_assert_str_eq(f->suite, "full-format");
    ck_assert_str_eq(f->description, "Every construct of the case format");
    ck_assert_uint_eq(f->tags.n, 2);
    ck_assert_uint_eq(f->n_fixtures, 1);
    ck_assert_str_eq(f->fixtures[0].name, "token");
    ck_assert_uint_eq(f->fixtures[0].requires.n, 2);
    ck_assert_str_eq(f->fixtures[0].requires.items[1], "password");
    ck_assert_int_eq(f->fixtures[0].step.kind, AC_STEP_REQUEST);
    ck_assert_ptr_nonnull(f->fixtures[0].step.request);
    ck_assert_ptr_nonnull(f->fixtures[0].step.expect);
    ck_assert_ptr_nonnull(f->fixtures[0].step.capture);
    ck_assert_uint_eq(f->n_tests, 5);

    const ac_test *t = find_test(&m, "FULL-SINGLE");
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_eq(t->file, f);
    ck_assert_str_eq(t->name, "a single request with every expect key");
    ck_assert(!t->multi_step);
    ck_assert_uint_eq(t->n_steps, 1);
    ck_assert_int_eq(t->steps[0].kind, AC_STEP_REQUEST);
    ck_assert_str_eq(t->steps[0].name, "FULL-SINGLE");
    ck_assert_ptr_eq(t->steps[0].node, t->node);
    ck_assert_ptr_nonnull(t->steps[0].expect);
    ck_assert_ptr_nonnull(t->steps[0].capture);
    ck_assert_ptr_null(t->steps[0].when);
    ck_assert_ptr_nonnull(t->when);
    ck_assert_ptr_nonnull(t->skip_on);
    /* file tags + test tags, deduplicated, file's first */
    ck_assert_uint_eq(t->tags.n, 3);
    ck_assert_str_eq(t->tags.items[0], "bearer");
    ck_assert_str_eq(t->tags.items[1], "smoke");
    ck_assert_str_eq(t->tags.items[2], "extra");
    ck_assert_uint_eq(t->refs.n, 2);
    ck_assert_uint_eq(t->requires.n, 1);
    ck_assert_int_eq(ac_sevspec_resolve(t->severity, "rfc", AC_SEV_MUST), AC_SEV_MUST);
    ck_assert_uint_eq(t->n_overrides, 2);
    ck_assert_str_eq(t->overrides[0].profile, "rfc");
    ck_assert_str_eq(t->overrides[1].profile, "documented");
    ck_assert_int_eq(t->repeat, 1);
    ck_assert_int_eq(t->concurrency, 1);
    ck_assert_int_eq(t->steps[0].node->line, 20);
    ck_assert_int_eq(t->steps[0].node->col, 5);

    t = find_test(&m, "FULL-SEVERITY-MAP");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(ac_sevspec_resolve(t->severity, "documented", AC_SEV_MUST), AC_SEV_SHOULD);
    ck_assert_int_eq(ac_sevspec_resolve(t->severity, "rfc", AC_SEV_SHOULD), AC_SEV_MUST);
    ck_assert_int_eq(ac_sevspec_resolve(t->severity, "other", AC_SEV_MUST), AC_SEV_INFO);

    t = find_test(&m, "FULL-REPEAT");
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->repeat, 10);
    ck_assert_int_eq(t->concurrency, 5);
    ck_assert_ptr_nonnull(t->expect_all);
    ck_assert(ac_strlist_contains(&t->tags, "slow"));

    t = find_test(&m, "FULL-STEPS");
    ck_assert_ptr_nonnull(t);
    ck_assert(t->multi_step);
    ck_assert_uint_eq(t->n_steps, 5);
    static const ac_step_kind kinds[] = { AC_STEP_REQUEST, AC_STEP_RUN, AC_STEP_REQUEST,
                                          AC_STEP_WAIT, AC_STEP_REQUEST };
    static const char *const names[] = { "use", "revoke", "refused", "step 4", "step 5" };
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(t->steps[i].kind, kinds[i]);
        ck_assert_str_eq(t->steps[i].name, names[i]);
    }
    ck_assert_ptr_nonnull(t->steps[0].capture);
    ck_assert_ptr_nonnull(t->steps[1].run);
    ck_assert_ptr_nonnull(t->steps[1].expect);
    ck_assert_ptr_nonnull(t->steps[2].until);
    ck_assert_ptr_nonnull(t->steps[3].wait);
    ck_assert_str_eq(t->steps[3].wait->str, "250ms");
    ck_assert_ptr_nonnull(t->steps[4].compare);
    ck_assert_ptr_nonnull(t->steps[4].when);
    ck_assert_ptr_nonnull(t->steps[4].skip_on);
    ck_assert_uint_eq(t->n_overrides, 1);

    t = find_test(&m, "SECOND-1");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->file->suite, "second");
    ck_assert_uint_eq(t->tags.n, 0);

    ck_assert_str_eq(m.manifest.name, "test-suite");
    ac_model_free(&m);
    ac_model_free(&m);   /* a freed model can be freed again */
    ac_diags_free(&d);
}
END_TEST

START_TEST(manifest_fields)
{
    ac_diags d;
    ac_diags_init(&d);
    ac_manifest man;
    ck_assert_int_eq(ac_load_manifest(MANIFEST, &man, &d), 0);
    ck_assert_str_eq(man.name, "test-suite");
    ck_assert_str_eq(man.version, "1.0.0");
    ck_assert_uint_eq(man.case_paths.n, 1);
    ck_assert_str_eq(man.case_paths.items[0], DATA_DIR "/valid");
    ck_assert_uint_eq(man.profiles.n, 2);
    const ac_var_decl *v = ac_manifest_find_var(&man, "password");
    ck_assert_ptr_nonnull(v);
    ck_assert(v->secret);
    ck_assert_str_eq(v->env, "AC_TEST_PASSWORD");
    v = ac_manifest_find_var(&man, "revoke_command");
    ck_assert(v && v->command && !v->default_value);
    v = ac_manifest_find_var(&man, "token_path");
    ck_assert_str_eq(v->default_value, "auth/token");
    v = ac_manifest_find_var(&man, "expiry_leeway");
    ck_assert_str_eq(v->default_value, "5");
    v = ac_manifest_find_var(&man, "throwaway_username");
    ck_assert(v && !v->env && !v->default_value && !v->fallback);
    v = ac_manifest_find_var(&man, "expiry_username");
    ck_assert_str_eq(v->fallback, "username");
    ck_assert_ptr_null(ac_manifest_find_var(&man, "nope"));
    ac_manifest_free_contents(&man);
    ac_diags_free(&d);
}
END_TEST

START_TEST(manifest_cases_used_when_no_paths)
{
    ac_load_opts o = { .manifest_path = MANIFEST };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ck_assert_int_eq(ac_load_model(&o, &m, &d), 0);
    ck_assert_uint_eq(m.n_files, 2);
    size_t nf = 0, nt = 0;
    ck_assert_int_eq(ac_lint(&o, &d, &nf, &nt), 0);
    ck_assert_uint_eq(nf, 2);
    ck_assert_uint_eq(nt, 6);
    ac_model_free(&m);
    ac_diags_free(&d);
}
END_TEST

START_TEST(directory_sorted_recursive)
{
    const char *paths[] = { DATA_DIR "/dir", DATA_DIR "/dir/b.yaml" };   /* b.yaml only once */
    ac_load_opts o = { .paths = paths, .n_paths = 2 };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ck_assert_int_eq(ac_load_model(&o, &m, &d), 0);
    ck_assert_uint_eq(m.n_files, 3);
    ck_assert_str_eq(m.files[0].suite, "dir-a");
    ck_assert_str_eq(m.files[1].suite, "dir-b");
    ck_assert_str_eq(m.files[2].suite, "dir-c");
    ck_assert_str_eq(m.files[2].path, DATA_DIR "/dir/sub/c.yaml");
    ac_model_free(&m);
    ac_diags_free(&d);
}
END_TEST

START_TEST(duplicate_ids_across_files)
{
    const char *paths[] = { DATA_DIR "/dupids" };
    ac_load_opts o = { .paths = paths, .n_paths = 1 };
    ac_diags d;
    ac_diags_init(&d);
    size_t nf = 0, nt = 0;
    ck_assert_int_eq(ac_lint(&o, &d, &nf, &nt), -1);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].file, DATA_DIR "/dupids/b.yaml");
    ck_assert_int_eq(d.items[0].line, 7);
    ck_assert_int_eq(d.items[0].col, 9);
    ck_assert_str_eq(d.items[0].message, "duplicate test id 'DUP-X' (first defined at "
                     DATA_DIR "/dupids/a.yaml:4)");
    ac_diags_free(&d);
}
END_TEST

START_TEST(missing_path)
{
    const char *paths[] = { DATA_DIR "/no-such-file.yaml" };
    ac_load_opts o = { .paths = paths, .n_paths = 1 };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ck_assert_int_eq(ac_load_model(&o, &m, &d), -1);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "No such file"));
    ac_model_free(&m);
    ac_diags_free(&d);
}
END_TEST

START_TEST(vars_file)
{
    ac_diags d;
    ac_diags_init(&d);
    ac_vars_list v;
    ck_assert_int_eq(ac_load_vars_file(DATA_DIR "/vars.yaml", &v, &d), 0);
    ck_assert_uint_eq(v.n, 5);
    ck_assert_str_eq(v.items[0].name, "username");
    ck_assert_str_eq(v.items[0].value, "alice");
    ck_assert(!v.items[0].secret);
    ck_assert_str_eq(v.items[1].value, "s3cret value");
    ck_assert(v.items[1].secret);
    ck_assert_str_eq(v.items[2].value, "8080");
    ck_assert_str_eq(v.items[3].value, "true");
    ck_assert_str_eq(v.items[4].value, "");
    ck_assert_uint_eq(v.items[4].len, 0);
    ac_vars_list_free(&v);
    ac_vars_list_free(&v);
    ac_diags_free(&d);
}
END_TEST

START_TEST(vars_file_never_shows_source)
{
    FILE *f = fopen("/tmp/ac_test_vars_bad.yaml", "w");
    ck_assert_ptr_nonnull(f);
    fputs("password: \"hunter2-secret-value\n", f);   /* unterminated quote */
    fclose(f);
    ac_diags d;
    ac_diags_init(&d);
    ac_vars_list v;
    ck_assert_int_eq(ac_load_vars_file("/tmp/ac_test_vars_bad.yaml", &v, &d), -1);
    ck_assert_uint_ge(d.n, 1);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    ac_diags_print(&d, mem);
    fclose(mem);
    ck_assert_ptr_null(strstr(out, "hunter2"));
    free(out);
    ac_vars_list_free(&v);
    ac_diags_free(&d);
    remove("/tmp/ac_test_vars_bad.yaml");
}
END_TEST

/* ---- table: small documents that must load without any diagnostic ----------------------- */

#define HDR "suite: t\ntests:\n  - id: T\n    name: n\n"

static const char *const valid_docs[] = {
    /* status forms */
    HDR "    request: { path: x }\n    expect: { status: 200 }\n",
    HDR "    request: { path: x }\n    expect: { status: [400, 401] }\n",
    HDR "    request: { path: x }\n    expect: { status: 4xx }\n",
    HDR "    request: { path: x }\n    expect: { status: { in: [400, 401], not_in: [], severity: should } }\n",
    HDR "    request: { path: x }\n    expect: { status: { not_in: [200, 5xx] } }\n",
    /* header checks */
    HDR "    request: { path: x }\n    expect:\n      headers:\n        Pragma: no-cache\n"
        "        WWW-Authenticate: { exists: true }\n        X-Debug: { absent: true }\n"
        "        Cache-Control: { contains: no-store, severity: { documented: should, rfc: must } }\n",
    /* every operator */
    HDR "    request: { path: x }\n    expect:\n      json:\n"
        "        $.a: { equals: 3, not_equals: 3.0 }\n"
        "        $.b: { in: [a, 1, null], not_in: [] }\n"
        "        $.c: { matches: '^a', not_matches: 'b$', matches_ci: x, not_matches_ci: y }\n"
        "        $.d: { contains: a, not_contains: [b, c] }\n"
        "        $.e: { type: [string, number, integer, boolean, null, array, object] }\n"
        "        $.f: { gt: 1, ge: 1.5, lt: \"10\", le: \"${max_wait}\" }\n"
        "        $.g: { length: 3 }\n"
        "        $.h: { length: { gt: 0, le: 10, equals: 3 } }\n"
        "        $.i: { equals_ci: bearer }\n"
        "        $.j: { equals: { a: [1, 2] } }\n"
        "        \"$['k']\": { exists: true }\n"
        "        $.l[-1]: null\n"
        "        $.m[*].n: 1\n"
        "        $..o: { exists: true }\n",
    /* body */
    HDR "    request: { path: x }\n    expect: { body: { equals: OK } }\n",
    HDR "    request: { path: x }\n    expect: { body: { contains: Hello, not_contains: [Exception, \"at com.\"], "
        "matches: \"^Hello \", not_matches_ci: \"sql\", severity: info } }\n",
    /* jwt */
    HDR "    request: { path: x }\n    expect:\n      jwt:\n        json: \"$.access_token\"\n"
        "        header: { alg: { equals: HS256 } }\n        claims: { exp: { type: integer }, "
        "iat: { ge: \"${sub(now, 300)}\" } }\n        assert:\n"
        "          - { expr: \"exp - iat\", equals: 3600, tolerance: 5 }\n"
        "          - { expr: \"exp-now+1.5\", gt: 0 }\n",
    HDR "    request: { path: x }\n    expect: { jwt: { from: \"${cli_var}\" } }\n",
    /* duration_ms, any_of */
    HDR "    request: { path: x }\n    expect: { duration_ms: 2000 }\n",
    HDR "    request: { path: x }\n    expect: { duration_ms: { lt: 2000, severity: should } }\n",
    HDR "    request: { path: x }\n    expect:\n      any_of:\n        - { status: 200 }\n"
        "        - { status: 401, json: { $.error: { type: string } } }\n",
    /* request forms */
    HDR "    request: { method: POST, path: x, form: { a: \"\", b: null, c: 3 } }\n    expect: { status: 200 }\n",
    HDR "    request: { method: PUT, url: \"https://h/x\", json: [1, { a: \"${username}\" }] }\n    expect: { status: 200 }\n",
    HDR "    request: { method: PATCH, url: \"${cli_var}/x\", body: \"raw\", timeout: 250ms }\n    expect: { status: 200 }\n",
    HDR "    request: { path: x, timeout: 2s, follow_redirects: true, http_version: \"2\" }\n    expect: { status: 200 }\n",
    HDR "    request: { path: x, timeout: 1m, http_version: 1.1 }\n    expect: { status: 200 }\n",
    HDR "    request: { path: x, timeout: \"${revoke_wait}\", query: { a: 1, b: null } }\n    expect: { status: 200 }\n",
    HDR "    request: { path: x, headers: [{ name: X-A, value: 1 }, { name: X-A, value: b }] }\n    expect: { status: 200 }\n",
    /* templates: env, literal, built-ins, functions */
    HDR "    request: { path: \"${env:HOME}/$${x}/${uuid}/${random}/${now}\" }\n    expect: { status: 200 }\n",
    HDR "    request: { path: \"${base64(concat(username, ':', password))}\" }\n    expect: { status: 200 }\n",
    HDR "    request: { path: \"${jwt_with(cli_var, '{\\\"alg\\\":\\\"none\\\"}', '', '')}\" }\n    expect: { status: 200 }\n",
    HDR "    request: { path: \"${target}\" }\n    expect: { status: 200 }\n",
    /* severity words, refs, tags, description, requires */
    HDR "    severity: info\n    description: d\n    refs: [a, b]\n    tags: [x.y, z-1]\n"
        "    requires: [throwaway_username]\n    request: { path: \"${throwaway_username}\" }\n    expect: { status: 200 }\n",
    /* when (map and list), skip_on */
    HDR "    when: { value: \"${is_jwt(cli_var)}\", equals: true }\n    request: { path: x }\n    expect: { status: 200 }\n",
    HDR "    when: [{ value: \"${max_wait}\", le: 100 }, { value: x, matches: x }]\n    request: { path: x }\n    expect: { status: 200 }\n",
    HDR "    skip_on: [{ status: 403, reason: no role }, { status: [404, 5xx], reason: r }]\n"
        "    request: { path: x }\n    expect: { status: 200 }\n",
    /* repeat */
    HDR "    request: { path: x }\n    repeat: 100000\n    concurrency: 100000\n"
        "    expect_all: { distinct: [\"$.a\", \"$.b\"], no_5xx: false }\n",
    /* steps: default names, compare with a default name, wait forms */
    HDR "    steps:\n      - request: { path: x }\n      - wait: 1.5\n      - wait: 600\n"
        "      - name: w\n        wait: \"${revoke_wait}\"\n"
        "      - request: { path: y }\n        compare: { with: step 1, differ: [\"header:X-A\", { what: body }] }\n",
    /* a run command from --var (not declared by the manifest) and from a command variable */
    HDR "    steps:\n      - run: { command: \"${cli_var}\" }\n        expect: { exit: [0, 1] }\n"
        "      - run: { command: \"${revoke_command}\", env: { A_B: x } }\n",
    /* profile overrides */
    HDR "    request: { path: x }\n    profiles: { rfc: { severity: should }, documented: { expect: { status: 200 } } }\n",
    /* captures flow forward */
    HDR "    steps:\n      - request: { path: x }\n        capture: { a: \"$.a\", b: { header: ETag }, "
        "c: { body: \"id=([0-9]+)\", secret: true } }\n      - request: { path: \"${a}/${b}/${c}\" }\n        expect: { status: 200 }\n",
    /* fixtures: captures visible to tests that require them */
    "suite: t\nfixtures:\n  tok:\n    requires: [username]\n    request: { path: \"${username}\" }\n"
        "    capture: { access_token: \"$.t\" }\ntests:\n  - id: T\n    name: n\n"
        "    requires: [tok]\n    request: { path: \"${access_token}\" }\n    expect: { status: 200 }\n",
    /* core schema: yes is a string, so it is a fine equals value */
    HDR "    request: { path: x }\n    expect: { json: { $.a: yes, $.b: on, $.c: 0x1F, $.d: 1e3, $.e: ~ } }\n",
};

START_TEST(valid_doc)
{
    const char *text = valid_docs[_i];
    ac_strlist known = { 0 };
    ac_strlist_push(&known, "cli_var");
    ac_load_opts o = { .manifest_path = MANIFEST, .known_vars = &known };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    int rc = ac_load_model_text(&o, "valid.yaml", text, strlen(text), &m, &d);
    if (rc != 0 || d.n) {
        fprintf(stderr, "--- document %d:\n%s", _i, text);
        ac_diags_print(&d, stderr);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(d.n, 0);
    ck_assert_uint_eq(m.n_files, 1);
    ck_assert_uint_eq(m.files[0].n_tests, 1);
    ac_model_free(&m);
    ac_diags_free(&d);
    ac_strlist_free(&known);
}
END_TEST

/* Without a manifest, `requires` declares variables, and undeclared ones are errors. */
START_TEST(no_manifest)
{
    const char *ok = HDR "    requires: [password]\n    request: { path: \"${password}\" }\n    expect: { status: 200 }\n";
    const char *bad = HDR "    request: { path: \"${password}\" }\n    profiles: { rfc: { severity: should } }\n";
    ac_load_opts o = { 0 };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ck_assert_int_eq(ac_load_model_text(&o, "a.yaml", ok, strlen(ok), &m, &d), 0);
    ck_assert_uint_eq(m.manifest.profiles.n, 2);
    ac_model_free(&m);
    ck_assert_int_eq(ac_load_model_text(&o, "b.yaml", bad, strlen(bad), &m, &d), -1);
    ck_assert_uint_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].message,
                     "undefined variable 'password' in test T (not declared by the suite "
                     "manifest, listed in requires, set with --var/--vars-file, captured before "
                     "use, or built in)");
    ck_assert_int_eq(d.items[0].line, 5);
    ck_assert_int_eq(d.items[0].col, 22);
    ac_model_free(&m);
    ac_diags_free(&d);
}
END_TEST

START_TEST(error_print_format)
{
    const char *bad = HDR "    request: { path: x }\n    expct: { status: 200 }\n";
    ac_load_opts o = { 0 };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ck_assert_int_eq(ac_load_model_text(&o, "cases/x.yaml", bad, strlen(bad), &m, &d), -1);
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    ac_diags_print(&d, mem);
    fclose(mem);
    ck_assert_str_eq(out, "cases/x.yaml:6:5: error: unknown key 'expct' in test (did you mean "
                          "'expect'?)\n      expct: { status: 200 }\n      ^\n");
    free(out);
    ac_model_free(&m);
    ac_diags_free(&d);
}
END_TEST

/* A run loads with release: each file is validated, then cut down to what planning needs, and
 * loaded again when it runs; the reload refuses a file whose text changed in between. */
static const char RELEASE_DOC[] =
    "suite: rel\n"
    "fixtures:\n"
    "  up: { request: { path: x }, expect: { status: 200 } }\n"
    "tests:\n"
    "  - id: REL-A\n"
    "    name: a\n"
    "    tags: [t1]\n"
    "    severity: should\n"
    "    profiles:\n"
    "      rfc: { severity: must }\n"
    "    request: { path: x }\n"
    "    expect: { status: 200 }\n"
    "  - id: REL-B\n"
    "    name: b\n"
    "    requires: [up]\n"
    "    request: { path: y }\n"
    "    expect: { status: 200 }\n";

static void write_text(const char *path, const char *text, const char *mode)
{
    FILE *f = fopen(path, mode);
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(released_model_reloads)
{
    char dir[] = "/tmp/ac-release-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/rel.yaml", dir);
    write_text(path, RELEASE_DOC, "w");
    const char *paths[] = { path };

    /* Resident (no release): the override's severity counts in its profile. */
    ac_load_opts o = { .paths = paths, .n_paths = 1 };
    ac_diags d;
    ac_diags_init(&d);
    ac_model m;
    ck_assert_int_eq(ac_load_model(&o, &m, &d), 0);
    ck_assert(!m.files[0].released);
    ck_assert_int_eq(ac_test_severity(&m.files[0].tests[0], "rfc"), AC_SEV_MUST);
    ck_assert_int_eq(ac_test_severity(&m.files[0].tests[0], "documented"), AC_SEV_SHOULD);
    ac_model_free(&m);

    /* A run of a small suite keeps its files resident: opening one hands out the model's own
     * file, nothing is read again, and the suite hash is the one of the bytes read. */
    ac_load_opts res = { .paths = paths, .n_paths = 1, .release = true };
    ck_assert_int_eq(ac_load_model(&res, &m, &d), 0);
    ck_assert(!m.files[0].released);
    ck_assert_ptr_nonnull(m.files[0].doc);
    ck_assert(ac_str_startswith(m.suite_hash, "sha256:"));
    ac_model reread = m;
    reread.suite_hash[0] = '\0';
    char h[72];
    ck_assert_int_eq(ac_model_hash(&reread, h, NULL), 1);   /* read from disk: the same hash */
    ck_assert_str_eq(h, m.suite_hash);
    ac_open_file rof;
    char *rerr = NULL;
    ck_assert_int_eq(ac_case_source_open_file(&m, &m.files[0], &rof, &rerr), 0);
    ck_assert_ptr_eq(rof.file, &m.files[0]);
    ck_assert_ptr_eq(ac_case_source_test(&rof, &m.files[0].tests[1]), &m.files[0].tests[1]);
    ac_case_source_done(&rof);
    ck_assert_ptr_nonnull(m.files[0].doc);
    ac_model_free(&m);

    for (int pi = 0; pi < 2; pi++) {
        const char *profile = pi ? "documented" : "rfc";
        ac_load_opts ro = { .paths = paths, .n_paths = 1, .profile = profile, .release = true,
                            .resident_max = 1 };
        ck_assert_int_eq(ac_load_model(&ro, &m, &d), 0);
        const ac_suite_file *f = &m.files[0];
        ck_assert(f->released);
        ck_assert_ptr_null(f->doc);
        ck_assert_uint_eq(f->n_fixtures, 0);
        ck_assert_str_eq(f->suite, "rel");
        ck_assert_uint_eq(f->n_tests, 2);
        const ac_test *a = &f->tests[0];
        ck_assert_str_eq(a->id, "REL-A");
        ck_assert_str_eq(a->name, "a");
        ck_assert(ac_strlist_contains(&a->tags, "t1"));
        ck_assert_int_eq(a->line, 5);
        ck_assert_ptr_null(a->node);
        ck_assert_ptr_null(a->steps);
        ck_assert_ptr_eq(a->file, f);
        ck_assert_int_eq(ac_test_severity(a, profile), pi ? AC_SEV_SHOULD : AC_SEV_MUST);
        ac_model_free(&m);
    }

    ac_load_opts ro = { .paths = paths, .n_paths = 1, .profile = "rfc", .release = true, .resident_max = 1 };
    ck_assert_int_eq(ac_load_model(&ro, &m, &d), 0);
    ac_open_file of;
    char *err = NULL;
    ck_assert_int_eq(ac_case_source_open_file(&m, &m.files[0], &of, &err), 0);
    const ac_suite_file *full = of.file;
    ck_assert_ptr_null(err);
    ck_assert(!full->released);
    ck_assert_uint_eq(full->n_tests, 2);
    ck_assert_uint_eq(full->n_fixtures, 1);
    ck_assert_str_eq(full->fixtures[0].name, "up");
    ck_assert_ptr_eq(full->tests[1].file, full);
    ck_assert_ptr_nonnull(full->tests[1].steps);
    ck_assert_ptr_nonnull(full->tests[1].steps[0].request);
    ck_assert_str_eq(full->tests[1].requires.items[0], "up");
    ck_assert_int_eq(ac_test_severity(&full->tests[0], "rfc"), AC_SEV_MUST);
    ck_assert_ptr_eq(ac_case_source_test(&of, &m.files[0].tests[1]), &of.file->tests[1]);
    ac_case_source_done(&of);

    /* One byte more (a comment): the file is not the one that was validated. */
    write_text(path, "# edited\n", "a");
    ck_assert_int_eq(ac_case_source_open_file(&m, &m.files[0], &of, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "rel.yaml changed after the run loaded it"));
    free(err);
    ck_assert_ptr_null(of.file);
    ck_assert_ptr_null(of.copy.tests);
    remove(path);
    ck_assert_int_eq(ac_case_source_open_file(&m, &m.files[0], &of, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "rel.yaml cannot be loaded again"));
    free(err);
    ac_model_free(&m);
    ac_diags_free(&d);
    rmdir(dir);
}
END_TEST

static Suite *case_load_suite(void)
{
    Suite *s = suite_create("case_load");
    TCase *tc = tcase_create("invalid");
    tcase_add_loop_test(tc, invalid_file, 0, (int)(invalid_files.n ? invalid_files.n : 1));
    suite_add_tcase(s, tc);
    tc = tcase_create("valid");
    tcase_add_test(tc, valid_full_model);
    tcase_add_test(tc, manifest_fields);
    tcase_add_test(tc, manifest_cases_used_when_no_paths);
    tcase_add_test(tc, directory_sorted_recursive);
    tcase_add_test(tc, duplicate_ids_across_files);
    tcase_add_test(tc, missing_path);
    tcase_add_test(tc, vars_file);
    tcase_add_test(tc, vars_file_never_shows_source);
    tcase_add_loop_test(tc, valid_doc, 0, (int)(sizeof valid_docs / sizeof *valid_docs));
    tcase_add_test(tc, no_manifest);
    tcase_add_test(tc, error_print_format);
    tcase_add_test(tc, released_model_reloads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    list_invalid_files();
    SRunner *sr = srunner_create(case_load_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    ac_strlist_free(&invalid_files);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
