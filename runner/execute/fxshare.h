/* Shared fixtures: one result per run for a fixture marked `shared: true`, whatever file it is in.
 *
 * Every case file has its own token fixture, so a run used to log in once per file. A shared
 * fixture is keyed by what it would send and what it checks and captures (its built request,
 * its expect and capture blocks): the first file to need it sends it; every other file with an
 * identical shared fixture gets a copy of its captures, or its failure, without a request.
 * Thread-safe; a claim waits while another worker runs the same fixture. */
#ifndef AC_FXSHARE_H
#define AC_FXSHARE_H

#include <stdbool.h>

#include "request.h"
#include "vars.h"
#include "ynode.h"

typedef struct ac_fxshare ac_fxshare;

ac_fxshare *ac_fxshare_new(void);
void ac_fxshare_free(ac_fxshare *s);   /* accepts NULL */

/* The key of a shared fixture: its built request, expect and capture blocks. Caller frees. */
char *ac_fxshare_key(const ac_built_req *r, const yn_node *expect, const yn_node *capture);

typedef enum {
    AC_FXSHARE_RUN,      /* nobody ran it yet: the caller runs it now, then calls finish */
    AC_FXSHARE_OK,       /* it succeeded: its captures were copied into `into` */
    AC_FXSHARE_FAILED    /* it failed: *reason (caller frees) says why */
} ac_fxshare_claim_result;

/* Claims `key`. Waits while another worker runs it. */
ac_fxshare_claim_result ac_fxshare_claim(ac_fxshare *s, const char *key, ac_scope *into, char **reason);

/* Records the outcome of a claim that returned AC_FXSHARE_RUN: on success, a copy of the
 * variables `captured` holds itself (not its parents); on failure, `reason` (copied). */
void ac_fxshare_finish(ac_fxshare *s, const char *key, bool ok, const ac_scope *captured, const char *reason);

/* Gives up a claim without an outcome worth sharing (a 429: the next claimer tries again). */
void ac_fxshare_abandon(ac_fxshare *s, const char *key);

#endif
