/* The words for coverage that every report shares (see coverage_text.h). */
#include "coverage_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Reasons and ids are one line in the text form; a reason longer than this is cut. */
#define COV_REASON_MAX 500

static const char NOT_JUDGED[] = "not judged: ";
static const char ALLOWED_GAP[] = "allowed to be missing: ";
static const char MISSING_VAR[] = "missing variable: ";
static const char ALLOWED_BY[] = "allowed by: ";

ac_gap_group *ac_cov_groups(const ac_coverage *c, bool allowed, size_t *n)
{
    ac_gap_group *g = NULL;
    *n = 0;
    for (size_t i = 0; c && i < c->n_gaps; i++) {
        const ac_gap *gap = &c->gaps[i];
        if (gap->allowed != allowed) continue;
        /* A gap that lacks several variables ("a (A), b (B)") joins the group of each. */
        const char *v = gap->missing_var;
        do {
            size_t len = v ? strcspn(v, ",") : 0;
            ac_gap_group *into = NULL;
            for (size_t k = 0; v && k < *n; k++)
                if (g[k].missing_var && g[k].var_len == len && strncmp(g[k].missing_var, v, len) == 0) into = &g[k];
            if (!into) {
                g = ac_realloc(g, (*n + 1) * sizeof *g);
                into = &g[(*n)++];
                memset(into, 0, sizeof *into);
                into->missing_var = v ? ac_strndup(v, len) : NULL;
                into->var_len = len;
                into->reason = gap->reason;
                into->kind = gap->kind;
            }
            ac_strlist_push(&into->ids, gap->id);
            v = v && v[len] ? v + len + 1 + strspn(v + len + 1, " ") : NULL;
        } while (v);
    }
    return g;
}

void ac_cov_groups_free(ac_gap_group *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++) {
        ac_strlist_free(&g[i].ids);
        free(g[i].missing_var);
    }
    free(g);
}

size_t ac_cov_allowed(const ac_coverage *c)
{
    size_t n = 0;
    for (size_t i = 0; c && i < c->n_gaps; i++) n += c->gaps[i].allowed;
    return n;
}

size_t ac_cov_not_judged(const ac_coverage *c)
{
    return c ? c->n_gaps - ac_cov_allowed(c) : 0;
}

char *ac_cov_verdict(const ac_coverage *c)
{
    size_t n = ac_cov_not_judged(c);
    return ac_sprintf("INCOMPLETE: %zu must-level test%s not judged", n, n == 1 ? "" : "s");
}

char *ac_cov_hint(const ac_coverage *c)
{
    bool var = false, other = false, limited = false;
    for (size_t i = 0; c && i < c->n_gaps; i++) {
        const ac_gap *g = &c->gaps[i];
        if (g->allowed) continue;
        if (g->kind == AC_SKIP_RATE_LIMITED) limited = true;
        else if (g->missing_var) var = true;
        else other = true;
    }
    ac_buf b;
    ac_buf_init(&b);
    const char *sep = "";
    if (var) {
        ac_buf_puts(&b, "set the missing variables (environment, --var or --vars-file)");
        sep = ", ";
    }
    if (other) {
        ac_buf_printf(&b, "%sconfigure what the reasons name", sep);
        sep = ", ";
    }
    if (limited) {
        ac_buf_printf(&b, "%srun again when the rate limit allows", sep);
        sep = ", ";
    }
    ac_buf_printf(&b, "%s the gaps with --allow-skip ID|TAG or --allow-incomplete", *sep ? "; or accept" : "accept");
    return ac_buf_steal(&b);
}

char *ac_cov_allowed_heading(const ac_coverage *c)
{
    ac_buf b;
    ac_buf_init(&b);
    ac_buf_puts(&b, "allowed to be missing");
    for (size_t i = 0; c && i < c->allowed.n; i++) {
        const char *a = c->allowed.items[i];
        ac_buf_printf(&b, "%s%s%s", i ? ", " : " (", strcmp(a, "--allow-incomplete") ? "--allow-skip " : "", a);
    }
    if (c && c->allowed.n) ac_buf_putc(&b, ')');
    return ac_buf_steal(&b);
}

static void gap_line(ac_buf *b, const ac_gap *g)
{
    char *reason = ac_text_one_line(g->reason, COV_REASON_MAX);
    ac_buf_printf(b, "%s%s (%s): %s\n", g->allowed ? ALLOWED_GAP : NOT_JUDGED, g->id,
                  ac_skip_kind_name(g->kind), reason);
    free(reason);
}

char *ac_cov_text(const ac_coverage *c)
{
    ac_buf b;
    ac_buf_init(&b);
    char *line = ac_coverage_line(c);
    ac_buf_printf(&b, "%s\n", line);
    free(line);
    for (int allowed = 0; allowed < 2; allowed++)
        for (size_t i = 0; i < c->n_gaps; i++)
            if (c->gaps[i].allowed == (bool)allowed) gap_line(&b, &c->gaps[i]);
    for (size_t i = 0; i < c->missing.n; i++) ac_buf_printf(&b, "%s%s\n", MISSING_VAR, c->missing.items[i]);
    for (size_t i = 0; i < c->allowed.n; i++) ac_buf_printf(&b, "%s%s\n", ALLOWED_BY, c->allowed.items[i]);
    if (c->incomplete) {
        char *hint = ac_cov_hint(c);
        ac_buf_printf(&b, "%s\n", hint);
        free(hint);
    }
    return ac_buf_steal(&b);
}

