/* near_secret: almost-right secrets that the cred-near-* deviations accept. The password itself is
 * not kept (users.h), so each deviation turns the secret it received back into the candidate the
 * sloppy comparison would have matched, and checks that candidate's MAC. */
#include "near_secret.h"

#include "deviations.h"
#include "users.h"

#include <openssl/crypto.h>
#include <string.h>

/* The longest secret the prefix and suffix searches look at: it bounds the MACs one request can
 * cost (passwords of the test accounts are far shorter). */
#define NEAR_MAX_LEN 256

/* cred-near-appended: strncmp(sent, stored, strlen(stored)) accepts any secret that starts with
 * the stored one: some proper prefix of the sent secret is the password. */
static bool prefix_is_secret(const rs_users *u, const rs_user *who, const char *secret,
                             size_t len)
{
  for (size_t n = 1; n < len && n <= NEAR_MAX_LEN; n++) {
    if (rs_users_secret_is(u, who, secret, n))
      return true;
  }
  return false;
}

/* cred-near-truncated: a comparison loop that stops one character short never looks at the
 * stored secret's last character, so the password without it passes: some byte appended to the
 * sent secret gives the password. */
static bool one_short_of_secret(const rs_users *u, const rs_user *who, const char *secret,
                                size_t len)
{
  char buf[NEAR_MAX_LEN + 1];
  if (len >= NEAR_MAX_LEN)
    return false;
  memcpy(buf, secret, len);
  bool found = false;
  for (int c = 1; c < 256 && !found; c++) {
    buf[len] = (char)c;
    found = rs_users_secret_is(u, who, buf, len + 1);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return found;
}

/* cred-near-whitespace: trailing spaces, tabs and line breaks trimmed before the comparison. */
static bool trimmed_is_secret(const rs_users *u, const rs_user *who, const char *secret,
                              size_t len)
{
  size_t n = len;
  while (n > 0 && strchr(" \t\r\n", secret[n - 1]))
    n--;
  return n > 0 && n < len && rs_users_secret_is(u, who, secret, n);
}

bool rs_near_secret_accepted(const rs_users *u, const rs_user *who, const char *secret)
{
  size_t len = strlen(secret);
  if (rs_dev_on(DEV_CRED_NEAR_APPENDED) && prefix_is_secret(u, who, secret, len))
    return true;
  if (rs_dev_on(DEV_CRED_NEAR_TRUNCATED) && one_short_of_secret(u, who, secret, len))
    return true;
  if (rs_dev_on(DEV_CRED_NEAR_CASE) && rs_users_secret_is_folded(u, who, secret, len))
    return true;
  if (rs_dev_on(DEV_CRED_NEAR_WHITESPACE) && trimmed_is_secret(u, who, secret, len))
    return true;
  return false;
}
