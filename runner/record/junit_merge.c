/* Merging JUnit reports (see junit_merge.h), read with libxml2: any well-formed JUnit file of the
 * shape reports/junit.c writes is accepted, and test cases are copied as libxml2 serialises them
 * (the same XML; run records are the preferred input to `merge`, docs/report-formats.md). */
#include "junit_merge.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "coverage_text.h"
#include "report_common.h"
#include "text.h"
#include "util.h"

#define MERGE_MAX_INPUT ((size_t)1 << 30)

typedef struct attr {
    char *name;
    char *value;            /* escaped for an attribute value (ac_xml_attr), re-emitted as is */
} attr;

typedef struct attrs {
    attr *items; size_t n;
} attrs;

typedef struct msuite {
    attrs head;             /* the first occurrence's attributes, in order */
    attrs props;            /* merged properties, in order of first appearance */
    double tests, failures, errors, skipped, time_s, should_failures;
    ac_buf cases;           /* the <testcase> elements, serialised */
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

static char *read_all(const char *path, size_t *len, char **err)
{
    return ac_read_file_capped(path, MERGE_MAX_INPUT, "a JUnit report", len, err);
}

/* ---- reading with libxml2 ------------------------------------------------------------------ */

static bool is_elem(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The first child element named `name`, or NULL. */
static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_elem(c, name)) return c;
    return NULL;
}

/* An attribute's value, unescaped; NULL when absent. Caller frees. */
static char *attr_text(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? ac_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* Every attribute of n, in order, escaped again for writing. */
static void node_attrs(const xmlNode *n, attrs *out)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        ac_buf b;
        ac_buf_init(&b);
        ac_xml_attr(&b, v ? (const char *)v : "");
        attrs_set(out, (const char *)a->name, ac_buf_str(&b));
        ac_buf_free(&b);
        xmlFree(v);
    }
}

/* The text of the first child element `elem`, unescaped; NULL when absent. Caller frees. */
static char *element_text(const xmlNode *n, const char *elem)
{
    const xmlNode *e = child(n, elem);
    if (!e) return NULL;
    xmlChar *v = xmlNodeGetContent(e);
    char *s = ac_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

/* Records the identity of a test case (checked for overlaps at the end). */
static void note_case(merger *M, const char *suite, const xmlNode *tc, size_t input)
{
    attrs a = { 0 };
    node_attrs(tc, &a);
    const char *cn = attrs_get(&a, "classname"), *nm = attrs_get(&a, "name");
    if (M->n_keys == M->cap_keys) {
        M->cap_keys = M->cap_keys ? M->cap_keys * 2 : 64;
        M->keys = ac_realloc(M->keys, M->cap_keys * sizeof *M->keys);
    }
    M->keys[M->n_keys].key = ac_sprintf("%s\x1f%s\x1f%s", suite, cn ? cn : "", nm ? nm : "");
    M->keys[M->n_keys].input = input;
    M->n_keys++;
    attrs_free(&a);
}

/* A test case as XML, in UTF-8, indented by the whitespace that preceded it in its file. */
static void copy_case(ac_buf *to, const xmlNode *tc)
{
    const xmlNode *ws = tc->prev;
    const char *indent = "    ";
    xmlChar *wtext = ws && ws->type == XML_TEXT_NODE ? xmlNodeGetContent(ws) : NULL;
    if (wtext) {
        const char *nl = strrchr((const char *)wtext, '\n');
        indent = nl ? nl + 1 : (const char *)wtext;
    }
    xmlBufferPtr xb = xmlBufferCreate();
    xmlSaveCtxtPtr sc = xmlSaveToBuffer(xb, "UTF-8", XML_SAVE_NO_DECL);
    if (sc) {
        xmlSaveTree(sc, (xmlNode *)tc);
        xmlSaveClose(sc);
    }
    ac_buf_printf(to, "%s%s\n", indent, xb ? (const char *)xmlBufferContent(xb) : "");
    xmlBufferFree(xb);
    xmlFree(wtext);
}

/* <properties> of a suite into s: should_failures summed, the others from the first to have them. */
static bool take_properties(msuite *s, const xmlNode *props, bool first_time)
{
    for (const xmlNode *p = props->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE) continue;
        attrs a = { 0 };
        if (is_elem(p, "property")) node_attrs(p, &a);
        const char *pn = attrs_get(&a, "name"), *pv = attrs_get(&a, "value");
        if (!pn || !pv) {
            attrs_free(&a);
            return false;
        }
        if (strcmp(pn, "should_failures") == 0) {
            s->should_failures += atof(pv);
            if (!attrs_get(&s->props, pn)) attrs_set(&s->props, pn, "0");
        } else if (first_time || !attrs_get(&s->props, pn)) {
            attrs_set(&s->props, pn, pv);
        }
        attrs_free(&a);
    }
    return true;
}

/* A suite holding the coverage test case (coverage_text.h) is not copied: its counts and gaps
 * join the merged coverage. Returns false when it is not a coverage suite. */
