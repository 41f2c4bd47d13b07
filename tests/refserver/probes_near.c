/* probes_near: probes of the deviations that accept an almost-right secret for alice (password
 * "secret"). A correct server refuses every one of these secrets. */
#include "probes_near.h"

#include "probes_util.h"

#include <stddef.h>
#include <string.h>

#define FORM(secret) "grant_type=client_credentials&client_id=alice&client_secret=" secret

static bool issued(const struct srv *s, const char *form) { return token_status(s, form) == 200; }

bool p_near_empty(const struct srv *s) { return issued(s, FORM("")); }

bool p_near_appended(const struct srv *s) { return issued(s, FORM("secretx")); }

bool p_near_truncated(const struct srv *s) { return issued(s, FORM("secre")); }

bool p_near_case(const struct srv *s) { return issued(s, FORM("SECRET")); }

/* A trailing space and a trailing tab: a trim that only knows spaces shows half the defect. */
bool p_near_whitespace(const struct srv *s)
{
  return issued(s, FORM("secret%20")) && issued(s, FORM("secret%09"));
}

bool p_near_nul(const struct srv *s) { return issued(s, FORM("secret%00junk")); }

void near_narrowness(void)
{
  static const struct {
    const char *deviation;
    bool (*see)(const struct srv *s);
  } near[] = {
    {"cred-near-empty-secret", p_near_empty}, {"cred-near-appended", p_near_appended},
    {"cred-near-truncated", p_near_truncated}, {"cred-near-case", p_near_case},
    {"cred-near-whitespace", p_near_whitespace}, {"cred-near-nul", p_near_nul},
  };
  /* The one unavoidable overlap: trailing whitespace is appended characters too. */
  static const char appended[] = "cred-near-appended", whitespace[] = "cred-near-whitespace";
  size_t n = sizeof near / sizeof near[0];
  for (size_t i = 0; i < n; i++) {
    struct srv s;
    const char *args[] = {"--user", "alice:secret", "--deviate", near[i].deviation, NULL};
    if (!ok(srv_start(&s, args) == 0, "%s: server starts", near[i].deviation))
      continue;
    size_t others = 0;
    for (size_t k = 0; k < n; k++) {
      bool implied =
        !strcmp(near[i].deviation, appended) && !strcmp(near[k].deviation, whitespace);
      if (k != i && !implied && near[k].see(&s)) {
        diag("%s also shows %s", near[i].deviation, near[k].deviation);
        others++;
      }
    }
    is_long((long)others, 0, "%s: no other near-miss is accepted", near[i].deviation);
    ok(!issued(&s, "grant_type=client_credentials&client_id=nobody-at-all&client_secret="),
       "%s: an unknown client_id with an empty secret is still refused", near[i].deviation);
    srv_stop(&s);
  }
}
