/* A case's `refs`, read: an RFC section, a CVE, an OWASP requirement, or a documentation page
 * named by a slug from the suite manifest's `references` table (docs/case-format.md 12). */
#ifndef AC_REFS_H
#define AC_REFS_H

#include <stddef.h>

/* One entry of the manifest's `references` table: "create-token" -> title and URL. */
typedef struct ac_ref_doc {
    char *slug;     /* owned: [a-z0-9][a-z0-9._-]* */
    char *title;    /* owned: the page's title, e.g. "API Reference > Auth > Create Token" */
    char *url;      /* owned or NULL: where the page is */
} ac_ref_doc;

typedef enum {
    AC_REF_UNKNOWN = 0,  /* none of the forms below, or a slug the table lacks */
    AC_REF_RFC,          /* "RFC 6750", "RFC 6750 3.1", "RFC 6750 3.1 (anything)" */
    AC_REF_CVE,          /* "CVE-2015-9235" */
    AC_REF_OWASP,        /* "OWASP ASVS 6.2", "OWASP ..." */
    AC_REF_DOC           /* "SLUG" or "SLUG: anchor text", SLUG in the table */
} ac_ref_kind;

/* Classifies ref against the table docs[0..n). *doc (may be NULL) receives the table entry of an
 * AC_REF_DOC. *url (may be NULL) receives, owned by the caller, the link for the reference: the
 * RFC's section at rfc-editor.org, the CVE record, the table entry's url; NULL when there is none. */
ac_ref_kind ac_ref_classify(const char *ref, const ac_ref_doc *docs, size_t n,
                            const ac_ref_doc **doc, char **url);

/* True for a valid slug: [a-z0-9][a-z0-9._-]*. */
int ac_ref_slug_valid(const char *s);

void ac_ref_doc_free_contents(ac_ref_doc *d);   /* accepts NULL */

#endif
