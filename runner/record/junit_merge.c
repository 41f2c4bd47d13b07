/* Merging JUnit reports of this program (see junit_merge.h). The reader understands exactly the
 * element structure reports/junit.c writes, at the element level: tags and attributes are
 * parsed, character data is copied untouched. That is safe because the writer escapes every
 * '<' in text and attributes, so a tag can never appear inside content. */
#define _GNU_SOURCE   /* memmem */
#include "junit_merge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage_text.h"
#include "report_common.h"
#include "util.h"

#define MERGE_MAX_INPUT ((size_t)1 << 30)

typedef struct attr {
    char *name;
    char *value;            /* as written: still escaped, re-emitted verbatim */
} attr;

typedef struct attrs {
    attr *items; size_t n;
} attrs;

typedef struct msuite {
    attrs head;             /* the first occurrence's attributes, in order */
    attrs props;            /* merged properties, in order of first appearance */
    double tests, failures, errors, skipped, time_s, should_failures;
    ac_buf cases;           /* the <testcase> elements, verbatim */
} msuite;

typedef struct case_key {
    char *key;              /* "suite\x1fclassname\x1fname" */
    size_t input;
} case_key;

typedef struct merger {
    msuite *suites; size_t n_suites;
    double root_time_s;
    case_key *keys; size_t n_keys, cap_keys;
    /* The shards' coverage suites become one: counts summed, gaps united (coverage_text.h). */
    bool have_cov, cov_failed;
    ac_coverage cov;
    char *cov_stamp, *cov_host;   /* from the first coverage suite, unescaped */
} merger;

static void attrs_free(attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->items[i].name);
        free(a->items[i].value);
    }
    free(a->items);
    memset(a, 0, sizeof *a);
}

static const char *attrs_get(const attrs *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].name, name) == 0) return a->items[i].value;
    return NULL;
}

static void attrs_set(attrs *a, const char *name, const char *value)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].name, name) == 0) {
            free(a->items[i].value);
            a->items[i].value = ac_strdup(value);
            return;
        }
    a->items = ac_realloc(a->items, (a->n + 1) * sizeof *a->items);
    a->items[a->n].name = ac_strdup(name);
    a->items[a->n].value = ac_strdup(value);
    a->n++;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && is_space(*p)) p++;
    return p;
}

