/* The alerts model: the arena that holds one answer, grouping by alertname
 * and severity (critical first), the fingerprint index, and silence
 * matchers evaluated locally for the previews.  Everything here is O(n) or
 * O(n log n) per answer, never per frame. */
#include "ceres/model/alerts.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Blocks grow with the arena (each as big as the arena so far, from
 * ARENA_BLOCK to ARENA_MAX_BLOCK; past 512 KB at least a huge page), so a
 * small answer stays small and a large one takes few blocks; the big ones
 * come on transparent huge pages (xmalloc_huge()): 100,000 alerts fill
 * about 100 MB, and 4 KB at a time that is 25,000 page faults, each dear
 * in a virtual machine. */
#define ARENA_BLOCK	(64u * 1024)
#define ARENA_HUGE	(2u * 1024 * 1024)
#define ARENA_MAX_BLOCK	(4u * 1024 * 1024)

struct alerts_arena_block {
	struct alerts_arena_block	*next;
	size_t				 used;
	size_t				 cap;
	alignas(max_align_t) unsigned char data[];
};

static struct alerts_arena_block *
block_new(size_t cap)
{
	size_t got;
	struct alerts_arena_block *b = xmalloc_huge(offsetof(struct alerts_arena_block, data) + cap, &got);

	b->cap = got - offsetof(struct alerts_arena_block, data);
	b->used = 0;
	return b;
}

void *
alerts_arena_alloc(struct alerts_arena *a, size_t n)
{
	struct alerts_arena_block *b = a->head;
	size_t align = alignof(max_align_t), off;

	if (n == 0)
		n = 1;
	off = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;
	if (b == NULL || off > b->cap || b->cap - off < n) {
		size_t next = a->bytes < ARENA_BLOCK ? ARENA_BLOCK :
		    a->bytes > ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : a->bytes;

		if (next >= ARENA_HUGE / 4 && next < ARENA_HUGE)
			next = ARENA_HUGE;	/* past 512 KB, huge pages */

		if (n > next / 4) {
			/* A big object gets its own block behind the current
			 * one, so the free space of the current block is not
			 * wasted. */
			b = block_new(n);
			if (a->head != NULL) {
				b->next = a->head->next;
				a->head->next = b;
			} else {
				b->next = NULL;
				a->head = b;
			}
		} else {
			b = block_new(next);
			b->next = a->head;
			a->head = b;
		}
		a->bytes += b->cap;
		off = 0;
	}
	b->used = off + n;
	return b->data + off;
}

