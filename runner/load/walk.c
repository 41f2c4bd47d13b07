/* Finding case files: cleaning and joining paths, walking directories for *.yaml / *.yml. */
#include "load_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIR_DEPTH 32

/* ---- paths ------------------------------------------------------------------------------- */

/* Lexically cleans a path: drops "." and empty components, resolves "dir/..". */
static char *path_clean(const char *p)
{
    bool abs = p[0] == '/';
    ac_strlist parts = { 0 };
    char *copy = ac_strdup(p);
    char *save = NULL;
    for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (!strcmp(tok, ".")) continue;
        if (!strcmp(tok, "..")) {
            if (parts.n > 0 && strcmp(parts.items[parts.n - 1], "..") != 0) {
                free(parts.items[--parts.n]);
                continue;
            }
            if (abs) continue;
        }
        ac_strlist_push(&parts, tok);
    }
    free(copy);
    ac_buf b;
    ac_buf_init(&b);
    if (abs) ac_buf_putc(&b, '/');
    for (size_t i = 0; i < parts.n; i++) {
        if (i) ac_buf_putc(&b, '/');
        ac_buf_puts(&b, parts.items[i]);
    }
    if (b.len == 0) ac_buf_putc(&b, '.');
    ac_strlist_free(&parts);
    return ac_buf_steal(&b);
}

char *ld_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir) return path_clean(rel);
    char *j = ac_sprintf("%s/%s", dir, rel);
    char *c = path_clean(j);
    free(j);
    return c;
}

char *ld_path_dirname(const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash) return ac_strdup(".");
    if (slash == p) return ac_strdup("/");
    return ac_strndup(p, (size_t)(slash - p));
}

static int strptr_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml_name(const char *n)
{
    return ac_str_endswith(n, ".yaml") || ac_str_endswith(n, ".yml");
}

static void collect_dir(loader *L, const char *dir, ac_strlist *out, int depth)
{
    if (depth > MAX_DIR_DEPTH) {
        ac_diag_add(L->diags, AC_DIAG_ERROR, dir, 0, 0, NULL, 0,
                    "directories nested too deeply (symbolic link loop?)");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        ac_diag_add(L->diags, AC_DIAG_ERROR, dir, 0, 0, NULL, 0, "cannot open directory: %s",
                    strerror(errno));
        return;
    }
    ac_strlist names = { 0 };
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') ac_strlist_push(&names, e->d_name);
    closedir(d);
    if (names.n) qsort(names.items, names.n, sizeof *names.items, strptr_cmp);
    size_t dl = strlen(dir);
    for (size_t i = 0; i < names.n; i++) {
        char *full = (dl && dir[dl - 1] == '/') ? ac_sprintf("%s%s", dir, names.items[i])
                                                 : ac_sprintf("%s/%s", dir, names.items[i]);
        struct stat st;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) collect_dir(L, full, out, depth + 1);
            else if (S_ISREG(st.st_mode) && is_yaml_name(names.items[i])) {
                ac_strlist_push_owned(out, full);
                full = NULL;
            } else if (is_yaml_name(names.items[i])) {
                ac_diag_add(L->diags, AC_DIAG_ERROR, full, 0, 0, NULL, 0, "not a regular file");
            }
        } else if (is_yaml_name(names.items[i])) {
            /* A case file that cannot be read must not silently drop its tests. */
            int e = errno;
            struct stat lst;
            bool dangling = lstat(full, &lst) == 0 && S_ISLNK(lst.st_mode);
            ac_diag_add(L->diags, AC_DIAG_ERROR, full, 0, 0, NULL, 0, "cannot read: %s%s", strerror(e),
                        dangling ? " (a dangling symbolic link)" : "");
        }
        free(full);
    }
    ac_strlist_free(&names);
}

/* Expands paths (files and directories) into a list of case files, without duplicates. */
void ld_collect_paths(loader *L, const char *const *paths, size_t n, ac_strlist *out)
{
    ac_strlist all = { 0 };
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            ac_diag_add(L->diags, AC_DIAG_ERROR, paths[i], 0, 0, NULL, 0, "cannot read: %s",
                        strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            size_t before = all.n;
            collect_dir(L, paths[i], &all, 0);
            if (all.n == before)
                ac_diag_add(L->diags, AC_DIAG_WARNING, paths[i], 0, 0, NULL, 0,
                            "no *.yaml or *.yml files in this directory");
        } else {
            ac_strlist_push(&all, paths[i]);
        }
    }
    ac_strlist real = { 0 };
    for (size_t i = 0; i < all.n; i++) {
        char *rp = realpath(all.items[i], NULL);
        const char *key = rp ? rp : all.items[i];
        if (!ac_strlist_contains(&real, key)) {
            ac_strlist_push(&real, key);
            ac_strlist_push(out, all.items[i]);
        }
        free(rp);
    }
    ac_strlist_free(&real);
    ac_strlist_free(&all);
}