static bool starts(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* p points at '<' of a start tag named `name`. Parses its attributes into *out and returns the
 * position after '>' (or "/>", *empty set), or NULL when malformed. */
static const char *parse_start_tag(const char *p, const char *end, const char *name, attrs *out, bool *empty)
{
    size_t nl = strlen(name);
    if (!starts(p, end, "<") || (size_t)(end - p) < nl + 2 || memcmp(p + 1, name, nl) != 0) return NULL;
    p += 1 + nl;
    if (p < end && !is_space(*p) && *p != '>' && *p != '/') return NULL;   /* <testsuites vs <testsuite */
    *empty = false;
    for (;;) {
        p = skip_space(p, end);
        if (p >= end) return NULL;
        if (*p == '>') return p + 1;
        if (starts(p, end, "/>")) {
            *empty = true;
            return p + 2;
        }
        const char *n0 = p;
        while (p < end && !is_space(*p) && *p != '=' && *p != '>' && *p != '/') p++;
        if (p == n0) return NULL;
        const char *n1 = p;
        p = skip_space(p, end);
        if (p >= end || *p != '=') return NULL;
        p = skip_space(p + 1, end);
        if (p >= end || (*p != '"' && *p != '\'')) return NULL;
        char q = *p++;
        const char *v0 = p;
        while (p < end && *p != q) {
            if (*p == '<') return NULL;
            p++;
        }
        if (p >= end) return NULL;
        char *an = ac_strndup(n0, (size_t)(n1 - n0)), *av = ac_strndup(v0, (size_t)(p - v0));
        attrs_set(out, an, av);
        free(an);
        free(av);
        p++;
    }
}

static bool number_attr(const attrs *a, const char *name, double *out, bool required)
{
    const char *v = attrs_get(a, name);
    if (!v) {
        *out = 0;
        return !required;
    }
    char *e = NULL;
    errno = 0;
    *out = strtod(v, &e);
    return !errno && e != v && !*e && *out >= 0;
}

static msuite *suite_named(merger *M, const char *name)
{
    for (size_t i = 0; i < M->n_suites; i++)
        if (strcmp(attrs_get(&M->suites[i].head, "name"), name) == 0) return &M->suites[i];
    return NULL;
}

/* Records the identity of every test case in a suite body (checked for overlaps at the end). */
static void note_cases(merger *M, const char *suite, const char *body, const char *body_end, size_t input)
{
    for (const char *p = body; (p = memmem(p, (size_t)(body_end - p), "<testcase", 9)); p += 9) {
        attrs a = { 0 };
        bool empty;
        if (parse_start_tag(p, body_end, "testcase", &a, &empty)) {
            const char *cn = attrs_get(&a, "classname"), *nm = attrs_get(&a, "name");
            if (M->n_keys == M->cap_keys) {
                M->cap_keys = M->cap_keys ? M->cap_keys * 2 : 64;
                M->keys = ac_realloc(M->keys, M->cap_keys * sizeof *M->keys);
            }
            M->keys[M->n_keys].key = ac_sprintf("%s\x1f%s\x1f%s", suite, cn ? cn : "", nm ? nm : "");
            M->keys[M->n_keys].input = input;
            M->n_keys++;
        }
        attrs_free(&a);
    }
}

static int by_key(const void *a, const void *b)
{
    const case_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return x->input < y->input ? -1 : x->input > y->input;
}

/* A test case in two inputs means they are not the shards of one run. */
static int check_overlap(merger *M, const char *const *inputs, char **err)
{
    qsort(M->keys, M->n_keys, sizeof *M->keys, by_key);
    for (size_t i = 1; i < M->n_keys; i++) {
        if (strcmp(M->keys[i - 1].key, M->keys[i].key) || M->keys[i - 1].input == M->keys[i].input) continue;
        const char *name = strrchr(M->keys[i].key, '\x1f') + 1;
        *err = ac_sprintf("%s and %s both report test case \"%s\": the reports overlap (merge the reports "
                          "of the shards of one run)", inputs[M->keys[i - 1].input], inputs[M->keys[i].input], name);
        return -1;
    }
    return 0;
}

/* Parses <properties> ... </properties> at p (already known to start there) into the suite.
 * Returns the position after it, or NULL. */
static const char *take_properties(msuite *s, const char *p, const char *end, bool first_time)
{
    const char *close = memmem(p, (size_t)(end - p), "</properties>", 13);
    if (!close) return NULL;
    p += strlen("<properties>");
    for (;;) {
        p = skip_space(p, close);
        if (p >= close) break;
        attrs a = { 0 };
        bool empty;
        const char *q = parse_start_tag(p, close, "property", &a, &empty);
        const char *pn = attrs_get(&a, "name"), *pv = attrs_get(&a, "value");
        if (!q || !empty || !pn || !pv) {
            attrs_free(&a);
            return NULL;
        }
        if (strcmp(pn, "should_failures") == 0) {
            s->should_failures += atof(pv);
            if (!attrs_get(&s->props, pn)) attrs_set(&s->props, pn, "0");
        } else if (first_time || !attrs_get(&s->props, pn)) {
            attrs_set(&s->props, pn, pv);
        }
        attrs_free(&a);
        p = q;
    }
    return close + 13;
}

static char *read_all(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = ac_sprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    ac_buf b;
    ac_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        ac_buf_append(&b, chunk, n);
        if (b.len > MERGE_MAX_INPUT) break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || b.len > MERGE_MAX_INPUT) {
        *err = ac_sprintf("%s: %s", path, bad ? "read error" : "larger than 1 GiB");
        ac_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.data) return ac_strdup("");
    return ac_buf_steal(&b);
}

/* Character data or an attribute value as written (escaped by reports/junit.c), unescaped:
 * the five entities and numeric references. Caller frees. */
