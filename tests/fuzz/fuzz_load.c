/* Fuzz target (a): the case loader. The input is one case file (YAML text, any bytes), loaded
 * with ac_load_model_text as `authconform lint` would load it, with the bundled suite's variables
 * known; the diagnostics are formatted, and a model that loaded is planned (every test, both
 * profiles) and listed, so everything the loader hands on is walked. */
#include <stdint.h>
#include <stdlib.h>

#include "case_load.h"
#include "config.h"
#include "diag.h"
#include "fuzz_common.h"
#include "model.h"
#include "plan.h"
#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ac_load_opts opts = { .known_vars = fz_known_vars() };
    ac_model m;
    ac_diags d;
    ac_diags_init(&d);
    int rc = ac_load_model_text(&opts, "fuzz.yaml", (const char *)data, size, &m, &d);
    FZ_CHECK((rc == 0) == (d.n_errors == 0), "rc %d with %zu errors", rc, d.n_errors);
    ac_diags_print(&d, fz_sink());
    if (rc == 0) {
        ac_config cfg;
        ac_config_init(&cfg);
        ac_strlist_push(&cfg.include, "slow");
        ac_strlist_push(&cfg.include, "intrusive");
        ac_plan plan = { 0 };
        char *err = NULL;
        if (ac_plan_build(&m, &cfg, &plan, &err) == 0) {
            ac_plan_print(&plan, "documented", fz_sink());
            ac_plan_print(&plan, "rfc", fz_sink());
        }
        free(err);
        ac_plan_free(&plan);
        ac_config_free(&cfg);
        for (size_t f = 0; f < m.n_files; f++)
            for (size_t t = 0; t < m.files[f].n_tests; t++) {
                const ac_test *test = &m.files[f].tests[t];
                FZ_CHECK(test->id && ac_is_id(test->id), "test id");
                FZ_CHECK(test->n_steps > 0, "test %s has no step", test->id);
                (void)ac_sevspec_resolve(test->severity, "documented", AC_SEV_MUST);
                (void)ac_sevspec_resolve(test->severity, "rfc", AC_SEV_MUST);
            }
    }
    ac_model_free(&m);
    ac_diags_free(&d);
    ac_redact_reset();
    return 0;
}
