/* accounts: tests of the account states and records of the reference server. */
#ifndef RS_TEST_ACCOUNTS_H
#define RS_TEST_ACCOUNTS_H

/* The "accounts" test group. */
void group_accounts(void);

#endif
