/* A case file into the model: its suite, fixtures and tests, each validated
 * (docs/case-format.md). */
#include "load_internal.h"

#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define MAX_REPEAT 100000L

static const char *const FILE_KEYS[] = { "suite", "description", "tags", "fixtures", "tests", NULL };
static const char *const TEST_KEYS[] = { "id", "name", "description", "severity", "refs", "tags",
    "requires", "control", "when", "skip_on", "request", "expect", "capture", "steps", "repeat",
    "concurrency", "expect_all", "profiles", "for_each_node", "exclusive", NULL };
static const char *const FIXTURE_KEYS[] = { "description", "shared", "requires", "request", "expect", "capture",
    NULL };
static const char *const OVERRIDE_KEYS[] = { "request", "expect", "severity", "steps", NULL };
static const char *const EXPECT_ALL_KEYS[] = { "distinct", "no_5xx", "status", "any_status", NULL };

/* ---- names lists ------------------------------------------------------------------------- */

typedef enum { NAMES_ANY, NAMES_TAG, NAMES_REQ } names_kind;

static void load_names(loader *L, const yn_node *n, const char *what, names_kind kind,
                       ac_strlist *out)
{
    if (!ld_want_list(L, n, what, false)) return;
    for (size_t i = 0; i < n->n_items; i++) {
        const yn_node *it = n->items[i];
        const char *t = ld_want_text(L, it, what);
        if (!t) continue;
        if (kind == NAMES_TAG && !ac_is_id(t)) {
            ld_err(L, it, "tag \"%s\" must match [A-Za-z0-9._-]+", t);
            continue;
        }
        if (kind == NAMES_REQ && !ld_is_req_name(t)) {
            ld_err(L, it, "requires entry \"%s\" is not a fixture or variable name", t);
            continue;
        }
        if (kind != NAMES_ANY && ac_strlist_contains(out, t)) continue;
        ac_strlist_push(out, t);
    }
}

/* With a `references` table in the manifest, every ref names an entry or is an RFC, CVE or OWASP
 * reference of a recognised form (refs.h), so a misspelt slug cannot hide a missing link. */
static void check_refs(loader *L, const yn_node *n)
{
    if (n->kind != YN_SEQ) return;
    for (size_t i = 0; i < n->n_items; i++) {
        const char *t = ld_scalar_text(n->items[i]);
        if (!t || ac_ref_classify(t, L->man->ref_docs, L->man->n_ref_docs, NULL, NULL) != AC_REF_UNKNOWN)
            continue;
        ac_suggest c = { 0 };
        for (size_t k = 0; k < L->man->n_ref_docs; k++) ac_suggest_add(&c, L->man->ref_docs[k].slug);
        size_t len = strcspn(t, ":");
        char *slug = ac_sprintf("%.*s", (int)len, t);
        const char *best = ac_suggest_best(&c, slug);
        ld_err(L, n->items[i], "ref \"%s\" is not in the suite manifest's references and is not "
               "'RFC N[ SECTION]', 'CVE-YYYY-N' or 'OWASP ...'%s%s%s", t,
               best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
        free(slug);
        ac_suggest_free(&c);
    }
}

static const ac_fixture *find_fixture(const ac_suite_file *sf, const char *name)
{
    for (size_t i = 0; i < sf->n_fixtures; i++)
        if (sf->fixtures[i].name && !strcmp(sf->fixtures[i].name, name)) return &sf->fixtures[i];
    return NULL;
}

/* ---- fixtures and tests ------------------------------------------------------------------ */

/* `control: NAME` or `control: [NAME, ...]`: fixtures of this file that prove, in this run, that
 * the endpoint a refusal check targets works; the test is judged only after they succeeded. An
 * entry "A|B" names alternatives: the first one whose requirements are configured is the
 * control (the account's login where there is an account, a credential-less probe otherwise). */
static void load_controls(loader *L, const ac_suite_file *sf, const yn_node *n, ac_strlist *out)
{
    if (n->kind == YN_SEQ && n->n_items == 0) ld_err(L, n, "control must not be an empty list");
    const yn_node *const *items = n->kind == YN_SEQ ? (const yn_node *const *)n->items : &n;
    size_t count = n->kind == YN_SEQ ? n->n_items : 1;
    for (size_t i = 0; i < count; i++) {
        const char *entry = ld_want_text(L, items[i], "control");
        if (!entry) continue;
        /* "a|b": alternatives, the first one that is configured is the control. */
        bool ok = *entry != '\0';
        for (const char *p = entry; ok && *p;) {
            size_t len = strcspn(p, "|");
            char *name = ac_strndup(p, len);
            if (!*name) {
                ld_err(L, items[i], "control '%s' has an empty alternative", entry);
                ok = false;
            } else if (!find_fixture(sf, name)) {
                ac_suggest c = { 0 };
                for (size_t k = 0; k < sf->n_fixtures; k++) ac_suggest_add(&c, sf->fixtures[k].name);
                char dym[96];
                ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, name));
                ac_suggest_free(&c);
                ld_err(L, items[i], "control '%s' is not a fixture of this file%s", name, dym);
                ok = false;
            }
            free(name);
            p += len;
            if (*p == '|') p++;
        }
        if (ok && !ac_strlist_contains(out, entry)) ac_strlist_push(out, entry);
    }
}

