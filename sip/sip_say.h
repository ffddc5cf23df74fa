/*
 * NAME
 *	sip_say.h - numbers and dates as prompts, spoken the Chinese way
 * DESCRIPTION
 *	A day of the month is said as Chinese numerals, not digit by digit:
 *	3 三, 10 十, 11 十一, 20 二十, 21 二十一; a date as 十二月三日 (local
 *	time).  Made of the prompts digit1 ... digit9, ten, month and day.
 *
 *	Pure functions, in a header of their own so that tests/unit/t_unit.c
 *	tests them without the bridge's objects; only sip_call.c uses them.
 */
#ifndef JUBAO_SIP_SAY_H
#define JUBAO_SIP_SAY_H

#include <time.h>

#include "sip.h"

#define SAY_DATE_MAX	8	/* 十二月三十一日 is 7 prompts */

/*
 * say_number - n (1..99, dates use 1..31) as prompt ids into out, at
 * most max; returns how many, or -1 when n is out of range or max is
 * too small (nothing is said then).
 */
static inline int
say_number(int n, int *out, int max)
{
	int	 k = 0, tens = n / 10, ones = n % 10;

	if (n < 1 || n > 99 || max < 3)
		return (-1);
	if (tens > 1)				/* 二十, not 十 */
		out[k++] = PR_DIGIT0 + tens;
	if (tens > 0)
		out[k++] = PR_TEN;
	if (ones > 0)				/* 二十, not 二十零 */
		out[k++] = PR_DIGIT0 + ones;
	return (k);
}

/*
 * say_date - the month and day of t in local time, 「十二月三日」, as
 * prompt ids into out (at least SAY_DATE_MAX); how many, or -1.
 */
static inline int
say_date(time_t t, int *out, int max)
{
	struct tm	 tm;
	int		 k, n;

	if (max < SAY_DATE_MAX || localtime_r(&t, &tm) == NULL ||
	    (k = say_number(tm.tm_mon + 1, out, max)) < 0)
		return (-1);
	out[k++] = PR_MONTH;
	if ((n = say_number(tm.tm_mday, out + k, max - k)) < 0)
		return (-1);
	k += n;
	out[k++] = PR_DAY;
	return (k);
}

#endif
