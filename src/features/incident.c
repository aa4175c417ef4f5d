/* Incident mode: the model of one alert (or group) and what surrounds it
 * (window, changes, related items, log lines and their per-minute counts,
 * the timeline, the runbook page).  Pure: the caller hands in the models. */
#include "ceres/features/incident.h"
#include "ceres/model/services.h"
#include "ceres/util/file.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RUNBOOK_MAX	(256 * 1024)

const char *
inc_rel_kind_name(enum inc_rel_kind k)
{
	static const char *const names[] = { "alert", "silence", "health", "readiness", "runbook" };

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "other";
}

const char *
inc_ev_kind_name(enum inc_ev_kind k)
{
	static const char *const names[] = {
		"start", "end", "alert", "errors", "change", "health", "action",
	};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "other";
}

int
incident_window(double starts, double ends, bool resolved, double before, double now,
    struct inc_window *w)
{
	memset(w, 0, sizeof *w);
	if (!(starts > 0) || !isfinite(starts))
		return -1;
	if (!(before >= 0))
		before = 0;
	w->start = starts;
	w->from = starts - before;
	w->end = resolved && ends > starts ? ends : 0;
	w->to = w->end > 0 ? w->end : now;
	if (w->to < w->from)
		w->to = w->from;
	return 0;
}

static const char *
label_of(const struct alert_pair *l, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].name, name) == 0)
			return l[i].value;
	return NULL;
}

const struct inc_service_map *
incident_pick_service(const struct alert_pair *labels, size_t nlabels,
    const struct inc_service_map *maps, size_t nmaps)
{
	static const char *const by[] = { "service", "job", "app" };
	size_t i, j;

	for (i = 0; i < sizeof by / sizeof by[0]; i++) {
		const char *v = label_of(labels, nlabels, by[i]);

		if (v == NULL)
			continue;
		for (j = 0; j < nmaps; j++)
			if (strcmp(maps[j].name, v) == 0)
				return &maps[j];
	}
	return NULL;
}

/* The labels every alert of g shares, or a's own. */
static void
copy_labels(struct incident *inc, const struct alert *a, const struct alert_group *g)
{
	const struct alert_pair *src = g != NULL && g->n > 1 ? g->common : a->labels;
	size_t i, n = g != NULL && g->n > 1 ? g->ncommon : a->nlabels;

	inc->labels = xcalloc(n ? n : 1, sizeof *inc->labels);
	for (i = 0; i < n; i++) {
		inc->labels[i].name = xstrdup(src[i].name);
		inc->labels[i].value = xstrdup(src[i].value);
	}
	inc->nlabels = n;
}

struct incident *
incident_new(const struct alert_set *set, const struct alert *a, const struct alert_group *g,
    double before, double changes, double now)
{
	struct incident *inc = xcalloc(1, sizeof *inc);
	const char *rb = NULL;
	double starts = a->starts, ends = a->ends;
	bool resolved = a->ends > 0 && a->ends <= now;
	size_t i;

	if (g != NULL && set != NULL && g->n > 1) {
		resolved = true;
		for (i = g->first; i < g->first + g->n && i < set->n; i++) {
			const struct alert *b = &set->alerts[i];

			if (b->starts > 0 && (starts <= 0 || b->starts < starts))
				starts = b->starts;
			if (!(b->ends > 0 && b->ends <= now))
				resolved = false;
			if (b->ends > ends)
				ends = b->ends;
		}
		inc->nalerts = g->n;
	} else {
		inc->nalerts = 1;
	}
	inc->fingerprint = xstrdup(a->fingerprint != NULL ? a->fingerprint : "");
	inc->alertname = xstrdup(a->alertname != NULL ? a->alertname : "");
	inc->severity = xstrdup(a->severity != NULL ? a->severity : "");
	inc->summary = xstrdup(a->summary != NULL ? a->summary : "");
	for (i = 0; i < a->nannotations; i++)
		if (strcmp(a->annotations[i].name, "runbook_url") == 0 ||
		    (rb == NULL && strcmp(a->annotations[i].name, "runbook") == 0))
			rb = a->annotations[i].value;
	inc->runbook_url = rb != NULL && *rb != '\0' ? xstrdup(rb) : NULL;
	copy_labels(inc, a, g);
	inc->resolved = resolved;
	if (incident_window(starts, ends, resolved, before, now, &inc->win) != 0) {
		inc->win.from = now - before;
		inc->win.to = now;
	}
	inc->changes_from = (inc->win.start > 0 ? inc->win.start : now) - changes;
	return inc;
}

