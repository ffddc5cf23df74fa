/*
 * NAME
 *	caseno - case numbers with a check digit, and receipt PINs
 * DESCRIPTION
 *	A case number is YYMMDD, a sequence of at least five digits allocated
 *	by the store inside its transaction, and one Damm check digit: all
 *	digits, so it can be read over the phone and typed on a keypad, and
 *	every single-digit error and adjacent transposition is caught.
 *	Example: 261123000017.  A receipt PIN is 6 random digits (libsodium).
 */
#ifndef JUBAO_CASENO_H
#define JUBAO_CASENO_H

#include <stddef.h>
#include <time.h>

#define CASENO_MAX	32	/* buffer size for a formatted number */
#define PIN_LEN		6

int	caseno_check_digit(const char *digits, size_t len);
int	caseno_format(char *out, size_t outlen, time_t day, long seq);
int	caseno_valid(const char *s);
int	caseno_find(const char *text, char *out, size_t outlen);
int	pin_generate(char *out, size_t outlen);

#endif
