/* Diagnostics about user input: FILE:LINE:COL: error: MESSAGE, then the source line and a caret.
 * Collected (up to a cap) so a user can fix every problem in a file in one pass. */
#ifndef AC_DIAG_H
#define AC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { AC_DIAG_ERROR, AC_DIAG_WARNING } ac_diag_level;

typedef struct ac_diag {
    ac_diag_level level;
    char *file;        /* owned; may be NULL for errors without a place */
    int line, col;     /* 1-based; 0 when unknown */
    char *message;     /* owned, already redacted by the caller when it could hold a secret */
    char *source_line; /* owned copy of the offending line, or NULL (a very long line is cut to
                          a window around the column, marked with "...") */
    int caret_col;     /* 1-based character column of the caret within source_line; 0: none */
} ac_diag;

typedef struct ac_diags {
    ac_diag *items;
    size_t n, cap;
    size_t n_errors;
    size_t max_errors;   /* cap on stored errors (default 50); more are counted, not stored */
    size_t n_dropped;
} ac_diags;

void ac_diags_init(ac_diags *d);
void ac_diags_free(ac_diags *d);
/* Adds a diagnostic. src/src_len is the whole source text (may be NULL) from which the line is
 * copied for the caret display. */
void ac_diag_add(ac_diags *d, ac_diag_level level, const char *file, int line, int col,
                 const char *src, size_t src_len, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* Prints all diagnostics in order:
 *   FILE:LINE:COL: error: MESSAGE
 *     <source line>
 *     <spaces>^
 * and "N more errors not shown" when the cap was hit. */
void ac_diags_print(const ac_diags *d, FILE *out);
/* Stable-sorts items[first..n) by line and column (used per file, so a file's problems read
 * top to bottom). */
void ac_diags_sort_from(ac_diags *d, size_t first);

#endif
