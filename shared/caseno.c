/*
 * NAME
 *	caseno - case numbers with a Damm check digit, receipt PINs
 * DESCRIPTION
 *	The Damm algorithm (H. M. Damm, 2004) uses a totally anti-symmetric
 *	quasigroup of order 10; unlike Luhn it also catches 09/90.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "caseno.h"

static const unsigned char damm[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

/* caseno_check_digit - the Damm digit of len digits; -1 on a non-digit */
int
caseno_check_digit(const char *d, size_t len)
{
	size_t	 i;
	int	 interim = 0;

	for (i = 0; i < len; i++) {
		if (d[i] < '0' || d[i] > '9')
			return (-1);
		interim = damm[interim][d[i] - '0'];
	}
	return (interim);
}

/* caseno_format - YYMMDD + seq (>= 5 digits) + check digit; 0 or -1 */
int
caseno_format(char *out, size_t outlen, time_t day, long seq)
{
	struct tm	 tm;
	int		 n, c;

	if (seq < 1 || localtime_r(&day, &tm) == NULL)
		return (-1);
	n = snprintf(out, outlen, "%02d%02d%02d%05ld", tm.tm_year % 100,
	    tm.tm_mon + 1, tm.tm_mday, seq);
	if (n < 0 || (size_t)n + 2 > outlen)
		return (-1);
	c = caseno_check_digit(out, (size_t)n);
	out[n] = (char)('0' + c);
	out[n + 1] = '\0';
	return (0);
}

/* caseno_valid - 1 when s is a well-formed case number with a good digit */
int
caseno_valid(const char *s)
{
	size_t	 len = strlen(s);

	if (len < 12 || len > 20)
		return (0);
	return (caseno_check_digit(s, len) == 0);
}

/* jb_before - is the digit run at s preceded by "JB" (and " ", ":", "-") */
static int
jb_before(const char *text, const char *s)
{
	const char	*b = s;

	while (b > text && (b[-1] == ' ' || b[-1] == ':' || b[-1] == '-' ||
	    b[-1] == '#'))
		b--;
	if (b - text < 2 || strncasecmp(b - 2, "JB", 2) != 0)
		return (0);
	return (b - 2 == text || !isalnum((unsigned char)b[-3]));
}

/*
 * caseno_find - the first valid case number in text written as "JB NNNN"
 * (our subjects say "[JB NNNN]"; "JB:", "JB-" and "JBNNNN" too); 0 found,
 * -1 none.  A bare number is not taken: one in ten random numbers passes
 * the check digit.  A number with a bad check digit is a typo: passed over.
 */
int
caseno_find(const char *text, char *out, size_t outlen)
{
	const char	*p = text, *s;
	size_t		 len;

	while (*p) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		s = p;
		while (isdigit((unsigned char)*p))
			p++;
		len = (size_t)(p - s);
		if (!jb_before(text, s))
			continue;
		if (isalpha((unsigned char)*p))
			continue;
		if (len >= 12 && len <= 20 && len < outlen &&
		    caseno_check_digit(s, len) == 0) {
			memcpy(out, s, len);
			out[len] = '\0';
			return (0);
		}
	}
	return (-1);
}

/* pin_generate - PIN_LEN random digits; 0 or -1 */
int
pin_generate(char *out, size_t outlen)
{
	size_t	 i;

	if (outlen < PIN_LEN + 1 || sodium_init() < 0)
		return (-1);
	for (i = 0; i < PIN_LEN; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[PIN_LEN] = '\0';
	return (0);
}