static char *xml_unescape(const char *s, size_t n)
{
    static const struct { const char *ent; char c; } ENTS[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
    };
    ac_buf b;
    ac_buf_init(&b);
    for (size_t i = 0; i < n;) {
        if (s[i] != '&') {
            ac_buf_putc(&b, s[i++]);
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < sizeof ENTS / sizeof ENTS[0] && !done; k++) {
            size_t el = strlen(ENTS[k].ent);
            if (n - i >= el && memcmp(s + i, ENTS[k].ent, el) == 0) {
                ac_buf_putc(&b, ENTS[k].c);
                i += el;
                done = true;
            }
        }
        if (!done && n - i > 3 && s[i + 1] == '#') {
            char *e = NULL;
            bool hex = s[i + 2] == 'x';
            unsigned long v = strtoul(s + i + (hex ? 3 : 2), &e, hex ? 16 : 10);
            if (e && (size_t)(e - s) < n && *e == ';' && v > 0 && v < 0x80) {   /* the writer only uses these */
                ac_buf_putc(&b, (char)v);
                i = (size_t)(e - s) + 1;
                done = true;
            }
        }
        if (!done) ac_buf_putc(&b, s[i++]);
    }
    return ac_buf_steal(&b);
}

/* The body of the first <elem ...>...</elem> in [p, end), unescaped; NULL when absent. */
static char *element_text(const char *p, const char *end, const char *elem)
{
    char *open = ac_sprintf("<%s", elem), *close = ac_sprintf("</%s>", elem);
    const char *a = memmem(p, (size_t)(end - p), open, strlen(open));
    const char *gt = a ? memchr(a, '>', (size_t)(end - a)) : NULL;
    const char *z = gt ? memmem(gt, (size_t)(end - gt), close, strlen(close)) : NULL;
    char *text = z && gt[-1] != '/' ? xml_unescape(gt + 1, (size_t)(z - gt - 1)) : NULL;
    free(open);
    free(close);
    return text;
}

/* A suite holding the coverage test case (coverage_text.h) is not copied: its counts and gaps
 * join the merged coverage. Returns false when the body is not a coverage suite. */
static bool take_coverage(merger *M, const attrs *head, const char *body, const char *body_end)
{
    const char *name = attrs_get(head, "name");
    const char *tc = memmem(body, (size_t)(body_end - body), "<testcase", 9);
    if (!name || strcmp(name, AC_COV_JUNIT_NAME) != 0 || !tc) return false;
    attrs a = { 0 };
    bool empty;
    bool is_cov = parse_start_tag(tc, body_end, "testcase", &a, &empty) && attrs_get(&a, "classname") &&
                  strcmp(attrs_get(&a, "classname"), AC_COV_JUNIT_NAME) == 0 && attrs_get(&a, "name") &&
                  strcmp(attrs_get(&a, "name"), AC_COV_JUNIT_CASE) == 0;
    attrs_free(&a);
    if (!is_cov) return false;
    static const char *const COUNTS[] = { "must_selected", "must_judged", "must_not_applicable" };
    size_t *into[] = { &M->cov.must_selected, &M->cov.must_judged, &M->cov.must_na };
    for (const char *p = body; (p = memmem(p, (size_t)(tc - p), "<property", 9)); p += 9) {
        attrs pa = { 0 };
        if (parse_start_tag(p, tc, "property", &pa, &empty) && attrs_get(&pa, "name") && attrs_get(&pa, "value"))
            for (size_t k = 0; k < 3; k++)
                if (strcmp(attrs_get(&pa, "name"), COUNTS[k]) == 0) *into[k] += (size_t)strtoull(attrs_get(&pa, "value"), NULL, 10);
        attrs_free(&pa);
    }
    char *failure = element_text(tc, body_end, "failure"), *out = element_text(tc, body_end, "system-out");
    if (failure) M->cov_failed = true;
    ac_cov_parse_text(&M->cov, out ? out : failure);
    free(failure);
    free(out);
    if (!M->have_cov) {
        const char *st = attrs_get(head, "timestamp"), *h = attrs_get(head, "hostname");
        M->cov_stamp = xml_unescape(st ? st : "", st ? strlen(st) : 0);
        M->cov_host = xml_unescape(h ? h : "", h ? strlen(h) : 0);
    }
    M->have_cov = true;
    return true;
}

