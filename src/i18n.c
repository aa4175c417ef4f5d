/* Translation helpers that need more than a macro: counted phrases of the
 * status summary, which are a machine interface in --once (nagios line,
 * JSON "summary") and text for people in the console header. */
#include "ceres/app.h"
#include "ceres/i18n.h"

const char *
status_plural(const struct app *app, const char *singular, const char *plural, unsigned long n)
{
	if (app != NULL && app->ui != NULL)
		return P_(singular, plural, n);
	return n == 1 ? singular : plural;
}
