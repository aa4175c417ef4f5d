/* The silences list (S): active, pending and expired silences with their
 * matchers, creator, comment, when they end, and how many current alerts
 * each one silences now; silences that match nothing are marked.  The
 * list reads the live model, so it follows every poll; e extends and x
 * expires the selected silence (ui/silences.c). */
#include "ceres/features/alerts.h"
#include "ceres/actions/silences.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct silence_list {
	struct alerts_area	*af;
	size_t		 sel;
	size_t		 top;
	char		*sel_id;	/* keeps the selection when a poll reorders */
	char		*search;
	int		 height;
};

static const struct silence_set *
list_set(const struct silence_list *l)
{
	return l->af->al.silences;
}

static void
locate(struct silence_list *l)
{
	const struct silence_set *ss = list_set(l);

	if (ss == NULL || ss->n == 0) {
		l->sel = 0;
		return;
	}
	if (l->sel_id != NULL)
		for (size_t i = 0; i < ss->n; i++)
			if (strcmp(ss->v[i].id, l->sel_id) == 0) {
				l->sel = i;
				return;
			}
	if (l->sel >= ss->n)
		l->sel = ss->n - 1;
}

static char *
matchers_line(const struct silence *s)
{
	struct strbuf sb;
	char *out;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (size_t i = 0; i < s->nmatchers; i++) {
		char *t = silence_matcher_text(&s->matchers[i]);

		strbuf_addf(&sb, "%s%s", i > 0 ? ", " : "", t);
		free(t);
	}
	out = sanitize_str(sb.buf);
	strbuf_free(&sb);
	return out;
}

static void
when_text(const struct silence *s, double now, char *buf, size_t n)
{
	char age[16];

	if (strcmp(s->state, "pending") == 0 && s->starts > now)
		snprintf(buf, n, "%s %s", _("starts in"), fmt_age(s->starts - now, age, sizeof age));
	else if (s->ends > now)
		snprintf(buf, n, "%s %s", _("ends in"), fmt_age(s->ends - now, age, sizeof age));
	else if (s->ends > 0)
		snprintf(buf, n, "%s %s", _("ended"), fmt_age(now - s->ends, age, sizeof age));
	else
		snprintf(buf, n, "-");
}

static void
list_draw(struct app *app, void *data, WINDOW *win)
{
	struct silence_list *l = data;
	const struct silence_set *ss = list_set(l);
	int h = getmaxy(win), w = getmaxx(win);
	double now = now_wall();
	size_t na = 0, np = 0, ne = 0;
	char head[256];

	(void)app;
	if (ss == NULL) {
		ui_put(win, 0, 0, l->af->al.silences_error != NULL ? l->af->al.silences_error :
		    _("no silences known yet"), w, ui_attr(COLOR_ROLE_DIM));
		return;
	}
	for (size_t i = 0; i < ss->n; i++) {
		if (strcmp(ss->v[i].state, "active") == 0)
			na++;
		else if (strcmp(ss->v[i].state, "pending") == 0)
			np++;
		else
			ne++;
	}
	snprintf(head, sizeof head, _("%zu active, %zu pending, %zu expired — e extend, x expire, "
	    "Enter details, / search"), na, np, ne);
	ui_put(win, 0, 0, head, w, ui_attr(COLOR_ROLE_DIM));
	l->height = h - 1;
	locate(l);
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->height > 0 && l->sel >= l->top + (size_t)l->height)
		l->top = l->sel - (size_t)l->height + 1;
	for (int row = 0; row < l->height && l->top + (size_t)row < ss->n; row++) {
		size_t i = l->top + (size_t)row;
		const struct silence *s = &ss->v[i];
		bool sel = i == l->sel, active = strcmp(s->state, "active") == 0;
		attr_t base = sel ? ui_attr(COLOR_ROLE_SELECTION) : A_NORMAL;
		char when[48], cnt[48], *m, *by, *cm, *state;
		enum color_role cr = COLOR_ROLE_NORMAL;
		int x = 0;

		if (sel) {
			wattr_on(win, base, NULL);
			mvwhline(win, row + 1, 0, ' ', w);
			wattr_off(win, base, NULL);
		}
		state = sanitize_str(s->state);
		ui_put(win, row + 1, x, state, 8, sel ? base : ui_attr(active ? COLOR_ROLE_OK :
		    COLOR_ROLE_DIM));
		free(state);
		x += 9;
		when_text(s, now, when, sizeof when);
		ui_put(win, row + 1, x, when, 15, base);
		x += 16;
		if (active && s->nsilencing == 0) {
			snprintf(cnt, sizeof cnt, "%s", _("matches nothing"));
			cr = COLOR_ROLE_WARN;
		} else if (active)
			snprintf(cnt, sizeof cnt, P_("%zu alert", "%zu alerts", s->nsilencing), s->nsilencing);
		else if (s->nwould >= 0)
			snprintf(cnt, sizeof cnt, _("would match %ld"), s->nwould);
		else
			snprintf(cnt, sizeof cnt, "-");
		if (x >= w)
			continue;
		ui_put(win, row + 1, x, cnt, 16, sel ? base : ui_attr(cr));
		x += 17;
		if (x >= w)
			continue;
		m = matchers_line(s);
		by = sanitize_str(s->created_by);
		cm = sanitize_str(s->comment);
		{
			char *rest = xasprintf("%s · %s · %s", m, by, cm);

			ui_put(win, row + 1, x, rest, w - x, base);
			free(rest);
		}
		free(m);
		free(by);
		free(cm);
	}
}