/* A test must be able to fail: one expectation somewhere (a run step's exit status counts). */
static bool steps_have_check(const ac_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (steps[i].expect || steps[i].compare || steps[i].kind == AC_STEP_RUN) return true;
    return false;
}

static bool test_has_check(const ac_test *t)
{
    if (t->expect_all || steps_have_check(t->steps, t->n_steps)) return true;
    for (size_t i = 0; i < t->n_overrides; i++)
        if (yn_get(t->overrides[i].node, "expect") || steps_have_check(t->overrides[i].steps, t->overrides[i].n_steps))
            return true;
    return false;
}

static void load_fixture(loader *L, ac_fixture *fx, const yn_node *key, const yn_node *fn)
{
    fx->name = ac_strdup(key->str);
    fx->step.kind = AC_STEP_REQUEST;
    fx->step.name = ac_strdup(key->str);
    fx->step.node = fn;
    if (!ld_is_req_name(key->str))
        ld_err(L, key, "fixture name '%s' must match [A-Za-z_][A-Za-z0-9_-]*", key->str);
    if (!ld_want_map(L, fn, "a fixture")) return;
    ld_check_keys(L, fn, "fixture", FIXTURE_KEYS);
    const yn_node *n;
    if ((n = yn_get(fn, "description"))) {
        const char *d = ld_want_text(L, n, "fixture description");
        if (d && strchr(d, '\n')) ld_err(L, n, "fixture description must be one line");
        else if (d) fx->description = ac_strdup(d);
    }
    if ((n = yn_get(fn, "shared")) && ld_want_bool(L, n, "shared")) fx->shared = n->b;
    /* A fixture may require one fixture defined before it (a control that needs a token): its
     * captures are visible to it. Only earlier ones, so fixtures never wait for each other in a
     * cycle. */
    const ac_fixture *needs = NULL;
    if ((n = yn_get(fn, "requires"))) {
        load_names(L, n, "requires", NAMES_REQ, &fx->requires);
        for (size_t i = 0; i < fx->requires.n; i++) ld_note_use(L, fx->requires.items[i]);
        for (size_t i = 0; i < n->n_items; i++) {
            const char *t = ld_scalar_text(n->items[i]);
            const ac_fixture *earlier = NULL;
            for (size_t k = 0; t && L->sf && &L->sf->fixtures[k] != fx && k < L->sf->n_fixtures; k++)
                if (L->sf->fixtures[k].name && !strcmp(L->sf->fixtures[k].name, t)) earlier = &L->sf->fixtures[k];
            if (earlier && needs)
                ld_err(L, n->items[i], "a fixture may require one other fixture; '%s' is a second", t);
            else if (earlier)
                needs = earlier;
            else if (t && L->sf && ld_key_of(yn_get(L->doc->root, "fixtures"), t))
                ld_err(L, n->items[i], "fixture '%s' is defined after '%s' (or is itself): a fixture may "
                       "require only a fixture defined before it", t, fx->name);
            else if (t && L->have_manifest && ld_is_req_name(t) && !ld_known_var(L, t))
                ld_err(L, n->items[i], "requires '%s': no variable of that name is declared by the "
                       "suite manifest or set with --var/--vars-file", t);
        }
    }
    vctx V;
    ld_vctx_init(&V, "fixture", fx->name, &fx->requires);
    const yn_node *ncap = needs ? needs->step.capture : NULL;
    for (size_t j = 0; ncap && ncap->kind == YN_MAP && j < ncap->n_pairs; j++) ac_strlist_push(&V.caps, ncap->pairs[j].key->str);
    fx->step.request = yn_get(fn, "request");
    if (!fx->step.request) ld_err(L, fn, "fixture '%s' needs request", fx->name);
    else ld_check_request(L, &V, fx->step.request);
    if ((fx->step.expect = yn_get(fn, "expect"))) ld_check_expect(L, &V, fx->step.expect, "expect");
    if ((fx->step.capture = yn_get(fn, "capture"))) ld_check_capture(L, fx->step.capture, NULL);
    ld_vctx_free(&V);
}

