/* Text hygiene for the report writers: make server bytes visible, cap long streams, and escape
 * for TAP, YAML and XML. Nothing here knows a result model. */
#include "report.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at p (n bytes available). Returns its length and sets *cp, or 0 when
 * the bytes are not a well-formed sequence (overlong forms, surrogates and values above
 * U+10FFFF are rejected, as XML parsers and YAML readers reject them). */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    uint32_t c = p[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; min = 0x10000; }
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Code points that are valid UTF-8 but must not reach a report raw: C1 controls (a terminal
 * may act on U+009B as CSI; YAML readers reject them), the non-characters XML forbids, the
 * Unicode line separators (some YAML readers break lines there) and the bidirectional
 * overrides (they make a terminal or a web page show text in another order than it is). */
static bool cp_needs_escape(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF ||
           cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *ac_text_visible(const char *s, size_t len)
{
    ac_buf b;
    ac_buf_init(&b);
    if (!s) return ac_buf_steal(&b);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* Copy the longest run of harmless ASCII in one go: most text is exactly that. */
        size_t run = i;
        while (run < len && p[run] >= 0x20 && p[run] < 0x7F) run++;
        if (run > i) {
            ac_buf_append(&b, p + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        if (c == '\n' || c == '\t' || c == '\r') {
            ac_buf_putc(&b, (char)c);
            i++;
            continue;
        }
        if (c < 0x80) {   /* other C0 controls, NUL and DEL */
            ac_buf_printf(&b, "\\x%02x", c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0) {     /* one invalid byte at a time, so valid text after it survives */
            ac_buf_printf(&b, "\\x%02x", c);
            i++;
        } else if (cp_needs_escape(cp)) {
            ac_buf_printf(&b, "\\u%04X", (unsigned)cp);
            i += n;
        } else {
            ac_buf_append(&b, p + i, n);
            i += n;
        }
    }
    return ac_buf_steal(&b);
}

char *ac_text_visible_str(const char *s)
{
    return ac_text_visible(s, s ? strlen(s) : 0);
}

/* Largest index <= i that does not fall inside a UTF-8 sequence (i.e. s[i] is not a
 * continuation byte), looking back at most 3 bytes: further back it is not a sequence anyway. */
static size_t utf8_floor(const char *s, size_t len, size_t i)
{
    size_t k = i;
    while (k > 0 && k < len && i - k < 3 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    if (k < len && ((unsigned char)s[k] & 0xC0) == 0x80) return i;  /* not a sequence */
    return k;
}

/* Smallest index >= i that starts a sequence, looking forward at most 3 bytes. */
static size_t utf8_ceil(const char *s, size_t len, size_t i)
{
    size_t k = i;
    while (k < len && k - i < 3 && ((unsigned char)s[k] & 0xC0) == 0x80) k++;
    if (k < len && ((unsigned char)s[k] & 0xC0) == 0x80) return i;
    return k;
}

char *ac_text_cap(const char *s, size_t cap)
{
    if (!s) return ac_strdup("");
    size_t len = strlen(s);
    if (cap == 0 || len <= cap) return ac_strdup(s);
    /* Keep room for the marker so that the result stays within cap for any sensible cap; for a
     * tiny cap the kept text is halved instead, so something of both ends still shows. */
    const size_t marker_room = 40;
    size_t keep = cap >= 2 * marker_room ? cap - marker_room : cap / 2;
    size_t head = utf8_floor(s, len, keep / 2);
    size_t tail_start = utf8_ceil(s, len, len - (keep - keep / 2));
    if (tail_start < head) tail_start = head;
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_append(&b, s, head);
    ac_buf_printf(&b, "\n[truncated %zu bytes]\n", tail_start - head);
    ac_buf_append(&b, s + tail_start, len - tail_start);
    return ac_buf_steal(&b);
}

char *ac_tap_escape(const char *s)
{
    char *v = ac_text_visible_str(s);
    ac_buf b;
    ac_buf_init(&b);
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '\\': ac_buf_puts(&b, "\\\\"); break;
        case '#': ac_buf_puts(&b, "\\#"); break;
        case '\n': case '\r': case '\t': ac_buf_putc(&b, ' '); break;
        default: ac_buf_putc(&b, *p);
        }
    }
    free(v);
    return ac_buf_steal(&b);
}

char *ac_text_one_line(const char *s, size_t max_bytes)
{
    char *v = ac_text_visible_str(s);
    for (char *p = v; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
    size_t len = strlen(v);
    if (max_bytes == 0 || len <= max_bytes) return v;
    size_t cut = utf8_floor(v, len, max_bytes > 3 ? max_bytes - 3 : 0);
    char *out = ac_sprintf("%.*s...", (int)cut, v);
    free(v);
    return out;
}

static void yaml_quoted(ac_buf *b, const char *s, bool item)
{
    char *v = ac_text_visible_str(s);
    ac_buf_putc(b, '"');
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case ':':
            /* Perl's reader takes `- "word: rest"` for a map; an escaped colon reads the same
             * in every YAML reader and is not one. */
            if (item && (p[1] == ' ' || p[1] == '\t' || p[1] == '\0')) ac_buf_puts(b, "\\x3a");
            else ac_buf_putc(b, ':');
            break;
        case '"': ac_buf_puts(b, "\\\""); break;
        case '\\': ac_buf_puts(b, "\\\\"); break;
        case '\n': ac_buf_puts(b, "\\n"); break;
        case '\t': ac_buf_puts(b, "\\t"); break;
        case '\r': ac_buf_puts(b, "\\r"); break;
        default: ac_buf_putc(b, *p);
        }
    }
    ac_buf_putc(b, '"');
    free(v);
}

void ac_yaml_quoted(ac_buf *b, const char *s) { yaml_quoted(b, s, false); }
void ac_yaml_quoted_item(ac_buf *b, const char *s) { yaml_quoted(b, s, true); }

void ac_buf_indent(ac_buf *b, int n)
{
    for (int i = 0; i < n; i++) ac_buf_putc(b, ' ');
}

void ac_yaml_block(ac_buf *b, int indent, const char *key, const char *s)
{
    char *v = ac_text_visible_str(s);
    ac_buf_indent(b, indent);
    ac_buf_printf(b, "%s: ", key);
    /* Trailing line breaks only produce empty lines that clip chomping drops anyway. */
    size_t len = strlen(v);
    while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == '\r')) len--;
    v[len] = '\0';
    if (len == 0 || v[0] == ' ' || v[0] == '\t' || v[0] == '\n' || v[0] == '\r') {
        ac_yaml_quoted(b, v);
        ac_buf_putc(b, '\n');
        free(v);
        return;
    }
    ac_buf_puts(b, "|\n");
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = v[i];
        if (line_start) {
            ac_buf_indent(b, indent + 2);
            line_start = false;
        }
        if (c == '\r' && i + 1 < len && v[i + 1] == '\n') continue;
        if (c == '\n') {
            ac_buf_putc(b, '\n');
            line_start = true;
        } else if (c == '\r') {
            ac_buf_puts(b, "\\r");
        } else {
            ac_buf_putc(b, c);
        }
    }
    ac_buf_putc(b, '\n');
    free(v);
}

