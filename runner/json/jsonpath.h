/* A small JSON path: $ (root), .name, ['name'] or ["name"], [N] (negative from the end), [*] and
 * .* (all children), ..name (recursive descent). Results are borrowed pointers into the document. */
#ifndef AC_JSONPATH_H
#define AC_JSONPATH_H

#include <stddef.h>
#include <stdbool.h>

struct cJSON;

typedef struct ac_jp_result {
    const struct cJSON **items; size_t n, cap;
} ac_jp_result;

void ac_jp_result_free(ac_jp_result *r);
/* Evaluates path on root. Returns 0 (possibly with zero matches), or -1 with *err for a syntax
 * error. */
int ac_jsonpath_eval(const struct cJSON *root, const char *path, ac_jp_result *out, char **err);
/* Syntax check only. */
int ac_jsonpath_check(const char *path, char **err);
/* True when the path can match at most one value (no wildcard, no recursive descent). */
bool ac_jsonpath_is_single(const char *path);

/* The text of a JSON value as a template or capture sees it: strings unquoted, integral numbers
 * without a fraction ("3600"), other numbers in their shortest exact form, true/false/null, and
 * arrays/objects as compact JSON. Caller frees. */
char *ac_json_text(const struct cJSON *v);
/* A number in the same form. Caller frees. */
char *ac_number_text(double d);

#endif
