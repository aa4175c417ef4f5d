/* The activity feature: a Gitea and a Redmine source feeding one merged
 * timeline, and its --once output. */
#include "ceres/features/activity.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMELINE_MAX	2000

/* ---- the feature ---- */

static int
activity_init(struct app *app, void **data, char **cause)
{
	struct activity *a = xcalloc(1, sizeof *a);
	struct config *c = app->config;
	bool gitea = config_get(c, "gitea", NULL, "repos") != NULL ||
	    config_get(c, "gitea", NULL, "feeds_user") != NULL;
	bool redmine = config_has_section(c, "redmine", NULL) || c->defaults;

	*data = a;
	a->tl = act_timeline_new(TIMELINE_MAX);
	a->gitea_configured = config_has_section(c, "gitea", NULL);
	a->redmine_configured = redmine;
	if (gitea) {
		a->gitea = gitea_activity_source_new(app, a->tl, cause);
		if (a->gitea == NULL)
			return -1;
		app_add_source(app, a->gitea);
	}
	if (redmine) {
		a->redmine = redmine_activity_source_new(app, a->tl, cause);
		if (a->redmine == NULL)
			return -1;
		app_add_source(app, a->redmine);
	}
	return 0;
}

static void
activity_free(void *data)
{
	struct activity *a = data;

	if (a == NULL)
		return;
	act_timeline_free(a->tl);
	free(a);
}

static void
activity_json(struct app *app, void *data, cJSON *root)
{
	struct activity *a = data;
	cJSON *arr = cJSON_AddArrayToObject(root, "activity");
	char ts[40];

	(void)app;
	for (size_t i = 0; a != NULL && i < a->tl->n; i++) {
		const struct act_event *e = a->tl->ev[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "source", act_source_name(e->source));
		cJSON_AddStringToObject(o, "time", fmt_rfc3339(e->time, ts, sizeof ts));
		cJSON_AddStringToObject(o, "actor", e->actor);
		cJSON_AddStringToObject(o, "kind", act_kind_name(e->kind));
		cJSON_AddStringToObject(o, "where", e->where);
		cJSON_AddStringToObject(o, "title", e->title);
		cJSON_AddStringToObject(o, "url", e->url);
		cJSON_AddItemToArray(arr, o);
	}
}

/* Left-justify s in w display columns (wide characters count double). */
static void
add_col(struct strbuf *out, const char *s, int w)
{
	int tw = text_width(s);

	strbuf_adds(out, s);
	for (int i = tw; i < w; i++)
		strbuf_addc(out, ' ');
}

static void
activity_text(struct app *app, void *data, struct strbuf *out)
{
	struct activity *a = data;
	int wa = 5, ww = 5;
	char ts[40];

	(void)app;
	strbuf_addf(out, "%s\n", _("ACTIVITY"));
	if (a == NULL || (a->gitea == NULL && a->redmine == NULL)) {
		strbuf_addf(out, "  %s\n", _("(not configured: add [gitea] repos or [redmine])"));
		return;
	}
	for (size_t i = 0; i < a->tl->n; i++) {
		int t1 = text_width(a->tl->ev[i]->actor), t2 = text_width(a->tl->ev[i]->where);

		wa = t1 > wa ? t1 : wa;
		ww = t2 > ww ? t2 : ww;
	}
	wa = wa > 20 ? 20 : wa;
	ww = ww > 30 ? 30 : ww;
	for (size_t i = 0; i < a->tl->n; i++) {
		const struct act_event *e = a->tl->ev[i];

		strbuf_addf(out, "  %s  %-7s  ", fmt_rfc3339(e->time, ts, sizeof ts),
		    act_source_name(e->source));
		add_col(out, e->actor, wa);
		strbuf_adds(out, "  ");
		add_col(out, e->where, ww);
		strbuf_addf(out, "  %-14s  %s", act_kind_name(e->kind), e->title);
		if (e->url[0] != '\0')
			strbuf_addf(out, "  %s", e->url);
		strbuf_addc(out, '\n');
	}
	if (a->tl->n == 0)
		strbuf_addf(out, "  %s\n", _("(no events)"));
	/* A failed source is said here too: an empty list is not "nothing
	 * happened" when the source could not be read. */
	for (int i = 0; i < 2; i++) {
		struct source *s = i == 0 ? a->gitea : a->redmine;

		if (s != NULL && s->error != NULL)
			strbuf_addf(out, "  %s: %s\n", s->name, s->error);
	}
}

const struct feature activity_feature = {
	.name = "activity",
	.init = activity_init,
	.free = activity_free,
	.json = activity_json,
	.text = activity_text,
};

int
activity_gitea_hooks(struct app *app, const char *repo, struct gitea_hooks *out)
{
	struct activity *a = app_feature(app, FEATURE_ACTIVITY);

	if (a == NULL || a->gitea == NULL)
		return -1;
	return gitea_source_hooks(a->gitea, repo, out);
}
