/* Diagnostics about user input: collected with their source line, printed with a caret. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DIAG_DEFAULT_MAX 50
/* Lines longer than this many characters are shown as a window around the column. */
#define DIAG_LINE_MAX 160
#define DIAG_WINDOW_BEFORE 60

void ac_diags_init(ac_diags *d)
{
    memset(d, 0, sizeof *d);
    d->max_errors = DIAG_DEFAULT_MAX;
}

void ac_diags_free(ac_diags *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
        free(d->items[i].source_line);
    }
    free(d->items);
    size_t max = d->max_errors;
    memset(d, 0, sizeof *d);
    d->max_errors = max;
}

/* Is byte c the first byte of a UTF-8 character (not a continuation byte)? */
static bool utf8_lead(unsigned char c) { return (c & 0xC0) != 0x80; }

/* Byte offset of the character with 0-based index `chars` in s[0..n), or n when the line is
 * shorter. */
static size_t char_offset(const char *s, size_t n, size_t chars)
{
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (utf8_lead((unsigned char)s[i])) {
            if (seen == chars) return i;
            seen++;
        }
    }
    return n;
}

static size_t char_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (utf8_lead((unsigned char)s[i])) c++;
    return c;
}

/* Copies line `line` (1-based) of src, cut to a window around column `col` when very long.
 * Sets *caret to the caret's column within the copy (0 when col is 0). */
static char *copy_source_line(const char *src, size_t src_len, int line, int col, int *caret)
{
    *caret = 0;
    if (!src || line <= 0) return NULL;
    const char *p = src, *end = src + src_len;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return NULL;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n > 0 && p[n - 1] == '\r') n--;
    if (memchr(p, '\0', n)) n = strlen(p) < n ? strlen(p) : n;   /* stop at an embedded NUL */

    size_t nchars = char_count(p, n);
    if (nchars <= DIAG_LINE_MAX) {
        *caret = col > 0 ? col : 0;
        return ac_strndup(p, n);
    }
    /* A window of DIAG_LINE_MAX characters starting DIAG_WINDOW_BEFORE before the column. */
    size_t c0 = col > 1 ? (size_t)col - 1 : 0;
    size_t start_char = c0 > DIAG_WINDOW_BEFORE ? c0 - DIAG_WINDOW_BEFORE : 0;
    size_t b0 = char_offset(p, n, start_char);
    size_t b1 = char_offset(p, n, start_char + DIAG_LINE_MAX);
    ac_buf b;
    ac_buf_init(&b);
    if (start_char > 0) ac_buf_puts(&b, "...");
    ac_buf_append(&b, p + b0, b1 - b0);
    if (b1 < n) ac_buf_puts(&b, "...");
    if (col > 0) *caret = (int)(c0 - start_char) + 1 + (start_char > 0 ? 3 : 0);
    return ac_buf_steal(&b);
}

void ac_diag_add(ac_diags *d, ac_diag_level level, const char *file, int line, int col,
                 const char *src, size_t src_len, const char *fmt, ...)
{
    if (d->max_errors == 0 && d->n == 0 && d->cap == 0 && d->n_errors == 0)
        d->max_errors = DIAG_DEFAULT_MAX;     /* a zeroed struct behaves as initialised */
    if (level == AC_DIAG_ERROR) d->n_errors++;
    if (d->n >= d->max_errors) {
        d->n_dropped++;
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = ac_realloc(d->items, d->cap * sizeof *d->items);
    }
    ac_diag *g = &d->items[d->n++];
    memset(g, 0, sizeof *g);
    g->level = level;
    g->file = ac_strdup(file);
    g->line = line > 0 ? line : 0;
    g->col = col > 0 ? col : 0;
    va_list ap;
    va_start(ap, fmt);
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    g->message = ac_buf_steal(&b);
    g->source_line = copy_source_line(src, src_len, g->line, g->col, &g->caret_col);
}

static void print_one(const ac_diag *g, FILE *out)
{
    const char *level = g->level == AC_DIAG_ERROR ? "error" : "warning";
    if (g->file && g->line > 0 && g->col > 0)
        fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, level, g->message);
    else if (g->file && g->line > 0)
        fprintf(out, "%s:%d: %s: %s\n", g->file, g->line, level, g->message);
    else if (g->file)
        fprintf(out, "%s: %s: %s\n", g->file, level, g->message);
    else
        fprintf(out, "%s: %s\n", level, g->message);
    if (!g->source_line) return;
    fprintf(out, "  %s\n", g->source_line);
    if (g->caret_col <= 0) return;
    /* Reproduce tabs before the caret so it lines up under the same character. */
    fputs("  ", out);
    const char *s = g->source_line;
    size_t n = strlen(s);
    int chars = 0;
    for (size_t i = 0; i < n && chars < g->caret_col - 1; i++) {
        if (!utf8_lead((unsigned char)s[i])) continue;
        fputc(s[i] == '\t' ? '\t' : ' ', out);
        chars++;
    }
    for (; chars < g->caret_col - 1; chars++) fputc(' ', out);   /* column past the line end */
    fputs("^\n", out);
}

void ac_diags_print(const ac_diags *d, FILE *out)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) print_one(&d->items[i], out);
    if (d->n_dropped > 0)
        fprintf(out, "%zu more error%s not shown\n", d->n_dropped, d->n_dropped == 1 ? "" : "s");
}

void ac_diags_sort_from(ac_diags *d, size_t first)
{
    /* insertion sort: stable, and the segments are short */
    for (size_t i = first + 1; i < d->n; i++) {
        ac_diag x = d->items[i];
        size_t j = i;
        while (j > first && (d->items[j - 1].line > x.line ||
                             (d->items[j - 1].line == x.line && d->items[j - 1].col > x.col))) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = x;
    }
}
