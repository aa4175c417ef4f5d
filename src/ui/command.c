/* The ':' command line: the built-in verbs (help, quit, refresh, site,
 * theme), the verbs panes register (query, filter ...), unique-prefix
 * abbreviation, Tab completion of verbs and arguments, and the help text
 * that lists keys and commands. */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/theme.h"
#include "ceres/ui/ui.h"
#include "ui_internal.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

static bool cmd_help(struct app *, const char *, void *);
static bool cmd_quit(struct app *, const char *, void *);
static bool cmd_refresh(struct app *, const char *, void *);
static bool cmd_site(struct app *, const char *, void *);
static bool cmd_theme(struct app *, const char *, void *);
static char **complete_verbs(struct app *, const char *, void *);
static char **complete_sites(struct app *, const char *, void *);
static char **complete_themes(struct app *, const char *, void *);

static const struct ui_command_def builtins[] = {
	{ "help", N_("help [COMMAND]"), N_("list the keys and commands"), cmd_help, complete_verbs },
	{ "quit", "quit", N_("quit ceres-top (also :q)"), cmd_quit, NULL },
	{ "refresh", "refresh", N_("poll every source now"), cmd_refresh, NULL },
	{ "site", N_("site [NAME]"), N_("switch to another [site] of the config file"), cmd_site,
	    complete_sites },
	{ "theme", N_("theme [NAME]"), N_("switch the colour theme"), cmd_theme, complete_themes },
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

void
ui_command_add(struct app *app, const struct ui_command_def *def, void *arg)
{
	struct ui *ui = app->ui;
	struct ui_command *c;

	if (ui == NULL)
		return;
	ui->cmds = xreallocarray(ui->cmds, ui->ncmds + 1, sizeof *ui->cmds);
	c = &ui->cmds[ui->ncmds++];
	c->verb = xstrdup(def->verb);
	c->usage = def->usage != NULL ? xstrdup(def->usage) : NULL;
	c->help = def->help;
	c->cb = def->run;
	c->arg = arg;
	c->complete = def->complete;
	c->complete_arg = arg;
	c->complete_whole = false;
}

void
ui_command_register(struct app *app, const char *verb, ui_command_cb cb, void *arg)
{
	struct ui_command_def def = { .verb = verb, .run = cb };

	ui_command_add(app, &def, arg);
}

void
ui_command_complete(struct app *app, const char *verb, ui_complete_cb cb, void *arg)
{
	struct ui *ui = app->ui;

	if (ui == NULL)
		return;
	for (size_t i = 0; i < ui->ncmds; i++) {
		if (strcmp(ui->cmds[i].verb, verb) == 0) {
			ui->cmds[i].complete = cb;
			ui->cmds[i].complete_arg = arg;
			ui->cmds[i].complete_whole = true;
		}
	}
}

void
command_free_all(struct ui *ui)
{
	for (size_t i = 0; i < ui->ncmds; i++) {
		free(ui->cmds[i].verb);
		free(ui->cmds[i].usage);
	}
	free(ui->cmds);
	ui->cmds = NULL;
	ui->ncmds = 0;
}

/* A verb as one shape, built-in or registered. */
struct verb {
	const char	*verb;
	const char	*usage;
	const char	*help;
	ui_command_cb	 run;
	ui_complete_cb	 complete;
	void		*arg;
	void		*complete_arg;
	bool		 complete_whole;
};

static size_t
all_verbs(struct app *app, struct verb **out)
{
	struct ui *ui = app->ui;
	struct verb *v = xcalloc(NBUILTINS + ui->ncmds, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < NBUILTINS; i++, n++) {
		v[n].verb = builtins[i].verb;
		v[n].usage = builtins[i].usage;
		v[n].help = builtins[i].help;
		v[n].run = builtins[i].run;
		v[n].complete = builtins[i].complete;
	}
	/* A pane may not take a built-in verb.  When several panes register
	 * one verb (":filter"), the focused pane's registration wins. */
	for (size_t i = 0; i < ui->ncmds; i++) {
		const struct ui_command *c = &ui->cmds[i];
		bool dup = false;

		for (size_t j = 0; j < n; j++)
			dup = dup || strcmp(v[j].verb, c->verb) == 0;
		if (dup)
			continue;
		for (size_t j = i + 1; j < ui->ncmds; j++) {
			if (strcmp(ui->cmds[j].verb, c->verb) == 0 &&
			    (ui->cmds[j].arg == app->feature_data[ui->focus] ||
			    ui->cmds[j].arg == ui->view[ui->focus]))
				c = &ui->cmds[j];
		}
		v[n].verb = c->verb;
		v[n].usage = c->usage;
		v[n].help = c->help;
		v[n].run = c->cb;
		v[n].complete = c->complete;
		v[n].arg = c->arg;
		v[n].complete_arg = c->complete_arg;
		v[n].complete_whole = c->complete_whole;
		n++;
	}
	*out = v;
	return n;
}

/* Exact name, "q", or an unambiguous prefix (":th noc").  *ambiguous is
 * set when a prefix matches several verbs. */
static const struct verb *
verb_find(const struct verb *v, size_t n, const char *name, bool *ambiguous)
{
	const struct verb *hit = NULL;
	size_t len = strlen(name), hits = 0;

	*ambiguous = false;
	if (strcmp(name, "q") == 0)
		name = "quit";
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].verb, name) == 0)
			return &v[i];
	for (size_t i = 0; i < n && len > 0; i++) {
		if (strncmp(v[i].verb, name, len) == 0) {
			hit = &v[i];
			hits++;
		}
	}
	*ambiguous = hits > 1;
	return hits == 1 ? hit : NULL;
}