static void check_requires_entries(loader *L, const ac_suite_file *sf, const yn_node *req)
{
    if (!req || req->kind != YN_SEQ) return;
    for (size_t i = 0; i < req->n_items; i++) {
        const char *t = ld_scalar_text(req->items[i]);
        if (!t || !ld_is_req_name(t) || find_fixture(sf, t)) continue;
        ld_note_use(L, t);   /* not a fixture: a variable */
        if (ld_fixture_capturing(L, t)) continue;
        if (!L->have_manifest || ld_known_var(L, t)) continue;
        ac_suggest c = { 0 };
        for (size_t j = 0; j < sf->n_fixtures; j++) ac_suggest_add(&c, sf->fixtures[j].name);
        for (size_t j = 0; j < L->man->n_vars; j++) ac_suggest_add(&c, L->man->vars[j].name);
        ac_suggest_add_strlist(&c, L->opts->known_vars);
        char dym[96];
        ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, t));
        ac_suggest_free(&c);
        ld_err(L, req->items[i], "requires '%s': no fixture of this file and no variable declared "
               "by the suite manifest has that name%s", t, dym);
    }
}

/* A test's id, name and the lists that do not depend on its requests; owner gets what messages
 * call the test (its id, or its line when it has none). */
static void load_test_head(loader *L, ac_suite_file *sf, ac_test *t, const yn_node *tn, char owner[64])
{
    const yn_node *n;
    const yn_node *idn = yn_get(tn, "id");
    if (!idn) {
        ld_err(L, tn, "test needs id");
    } else {
        const char *id = ld_want_text(L, idn, "id");
        if (id && !ac_is_id(id)) ld_err(L, idn, "test id \"%s\" must match [A-Za-z0-9._-]+", id);
        else if (id) {
            t->id = ac_strdup(id);
            ld_register_id(L, idn, id);
        }
    }
    if (t->id) snprintf(owner, 64, "%.60s", t->id);
    else snprintf(owner, 64, "at line %d", tn->line);

    const yn_node *name = yn_get(tn, "name");
    if (!name) ld_err(L, tn, "test needs name (one line)");
    else {
        const char *nm = ld_want_text(L, name, "name");
        if (nm && strchr(nm, '\n')) ld_err(L, name, "name must be one line");
        else if (nm && !*nm) ld_err(L, name, "name must not be empty");
        if (nm) t->name = ac_strdup(nm);
    }
    if ((n = yn_get(tn, "description"))) ld_want_text(L, n, "description");
    if ((n = yn_get(tn, "severity"))) { ld_check_severity(L, n); t->severity.node = n; }
    if ((n = yn_get(tn, "refs"))) {
        load_names(L, n, "refs", NAMES_ANY, &t->refs);
        if (L->man && L->man->has_ref_docs) check_refs(L, n);
    }
    if ((n = yn_get(tn, "tags"))) load_names(L, n, "tags", NAMES_TAG, &t->tags);
    if ((n = yn_get(tn, "requires"))) {
        load_names(L, n, "requires", NAMES_REQ, &t->requires);
        check_requires_entries(L, sf, n);
    }
}

/* `request:` (one request, one step named after the test) or `steps:`. Returns false when the
 * test has neither (nothing to run, so no "checks nothing" error on top). */