void ac_html_esc(ac_buf *b, const char *s)
{
    char *v = ac_text_visible_str(s);
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '&': ac_buf_puts(b, "&amp;"); break;
        case '<': ac_buf_puts(b, "&lt;"); break;
        case '>': ac_buf_puts(b, "&gt;"); break;
        case '"': ac_buf_puts(b, "&quot;"); break;
        case '\'': ac_buf_puts(b, "&#39;"); break;
        case '\r':   /* CR LF is a line end; a lone CR is shown */
            if (p[1] != '\n') ac_buf_puts(b, "\\r");
            break;
        default: ac_buf_putc(b, *p);
        }
    }
    free(v);
}

void ac_html_esc_line(ac_buf *b, const char *s, size_t max)
{
    char *l = ac_text_one_line(s, max);
    ac_html_esc(b, l);
    free(l);
}

static void xml_escape(ac_buf *b, const char *s, bool attr)
{
    char *v = ac_text_visible_str(s);
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '&': ac_buf_puts(b, "&amp;"); break;
        case '<': ac_buf_puts(b, "&lt;"); break;
        case '>': ac_buf_puts(b, "&gt;"); break;
        case '\r':
            /* CR LF is a line end like LF (XML parsers would fold it anyway); a lone CR is
             * kept as a reference, which parsers do not fold. */
            if (p[1] != '\n') ac_buf_puts(b, "&#13;");
            break;
        case '"': ac_buf_puts(b, attr ? "&quot;" : "\""); break;
        case '\n': ac_buf_puts(b, attr ? "&#10;" : "\n"); break;
        case '\t': ac_buf_puts(b, attr ? "&#9;" : "\t"); break;
        default: ac_buf_putc(b, *p);
        }
    }
    free(v);
}

void ac_xml_text(ac_buf *b, const char *s) { xml_escape(b, s, false); }
void ac_xml_attr(ac_buf *b, const char *s) { xml_escape(b, s, true); }
