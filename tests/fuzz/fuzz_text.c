/* Fuzz target (d): the text hygiene and escaping of the report writers (reports/report.h,
 * reports/text.h). The first byte picks the caps (ac_text_cap, ac_text_one_line) and the YAML
 * indentation; the rest is the text (any bytes). Checked against the documented contracts:
 *   ac_text_visible   valid UTF-8, no C0 control but \n \t \r, no DEL, no C1 control, line
 *                     separator or bidi override; idempotent;
 *   ac_text_cap       at most cap bytes (cap >= 80), never splits a UTF-8 sequence;
 *   ac_text_one_line  one line, at most max bytes (max >= 3);
 *   ac_tap_escape     one line; unescaping \\ and \# gives the visible text back;
 *   ac_yaml_quoted(_item), ac_yaml_block
 *                     libyaml reads back exactly the visible text (block: as documented, CR LF
 *                     as LF, a lone CR as the text \r, trailing line breaks clipped);
 *   ac_xml_text, ac_xml_attr
 *                     only the five entities and character references; unescaping gives the
 *                     visible text back (CR LF as LF). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fuzz_common.h"
#include "report.h"
#include "text.h"
#include "util.h"

/* Length of the UTF-8 sequence at p, or 0 when it is not well-formed. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
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

static void check_visible(const char *v, size_t n)
{
    const unsigned char *p = (const unsigned char *)v;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_seq(p + i, n - i, &cp);
        FZ_CHECK(k > 0, "invalid UTF-8 at byte %zu of the visible text", i);
        FZ_CHECK(cp >= 0x20 || cp == '\n' || cp == '\t' || cp == '\r', "C0 control U+%04X", cp);
        FZ_CHECK(!(cp >= 0x7F && cp <= 0x9F), "DEL or C1 control U+%04X", cp);
        FZ_CHECK(cp != 0x2028 && cp != 0x2029 && !(cp >= 0x202A && cp <= 0x202E) &&
                 !(cp >= 0x2066 && cp <= 0x2069) && cp != 0xFFFE && cp != 0xFFFF,
                 "U+%04X left raw", cp);
        i += k;
    }
}

/* Reads "k: VALUE" (or a list of one item) with libyaml; returns the scalar (caller frees) or
 * NULL when libyaml refuses the document. */
static char *yaml_read_scalar(const char *doc, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    char *out = NULL;
    int scalars = 0;
    if (!yaml_parser_initialize(&parser)) abort();
    yaml_parser_set_input_string(&parser, (const unsigned char *)doc, len);
    for (;;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            fprintf(stderr, "libyaml: %s at line %zu col %zu\n", parser.problem ? parser.problem : "?",
                    parser.problem_mark.line + 1, parser.problem_mark.column + 1);
            free(out);
            out = NULL;
            break;
        }
        yaml_event_type_t type = ev.type;
        if (type == YAML_SCALAR_EVENT && ++scalars == 2) {
            out = ac_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            FZ_CHECK(strlen(out) == ev.data.scalar.length, "NUL in a YAML scalar");
        }
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT) break;
    }
    yaml_parser_delete(&parser);
    return out;
}

/* libyaml reads "k: <quoted>" back as want. */
static void check_yaml_quoted(const char *s, const char *want, bool item)
{
    ac_buf b;
    ac_buf_init(&b);
    if (item) {
        ac_buf_puts(&b, "k:\n  - ");
        ac_yaml_quoted_item(&b, s);
        /* a list item is read as the first scalar after the key: same position as a value */
    } else {
        ac_buf_puts(&b, "k: ");
        ac_yaml_quoted(&b, s);
    }
    ac_buf_putc(&b, '\n');
    char *got = yaml_read_scalar(b.data, b.len);
    FZ_CHECK(got != NULL, "libyaml cannot read %s output: %s", item ? "yaml_quoted_item" : "yaml_quoted",
             b.data);
    FZ_CHECK(strcmp(got, want) == 0, "yaml_quoted round trip: got \"%s\" want \"%s\"", got, want);
    free(got);
    ac_buf_free(&b);
}

static void check_yaml_block(const char *s, const char *vis, int indent)
{
    /* What the block holds, per text.h: trailing line breaks dropped; then either the quoted
     * fallback (the text as is) or the literal block (CR LF -> LF, lone CR -> "\r", one final
     * newline from clip chomping). */
    size_t len = strlen(vis);
    while (len > 0 && (vis[len - 1] == '\n' || vis[len - 1] == '\r')) len--;
    ac_buf want;
    ac_buf_init(&want);
    if (len == 0 || vis[0] == ' ' || vis[0] == '\t' || vis[0] == '\n' || vis[0] == '\r') {
        ac_buf_append(&want, vis, len);
    } else {
        for (size_t i = 0; i < len; i++) {
            if (vis[i] == '\r' && i + 1 < len && vis[i + 1] == '\n') continue;
            if (vis[i] == '\r') ac_buf_puts(&want, "\\r");
            else ac_buf_putc(&want, vis[i]);
        }
        ac_buf_putc(&want, '\n');
    }
    ac_buf b;
    ac_buf_init(&b);
    /* The block nested in a map at `indent`, as the TAP writer nests it in a YAML diagnostic. */
    ac_buf_puts(&b, "outer:\n");
    ac_buf_indent(&b, indent);
    ac_buf_puts(&b, "first: 1\n");
    ac_yaml_block(&b, indent, "k", s);
    char *got = NULL;
    {
        yaml_parser_t parser;
        yaml_event_t ev;
        int scalars = 0;
        if (!yaml_parser_initialize(&parser)) abort();
        yaml_parser_set_input_string(&parser, (const unsigned char *)b.data, b.len);
        for (;;) {
            if (!yaml_parser_parse(&parser, &ev)) break;
            yaml_event_type_t type = ev.type;
            /* outer, first, 1, k, VALUE */
            if (type == YAML_SCALAR_EVENT && ++scalars == 5)
                got = ac_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            yaml_event_delete(&ev);
            if (type == YAML_STREAM_END_EVENT) break;
        }
        yaml_parser_delete(&parser);
    }
    FZ_CHECK(got != NULL, "libyaml cannot read ac_yaml_block output:\n%s", b.data);
    FZ_CHECK(strcmp(got, ac_buf_str(&want)) == 0, "yaml_block round trip:\n%s\ngot  \"%s\"\nwant \"%s\"",
             b.data, got, ac_buf_str(&want));
    free(got);
    ac_buf_free(&b);
    ac_buf_free(&want);
}

