/* What a run was asked to do: the parsed command line, independent of how it was parsed. */
#ifndef AC_CONFIG_H
#define AC_CONFIG_H

#include <stdbool.h>
#include "http.h"
#include "node.h"
#include "progress.h"
#include "util.h"

typedef struct ac_config {
    char *target;               /* owned; base URL, no trailing slash needed */
    char *profile;              /* owned; "documented" by default */
    bool strict;
    bool fail_fast;
    bool verbose;
    int jobs;                   /* -j; 1 = sequential */
    double run_deadline_s;      /* 0 = none */
    ac_strlist tags;            /* --tags: run only tests with one of these */
    ac_strlist skip_tags;       /* --skip-tags */
    ac_strlist include;         /* --include: opt-in tags (slow, intrusive) */
    ac_strlist ids;             /* --id: exact ids or shell globs */
    int shard_k, shard_n;       /* --shard K/N (1 <= K <= N); 0/0 = the whole plan */
    char *shard;                /* owned "K/N" as given, or NULL */
    ac_strlist allow_skip;      /* --allow-skip, AUTHCONFORM_ALLOW_SKIP, vars file allow_skip: ids
                                   (globs) or tags whose must-level gaps are accepted */
    bool allow_incomplete;      /* --allow-incomplete: every gap is accepted (still reported) */
    /* The deployment's nodes (node.h): --node as given ("NAME=ADDR", in order), or the `nodes`
     * variable's items; parsed into nodes before the run (main.c). Empty: nothing is pinned and
     * the tests that need nodes are not applicable. */
    ac_strlist node_specs;
    ac_node *nodes; size_t n_nodes;
    ac_http_opts http;          /* strings borrowed from the owned copies below */
    char *cacert, *cert, *key, *proxy;
    const ac_progress *progress; /* borrowed, or NULL: told about long waits and finished tests */
} ac_config;

void ac_config_init(ac_config *c);
void ac_config_free(ac_config *c);

#endif
