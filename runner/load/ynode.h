/* A YAML document as a tree of nodes that remember where they came from (file, line, column),
 * so every later error can point at the source. Scalars are resolved by the YAML 1.2 core schema.
 *
 * Ownership: a yn_doc owns every node in it; nodes are borrowed pointers valid until
 * yn_doc_free(). Aliases are expanded by reference (the same node appears twice), bounded so a
 * "billion laughs" document is an error rather than an explosion. */
#ifndef AC_YNODE_H
#define AC_YNODE_H

#include <stdbool.h>
#include <stddef.h>
#include "diag.h"

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } yn_kind;

/* YAML 1.2 core schema resolution of a plain scalar. Quoted scalars are always YN_STR. */
typedef enum { YN_NULL, YN_BOOL, YN_INT, YN_FLOAT, YN_STR } yn_stype;

typedef struct yn_node yn_node;
typedef struct yn_pair { yn_node *key; yn_node *value; } yn_pair;

/* Field order keeps the struct free of padding (a case file holds thousands of nodes). */
struct yn_node {
    yn_kind kind;
    yn_stype stype;        /* scalars */
    int line, col;         /* 1-based */
    const char *file;      /* borrowed from the doc */
    /* scalars */
    char *str;             /* the scalar text as written (after YAML unescaping) */
    size_t len;            /* bytes in str (scalars may contain NUL via escapes) */
    bool quoted;           /* single- or double-quoted, or block scalar: never re-typed */
    bool b;                /* YN_BOOL value */
    long long i;           /* YN_INT value */
    double f;              /* YN_FLOAT value (also set for YN_INT) */
    /* sequences */
    yn_node **items; size_t n_items;
    /* mappings, in document order; keys are scalars */
    yn_pair *pairs; size_t n_pairs;
};

typedef struct yn_doc {
    char *file;            /* owned path as given */
    char *text;            /* owned source text, for diagnostics (source line + caret) */
    size_t text_len;
    yn_node *root;         /* NULL for an empty document */
    /* private: arena of nodes */
    void *arena_;
} yn_doc;

/* Parses one YAML document from memory. On a syntax error returns NULL after reporting
 * FILE:LINE:COL: error: ... to diags. Duplicate mapping keys are reported (all of them) and
 * make the parse fail. Non-scalar keys, tags other than the core ones, and multi-document
 * streams are errors. Invalid UTF-8 is an error that names the line. */
yn_doc *yn_parse(const char *file, const char *text, size_t len, ac_diags *diags);
/* Reads and parses a file (errors: unreadable, too large (> 8 MiB), not UTF-8, syntax). */
yn_doc *yn_parse_file(const char *file, ac_diags *diags);
void yn_doc_free(yn_doc *doc);

/* Map lookup by key (exact match); NULL when absent or when map is not a mapping. */
const yn_node *yn_get(const yn_node *map, const char *key);
/* Convenience predicates. */
bool yn_is_scalar(const yn_node *n);
bool yn_is_str(const yn_node *n);    /* scalar resolved as YN_STR */
bool yn_is_int(const yn_node *n);
bool yn_is_number(const yn_node *n); /* int or float */
const char *yn_kind_name(const yn_node *n); /* "string", "integer", "number", "boolean", "null", "list", "map" */

#endif
