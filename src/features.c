/* The feature table and the verdict (exit code, nagios summary and
 * perfdata) that every feature contributes to. */
#include "ceres/feature.h"
#include "ceres/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

extern const struct feature health_feature;
extern const struct feature alerts_feature;
extern const struct feature logs_feature;
extern const struct feature activity_feature;
extern const struct feature readiness_feature;

const struct feature *const features[FEATURE_COUNT] = {
	[FEATURE_HEALTH] = &health_feature,
	[FEATURE_ALERTS] = &alerts_feature,
	[FEATURE_LOGS] = &logs_feature,
	[FEATURE_ACTIVITY] = &activity_feature,
	[FEATURE_READINESS] = &readiness_feature,
};

int
feature_index(const char *name)
{
	for (int i = 0; i < FEATURE_COUNT; i++)
		if (strcmp(features[i]->name, name) == 0)
			return i;
	return -1;
}

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
	if (code == STATUS_UNKNOWN) {
		if (st->code == STATUS_OK)
			st->code = STATUS_UNKNOWN;
		return;
	}
	if (st->code == STATUS_UNKNOWN || code > st->code)
		st->code = code > st->code || st->code == STATUS_UNKNOWN ? code : st->code;
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
	if (max >= 0)
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