char *
alerts_arena_strndup(struct alerts_arena *a, const char *s, size_t n)
{
	char *p = alerts_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
alerts_arena_strdup(struct alerts_arena *a, const char *s)
{
	return alerts_arena_strndup(a, s, strlen(s));
}

#define INTERN_SLOTS	1024		/* a power of two */
#define INTERN_MAX	512		/* entries: the table stays half empty */
#define INTERN_LEN	128

struct alerts_intern {
	const char	*s[INTERN_SLOTS];
	uint32_t	 len[INTERN_SLOTS];
	size_t		 n;
};

const char *
alerts_arena_intern(struct alerts_arena *a, const char *s, size_t n)
{
	struct alerts_intern *t = a->intern;
	size_t i;
	const char *p;

	if (n > INTERN_LEN)
		return alerts_arena_strndup(a, s, n);
	if (t == NULL)
		t = a->intern = xcalloc(1, sizeof *t);
	for (i = (size_t)hash64w(s, n, 0) & (INTERN_SLOTS - 1); t->s[i] != NULL;
	    i = (i + 1) & (INTERN_SLOTS - 1))
		if (t->len[i] == n && memcmp(t->s[i], s, n) == 0)
			return t->s[i];
	p = alerts_arena_strndup(a, s, n);
	if (t->n < INTERN_MAX) {
		t->s[i] = p;
		t->len[i] = (uint32_t)n;
		t->n++;
	}
	return p;
}

void
alerts_arena_free(struct alerts_arena *a)
{
	free(a->intern);
	a->intern = NULL;
	while (a->head != NULL) {
		struct alerts_arena_block *b = a->head;

		a->head = b->next;
		free(b);
	}
	a->bytes = 0;
}

const char *
alert_state_name(enum alert_state s)
{
	switch (s) {
	case ALERT_ACTIVE: return "active";
	case ALERT_SILENCED: return "silenced";
	case ALERT_INHIBITED: return "inhibited";
	case ALERT_MUTED: return "muted";
	default: return "unprocessed";
	}
}

enum alert_sev
alerts_sev_class(const char *s)
{
	static const char *const crit[] = { "critical", "crit", "page", "emergency", "fatal", NULL };
	static const char *const warn[] = { "warning", "warn", "error", "major", "high", NULL };
	static const char *const info[] = { "info", "informational", "notice", "low", "minor",
	    "none", NULL };

	if (s == NULL)
		return ALERT_SEV_OTHER;
	for (int i = 0; crit[i] != NULL; i++)
		if (strcasecmp(s, crit[i]) == 0)
			return ALERT_SEV_CRITICAL;
	for (int i = 0; warn[i] != NULL; i++)
		if (strcasecmp(s, warn[i]) == 0)
			return ALERT_SEV_WARNING;
	for (int i = 0; info[i] != NULL; i++)
		if (strcasecmp(s, info[i]) == 0)
			return ALERT_SEV_INFO;
	return ALERT_SEV_OTHER;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Open addressing, slots hold index + 1.  Returns the slot of fp: either
 * the alert with that fingerprint or an empty one. */
static size_t
index_slot(const struct alert_set *set, const char *fp)
{
	size_t mask = set->index_cap - 1, i = (size_t)hash_str(fp) & mask;

	while (set->index[i] != 0 && strcmp(set->alerts[set->index[i] - 1].fingerprint, fp) != 0)
		i = (i + 1) & mask;
	return i;
}

static void
index_reset(struct alert_set *set)
{
	size_t cap = 16;

	while (cap < set->n * 2)
		cap *= 2;
	free(set->index);
	set->index = xcalloc(cap, sizeof *set->index);
	set->index_cap = cap;
}

const struct alert *
alert_set_find(const struct alert_set *set, const char *fp)
{
	size_t i;

	if (set == NULL || set->index == NULL || fp == NULL)
		return NULL;
	i = index_slot(set, fp);
	return set->index[i] != 0 ? &set->alerts[set->index[i] - 1] : NULL;
}

const char *
alert_label(const struct alert *a, const char *name)
{
	size_t lo = 0, hi = a->nlabels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a->labels[mid].name, name);

		if (c == 0)
			return a->labels[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct silence *
silence_set_find(const struct silence_set *set, const char *id)
{
	if (set == NULL || id == NULL)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].id, id) == 0)
			return &set->v[i];
	return NULL;
}

static inline bool
same_str(const char *a, const char *b)
{
	return a == b || strcmp(a, b) == 0;
}

/* Group order: severity class, severity text, alertname, then the oldest
 * first inside a group, fingerprint last so the order is total. */
static int
alert_cmp(const void *x, const void *y)
{
	const struct alert *a = x, *b = y;
	int c;

	if (a->sev != b->sev)
		return a->sev < b->sev ? -1 : 1;
	/* Interned strings: equal ones mostly have equal pointers. */
	if (a->severity != b->severity && (c = strcmp(a->severity, b->severity)) != 0)
		return c;
	if (a->alertname != b->alertname && (c = strcmp(a->alertname, b->alertname)) != 0)
		return c;
	if (a->starts != b->starts)
		return a->starts < b->starts ? -1 : 1;
	return strcmp(a->fingerprint, b->fingerprint);
}

/* Labels every alert of the group has with the same value. */
static void
group_common(struct alert_set *set, struct alert_group *g)
{
	const struct alert *first = &set->alerts[g->first];
	bool *keep = xcalloc(first->nlabels > 0 ? first->nlabels : 1, sizeof *keep);
	size_t n = 0;

	for (size_t i = 0; i < first->nlabels; i++)
		keep[i] = true;
	for (size_t k = g->first + 1; k < g->first + g->n; k++) {
		const struct alert *a = &set->alerts[k];
		bool any = false;

		/* Both label lists are sorted by name: one walk down both. */
		for (size_t i = 0, j = 0; i < first->nlabels; i++) {
			const char *name = first->labels[i].name;
			int c = 1;

			if (!keep[i])
				continue;
			while (j < a->nlabels && (c = a->labels[j].name == name ? 0 :
			    strcmp(a->labels[j].name, name)) < 0)
				j++;
			if (j < a->nlabels && c == 0 && same_str(a->labels[j].value, first->labels[i].value))
				any = true;
			else
				keep[i] = false;
		}
		if (!any)
			break;
	}
	for (size_t i = 0; i < first->nlabels; i++)
		n += keep[i];
	g->common = alerts_arena_alloc(&set->arena, (n > 0 ? n : 1) * sizeof *g->common);
	g->ncommon = 0;
	for (size_t i = 0; i < first->nlabels; i++)
		if (keep[i])
			g->common[g->ncommon++] = first->labels[i];
	free(keep);
}

