/* Pieces of the HTML report (reports/html.c) kept in their own files: the escaping both use, the
 * verdict banner and the coverage that goes with it (DESIGN 4.4, 8), and the page's style sheet
 * and script (html_assets.c). */
#ifndef AC_HTML_COVERAGE_H
#define AC_HTML_COVERAGE_H

#include <stddef.h>
#include "result.h"


/* The verdict banner (id "verdict"): PASSED, FAILED (failures: the tests that count against
 * the run), or INCOMPLETE when everything that ran passed but selected must-level tests were
 * not judged; then, under it, the gaps: each missing variable once with the tests that need it
 * (linked to their rows), every other gap with its reason, the hint, and the gaps the user
 * accepted. */
void ac_html_verdict(ac_buf *b, const ac_run_summary *s, size_t failures);

/* The coverage line of the summary (id "coverage"), with data-complete and the counts. */
void ac_html_coverage_line(ac_buf *b, const ac_coverage *c);

/* The page's <style> and <script> contents (html_assets.c). */
extern const char AC_HTML_CSS[];
extern const char AC_HTML_JS[];

#endif
