/* The tail cursor: which lines of a Loki answer are new, and what to ask
 * next.  Queries start at the newest timestamp already delivered,
 * inclusive, because several lines may share it and a window (or the
 * limit) may have cut between them; the hashes of the lines delivered at
 * that timestamp tell the repeats from the rest.  Pure: no I/O, so the
 * unit tests can replay any window split. */
#include "ceres/sources/logs.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

void
loki_cursor_init(struct loki_cursor *c, unsigned limit)
{
	memset(c, 0, sizeof *c);
	c->limit = limit;
}

void
loki_cursor_free(struct loki_cursor *c)
{
	free(c->seen);
	memset(c, 0, sizeof *c);
}

void
loki_cursor_reset(struct loki_cursor *c, unsigned limit)
{
	loki_cursor_free(c);
	loki_cursor_init(c, limit);
}

int64_t
loki_cursor_start(const struct loki_cursor *c, int64_t now, int64_t since)
{
	/* Never further back than `since`: after a quiet spell (or an
	 * empty first answer) the cursor may be old, and Loki refuses
	 * windows longer than its max_query_length. */
	if (!c->started || c->ts < now - since)
		return now - since;
	return c->ts;
}

static void
seen_clear(struct loki_cursor *c)
{
	if (c->seen != NULL)
		memset(c->seen, 0, c->capseen * sizeof *c->seen);
	c->nseen = 0;
	/* A burst at one timestamp can grow the set; do not keep it big. */
	if (c->capseen > 1024) {
		free(c->seen);
		c->seen = NULL;
		c->capseen = 0;
	}
}

/* 0 marks an empty slot, so a hash of 0 is stored as 1. */
static uint64_t
seen_key(uint64_t h)
{
	return h == 0 ? 1 : h;
}

static bool
seen_has(const struct loki_cursor *c, uint64_t h)
{
	size_t mask, i;

	if (c->capseen == 0)
		return false;
	h = seen_key(h);
	mask = c->capseen - 1;
	for (i = (size_t)h & mask; c->seen[i] != 0; i = (i + 1) & mask)
		if (c->seen[i] == h)
			return true;
	return false;
}

static void seen_add(struct loki_cursor *c, uint64_t h);

static void
seen_grow(struct loki_cursor *c)
{
	uint64_t *old = c->seen;
	size_t oldcap = c->capseen;

	c->capseen = oldcap ? oldcap * 2 : 64;
	c->seen = xcalloc(c->capseen, sizeof *c->seen);
	c->nseen = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0)
			seen_add(c, old[i]);
	free(old);
}

static void
seen_add(struct loki_cursor *c, uint64_t h)
{
	size_t mask, i;

	if ((c->nseen + 1) * 2 > c->capseen)
		seen_grow(c);
	h = seen_key(h);
	mask = c->capseen - 1;
	for (i = (size_t)h & mask; c->seen[i] != 0; i = (i + 1) & mask)
		if (c->seen[i] == h)
			return;
	c->seen[i] = h;
	c->nseen++;
}

static uint64_t
entry_hash(const struct loki_result *r, const struct loki_ref *ref)
{
	const struct loki_stream *st = &r->streams[ref->stream];
	const struct loki_value *v = &st->values[ref->value];

	return hash64(v->line, v->len, st->hash);
}

size_t
loki_cursor_take(struct loki_cursor *c, const struct loki_result *r, struct loki_ref *refs, size_t n)
{
	size_t k = 0;
	int64_t last = n > 0 ? refs[n - 1].ts : 0, boundary = c->ts;
	bool had = c->started;

	for (size_t i = 0; i < n; i++) {
		struct loki_ref *ref = &refs[i];

		if (had && ref->ts < boundary)
			continue;	/* before the window: cannot be new */
		if (!c->started || ref->ts > c->ts) {
			seen_clear(c);
			c->ts = ref->ts;
			c->started = true;
		}
		if (had && ref->ts == boundary) {
			uint64_t h = entry_hash(r, ref);

			if (seen_has(c, h))
				continue;	/* delivered by an earlier answer */
			seen_add(c, h);
		} else if (ref->ts == last) {
			/* Only the newest timestamp of the answer can be the
			 * next boundary: hash just those lines. */
			seen_add(c, entry_hash(r, ref));
		}
		refs[k++] = *ref;
	}
	c->started = true;
	return k;
}

bool
loki_cursor_next(struct loki_cursor *c, size_t total, size_t fresh, unsigned limit_used,
    unsigned base_limit, unsigned max_limit)
{
	if (total < limit_used) {
		/* Everything in the window came: caught up. */
		c->limit = base_limit;
		c->boosted = false;
		return false;
	}
	if (fresh > 0) {
		/* Still on the timestamp that needed a bigger limit: keep it. */
		c->limit = c->boosted && c->boost_ts == c->ts ? limit_used : base_limit;
		c->boosted = c->limit != base_limit;
		return true;
	}
	/* A full answer of repeats: more lines share c->ts than fit. */
	if (limit_used < max_limit) {
		c->limit = limit_used > max_limit / 2 ? max_limit : limit_used * 2;
		c->boosted = true;
		c->boost_ts = c->ts;
		return true;
	}
	/* The server will not return them all: give this timestamp up. */
	c->ts++;
	seen_clear(c);
	c->skipped_ts++;
	c->limit = base_limit;
	c->boosted = false;
	return true;
}
