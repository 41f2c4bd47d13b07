/* Manifest defaults that read other variables: `hello_path: { default: test/hello/${hello_name} }`
 * so that setting the one name a user knows (hello_name) is enough. */
#ifndef AC_DEFAULTS_H
#define AC_DEFAULTS_H
#include "model.h"
#include "vars.h"

/* For every declared variable whose value in root is still its own manifest default and whose
 * default holds a template, replaces the value with the default interpolated once against root
 * (after environment, vars files, --var and fallbacks are applied, so `--var hello_name=zed`
 * counts), in declaration order; the result is not interpolated again. A value set any other
 * way (--var hello_path=...) is left alone. The result is secret when the default is or when
 * it read a secret. Returns -1 with *err (caller frees; names the variable, never a value) when
 * a default reads a variable that is not set. */
int ac_defaults_expand(ac_scope *root, const ac_manifest *man, char **err);

#endif