void
command_run(struct app *app, const char *line, void *arg)
{
	struct ui *ui = app->ui;
	char *copy, *verb, *args;
	struct verb *v;
	const struct verb *hit;
	size_t n;
	bool ambiguous;

	(void)arg;
	if (line == NULL)
		return;
	copy = xstrdup(line);
	verb = str_trim(copy);
	if (*verb == '\0') {
		free(copy);
		return;
	}
	ui_history_add(ui, verb);
	args = verb + strcspn(verb, " \t");
	if (*args != '\0')
		*args++ = '\0';
	args = str_trim(args);
	n = all_verbs(app, &v);
	hit = verb_find(v, n, verb, &ambiguous);
	if (hit != NULL)
		hit->run(app, args, hit->arg);
	else if (ambiguous)
		ui_message(app, UI_MSG_ERROR, _("ambiguous command: %s (Tab lists the matches)"), verb);
	else
		ui_message(app, UI_MSG_ERROR, _("unknown command: %s (:help lists them)"), verb);
	free(v);
	free(copy);
}

static void
free_strv(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

static char *
join_strv(char **v, size_t max)
{
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (i = 0; v != NULL && v[i] != NULL && i < max; i++)
		strbuf_addf(&sb, "%s%s", i > 0 ? ", " : "", v[i]);
	if (v != NULL && v[i] != NULL)
		strbuf_adds(&sb, ", …");
	return strbuf_detach(&sb);
}

static char **
complete_verbs(struct app *app, const char *args, void *arg)
{
	struct verb *v;
	size_t n = all_verbs(app, &v);
	char **out = xcalloc(n + 1, sizeof *out);

	(void)args;
	(void)arg;
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i].verb);
	free(v);
	return out;
}

static char **
complete_sites(struct app *app, const char *args, void *arg)
{
	const char **names = NULL;
	size_t n = config_names(app->config, "site", &names);
	char **out = xcalloc(n + 1, sizeof *out);

	(void)args;
	(void)arg;
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(names[i]);
	free(names);
	return out;
}

static char **
complete_themes(struct app *app, const char *args, void *arg)
{
	(void)app;
	(void)args;
	(void)arg;
	return theme_list();
}