/* "ID (KIND): REASON" into a new gap; false when the line does not have that shape. */
static bool parse_gap(ac_coverage *c, const char *s, size_t len, bool allowed)
{
    const char *open = memchr(s, ' ', len);
    if (!open || open == s || (size_t)(open - s) + 2 > len || open[1] != '(') return false;
    const char *close = memchr(open, ')', len - (size_t)(open - s));
    if (!close || (size_t)(close - s) + 3 > len || close[1] != ':' || close[2] != ' ') return false;
    char *kind = ac_strndup(open + 2, (size_t)(close - open - 2));
    ac_skip_kind k = ac_skip_kind_parse(kind);
    free(kind);
    if (k == AC_SKIP_NONE) return false;
    for (size_t i = 0; i < c->n_gaps; i++)   /* a union: a gap already known stays one gap */
        if (strlen(c->gaps[i].id) == (size_t)(open - s) && !memcmp(c->gaps[i].id, s, (size_t)(open - s))) return true;
    c->gaps = ac_realloc(c->gaps, (c->n_gaps + 1) * sizeof *c->gaps);
    ac_gap *g = &c->gaps[c->n_gaps++];
    memset(g, 0, sizeof *g);
    g->id = ac_strndup(s, (size_t)(open - s));
    g->kind = k;
    g->reason = ac_strndup(close + 3, len - (size_t)(close + 3 - s));
    g->allowed = allowed;
    if (!allowed) c->incomplete = true;
    return true;
}

void ac_cov_parse_text(ac_coverage *c, const char *text)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        static const struct { const char *prefix; int what; } KINDS[] = {
            { NOT_JUDGED, 0 }, { ALLOWED_GAP, 1 }, { MISSING_VAR, 2 }, { ALLOWED_BY, 3 },
        };
        for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
            size_t pl = strlen(KINDS[k].prefix);
            if (len <= pl || strncmp(p, KINDS[k].prefix, pl) != 0) continue;
            const char *v = p + pl;
            size_t vl = len - pl;
            if (KINDS[k].what < 2) {
                parse_gap(c, v, vl, KINDS[k].what == 1);
            } else {
                ac_strlist *l = KINDS[k].what == 2 ? &c->missing : &c->allowed;
                char *s = ac_strndup(v, vl);
                if (!ac_strlist_contains(l, s)) ac_strlist_push_owned(l, s);
                else free(s);
            }
            break;
        }
        p += len + (nl ? 1 : 0);
    }
}

static void junit_property(ac_buf *b, const char *name, const char *value)
{
    ac_buf_printf(b, "      <property name=\"%s\" value=\"", name);
    ac_xml_attr(b, value);
    ac_buf_puts(b, "\"/>\n");
}

void ac_cov_junit_suite(ac_buf *b, const ac_coverage *cov, const char *stamp, const char *host)
{
    ac_buf_printf(b, "  <testsuite name=\"%s\" tests=\"1\" failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"0.000\""
                     " timestamp=\"", AC_COV_JUNIT_NAME, cov->incomplete ? 1 : 0);
    ac_xml_attr(b, stamp);
    ac_buf_puts(b, "\" hostname=\"");
    ac_xml_attr(b, host);
    ac_buf_puts(b, "\">\n    <properties>\n");
    char n[32];
    snprintf(n, sizeof n, "%zu", cov->must_selected);
    junit_property(b, "must_selected", n);
    snprintf(n, sizeof n, "%zu", cov->must_judged);
    junit_property(b, "must_judged", n);
    snprintf(n, sizeof n, "%zu", cov->must_na);
    junit_property(b, "must_not_applicable", n);
    junit_property(b, "complete", cov->incomplete ? "false" : "true");
    ac_buf_printf(b, "    </properties>\n    <testcase classname=\"%s\" name=\"%s\" time=\"0.000\">\n",
                  AC_COV_JUNIT_NAME, AC_COV_JUNIT_CASE);
    /* Not capped like a transcript: every line is short and `merge` reads the gaps back from
     * system-out. A failure carries the same text, because GitLab shows only a failure's text
     * and Jenkins trims the output of a passing test case. */
    char *text = ac_cov_text(cov);
    if (cov->incomplete) {
        char *verdict = ac_cov_verdict(cov);
        ac_buf_puts(b, "      <failure message=\"");
        ac_xml_attr(b, verdict);
        ac_buf_puts(b, "\" type=\"incomplete\">");
        ac_xml_text(b, text);
        ac_buf_puts(b, "</failure>\n");
        free(verdict);
    }
    ac_buf_puts(b, "      <system-out>");
    ac_xml_text(b, text);
    ac_buf_puts(b, "</system-out>\n");
    free(text);
    ac_buf_puts(b, "    </testcase>\n  </testsuite>\n");
}