static void
change_free(struct inc_change *c)
{
	free(c->where);
	free(c->actor);
	free(c->title);
	free(c->url);
}

void
incident_free(struct incident *inc)
{
	size_t i;

	if (inc == NULL)
		return;
	free(inc->fingerprint);
	free(inc->alertname);
	free(inc->severity);
	free(inc->summary);
	free(inc->runbook_url);
	for (i = 0; i < inc->nlabels; i++) {
		free((char *)inc->labels[i].name);
		free((char *)inc->labels[i].value);
	}
	free(inc->labels);
	free(inc->service);
	inc_selector_free(&inc->sel);
	free(inc->logs_error);
	for (i = 0; i < inc->nlines; i++)
		free(inc->lines[i].text);
	for (i = 0; i < inc->nslabels; i++)
		free(inc->slabels[i]);
	free(inc->slabels);
	free(inc->lines);
	free(inc->counts.errors);
	free(inc->counts.warns);
	for (i = 0; i < inc->nchanges; i++)
		change_free(&inc->changes[i]);
	free(inc->changes);
	for (i = 0; i < inc->nrelated; i++) {
		free(inc->related[i].name);
		free(inc->related[i].text);
	}
	free(inc->related);
	for (i = 0; i < inc->ntimeline; i++)
		free(inc->timeline[i].text);
	free(inc->timeline);
	free(inc->runbook_path);
	free(inc->runbook_text);
	free(inc);
}

static bool
in_list(const char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static bool
change_wanted(const struct act_event *e, const struct inc_service_map *m)
{
	if (m == NULL)
		return true;
	if (e->source == ACT_SRC_GITEA && m->nrepos > 0)
		return e->scope != NULL && in_list(m->repos, m->nrepos, e->scope);
	if (e->source == ACT_SRC_REDMINE && m->nprojects > 0)
		return e->scope != NULL && in_list(m->projects, m->nprojects, e->scope);
	return true;
}

static int
change_cmp(const void *x, const void *y)
{
	const struct inc_change *a = x, *b = y;

	return a->time < b->time ? 1 : a->time > b->time ? -1 : 0;
}

size_t
incident_add_changes(struct incident *inc, const struct act_event *const *ev, size_t n,
    const struct inc_service_map *maps, size_t nmaps)
{
	const struct inc_service_map *m = incident_pick_service(inc->labels, inc->nlabels, maps, nmaps);
	size_t i, added = 0;

	if (m != NULL && inc->service == NULL)
		inc->service = sanitize_str(m->name);
	for (i = 0; i < n; i++) {
		const struct act_event *e = ev[i];
		struct inc_change *c;

		if (e->time < inc->changes_from || e->time > inc->win.to || !change_wanted(e, m))
			continue;
		inc->changes = xreallocarray(inc->changes, inc->nchanges + 1, sizeof *inc->changes);
		c = &inc->changes[inc->nchanges++];
		c->time = e->time;
		c->lead = inc->win.start - e->time;
		c->source = e->source;
		c->kind = e->kind;
		c->where = sanitize_str(e->where);
		c->actor = sanitize_str(e->actor);
		c->title = sanitize_str(e->title);
		c->url = sanitize_str(e->url);
		added++;
	}
	if (inc->nchanges > 1)
		qsort(inc->changes, inc->nchanges, sizeof *inc->changes, change_cmp);
	return added;
}

void
incident_add_related_item(struct incident *inc, enum inc_rel_kind kind, const char *name,
    const char *text, double time)
{
	struct inc_related *r;

	inc->related = xreallocarray(inc->related, inc->nrelated + 1, sizeof *inc->related);
	r = &inc->related[inc->nrelated++];
	r->kind = kind;
	r->name = sanitize_str(name);
	r->text = sanitize_str(text);
	r->time = time;
}

static void
related_alerts(struct incident *inc, const struct alert_set *set)
{
	static const char *const share[] = { "instance", "job", "service" };
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		const struct alert *b = &set->alerts[i];

		if (strcmp(b->fingerprint, inc->fingerprint) == 0 ||
		    strcmp(b->alertname, inc->alertname) == 0 ||
		    (b->state != ALERT_ACTIVE && b->state != ALERT_UNPROCESSED))
			continue;
		for (j = 0; j < sizeof share / sizeof share[0]; j++) {
			const char *mine = label_of(inc->labels, inc->nlabels, share[j]);
			const char *theirs = alert_label(b, share[j]);
			char *text;

			if (mine == NULL || theirs == NULL || strcmp(mine, theirs) != 0)
				continue;
			text = xasprintf("%s=%s %s %s", share[j], theirs, b->severity, b->summary);
			incident_add_related_item(inc, INC_REL_ALERT, b->alertname, text, b->starts);
			free(text);
			break;
		}
	}
}

