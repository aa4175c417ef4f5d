/* Drawing the logs pane: the status line, then lines bottom-up from the
 * newest (following) or from the paused view's anchor, each cell with its
 * attribute: the level colour, SGR colours lifted from the line, search
 * matches on top.  Text in the ring is sanitized already; wide and
 * combining characters are measured so that columns stay aligned. */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/features/logs.h"
#include "logs_ui.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define LOGS_PAIR_BASE	48	/* curses pairs below are the theme's */
#define MAX_HL		256	/* search matches highlighted per line */

/* ---- Cells: a base character and the zero-width ones on it ---- */

struct cell {
	size_t	off;		/* byte offset of the base character */
	size_t	next;		/* offset after the cell */
	wchar_t	wc[CCHARW_MAX + 1];
	int	w;		/* columns */
	bool	nl;		/* a newline (drawn as ↵ or a row break) */
};

/* Decode one code point of valid UTF-8 (the ring holds nothing else). */
static size_t
decode(const unsigned char *s, size_t len, wchar_t *out)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	unsigned v = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;

	if (n > len)
		n = len;
	for (size_t i = 1; i < n; i++)
		v = (v << 6) | (s[i] & 0x3f);
	*out = (wchar_t)v;
	return n;
}

static bool
cell_next(const char *t, size_t len, size_t *off, struct cell *c)
{
	const unsigned char *s = (const unsigned char *)t;
	bool utf8 = MB_CUR_MAX > 1;
	wchar_t wc;
	size_t i = *off, at;
	int n = 0;

	for (;;) {
		if (i >= len)
			return false;
		at = i;
		i += decode(s + i, len - i, &wc);
		if (wc == L'\n') {
			c->off = *off;
			c->next = *off = i;
			c->wc[0] = 0x21b5;	/* ↵ */
			c->wc[1] = 0;
			c->w = 1;
			c->nl = true;
			return true;
		}
		if (!utf8 && wc >= 0x80)
			ascii_fallback(t + at, len - at, &wc);	/* the console's one rule */
		c->w = wcwidth(wc);
		if (c->w < 0) {
			wc = L'?';	/* unassigned: one column, like text_width */
			c->w = 1;
		}
		if (c->w > 0)
			break;
		*off = i;	/* a zero-width character with no base: drop it */
	}
	c->off = *off;
	c->nl = false;
	c->wc[n++] = wc;
	/* Combining marks, ZWJ, variation selectors ride on the base cell. */
	while (i < len && n < CCHARW_MAX) {
		wchar_t z;
		size_t k = decode(s + i, len - i, &z);

		if (z == L'\n' || wcwidth(z) != 0 || !utf8)
			break;
		c->wc[n++] = z;
		i += k;
	}
	c->wc[n] = 0;
	c->next = *off = i;
	return true;
}

/* Row breaks of text in rows of width columns: offsets[k] starts row k. */
size_t
logs_wrap_rows(const char *t, size_t len, int width, size_t **offsets)
{
	size_t n = 1, cap = 8, off = 0;
	struct cell c;
	int col = 0;

	*offsets = xcalloc(cap, sizeof **offsets);
	while (cell_next(t, len, &off, &c)) {
		bool brk = c.nl || col + c.w > width;

		if (brk && !(c.nl && c.next >= len)) {
			if (n == cap) {
				cap *= 2;
				*offsets = xreallocarray(*offsets, cap, sizeof **offsets);
			}
			(*offsets)[n++] = c.nl ? c.next : c.off;
			col = c.nl ? 0 : c.w;
		} else if (!c.nl)
			col += c.w;
	}
	return n;
}

/* ---- Attributes ---- */

static enum color_role
level_role(int level)
{
	switch (level) {
	case LOG_LEVEL_ERROR: return COLOR_ROLE_LOG_ERROR;
	case LOG_LEVEL_WARN: return COLOR_ROLE_LOG_WARN;
	case LOG_LEVEL_DEBUG: return COLOR_ROLE_LOG_DEBUG;
	case LOG_LEVEL_INFO: return COLOR_ROLE_LOG_INFO;
	default: return COLOR_ROLE_NORMAL;
	}
}

