/* gettext habits: _() for strings shown to people, N_() for static
 * tables translated where they are used.  Config keys, JSON keys and log
 * fields are never translated. */
#ifndef CERES_I18N_H
#define CERES_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s)		gettext(s)
#define P_(s, p, n)	ngettext(s, p, n)
#else
#define _(s)		(s)
#define P_(s, p, n)	((n) == 1 ? (s) : (p))
#endif
#ifndef N_
#define N_(s)		(s)
#endif

#endif