static void
list_details(struct app *app, const struct silence *s)
{
	struct strbuf sb;
	char when[48];

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s: %s\n%s: %s\n", _("Silence"), s->id, _("State"), s->state);
	when_text(s, now_wall(), when, sizeof when);
	strbuf_addf(&sb, "%s: %s\n%s: %s (%s)\n", _("Starts"), s->starts_at, _("Ends"), s->ends_at, when);
	strbuf_addf(&sb, "%s: %s\n%s: %s\n", _("Created by"), s->created_by, _("Updated"), s->updated_at);
	if (strcmp(s->state, "active") == 0)
		strbuf_addf(&sb, "%s: %zu\n", _("Silences now"), s->nsilencing);
	else if (s->nwould >= 0)
		strbuf_addf(&sb, "%s: %ld\n", _("Would match now"), s->nwould);
	strbuf_addf(&sb, "\n%s:\n", _("Matchers"));
	for (size_t i = 0; i < s->nmatchers; i++) {
		char *t = silence_matcher_text(&s->matchers[i]);

		strbuf_addf(&sb, "  %s\n", t);
		free(t);
	}
	strbuf_addf(&sb, "\n%s:\n%s\n", _("Comment"), s->comment);
	ui_text_overlay(app, _("Silence"), strbuf_detach(&sb));
}

static bool
silence_matches(const struct silence *s, const char *q)
{
	if (strcasestr(s->id, q) || strcasestr(s->comment, q) || strcasestr(s->created_by, q))
		return true;
	for (size_t i = 0; i < s->nmatchers; i++)
		if (strcasestr(s->matchers[i].name, q) || strcasestr(s->matchers[i].value, q))
			return true;
	return false;
}

static void
list_search_next(struct app *app, struct silence_list *l)
{
	const struct silence_set *ss = list_set(l);

	if (ss == NULL || ss->n == 0 || l->search == NULL)
		return;
	for (size_t step = 1; step <= ss->n; step++) {
		size_t i = (l->sel + step) % ss->n;

		if (silence_matches(&ss->v[i], l->search)) {
			l->sel = i;
			str_set(&l->sel_id, ss->v[i].id);
			return;
		}
	}
	ui_message(app, UI_MSG_WARN, _("no silence matches \"%s\""), l->search);
}

static void
list_search_done(struct app *app, const char *answer, void *arg)
{
	struct silence_list *l = arg;

	if (answer == NULL)
		return;
	if (*answer != '\0')
		str_set(&l->search, answer);
	/* Search from just before the top so the first match can be row 0. */
	l->sel = list_set(l) != NULL && list_set(l)->n > 0 ? list_set(l)->n - 1 : 0;
	list_search_next(app, l);
	app_dirty(app);
}

static bool
list_key(struct app *app, void *data, int key)
{
	struct silence_list *l = data;
	const struct silence_set *ss = list_set(l);
	size_t n = ss != NULL ? ss->n : 0, page = l->height > 1 ? (size_t)l->height - 1 : 1;

	locate(l);
	switch (key) {
	case 27: case 'q':
		return true;
	case 'j': case 'k': case 'g': case 'G': case KEY_DOWN: case KEY_UP:
	case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
		ui_list_move(key, &l->sel, n, page);
		break;
	case '/':
		ui_prompt(app, _("search silences: "), "", list_search_done, l);
		break;
	case 'n':
		list_search_next(app, l);
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (l->sel < n)
			list_details(app, &ss->v[l->sel]);
		break;
	case 'e':
		if (l->sel < n)
			silences_extend(app, l->af, &ss->v[l->sel]);
		break;
	case 'x':
		if (l->sel < n)
			silences_expire(app, l->af, &ss->v[l->sel]);
		break;
	default:
		break;
	}
	if (l->sel < n)
		str_set(&l->sel_id, ss->v[l->sel].id);
	return false;
}

static void
list_free(void *data)
{
	struct silence_list *l = data;

	free(l->sel_id);
	free(l->search);
	free(l);
}

static const struct overlay_ops list_ops = {
	.draw = list_draw,
	.key = list_key,
	.free = list_free,
};

void
silences_list_open(struct app *app, struct alerts_area *af)
{
	struct silence_list *l = xcalloc(1, sizeof *l);
	struct alerts *al = &af->al;
	char *title;

	l->af = af;
	title = al->peer >= 0 ? xasprintf("%s — %s", _("Silences"), al->peers[al->peer].shown) :
	    xstrdup(_("Silences"));
	ui_overlay_open(app, title, &list_ops, l);
	free(title);
}
