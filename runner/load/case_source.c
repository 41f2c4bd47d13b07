/* Where the executor gets a case file's parsed tests from: the model itself, or a reload of a released file. */
#include "load_internal.h"

#include <stdlib.h>
#include <string.h>

int ac_reload_file(const ac_model *m, const ac_suite_file *released, ac_suite_file *out, char **err)
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
