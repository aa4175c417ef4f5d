/* Redmine REST answers (JSON views of issues, one issue with its journals,
 * projects, issue statuses) and the events an issue stands for: opened,
 * commented, status changed, updated.  Pure: bytes in, data or an error
 * out; every string is sanitized here. */
#include "ceres/sources/activity.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX	300	/* bytes of a changed value shown */
#define RM_DETAILS_MAX	100	/* changes kept per journal */

static long
jlong(const cJSON *o, const char *k, long def)
{
	const cJSON *v = json_get(o, k);

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e15)
		return def;
	return (long)v->valuedouble;
}

/* The "name" of an association such as {"id": 5, "name": "Alice"}; unset
 * associations are left out of the view, so NULL. */
static char *
assoc_name(const cJSON *o, const char *k)
{
	const cJSON *a = json_get(o, k);

	return cJSON_IsObject(a) && json_get_str(a, "name") != NULL ? act_line(json_get_str(a, "name")) : NULL;
}

static bool
jtime(const cJSON *o, const char *k, double *out)
{
	const char *s = json_get_str(o, k);

	return s != NULL && parse_rfc3339(s, out) == 0;
}

/* A journal detail value: a string, null, or (defensively) a number. */
static char *
jvalue(const cJSON *o, const char *k)
{
	const cJSON *v = json_get(o, k);
	char buf[64];

	if (cJSON_IsString(v) && v->valuestring != NULL)
		return act_clip(sanitize_str(v->valuestring), VALUE_MAX);
	if (cJSON_IsNumber(v)) {
		snprintf(buf, sizeof buf, "%g", v->valuedouble);
		return xstrdup(buf);
	}
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	return NULL;
}

void
rm_issue_clear(struct rm_issue *is)
{
	free(is->project);
	free(is->tracker);
	free(is->status);
	free(is->priority);
	free(is->author);
	free(is->assigned_to);
	free(is->subject);
	free(is->description);
	free(is->updated_raw);
	for (size_t i = 0; i < is->njournals; i++) {
		struct rm_journal *j = &is->journals[i];

		free(j->user);
		free(j->notes);
		for (size_t d = 0; d < j->ndetails; d++) {
			free(j->details[d].property);
			free(j->details[d].name);
			free(j->details[d].old_value);
			free(j->details[d].new_value);
		}
		free(j->details);
	}
	free(is->journals);
	memset(is, 0, sizeof *is);
}

void
rm_issues_free(struct rm_issue *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rm_issue_clear(&v[i]);
	free(v);
}

void
rm_projects_free(struct rm_project *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].identifier);
		free(v[i].name);
	}
	free(v);
}

