/* Reading a case's refs: RFC sections, CVEs, OWASP requirements and documentation slugs. */
#include "refs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int ac_ref_slug_valid(const char *s)
{
    if (!s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s))) return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr("._-", *s)))
            return 0;
    return 1;
}

/* "RFC 6750 3.1 (...)": the number and the section (digits and dots, not ending in a dot). */
static ac_ref_kind rfc(const char *ref, char **url)
{
    const char *p = ref + 4;
    size_t nd = strspn(p, "0123456789");
    if (!nd || nd > 5) return AC_REF_UNKNOWN;
    const char *num = p;
    p += nd;
    const char *sec = NULL;
    size_t ns = 0;
    if (*p == ' ' && isdigit((unsigned char)p[1])) {
        sec = p + 1;
        ns = strspn(sec, "0123456789.");
        while (ns && sec[ns - 1] == '.') ns--;
        p = sec + ns;
    }
    if (*p && *p != ' ') return AC_REF_UNKNOWN;
    if (url) {
        if (sec) *url = ac_sprintf("https://www.rfc-editor.org/rfc/rfc%.*s#section-%.*s", (int)nd, num,
                                   (int)ns, sec);
        else *url = ac_sprintf("https://www.rfc-editor.org/rfc/rfc%.*s", (int)nd, num);
    }
    return AC_REF_RFC;
}

ac_ref_kind ac_ref_classify(const char *ref, const ac_ref_doc *docs, size_t n,
                            const ac_ref_doc **doc, char **url)
{
    if (doc) *doc = NULL;
    if (url) *url = NULL;
    if (!ref || !*ref) return AC_REF_UNKNOWN;
    if (!strncmp(ref, "RFC ", 4)) return rfc(ref, url);
    if (!strncmp(ref, "CVE-", 4)) {
        const char *p = ref + 4;
        size_t y = strspn(p, "0123456789");
        if (y != 4 || p[4] != '-') return AC_REF_UNKNOWN;
        size_t k = strspn(p + 5, "0123456789");
        if (k < 4 || (p[5 + k] && p[5 + k] != ' ')) return AC_REF_UNKNOWN;
        if (url) *url = ac_sprintf("https://www.cve.org/CVERecord?id=CVE-%.*s", (int)(5 + k), p);
        return AC_REF_CVE;
    }
    if (!strncmp(ref, "OWASP ", 6) && ref[6]) return AC_REF_OWASP;
    size_t len = strcspn(ref, ":");
    if (ref[len] == ':' && ref[len + 1] != ' ') return AC_REF_UNKNOWN;
    for (size_t i = 0; i < n; i++)
        if (strlen(docs[i].slug) == len && !strncmp(docs[i].slug, ref, len)) {
            if (doc) *doc = &docs[i];
            if (url && docs[i].url) *url = ac_strdup(docs[i].url);
            return AC_REF_DOC;
        }
    return AC_REF_UNKNOWN;
}

void ac_ref_doc_free_contents(ac_ref_doc *d)
{
    if (!d) return;
    free(d->slug);
    free(d->title);
    free(d->url);
}