/* A 256-colour index on a terminal with fewer colours. */
static short
color_fit(int c)
{
	if (c < 0 || c < COLORS)
		return (short)c;
	if (c < 16)
		return (short)(c - 8);
	if (c >= 232)
		return (short)(c < 244 ? 0 : 7);
	c -= 16;
	return (short)((c / 36 >= 3 ? 1 : 0) | ((c / 6) % 6 >= 3 ? 2 : 0) | (c % 6 >= 3 ? 4 : 0));
}

/* The curses pair of an SGR colour, given one the first time (0: none). */
static short
sgr_pair(struct logs_view *v, int16_t fg, int16_t bg)
{
	short pair;

	if (v->no_color || COLOR_PAIRS <= LOGS_PAIR_BASE)
		return 0;
	for (int i = 0; i < v->npairs; i++)
		if (v->pairs[i].fg == fg && v->pairs[i].bg == bg)
			return v->pairs[i].pair;
	pair = (short)(LOGS_PAIR_BASE + v->npairs);
	if (v->npairs == (int)(sizeof v->pairs / sizeof v->pairs[0]) || pair >= COLOR_PAIRS ||
	    init_pair(pair, color_fit(fg), color_fit(bg)) == ERR)
		return 0;
	v->pairs[v->npairs].fg = fg;
	v->pairs[v->npairs].bg = bg;
	v->pairs[v->npairs].pair = pair;
	v->npairs++;
	return pair;
}

static attr_t
span_attr(struct logs_view *v, const struct sgr_span *sp, attr_t base)
{
	attr_t a = base;
	short pair;

	if (sp->attrs & SGR_BOLD)
		a |= A_BOLD;
	if (sp->attrs & SGR_DIM)
		a |= A_DIM;
	if (sp->attrs & SGR_ITALIC)
		a |= A_ITALIC;
	if (sp->attrs & SGR_UNDERLINE)
		a |= A_UNDERLINE;
	if (sp->attrs & SGR_REVERSE)
		a |= A_REVERSE;
	if ((sp->fg >= 0 || sp->bg >= 0) && (pair = sgr_pair(v, sp->fg, sp->bg)) > 0)
		a = (a & ~A_COLOR) | COLOR_PAIR(pair);
	return a;
}

struct hl {
	size_t	s[MAX_HL];
	size_t	e[MAX_HL];
	size_t	n;
};

static void
find_matches(struct logs_view *v, const struct log_line *ln, struct hl *hl)
{
	size_t from = 0, ms, me;

	hl->n = 0;
	while (hl->n < MAX_HL && log_regex_find(&v->search, ln->text, ln->len, from, &ms, &me)) {
		hl->s[hl->n] = ms;
		hl->e[hl->n] = me;
		hl->n++;
		if (me > from)
			from = me;
		else {	/* an empty match: step over one character */
			wchar_t wc;

			if (from >= ln->len)
				break;
			from += decode((const unsigned char *)ln->text + from, ln->len - from, &wc);
		}
	}
}

static void
put_cell(WINDOW *win, const wchar_t *wc, attr_t a)
{
	cchar_t cc;

	if (setcchar(&cc, wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL) == OK)
		wadd_wch(win, &cc);
}

/* Draw bytes [from, to) of a line at (y, x) in width columns, skipping the
 * first skip columns; level colour, then SGR spans, then search matches. */
