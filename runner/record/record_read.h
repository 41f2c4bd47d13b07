/* The run record reader's pieces that the events file reader (record_events.c) shares with
 * record.c: one set of checks for both forms of a record. Internal to the two files. Every
 * function that can fail returns 0, or -1 with *err (caller frees) that starts with `name`
 * (a file name, or "FILE:LINE: error" for a line of an events file). */
#ifndef AC_RECORD_READ_H
#define AC_RECORD_READ_H

#include <stdbool.h>
#include <stddef.h>
#include "record.h"

struct cJSON;

/* The whole file (at most 256 MiB); NULL with *err. Caller frees. */
char *ac_record_read_capped(const char *path, size_t *len, char **err);
/* A number member >= 0; absent is fine unless required (then *out is untouched). */
int ac_record_get_number(const char *name, const struct cJSON *obj, const char *key, const char *where,
                         bool required, double *out, char **err);
/* One element of "tests" (index for messages) into *t (zeroed by the caller). */
int ac_record_load_test(const char *name, const struct cJSON *jt, size_t index, ac_record_test *t, char **err);
/* A test's "detail" (steps, checks with expected and actual, excerpts, transcript) into *t;
 * absent or null is fine (t->has_detail stays false). */
int ac_record_load_detail(const char *name, const struct cJSON *jd, ac_record_test *t, char **err);
/* The "coverage" member into *c. */
int ac_record_load_coverage(const char *name, const struct cJSON *jc, ac_coverage *c, char **err);
/* The "summary" member into *out (members of the wrong type are ignored). */
void ac_record_load_summary(const struct cJSON *summary, ac_record *out);
/* Test ids are unique. */
int ac_record_check_unique(const char *name, const ac_record *r, char **err);
/* Everything of a record but the JSON parse; header_only: an events file's start line (no
 * tests, summary or coverage). */
int ac_record_from_json(const char *name, const struct cJSON *root, ac_record *out, char **err, bool header_only);

#endif
