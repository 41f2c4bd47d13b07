/* deviations: the metadata of deviations.def, its listings, and the switches the server reads. */
#include "deviations.h"

#include <stdio.h>
#include <string.h>

#define DOC "documented"
#define RFC "rfc"
#define OAUTH2 "oauth2" /* server --flavor rfc, caught by the generic suite suite/oauth2.yaml */
#define CLUSTER "cluster" /* server --cluster 3; the last node deviates (node_faults.h) */
#define MUST "must"
#define SHOULD "should"

/* Row i describes rs_dev_id i: both come from deviations.def in the same order. */
static const rs_dev_info table[DEV_COUNT] = {
#define X(id, name, check, profile, level, description) {name, check, profile, level, description},
#include "deviations.def"
#undef X
};

/* Written only by rs_dev_enable() before any server thread exists; thread creation orders these
 * writes before every later read. */
static bool enabled[DEV_COUNT];

int rs_dev_lookup(const char *name)
{
  for (int i = 0; i < DEV_COUNT; i++) {
    if (strcmp(table[i].name, name) == 0)
      return i;
  }
  return -1;
}

void rs_dev_enable(rs_dev_id id) { enabled[id] = true; }

bool rs_dev_on(rs_dev_id id) { return enabled[id]; }

bool rs_dev_needs_cluster(rs_dev_id id) { return strcmp(table[id].profile, CLUSTER) == 0; }

const char *rs_dev_name(rs_dev_id id) { return table[id].name; }

void rs_dev_list(FILE *out)
{
  for (int i = 0; i < DEV_COUNT; i++)
    fprintf(out, "%s\t%s\t%s\t%s\t%s\n", table[i].name, table[i].check, table[i].profile,
            table[i].description, table[i].level);
}

/* Writes s with every '|' escaped, so that a description cannot split a Markdown table cell. */
static void put_cell(FILE *out, const char *s)
{
  for (; *s; s++) {
    if (*s == '|')
      fputc('\\', out);
    fputc(*s, out);
  }
}

void rs_dev_list_markdown(FILE *out)
{
  fputs("| deviation | profile | level | catcher | what it simulates |\n"
        "|---|---|---|---|---|\n",
        out);
  for (int i = 0; i < DEV_COUNT; i++) {
    fprintf(out, "| `%s` | %s | %s | %s | ", table[i].name, table[i].profile, table[i].level,
            table[i].check);
    put_cell(out, table[i].description);
    fputs(" |\n", out);
  }
}
