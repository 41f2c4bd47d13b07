/* The leaf every layer uses: allocation that aborts on OOM, growable buffers, string lists and
 * string predicates. Only libc below it: the result model and the writers (reports/) use it and
 * must not depend on the runner, so it lives here rather than in runner/util (util.h includes it). */
#ifndef AC_BASICS_H
#define AC_BASICS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Allocation wrappers: on out-of-memory they print one line and abort(), because every caller
 * would otherwise have to unwind a state it cannot recover from. They never return NULL. */
void *ac_malloc(size_t n);
void *ac_calloc(size_t n, size_t size);
void *ac_realloc(void *p, size_t n);
char *ac_strdup(const char *s);            /* NULL -> NULL */
char *ac_strndup(const char *s, size_t n);
char *ac_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* caller frees */

/* Growable byte buffer, always NUL-terminated (data may also contain NULs; len is the truth). */
typedef struct ac_buf {
    char *data;   /* owned; NULL until the first append */
    size_t len;
    size_t cap;
} ac_buf;

void ac_buf_init(ac_buf *b);
void ac_buf_free(ac_buf *b);
void ac_buf_reset(ac_buf *b);                     /* len = 0, keeps memory */
void ac_buf_append(ac_buf *b, const void *data, size_t n);
void ac_buf_puts(ac_buf *b, const char *s);
void ac_buf_putc(ac_buf *b, char c);
void ac_buf_printf(ac_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ac_buf_vprintf(ac_buf *b, const char *fmt, va_list ap);
const char *ac_buf_str(const ac_buf *b);          /* "" when empty; borrowed */
char *ac_buf_steal(ac_buf *b);                    /* caller frees; b is reset to empty */

/* A list of owned strings. */
typedef struct ac_strlist {
    char **items;
    size_t n;
    size_t cap;
} ac_strlist;

void ac_strlist_free(ac_strlist *l);
void ac_strlist_push(ac_strlist *l, const char *s);          /* copies s */
void ac_strlist_push_owned(ac_strlist *l, char *s);          /* takes s */
bool ac_strlist_contains(const ac_strlist *l, const char *s);
bool ac_strlist_contains_ci(const ac_strlist *l, const char *s);
/* Splits "a,b,c" on commas, trimming spaces, dropping empties, appending to l. */
void ac_strlist_split(ac_strlist *l, const char *csv);
/* The items joined by sep ("" for an empty list). Caller frees. */
char *ac_strlist_join(const ac_strlist *l, const char *sep);

bool ac_streq_ci(const char *a, const char *b);
bool ac_str_startswith(const char *s, const char *prefix);
bool ac_str_endswith(const char *s, const char *suffix);

/* Monotonic clock in milliseconds. */
double ac_now_ms(void);

#endif
