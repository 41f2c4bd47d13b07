/* Loading a run's case model: the manifest, every case file found (each read once) and the
 * suite hash of those bytes; lint loads the same way and keeps nothing. */
#include "case_source.h"
#include "load_internal.h"
#include "suite_hash.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    if (opts->manifest) {   /* the caller's: read once, borrowed */
        out->manifest = *opts->manifest;
        out->manifest_borrowed = true;
        return true;
    }
    return ac_load_manifest(opts->manifest_path, &out->manifest, L->diags) == 0;
}

/* Whether a run releases its files: when their text (by stat: nothing is opened) exceeds the
 * resident budget, holding every YAML tree for the whole run would cost more than reading each
 * file a second time. */
static bool should_release(const ac_load_opts *opts, const ac_strlist *files)
{
    if (!opts->release) return false;
    size_t max = opts->resident_max ? opts->resident_max : AC_RESIDENT_MAX_BYTES, total = 0;
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        if (stat(files->items[i], &st) == 0 && st.st_size > 0) total += (size_t)st.st_size;
        if (total > max) return true;
    }
    return false;
}

/* The suite hash, fed with each input as the loader reads it. ok turns false for good when
 * SHA-256 fails; the hash is then left "" (ac_model_hash reads the files itself). */
typedef struct hasher { EVP_MD_CTX *md; bool ok; } hasher;

static void hasher_init(hasher *h, const ac_model *out)
{
    h->md = EVP_MD_CTX_new();
    h->ok = h->md && EVP_DigestInit_ex(h->md, EVP_sha256(), NULL);
    if (h->ok && out->manifest.path)
        h->ok = out->manifest.doc && ac_suite_hash_feed(h->md, out->manifest.path, out->manifest.doc->text,
                                                        out->manifest.doc->text_len);
}

static void hasher_add(hasher *h, const yn_doc *doc)
{
    if (h->md && h->ok) h->ok = ac_suite_hash_feed(h->md, doc->file, doc->text, doc->text_len);
}

static void hasher_end(hasher *h, ac_model *out)
{
    if (h->md && h->ok) ac_suite_hash_final(h->md, out->suite_hash);
    EVP_MD_CTX_free(h->md);
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
    bool release = !counts && should_release(opts, &files);
    hasher h = { 0 };
    if (!counts) hasher_init(&h, out);
    size_t cap = 0;
    for (size_t i = 0; i < files.n; i++) {
        yn_doc *doc = yn_parse_file(files.items[i], diags);
        if (!doc) continue;
        ac_suite_file *sf = model_add_file(out, &cap);
        if (!counts) hasher_add(&h, doc);
        if (release) ld_text_digest(doc, sf->digest);
        ld_load_case_doc(&L, doc, sf);
        if (release) ac_suite_file_release(sf);
        if (counts) {
            counts[0]++;
            counts[1] += sf->n_tests;
            ac_suite_file_free_contents(sf);
            memset(sf, 0, sizeof *sf);
            out->n_files--;
        }
    }
    if (!counts) hasher_end(&h, out);
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