static void
draw_run(struct logs_view *v, WINDOW *win, int y, int x, int width, const struct log_line *ln,
    size_t from, size_t to, int skip, const struct hl *hl, attr_t base)
{
	static const wchar_t blank[] = { L' ', 0 };
	size_t off = from, si = 0, hi = 0;
	int col = 0;
	struct cell c;

	wmove(win, y, x);
	while (col < skip + width && off < to && cell_next(ln->text, to, &off, &c)) {
		attr_t a = base;

		while (si < ln->nspans && ln->spans[si].end <= c.off)
			si++;
		if (si < ln->nspans && ln->spans[si].start <= c.off)
			a = span_attr(v, &ln->spans[si], base);
		while (hl != NULL && hi < hl->n && hl->e[hi] <= c.off)
			hi++;
		if (hl != NULL && hi < hl->n && hl->s[hi] <= c.off && c.off < hl->e[hi])
			a = ui_attr(COLOR_ROLE_HIGHLIGHT);
		if (c.nl)
			a = (a & ~A_COLOR) | ui_attr(COLOR_ROLE_DIM);
		if (col + c.w <= skip) {
			col += c.w;
			continue;
		}
		if (col < skip) {
			/* A wide character cut by the left edge: blanks for
			 * the columns of it that show. */
			for (int k = col + c.w - skip; k > 0 && col < skip + width; k--)
				put_cell(win, blank, a);
			col += c.w;
			continue;
		}
		if (col + c.w > skip + width)
			break;
		put_cell(win, c.wc, a);
		col += c.w;
	}
}

/* ---- Drawing ---- */

static int
labels_width(struct logs_view *v, int w)
{
	struct log_ring *r = v->lg->ring;
	int max = 0;

	if (w < 60)
		return 0;
	for (size_t b = 0; b < r->nbuckets; b++)
		for (struct log_stream *ls = r->buckets[b]; ls != NULL; ls = ls->next)
			if (ls->compact_width > max)
				max = ls->compact_width;
	return max > w / 4 ? w / 4 : max;
}

static void
fmt_time(int64_t ns, char *buf, size_t n, bool ms)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char hms[16];

	localtime_r(&t, &tm);
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	if (ms)
		snprintf(buf, n, "%s.%03d", hms, (int)(ns % 1000000000 / 1000000));
	else
		snprintf(buf, n, "%s", hms);
}

struct layout {
	int	timew;		/* columns of the time, 0 if hidden */
	int	labw;
	int	textx;
	int	textw;
};

static void
draw_line(struct logs_view *v, WINDOW *win, int y, const struct layout *lo, struct log_line *ln,
    size_t *rows, size_t nrows, size_t first_row, int maxrows, bool sel)
{
	struct hl hl;
	attr_t base = ui_attr(level_role(ln->level));
	attr_t meta = sel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;
	char tbuf[32];

	if (log_regex_active(&v->search))
		find_matches(v, ln, &hl);
	for (size_t r = first_row; r < nrows && (int)(r - first_row) < maxrows; r++) {
		int row = y + (int)(r - first_row);
		size_t to = r + 1 < nrows ? rows[r + 1] : ln->len;

		if (r == 0) {
			fmt_time(ln->ts, tbuf, sizeof tbuf, lo->timew > 9);
			ui_put(win, row, 0, tbuf, lo->timew, meta);
			if (lo->labw > 0) {
				const struct log_stream *ls = ln->stream;
				attr_t la = sel ? meta : ui_attr(COLOR_ROLE_DIM);
				bool cut = ls->compact_width > lo->labw;
				int used = ui_put(win, row, lo->timew + 1, ls->compact,
				    cut ? lo->labw - 1 : lo->labw, la);

				if (cut)
					ui_put(win, row, lo->timew + 1 + used, "…", 1, la);
			}
		} else if (sel)
			ui_put(win, row, 0, " ", 1, meta);
		draw_run(v, win, row, lo->textx, lo->textw, ln, rows[r], to,
		    v->wrap ? 0 : v->hscroll, log_regex_active(&v->search) ? &hl : NULL, base);
	}
}

static size_t
line_rows(struct logs_view *v, const struct layout *lo, struct log_line *ln, size_t **rows)
{
	if (!v->wrap) {
		*rows = xcalloc(1, sizeof **rows);
		return 1;
	}
	return logs_wrap_rows(ln->text, ln->len, lo->textw, rows);
}