/* Adds one <testsuite> element (start tag at p) to the merge; returns the position after it. */
static const char *take_suite(merger *M, const char *path, size_t input, const char *p, const char *end,
                              char **err)
{
    attrs a = { 0 };
    bool empty = false;
    const char *body = parse_start_tag(p, end, "testsuite", &a, &empty);
    const char *name = attrs_get(&a, "name");
    double tests, failures, errors, skipped, time_s;
    if (!body || !name || !number_attr(&a, "tests", &tests, true) || !number_attr(&a, "failures", &failures, true) ||
        !number_attr(&a, "errors", &errors, true) || !number_attr(&a, "skipped", &skipped, false) ||
        !number_attr(&a, "time", &time_s, false)) {
        *err = ac_sprintf("%s: a <testsuite> start tag lacks name/tests/failures/errors or has a malformed "
                          "attribute", path);
        attrs_free(&a);
        return NULL;
    }
    const char *body_end = body, *after = body;
    if (!empty) {
        body_end = memmem(body, (size_t)(end - body), "</testsuite>", 12);
        if (!body_end) {
            *err = ac_sprintf("%s: <testsuite name=\"%s\"> is not closed", path, name);
            attrs_free(&a);
            return NULL;
        }
        if (memmem(body, (size_t)(body_end - body), "<testsuite", 10)) {
            *err = ac_sprintf("%s: nested <testsuite> elements are not supported", path);
            attrs_free(&a);
            return NULL;
        }
        after = body_end + 12;
    }
    if (take_coverage(M, &a, body, body_end)) {
        attrs_free(&a);
        return after;
    }
    msuite *s = suite_named(M, name);
    bool first_time = s == NULL;
    if (!s) {
        M->suites = ac_realloc(M->suites, (M->n_suites + 1) * sizeof *M->suites);
        s = &M->suites[M->n_suites++];
        memset(s, 0, sizeof *s);
        s->head = a;
        ac_buf_init(&s->cases);
        memset(&a, 0, sizeof a);
    }
    s->tests += tests;
    s->failures += failures;
    s->errors += errors;
    s->skipped += skipped;
    s->time_s += time_s;
    attrs_free(&a);
    name = attrs_get(&s->head, "name");

    const char *q = skip_space(body, body_end);
    if (starts(q, body_end, "<properties>")) {
        q = take_properties(s, q, body_end, first_time);
        if (!q) {
            *err = ac_sprintf("%s: malformed <properties> in suite %s", path, name);
            return NULL;
        }
    }
    note_cases(M, attrs_get(&s->head, "name"), q, body_end, input);
    /* The test cases, verbatim, from the first <testcase> on (keeps the writer's indentation). */
    const char *c0 = memmem(q, (size_t)(body_end - q), "<testcase", 9);
    if (c0) {
        while (c0 > q && (c0[-1] == ' ' || c0[-1] == '\t')) c0--;
        const char *c1 = body_end;
        while (c1 > c0 && (c1[-1] == ' ' || c1[-1] == '\t')) c1--;
        ac_buf_append(&s->cases, c0, (size_t)(c1 - c0));
        if (s->cases.len && s->cases.data[s->cases.len - 1] != '\n') ac_buf_putc(&s->cases, '\n');
    }
    return after;
}

static int take_input(merger *M, const char *path, size_t input, char **err)
{
    size_t len = 0;
    char *text = read_all(path, &len, err);
    if (!text) return -1;
    const char *p = text, *end = text + len;
    int rc = -1;
    p = skip_space(p, end);
    if (starts(p, end, "<?xml")) {
        const char *q = memmem(p, (size_t)(end - p), "?>", 2);
        if (!q) goto bad;
        p = skip_space(q + 2, end);
    }
    if (starts(p, end, "<testsuites")) {
        attrs root = { 0 };
        bool empty;
        const char *q = parse_start_tag(p, end, "testsuites", &root, &empty);
        double t = 0;
        if (!q || !number_attr(&root, "time", &t, false)) {
            attrs_free(&root);
            goto bad;
        }
        attrs_free(&root);
        M->root_time_s += t;
        p = q;
        if (!empty) {
            for (;;) {
                p = skip_space(p, end);
                if (starts(p, end, "</testsuites>")) break;
                if (!starts(p, end, "<testsuite")) goto bad;
                p = take_suite(M, path, input, p, end, err);
                if (!p) goto out;
            }
        }
    } else if (starts(p, end, "<testsuite")) {
        size_t before = M->n_suites;
        p = take_suite(M, path, input, p, end, err);
        if (!p) goto out;
        for (size_t i = before; i < M->n_suites; i++) M->root_time_s += M->suites[i].time_s;
    } else {
        goto bad;
    }
    rc = 0;
    goto out;
bad:
    *err = ac_sprintf("%s: not a JUnit report written by authconform (expected <testsuites> with "
                      "<testsuite> elements)", path);
out:
    free(text);
    return rc;
}

