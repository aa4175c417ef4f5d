/* Fuzz the alerts area's Alertmanager parsers on the same bytes: alerts
 * (grouped, indexed), silences (counted against the alerts, and rebuilt
 * into a POST body that must be JSON again), status, silence id, errors;
 * and the bytes as one alert, read by am_alert_scan() as cJSON reads them. */
#include "ceres/sources/alerts.h"
#include "ceres/features/alerts.h"
#include "ceres/util/util.h"
#include "fuzz.h"
#include "alerts_scan_check.h"

#include <cJSON.h>

static void
check_alerts(const struct alert_set *as)
{
	size_t covered = 0;

	FUZZ_ASSERT(as->ncritical + as->nwarning <= as->n);
	for (size_t i = 0; i < as->n; i++) {
		const struct alert *a = &as->alerts[i];

		FUZZ_ASSERT(a->fingerprint != NULL && a->alertname != NULL && a->severity != NULL);
		FUZZ_ASSERT(fuzz_clean(a->d_alertname, 0, 0) && fuzz_clean(a->d_summary, 0, 0));
		for (size_t k = 1; k < a->nlabels; k++)
			FUZZ_ASSERT(strcmp(a->labels[k - 1].name, a->labels[k].name) < 0);
		FUZZ_ASSERT(alert_set_find(as, a->fingerprint) != NULL);
	}
	for (size_t g = 0; g < as->ngroups; g++) {
		const struct alert_group *gr = &as->groups[g];

		FUZZ_ASSERT(gr->first + gr->n <= as->n && gr->n > 0);
		FUZZ_ASSERT(fuzz_clean(gr->d_alertname, 0, 0) && fuzz_clean(gr->d_severity, 0, 0));
		FUZZ_ASSERT(fuzz_clean(gr->d_summary, 0, 0));
		covered += gr->n;
	}
	FUZZ_ASSERT(covered == as->n);
}

/* The bytes fed in pieces of 1 to 61 bytes (an alert cut by a piece's
 * end is framed, one whole in a piece is read from it at once) give what
 * one piece gives: the same alerts in the same order, or the same error. */
static void
check_pieces(const char *buf, size_t size, const struct alert_set *one, const char *one_cause)
{
	struct alerts_stream *st = alerts_stream_new(0, NULL);
	struct alert_set *ps = NULL;
	char *cause = NULL;
	size_t at = 0;
	unsigned step = size > 0 ? (unsigned char)buf[size - 1] % 97u + 1u : 1u;

	while (at < size) {
		size_t n = (at * 7 + step) % 61 + 1;

		if (n > size - at)
			n = size - at;
		alerts_stream_feed(buf + at, n, st);
		at += n;
	}
	if (alerts_stream_finish(st, &ps, &cause) == 0) {
		FUZZ_ASSERT(one != NULL);
		FUZZ_ASSERT(ps->n == one->n && ps->malformed == one->malformed);
		FUZZ_ASSERT(ps->duplicates == one->duplicates && ps->ngroups == one->ngroups);
		for (size_t i = 0; i < ps->n; i++) {
			FUZZ_ASSERT(strcmp(ps->alerts[i].fingerprint, one->alerts[i].fingerprint) == 0);
			FUZZ_ASSERT(strcmp(ps->alerts[i].summary, one->alerts[i].summary) == 0);
			FUZZ_ASSERT(ps->alerts[i].nlabels == one->alerts[i].nlabels);
			for (size_t k = 0; k < ps->alerts[i].nlabels; k++)
				FUZZ_ASSERT(strcmp(ps->alerts[i].labels[k].value, one->alerts[i].labels[k].value) == 0);
		}
	} else {
		FUZZ_ASSERT(one == NULL && one_cause != NULL && cause != NULL);
		FUZZ_ASSERT(strcmp(cause, one_cause) == 0);
	}
	free(cause);
	alert_set_free(ps);
	alerts_stream_free(st);
}

FUZZ_TARGET(alerts)
{
	char *buf = fuzz_copy(data, size), *cause = NULL, *id = NULL, *err;
	struct alert_set *as = NULL;
	struct silence_set *ss = NULL;
	struct am_status st;
	const char *why;

	/* The bytes as one alert: read by the scan as cJSON reads them. */
	FUZZ_ASSERT(scan_matches_cjson(buf, size, &why) != SCAN_MISMATCH);
	if (alerts_parse(buf, size, &as, &cause) == 0) {
		check_alerts(as);
		check_pieces(buf, size, as, NULL);
	} else {
		FUZZ_ASSERT(cause != NULL);
		as = NULL;
		check_pieces(buf, size, NULL, cause);
		free(cause);
	}
	cause = NULL;
	if (silences_parse(buf, size, &ss, &cause) == 0) {
		if (as != NULL)
			silence_set_count(ss, as);
		for (size_t i = 0; i < ss->n; i++) {
			const struct silence *s = &ss->v[i];
			char *body = am_silence_body(s->matchers, s->nmatchers, s->id, s->starts_at,
			    s->starts, s->ends, s->created_by, s->comment);
			cJSON *j = cJSON_Parse(body);

			/* What we send back is JSON, whatever came in. */
			FUZZ_ASSERT(j != NULL);
			cJSON_Delete(j);
			free(body);
			FUZZ_ASSERT(silence_set_find(ss, s->id) != NULL);
		}
		silence_set_free(ss);
	} else {
		FUZZ_ASSERT(cause != NULL);
		free(cause);
	}
	cause = NULL;
	if (am_status_parse(buf, size, &st, &cause) == 0)
		FUZZ_ASSERT(memchr(st.cluster, '\0', sizeof st.cluster) && memchr(st.version, '\0', sizeof st.version));
	else
		free(cause);
	cause = NULL;
	if (am_silence_id_parse(buf, size, &id, &cause) == 0)
		free(id);
	else
		free(cause);
	err = am_error_text(size > 0 ? 400 + data[0] % 200 : 500, buf, size);
	FUZZ_ASSERT(fuzz_clean(err, 1, 0));
	free(err);
	alert_set_free(as);
	free(buf);
	return 0;
}