/* Lines that fit above and including bottom, oldest first. */
static size_t
fill_up(struct logs_view *v, const struct layout *lo, uint64_t bottom, int height,
    uint64_t *seqs, size_t *nrows, int *top_cut)
{
	size_t n = 0;
	int used = 0;
	uint64_t q = bottom;

	*top_cut = 0;
	for (;;) {
		size_t *rows, k = line_rows(v, lo, log_ring_get(v->lg->ring, q), &rows);

		free(rows);
		seqs[n] = q;
		nrows[n] = k;
		n++;
		if (used + (int)k >= height) {
			*top_cut = (int)k - (height - used);
			break;
		}
		used += (int)k;
		if (!logs_seek(v, &q, -1, false))
			break;
	}
	/* Oldest first. */
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t t = seqs[i];
		size_t tr = nrows[i];

		seqs[i] = seqs[n - 1 - i];
		seqs[n - 1 - i] = t;
		nrows[i] = nrows[n - 1 - i];
		nrows[n - 1 - i] = tr;
	}
	return n;
}

static void
draw_status(struct logs_view *v, WINDOW *win, int w)
{
	struct log_ring *r = v->lg->ring;
	char buf[256];
	int x = 0;

	if (v->follow)
		x += ui_put(win, 0, x, _("▼ follow"), w - x, ui_attr(COLOR_ROLE_OK));
	else {
		snprintf(buf, sizeof buf, _("❚❚ paused, %llu new"),
		    (unsigned long long)(r->next_seq - v->pause_seq));
		x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_WARN) | A_BOLD);
	}
	if (v->lg->error != NULL) {
		x += ui_put(win, 0, x, " │ ", w - x, A_NORMAL);
		ui_put(win, 0, x, v->lg->error, w - x, ui_attr(COLOR_ROLE_CRIT));
		return;
	}
	snprintf(buf, sizeof buf, _(" │ %llu lines"), (unsigned long long)r->total);
	x += ui_put(win, 0, x, buf, w - x, A_NORMAL);
	if (r->skipped > 0) {
		snprintf(buf, sizeof buf, P_(" │ %llu line skipped", " │ %llu lines skipped",
		    r->skipped), (unsigned long long)r->skipped);
		x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_WARN));
	}
	if (v->lg->skipped_ts > 0) {
		snprintf(buf, sizeof buf, _(" │ lines at %llu timestamps skipped (over the query limit)"),
		    (unsigned long long)v->lg->skipped_ts);
		x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_WARN));
	}
	if (v->lg->malformed > 0) {
		snprintf(buf, sizeof buf, _(" │ malformed skipped: %zu"), v->lg->malformed);
		x += ui_put(win, 0, x, buf, w - x, ui_attr(COLOR_ROLE_WARN));
	}
	if (v->lg->catching_up)
		x += ui_put(win, 0, x, _(" │ catching up…"), w - x, ui_attr(COLOR_ROLE_WARN));
	if (log_regex_active(&v->include)) {
		x += ui_put(win, 0, x, " │ f:", w - x, A_NORMAL);
		x += ui_put(win, 0, x, v->include.pattern, w - x, ui_attr(COLOR_ROLE_TITLE));
	}
	if (log_regex_active(&v->exclude)) {
		x += ui_put(win, 0, x, " │ F:", w - x, A_NORMAL);
		x += ui_put(win, 0, x, v->exclude.pattern, w - x, ui_attr(COLOR_ROLE_TITLE));
	}
	if (log_regex_active(&v->search)) {
		x += ui_put(win, 0, x, " │ /", w - x, A_NORMAL);
		x += ui_put(win, 0, x, v->search.pattern, w - x, ui_attr(COLOR_ROLE_HIGHLIGHT));
	}
	if (v->wrap)
		x += ui_put(win, 0, x, _(" │ wrap"), w - x, A_NORMAL);
	else if (v->hscroll > 0) {
		snprintf(buf, sizeof buf, " │ →%d", v->hscroll);
		x += ui_put(win, 0, x, buf, w - x, A_NORMAL);
	}
	if (v->lg->warning != NULL) {
		x += ui_put(win, 0, x, " │ ", w - x, A_NORMAL);
		x += ui_put(win, 0, x, v->lg->warning, w - x, ui_attr(COLOR_ROLE_WARN));
	}
	x += ui_put(win, 0, x, " │ ", w - x, A_NORMAL);
	x += ui_put(win, 0, x, v->lg->query, w - x, ui_attr(COLOR_ROLE_DIM));
	if (r->common != NULL && strcmp(r->common, "{}") != 0) {
		x += ui_put(win, 0, x, " ", w - x, A_NORMAL);
		ui_put(win, 0, x, r->common, w - x, ui_attr(COLOR_ROLE_DIM));
	}
}