static bool load_test_requests(loader *L, ac_test *t, const yn_node *tn, const vctx *V, const char *owner)
{
    const yn_node *n;
    const yn_node *req = yn_get(tn, "request"), *steps = yn_get(tn, "steps");
    if (req && steps) {
        ld_err(L, ld_key_of(tn, "steps"), "a test takes request or steps, not both");
    } else if (!req && !steps) {
        ld_err(L, tn, "test needs request (one request) or steps");
    }
    if (steps && !req) {
        t->multi_step = true;
        static const char *const on_steps[] = { "expect", "capture", NULL };
        static const char *const single_only[] = { "repeat", "concurrency", "expect_all", NULL };
        for (const char *const *k = on_steps; *k; k++)
            if (ld_key_of(tn, *k))
                ld_err(L, ld_key_of(tn, *k), "'%s' belongs on a step in a test with steps", *k);
        for (const char *const *k = single_only; *k; k++)
            if (ld_key_of(tn, *k))
                ld_err(L, ld_key_of(tn, *k), "'%s' applies to single-request tests only", *k);
        t->steps = ld_load_steps(L, V, steps, &t->n_steps);
    } else if (req) {
        t->multi_step = false;
        t->n_steps = 1;
        t->steps = ac_calloc(1, sizeof *t->steps);
        ac_step *st = &t->steps[0];
        st->kind = AC_STEP_REQUEST;
        st->name = ac_strdup(t->id ? t->id : owner);
        st->node = tn;
        st->request = req;
        ld_check_request(L, V, req);
        if ((st->expect = yn_get(tn, "expect"))) ld_check_expect(L, V, st->expect, "expect");
        if ((st->capture = yn_get(tn, "capture"))) ld_check_capture(L, st->capture, NULL);
    } else {
        /* neither: still validate what is there */
        if ((n = yn_get(tn, "expect"))) ld_check_expect(L, V, n, "expect");
        if ((n = yn_get(tn, "capture"))) ld_check_capture(L, n, NULL);
    }
    return req || steps;
}

/* repeat and concurrency of a single-request test. */
static void load_test_repeat(loader *L, ac_test *t, const yn_node *tn)
{
    const yn_node *rep = yn_get(tn, "repeat");
    bool repeat_ok = true;
    if (rep) {
        if (!yn_is_int(rep) || rep->i < 1 || rep->i > MAX_REPEAT) {
            char d[96];
            ld_describe(rep, d, sizeof d);
            ld_err(L, rep, "repeat must be an integer from 1 to %ld, got %s", MAX_REPEAT, d);
            repeat_ok = false;
        } else {
            t->repeat = (long)rep->i;
        }
    }
    const yn_node *conc = yn_get(tn, "concurrency");
    if (conc) {
        if (!yn_is_int(conc) || conc->i < 1) {
            char d[96];
            ld_describe(conc, d, sizeof d);
            ld_err(L, conc, "concurrency must be an integer >= 1, got %s", d);
        } else if (repeat_ok && conc->i > t->repeat) {
            ld_err(L, conc, "concurrency (%lld) must not exceed repeat (%ld)", conc->i, t->repeat);
        } else {
            t->concurrency = (long)conc->i;
        }
    }
}

static void load_test_expect_all(loader *L, ac_test *t, const yn_node *tn)
{
    const yn_node *ea = t->expect_all = yn_get(tn, "expect_all");
    if (!ea || !ld_want_map(L, ea, "expect_all")) return;
    ld_check_keys(L, ea, "expect_all", EXPECT_ALL_KEYS);
    const yn_node *n, *d = yn_get(ea, "distinct");
    if (d) {
        if (d->kind == YN_SEQ) {
            if (d->n_items == 0) ld_err(L, d, "distinct must not be an empty list");
            for (size_t i = 0; i < d->n_items; i++) ld_check_jsonpath(L, d->items[i], "distinct");
        } else {
            ld_check_jsonpath(L, d, "distinct");
        }
    }
    if ((n = yn_get(ea, "no_5xx"))) ld_want_bool(L, n, "no_5xx");
    if ((n = yn_get(ea, "status"))) ld_check_status(L, n, "expect_all status", true);
    if ((n = yn_get(ea, "any_status"))) ld_check_status(L, n, "expect_all any_status", true);
}