/* An alert-shaped view of the incident's labels, for matchers. */
static void
related_silences(struct incident *inc, const struct silence_set *ss)
{
	struct alert probe;
	size_t i;

	memset(&probe, 0, sizeof probe);
	probe.labels = inc->labels;
	probe.nlabels = inc->nlabels;
	for (i = 0; i < ss->n; i++) {
		const struct silence *s = &ss->v[i];
		struct matcher_prog *p;
		char *cause = NULL, *text;

		if (strcmp(s->state, "active") != 0 && strcmp(s->state, "pending") != 0)
			continue;
		p = matcher_prog_new(s->matchers, s->nmatchers, &cause);
		if (p == NULL) {
			free(cause);
			continue;
		}
		if (matcher_prog_match(p, &probe)) {
			text = xasprintf("%s %s: %s", s->state, s->created_by, s->comment);
			incident_add_related_item(inc, INC_REL_SILENCE, s->id, text, s->starts);
			free(text);
		}
		matcher_prog_free(p);
	}
}

static void
related_health(struct incident *inc, const struct model *health)
{
	static const char *const by[] = { "service", "job", "app" };
	size_t i, j;

	for (i = 0; i < health->nservices; i++) {
		const struct service *sv = health->services[i];

		for (j = 0; j < sizeof by / sizeof by[0]; j++) {
			const char *v = label_of(inc->labels, inc->nlabels, by[j]);
			char *text;

			if (v == NULL || strcmp(v, sv->name) != 0)
				continue;
			text = xasprintf("%s %s", svc_state_name(sv->state),
			    sv->detail != NULL ? sv->detail : "");
			incident_add_related_item(inc, INC_REL_HEALTH, sv->name, text, sv->updated);
			free(text);
			break;
		}
	}
}

/* Whether some word (a run of letters and digits, 3 or more long) of v is
 * a word of id, case aside: "postgres-exporter" and "ha_postgres". */
static bool
shares_word(const char *v, const char *id)
{
	while (*v != '\0') {
		size_t n = 0;

		while (*v != '\0' && !isalnum((unsigned char)*v))
			v++;
		while (isalnum((unsigned char)v[n]))
			n++;
		if (n >= 3)
			for (const char *p = id; *p != '\0'; p++) {
				bool left = p == id || !isalnum((unsigned char)p[-1]);

				if (left && strncasecmp(p, v, n) == 0 && !isalnum((unsigned char)p[n]))
					return true;
			}
		v += n;
	}
	return false;
}

void
incident_add_readiness(struct incident *inc, const char *const *ids, const char *const *titles,
    const bool *failing, const char *const *evidence, size_t n)
{
	static const char *const by[] = { "service", "job", "app" };

	for (size_t i = 0; i < n; i++) {
		const char *area = strchr(ids[i], '.');

		if (!failing[i])
			continue;
		area = area != NULL ? area + 1 : ids[i];
		for (size_t j = 0; j < sizeof by / sizeof by[0]; j++) {
			const char *v = label_of(inc->labels, inc->nlabels, by[j]);
			char *text;

			if (v == NULL || !shares_word(v, area))
				continue;
			text = xasprintf("%s: %s", titles[i], evidence[i]);
			incident_add_related_item(inc, INC_REL_READINESS, ids[i], text, 0);
			free(text);
			break;
		}
	}
}

void
incident_add_related(struct incident *inc, const struct alert_set *set,
    const struct silence_set *ss, const struct model *health)
{
	if (set != NULL)
		related_alerts(inc, set);
	if (ss != NULL)
		related_silences(inc, ss);
	if (health != NULL)
		related_health(inc, health);
	if (inc->runbook_url != NULL)
		incident_add_related_item(inc, INC_REL_RUNBOOK, "runbook_url", inc->runbook_url, 0);
}

