/* Loading a run's case model: the manifest, every case file found, and the suite hash; also lint. */
#include "load_internal.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model --------------------------------------------------------------------------- */

static ac_suite_file *model_add_file(ac_model *m, size_t *cap)
{
    if (m->n_files == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        m->files = ac_realloc(m->files, *cap * sizeof *m->files);
    }
    ac_suite_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    return f;
}

void ld_file_fix_backpointers(ac_suite_file *f)
{
    for (size_t j = 0; j < f->n_tests; j++) f->tests[j].file = f;
}

static void model_fix_backpointers(ac_model *m)
{
    for (size_t i = 0; i < m->n_files; i++) ld_file_fix_backpointers(&m->files[i]);
}

/* What a reload needs of the load options, kept by the model. */
static void model_keep_opts(ac_model *m, const ac_load_opts *opts)
{
    for (size_t i = 0; opts->known_vars && i < opts->known_vars->n; i++)
        ac_strlist_push(&m->known_vars, opts->known_vars->items[i]);
    m->profile = ac_strdup(opts->profile ? opts->profile : "documented");
}

void ld_text_digest(const yn_doc *doc, unsigned char out[32])
{
    unsigned int n = 0;
    if (!EVP_Digest(doc->text, doc->text_len, out, &n, EVP_sha256(), NULL) || n != 32)
        memset(out, 0, 32);   /* never equal to a real digest by chance: the reload then fails */
}

/* Loads the manifest named by opts into out->manifest (or the defaults). Returns false when the
 * manifest had errors (loading the cases against it would only add noise). */
static bool load_manifest_for(loader *L, const ac_load_opts *opts, ac_model *out)
{
    L->man = &out->manifest;
    if (!opts->manifest_path) {
        ld_manifest_defaults(&out->manifest);
        return true;
    }
    L->have_manifest = true;
    return ac_load_manifest(opts->manifest_path, &out->manifest, L->diags) == 0;
}

/* Loads the manifest and every case file. With `counts` (lint), each file is checked and freed
 * at once, so memory stays at one file's model however many files there are; counts[0] gets
 * the number of files, counts[1] the number of tests. */
static int load_model(const ac_load_opts *opts, ac_model *out, ac_diags *diags, size_t *counts)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors;
    loader L = { .opts = opts, .diags = diags };
    if (!load_manifest_for(&L, opts, out)) {
        ld_loader_free(&L);
        return -1;
    }
    ac_strlist files = { 0 };
    if (opts->n_paths > 0)
        ld_collect_paths(&L, opts->paths, opts->n_paths, &files);
    else if (out->manifest.case_paths.n > 0)
        ld_collect_paths(&L, (const char *const *)out->manifest.case_paths.items,
                         out->manifest.case_paths.n, &files);
    else if (diags->n_errors == before)
        ac_diag_add(diags, AC_DIAG_ERROR, opts->manifest_path, 0, 0, NULL, 0,
                    opts->manifest_path ? "the suite manifest lists no cases and no case files "
                                          "were given"
                                        : "no case files given");
    size_t cap = 0;
    for (size_t i = 0; i < files.n; i++) {
        yn_doc *doc = yn_parse_file(files.items[i], diags);
        if (!doc) continue;
        ac_suite_file *sf = model_add_file(out, &cap);
        if (opts->release && !counts) ld_text_digest(doc, sf->digest);
        ld_load_case_doc(&L, doc, sf);
        if (opts->release && !counts) ac_suite_file_release(sf);
        if (counts) {
            counts[0]++;
            counts[1] += sf->n_tests;
            ac_suite_file_free_contents(sf);
            memset(sf, 0, sizeof *sf);
            out->n_files--;
        }
    }
    model_fix_backpointers(out);
    model_keep_opts(out, opts);
    ac_strlist_free(&files);
    ld_loader_free(&L);
    return diags->n_errors > before ? -1 : 0;
}

int ac_load_model(const ac_load_opts *opts, ac_model *out, ac_diags *diags)
{
    return load_model(opts, out, diags, NULL);
}

int ac_load_model_text(const ac_load_opts *opts, const char *name, const char *text, size_t len,
                       ac_model *out, ac_diags *diags)
{
    memset(out, 0, sizeof *out);
    size_t before = diags->n_errors;
    loader L = { .opts = opts, .diags = diags };
    if (!load_manifest_for(&L, opts, out)) {
        ld_loader_free(&L);
        return -1;
    }
    yn_doc *doc = yn_parse(name, text, len, diags);
    size_t cap = 0;
    if (doc) ld_load_case_doc(&L, doc, model_add_file(out, &cap));
    model_fix_backpointers(out);
    model_keep_opts(out, opts);
    ld_loader_free(&L);
    return diags->n_errors > before ? -1 : 0;
}

int ac_lint(const ac_load_opts *opts, ac_diags *diags, size_t *n_files, size_t *n_tests)
{
    ac_model m;
    size_t counts[2] = { 0, 0 };
    int rc = load_model(opts, &m, diags, counts);
    if (n_files) *n_files = counts[0];
    if (n_tests) *n_tests = counts[1];
    ac_model_free(&m);
    return rc;
}
