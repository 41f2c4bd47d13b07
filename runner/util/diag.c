/* Diagnostics about user input: collected with their source line, printed with a caret. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redact.h"
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

static char *mask_secret_values(const char *line, int *caret);

/* Cuts line p[0..n) to a window around column `col` when very long. Sets *caret to the caret's
 * column within the copy (0 when col is 0). */
static char *window_source_line(const char *p, size_t n, int col, int *caret)
{
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

/* Copies line `line` (1-based) of src, literal secret values masked (before cutting, so that a
 * cut cannot hide the key that marks a value secret), cut to a window around column `col` when
 * very long. Sets *caret to the caret's column within the copy (0 when col is 0). */
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
    char *full = ac_strndup(p, n);
    int mcol = col > 0 ? col : 0;
    char *masked = mask_secret_values(full, &mcol);
    free(full);
    char *out = window_source_line(masked, strlen(masked), mcol, caret);
    free(masked);
    if (col <= 0) *caret = 0;
    return out;
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

/* ---- secrets in diagnostics ----------------------------------------------------------------
 * A diagnostic quotes the user's own files, which may hold secrets: a configured password typed
 * into a case file, a literal token in an Authorization header. When printed, the message and
 * the source line pass through the redactor (registered secrets, in every form), and on the
 * source line the value of an Authorization header or of a key that is always secret
 * (client_secret, password, ...) is replaced when it holds 8 or more literal characters
 * (templates such as "Bearer ${access_token}" are shown: they hold no secret). */

static bool is_key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool key_is_secret(const char *k, size_t n)
{
    static const char *const keys[] = { "authorization", "proxy-authorization", "access_token", "refresh_token",
                                        "id_token", "client_secret", "password", NULL };
    for (size_t i = 0; keys[i]; i++)
        if (strlen(keys[i]) == n && strncasecmp(k, keys[i], n) == 0) return true;
    return false;
}

/* Literal characters of a scalar's text outside ${...} templates. */
static size_t literal_chars(const char *v, size_t n)
{
    size_t lit = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '$' && i + 1 < n && v[i + 1] == '{') {
            /* to the matching brace: a template may hold JSON ('{"alg":"none"}') */
            size_t j = i + 2;
            int depth = 1;
            for (; j < n && depth > 0; j++) depth += v[j] == '{' ? 1 : v[j] == '}' ? -1 : 0;
            if (depth == 0) {
                i = j - 1;
                continue;
            }
        }
        if (utf8_lead((unsigned char)v[i])) lit++;
    }
    return lit;
}

