/* The incident view's text: the lines of the overlay (header, the
 * per-minute error/warning sparkline with the alert's start marked, the
 * changes with their lead time, related items, the log lines of the
 * window, the timeline, the runbook page), rebuilt on every paint from the
 * incident model but the rows of the log lines, which a cache keeps
 * until they change.  Every string in the model is already terminal-safe. */
#include "ceres/actions/incident.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

static void
add(struct inc_lines *l, enum color_role role, const char *fmt, ...)
{
	va_list ap;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 128;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	va_start(ap, fmt);
	l->v[l->n].text = xvasprintf(fmt, ap);
	va_end(ap);
	l->v[l->n].borrowed = false;
	l->v[l->n++].role = role;
}

void
inc_lines_free(struct inc_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].borrowed)
			free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void
inc_logcache_free(struct inc_logcache *c)
{
	inc_lines_free(&c->rows);
	free(c->show);
	free(c->hide);
	memset(c, 0, sizeof *c);
}

/* Append the rows of from to l, lent (l does not free them). */
static void
lend(struct inc_lines *l, const struct inc_lines *from)
{
	if (l->n + from->n > l->cap) {
		l->cap = l->n + from->n + 128;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	for (size_t i = 0; i < from->n; i++) {
		l->v[l->n] = from->v[i];
		l->v[l->n++].borrowed = true;
	}
}

/* One row of blocks for counts, squeezed into width columns (max of
 * each run of minutes); *mark: the column of the alert's start. */
static char *
spark(const unsigned *c, size_t n, size_t start, int width, int *mark)
{
	static const char *const bars[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	size_t cols = n < (size_t)width ? n : (size_t)width, i, j;
	unsigned max = 1;
	struct strbuf sb;

	for (i = 0; i < n; i++)
		if (c[i] > max)
			max = c[i];
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	*mark = -1;
	for (i = 0; i < cols; i++) {
		size_t from = i * n / cols, to = (i + 1) * n / cols;
		unsigned v = 0;

		for (j = from; j < to; j++)
			if (c[j] > v)
				v = c[j];
		if (start >= from && start < to)
			*mark = (int)i;
		strbuf_adds(&sb, bars[v == 0 ? 0 : 1 + (v * 7) / max]);
	}
	return strbuf_detach(&sb);
}

static void
head(const struct incident *inc, struct inc_lines *l, int width)
{
	char t1[40], t2[40], age[32];
	struct strbuf sb;
	size_t i;
	char *e, *w;
	int mark, m2;

	add(l, COLOR_ROLE_TITLE, "%s  %s  %s", inc->alertname, inc->severity, inc->summary);
	fmt_age(now_wall() - inc->win.start, age, sizeof age);
	add(l, COLOR_ROLE_NORMAL, _("started %s ago (%s), window %s .. %s"), age,
	    fmt_rfc3339(inc->win.start, t1, sizeof t1), fmt_rfc3339(inc->win.from, t2, sizeof t2),
	    inc->win.end > 0 ? _("its end") : _("now"));
	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (i = 0; i < inc->nlabels; i++) {
		char *s = xasprintf("%s=%s", inc->labels[i].name, inc->labels[i].value);
		char *safe = sanitize_str(s);

		strbuf_addf(&sb, "%s%s", i ? " " : "", safe);
		free(safe);
		free(s);
	}
	add(l, COLOR_ROLE_DIM, "%s", sb.buf);
	strbuf_free(&sb);
	if (inc->counts.n == 0)
		return;
	e = spark(inc->counts.errors, inc->counts.n, inc->counts.start_minute, width - 10, &mark);
	w = spark(inc->counts.warns, inc->counts.n, inc->counts.start_minute, width - 10, &m2);
	add(l, COLOR_ROLE_LOG_ERROR, "%-9s %s", _("errors"), e);
	add(l, COLOR_ROLE_LOG_WARN, "%-9s %s", _("warnings"), w);
	add(l, COLOR_ROLE_HIGHLIGHT, "%-9s %*s^ %s", "", mark > 0 ? mark : 0, "", _("alert start"));
	free(e);
	free(w);
}

static void
lead(double s, char *buf, size_t n)
{
	char age[32];

	fmt_age(fabs(s), age, sizeof age);
	if (fabs(s) < 1)
		snprintf(buf, n, "%s", _("at start"));
	else
		snprintf(buf, n, s > 0 ? _("%s before") : _("%s after"), age);
}

static void
changes(const struct incident *inc, struct inc_lines *l)
{
	char ld[64];

	add(l, COLOR_ROLE_HEADER, _("Changes (%zu)"), inc->nchanges);
	for (size_t i = 0; i < inc->nchanges; i++) {
		const struct inc_change *c = &inc->changes[i];

		lead(c->lead, ld, sizeof ld);
		add(l, c->lead >= 0 ? COLOR_ROLE_NORMAL : COLOR_ROLE_DIM, "  %-14s %-7s %-10s %s: %s",
		    ld, act_source_name(c->source), act_kind_name(c->kind), c->where, c->title);
	}
}

static void
related(const struct incident *inc, struct inc_lines *l)
{
	add(l, COLOR_ROLE_HEADER, _("Related (%zu)"), inc->nrelated);
	for (size_t i = 0; i < inc->nrelated; i++)
		add(l, COLOR_ROLE_NORMAL, "  %-9s %s  %s", inc_rel_kind_name(inc->related[i].kind),
		    inc->related[i].name, inc->related[i].text);
}

static bool
shown(const struct inc_vstate *st, const char *s)
{
	size_t ms, me, n = strlen(s);

	if (st->show != NULL && log_regex_active(st->show) && !log_regex_find(st->show, s, n, 0, &ms, &me))
		return false;
	return st->hide == NULL || !log_regex_active(st->hide) || !log_regex_find(st->hide, s, n, 0, &ms, &me);
}

/* One log line, cut in rows of width columns when wrapping. */
static void
log_row(struct inc_lines *l, enum color_role r, const char *t, const char *p, bool wrap, int width)
{
	int room = width - 12;
	mbstate_t mb;

	if (!wrap || room < 8 || text_width(p) <= room) {
		add(l, r, "  %s %s", t, p);
		return;
	}
	for (bool first = true; *p != '\0'; first = false) {
		size_t len = 0;
		int cols = 0;

		memset(&mb, 0, sizeof mb);
		while (p[len] != '\0') {
			wchar_t wc;
			size_t k = mbrtowc(&wc, p + len, strlen(p + len), &mb);
			int cw;

			if (k == 0 || k == (size_t)-1 || k == (size_t)-2)
				k = 1, wc = L'?';
			cw = wcwidth(wc) > 0 ? wcwidth(wc) : 0;
			if (cols + cw > room && len > 0)
				break;
			cols += cw;
			len += k;
		}
		add(l, r, "  %-8s %.*s", first ? t : "", (int)len, p);
		p += len;
	}
}

/* The rows of the first n log lines (those the filters let through),
 * appended to l; the count of lines shown. */
static size_t
format_rows(const struct incident *inc, const struct inc_vstate *st, int width, size_t n,
    bool filtered, struct inc_lines *l)
{
	char t[48];
	size_t nshown = 0;

	for (size_t i = 0; i < n; i++) {
		const struct inc_logline *ln = &inc->lines[i];
		enum color_role r = ln->level == LOG_LEVEL_ERROR ? COLOR_ROLE_LOG_ERROR :
		    ln->level == LOG_LEVEL_WARN ? COLOR_ROLE_LOG_WARN : COLOR_ROLE_NORMAL;
		time_t sec = (time_t)(ln->ts / 1000000000);
		struct tm tm;
		char *p;

		gmtime_r(&sec, &tm);
		strftime(t, sizeof t, "%H:%M:%S", &tm);
		p = xstrdup(ln->text);
		for (char *q = p; *q != '\0'; q++)
			if (*q == '\n')
				*q = ' ';
		if (!filtered || shown(st, p)) {
			log_row(l, r, t, p, st->wrap, width);
			nshown++;
		}
		free(p);
	}
	return nshown;
}

static const char *
pattern_of(const struct log_regex *re)
{
	return re != NULL && log_regex_active(re) && re->pattern != NULL ? re->pattern : "";
}

/* Whether the cache holds the rows these arguments would give. */
static bool
cache_fits(const struct inc_logcache *c, const struct incident *inc, const struct inc_vstate *st,
    int width, size_t n)
{
	return c->valid && c->inc == inc && c->lines == (const void *)inc->lines &&
	    c->nlines == inc->nlines && c->n == n && c->gen == st->gen &&
	    c->wrap == st->wrap && (c->width == width || !st->wrap) &&
	    strcmp(c->show, pattern_of(st->show)) == 0 && strcmp(c->hide, pattern_of(st->hide)) == 0;
}

/* format_rows() through the cache of st, when there is one: a repaint
 * of the same lines lends the rows formatted before. */
static size_t
log_rows(const struct incident *inc, const struct inc_vstate *st, int width, size_t n,
    bool filtered, struct inc_lines *l)
{
	struct inc_logcache *c = st->cache;

	if (c == NULL)
		return format_rows(inc, st, width, n, filtered, l);
	if (!cache_fits(c, inc, st, width, n)) {
		inc_logcache_free(c);
		c->nshown = format_rows(inc, st, width, n, filtered, &c->rows);
		c->inc = inc;
		c->lines = inc->lines;
		c->nlines = inc->nlines;
		c->n = n;
		c->gen = st->gen;
		c->width = width;
		c->wrap = st->wrap;
		c->show = xstrdup(pattern_of(st->show));
		c->hide = xstrdup(pattern_of(st->hide));
		c->valid = true;
	}
	lend(l, &c->rows);
	return c->nshown;
}

static void
logs(const struct incident *inc, const struct inc_vstate *st, int width, struct inc_lines *l)
{
	char mark[128];
	size_t nshown, n = st->paused && st->nshow < inc->nlines ? st->nshow : inc->nlines;
	bool filtered = (st->show != NULL && log_regex_active(st->show)) ||
	    (st->hide != NULL && log_regex_active(st->hide));

	mark[0] = '\0';
	if (st->paused)
		snprintf(mark, sizeof mark, "  %s", _("PAUSED"));
	else if (st->following)
		snprintf(mark, sizeof mark, "  %s", _("▼ follow"));
	if (st->loading)
		add(l, COLOR_ROLE_HEADER, "%s", _("Logs: asking Loki..."));
	else {
		char *h = xasprintf(_("Logs (%zu lines): %s"), n,
		    inc->sel.selector != NULL ? inc->sel.selector : "-");

		add(l, COLOR_ROLE_HEADER, "%s%s", h, mark);
		free(h);
	}
	if (st->paused)
		add(l, COLOR_ROLE_WARN, P_("  ❚❚ paused, %zu new line held (p: resume)",
		    "  ❚❚ paused, %zu new lines held (p: resume)", inc->nlines - n), inc->nlines - n);
	if (inc->sel.error != NULL)
		add(l, COLOR_ROLE_CRIT, "  %s", inc->sel.error);
	if (inc->logs_error != NULL)
		add(l, COLOR_ROLE_CRIT, "  %s", inc->logs_error);
	if (filtered)
		add(l, COLOR_ROLE_DIM, _("  show /%s/  hide /%s/  (f F, empty: off)"),
		    st->show != NULL && st->show->pattern != NULL ? st->show->pattern : "",
		    st->hide != NULL && st->hide->pattern != NULL ? st->hide->pattern : "");
	nshown = log_rows(inc, st, width, n, filtered, l);
	if (filtered)
		add(l, COLOR_ROLE_DIM, _("  %zu of %zu lines shown"), nshown, n);
}

static void
tail(const struct incident *inc, struct inc_lines *l)
{
	char t[40];
	const char *p, *nl;

	add(l, COLOR_ROLE_HEADER, "%s", _("Timeline"));
	for (size_t i = 0; i < inc->ntimeline; i++)
		add(l, inc->timeline[i].kind == INC_EV_START ? COLOR_ROLE_HIGHLIGHT : COLOR_ROLE_NORMAL,
		    "  %s %-7s %s", fmt_rfc3339(inc->timeline[i].time, t, sizeof t),
		    inc_ev_kind_name(inc->timeline[i].kind), inc->timeline[i].text);
	add(l, COLOR_ROLE_HEADER, "%s", _("Runbook"));
	if (inc->runbook_url != NULL) {
		char *u = sanitize_str(inc->runbook_url);

		add(l, COLOR_ROLE_NORMAL, "  runbook_url: %s", u);
		free(u);
	}
	if (inc->runbook_text == NULL) {
		if (inc->runbook_url == NULL)
			add(l, COLOR_ROLE_DIM, "  %s", _("No runbook."));
		return;
	}
	add(l, COLOR_ROLE_DIM, "  %s", inc->runbook_path);
	for (p = inc->runbook_text; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		add(l, COLOR_ROLE_NORMAL, "  %.*s", (int)(nl - p), p);
	}
}

void
inc_view_lines(const struct incident *inc, const struct inc_vstate *st, int width,
    struct inc_lines *l)
{
	head(inc, l, width);
	if (st->note != NULL)
		add(l, COLOR_ROLE_OK, "%s", st->note);
	changes(inc, l);
	related(inc, l);
	logs(inc, st, width, l);
	tail(inc, l);
}
