/* Manifest defaults that read other variables (defaults.h). */
#include "defaults.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int ac_defaults_expand(ac_scope *root, const ac_manifest *man, char **err)
{
    for (size_t i = 0; i < man->n_vars; i++) {
        const ac_var_decl *d = &man->vars[i];
        if (d->command || !d->default_value || !strstr(d->default_value, "${")) continue;
        const ac_var *v = ac_scope_get(root, d->name);
        /* Only the default itself is expanded: a value the user gave is used as given. */
        if (!v || v->source != AC_VSRC_DEFAULT || strcmp(v->value, d->default_value) != 0) continue;
        ac_ival iv;
        char *why = NULL;
        if (ac_interpolate(root, d->default_value, strlen(d->default_value), &iv, &why) < 0) {
            *err = ac_sprintf("the default of variable '%s': %s", d->name, why ? why : "invalid template");
            free(why);
            return -1;
        }
        ac_scope_set(root, d->name, iv.str, iv.len, v->secret || iv.secret, AC_VSRC_DEFAULT);
        ac_ival_free(&iv);
    }
    return 0;
}