static void
counts_init(struct incident *inc)
{
	struct inc_counts *c = &inc->counts;
	double span = inc->win.to - inc->win.from;
	size_t n = span > 0 ? (size_t)ceil(span / 60.0) : 1;

	if (n == 0)
		n = 1;
	if (n > INCIDENT_MINUTES_MAX)
		n = INCIDENT_MINUTES_MAX;
	c->from = floor(inc->win.from / 60.0) * 60.0;
	if (c->from + (double)n * 60.0 < inc->win.to && n < INCIDENT_MINUTES_MAX)
		n++;
	c->n = n;
	c->errors = xcalloc(n, sizeof *c->errors);
	c->warns = xcalloc(n, sizeof *c->warns);
	c->start_minute = inc->win.start > c->from ? (size_t)((inc->win.start - c->from) / 60.0) : 0;
	if (c->start_minute >= n)
		c->start_minute = n - 1;
}

static enum log_level
line_level(const struct loki_stream *st, const char *text, size_t len, struct log_levels *lv)
{
	size_t i;

	for (i = 0; i < st->nlabels; i++)
		if (strcmp(st->labels[i].name, "level") == 0 ||
		    strcmp(st->labels[i].name, "detected_level") == 0) {
			const char *v = st->labels[i].value;

			if (strncmp(v, "err", 3) == 0 || strcmp(v, "critical") == 0 ||
			    strcmp(v, "fatal") == 0)
				return LOG_LEVEL_ERROR;
			if (strncmp(v, "warn", 4) == 0)
				return LOG_LEVEL_WARN;
		}
	return lv != NULL ? log_levels_classify(lv, text, len) : LOG_LEVEL_NONE;
}

static char *
stream_text(const struct loki_stream *st)
{
	struct strbuf sb;
	size_t i;
	char *raw, *safe;

	strbuf_init(&sb);
	strbuf_addc(&sb, '{');
	for (i = 0; i < st->nlabels; i++)
		strbuf_addf(&sb, "%s%s=\"%s\"", i ? ", " : "", st->labels[i].name, st->labels[i].value);
	strbuf_addc(&sb, '}');
	raw = strbuf_detach(&sb);
	safe = sanitize_str(raw);
	free(raw);
	return safe;
}

/* The label text of a stream, kept once: the lines come stream by
 * stream, and those of a stream share one copy (5,000 lines of one
 * stream hold one, not 5,000). */
static const char *
stream_labels(struct incident *inc, const struct loki_stream *st)
{
	char *s = stream_text(st);

	if (inc->nslabels > 0 && strcmp(inc->slabels[inc->nslabels - 1], s) == 0) {
		free(s);
		return inc->slabels[inc->nslabels - 1];
	}
	inc->slabels = xreallocarray(inc->slabels, inc->nslabels + 1, sizeof *inc->slabels);
	inc->slabels[inc->nslabels++] = s;
	return s;
}

void
incident_add_line(struct incident *inc, const struct loki_stream *st, const struct loki_value *v,
    struct log_levels *lv)
{
	double t = (double)v->ts / 1e9;
	struct inc_logline *l;
	size_t len = v->len > LOG_LINE_MAX ? LOG_LINE_MAX : v->len;
	size_t m;

	if (t < inc->win.from || t > inc->win.to + 1)
		return;
	if (inc->counts.n == 0)
		counts_init(inc);
	if (inc->nlines >= INCIDENT_LINES_MAX)
		return;
	if (inc->nlines == inc->lines_cap) {
		inc->lines_cap = inc->lines_cap ? inc->lines_cap * 2 : 64;
		inc->lines = xreallocarray(inc->lines, inc->lines_cap, sizeof *inc->lines);
	}
	l = &inc->lines[inc->nlines++];
	l->ts = v->ts;
	l->level = line_level(st, v->line, len, lv);
	l->labels = stream_labels(inc, st);
	l->text = sanitize_text(v->line, len);
	m = t >= inc->counts.from ? (size_t)((t - inc->counts.from) / 60.0) : 0;
	if (m >= inc->counts.n)
		m = inc->counts.n - 1;
	if (l->level == LOG_LEVEL_ERROR)
		inc->counts.errors[m]++;
	else if (l->level == LOG_LEVEL_WARN)
		inc->counts.warns[m]++;
}

static int
uint_cmp(const void *x, const void *y)
{
	unsigned a = *(const unsigned *)x, b = *(const unsigned *)y;

	return a < b ? -1 : a > b;
}