void
rm_statuses_free(struct rm_status *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static void
parse_journals(const cJSON *arr, struct rm_issue *is)
{
	const cJSON *j, *d;
	size_t n = (size_t)cJSON_GetArraySize(arr), k = 0, i = 0;
	size_t skip = n > RM_JOURNALS_MAX ? n - RM_JOURNALS_MAX : 0;

	/* Journals come oldest first: keep the newest. */
	is->journals = xcalloc(n - skip + 1, sizeof *is->journals);
	cJSON_ArrayForEach(j, arr) {
		struct rm_journal *rj = &is->journals[k];
		const cJSON *details = json_get(j, "details");
		const char *notes = json_get_str(j, "notes");

		if (i++ < skip || !cJSON_IsObject(j) || !jtime(j, "created_on", &rj->created))
			continue;
		rj->id = jlong(j, "id", 0);
		rj->user = assoc_name(j, "user");
		if (rj->user == NULL)
			rj->user = xstrdup("unknown");
		rj->notes = act_text(notes);
		rj->private_notes = cJSON_IsTrue(json_get(j, "private_notes"));
		if (cJSON_IsArray(details)) {
			size_t nd = (size_t)cJSON_GetArraySize(details);

			nd = nd > RM_DETAILS_MAX ? RM_DETAILS_MAX : nd;
			rj->details = xcalloc(nd + 1, sizeof *rj->details);
			cJSON_ArrayForEach(d, details) {
				struct rm_journal_detail *rd;

				if (!cJSON_IsObject(d) || rj->ndetails >= nd)
					continue;
				rd = &rj->details[rj->ndetails++];
				rd->property = act_line(json_get_str(d, "property"));
				rd->name = act_line(json_get_str(d, "name"));
				rd->old_value = jvalue(d, "old_value");
				rd->new_value = jvalue(d, "new_value");
			}
		}
		k++;
	}
	is->njournals = k;
}

/* One issue object, as in the list and the single-issue view. */
static bool
parse_issue(const cJSON *o, struct rm_issue *is)
{
	const cJSON *status = json_get(o, "status"), *project = json_get(o, "project");
	const char *updated = json_get_str(o, "updated_on");
	const cJSON *journals = json_get(o, "journals");

	memset(is, 0, sizeof *is);
	is->id = jlong(o, "id", -1);
	if (!cJSON_IsObject(o) || is->id < 0 || !jtime(o, "created_on", &is->created))
		return false;
	if (!jtime(o, "updated_on", &is->updated))
		is->updated = is->created;
	is->updated_raw = xstrdup(updated != NULL ? updated : "");
	is->project_id = jlong(project, "id", -1);
	is->project = assoc_name(o, "project");
	is->tracker = assoc_name(o, "tracker");
	is->status_id = jlong(status, "id", -1);
	is->status = assoc_name(o, "status");
	is->closed = cJSON_IsTrue(json_get(status, "is_closed"));
	is->priority = assoc_name(o, "priority");
	is->author = assoc_name(o, "author");
	is->assigned_to = assoc_name(o, "assigned_to");
	is->subject = act_line(json_get_str(o, "subject"));
	/* description is null when unset: keep that apart from "". */
	is->description = json_get_str(o, "description") != NULL ? act_text(json_get_str(o, "description")) : NULL;
	if (cJSON_IsArray(journals)) {
		is->detailed = true;
		parse_journals(journals, is);
	}
	{
		char **s[] = { &is->project, &is->tracker, &is->status, &is->priority, &is->author };

		for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
			if (*s[i] == NULL)
				*s[i] = xstrdup("");
	}
	return true;
}

static cJSON *
parse_object(const char *buf, size_t len, const char *list, const cJSON **arr, char **cause)
{
	enum json_error je;
	cJSON *j = json_parse_bounded(buf, len, &je);

	if (je == JSON_TOO_COMPLEX) {
		*cause = xasprintf(_("%s: answer too complex"), list);
		return NULL;
	}
	if (j == NULL) {
		*cause = xasprintf(_("%s: not valid JSON"), list);
		return NULL;
	}
	*arr = json_get(j, list);
	if (!cJSON_IsObject(j) || (arr != NULL && !cJSON_IsArray(*arr) && !cJSON_IsObject(*arr))) {
		cJSON_Delete(j);
		*cause = xasprintf(_("%s: not in the answer"), list);
		return NULL;
	}
	return j;
}

int
redmine_issues_parse(const char *buf, size_t len, struct rm_issue **out, size_t *n,
    long *total, char **cause)
{
	const cJSON *arr, *o;
	cJSON *j = parse_object(buf, len, "issues", &arr, cause);
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -1;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(j);
		*cause = xstrdup(_("issues: expected a list"));
		return -1;
	}
	/* nometa answers carry no total_count. */
	*total = jlong(j, "total_count", -1);
	*out = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **out);
	cJSON_ArrayForEach(o, arr)
		if (parse_issue(o, &(*out)[k]))
			k++;
	*n = k;
	cJSON_Delete(j);
	return 0;
}

int
redmine_issue_parse(const char *buf, size_t len, struct rm_issue *out, char **cause)
{
	const cJSON *o;
	cJSON *j = parse_object(buf, len, "issue", &o, cause);

	memset(out, 0, sizeof *out);
	if (j == NULL)
		return -1;
	if (!parse_issue(o, out)) {
		rm_issue_clear(out);
		cJSON_Delete(j);
		*cause = xstrdup(_("issue: no id or creation time"));
		return -1;
	}
	cJSON_Delete(j);
	return 0;
}

int
redmine_projects_parse(const char *buf, size_t len, struct rm_project **out, size_t *n,
    long *total, char **cause)
{
	const cJSON *arr, *o;
	cJSON *j = parse_object(buf, len, "projects", &arr, cause);
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -1;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(j);
		*cause = xstrdup(_("projects: expected a list"));
		return -1;
	}
	*total = jlong(j, "total_count", -1);
	*out = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **out);
	cJSON_ArrayForEach(o, arr) {
		long id = jlong(o, "id", -1);

		if (id < 0 || json_get_str(o, "identifier") == NULL)
			continue;
		(*out)[k].id = id;
		(*out)[k].identifier = act_line(json_get_str(o, "identifier"));
		(*out)[k].name = act_line(json_get_str(o, "name") != NULL ? json_get_str(o, "name") : json_get_str(o, "identifier"));
		k++;
	}
	*n = k;
	cJSON_Delete(j);
	return 0;
}