/* Keep the candidates that start with word (sorted as given, unique). */
static size_t
filter_prefix(char **cands, const char *word, char ***out)
{
	size_t n = 0, len = strlen(word);
	char **v = NULL;

	for (size_t i = 0; cands != NULL && cands[i] != NULL; i++) {
		bool dup = false;

		if (strncmp(cands[i], word, len) != 0)
			continue;
		for (size_t j = 0; j < n; j++)
			dup = dup || strcmp(v[j], cands[i]) == 0;
		if (dup)
			continue;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrdup(cands[i]);
		v[n] = NULL;
	}
	*out = v;
	return n;
}

static size_t
common_prefix(char **v, size_t n)
{
	size_t len = n > 0 ? strlen(v[0]) : 0;

	for (size_t i = 1; i < n; i++) {
		size_t k = 0;

		while (k < len && v[i][k] == v[0][k])
			k++;
		len = k;
	}
	/* Never cut a UTF-8 character in half. */
	while (len > 0 && n > 0 && ((unsigned char)v[0][len] & 0xc0) == 0x80)
		len--;
	return len;
}

void
command_completion(struct app *app, const char *before, struct ui_completion *out)
{
	const char *start = before + strspn(before, " \t"), *word, *sp;
	char **cands = NULL;
	struct verb *v = NULL;

	memset(out, 0, sizeof *out);
	sp = start + strcspn(start, " \t");
	out->verb = *sp == '\0';
	if (out->verb) {
		word = start;
		cands = complete_verbs(app, "", NULL);
	} else {
		char *name = xstrndup(start, (size_t)(sp - start));
		const char *args = sp + strspn(sp, " \t");
		const struct verb *hit;
		size_t n = all_verbs(app, &v);
		bool ambiguous, whole;

		hit = verb_find(v, n, name, &ambiguous);
		free(name);
		whole = hit != NULL && hit->complete_whole;
		/* Completers of whole arguments (a LogQL selector) replace all
		 * of them; the others complete the last word. */
		word = before + strlen(before);
		while (!whole && word > args && word[-1] != ' ' && word[-1] != '\t')
			word--;
		if (whole)
			word = args;
		if (hit != NULL && hit->complete != NULL)
			cands = hit->complete(app, args, hit->complete_arg);
		if (whole) {
			size_t k = 0;

			while (cands != NULL && cands[k] != NULL)
				k++;
			out->cands = cands != NULL ? cands : xcalloc(1, sizeof *out->cands);
			out->n = k;
			cands = NULL;
		}
	}
	if (out->cands == NULL) {
		out->n = filter_prefix(cands, word, &out->cands);
		if (out->cands == NULL)
			out->cands = xcalloc(1, sizeof *out->cands);
	}
	free_strv(cands);
	free(v);
	out->prefix = xstrndup(before, (size_t)(word - before));
	out->common = common_prefix(out->cands, out->n);
}

void
command_completion_free(struct ui_completion *c)
{
	free_strv(c->cands);
	free(c->prefix);
	memset(c, 0, sizeof *c);
}

char *
command_completion_list(const struct ui_completion *c, size_t max)
{
	char *s = join_strv(c->cands, max), *safe = sanitize_str(s);

	free(s);
	return safe;
}

char *
command_complete(struct app *app, const char *before, char **hint)
{
	struct ui_completion c;
	struct strbuf sb;
	size_t typed;

	*hint = NULL;
	command_completion(app, before, &c);
	typed = strlen(before) - strlen(c.prefix);
	strbuf_init(&sb);
	if (c.n == 0) {
		*hint = xstrdup(_("no completion"));
		strbuf_adds(&sb, before);
	} else if (c.n == 1) {
		strbuf_addf(&sb, "%s%s%s", c.prefix, c.cands[0], c.verb ? " " : "");
	} else {
		if (c.common > typed)
			strbuf_addf(&sb, "%s%.*s", c.prefix, (int)c.common, c.cands[0]);
		else
			strbuf_adds(&sb, before);
		*hint = command_completion_list(&c, 20);
	}
	strbuf_add(&sb, "", 0);
	command_completion_free(&c);
	return strbuf_detach(&sb);
}