static void
group_fill(struct alert_set *set, struct alert_group *g)
{
	const struct alert *first = &set->alerts[g->first];

	g->sev = first->sev;
	g->alertname = first->alertname;
	g->severity = first->severity;
	g->d_alertname = first->d_alertname;
	{
		char *d = sanitize_str(first->severity);

		g->d_severity = alerts_arena_strdup(&set->arena, d);
		free(d);
	}
	g->d_summary = "";
	g->oldest = 0;
	for (size_t k = g->first; k < g->first + g->n; k++) {
		const struct alert *a = &set->alerts[k];

		if (a->starts > 0 && (g->oldest == 0 || a->starts < g->oldest))
			g->oldest = a->starts;
		if (g->d_summary[0] == '\0')
			g->d_summary = a->d_summary;
		switch (a->state) {
		case ALERT_ACTIVE: case ALERT_UNPROCESSED:
			g->nactive++;
			if (a->sev == ALERT_SEV_CRITICAL)
				set->ncritical++;
			else if (a->sev == ALERT_SEV_WARNING)
				set->nwarning++;
			break;
		case ALERT_SILENCED:
			g->nsilenced++;
			set->nsuppressed++;
			break;
		default:
			g->ninhibited++;
			set->nsuppressed++;
			break;
		}
	}
	group_common(set, g);
}

void
alert_own_labels(const struct alert_group *g, const struct alert *a, bool quoted,
    struct strbuf *sb)
{
	for (size_t i = 0; i < a->nlabels; i++) {
		bool common = false;

		/* Alone in its group, an alert shares everything with it: then
		 * show all but the two labels the group line already names. */
		if (g->n == 1)
			common = strcmp(a->labels[i].name, "alertname") == 0 ||
			    strcmp(a->labels[i].name, "severity") == 0;
		for (size_t k = 0; g->n > 1 && k < g->ncommon && !common; k++)
			common = strcmp(g->common[k].name, a->labels[i].name) == 0;
		if (common)
			continue;
		if (sb->len > 0)
			strbuf_addc(sb, ' ');
		strbuf_addf(sb, quoted ? "%s=\"%s\"" : "%s=%s", a->labels[i].name, a->labels[i].value);
	}
}

/* De-duplicate by fingerprint: the first answer of an alert wins; aux
 * (one entry per alert, or NULL) is compacted alongside. */
static void
dedup(struct alert_set *set, size_t *aux)
{
	size_t w = 0;

	index_reset(set);
	for (size_t i = 0; i < set->n; i++) {
		size_t slot = index_slot(set, set->alerts[i].fingerprint);

		if (set->index[slot] != 0) {
			set->duplicates++;
			continue;
		}
		set->alerts[i].index_at = slot;
		if (w != i) {
			set->alerts[w] = set->alerts[i];
			if (aux != NULL)
				aux[w] = aux[i];
		}
		set->index[slot] = ++w;
	}
	set->n = w;
}

/* The index and the groups of alerts already in group order, after
 * dedup(): each alert's slot is where dedup put it. */
static void
group_sorted(struct alert_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		set->index[set->alerts[i].index_at] = i + 1;

	free(set->groups);
	set->groups = NULL;
	set->ngroups = 0;
	set->ncritical = set->nwarning = set->nsuppressed = 0;
	for (size_t i = 0; i < set->n; ) {
		size_t j = i + 1;
		struct alert_group *g;

		while (j < set->n && set->alerts[j].sev == set->alerts[i].sev &&
		    same_str(set->alerts[j].severity, set->alerts[i].severity) &&
		    same_str(set->alerts[j].alertname, set->alerts[i].alertname))
			j++;
		set->groups = xreallocarray(set->groups, set->ngroups + 1, sizeof *set->groups);
		g = &set->groups[set->ngroups++];
		memset(g, 0, sizeof *g);
		g->first = i;
		g->n = j - i;
		group_fill(set, g);
		i = j;
	}
}

void
alert_set_group(struct alert_set *set)
{
	dedup(set, NULL);
	if (set->n > 1)
		qsort(set->alerts, set->n, sizeof *set->alerts, alert_cmp);
	group_sorted(set);
}

