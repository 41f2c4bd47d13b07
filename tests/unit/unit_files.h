/* Files for the unit tests that write reports and records: a fresh directory under /tmp, its
 * removal, and reading a file back (the test fails when it cannot be read). Static inline: each
 * test program takes what it uses. AC_TEST_KEEP=1 keeps the directories for a look after a
 * failure. */
#ifndef AC_UNIT_FILES_H
#define AC_UNIT_FILES_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* A new directory /tmp/ac-test-WHAT-XXXXXX (owned by the caller). */
static inline char *make_tmpdir_for(const char *what)
{
    char *tmpl = ac_sprintf("/tmp/ac-test-%s-XXXXXX", what);
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    return tmpl;
}

static inline void remove_tree(const char *dir)
{
    if (getenv("AC_TEST_KEEP")) {
        fprintf(stderr, "kept %s\n", dir);
        return;
    }
    /* Only files the tests wrote live here. */
    char *cmd = ac_sprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    (void)rc;
    free(cmd);
}

/* The whole file (owned by the caller); its length in *len when len is not NULL. */
static inline char *slurp_len(const char *path, size_t *len)
{
    char *err = NULL;
    char *s = ac_read_file(path, len, &err);
    if (!s) ck_abort_msg("cannot read %s: %s", path, err ? err : "?");
    return s;
}

static inline char *slurp(const char *path)
{
    return slurp_len(path, NULL);
}

#endif
