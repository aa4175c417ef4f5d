/* The alerts answer parsed as it arrives (util/json_frame.c frames each
 * alert), and merged with the last answer: an alert whose bytes are those
 * of one in the previous set is copied from it instead of being parsed
 * and sanitized again, and an answer made only of such alerts, as many
 * as before, changes nothing: the previous set stands, with its groups
 * and order, and the console has nothing to rebuild.  When only some
 * alerts changed, only those are sorted and merged into the order of the
 * kept ones (alert_set_group_merge). */
#include "ceres/sources/alerts.h"
#include "ceres/util/json_frame.h"
#include "ceres/util/util.h"

#include <cJSON.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct alerts_stream {
	struct json_frame	 f;
	struct alert_set	*set;
	size_t			 cap;		/* slots of set->alerts and from_prev */
	size_t			*from_prev;	/* per alert: prev index + 1, 0 parsed */
	const struct alert_set	*prev;
	size_t			*table;		/* raw_hash -> prev index + 1 */
	size_t			 table_cap;	/* a power of two */
	unsigned char		*used;		/* prev alerts matched this answer */
	size_t			 matched;
	bool			 single;	/* no next round: no byte hashes */
	struct am_raw		 raw;		/* reused from alert to alert */
};

static void
index_prev(struct alerts_stream *st)
{
	const struct alert_set *p = st->prev;

	st->table_cap = 16;
	while (st->table_cap < p->n * 2)
		st->table_cap *= 2;
	st->table = xcalloc(st->table_cap, sizeof *st->table);
	st->used = xcalloc(p->n > 0 ? p->n : 1, 1);
	for (size_t i = 0; i < p->n; i++) {
		size_t k = (size_t)p->alerts[i].raw_hash & (st->table_cap - 1);

		if (p->alerts[i].raw_hash == 0)
			continue;
		while (st->table[k] != 0)
			k = (k + 1) & (st->table_cap - 1);
		st->table[k] = i + 1;
	}
}

/* The prev alert with these bytes not yet matched in this answer: index + 1, or 0. */
static size_t
find_prev(struct alerts_stream *st, uint64_t h)
{
	size_t k;

	if (st->table == NULL)
		return 0;
	for (k = (size_t)h & (st->table_cap - 1); st->table[k] != 0; k = (k + 1) & (st->table_cap - 1)) {
		size_t i = st->table[k] - 1;

		if (st->prev->alerts[i].raw_hash == h && !st->used[i]) {
			st->used[i] = 1;
			return i + 1;
		}
	}
	return 0;
}

int
am_alert_read(struct alerts_arena *a, const char *el, size_t len, struct am_raw *scratch,
    struct alert *al)
{
	cJSON *j;
	int rc;

	am_raw_reset(scratch);
	if (am_alert_scan(el, len, scratch) == 0)
		return am_alert_build(a, scratch, al);
	j = cJSON_ParseWithLength(el, len);
	rc = am_alert_from_json(a, j, al);
	cJSON_Delete(j);
	return rc;
}

/* One alert's bytes into the set: copied from the last set when they are
 * the same bytes as one of it, else read (scanned: st->raw holds them
 * read already). */
static void
add(struct alerts_stream *st, const char *el, size_t len, bool scanned)
{
	struct alert_set *set = st->set;
	struct alert *al;
	uint64_t h;
	size_t from;
	int rc;

	if (set->n == st->cap) {
		size_t got;

		st->cap = st->cap > 0 ? st->cap * 2 : 64;
		if (st->cap > SIZE_MAX / sizeof *set->alerts)	/* says so and exits */
			set->alerts = xreallocarray(set->alerts, st->cap, sizeof *set->alerts);
		set->alerts = xrealloc_huge(set->alerts, set->n * sizeof *set->alerts,
		    st->cap * sizeof *set->alerts, &got);
		st->cap = got / sizeof *set->alerts;
		st->from_prev = xreallocarray(st->from_prev, st->cap, sizeof *st->from_prev);
	}
	h = 0;
	if (!st->single && (h = hash64w(el, len, 0x616c65727473ULL)) == 0)
		h = 1;
	al = &set->alerts[set->n];
	if (h != 0 && (from = find_prev(st, h)) != 0) {
		memset(al, 0, sizeof *al);
		st->from_prev[set->n++] = from;
		st->matched++;
		return;
	}
	rc = scanned ? am_alert_build(&set->arena, &st->raw, al) :
	    am_alert_read(&set->arena, el, len, &st->raw, al);
	if (rc == 0) {
		al->raw_hash = h;
		st->from_prev[set->n++] = 0;
	} else
		set->malformed++;
}

static void
element(const char *el, size_t len, size_t offset, void *arg)
{
	struct alerts_stream *st = arg;

	(void)offset;
	if (el == NULL)
		st->set->malformed++;	/* too deep to be an alert */
	else
		add(st, el, len, false);
}

/* An alert whole in the piece that came in is read straight from it: the
 * scan finds its end, so its bytes are not framed first (the framing
 * takes the cut ones and those the scan leaves to cJSON).  The scan looks
 * at most TAKE_WINDOW bytes ahead: an alert larger than that is framed. */