/* `profiles: { NAME: { request | expect | severity | steps } }`. */
static void load_test_overrides(loader *L, ac_test *t, const yn_node *tn, const vctx *V)
{
    const yn_node *n;
    const yn_node *prof = yn_get(tn, "profiles");
    if (!prof || !ld_want_map(L, prof, "profiles")) return;
    t->overrides = ac_calloc(prof->n_pairs ? prof->n_pairs : 1, sizeof *t->overrides);
    for (size_t i = 0; i < prof->n_pairs; i++) {
        const yn_node *k = prof->pairs[i].key, *o = prof->pairs[i].value;
        if (!ac_strlist_contains(&L->man->profiles, k->str)) {
            ac_suggest c = { 0 };
            ac_suggest_add_strlist(&c, &L->man->profiles);
            char dym[96];
            ac_did_you_mean(dym, sizeof dym, ac_suggest_best(&c, k->str));
            ac_suggest_free(&c);
            ac_buf b;
            ac_buf_init(&b);
            ld_strlist_join(&b, &L->man->profiles);
            ld_err(L, k, "unknown profile '%s'%s (profiles: %s)", k->str, dym, ac_buf_str(&b));
            ac_buf_free(&b);
        }
        ac_profile_override *ov = &t->overrides[t->n_overrides++];
        ov->profile = ac_strdup(k->str);
        ov->node = o;
        char ctx[128];
        snprintf(ctx, sizeof ctx, "profile override %.60s", k->str);
        if (!ld_want_map(L, o, ctx)) continue;
        ld_check_keys(L, o, "profile override", OVERRIDE_KEYS);
        if (o->n_pairs == 0) ld_err(L, o, "profile override '%s' is empty", k->str);
        if ((n = yn_get(o, "severity"))) ld_check_severity(L, n);
        const yn_node *oreq = yn_get(o, "request"), *oexp = yn_get(o, "expect"),
                      *ost = yn_get(o, "steps");
        if (t->multi_step) {
            if (oreq) ld_err(L, ld_key_of(o, "request"), "a test with steps overrides steps, not request");
            if (oexp) ld_err(L, ld_key_of(o, "expect"), "a test with steps overrides steps, not expect");
        } else if (ost) {
            ld_err(L, ld_key_of(o, "steps"), "a single-request test overrides request or expect, not steps");
        }
        if (oreq) ld_check_request(L, V, oreq);
        if (oexp) ld_check_expect(L, V, oexp, "expect");
        if (ost && t->multi_step) {
            /* Kept in the model: the executor runs these steps in that profile. */
            ov->steps = ld_load_steps(L, V, ost, &ov->n_steps);
        }
    }
}

static void load_test(loader *L, ac_suite_file *sf, ac_test *t, const yn_node *tn)
{
    size_t errors_before = L->diags->n_errors;
    t->node = tn;
    t->line = tn->line;
    t->repeat = 1;
    t->concurrency = 1;
    for (size_t i = 0; i < sf->tags.n; i++) ac_strlist_push(&t->tags, sf->tags.items[i]);
    if (!ld_want_map(L, tn, "a test")) return;
    ld_check_keys(L, tn, "test", TEST_KEYS);
    char owner[64];
    load_test_head(L, sf, t, tn, owner);
    vctx V;
    ld_vctx_init(&V, "test", owner, &t->requires);
    for (size_t i = 0; i < t->requires.n; i++) {
        const ac_fixture *fx = find_fixture(sf, t->requires.items[i]);
        const yn_node *cap = fx ? fx->step.capture : NULL;
        if (cap && cap->kind == YN_MAP)
            for (size_t j = 0; j < cap->n_pairs; j++) ac_strlist_push(&V.caps, cap->pairs[j].key->str);
    }

    const yn_node *ctl = yn_get(tn, "control");
    if (ctl) load_controls(L, sf, ctl, &t->controls);
    if ((t->when = yn_get(tn, "when"))) ld_check_when(L, &V, t->when);
    if ((t->skip_on = yn_get(tn, "skip_on"))) ld_check_skip_on(L, t->skip_on);

    const yn_node *ex = yn_get(tn, "exclusive");
    if (ex && ld_want_bool(L, ex, "exclusive")) t->exclusive = ex->b;
    if ((t->for_each_node = yn_get(tn, "for_each_node"))) {
        if (ld_want_text(L, t->for_each_node, "for_each_node") &&
            (!*t->for_each_node->str || strchr(t->for_each_node->str, '\n') || ld_has_template(t->for_each_node)))
            ld_err(L, t->for_each_node, "for_each_node is one line of plain text: what the round's node "
                   "did, such as 'issued by'");
        if (!yn_get(tn, "steps"))
            ld_err(L, ld_key_of(tn, "for_each_node"), "for_each_node needs steps (it runs them once per node)");
        ac_strlist_push(&V.caps, "node");        /* the round's node: its name and address */
        ac_strlist_push(&V.caps, "node_addr");
    }
    bool runs = load_test_requests(L, t, tn, &V, owner);
    if (!t->multi_step) load_test_repeat(L, t, tn);
    if (!t->multi_step) load_test_expect_all(L, t, tn);
    load_test_overrides(L, t, tn, &V);
    for (size_t i = 0; i < t->n_steps; i++)
        if (t->steps[i].control) ac_strlist_push(&t->controls, t->steps[i].name);
    t->needs_nodes = t->for_each_node != NULL;
    for (size_t i = 0; i < t->n_steps; i++)
        if (t->steps[i].pin || t->steps[i].each_node) t->needs_nodes = true;
    for (size_t o = 0; o < t->n_overrides; o++)
        for (size_t i = 0; i < t->overrides[o].n_steps; i++)
            if (t->overrides[o].steps[i].pin || t->overrides[o].steps[i].each_node) t->needs_nodes = true;
    /* Only for a test that is otherwise valid: one with errors does not run anyway, and its
     * missing check is usually one of those errors (a misspelt expect). */
    if (runs && L->diags->n_errors == errors_before && !test_has_check(t))
        ld_err(L, tn, "test %s checks nothing: give it expect (or expect_all, compare, a run step) so it "
               "can fail", t->id ? t->id : owner);
    ld_vctx_free(&V);
}