int
redmine_statuses_parse(const char *buf, size_t len, struct rm_status **out, size_t *n, char **cause)
{
	const cJSON *arr, *o;
	cJSON *j = parse_object(buf, len, "issue_statuses", &arr, cause);
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -1;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(j);
		*cause = xstrdup(_("issue_statuses: expected a list"));
		return -1;
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **out);
	cJSON_ArrayForEach(o, arr) {
		long id = jlong(o, "id", -1);

		if (id < 0 || json_get_str(o, "name") == NULL)
			continue;
		(*out)[k].id = id;
		(*out)[k].name = act_line(json_get_str(o, "name"));
		k++;
	}
	*n = k;
	cJSON_Delete(j);
	return 0;
}

/* ---- events ---- */

static const char *
status_name(const struct rm_names *nm, const struct rm_issue *is, const char *id, char *buf, size_t n)
{
	long v;

	if (id == NULL)
		return _("(none)");
	if (parse_long(id, 0, 1L << 40, &v) == 0) {
		for (size_t i = 0; i < nm->nstatuses; i++)
			if (nm->statuses[i].id == v)
				return nm->statuses[i].name;
		if (v == is->status_id && is->status[0] != '\0')
			return is->status;
	}
	snprintf(buf, n, "#%s", id);
	return buf;
}

/* Readable names for the attributes a journal detail can change. */
static const struct {
	const char	*attr;
	const char	*label;
} attr_labels[] = {
	{ "status_id", N_("Status") },
	{ "assigned_to_id", N_("Assignee") },
	{ "priority_id", N_("Priority") },
	{ "tracker_id", N_("Tracker") },
	{ "done_ratio", N_("% Done") },
	{ "subject", N_("Subject") },
	{ "description", N_("Description") },
	{ "fixed_version_id", N_("Target version") },
	{ "category_id", N_("Category") },
	{ "start_date", N_("Start date") },
	{ "due_date", N_("Due date") },
	{ "estimated_hours", N_("Estimated time") },
	{ "project_id", N_("Project") },
	{ "parent_id", N_("Parent task") },
	{ "is_private", N_("Private") },
};

static void
detail_line(struct strbuf *sb, const struct rm_names *nm, const struct rm_issue *is,
    const struct rm_journal_detail *d)
{
	const char *label = d->name;
	char ob[32], nb[32];
	const char *ov = d->old_value, *nv = d->new_value;

	if (strcmp(d->property, "attr") == 0) {
		for (size_t i = 0; i < sizeof attr_labels / sizeof attr_labels[0]; i++)
			if (strcmp(attr_labels[i].attr, d->name) == 0)
				label = _(attr_labels[i].label);
		if (strcmp(d->name, "status_id") == 0) {
			ov = status_name(nm, is, d->old_value, ob, sizeof ob);
			nv = status_name(nm, is, d->new_value, nb, sizeof nb);
		}
		strbuf_addf(sb, "%s: ", label);
	} else if (strcmp(d->property, "cf") == 0)
		strbuf_addf(sb, "%s %s: ", _("custom field"), d->name);
	else
		strbuf_addf(sb, "%s %s: ", d->property, d->name);
	strbuf_addf(sb, "%s → %s", ov != NULL ? ov : _("(none)"), nv != NULL ? nv : _("(none)"));
}

static char *
project_scope(const struct rm_names *nm, const struct rm_issue *is)
{
	for (size_t i = 0; i < nm->nprojects; i++)
		if (nm->projects[i].id == is->project_id)
			return xstrdup(nm->projects[i].identifier);
	return xstrdup(is->project);
}

static struct act_event *
issue_event(const struct rm_issue *is, const struct rm_names *nm, struct act_list *out,
    enum act_kind kind, double t)
{
	struct act_event *e = act_list_push(out);

	e->source = ACT_SRC_REDMINE;
	e->kind = kind;
	e->time = t;
	e->baseline = t <= nm->since;
	e->where = xstrdup(is->project);
	e->scope = project_scope(nm, is);
	e->op = xstrdup(is->tracker);
	return e;
}

static void
journal_event(const struct rm_issue *is, const struct rm_journal *j, const struct rm_names *nm,
    struct act_list *out)
{
	const struct rm_journal_detail *status = NULL;
	struct act_event *e;
	struct strbuf title, detail;
	char ob[32], nb[32];
	char *note1 = act_first_line(j->notes);