#define TAKE_WINDOW	((size_t)64 << 10)

static size_t
take(const char *p, size_t n, size_t offset, void *arg)
{
	struct alerts_stream *st = arg;
	size_t used;

	(void)offset;
	am_raw_reset(&st->raw);
	if (am_alert_scan_prefix(p, n < TAKE_WINDOW ? n : TAKE_WINDOW, &st->raw, &used) != 0)
		return 0;
	add(st, p, used, true);
	return used;
}

struct alerts_stream *
alerts_stream_new(size_t max_bytes, const struct alert_set *prev)
{
	struct alerts_stream *st = xcalloc(1, sizeof *st);

	st->set = xcalloc(1, sizeof *st->set);
	st->prev = prev;
	if (prev != NULL)
		index_prev(st);
	json_frame_init(&st->f, max_bytes, element, st);
	/* With a last set, most alerts are its bytes again: framed and
	 * hashed, they are copied without being read at all. */
	if (prev == NULL)
		json_frame_take(&st->f, take);
	return st;
}

void
alerts_stream_single(struct alerts_stream *st)
{
	st->single = st->prev == NULL;
}

void
alerts_stream_feed(const char *p, size_t n, void *stream)
{
	struct alerts_stream *st = stream;

	json_frame_feed(&st->f, p, n);
}

static const char *
copy_str(struct alerts_arena *a, const char *s)
{
	return s != NULL ? alerts_arena_strdup(a, s) : NULL;
}

static struct alert_pair *
copy_pairs(struct alerts_arena *a, const struct alert_pair *p, size_t n)
{
	struct alert_pair *out;

	if (n == 0 || p == NULL)
		return NULL;
	out = alerts_arena_alloc(a, n * sizeof *out);
	for (size_t i = 0; i < n; i++) {
		out[i].name = copy_str(a, p[i].name);
		out[i].value = copy_str(a, p[i].value);
	}
	return out;
}

static const char **
copy_strs(struct alerts_arena *a, const char *const *v, size_t n)
{
	const char **out;

	if (n == 0 || v == NULL)
		return NULL;
	out = alerts_arena_alloc(a, n * sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = copy_str(a, v[i]);
	return out;
}

/* A deep copy of s into the arena of the new set. */
static void
alert_copy(struct alerts_arena *a, struct alert *d, const struct alert *s)
{
	*d = *s;
	d->fingerprint = copy_str(a, s->fingerprint);
	d->alertname = copy_str(a, s->alertname);
	d->severity = copy_str(a, s->severity);
	d->summary = copy_str(a, s->summary);
	d->am_state = copy_str(a, s->am_state);
	d->starts_at = copy_str(a, s->starts_at);
	d->ends_at = copy_str(a, s->ends_at);
	d->updated_at = copy_str(a, s->updated_at);
	d->generator_url = copy_str(a, s->generator_url);
	d->labels = copy_pairs(a, s->labels, s->nlabels);
	d->annotations = copy_pairs(a, s->annotations, s->nannotations);
	d->silenced_by = copy_strs(a, s->silenced_by, s->nsilenced_by);
	d->inhibited_by = copy_strs(a, s->inhibited_by, s->ninhibited_by);
	d->muted_by = copy_strs(a, s->muted_by, s->nmuted_by);
	d->receivers = copy_strs(a, s->receivers, s->nreceivers);
	d->d_alertname = copy_str(a, s->d_alertname);
	d->d_summary = copy_str(a, s->d_summary);
}

int
alerts_stream_finish(struct alerts_stream *st, struct alert_set **out, char **cause)
{
	struct alert_set *set = st->set;

	*out = NULL;
	if (am_frame_finish("alerts", &st->f, cause) < 0)
		return -1;
	if (st->prev != NULL && set->malformed == 0 && st->matched == set->n &&
	    set->n == st->prev->n && st->prev->duplicates == 0 && st->prev->malformed == 0)
		return 1;	/* the same alerts as last round */
	for (size_t i = 0; i < set->n; i++)
		if (st->from_prev[i] != 0)
			alert_copy(&set->arena, &set->alerts[i], &st->prev->alerts[st->from_prev[i] - 1]);
	if (st->prev != NULL && st->matched > 0)
		alert_set_group_merge(set, st->from_prev, st->prev->n);
	else
		alert_set_group(set);
	*out = set;
	st->set = NULL;
	return 0;
}

void
alerts_stream_free(struct alerts_stream *st)
{
	if (st == NULL)
		return;
	json_frame_free(&st->f);
	alert_set_free(st->set);
	free(st->from_prev);
	free(st->table);
	free(st->used);
	am_raw_free(&st->raw);
	free(st);
}

int
alerts_parse(const char *buf, size_t len, struct alert_set **out, char **cause)
{
	struct alerts_stream *st = alerts_stream_new(0, NULL);
	int rc;

	alerts_stream_feed(buf != NULL ? buf : "", buf != NULL ? len : 0, st);
	rc = alerts_stream_finish(st, out, cause);
	alerts_stream_free(st);
	return rc;
}