/* Undoes XML escaping; aborts on anything but the references the writers use. */
static char *xml_unescape(const char *x, bool attr)
{
    static const struct { const char *ref; char c; } REFS[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
        { "&#13;", '\r' }, { "&#10;", '\n' }, { "&#9;", '\t' },
    };
    ac_buf b;
    ac_buf_init(&b);
    for (const char *p = x; *p;) {
        FZ_CHECK(*p != '<', "raw '<' in XML output");
        FZ_CHECK(*p != '>', "raw '>' in XML output");
        if (attr) FZ_CHECK(*p != '"' && *p != '\n' && *p != '\t' && *p != '\r', "raw 0x%02x in an attribute", *p);
        if (*p != '&') {
            ac_buf_putc(&b, *p++);
            continue;
        }
        size_t i = 0;
        for (; i < sizeof REFS / sizeof *REFS; i++)
            if (strncmp(p, REFS[i].ref, strlen(REFS[i].ref)) == 0) break;
        FZ_CHECK(i < sizeof REFS / sizeof *REFS, "unknown reference at \"%.10s\"", p);
        ac_buf_putc(&b, REFS[i].c);
        p += strlen(REFS[i].ref);
    }
    return ac_buf_steal(&b);
}

/* vis with CR LF folded to LF (what an XML parser reports). */
static char *fold_crlf(const char *vis)
{
    ac_buf b;
    ac_buf_init(&b);
    for (const char *p = vis; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n')) ac_buf_putc(&b, *p);
    return ac_buf_steal(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned ctl = data[0];
    const char *raw = (const char *)data + 1;
    size_t n = size - 1;

    /* ac_text_visible on the bytes as they are (NULs included). */
    char *vis_all = ac_text_visible(raw, n);
    check_visible(vis_all, strlen(vis_all));
    char *again = ac_text_visible(vis_all, strlen(vis_all));
    FZ_CHECK(strcmp(again, vis_all) == 0, "ac_text_visible is not idempotent");
    free(again);
    free(vis_all);

    /* The string functions see the text up to the first NUL, as the writers do. */
    char *s = ac_strndup(raw, n);
    char *vis = ac_text_visible_str(s);
    size_t slen = strlen(s);

    size_t cap = (ctl & 0x7F) * 3;   /* 0 (no cap) .. 381 */
    char *capped = ac_text_cap(s, cap);
    size_t clen = strlen(capped);
    if (cap == 0 || slen <= cap) FZ_CHECK(strcmp(capped, s) == 0, "ac_text_cap changed a short text");
    if (cap >= 80) FZ_CHECK(clen <= cap, "ac_text_cap(%zu) gave %zu bytes", cap, clen);
    if (ac_utf8_valid(s, slen))
        FZ_CHECK(ac_utf8_valid(capped, clen), "ac_text_cap split a UTF-8 sequence (cap %zu)", cap);
    free(capped);

    size_t max = ctl & 0x80 ? (ctl & 0x7F) : 0;
    char *line = ac_text_one_line(s, max);
    FZ_CHECK(strpbrk(line, "\n\r\t") == NULL, "ac_text_one_line left a line break or tab");
    if (max >= 3) FZ_CHECK(strlen(line) <= max, "ac_text_one_line(%zu) gave %zu bytes", max, strlen(line));
    check_visible(line, strlen(line));
    free(line);

    char *tap = ac_tap_escape(s);
    FZ_CHECK(strpbrk(tap, "\n\r\t") == NULL, "TAP description not on one line");
    {
        ac_buf un;
        ac_buf_init(&un);
        for (const char *p = tap; *p; p++) {
            if (*p == '\\') {
                FZ_CHECK(p[1] == '\\' || p[1] == '#', "lone backslash in a TAP description");
                ac_buf_putc(&un, *++p);
            } else {
                FZ_CHECK(*p != '#', "unescaped # in a TAP description");
                ac_buf_putc(&un, *p);
            }
        }
        char *flat = ac_strdup(vis);
        for (char *p = flat; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
        FZ_CHECK(strcmp(ac_buf_str(&un), flat) == 0, "TAP escaping does not round-trip");
        free(flat);
        ac_buf_free(&un);
    }
    free(tap);

    check_yaml_quoted(s, vis, false);
    check_yaml_quoted(s, vis, true);
    check_yaml_block(s, vis, 2 + (int)(ctl % 4) * 2);

    for (int attr = 0; attr < 2; attr++) {
        ac_buf x;
        ac_buf_init(&x);
        if (attr) ac_xml_attr(&x, s);
        else ac_xml_text(&x, s);
        char *back = xml_unescape(ac_buf_str(&x), attr);
        char *want = fold_crlf(vis);
        FZ_CHECK(strcmp(back, want) == 0, "XML %s escaping does not round-trip", attr ? "attribute" : "text");
        free(want);
        free(back);
        ac_buf_free(&x);
    }

    free(vis);
    free(s);
    return 0;
}
