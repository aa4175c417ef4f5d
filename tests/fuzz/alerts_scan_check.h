/* Does am_alert_scan() read an element as cJSON does?  The element is
 * read both ways, each into an arena of its own, and the two alerts are
 * compared field by field.  Used by tests/unit/test_alerts_scan.c and
 * by fuzz_alerts. */
#ifndef CERES_TESTS_ALERTS_SCAN_CHECK_H
#define CERES_TESTS_ALERTS_SCAN_CHECK_H

#include "ceres/sources/alerts.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

enum { SCAN_MISMATCH = 0, SCAN_SAME = 1, SCAN_GAVE_UP = 2 };

static int
scan_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
scan_pairs_eq(const struct alert_pair *a, size_t na, const struct alert_pair *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!scan_str_eq(a[i].name, b[i].name) || !scan_str_eq(a[i].value, b[i].value))
			return 0;
	return 1;
}

static int
scan_strs_eq(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!scan_str_eq(a[i], b[i]))
			return 0;
	return 1;
}

/* The first field that differs, or NULL. */
static const char *
scan_alert_diff(const struct alert *a, const struct alert *b)
{
#define S(f)	if (!scan_str_eq(a->f, b->f)) return #f
	S(fingerprint); S(alertname); S(severity); S(summary); S(am_state);
	S(starts_at); S(ends_at); S(updated_at); S(generator_url); S(d_alertname); S(d_summary);
#undef S
	if (a->state != b->state) return "state";
	if (a->sev != b->sev) return "sev";
	if (a->starts != b->starts || a->ends != b->ends) return "times";
	if (!scan_pairs_eq(a->labels, a->nlabels, b->labels, b->nlabels)) return "labels";
	if (!scan_pairs_eq(a->annotations, a->nannotations, b->annotations, b->nannotations))
		return "annotations";
	if (!scan_strs_eq(a->silenced_by, a->nsilenced_by, b->silenced_by, b->nsilenced_by))
		return "silenced_by";
	if (!scan_strs_eq(a->inhibited_by, a->ninhibited_by, b->inhibited_by, b->ninhibited_by))
		return "inhibited_by";
	if (!scan_strs_eq(a->muted_by, a->nmuted_by, b->muted_by, b->nmuted_by)) return "muted_by";
	if (!scan_strs_eq(a->receivers, a->nreceivers, b->receivers, b->nreceivers)) return "receivers";
	return NULL;
}

/* SCAN_SAME: the scan read the element and gave what cJSON gives;
 * SCAN_GAVE_UP: it left the element to cJSON; SCAN_MISMATCH (why says
 * how): it read something cJSON reads otherwise, or refuses. */
static int
scan_matches_cjson(const char *el, size_t len, const char **why)
{
	struct alerts_arena a1 = { 0 }, a2 = { 0 };
	struct am_raw raw = { 0 };
	struct alert x, y;
	cJSON *j = cJSON_ParseWithLength(el, len);
	int rc1, rc2, out = SCAN_SAME;

	*why = NULL;
	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	rc1 = j != NULL ? am_alert_from_json(&a1, j, &x) : -2;
	if (am_alert_scan(el, len, &raw) != 0)
		out = SCAN_GAVE_UP;
	else if (j == NULL) {
		*why = "read what cJSON refuses";
		out = SCAN_MISMATCH;
	} else if ((rc2 = am_alert_build(&a2, &raw, &y)) != rc1) {
		*why = rc1 == 0 ? "not an alert, cJSON's is" : "an alert, cJSON's is not";
		out = SCAN_MISMATCH;
	} else if (rc1 == 0 && (*why = scan_alert_diff(&x, &y)) != NULL)
		out = SCAN_MISMATCH;
	cJSON_Delete(j);
	am_raw_free(&raw);
	alerts_arena_free(&a1);
	alerts_arena_free(&a2);
	return out;
}

#endif
