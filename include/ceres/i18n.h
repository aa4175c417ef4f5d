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

/* A counted phrase for the status summary (status_note): the English
 * forms in --once output, whose nagios line and JSON are read by
 * programs, and the translation with the language's plural forms in the
 * console header.  Use as
 *   status_note(st, status_plural(app, "%zu down", "%zu down", n), n);
 * (xgettext knows it as a keyword: po/Makevars). */
struct app;
const char *status_plural(const struct app *app, const char *singular, const char *plural,
    unsigned long n) __attribute__((format_arg(2), format_arg(3)));

#endif
