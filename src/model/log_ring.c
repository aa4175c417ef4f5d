/* The ring of log lines the pane draws: a fixed number of slots (and a
 * byte budget), so memory stays flat however long the tail runs.  Lines
 * are sanitized once here, where they enter the model; their SGR colours
 * become spans and their level is decided once by the PCRE2 level rules.
 * Label sets are shared between the lines of a stream. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ceres/model/logs.h"
#include "ceres/util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PCRE2 matchers ---- */

static bool
has_upper(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;	/* \S, \W, \D ... are classes, not letters */
			continue;
		}
		if (isupper((unsigned char)*p))
			return true;
	}
	return false;
}

int
log_regex_set(struct log_regex *re, const char *pattern, bool smartcase, char **cause)
{
	uint32_t opts = PCRE2_UTF;
	PCRE2_SIZE off;
	int error;
	pcre2_code *code;
	PCRE2_UCHAR msg[256];

	if (smartcase && !has_upper(pattern))
		opts |= PCRE2_CASELESS;
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &error, &off, NULL);
	if (code == NULL) {
		if (pcre2_get_error_message(error, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", error);
		*cause = xasprintf("%s at offset %zu", (const char *)msg, (size_t)off);
		return -1;
	}
	/* JIT where the platform has it; the interpreter otherwise. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	log_regex_clear(re);
	re->code = code;
	re->md = pcre2_match_data_create_from_pattern(code, NULL);
	re->pattern = xstrdup(pattern);
	return 0;
}

void
log_regex_clear(struct log_regex *re)
{
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re->pattern);
	memset(re, 0, sizeof *re);
}

bool
log_regex_find(struct log_regex *re, const char *s, size_t len, size_t from, size_t *ms, size_t *me)
{
	PCRE2_SIZE *ov;
	int rc;

	if (re->code == NULL || from > len)
		return false;
	/* Text in the ring is valid UTF-8 (sanitized): skip the check. */
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, PCRE2_NO_UTF_CHECK, re->md, NULL);
	if (rc < 0)
		return false;
	ov = pcre2_get_ovector_pointer(re->md);
	*ms = ov[0];
	*me = ov[1] < ov[0] ? ov[0] : ov[1];	/* \K can put the end first */
	return true;
}

/* ---- Level rules ---- */

const char *const log_level_defaults[LOG_LEVEL_COUNT] = {
	[LOG_LEVEL_ERROR] = "(?i)\\b(?:fatal|panic|crit(?:ical)?|emerg(?:ency)?|alert|"
	    "err(?:or)?|eror|exception|fail(?:ed|ure)?)\\b",
	[LOG_LEVEL_WARN] = "(?i)\\b(?:warn(?:ing)?)\\b",
	[LOG_LEVEL_INFO] = "(?i)\\b(?:info|notice)\\b",
	[LOG_LEVEL_DEBUG] = "(?i)\\b(?:debug|dbug|trace|dbg)\\b",
};

const char *
log_level_name(enum log_level l)
{
	static const char *const names[LOG_LEVEL_COUNT] = {
		"", "error", "warn", "info", "debug",
	};

	return (unsigned)l < LOG_LEVEL_COUNT ? names[l] : "";
}

int
log_levels_init(struct log_levels *lv, const char *const patterns[LOG_LEVEL_COUNT], char **cause)
{
	memset(lv, 0, sizeof *lv);
	for (int l = LOG_LEVEL_ERROR; l < LOG_LEVEL_COUNT; l++) {
		const char *p = patterns != NULL && patterns[l] != NULL ? patterns[l] : log_level_defaults[l];
		char *why = NULL;

		if (*p == '\0')
			continue;	/* an empty rule turns the level off */
		if (log_regex_set(&lv->re[l], p, false, &why) != 0) {
			*cause = xasprintf("levels_%s: %s", log_level_name((enum log_level)l), why);
			free(why);
			log_levels_free(lv);
			return -1;
		}
	}
	return 0;
}

void
log_levels_free(struct log_levels *lv)
{
	for (int l = 0; l < LOG_LEVEL_COUNT; l++)
		log_regex_clear(&lv->re[l]);
}

enum log_level
log_levels_classify(struct log_levels *lv, const char *s, size_t len)
{
	enum log_level best = LOG_LEVEL_NONE;
	size_t best_at = (size_t)-1, ms, me;

	/* "INFO retrying after error" is an info line: the rule matching
	 * first in the line wins, as the level usually comes first. */
	for (int l = LOG_LEVEL_ERROR; l < LOG_LEVEL_COUNT; l++) {
		if (log_regex_find(&lv->re[l], s, len, 0, &ms, &me) &&
		    ms < best_at) {
			best = (enum log_level)l;
			best_at = ms;
			if (ms == 0)
				break;
		}
	}
	return best;
}