void
logs_pane_draw(struct app *app, void *data, void *view, WINDOW *win, bool focused)
{
	struct logs_view *v = view;
	int h = getmaxy(win), w = getmaxx(win), height, cut, y;
	struct layout lo;
	uint64_t bottom, sel = 0, *seqs;
	size_t n, *nrows;
	bool have_sel;

	(void)app;
	if (data == NULL)
		return;
	if (v->f->src == NULL) {
		ui_put(win, 0, 0, _("Loki is not configured: set url in the [loki] section"), w,
		    ui_attr(COLOR_ROLE_DIM));
		return;
	}
	log_ring_update_labels(v->lg->ring);
	draw_status(v, win, w);
	height = h - 1;
	v->height = height;
	if (height <= 0)
		return;
	lo.timew = w >= 50 ? 12 : 8;
	lo.labw = labels_width(v, w);
	lo.textx = lo.timew + 1 + (lo.labw > 0 ? lo.labw + 1 : 0);
	lo.textw = w - lo.textx;
	if (lo.textw < 10) {
		lo.labw = 0;
		lo.textx = lo.timew + 1;
		lo.textw = w - lo.textx;
	}
	if (lo.textw < 1)
		return;
	have_sel = logs_selection(v, &sel);
	if (!have_sel) {
		ui_put(win, 1, 0, v->lg->ring->count == 0 ? _("no lines yet") :
		    _("no line matches the filter"), w, ui_attr(COLOR_ROLE_DIM));
		if (v->follow)
			v->lg->ring->seen_seq = v->lg->ring->next_seq;
		return;
	}
	seqs = xcalloc((size_t)height + 1, sizeof *seqs);
	nrows = xcalloc((size_t)height + 1, sizeof *nrows);
	if (v->follow)
		bottom = sel;
	else {
		bottom = v->bottom;
		if (bottom < sel || log_ring_get(v->lg->ring, bottom) == NULL ||
		    !logs_seek(v, &bottom, -1, true))
			bottom = sel;
		n = fill_up(v, &lo, bottom, height, seqs, nrows, &cut);
		if (sel < seqs[0] || (sel == seqs[0] && cut > 0)) {
			/* The selection went above the view: it becomes the
			 * top line, the view's bottom follows from it. */
			int used = 0;
			uint64_t q = sel;

			bottom = sel;
			for (;;) {
				size_t *rows, k = line_rows(v, &lo, log_ring_get(v->lg->ring, q), &rows);

				free(rows);
				if (used + (int)k > height && q != sel)
					break;
				used += (int)k;
				bottom = q;
				if (!logs_seek(v, &q, +1, false))
					break;
			}
		}
		v->bottom = bottom;
	}
	n = fill_up(v, &lo, bottom, height, seqs, nrows, &cut);
	y = 1;
	for (size_t i = 0; i < n; i++) {
		struct log_line *ln = log_ring_get(v->lg->ring, seqs[i]);
		size_t *rows, k = line_rows(v, &lo, ln, &rows);
		size_t skip = i == 0 ? (size_t)cut : 0;

		draw_line(v, win, y, &lo, ln, rows, k, skip, h - y, focused && !v->follow && seqs[i] == sel);
		y += (int)(k - skip);
		free(rows);
	}
	/* Following, every line up to the newest could be seen: evicting it
	 * later is not skipping.  Paused, only where the user goes counts
	 * (pause_at), not lines the view slid to as older ones left. */
	if (v->follow)
		v->lg->ring->seen_seq = v->lg->ring->next_seq;
	free(seqs);
	free(nrows);
}