	for (size_t d = 0; d < j->ndetails; d++)
		if (strcmp(j->details[d].property, "attr") == 0 && strcmp(j->details[d].name, "status_id") == 0)
			status = &j->details[d];
	e = issue_event(is, nm, out, status != NULL ? ACT_STATUS_CHANGE :
	    note1[0] != '\0' ? ACT_COMMENT : ACT_ISSUE_UPDATED, j->created);
	e->key = xasprintf("j%ld", j->id);
	e->actor = xstrdup(j->user);
	e->url = xasprintf("%s/issues/%ld#change-%ld", nm->base_url, is->id, j->id);
	strbuf_init(&title);
	strbuf_init(&detail);
	strbuf_addf(&title, "#%ld %s: ", is->id, is->subject);
	if (j->private_notes)
		strbuf_adds(&title, "(private) ");
	if (status != NULL) {
		strbuf_addf(&title, "%s → %s", status_name(nm, is, status->old_value, ob, sizeof ob),
		    status_name(nm, is, status->new_value, nb, sizeof nb));
		if (note1[0] != '\0')
			strbuf_addf(&title, " — %s", note1);
	} else if (note1[0] != '\0')
		strbuf_adds(&title, note1);
	else {
		/* Some other change: name what changed. */
		for (size_t d = 0; d < j->ndetails && d < 3; d++) {
			if (d > 0)
				strbuf_adds(&title, ", ");
			detail_line(&title, nm, is, &j->details[d]);
		}
		if (j->ndetails == 0)
			strbuf_adds(&title, "updated");
	}
	strbuf_addf(&detail, "%s #%ld: %s\n%s: %s\n", is->tracker, is->id, is->subject, _("Project"),
	    is->project);
	if (j->ndetails > 0) {
		strbuf_addf(&detail, "\n%s:\n", _("Changes"));
		for (size_t d = 0; d < j->ndetails; d++) {
			strbuf_adds(&detail, "  ");
			detail_line(&detail, nm, is, &j->details[d]);
			strbuf_addc(&detail, '\n');
		}
	}
	if (j->notes[0] != '\0')
		strbuf_addf(&detail, "\n%s%s:\n%s\n", _("Notes"), j->private_notes ? _(" (private)") : "",
		    j->notes);
	e->title = act_clip(sanitize_str(title.buf), ACT_TITLE_MAX);
	e->detail = act_text(detail.buf);
	strbuf_free(&title);
	strbuf_free(&detail);
	free(note1);
	act_event_finish(e);
}

void
redmine_issue_events(const struct rm_issue *is, const struct rm_names *nm, struct act_list *out)
{
	struct act_event *e;
	struct strbuf detail;
	size_t first = 0, start = out->n;

	e = issue_event(is, nm, out, ACT_ISSUE_OPENED, is->created);
	e->key = xasprintf("i%ld", is->id);
	e->actor = xstrdup(is->author[0] != '\0' ? is->author : "unknown");
	e->title = xasprintf("#%ld %s", is->id, is->subject);
	e->url = xasprintf("%s/issues/%ld", nm->base_url, is->id);
	strbuf_init(&detail);
	strbuf_addf(&detail, "%s #%ld: %s\n%s: %s\n%s: %s%s\n%s: %s\n%s: %s\n%s: %s\n", is->tracker,
	    is->id, is->subject, _("Project"), is->project, _("Status"), is->status,
	    is->closed ? _(" (closed)") : "", _("Priority"), is->priority, _("Author"), is->author,
	    _("Assignee"), is->assigned_to != NULL ? is->assigned_to : _("(none)"));
	if (is->description != NULL && is->description[0] != '\0')
		strbuf_addf(&detail, "\n%s\n", is->description);
	e->detail = act_text(detail.buf);
	strbuf_free(&detail);
	act_event_finish(e);
	if (is->detailed) {
		if (nm->max_journals > 0 && is->njournals > nm->max_journals)
			first = is->njournals - nm->max_journals;
		for (size_t i = first; i < is->njournals; i++)
			journal_event(is, &is->journals[i], nm, out);
	} else if (is->updated > is->created + 1) {
		/* Changed, but who and how is not known until the journals
		 * are read (a later poll): say that much. */
		e = issue_event(is, nm, out, ACT_ISSUE_UPDATED, is->updated);
		e->key = xasprintf("u%ld@%s", is->id, is->updated_raw);
		e->actor = xstrdup("unknown");
		e->title = xasprintf("#%ld %s: updated (status %s)", is->id, is->subject, is->status);
		e->url = xasprintf("%s/issues/%ld", nm->base_url, is->id);
		act_event_finish(e);
	}
	/* Newest first, like every list handed to the timeline: a comment
	 * in the same second as the issue's creation shows above it. */
	for (size_t i = start, j = out->n; j > 0 && i < --j; i++) {
		struct act_event tmp = out->v[i];

		out->v[i] = out->v[j];
		out->v[j] = tmp;
	}
}