/* Validates one parsed case document into sf (which takes the document). */
static void load_case_doc_inner(loader *L, yn_doc *doc, ac_suite_file *sf);

void ld_load_case_doc(loader *L, yn_doc *doc, ac_suite_file *sf)
{
    size_t first = L->diags->n;
    load_case_doc_inner(L, doc, sf);
    ac_diags_sort_from(L->diags, first);
}

static void load_case_doc_inner(loader *L, yn_doc *doc, ac_suite_file *sf)
{
    sf->doc = doc;
    sf->path = ac_strdup(doc->file);
    L->doc = doc;
    L->sf = sf;
    L->n_fcaps = 0;
    const yn_node *root = doc->root;
    if (!root) {
        ac_diag_add(L->diags, AC_DIAG_ERROR, doc->file, 1, 1, NULL, 0,
                    "empty case file (expected a map with suite: and tests:)");
        return;
    }
    if (root->kind != YN_MAP) {
        char d[96];
        ld_describe(root, d, sizeof d);
        ld_err(L, root, "a case file must be a map with suite: and tests:, got %s", d);
        return;
    }
    ld_check_keys(L, root, "case file", FILE_KEYS);
    const yn_node *n;
    sf->suite = ld_required_id(L, root, "suite", "case file needs suite (a name matching [A-Za-z0-9._-]+)",
                               "suite");
    if ((n = yn_get(root, "description")) && ld_want_text(L, n, "description"))
        sf->description = ac_strdup(n->str);
    if ((n = yn_get(root, "tags"))) load_names(L, n, "tags", NAMES_TAG, &sf->tags);

    const yn_node *fxs = yn_get(root, "fixtures");
    if (fxs && ld_want_map(L, fxs, "fixtures")) {
        sf->fixtures = ac_calloc(fxs->n_pairs ? fxs->n_pairs : 1, sizeof *sf->fixtures);
        for (size_t i = 0; i < fxs->n_pairs; i++) {
            ac_fixture *fx = &sf->fixtures[sf->n_fixtures++];
            load_fixture(L, fx, fxs->pairs[i].key, fxs->pairs[i].value);
            const yn_node *cap = fx->step.capture;
            if (cap && cap->kind == YN_MAP)
                for (size_t j = 0; j < cap->n_pairs; j++) {
                    if (L->n_fcaps == L->cap_fcaps) {
                        L->cap_fcaps = L->cap_fcaps ? L->cap_fcaps * 2 : 16;
                        L->fcaps = ac_realloc(L->fcaps, L->cap_fcaps * sizeof *L->fcaps);
                    }
                    L->fcaps[L->n_fcaps++] = (fixture_cap){ cap->pairs[j].key->str, fx->name };
                }
        }
    }

    const yn_node *tests = yn_get(root, "tests");
    if (!tests) ld_err(L, root, "case file needs tests (a non-empty list)");
    else if (ld_want_list(L, tests, "tests", true)) {
        sf->tests = ac_calloc(tests->n_items, sizeof *sf->tests);
        for (size_t i = 0; i < tests->n_items; i++)
            load_test(L, sf, &sf->tests[sf->n_tests++], tests->items[i]);
    }
    const char *profile = L->opts->profile ? L->opts->profile : "documented";
    for (size_t i = 0; i < sf->n_tests; i++) {
        sf->tests[i].plan_severity = ac_test_severity(&sf->tests[i], profile);
        sf->tests[i].plan_requests = ac_test_request_bound(&sf->tests[i], profile,
                                                           &sf->tests[i].plan_requests_open);
    }
    L->doc = NULL;
    L->sf = NULL;
}
