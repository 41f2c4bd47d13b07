/* Where the executor gets a case file's tests from: the model's own file, or a released file
 * loaded again (case_source.h). */
#include "case_source.h"
#include "load_internal.h"

#include <stdlib.h>
#include <string.h>

/* Loads file `released` of model m again, for running it: the same validation against the
 * same manifest and variables, and a check that the file's text is still the text that was
 * validated. Fills *out (zeroed first; its tests' file pointers point at *out). Returns 0, or
 * -1 with *err (owned). */
static int reload_file(const ac_model *m, const ac_suite_file *released, ac_suite_file *out, char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    ac_diags diags;
    ac_diags_init(&diags);
    ac_load_opts opts = { .manifest_path = m->manifest.path, .known_vars = &m->known_vars,
                          .profile = m->profile };
    loader L = { .opts = &opts, .diags = &diags, .man = &m->manifest,
                 .have_manifest = m->manifest.path != NULL };
    yn_doc *doc = yn_parse_file(released->path, &diags);
    unsigned char d[32];
    if (doc) ld_text_digest(doc, d);
    if (doc && memcmp(d, released->digest, sizeof d) != 0) {
        yn_doc_free(doc);
        *err = ac_sprintf("case file %s changed after the run loaded it; its tests were not run",
                          released->path);
    } else if (doc) {
        ld_load_case_doc(&L, doc, out);
        ld_file_fix_backpointers(out);
        /* Same text, same manifest, same variables: the validation cannot differ. */
        if (diags.n_errors > 0 || out->n_tests != released->n_tests)
            *err = ac_sprintf("case file %s no longer loads as it did; its tests were not run", released->path);
    } else {
        const ac_diag *e = diags.n ? &diags.items[0] : NULL;
        *err = ac_sprintf("case file %s cannot be loaded again: %s", released->path,
                          e && e->message ? e->message : "unreadable");
    }
    ld_loader_free(&L);
    ac_diags_free(&diags);
    if (*err) {
        ac_suite_file_free_contents(out);
        return -1;
    }
    return 0;
}

int ac_case_source_open_file(const ac_model *m, const ac_suite_file *planned, ac_open_file *of,
                             char **err)
{
    memset(of, 0, sizeof *of);
    *err = NULL;
    if (!planned->released) {   /* resident: parsed and validated once, while loading */
        of->file = planned;
        return 0;
    }
    if (reload_file(m, planned, &of->copy, err) < 0) return -1;
    of->file = &of->copy;
    return 0;
}

const ac_test *ac_case_source_test(const ac_open_file *of, const ac_test *planned)
{
    if (of->file == planned->file) return planned;
    /* A reloaded copy holds the same tests in the same order (reload_file checks the count). */
    return &of->file->tests[planned - planned->file->tests];
}

void ac_case_source_done(ac_open_file *of)
{
    if (!of) return;
    ac_suite_file_free_contents(&of->copy);
    of->file = NULL;
}