static bool take_coverage(merger *M, const xmlNode *suite, const attrs *head)
{
    const char *name = attrs_get(head, "name");
    const xmlNode *tc = child(suite, "testcase");
    if (!name || strcmp(name, AC_COV_JUNIT_NAME) != 0 || !tc) return false;
    char *cn = attr_text(tc, "classname"), *nm = attr_text(tc, "name");
    bool is_cov = cn && strcmp(cn, AC_COV_JUNIT_NAME) == 0 && nm && strcmp(nm, AC_COV_JUNIT_CASE) == 0;
    free(cn);
    free(nm);
    if (!is_cov) return false;
    static const char *const COUNTS[] = { "must_selected", "must_judged", "must_not_applicable" };
    size_t *into[] = { &M->cov.must_selected, &M->cov.must_judged, &M->cov.must_na };
    const xmlNode *props = child(suite, "properties");
    for (const xmlNode *p = props ? props->children : NULL; p; p = p->next) {
        char *pn = is_elem(p, "property") ? attr_text(p, "name") : NULL, *pv = pn ? attr_text(p, "value") : NULL;
        for (size_t k = 0; pv && k < 3; k++)
            if (strcmp(pn, COUNTS[k]) == 0) *into[k] += (size_t)strtoull(pv, NULL, 10);
        free(pn);
        free(pv);
    }
    char *failure = element_text(tc, "failure"), *out = element_text(tc, "system-out");
    if (failure) M->cov_failed = true;
    ac_cov_parse_text(&M->cov, out ? out : failure);
    free(failure);
    free(out);
    if (!M->have_cov) {
        char *st = attr_text(suite, "timestamp"), *h = attr_text(suite, "hostname");
        M->cov_stamp = st ? st : ac_strdup("");
        M->cov_host = h ? h : ac_strdup("");
    }
    M->have_cov = true;
    return true;
}

/* Adds one <testsuite> element to the merge. Returns 0, or -1 with *err. */
static int take_suite(merger *M, const char *path, size_t input, const xmlNode *el, char **err)
{
    attrs a = { 0 };
    node_attrs(el, &a);
    const char *name = attrs_get(&a, "name");
    double tests, failures, errors, skipped, time_s;
    if (!name || !number_attr(&a, "tests", &tests, true) || !number_attr(&a, "failures", &failures, true) ||
        !number_attr(&a, "errors", &errors, true) || !number_attr(&a, "skipped", &skipped, false) ||
        !number_attr(&a, "time", &time_s, false)) {
        *err = ac_sprintf("%s: a <testsuite> start tag lacks name/tests/failures/errors or has a malformed "
                          "attribute", path);
        attrs_free(&a);
        return -1;
    }
    if (child(el, "testsuite")) {
        *err = ac_sprintf("%s: nested <testsuite> elements are not supported", path);
        attrs_free(&a);
        return -1;
    }
    if (take_coverage(M, el, &a)) {
        attrs_free(&a);
        return 0;
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
    const xmlNode *props = child(el, "properties");
    if (props && !take_properties(s, props, first_time)) {
        *err = ac_sprintf("%s: malformed <properties> in suite %s", path, name);
        return -1;
    }
    for (const xmlNode *c = el->children; c; c = c->next)
        if (is_elem(c, "testcase")) {
            note_case(M, name, c, input);
            copy_case(&s->cases, c);
        }
    return 0;
}

static int take_input(merger *M, const char *path, size_t input, char **err)
{
    size_t len = 0;
    char *text = read_all(path, &len, err);
    if (!text) return -1;
    /* No network and no external entities (libxml2's defaults with NONET): the file is data. */
    xmlDocPtr doc = len <= INT_MAX ? xmlReadMemory(text, (int)len, path, NULL,
                                                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                                   : NULL;
    free(text);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = 0;
    if (is_elem(root, "testsuites")) {
        attrs ra = { 0 };
        node_attrs(root, &ra);
        double t = 0;
        bool ok = number_attr(&ra, "time", &t, false);
        attrs_free(&ra);
        if (!ok) goto bad;
        M->root_time_s += t;
        for (const xmlNode *c = root->children; c && rc == 0; c = c->next) {
            if (c->type == XML_TEXT_NODE || c->type == XML_COMMENT_NODE) continue;
            if (!is_elem(c, "testsuite")) goto bad;
            rc = take_suite(M, path, input, c, err);
        }
    } else if (is_elem(root, "testsuite")) {
        size_t before = M->n_suites;
        rc = take_suite(M, path, input, root, err);
        for (size_t i = before; rc == 0 && i < M->n_suites; i++) M->root_time_s += M->suites[i].time_s;
    } else {
        goto bad;
    }
    xmlFreeDoc(doc);
    return rc;
bad:
    xmlFreeDoc(doc);
    *err = ac_sprintf("%s: not a JUnit report written by authconform (expected <testsuites> with "
                      "<testsuite> elements)", path);
    return -1;
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