void
alert_set_group_merge(struct alert_set *set, size_t *prev_pos, size_t prev_n)
{
	size_t *by_prev, nold = 0, nnew = 0, a = 0, b = 0, w = 0;
	struct alert *old, *fresh;

	dedup(set, prev_pos);
	by_prev = xcalloc(prev_n > 0 ? prev_n : 1, sizeof *by_prev);
	old = xcalloc(set->n > 0 ? set->n : 1, sizeof *old);
	fresh = xcalloc(set->n > 0 ? set->n : 1, sizeof *fresh);
	for (size_t i = 0; i < set->n; i++) {
		if (prev_pos[i] != 0 && prev_pos[i] <= prev_n && by_prev[prev_pos[i] - 1] == 0)
			by_prev[prev_pos[i] - 1] = i + 1;
		else
			fresh[nnew++] = set->alerts[i];
	}
	/* The kept alerts in the previous order, which was group order. */
	for (size_t p = 0; p < prev_n; p++)
		if (by_prev[p] != 0)
			old[nold++] = set->alerts[by_prev[p] - 1];
	if (nnew > 1)
		qsort(fresh, nnew, sizeof *fresh, alert_cmp);
	while (a < nold || b < nnew) {
		if (b == nnew || (a < nold && alert_cmp(&old[a], &fresh[b]) < 0))
			set->alerts[w++] = old[a++];
		else
			set->alerts[w++] = fresh[b++];
	}
	free(by_prev);
	free(old);
	free(fresh);
	group_sorted(set);
}

void
alert_set_free(struct alert_set *set)
{
	if (set == NULL)
		return;
	alerts_arena_free(&set->arena);
	free(set->alerts);
	free(set->groups);
	free(set->index);
	free(set);
}

struct matcher_prog {
	const struct silence_matcher	*m;
	size_t				 n;
	pcre2_code			**re;		/* per matcher, NULL if not a regex */
	pcre2_match_data		*md;
	pcre2_match_context		*mc;
};

struct matcher_prog *
matcher_prog_new(const struct silence_matcher *m, size_t n, char **cause)
{
	struct matcher_prog *p = xcalloc(1, sizeof *p);

	p->m = m;
	p->n = n;
	p->re = xcalloc(n > 0 ? n : 1, sizeof *p->re);
	/* A hostile pattern must not stall the console. */
	p->mc = pcre2_match_context_create(NULL);
	if (p->mc == NULL)
		abort();
	pcre2_set_match_limit(p->mc, 100000);
	pcre2_set_depth_limit(p->mc, 1000);
	for (size_t i = 0; i < n; i++) {
		char *pat;
		int err;
		PCRE2_SIZE off;

		if (!m[i].is_regex)
			continue;
		/* Alertmanager anchors regex matchers at both ends. */
		pat = xasprintf("^(?:%s)$", m[i].value);
		p->re[i] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
		    &off, NULL);
		free(pat);
		if (p->re[i] == NULL) {
			PCRE2_UCHAR msg[160];

			pcre2_get_error_message(err, msg, sizeof msg);
			*cause = xasprintf("%s=~\"%.80s\": %s", m[i].name, m[i].value, (char *)msg);
			matcher_prog_free(p);
			return NULL;
		}
		if (p->md == NULL)
			p->md = pcre2_match_data_create(4, NULL);
	}
	return p;
}

bool
matcher_prog_match(const struct matcher_prog *p, const struct alert *a)
{
	for (size_t i = 0; i < p->n; i++) {
		const char *v = alert_label(a, p->m[i].name);
		bool hit;

		if (v == NULL)
			v = "";		/* a missing label matches the empty value */
		if (p->re[i] != NULL)
			hit = pcre2_match(p->re[i], (PCRE2_SPTR)v, strlen(v), 0, 0, p->md, p->mc) >= 0;
		else
			hit = strcmp(v, p->m[i].value) == 0;
		if (hit != p->m[i].is_equal)
			return false;
	}
	return p->n > 0;
}

void
matcher_prog_free(struct matcher_prog *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (p->re[i] != NULL)
			pcre2_code_free(p->re[i]);
	free(p->re);
	if (p->md != NULL)
		pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mc);
	free(p);
}

size_t
alerts_preview(const struct alert_set *set, const struct silence_matcher *m, size_t n,
    size_t **idx)
{
	struct matcher_prog *p;
	char *cause = NULL;
	size_t k = 0;

	*idx = NULL;
	if (set == NULL || n == 0 || (p = matcher_prog_new(m, n, &cause)) == NULL) {
		free(cause);
		return 0;
	}
	for (size_t i = 0; i < set->n; i++) {
		if (!matcher_prog_match(p, &set->alerts[i]))
			continue;
		if ((k & (k - 1)) == 0)		/* grow at powers of two */
			*idx = xreallocarray(*idx, k == 0 ? 1 : k * 2, sizeof **idx);
		(*idx)[k++] = i;
	}
	matcher_prog_free(p);
	return k;
}