static void put_count(ac_buf *b, const char *name, double v)
{
    ac_buf_printf(b, " %s=\"%.0f\"", name, v);
}

static int write_merged(const merger *M, const char *out_path, char **err)
{
    ac_buf b;
    ac_buf_init(&b);
    double tests = 0, failures = 0, errors = 0;
    for (size_t i = 0; i < M->n_suites; i++) {
        tests += M->suites[i].tests;
        failures += M->suites[i].failures;
        errors += M->suites[i].errors;
    }
    if (M->have_cov) {
        tests += 1;
        failures += M->cov.incomplete;
    }
    char secs[32];
    ac_report_seconds(secs, M->root_time_s * 1000.0, false);
    ac_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"authconform\"");
    put_count(&b, "tests", tests);
    put_count(&b, "failures", failures);
    put_count(&b, "errors", errors);
    ac_buf_printf(&b, " time=\"%s\">\n", secs);
    for (size_t i = 0; i < M->n_suites; i++) {
        const msuite *s = &M->suites[i];
        ac_buf_puts(&b, "  <testsuite");
        for (size_t k = 0; k < s->head.n; k++) {
            const char *n = s->head.items[k].name;
            if (strcmp(n, "tests") == 0) put_count(&b, n, s->tests);
            else if (strcmp(n, "failures") == 0) put_count(&b, n, s->failures);
            else if (strcmp(n, "errors") == 0) put_count(&b, n, s->errors);
            else if (strcmp(n, "skipped") == 0) put_count(&b, n, s->skipped);
            else if (strcmp(n, "time") == 0) {
                ac_report_seconds(secs, s->time_s * 1000.0, false);
                ac_buf_printf(&b, " time=\"%s\"", secs);
            } else {
                ac_buf_printf(&b, " %s=\"%s\"", n, s->head.items[k].value);
            }
        }
        ac_buf_puts(&b, ">\n");
        if (s->props.n) {
            ac_buf_puts(&b, "    <properties>\n");
            for (size_t k = 0; k < s->props.n; k++) {
                const attr *pr = &s->props.items[k];
                if (strcmp(pr->name, "should_failures") == 0)
                    ac_buf_printf(&b, "      <property name=\"should_failures\" value=\"%.0f\"/>\n", s->should_failures);
                else
                    ac_buf_printf(&b, "      <property name=\"%s\" value=\"%s\"/>\n", pr->name, pr->value);
            }
            ac_buf_puts(&b, "    </properties>\n");
        }
        ac_buf_append(&b, s->cases.data ? s->cases.data : "", s->cases.len);
        ac_buf_puts(&b, "  </testsuite>\n");
    }
    if (M->have_cov) ac_cov_junit_suite(&b, &M->cov, M->cov_stamp, M->cov_host);
    ac_buf_puts(&b, "</testsuites>\n");

    int rc = ac_report_write_file(out_path, ac_buf_str(&b), b.len, "merged JUnit report", err);
    ac_buf_free(&b);
    return rc;
}

int ac_junit_merge(const char *out_path, const char *const *inputs, size_t n_inputs, char **err)
{
    *err = NULL;
    if (!out_path || !*out_path) {
        *err = ac_strdup("merge needs --junit OUT.xml");
        return -1;
    }
    if (n_inputs == 0) {
        *err = ac_strdup("merge needs at least one JUnit report to read");
        return -1;
    }
    merger M = { 0 };
    int rc = 0;
    for (size_t i = 0; i < n_inputs && rc == 0; i++) rc = take_input(&M, inputs[i], i, err);
    /* A shard whose coverage case failed makes the merged one fail, even if its text was cut. */
    if (M.cov_failed) M.cov.incomplete = true;
    if (rc == 0) rc = check_overlap(&M, inputs, err);
    if (rc == 0) rc = write_merged(&M, out_path, err);
    for (size_t i = 0; i < M.n_suites; i++) {
        attrs_free(&M.suites[i].head);
        attrs_free(&M.suites[i].props);
        ac_buf_free(&M.suites[i].cases);
    }
    free(M.suites);
    for (size_t i = 0; i < M.n_keys; i++) free(M.keys[i].key);
    free(M.keys);
    ac_coverage_free(&M.cov);
    free(M.cov_stamp);
    free(M.cov_host);
    return rc;
}