void
incident_add_bursts(struct incident *inc, unsigned min)
{
	struct inc_counts *c = &inc->counts;
	unsigned *sorted, median;
	size_t i;

	if (c->n == 0)
		return;
	sorted = xreallocarray(NULL, c->n, sizeof *sorted);
	memcpy(sorted, c->errors, c->n * sizeof *sorted);
	qsort(sorted, c->n, sizeof *sorted, uint_cmp);
	median = sorted[c->n / 2];
	free(sorted);
	for (i = 0; i < c->n; i++) {
		char *text;

		if (c->errors[i] < min || c->errors[i] < 2 * median || c->errors[i] == 0)
			continue;
		text = xasprintf(P_("%u error line in this minute", "%u error lines in this minute",
		    c->errors[i]), c->errors[i]);
		incident_add_event(inc, c->from + (double)i * 60.0, INC_EV_ERRORS, text);
		free(text);
	}
}

void
incident_add_event(struct incident *inc, double time, enum inc_ev_kind kind, const char *text)
{
	struct inc_event *e;

	inc->timeline = xreallocarray(inc->timeline, inc->ntimeline + 1, sizeof *inc->timeline);
	e = &inc->timeline[inc->ntimeline++];
	e->time = time;
	e->kind = kind;
	e->text = sanitize_str(text);
	e->seq = inc->next_seq++;
}

void
incident_timeline_build(struct incident *inc)
{
	size_t i;
	char *text;

	text = xasprintf(_("%s started: %s"), inc->alertname, inc->summary);
	incident_add_event(inc, inc->win.start, INC_EV_START, text);
	free(text);
	if (inc->win.end > 0) {
		text = xasprintf(_("%s resolved"), inc->alertname);
		incident_add_event(inc, inc->win.end, INC_EV_END, text);
		free(text);
	}
	for (i = 0; i < inc->nrelated; i++)
		if (inc->related[i].kind == INC_REL_ALERT && inc->related[i].time > 0) {
			text = xasprintf(_("%s started (%s)"), inc->related[i].name, inc->related[i].text);
			incident_add_event(inc, inc->related[i].time, INC_EV_ALERT, text);
			free(text);
		}
	for (i = 0; i < inc->nchanges; i++) {
		const struct inc_change *c = &inc->changes[i];

		text = xasprintf("%s %s %s: %s", act_source_name(c->source), act_kind_name(c->kind),
		    c->where, c->title);
		incident_add_event(inc, c->time, INC_EV_CHANGE, text);
		free(text);
	}
	incident_timeline_sort(inc);
}

static int
event_cmp(const void *x, const void *y)
{
	const struct inc_event *a = x, *b = y;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
incident_timeline_sort(struct incident *inc)
{
	if (inc->ntimeline > 1)
		qsort(inc->timeline, inc->ntimeline, sizeof *inc->timeline, event_cmp);
}

static int
line_cmp(const void *x, const void *y)
{
	const struct inc_logline *a = x, *b = y;

	return a->ts < b->ts ? -1 : a->ts > b->ts;
}

void
incident_sort_lines(struct incident *inc)
{
	/* qsort is not stable: equal timestamps are rare and carry no order */
	if (inc->nlines > 1)
		qsort(inc->lines, inc->nlines, sizeof *inc->lines, line_cmp);
}

void
incident_sort_lines_from(struct incident *inc, size_t from)
{
	if (from < inc->nlines && inc->nlines - from > 1)
		qsort(inc->lines + from, inc->nlines - from, sizeof *inc->lines, line_cmp);
}

static bool
plain_file_name(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0' || *s == '.' || strlen(s) > 200)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int
incident_find_runbook(struct incident *inc, const char *dir)
{
	char *path, *buf, *cause = NULL;
	size_t len = 0;

	if (dir == NULL || !plain_file_name(inc->alertname))
		return -1;
	path = xasprintf("%s/%s.md", dir, inc->alertname);
	buf = file_read_small(path, RUNBOOK_MAX, &len, &cause);
	if (buf == NULL) {
		free(cause);
		free(path);
		return -1;
	}
	free(inc->runbook_path);
	free(inc->runbook_text);
	inc->runbook_path = path;
	inc->runbook_text = sanitize_multiline(buf, len);
	free(buf);
	incident_add_related_item(inc, INC_REL_RUNBOOK, "runbook", path, 0);
	return 0;
}