/* ---- Streams ---- */

static bool
is_level_label(const char *name)
{
	return strcmp(name, "level") == 0 || strcmp(name, "detected_level") == 0 ||
	    strcmp(name, "severity") == 0 || strcmp(name, "lvl") == 0;
}

static struct log_stream *
stream_get(struct log_ring *r, const struct loki_stream *st)
{
	size_t b = (size_t)(st->hash % r->nbuckets);
	struct log_stream *ls;

	for (ls = r->buckets[b]; ls != NULL; ls = ls->next)
		if (ls->hash == st->hash && ls->nlabels == st->nlabels)
			break;
	if (ls == NULL) {
		ls = xcalloc(1, sizeof *ls);
		ls->hash = st->hash;
		ls->labels = xcalloc(st->nlabels, sizeof *ls->labels);
		ls->nlabels = st->nlabels;
		for (size_t i = 0; i < st->nlabels; i++) {
			ls->labels[i].name = sanitize_str(st->labels[i].name);
			ls->labels[i].value = sanitize_str(st->labels[i].value);
			if (ls->label_level == LOG_LEVEL_NONE && r->levels != NULL &&
			    is_level_label(ls->labels[i].name)) {
				ls->label_level = log_levels_classify(r->levels, ls->labels[i].value,
				    strlen(ls->labels[i].value));
			}
		}
		ls->compact = xstrdup("");
		ls->next = r->buckets[b];
		r->buckets[b] = ls;
		r->nstreams++;
		r->streams_gen++;
	}
	ls->refs++;
	return ls;
}

static void
stream_put(struct log_ring *r, struct log_stream *ls)
{
	struct log_stream **pp;

	if (--ls->refs > 0)
		return;
	for (pp = &r->buckets[ls->hash % r->nbuckets]; *pp != ls; pp = &(*pp)->next)
		;
	*pp = ls->next;
	for (size_t i = 0; i < ls->nlabels; i++) {
		free(ls->labels[i].name);
		free(ls->labels[i].value);
	}
	free(ls->labels);
	free(ls->compact);
	free(ls);
	r->nstreams--;
	r->streams_gen++;
}

/* ---- The ring ---- */

struct log_ring *
log_ring_new(size_t cap, struct log_levels *levels)
{
	struct log_ring *r = xcalloc(1, sizeof *r);

	r->cap = cap > 0 ? cap : 1;
	r->lines = xcalloc(r->cap, sizeof *r->lines);
	r->nbuckets = 1024;
	r->buckets = xcalloc(r->nbuckets, sizeof *r->buckets);
	r->levels = levels;
	r->max_bytes = 64u << 20;
	return r;
}

static void
evict_oldest(struct log_ring *r)
{
	struct log_line *ln = &r->lines[r->head];

	if (ln->seq >= r->seen_seq)
		r->skipped++;
	r->level_count[ln->level]--;
	r->bytes -= ln->len;
	stream_put(r, ln->stream);
	free(ln->text);
	free(ln->spans);
	memset(ln, 0, sizeof *ln);
	r->head = (r->head + 1) % r->cap;
	r->count--;
}

void
log_ring_clear(struct log_ring *r)
{
	r->seen_seq = r->next_seq;	/* clearing is not skipping */
	while (r->count > 0)
		evict_oldest(r);
	r->head = 0;
}

void
log_ring_free(struct log_ring *r)
{
	if (r == NULL)
		return;
	log_ring_clear(r);
	free(r->lines);
	free(r->buckets);
	free(r->common);
	free(r);
}

struct log_line *
log_ring_add(struct log_ring *r, const struct loki_stream *st, const struct loki_value *v)
{
	struct log_line *ln;
	size_t len = v->len, nspans = 0;
	struct sgr_span *spans = NULL;
	char *text;
	size_t tlen;

	/* One trailing newline is the end of the line, not part of it. */
	if (len > 0 && v->line[len - 1] == '\n')
		len--;
	if (len > 0 && v->line[len - 1] == '\r')
		len--;
	if (len > LOG_LINE_MAX) {
		struct strbuf sb;
		char *cut = sanitize_sgr(v->line, LOG_LINE_MAX, 1, &spans, &nspans);

		strbuf_init(&sb);
		strbuf_adds(&sb, cut);
		strbuf_addf(&sb, " … [%zu bytes cut]", len - LOG_LINE_MAX);
		free(cut);
		text = strbuf_detach(&sb);
	} else
		text = sanitize_sgr(v->line, len, 1, &spans, &nspans);
	if (nspans > UINT16_MAX)
		nspans = UINT16_MAX;
	tlen = strlen(text);
	while (r->count > 0 && (r->count == r->cap || r->bytes + tlen > r->max_bytes))
		evict_oldest(r);
	ln = &r->lines[(r->head + r->count) % r->cap];
	ln->ts = v->ts;
	ln->seq = r->next_seq++;
	ln->stream = stream_get(r, st);
	ln->text = text;
	ln->len = (uint32_t)tlen;
	ln->spans = spans;
	ln->nspans = (uint16_t)nspans;
	ln->vis_gen = 0;
	if (ln->stream->label_level != LOG_LEVEL_NONE)
		ln->level = (uint8_t)ln->stream->label_level;
	else if (r->levels != NULL)
		ln->level = (uint8_t)log_levels_classify(r->levels, text, ln->len);
	else
		ln->level = LOG_LEVEL_NONE;
	r->level_count[ln->level]++;
	r->bytes += ln->len;
	r->count++;
	r->total++;
	return ln;
}

