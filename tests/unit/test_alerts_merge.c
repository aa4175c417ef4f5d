/* A round that changes only some alerts: the alerts kept from the last
 * round are not sorted again, only the new and changed ones, merged into
 * the kept order (alert_set_group_merge).  Over random rounds (alerts
 * added, removed, changed, reordered, listed twice) the set is the one a
 * full parse and sort gives: the same order, groups and counts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceres/sources/alerts.h"
#include "ceres/util/util.h"

#define POOL	300

struct fake {
	int	 live;
	int	 name, sev, start, state, version;
};

static unsigned rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void
alert_json(struct strbuf *sb, int id, const struct fake *f)
{
	static const char *names[] = { "HostDown", "DiskFull", "ApiSlow", "Ünïcödé" };
	static const char *sevs[] = { "critical", "warning", "info", "page" };
	static const char *states[] = { "active", "suppressed", "unprocessed" };

	strbuf_addf(sb, "{\"labels\":{\"alertname\":\"%s\",\"severity\":\"%s\",\"instance\":\"h%d\","
	    "\"job\":\"node\"},\"annotations\":{\"summary\":\"alert %d v%d\"},"
	    "\"startsAt\":\"2026-12-07T08:%02d:00Z\",\"endsAt\":\"2026-12-07T12:00:00Z\","
	    "\"updatedAt\":\"2026-12-07T09:00:00Z\",\"fingerprint\":\"%016x\","
	    "\"status\":{\"state\":\"%s\",\"silencedBy\":[%s],\"inhibitedBy\":[]},"
	    "\"receivers\":[{\"name\":\"null\"}]}",
	    names[f->name], sevs[f->sev], id, id, f->version, f->start, (unsigned)id * 2654435761u,
	    states[f->state], f->state == 1 ? "\"s1\"" : "");
}

/* The live alerts in a random order, some listed twice (a changed copy
 * after the first: the first wins), and a malformed element now and then. */
static char *
answer(const struct fake *pool)
{
	int order[POOL];
	struct strbuf sb;
	int n = 0;

	for (int i = 0; i < POOL; i++)
		if (pool[i].live)
			order[n++] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)rnd((unsigned)i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	strbuf_init(&sb);
	strbuf_adds(&sb, "[");
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strbuf_adds(&sb, ",");
		alert_json(&sb, order[i], &pool[order[i]]);
		if (rnd(40) == 0) {
			struct fake twin = pool[order[i]];

			twin.version += 100;
			twin.start = (twin.start + 7) % 60;
			strbuf_adds(&sb, ",");
			alert_json(&sb, order[i], &twin);
		}
		if (rnd(100) == 0)
			strbuf_adds(&sb, ",{\"labels\":7}");
	}
	strbuf_adds(&sb, "]");
	return strbuf_detach(&sb);
}

static void
same_set(const struct alert_set *a, const struct alert_set *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->duplicates, b->duplicates);
	assert_int_equal(a->malformed, b->malformed);
	assert_int_equal(a->ncritical, b->ncritical);
	assert_int_equal(a->nwarning, b->nwarning);
	assert_int_equal(a->nsuppressed, b->nsuppressed);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->alerts[i].fingerprint, b->alerts[i].fingerprint);
		assert_string_equal(a->alerts[i].summary, b->alerts[i].summary);
		assert_true(a->alerts[i].starts == b->alerts[i].starts);
		assert_ptr_equal(alert_set_find(a, a->alerts[i].fingerprint), &a->alerts[i]);
	}
	assert_int_equal(a->ngroups, b->ngroups);
	for (size_t g = 0; g < a->ngroups; g++) {
		const struct alert_group *x = &a->groups[g], *y = &b->groups[g];

		assert_int_equal(x->first, y->first);
		assert_int_equal(x->n, y->n);
		assert_int_equal(x->nactive, y->nactive);
		assert_int_equal(x->nsilenced, y->nsilenced);
		assert_int_equal(x->ninhibited, y->ninhibited);
		assert_int_equal(x->ncommon, y->ncommon);
		assert_string_equal(x->d_summary, y->d_summary);
		assert_true(x->oldest == y->oldest);
	}
}

