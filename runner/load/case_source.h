/* Where the executor gets a case file's parsed, validated tests from while a run goes on.
 *
 * A run reads every input once (model.h, "Resident and released files"): a suite whose case
 * text fits AC_RESIDENT_MAX_BYTES keeps every file in the model, and opening one hands out the
 * model's own file; a larger suite was released file by file while loading, and opening a
 * released file loads it again (same manifest, same variables, same profile), refusing text
 * that is not the text that was validated. The executor neither knows nor cares which. */
#ifndef AC_CASE_SOURCE_H
#define AC_CASE_SOURCE_H

#include "model.h"

/* The case text (bytes of all case files) up to which a run keeps every file resident. Parsed,
 * a file takes some 20 to 40 times its text (the bundled Apinizer suite: 85 KB of text, 3 MB
 * parsed), so a resident suite at this limit still runs in the 32 MiB that a 20,000-test run
 * is held to (bench/run); that benchmark's 2.6 MB of case text is released. */
#define AC_RESIDENT_MAX_BYTES (512u * 1024u)

/* A case file opened for running its tests. */
typedef struct ac_open_file {
    const ac_suite_file *file;   /* what the tests run from: the model's file, or &copy */
    ac_suite_file copy;          /* owned while open: a released file, loaded again */
} ac_open_file;

/* Opens `planned` (a file of model m) into *of (zeroed first). Returns 0, or -1 with *err
 * (owned): the released file cannot be read, or it changed since it was loaded. */
int ac_case_source_open_file(const ac_model *m, const ac_suite_file *planned, ac_open_file *of,
                             char **err);

/* The opened file's test for a planned test of the same file (borrowed; valid until done). */
const ac_test *ac_case_source_test(const ac_open_file *of, const ac_test *planned);

/* Closes *of: frees a reloaded copy (a resident file stays in the model). Accepts a zeroed or
 * already closed *of. */
void ac_case_source_done(ac_open_file *of);

#endif