static bool
cmd_quit(struct app *app, const char *args, void *arg)
{
	(void)args;
	(void)arg;
	app->quit = true;
	return true;
}

static bool
cmd_refresh(struct app *app, const char *args, void *arg)
{
	(void)args;
	(void)arg;
	for (size_t i = 0; i < app->nsources; i++)
		source_poll_now(app->sources[i]);
	ui_message(app, UI_MSG_INFO, "%s", _("refreshing"));
	return true;
}

/* Pad s to width columns (s is plain text: keys and verbs). */
static void
add_padded(struct strbuf *sb, const char *s, int width)
{
	int w = text_width(s);

	strbuf_adds(sb, s);
	for (; w < width; w++)
		strbuf_addc(sb, ' ');
	strbuf_addc(sb, ' ');
}

static int
key_width(const char *const *h, int width)
{
	for (const char *const *p = h; p != NULL && *p != NULL; p += 2)
		if (text_width(p[0]) > width)
			width = text_width(p[0]);
	return width;
}

static void
add_key_table(struct strbuf *sb, const char *const *h, int width)
{
	for (; *h != NULL; h += 2) {
		strbuf_adds(sb, "  ");
		add_padded(sb, h[0], width);
		strbuf_addf(sb, "%s\n", _(h[1]));
	}
}

/* The key, help pairs of the hooks of one pane (or UI_ANY_PANE) that
 * have help, NULL-terminated, or NULL when there is none. */
static const char **
hook_help(const struct ui *ui, int pane)
{
	const char **out = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ui->nkeys; i++) {
		const struct ui_key *k = &ui->keys[i].k;

		if (k->help == NULL || k->pane != pane)
			continue;
		out = xreallocarray(out, n + 3, sizeof *out);
		out[n++] = k->name;
		out[n++] = k->help;
		out[n] = NULL;
	}
	return out;
}

/* Keys of the focused pane, the global keys, the action keys (one key
 * column for all three), then the commands. */
char *
command_help_text(struct app *app)
{
	struct ui *ui = app->ui;
	const struct pane_ops *p = ui_panes[ui->focus];
	struct strbuf sb;
	struct verb *v;
	size_t n = all_verbs(app, &v);
	const char **acts = hook_help(ui, UI_ANY_PANE), **pane = hook_help(ui, ui->focus);
	int width = 12, kw;

	kw = key_width(p->help, key_width(ui_global_help, key_width(acts, key_width(pane, 12))));
	kw = key_width(fleet_help, kw);
	strbuf_init(&sb);
	if (ui->fleet_on) {
		strbuf_addf(&sb, "%s\n\n", _("Keys of the sites screen"));
		add_key_table(&sb, fleet_help, kw);
		strbuf_addc(&sb, '\n');
	} else if (p->help != NULL) {
		strbuf_addf(&sb, "%s: %s\n\n", _("Keys of this pane"), _(p->title));
		add_key_table(&sb, p->help, kw);
		if (pane != NULL)
			add_key_table(&sb, pane, kw);
		strbuf_addc(&sb, '\n');
	}
	strbuf_addf(&sb, "%s\n\n", _("Keys everywhere"));
	add_key_table(&sb, ui_global_help, kw);
	if (acts != NULL) {
		strbuf_addf(&sb, "\n%s\n\n", _("Actions (any pane)"));
		add_key_table(&sb, acts, kw);
	}
	free(acts);
	free(pane);
	strbuf_addf(&sb, "\n%s\n\n", _("Commands (type : first; Tab completes)"));
	for (size_t i = 0; i < n; i++) {
		const char *u = v[i].usage != NULL ? _(v[i].usage) : v[i].verb;

		if (text_width(u) + 1 > width)
			width = text_width(u) + 1;
	}
	for (size_t i = 0; i < n; i++) {
		char *u = xasprintf(":%s", v[i].usage != NULL ? _(v[i].usage) : v[i].verb);

		strbuf_adds(&sb, "  ");
		add_padded(&sb, u, width);
		strbuf_addf(&sb, "%s\n", v[i].help != NULL ? _(v[i].help) : "");
		free(u);
	}
	free(v);
	return strbuf_detach(&sb);
}