static void
test_rounds(void **state)
{
	struct fake pool[POOL];
	struct alert_set *prev = NULL;
	size_t merged_rounds = 0;

	(void)state;
	memset(pool, 0, sizeof pool);
	for (int i = 0; i < POOL; i++) {
		pool[i] = (struct fake){ .live = rnd(3) != 0, .name = (int)rnd(4), .sev = (int)rnd(4),
		    .start = (int)rnd(5), .state = (int)rnd(3) };
	}
	for (int round = 0; round < 60; round++) {
		char *buf = answer(pool), *cause = NULL;
		struct alert_set *full = NULL, *got = NULL;
		struct alerts_stream *st = alerts_stream_new(0, prev);
		int rc;

		assert_int_equal(alerts_parse(buf, strlen(buf), &full, &cause), 0);
		assert_true(full->n > POOL / 2 && full->ngroups > 8);
		alerts_stream_feed(buf, strlen(buf) / 3, st);
		alerts_stream_feed(buf + strlen(buf) / 3, strlen(buf) - strlen(buf) / 3, st);
		rc = alerts_stream_finish(st, &got, &cause);
		alerts_stream_free(st);
		assert_true(rc == 0 || rc == 1);
		if (rc == 1) {
			same_set(prev, full);	/* nothing changed: prev stands */
			alert_set_free(full);
		} else {
			same_set(got, full);
			merged_rounds += prev != NULL;
			alert_set_free(full);
			alert_set_free(prev);
			prev = got;
		}
		free(buf);
		/* The next round: a few alerts change, go or come. */
		for (int k = 0, m = (int)rnd(12); k < m; k++) {
			struct fake *f = &pool[rnd(POOL)];

			switch (rnd(5)) {
			case 0: f->live = !f->live; break;
			case 1: f->start = (int)rnd(5); f->version++; break;
			case 2: f->sev = (int)rnd(4); break;
			case 3: f->state = (int)rnd(3); break;
			default: f->version++; break;
			}
		}
	}
	assert_true(merged_rounds > 30);
	alert_set_free(prev);
}

/* The reference order (alert_cmp's): severity class, severity,
 * alertname, start, fingerprint. */
static int
ref_cmp(const struct alert *a, const struct alert *b)
{
	int c;

	if (a->sev != b->sev)
		return a->sev < b->sev ? -1 : 1;
	if ((c = strcmp(a->severity, b->severity)) != 0)
		return c;
	if ((c = strcmp(a->alertname, b->alertname)) != 0)
		return c;
	if (a->starts != b->starts)
		return a->starts < b->starts ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

/* A full sort of a set whose names are not all interned (more distinct
 * names than the intern table takes, names past its length limit, so
 * equal names sit at several addresses) is in the reference order, and
 * every group is every alert of one (class, severity, alertname). */
static void
test_order_uninterned(void **state)
{
	static const char *sevs[] = { "critical", "warning", "info", "Critical", "", "page", "zzz" };
	char longname[200], *cause = NULL;
	struct alert_set *set = NULL;
	struct strbuf sb;
	size_t n = 3000, groups = 0;

	(void)state;
	memset(longname, 'L', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	strbuf_init(&sb);
	strbuf_addc(&sb, '[');
	for (size_t i = 0; i < n; i++) {
		unsigned nm = rnd(700), sv = rnd(7);

		strbuf_addf(&sb, "%s{\"labels\":{\"alertname\":\"%s%u\",\"severity\":\"%s\","
		    "\"i\":\"%zu\"},\"annotations\":{},\"startsAt\":\"2026-12-07T08:%02u:00Z\","
		    "\"endsAt\":\"2026-12-07T12:00:00Z\",\"updatedAt\":\"2026-12-07T09:00:00Z\","
		    "\"fingerprint\":\"%08x%08zx\",\"status\":{\"state\":\"active\"},\"receivers\":[]}",
		    i > 0 ? "," : "", nm % 3 == 0 ? longname : "n", nm, sevs[sv], i, rnd(4),
		    rnd(1u << 30), i);
	}
	strbuf_addc(&sb, ']');
	assert_int_equal(alerts_parse(sb.buf, sb.len, &set, &cause), 0);
	assert_int_equal(set->n, n);
	for (size_t i = 0; i + 1 < n; i++)
		assert_true(ref_cmp(&set->alerts[i], &set->alerts[i + 1]) < 0);
	for (size_t i = 0; i < n; i++) {
		const struct alert *a = &set->alerts[i];

		groups += i == 0 || a->sev != a[-1].sev || strcmp(a->severity, a[-1].severity) != 0 ||
		    strcmp(a->alertname, a[-1].alertname) != 0;
		assert_ptr_equal(alert_set_find(set, a->fingerprint), a);
	}
	assert_int_equal(set->ngroups, groups);
	assert_true(groups > 1000);
	alert_set_free(set);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rounds),
		cmocka_unit_test(test_order_uninterned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
