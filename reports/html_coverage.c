/* The HTML report's verdict and coverage (see html_coverage.h). */
#include "html_coverage.h"

#include <stdlib.h>

#include "coverage_text.h"
#include "text.h"

#define HTML_REASON_MAX 400

static void id_link(ac_buf *b, const char *id)
{
    ac_buf_puts(b, "<a href=\"#t-");
    ac_html_esc(b, id);
    ac_buf_puts(b, "\">");
    ac_html_esc(b, id);
    ac_buf_puts(b, "</a>");
}

/* <p class="cls">text</p>, text escaped; takes text. */
static void paragraph(ac_buf *b, const char *cls, char *text)
{
    ac_buf_printf(b, "<p class=\"%s\">", cls);
    ac_html_esc(b, text);
    ac_buf_puts(b, "</p>\n");
    free(text);
}

static void gap_list(ac_buf *b, const ac_coverage *c, bool allowed)
{
    size_t n = 0;
    ac_gap_group *g = ac_cov_groups(c, allowed, &n);
    ac_buf_printf(b, "<ul class=\"gaps%s\">\n", allowed ? " allowed" : "");
    for (size_t i = 0; i < n; i++) {
        ac_buf_puts(b, "<li>");
        if (g[i].missing_var) {
            ac_buf_puts(b, "variable <code>");
            ac_html_esc(b, g[i].missing_var);
            ac_buf_printf(b, "</code> is not set; %zu test%s need%s it: ", g[i].ids.n, g[i].ids.n == 1 ? "" : "s",
                          g[i].ids.n == 1 ? "s" : "");
            for (size_t k = 0; k < g[i].ids.n; k++) {
                if (k) ac_buf_puts(b, ", ");
                id_link(b, g[i].ids.items[k]);
            }
        } else {
            id_link(b, g[i].ids.items[0]);
            ac_buf_printf(b, " (%s): ", ac_skip_kind_name(g[i].kind));
            ac_html_esc_line(b, g[i].reason, HTML_REASON_MAX);
        }
        ac_buf_puts(b, "</li>\n");
    }
    ac_buf_puts(b, "</ul>\n");
    ac_cov_groups_free(g, n);
}

void ac_html_verdict(ac_buf *b, const ac_run_summary *s, size_t failures)
{
    const ac_coverage *c = &s->coverage;
    size_t allowed = ac_cov_allowed(c);
    if (s->interrupted) {   /* whatever ran, the run is no verdict on the whole suite */
        ac_buf_printf(b, "<div class=\"verdict v-bad\" id=\"verdict\">INTERRUPTED by %s: tests not reached "
                         "did not run and are not in the report</div>\n", ac_signal_name(s->interrupted));
    } else if (s->exit_code == 0) {
        ac_buf_puts(b, "<div class=\"verdict v-ok\" id=\"verdict\">PASSED: every must-level check passed");
        if (allowed) ac_buf_printf(b, " (%zu test%s allowed to be missing)", allowed, allowed == 1 ? "" : "s");
        ac_buf_puts(b, "</div>\n");
    } else if (s->exit_code == 3) {
        ac_buf_puts(b, "<div class=\"verdict v-bad\" id=\"verdict\">FAILED: the target never answered</div>\n");
    } else if (failures) {
        ac_buf_printf(b, "<div class=\"verdict v-bad\" id=\"verdict\">FAILED: %zu test%s failed</div>\n",
                      failures, failures == 1 ? "" : "s");
    } else if (s->exit_code == 4) {
        char *v = ac_cov_verdict(c);
        ac_buf_puts(b, "<div class=\"verdict v-incomplete\" id=\"verdict\">");
        ac_html_esc(b, v);
        ac_buf_puts(b, "</div>\n");
        free(v);
    } else {
        ac_buf_puts(b, "<div class=\"verdict v-bad\" id=\"verdict\">FAILED: no must-level check ran</div>\n");
    }
    if (!c->incomplete && !allowed) return;
    ac_buf_puts(b, "<div id=\"gaps\">\n");
    if (c->incomplete) {
        /* A failed run can be incomplete too: say so, under the FAILED banner. */
        if (s->exit_code != 4) paragraph(b, "also", ac_cov_verdict(c));
        gap_list(b, c, false);
        paragraph(b, "hint", ac_cov_hint(c));
    }
    if (allowed) {
        char *h = ac_cov_allowed_heading(c);
        paragraph(b, "allowed", ac_sprintf("%s:", h));
        free(h);
        gap_list(b, c, true);
    }
    ac_buf_puts(b, "</div>\n");
}

void ac_html_coverage_line(ac_buf *b, const ac_coverage *c)
{
    char *line = ac_coverage_line(c);
    ac_buf_printf(b, "<p id=\"coverage\" class=\"%s\" data-complete=\"%s\" data-must-selected=\"%zu\" "
                     "data-must-judged=\"%zu\" data-not-judged=\"%zu\">coverage: ",
                  c->incomplete ? "cov-incomplete" : "cov-complete", c->incomplete ? "false" : "true",
                  c->must_selected, c->must_judged, ac_cov_not_judged(c));
    ac_html_esc(b, line);
    ac_buf_puts(b, "</p>\n");
    free(line);
}