struct log_line *
log_ring_get(const struct log_ring *r, uint64_t seq)
{
	uint64_t first = log_ring_first(r);

	if (seq < first || seq >= r->next_seq)
		return NULL;
	return &r->lines[(r->head + (size_t)(seq - first)) % r->cap];
}

/* How many streams carry each (name, value) pair: an open-addressing
 * table keyed by the pair's hash, rebuilt when the streams change. */
struct pair_count {
	uint64_t	key;
	size_t		n;
};

static struct pair_count *
pair_slot(struct pair_count *t, size_t cap, uint64_t key)
{
	size_t i = (size_t)key & (cap - 1);

	while (t[i].key != 0 && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static uint64_t
pair_key(const struct loki_label *l)
{
	uint64_t h = hash64(l->name, strlen(l->name) + 1, 7);

	h = hash64(l->value, strlen(l->value), h);
	return h == 0 ? 1 : h;
}

void
log_ring_update_labels(struct log_ring *r)
{
	size_t total = 0, cap = 64;
	struct pair_count *t;
	struct log_stream *any = NULL;
	struct strbuf sb;

	if (r->compact_gen == r->streams_gen && r->common != NULL)
		return;
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct log_stream *ls = r->buckets[b]; ls != NULL; ls = ls->next) {
			total += ls->nlabels;
			any = ls;
		}
	while (cap < total * 2)
		cap *= 2;
	t = xcalloc(cap, sizeof *t);
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct log_stream *ls = r->buckets[b]; ls != NULL; ls = ls->next)
			for (size_t i = 0; i < ls->nlabels; i++) {
				struct pair_count *pc = pair_slot(t, cap, pair_key(&ls->labels[i]));

				pc->key = pair_key(&ls->labels[i]);
				pc->n++;
			}
	/* Common labels go to the pane's status line once; each line shows
	 * only what tells its stream apart. */
	strbuf_init(&sb);
	strbuf_addc(&sb, '{');
	if (any != NULL)
		for (size_t i = 0; i < any->nlabels; i++)
			if (pair_slot(t, cap, pair_key(&any->labels[i]))->n == r->nstreams)
				strbuf_addf(&sb, "%s%s=%s", sb.len > 1 ? "," : "",
				    any->labels[i].name, any->labels[i].value);
	strbuf_addc(&sb, '}');
	free(r->common);
	r->common = strbuf_detach(&sb);
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct log_stream *ls = r->buckets[b]; ls != NULL; ls = ls->next) {
			strbuf_init(&sb);
			for (size_t i = 0; i < ls->nlabels; i++)
				if (pair_slot(t, cap, pair_key(&ls->labels[i]))->n < r->nstreams)
					strbuf_addf(&sb, "%s%s=%s", sb.len > 0 ? "," : "{",
					    ls->labels[i].name, ls->labels[i].value);
			if (sb.len > 0)
				strbuf_addc(&sb, '}');
			free(ls->compact);
			ls->compact = strbuf_detach(&sb);
			ls->compact_width = text_width(ls->compact);
		}
	free(t);
	r->compact_gen = r->streams_gen;
}

void
logs_clear(struct logs *lg)
{
	log_ring_free(lg->ring);
	log_levels_free(&lg->levels);
	for (size_t i = 0; i < lg->nlabels; i++) {
		free(lg->labels[i].name);
		for (size_t j = 0; j < lg->labels[i].nvalues; j++)
			free(lg->labels[i].values[j]);
		free(lg->labels[i].values);
	}
	free(lg->labels);
	free(lg->query);
	free(lg->url_shown);
	free(lg->error);
	free(lg->warning);
	memset(lg, 0, sizeof *lg);
}
