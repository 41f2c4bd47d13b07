/* "Did you mean ...?": the closest of a set of known words to a misspelt one.
 *
 * One helper for every near-miss message: unknown keys and operators in case files (lint),
 * undefined variables, and unused --var / vars-file / environment names (varcheck.c), so every
 * message suggests by the same rule. Candidate strings are borrowed: they must outlive the
 * ac_suggest that holds them, and so does every suggestion returned. */
#ifndef AC_SUGGEST_H
#define AC_SUGGEST_H

#include <stddef.h>
#include "util.h"

/* Case-insensitive Levenshtein distance; SIZE_MAX when either word is over 64 bytes. */
size_t ac_edit_distance(const char *a, const char *b);

typedef struct ac_suggest {
    const char **v;   /* owned array of borrowed strings */
    size_t n, cap;
} ac_suggest;

void ac_suggest_add(ac_suggest *c, const char *s);                  /* NULL is ignored */
void ac_suggest_add_list(ac_suggest *c, const char *const *list);   /* NULL-terminated; may be NULL */
void ac_suggest_add_strlist(ac_suggest *c, const ac_strlist *l);    /* may be NULL */
void ac_suggest_free(ac_suggest *c);                                /* the array, not the strings */

/* The candidate closest to word when it is close enough to be a likely typo (distance at most
 * 1 for words of up to 4 characters, 2 up to 8, 3 beyond); a candidate equal to word is never
 * suggested. On ties the candidate added first wins. NULL when none is close. */
const char *ac_suggest_best(const ac_suggest *c, const char *word);

/* ac_suggest_best over a NULL-terminated list. */
const char *ac_suggest_from_list(const char *word, const char *const *list);

/* Writes " (did you mean 'S'?)" into buf, or "" when s is NULL. */
void ac_did_you_mean(char *buf, size_t size, const char *s);

#endif
