/* The console's header (site, verdict, summary, clock, data age, the
 * hooks' fragments) and its bottom line (prompt, message or the key line
 * that follows the focus). */
#include "ceres/features/alerts.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/theme.h"
#include "ceres/ui/ui.h"
#include "ui_internal.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The header fragments of the hooks, " │ "-separated. */
static void
header_hooks(struct app *app, char *buf, size_t n)
{
	struct ui *ui = app->ui;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ui->nheaders && used + 1 < n; i++) {
		char part[128];

		part[0] = '\0';
		ui->headers[i].fn(app, ui->headers[i].arg, part, sizeof part);
		if (part[0] == '\0')
			continue;
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used > 0 ? " │ " : "", part);
		if (used >= n)
			used = n - 1;
	}
}

/* [ceres] bell = critical: one bell when new critical alerts arrive. */
static void
ring_bell(struct app *app)
{
	struct alerts_area *af = app_feature_enabled(app, FEATURE_ALERTS) ?
	    app->feature_data[FEATURE_ALERTS] : NULL;
	const char *bell = config_get(app->config, "ceres", NULL, "bell");

	if (af == NULL || af->news.bell == 0)
		return;
	af->news.bell = 0;
	if (bell != NULL && strcmp(bell, "critical") == 0)
		beep();
}

void
ui_draw_header(struct app *app)
{
	struct status st;
	char clock[16], age[16], agetext[160], line[512], extra[128];
	time_t t = time(NULL);
	struct tm tm;
	const struct source *stale;
	double oldest;
	attr_t a;
	int x;

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	/* The age of what matters (health and alerts), naming a stale one. */
	oldest = sources_vital_age(app->sources, app->nsources, &stale);
	if (oldest >= 0)
		fmt_age(oldest, age, sizeof age);
	else
		snprintf(age, sizeof age, "-");
	if (stale != NULL)
		snprintf(agetext, sizeof agetext, _("data age %s (stale: %s)"), age, stale->name);
	else
		snprintf(agetext, sizeof agetext, "%s %s", _("data age"), age);
	status_init(&st);
	for (int i = 0; i < FEATURE_COUNT; i++)
		if (app_feature_enabled(app, i) && features[i]->status != NULL)
			features[i]->status(app, app->feature_data[i], &st);
	ring_bell(app);
	a = ui_attr(COLOR_ROLE_HEADER);
	wattr_on(stdscr, a, NULL);
	mvhline(0, 0, ' ', COLS);
	wattr_off(stdscr, a, NULL);
	snprintf(line, sizeof line, " ceres-top │ %s │ ", app->site);
	x = ui_put(stdscr, 0, 0, line, COLS, a | A_BOLD);
	{
		static const char *const words[] = { N_("OK"), N_("WARNING"), N_("CRITICAL"), N_("UNKNOWN") };
		enum color_role r = st.code == STATUS_OK ? COLOR_ROLE_OK : st.code == STATUS_WARNING ?
		    COLOR_ROLE_WARN : st.code == STATUS_CRITICAL ? COLOR_ROLE_CRIT : COLOR_ROLE_UNKNOWN;

		x += ui_put(stdscr, 0, x, _(words[st.code]), COLS - x, ui_attr_block(r) | A_BOLD);
	}
	header_hooks(app, extra, sizeof extra);
	snprintf(line, sizeof line, " %s │ %s │ %s%s%s%s%s", st.summary.len ? st.summary.buf : "",
	    clock, agetext, *extra != '\0' ? " │ " : "", extra,
	    app->read_only ? " │ " : "", app->read_only ? _("READ-ONLY") : "");
	ui_put(stdscr, 0, x, line, COLS - x, a);
	status_free(&st);
}

/* Append the items of a two-space separated list while they fit in
 * budget columns; returns the columns used. */
static int
keyline_add(struct strbuf *sb, const char *items, int budget)
{
	int used = 0;

	while (*items != '\0') {
		const char *end = strstr(items, "  ");
		size_t len = end != NULL ? (size_t)(end - items) : strlen(items);
		char *item = xstrndup(items, len);
		int tw = text_width(item) + (sb->len > 0 ? 2 : 0);

		if (used + tw > budget) {
			free(item);
			break;
		}
		if (sb->len > 0)
			strbuf_adds(sb, "  ");
		strbuf_adds(sb, item);
		used += tw;
		free(item);
		items += len;
		while (*items == ' ')
			items++;
	}
	return used;
}

/* The key line follows the focus: the focused pane's most useful keys
 * first, then "? help" (always shown), then the global keys, whole items
 * only, within the width. */
static void
keyline_draw(struct app *app, int y)
{
	const struct pane_ops *p = ui_panes[app->ui->focus];
	const char *help = _("? help");
	struct strbuf sb;
	int reserve = text_width(help) + 2, used = 0;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	if (p->keyline != NULL)
		used = keyline_add(&sb, _(p->keyline), COLS - 1 - reserve);
	used += keyline_add(&sb, help, COLS - 1 - used);
	keyline_add(&sb, _("Tab focus  : command  q quit"), COLS - 1 - used);
	ui_put(stdscr, y, 0, sb.buf, COLS, ui_attr(COLOR_ROLE_DIM));
	strbuf_free(&sb);
}

void
ui_draw_statusline(struct app *app)
{
	struct ui *ui = app->ui;
	int y = LINES - 1;

	move(y, 0);
	clrtoeol();
	if (ui->prompt.active) {
		prompt_draw(app, y);
		return;
	}
	if (ui->msg != NULL && now_mono() < ui->msg_until) {
		enum color_role r = ui->msg_level == UI_MSG_ERROR ? COLOR_ROLE_CRIT :
		    ui->msg_level == UI_MSG_WARN ? COLOR_ROLE_WARN : COLOR_ROLE_OK;

		ui_put(stdscr, y, 0, ui->msg, COLS, ui_attr(r));
		return;
	}
	keyline_draw(app, y);
}