static bool
cmd_help(struct app *app, const char *args, void *arg)
{
	struct verb *v;
	size_t n = all_verbs(app, &v);
	const struct verb *hit;
	bool ambiguous;

	(void)arg;
	if (*args != '\0' && (hit = verb_find(v, n, args, &ambiguous)) != NULL) {
		ui_message(app, UI_MSG_INFO, ":%s — %s", hit->usage != NULL ? _(hit->usage) : hit->verb,
		    hit->help != NULL ? _(hit->help) : "");
		free(v);
		return true;
	}
	free(v);
	ui_text_overlay(app, _("Help"), command_help_text(app));
	return true;
}

/* Switching sites re-creates every source and feature (through the
 * switcher the app gave the console): overlays and pane commands refer to
 * the old feature data, so they go first, and the panes get new views of
 * the new data. */
static bool
cmd_site(struct app *app, const char *args, void *arg)
{
	struct ui *ui = app->ui;
	char *cause = NULL, *site, *old_theme;
	int rc;

	(void)arg;
	if (*args == '\0') {
		char **names = complete_sites(app, "", NULL), *list = join_strv(names, 30);

		if (names[0] == NULL)
			ui_message(app, UI_MSG_INFO, _("site %s; the config file defines no [site] sections"),
			    app->site);
		else
			ui_message(app, UI_MSG_INFO, _("site %s; known sites: %s"), app->site, list);
		free(list);
		free_strv(names);
		return true;
	}
	/* The actions (webhook routes, backup, central audit) are made again
	 * from the new site's config too; a running backup would be killed by
	 * that, so it has to end first. */
	if (app->nchild_cbs > 0) {
		ui_message(app, UI_MSG_WARN, "%s",
		    _("a backup is running: let it finish or cancel it (b, then c) before switching sites"));
		return true;
	}
	site = xstrdup(args);
	old_theme = xstrdup(theme_name(app));
	while (ui_overlay_active(app))
		ui_overlay_close(app);
	command_free_all(ui);
	if (ui->switch_site != NULL)
		rc = ui->switch_site(app, site, &cause);
	else {
		rc = -1;
		cause = xstrdup(_("not available"));
	}
	ui_views_reset(app);
	for (size_t i = 0; i < app->nsources; i++)
		source_poll_now(app->sources[i]);
	ui->need_layout = true;
	if (rc != 0) {
		ui_message(app, UI_MSG_ERROR, _("cannot switch to site %s: %s"), site, cause);
		free(cause);
		free(site);
		free(old_theme);
		return true;
	}
	ui->fleet_on = false;
	/* The new site's config may name another theme. */
	if (strcmp(theme_name(app), old_theme) != 0) {
		struct theme *t = theme_load(theme_name(app), &cause);

		free(old_theme);
		if (t == NULL) {
			ui_message(app, UI_MSG_ERROR, "%s", cause);
			free(cause);
			free(site);
			return true;
		}
		ui_switch_theme(app, t);
	} else
		free(old_theme);
	ui_message(app, UI_MSG_INFO, P_("site %s: %zu source", "site %s: %zu sources", app->nsources),
	    app->site, app->nsources);
	free(site);
	return true;
}

static bool
cmd_theme(struct app *app, const char *args, void *arg)
{
	struct theme *t;
	char *cause = NULL;

	(void)arg;
	if (*args == '\0') {
		char **names = theme_list(), *list = join_strv(names, 30);

		ui_message(app, UI_MSG_INFO, _("theme %s; available: %s"), app->ui->theme->name, list);
		free(list);
		free_strv(names);
		return true;
	}
	if ((t = theme_load(args, &cause)) == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s", cause);
		free(cause);
		return true;
	}
	ui_switch_theme(app, t);
	ui_message(app, UI_MSG_INFO, _("theme %s"), t->name);
	return true;
}