/* Count, per silence, the current alerts that name it in silencedBy; for
 * pending silences, the alerts their matchers would select now. */
void
silence_set_count(struct silence_set *ss, const struct alert_set *as)
{
	size_t cap = 16, *slots;

	if (ss == NULL)
		return;
	for (size_t i = 0; i < ss->n; i++) {
		ss->v[i].nsilencing = 0;
		ss->v[i].nwould = -1;
	}
	if (as == NULL || ss->n == 0)
		return;
	while (cap < ss->n * 2)
		cap *= 2;
	slots = xcalloc(cap, sizeof *slots);
	for (size_t i = 0; i < ss->n; i++) {
		size_t h = (size_t)hash_str(ss->v[i].id) & (cap - 1);

		while (slots[h] != 0)
			h = (h + 1) & (cap - 1);
		slots[h] = i + 1;
	}
	for (size_t k = 0; k < as->n; k++) {
		const struct alert *a = &as->alerts[k];

		for (size_t j = 0; j < a->nsilenced_by; j++) {
			size_t h = (size_t)hash_str(a->silenced_by[j]) & (cap - 1);

			while (slots[h] != 0 && strcmp(ss->v[slots[h] - 1].id, a->silenced_by[j]) != 0)
				h = (h + 1) & (cap - 1);
			if (slots[h] != 0)
				ss->v[slots[h] - 1].nsilencing++;
		}
	}
	free(slots);
	for (size_t i = 0; i < ss->n; i++) {
		struct silence *s = &ss->v[i];
		size_t *idx = NULL;

		if (strcmp(s->state, "pending") != 0)
			continue;
		s->nwould = (long)alerts_preview(as, s->matchers, s->nmatchers, &idx);
		free(idx);
	}
}

char *
silence_matcher_text(const struct silence_matcher *m)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_adds(&sb, m->name);
	strbuf_adds(&sb, m->is_equal ? (m->is_regex ? "=~" : "=") : (m->is_regex ? "!~" : "!="));
	strbuf_addc(&sb, '"');
	for (const char *s = m->value; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addc(&sb, '\\');
		if (*s == '\n')
			strbuf_adds(&sb, "\\n");
		else
			strbuf_addc(&sb, *s);
	}
	strbuf_addc(&sb, '"');
	return strbuf_detach(&sb);
}

void
silence_set_free(struct silence_set *set)
{
	if (set == NULL)
		return;
	alerts_arena_free(&set->arena);
	free(set->v);
	free(set);
}

void
alerts_add_peer(struct alerts *al, const char *url, size_t len)
{
	struct alerts_peer *p;

	while (len > 0 && url[len - 1] == '/')
		len--;
	if (len == 0)
		return;
	al->peers = xreallocarray(al->peers, al->npeers + 1, sizeof *al->peers);
	p = &al->peers[al->npeers++];
	memset(p, 0, sizeof *p);
	p->url = xstrndup(url, len);
	p->shown = url_redact(p->url);
}

void
alerts_clear(struct alerts *al)
{
	alert_set_free(al->set);
	silence_set_free(al->silences);
	for (size_t i = 0; i < al->npeers; i++) {
		free(al->peers[i].url);
		free(al->peers[i].shown);
		free(al->peers[i].error);
	}
	free(al->peers);
	free(al->silences_error);
	memset(al, 0, sizeof *al);
	al->peer = -1;
	al->status_peer = -1;
}

/* A peer that failed is asked again (first) after this many seconds;
 * until then healthy peers go before it. */
#define PEER_RETRY	30.0

size_t
alerts_peer_order(const struct alerts *al, double now, int *order)
{
	size_t k = 0;

	for (size_t i = 0; i < al->npeers; i++) {
		const struct alerts_peer *p = &al->peers[i];

		if (p->failed_at <= 0 || now - p->failed_at >= PEER_RETRY)
			order[k++] = (int)i;
	}
	for (size_t i = 0; i < al->npeers; i++) {
		const struct alerts_peer *p = &al->peers[i];

		if (!(p->failed_at <= 0 || now - p->failed_at >= PEER_RETRY))
			order[k++] = (int)i;
	}
	return k;
}
