/* The result model's small functions: names, ownership, and what counts as a failure. */
#include "result.h"

#include <stdlib.h>

const char *ac_outcome_name(ac_outcome o)
{
    switch (o) {
    case AC_OUT_PASS: return "pass";
    case AC_OUT_FAIL: return "fail";
    case AC_OUT_WARN: return "warn";
    case AC_OUT_ERROR: return "error";
    case AC_OUT_SKIP: return "skip";
    case AC_OUT_NOTRUN: return "not run";
    }
    return "unknown";
}

void ac_check_free(ac_check *c)
{
    if (!c) return;
    free(c->check);
    free(c->expected);
    free(c->actual);
    free(c->message);
    free(c->file);
}

void ac_step_result_free(ac_step_result *s)
{
    if (!s) return;
    free(s->name);
    free(s->reason);
    for (size_t i = 0; i < s->n_checks; i++) ac_check_free(&s->checks[i]);
    free(s->checks);
    free(s->request_excerpt);
    free(s->response_excerpt);
}

void ac_test_result_free(ac_test_result *t)
{
    if (!t) return;
    free(t->id);
    free(t->name);
    free(t->suite);
    free(t->file);
    free(t->reason);
    for (size_t i = 0; i < t->n_steps; i++) ac_step_result_free(&t->steps[i]);
    free(t->steps);
    ac_strlist_free(&t->tags);
    ac_strlist_free(&t->refs);
    ac_strlist_free(&t->notes);
    free(t->statuses);
    free(t->transcript);
}

bool ac_test_result_is_failure(const ac_test_result *t)
{
    switch (t->outcome) {
    case AC_OUT_FAIL:
    case AC_OUT_ERROR:
    case AC_OUT_NOTRUN:
        return true;
    case AC_OUT_WARN:
        return t->strict;
    default:
        return false;
    }
}
