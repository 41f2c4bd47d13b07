/* "Did you mean ...?": edit distance and the closest candidate (suggest.h). */
#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ac_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return SIZE_MAX;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            if (prev + cost < best) best = prev + cost;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

void ac_suggest_add(ac_suggest *c, const char *s)
{
    if (!s) return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = ac_realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = s;
}

void ac_suggest_add_list(ac_suggest *c, const char *const *list)
{
    for (; list && *list; list++) ac_suggest_add(c, *list);
}

void ac_suggest_add_strlist(ac_suggest *c, const ac_strlist *l)
{
    for (size_t i = 0; l && i < l->n; i++) ac_suggest_add(c, l->items[i]);
}

void ac_suggest_free(ac_suggest *c)
{
    if (!c) return;
    free(c->v);
    memset(c, 0, sizeof *c);
}

const char *ac_suggest_best(const ac_suggest *c, const char *word)
{
    size_t wl = strlen(word);
    size_t limit = wl <= 4 ? 1 : wl <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->v[i], word) == 0) continue;
        size_t d = ac_edit_distance(word, c->v[i]);
        if (d < bestd) { bestd = d; best = c->v[i]; }
    }
    return bestd <= limit ? best : NULL;
}

const char *ac_suggest_from_list(const char *word, const char *const *list)
{
    ac_suggest c = { 0 };
    ac_suggest_add_list(&c, list);
    const char *s = ac_suggest_best(&c, word);
    ac_suggest_free(&c);
    return s;
}

void ac_did_you_mean(char *buf, size_t size, const char *s)
{
    if (s) snprintf(buf, size, " (did you mean '%s'?)", s);
    else if (size) buf[0] = '\0';
}
