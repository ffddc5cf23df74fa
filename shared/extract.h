/*
 * NAME
 *	extract - what a report's text names: addresses, accounts, phones, name
 * DESCRIPTION
 *	Works on UTF-8 text.  Found items are appended (without duplicates) to
 *	the caller's lists; the caller owns them, and a list's cap (max)
 *	bounds how many are kept.  Chinese text puts full-width punctuation
 *	straight after an address, so an address ends at the first character
 *	outside printable ASCII.
 *
 *	Every function here takes time linear in the length of its text
 *	(the text is a sender's): no position is scanned again from a later
 *	one, trailing punctuation is trimmed with counts kept on the way, and
 *	lists are hashed (util.h).  tests/bench/bench-complexity.sh measures
 *	it; tests/t-complexity.sh guards it in CI.
 */
#ifndef JUBAO_EXTRACT_H
#define JUBAO_EXTRACT_H

#include "util.h"

void	 extract_urls(const char *text, strlist *out);
void	 extract_accounts(const char *text, strlist *out);
void	 extract_phones(const char *text, strlist *out);
char	*extract_name(const char *text);
char	*extract_labelled(const char *text, const char *const *labels);
char	*extract_redact(const char *text, const strlist *secrets);

#endif
