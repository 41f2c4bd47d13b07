/* A test's "detail" in a run record (version 3) or an events line: the steps, checks with
 * expected and actual, excerpts and transcript that every writer shows (record_read.h). */
#include "record.h"
#include "record_read.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char **err, char *msg)
{
    if (err) *err = msg;
    else free(msg);
}

/* A string member that may be absent or null: NULL then. */
static char *opt_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? ac_strdup(v->valuestring) : NULL;
}

static double opt_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 && v->valuedouble < 1e12
               ? v->valuedouble : 0;
}

/* The "detail" of an events line or of a record's test (reports/json.c ac_json_record_detail):
 * checked for shape (objects, arrays, known outcomes and severities); other members are taken
 * when they have the right type. */
int ac_record_load_detail(const char *name, const cJSON *jd, ac_record_test *t, char **err)
{
    if (!jd || cJSON_IsNull(jd)) return 0;
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(jd, "steps"), *js;
    if (!cJSON_IsObject(jd) || !cJSON_IsArray(steps)) {
        set_err(err, ac_sprintf("%s: test %.40s: \"detail\" must be an object with a \"steps\" array", name, t->id));
        return -1;
    }
    t->has_detail = true;
    t->reason = opt_str(jd, "reason");
    t->transcript = opt_str(jd, "transcript");
    t->multi_step = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jd, "multi_step"));
    t->strict = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jd, "strict"));
    t->steps = ac_calloc((size_t)cJSON_GetArraySize(steps) + 1, sizeof *t->steps);
    cJSON_ArrayForEach(js, steps) {
        ac_step_result *s = &t->steps[t->n_steps++];
        const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(js, "outcome");
        const cJSON *checks = cJSON_GetObjectItemCaseSensitive(js, "checks"), *jc;
        if (!cJSON_IsObject(js) || !cJSON_IsString(outcome) || !ac_outcome_parse(outcome->valuestring, &s->outcome) ||
            (checks && !cJSON_IsArray(checks))) {
            set_err(err, ac_sprintf("%s: test %.40s: step %zu needs a known \"outcome\" and a \"checks\" array",
                                    name, t->id, t->n_steps));
            return -1;
        }
        s->name = opt_str(js, "name");
        if (!s->name) s->name = ac_strdup("");
        s->reason = opt_str(js, "reason");
        s->status = (long)opt_num(js, "status");
        s->duration_ms = opt_num(js, "duration_ms");
        s->attempts = (int)opt_num(js, "attempts");
        s->request_excerpt = opt_str(js, "request");
        s->response_excerpt = opt_str(js, "response");
        s->node = opt_str(js, "node");
        s->for_node = opt_str(js, "for_node");
        s->checks = ac_calloc((size_t)cJSON_GetArraySize(checks) + 1, sizeof *s->checks);
        cJSON_ArrayForEach(jc, checks) {
            ac_check *c = &s->checks[s->n_checks++];
            const cJSON *sev = cJSON_GetObjectItemCaseSensitive(jc, "severity");
            bool ok = cJSON_IsObject(jc) && cJSON_IsString(sev);
            ok = ok && ac_severity_parse(sev->valuestring, &c->severity);
            if (!ok) {
                set_err(err, ac_sprintf("%s: test %.40s: a check needs a \"severity\" (must, should or info)", name, t->id));
                return -1;
            }
            c->check = opt_str(jc, "check");
            c->expected = opt_str(jc, "expected");
            c->actual = opt_str(jc, "actual");
            c->message = opt_str(jc, "message");
            c->passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jc, "passed"));
            c->file = opt_str(jc, "file");
            c->line = (int)opt_num(jc, "line");
            c->col = (int)opt_num(jc, "col");
        }
    }
    return 0;
}
