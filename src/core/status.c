/* The verdict every feature contributes to (exit code, summary, nagios
 * perfdata), and the counted phrases of its summary, which are a machine
 * interface in --once (nagios line, JSON "summary") and text for people
 * in the console header. */
#include "ceres/core/app.h"
#include "ceres/core/feature.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
status_init(struct status *st)
{
	st->code = STATUS_OK;
	strbuf_init(&st->summary);
	strbuf_init(&st->perf);
	strbuf_add(&st->summary, "", 0);
	strbuf_add(&st->perf, "", 0);
}

void
status_free(struct status *st)
{
	strbuf_free(&st->summary);
	strbuf_free(&st->perf);
}

/* OK < WARNING < CRITICAL, and UNKNOWN only replaces OK: a known
 * critical problem is more useful to a pager than "unknown". */
void
status_raise(struct status *st, enum status_code code)
{
	/* Worst first: CRITICAL > WARNING > UNKNOWN > OK. */
	static const int rank[] = {
		[STATUS_OK] = 0, [STATUS_UNKNOWN] = 1,
		[STATUS_WARNING] = 2, [STATUS_CRITICAL] = 3,
	};

	if (rank[code] > rank[st->code])
		st->code = code;
}

void
status_note(struct status *st, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	if (st->summary.len > 0)
		strbuf_adds(&st->summary, ", ");
	strbuf_adds(&st->summary, p);
	free(p);
}

void
status_perf(struct status *st, const char *label, double value, double max)
{
	if (st->perf.len > 0)
		strbuf_addc(&st->perf, ' ');
	if (isnan(value))	/* not known: the plugin guidelines' "U" */
		strbuf_addf(&st->perf, "%s=U", label);
	else if (max >= 0)
		strbuf_addf(&st->perf, "%s=%g;;;0;%g", label, value, max);
	else
		strbuf_addf(&st->perf, "%s=%g", label, value);
}

const char *
status_name(enum status_code c)
{
	switch (c) {
	case STATUS_OK: return "ok";
	case STATUS_WARNING: return "warning";
	case STATUS_CRITICAL: return "critical";
	default: return "unknown";
	}
}

const char *
status_plural(const struct app *app, const char *singular, const char *plural, unsigned long n)
{
	if (app != NULL && app->ui != NULL)
		return P_(singular, plural, n);
	return n == 1 ? singular : plural;
}

void
feature_json_slot(cJSON *root, const char *key, const char *name)
{
	char *mark = xasprintf("%c%s%c", FEATURE_SLOT_MARK, name, FEATURE_SLOT_MARK);
	cJSON *r = cJSON_CreateRaw(mark);

	free(mark);
	if (r == NULL)
		abort();
	cJSON_AddItemToObject(root, key, r);
}