/* Copies line with the values of secret keys replaced; moves *caret (a character column) along. */
static char *mask_secret_values(const char *line, int *caret)
{
    ac_buf b;
    ac_buf_init(&b);
    size_t n = strlen(line), i = 0, chars_in = 0, chars_out = 0;
    int new_caret = *caret;
    while (i < n) {
        /* a key: a run of key characters, optionally quoted, then ':' or '=' */
        size_t k0 = i, q = 0;
        if ((line[i] == '"' || line[i] == '\'') && i + 1 < n) q = 1;
        size_t k1 = k0 + q;
        while (k1 < n && is_key_char((unsigned char)line[k1])) k1++;
        bool starts_word = k0 == 0 || !is_key_char((unsigned char)line[k0 - 1]);
        size_t after = k1 + (q && k1 < n && line[k1] == line[k0] ? 1 : 0);
        if (starts_word && k1 > k0 + q && (!q || after > k1) && key_is_secret(line + k0 + q, k1 - k0 - q)) {
            size_t j = after;
            while (j < n && line[j] == ' ') j++;
            if (j < n && (line[j] == ':' || line[j] == '=')) {
                j++;
                while (j < n && line[j] == ' ') j++;
                size_t v0 = j, v1 = j;
                if (j < n && (line[j] == '"' || line[j] == '\'')) {
                    char qc = line[j];
                    v0 = j + 1;
                    v1 = v0;
                    while (v1 < n && line[v1] != qc) v1 += (qc == '"' && line[v1] == '\\' && v1 + 1 < n) ? 2 : 1;
                    if (v1 > n) v1 = n;
                } else {
                    while (v1 < n && !strchr(",}]#", line[v1])) v1++;
                    while (v1 > v0 && line[v1 - 1] == ' ') v1--;
                }
                if (literal_chars(line + v0, v1 - v0) >= 8) {
                    /* copy up to the value, the marker instead of it, and go on after it */
                    ac_buf_append(&b, line + i, v0 - i);
                    size_t before_chars = chars_in + char_count(line + i, v0 - i);
                    size_t value_chars = char_count(line + v0, v1 - v0);
                    chars_out += char_count(line + i, v0 - i);
                    ac_buf_puts(&b, "[redacted]");
                    if (*caret > 0 && (size_t)*caret > before_chars + value_chars)
                        new_caret += (int)strlen("[redacted]") - (int)value_chars;
                    else if (*caret > 0 && (size_t)*caret > before_chars)
                        new_caret = (int)chars_out + 1;
                    chars_out += strlen("[redacted]");
                    chars_in = before_chars + value_chars;
                    i = v1;
                    continue;
                }
            }
        }
        /* not a secret key: copy the whole word (scanning each of its suffixes again would be
         * quadratic on a long line) */
        size_t next = k1 > i ? k1 : i + 1;
        size_t c = char_count(line + i, next - i);
        chars_in += c;
        chars_out += c;
        ac_buf_append(&b, line + i, next - i);
        i = next;
    }
    *caret = new_caret;
    return ac_buf_steal(&b);
}

/* The source line as it may be printed, and where its caret goes. Caller frees. */
static char *printable_source_line(const ac_diag *g, int *caret)
{
    *caret = g->caret_col;
    const char *masked = g->source_line;
    size_t n = strlen(masked), rn = 0;
    char *red = ac_redact(masked, n, &rn);
    if (rn != n || memcmp(red, masked, n) != 0) {
        if (*caret > 0) {
            /* The caret stays under the same text: what precedes it, redacted, is its column. */
            size_t pre = char_offset(masked, n, (size_t)*caret - 1), pn = 0;
            char *rp = ac_redact(masked, pre, &pn);
            size_t c = char_count(rp, pn);
            size_t total = char_count(red, rn);
            *caret = (int)(c < total ? c : total) + 1;
            free(rp);
        }
    }
    return red;
}

static void print_one(const ac_diag *g, FILE *out)
{
    const char *level = g->level == AC_DIAG_ERROR ? "error" : "warning";
    char *msg = ac_redact(g->message, strlen(g->message), NULL);
    if (g->file && g->line > 0 && g->col > 0)
        fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, level, msg);
    else if (g->file && g->line > 0)
        fprintf(out, "%s:%d: %s: %s\n", g->file, g->line, level, msg);
    else if (g->file)
        fprintf(out, "%s: %s: %s\n", g->file, level, msg);
    else
        fprintf(out, "%s: %s\n", level, msg);
    free(msg);
    if (!g->source_line) return;
    int caret = 0;
    char *s = printable_source_line(g, &caret);
    fprintf(out, "  %s\n", s);
    if (caret <= 0) {
        free(s);
        return;
    }
    /* Reproduce tabs before the caret so it lines up under the same character. */
    fputs("  ", out);
    size_t n = strlen(s);
    int chars = 0;
    for (size_t i = 0; i < n && chars < caret - 1; i++) {
        if (!utf8_lead((unsigned char)s[i])) continue;
        fputc(s[i] == '\t' ? '\t' : ' ', out);
        chars++;
    }
    for (; chars < caret - 1; chars++) fputc(' ', out);   /* column past the line end */
    fputs("^\n", out);
    free(s);
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
