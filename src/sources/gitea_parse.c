/* Gitea API answers into activity events: the activity feeds (whose
 * "content" means something different per op_type), and for servers
 * without feeds the commits, pull requests and releases.  Pure functions:
 * bytes in, events or an error out; every string is sanitized here. */
#include "ceres/sources/activity.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static bool
jtime(const cJSON *o, const char *k, double *out)
{
	const char *s = json_get_str(o, k);

	/* Go's zero time means "never". */
	if (s == NULL || str_has_prefix(s, "0001-01-01") || parse_rfc3339(s, out) != 0)
		return false;
	return true;
}

static const char *
strip_prefix(const char *s, const char *prefix)
{
	return s != NULL && str_has_prefix(s, prefix) ? s + strlen(prefix) : s;
}

/* The web root of a repository's server: html_url minus "/owner/name". */
static char *
web_root(const cJSON *repo, const struct gitea_ctx *ctx)
{
	const char *html = json_get_str(repo, "html_url"), *full = json_get_str(repo, "full_name");

	if (html != NULL && full != NULL) {
		size_t hl = strlen(html), fl = strlen(full);

		if (hl > fl + 1 && strcmp(html + hl - fl, full) == 0 && html[hl - fl - 1] == '/')
			return xstrndup(html, hl - fl - 1);
	}
	return xstrdup(ctx->base_url != NULL ? ctx->base_url : "");
}

static char *
repo_url(const cJSON *repo, const struct gitea_ctx *ctx, const char *full)
{
	const char *html = json_get_str(repo, "html_url");
	char *root;
	char *u;

	if (html != NULL)
		return xstrdup(html);
	root = web_root(repo, ctx);
	u = xasprintf("%s/%s", root, full);
	free(root);
	return u;
}

static void
set_url(struct act_event *e, char *raw)
{
	free(e->url);
	e->url = act_line(raw);
	free(raw);
}

/* ---- activity feeds ---- */

enum shape {
	SHAPE_PUSH,		/* content: JSON-encoded PushCommits */
	SHAPE_ISSUE,		/* content: "<index>|<title>" */
	SHAPE_PULL,		/* same, for a pull request */
	SHAPE_RELEASE,		/* content: the release title */
	SHAPE_REF,		/* the ref_name says it all */
	SHAPE_REPO,		/* content: the old name, if any */
};

static const struct gitea_op {
	const char	*op;
	enum act_kind	 kind;
	enum shape	 shape;
	const char	*note;	/* appended to the title */
} gitea_ops[] = {
	{ "commit_repo", ACT_PUSH, SHAPE_PUSH, NULL },
	{ "mirror_sync_push", ACT_PUSH, SHAPE_PUSH, "mirror sync" },
	{ "create_issue", ACT_ISSUE_OPENED, SHAPE_ISSUE, NULL },
	{ "close_issue", ACT_ISSUE_CLOSED, SHAPE_ISSUE, NULL },
	{ "reopen_issue", ACT_ISSUE_REOPENED, SHAPE_ISSUE, NULL },
	{ "comment_issue", ACT_COMMENT, SHAPE_ISSUE, NULL },
	{ "create_pull_request", ACT_PR_OPENED, SHAPE_PULL, NULL },
	{ "merge_pull_request", ACT_PR_MERGED, SHAPE_PULL, NULL },
	{ "auto_merge_pull_request", ACT_PR_MERGED, SHAPE_PULL, "auto-merged" },
	{ "close_pull_request", ACT_PR_CLOSED, SHAPE_PULL, NULL },
	{ "reopen_pull_request", ACT_PR_REOPENED, SHAPE_PULL, NULL },
	{ "approve_pull_request", ACT_PR_REVIEW, SHAPE_PULL, "approved" },
	{ "reject_pull_request", ACT_PR_REVIEW, SHAPE_PULL, "changes requested" },
	{ "pull_review_dismissed", ACT_PR_REVIEW, SHAPE_PULL, "review dismissed" },
	{ "pull_request_ready_for_review", ACT_PR_REVIEW, SHAPE_PULL, "ready for review" },
	{ "comment_pull", ACT_COMMENT, SHAPE_PULL, NULL },
	{ "publish_release", ACT_RELEASE, SHAPE_RELEASE, NULL },
	{ "push_tag", ACT_TAG, SHAPE_REF, "pushed tag" },
	{ "delete_tag", ACT_TAG, SHAPE_REF, "deleted tag" },
	{ "delete_branch", ACT_BRANCH, SHAPE_REF, "deleted branch" },
	{ "mirror_sync_create", ACT_BRANCH, SHAPE_REF, "mirror created" },
	{ "mirror_sync_delete", ACT_BRANCH, SHAPE_REF, "mirror deleted" },
	{ "create_repo", ACT_REPO, SHAPE_REPO, "created repository" },
	{ "rename_repo", ACT_REPO, SHAPE_REPO, "renamed repository from" },
	{ "transfer_repo", ACT_REPO, SHAPE_REPO, "transferred repository from" },
	{ "star_repo", ACT_REPO, SHAPE_REPO, "starred" },
	{ "watch_repo", ACT_REPO, SHAPE_REPO, "watching" },
};

static const struct gitea_op *
op_find(const char *op)
{
	for (size_t i = 0; i < sizeof gitea_ops / sizeof gitea_ops[0]; i++)
		if (strcmp(gitea_ops[i].op, op) == 0)
			return &gitea_ops[i];
	return NULL;
}

/* A push: the head commit's subject as title, every commit in the detail. */
static void
feed_push(struct act_event *e, const cJSON *a, const cJSON *repo, const struct gitea_ctx *ctx,
    const struct gitea_op *op)
{
	const char *content = json_get_str(a, "content");
	const char *branch = strip_prefix(strip_prefix(json_get_str(a, "ref_name"), "refs/heads/"), "refs/tags/");
	cJSON *pc = content != NULL ? json_parse_bounded(content, strlen(content), NULL) : NULL;
	const cJSON *commits = json_get(pc, "Commits"), *head = json_get_obj(pc, "HeadCommit"), *c;
	const cJSON *len = json_get(pc, "Len");
	const char *cmp = json_get_str(pc, "CompareURL");
	int listed = cJSON_IsArray(commits) ? cJSON_GetArraySize(commits) : 0;
	int total = cJSON_IsNumber(len) && len->valuedouble > 0 && len->valuedouble < 1e9 ?
	    (int)len->valuedouble : listed;
	struct strbuf title, detail;
	char *subject, *root = web_root(repo, ctx), *tmp;

	if (head == NULL && listed > 0)
		head = cJSON_GetArrayItem(commits, 0);
	subject = head != NULL ? act_first_line(json_get_str(head, "Message")) : NULL;
	strbuf_init(&title);
	strbuf_init(&detail);
	tmp = act_line(branch != NULL ? branch : "");
	strbuf_addf(&title, "%s: %s", tmp, subject != NULL && *subject != '\0' ? subject :
	    "(no commit details)");
	if (total > 1)
		strbuf_addf(&title, " (+%d more)", total - 1);
	if (op->note != NULL)
		strbuf_addf(&title, " [%s]", op->note);
	strbuf_addf(&detail, "%s: %s\n", _("Branch"), tmp);
	free(tmp);
	if (pc == NULL && content != NULL && *content != '\0')
		strbuf_addf(&detail, "%s\n", _("(the commit list could not be read)"));
	strbuf_addf(&detail, P_("%d commit", "%d commits", total), total);
	strbuf_adds(&detail, ":\n");
	cJSON_ArrayForEach(c, commits) {
		const char *sha = json_get_str(c, "Sha1"), *who = json_get_str(c, "AuthorName"), *ts = json_get_str(c, "Timestamp");
		char *msg = act_text(json_get_str(c, "Message"));
		char *line1 = act_first_line(json_get_str(c, "Message"));
		const char *rest = msg + strcspn(msg, "\n");

		strbuf_addf(&detail, "  %.10s  %s\n", sha != NULL ? sha : "?", line1);
		if (who != NULL || ts != NULL) {
			char *w = act_line(who), *t = act_line(ts);

			strbuf_addf(&detail, "            %s  %s\n", w, t);
			free(w);
			free(t);
		}
		/* The body of a commit message, indented under its subject. */
		while (*rest == '\n')
			rest++;
		while (*rest != '\0') {
			size_t n = strcspn(rest, "\n");

			strbuf_addf(&detail, "            %.*s\n", (int)n, rest);
			rest += n;
			if (*rest == '\n')
				rest++;
		}
		free(line1);
		free(msg);
	}
	if (total > listed)
		strbuf_addf(&detail, "  … %d %s\n", total - listed, _("more, see the comparison"));
	if (cmp != NULL && *cmp != '\0')
		set_url(e, str_has_prefix(cmp, "http") ? xstrdup(cmp) : xasprintf("%s/%s", root, cmp));
	else if (head != NULL && json_get_str(head, "Sha1") != NULL)
		set_url(e, xasprintf("%s/%s/commit/%s", root, e->where, json_get_str(head, "Sha1")));
	else
		set_url(e, repo_url(repo, ctx, e->where));
	if (e->url[0] != '\0')
		strbuf_addf(&detail, "%s: %s\n", _("Compare"), e->url);
	e->title = act_clip(strbuf_detach(&title), ACT_TITLE_MAX);
	e->detail = act_text(detail.buf);
	strbuf_free(&detail);
	free(subject);
	free(root);
	cJSON_Delete(pc);
}

/* Issue and pull request ops: "<index>|<title>", split on the first '|'
 * only, since titles may contain '|'. */
static void
feed_index(struct act_event *e, const cJSON *a, const cJSON *repo, const struct gitea_ctx *ctx,
    const struct gitea_op *op)
{
	const char *content = json_get_str(a, "content");
	const char *bar = content != NULL ? strchr(content, '|') : NULL;
	const cJSON *comment = json_get_obj(a, "comment");
	char *index = NULL, *title, *base;
	struct strbuf sb, detail;
	bool digits = bar != NULL && bar > content;

	for (const char *p = content; digits && p < bar; p++)
		digits = isdigit((unsigned char)*p) != 0;
	if (digits) {
		index = xstrndup(content, (size_t)(bar - content));
		title = act_line(bar + 1);
	} else
		title = act_line(content);
	strbuf_init(&sb);
	strbuf_init(&detail);
	if (index != NULL)
		strbuf_addf(&sb, "#%s ", index);
	strbuf_adds(&sb, title);
	if (op->note != NULL)
		strbuf_addf(&sb, " (%s)", op->note);
	strbuf_addf(&detail, "%s: %s%s%s\n", op->shape == SHAPE_PULL ? _("Pull request") : _("Issue"),
	    index != NULL ? "#" : "", index != NULL ? index : "", title);
	if (comment != NULL) {
		char *body1 = act_first_line(json_get_str(comment, "body"));
		char *body = act_text(json_get_str(comment, "body"));

		if (body1[0] != '\0')
			strbuf_addf(&sb, ": %s", body1);
		strbuf_addf(&detail, "\n%s:\n%s\n", _("Comment"), body);
		free(body1);
		free(body);
	}
	base = repo_url(repo, ctx, e->where);
	if (comment != NULL && json_get_str(comment, "html_url") != NULL)
		set_url(e, xstrdup(json_get_str(comment, "html_url")));
	else if (index != NULL)
		set_url(e, xasprintf("%s/%s/%s", base, op->shape == SHAPE_PULL ? "pulls" : "issues", index));
	else
		set_url(e, xstrdup(base));
	e->title = act_clip(strbuf_detach(&sb), ACT_TITLE_MAX);
	e->detail = act_text(detail.buf);
	strbuf_free(&detail);
	free(base);
	free(index);
	free(title);
}

static void
feed_other(struct act_event *e, const cJSON *a, const cJSON *repo, const struct gitea_ctx *ctx,
    const struct gitea_op *op, const char *opname)
{
	const char *content = json_get_str(a, "content");
	const char *ref = json_get_str(a, "ref_name");
	const char *short_ref = strip_prefix(strip_prefix(ref, "refs/heads/"), "refs/tags/");
	char *base = repo_url(repo, ctx, e->where);
	struct strbuf sb;

	strbuf_init(&sb);
	if (op == NULL) {
		/* An op this version does not know: say what it is called. */
		strbuf_addf(&sb, "%s", opname);
		if (short_ref != NULL && *short_ref != '\0')
			strbuf_addf(&sb, " %s", short_ref);
		if (content != NULL && *content != '\0')
			strbuf_addf(&sb, ": %s", content);
	} else if (op->shape == SHAPE_RELEASE) {
		const char *tag = strip_prefix(ref, "refs/tags/");

		strbuf_adds(&sb, content != NULL && *content != '\0' ? content : tag != NULL ? tag : "");
		if (tag != NULL && *tag != '\0' && content != NULL && strcmp(tag, content) != 0 && *content != '\0')
			strbuf_addf(&sb, " (%s)", tag);
		if (tag != NULL && *tag != '\0') {
			char *t = act_line(tag);

			set_url(e, xasprintf("%s/releases/tag/%s", base, t));
			free(t);
		}
	} else if (op->shape == SHAPE_REF) {
		strbuf_addf(&sb, "%s %s", op->note, short_ref != NULL ? short_ref : "");
	} else {
		strbuf_adds(&sb, op->note);
		if (content != NULL && *content != '\0')
			strbuf_addf(&sb, " %s", content);
	}
	e->title = act_line(sb.buf);
	if (e->url == NULL)
		set_url(e, xstrdup(base));
	if (content != NULL && *content != '\0' && (op == NULL || op->shape == SHAPE_RELEASE)) {
		char *t = act_text(content);

		e->detail = xasprintf("%s: %s\n%s\n", _("Operation"), opname, t);
		free(t);
	} else
		e->detail = xasprintf("%s: %s\n%s: %s\n", _("Operation"), opname, _("Ref"),
		    ref != NULL ? ref : "-");
	{
		char *d = act_text(e->detail);

		free(e->detail);
		e->detail = d;
	}
	strbuf_free(&sb);
	free(base);
}

static bool
feed_item(const cJSON *a, const struct gitea_ctx *ctx, struct act_list *out)
{
	const char *opname = json_get_str(a, "op_type"), *login, *full;
	const cJSON *repo = json_get_obj(a, "repo"), *user = json_get_obj(a, "act_user"), *id = json_get(a, "id");
	const struct gitea_op *op;
	struct act_event *e;
	double t;

	if (!cJSON_IsObject(a) || opname == NULL || !jtime(a, "created", &t))
		return false;
	op = op_find(opname);
	e = act_list_push(out);
	e->source = ACT_SRC_GITEA;
	e->kind = op != NULL ? op->kind : ACT_OTHER;
	e->time = t;
	e->baseline = t <= ctx->since;
	e->op = act_line(opname);
	if (cJSON_IsNumber(id))
		e->key = xasprintf("a%.0f", id->valuedouble);
	else
		e->key = xasprintf("a?%s@%.0f", e->op, t);
	login = json_get_str(user, "login");
	e->actor = act_line(login != NULL && *login != '\0' ? login : "unknown");
	full = json_get_str(repo, "full_name");
	e->where = act_line(full != NULL ? full : ctx->repo);
	e->scope = xstrdup(e->where);
	if (op != NULL && op->shape == SHAPE_PUSH)
		feed_push(e, a, repo, ctx, op);
	else if (op != NULL && (op->shape == SHAPE_ISSUE || op->shape == SHAPE_PULL))
		feed_index(e, a, repo, ctx, op);
	else
		feed_other(e, a, repo, ctx, op, e->op);
	act_event_finish(e);
	return true;
}

static cJSON *
parse_array(const char *buf, size_t len, const char *what, char **cause)
{
	enum json_error je;
	cJSON *j = json_parse_bounded(buf, len, &je);

	if (je == JSON_TOO_COMPLEX) {
		*cause = xasprintf(_("%s: answer too complex"), what);
		return NULL;
	}
	if (j == NULL) {
		*cause = xasprintf(_("%s: not valid JSON"), what);
		return NULL;
	}
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		*cause = xasprintf(_("%s: expected a JSON array"), what);
		return NULL;
	}
	return j;
}

int
gitea_feeds_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause)
{
	cJSON *j = parse_array(buf, len, "activity feed", cause), *a;

	if (j == NULL)
		return -1;
	/* Items without an op_type or time are skipped, not fatal: one odd
	 * entry must not hide a whole repository. */
	cJSON_ArrayForEach(a, j)
		feed_item(a, ctx, out);
	cJSON_Delete(j);
	return 0;
}

/* ---- fallback: commits, pull requests, releases ---- */

static struct act_event *
fallback_event(struct act_list *out, const struct gitea_ctx *ctx, enum act_kind kind, double t)
{
	struct act_event *e = act_list_push(out);

	e->source = ACT_SRC_GITEA;
	e->kind = kind;
	e->time = t;
	e->baseline = t <= ctx->since;
	e->where = act_line(ctx->repo);
	e->scope = xstrdup(e->where);
	return e;
}

int
gitea_commits_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause)
{
	cJSON *j = parse_array(buf, len, "commits", cause), *c;

	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(c, j) {
		const cJSON *meta = json_get_obj(c, "commit"), *parents = json_get(c, "parents");
		const char *sha = json_get_str(c, "sha"), *login = json_get_str(json_get_obj(c, "author"), "login");
		const char *name = json_get_str(json_get_obj(meta, "author"), "name");
		struct act_event *e;
		char *msg, *raw;
		double t;

		if (sha == NULL || !(jtime(json_get_obj(meta, "committer"), "date", &t) ||
		    jtime(json_get_obj(meta, "author"), "date", &t) || jtime(c, "created", &t)))
			continue;
		e = fallback_event(out, ctx, ACT_COMMIT, t);
		e->key = xasprintf("c%.64s", sha);
		/* author is null when the e-mail maps to no Gitea user. */
		e->actor = act_line(login != NULL ? login : name != NULL ? name : "unknown");
		e->title = act_first_line(json_get_str(meta, "message"));
		e->url = act_line(json_get_str(c, "html_url"));
		e->op = xstrdup("commit");
		msg = act_text(json_get_str(meta, "message"));
		/* The sha is backend text like any other: the whole detail goes
		 * through the sanitizer (found by fuzz_gitea). */
		raw = xasprintf("%s: %.64s\n%s: %s\n%s: %d\n\n%s\n", _("Commit"), sha, _("Author"),
		    e->actor, _("Parents"), cJSON_IsArray(parents) ? cJSON_GetArraySize(parents) : 0, msg);
		e->detail = act_text(raw);
		free(raw);
		free(msg);
		act_event_finish(e);
	}
	cJSON_Delete(j);
	return 0;
}

static char *
pull_detail(const cJSON *p, const char *state)
{
	const cJSON *head = json_get_obj(p, "head"), *base = json_get_obj(p, "base");
	const char *hrepo = json_get_str(json_get_obj(head, "repo"), "full_name");
	char *body = act_text(json_get_str(p, "body")), *out, *h, *b, *hr, *st;

	/* The state is the server's word too (found by fuzz_gitea). */
	st = act_line(state);
	h = act_line(json_get_str(head, "label") != NULL ? json_get_str(head, "label") : json_get_str(head, "ref"));
	b = act_line(json_get_str(base, "ref"));
	/* head.repo is null when the source fork was deleted. */
	hr = act_line(hrepo != NULL ? hrepo : _("(deleted fork)"));
	out = xasprintf("%s: %s\n%s: %s (%s) → %s\n%s%s\n\n%s\n", _("State"), st, _("Branches"), h,
	    hr, b, (json_get_bool(p, "draft", 0) == 1) ? _("Draft") : "", (json_get_bool(p, "draft", 0) == 1) ? "\n" : "", body);
	free(st);
	free(h);
	free(b);
	free(hr);
	free(body);
	return out;
}

int
gitea_pulls_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause)
{
	cJSON *j = parse_array(buf, len, "pull requests", cause), *p;

	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(p, j) {
		const cJSON *num = json_get(p, "number"), *id = json_get(p, "id");
		const char *author = json_get_str(json_get_obj(p, "user"), "login");
		const char *merger = json_get_str(json_get_obj(p, "merged_by"), "login");
		const char *state = json_get_str(p, "state");
		bool merged = (json_get_bool(p, "merged", 0) == 1);
		char *title, *detail;
		double created, t;
		struct act_event *e;

		if (!cJSON_IsNumber(num) || !cJSON_IsNumber(id) || !jtime(p, "created_at", &created))
			continue;
		{
			char *raw = act_line(json_get_str(p, "title"));

			title = xasprintf("#%.0f %s%s", num->valuedouble, raw, (json_get_bool(p, "draft", 0) == 1) ? " [draft]" : "");
			free(raw);
		}
		detail = pull_detail(p, merged ? "merged" : state != NULL ? state : "?");
		e = fallback_event(out, ctx, ACT_PR_OPENED, created);
		e->key = xasprintf("p%.0fo", id->valuedouble);
		e->actor = act_line(author != NULL ? author : "unknown");
		e->title = xstrdup(title);
		e->url = act_line(json_get_str(p, "html_url"));
		e->detail = xstrdup(detail);
		e->op = xstrdup("pull_request");
		act_event_finish(e);
		if (merged && jtime(p, "merged_at", &t)) {
			e = fallback_event(out, ctx, ACT_PR_MERGED, t);
			e->key = xasprintf("p%.0fm", id->valuedouble);
			e->actor = act_line(merger != NULL ? merger : author != NULL ? author : "unknown");
		} else if (state != NULL && strcmp(state, "closed") == 0 && jtime(p, "closed_at", &t)) {
			e = fallback_event(out, ctx, ACT_PR_CLOSED, t);
			e->key = xasprintf("p%.0fc", id->valuedouble);
			/* The API does not say who closed it. */
			e->actor = xstrdup("unknown");
		} else
			e = NULL;
		if (e != NULL) {
			e->title = xstrdup(title);
			e->url = act_line(json_get_str(p, "html_url"));
			e->detail = xstrdup(detail);
			e->op = xstrdup("pull_request");
			act_event_finish(e);
		}
		free(title);
		free(detail);
	}
	cJSON_Delete(j);
	return 0;
}

int
gitea_releases_parse(const char *buf, size_t len, const struct gitea_ctx *ctx,
    struct act_list *out, char **cause)
{
	cJSON *j = parse_array(buf, len, "releases", cause), *r;

	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(r, j) {
		const char *tag = json_get_str(r, "tag_name"), *name = json_get_str(r, "name");
		const char *author = json_get_str(json_get_obj(r, "author"), "login");
		const cJSON *id = json_get(r, "id");
		struct act_event *e;
		struct strbuf sb;
		char *body;
		double t;

		if (!cJSON_IsNumber(id) || tag == NULL ||
		    !(jtime(r, "published_at", &t) || jtime(r, "created_at", &t)))
			continue;
		e = fallback_event(out, ctx, ACT_RELEASE, t);
		e->key = xasprintf("r%.0f", id->valuedouble);
		e->actor = act_line(author != NULL ? author : "unknown");
		strbuf_init(&sb);
		/* An empty name shows as the tag, as Gitea's UI does. */
		strbuf_adds(&sb, name != NULL && *name != '\0' ? name : tag);
		if (name != NULL && *name != '\0' && strcmp(name, tag) != 0)
			strbuf_addf(&sb, " (%s)", tag);
		if ((json_get_bool(r, "draft", 0) == 1))
			strbuf_adds(&sb, " [draft]");
		if ((json_get_bool(r, "prerelease", 0) == 1))
			strbuf_adds(&sb, " [pre-release]");
		e->title = act_line(sb.buf);
		strbuf_free(&sb);
		e->url = act_line(json_get_str(r, "html_url"));
		e->op = xstrdup("release");
		body = act_text(json_get_str(r, "body"));
		e->detail = xasprintf("%s: %s\n\n%s\n", _("Tag"), tag, body);
		free(body);
		{
			char *d = act_text(e->detail);

			free(e->detail);
			e->detail = d;
		}
		act_event_finish(e);
	}
	cJSON_Delete(j);
	return 0;
}

/* ---- hooks, version, paging, errors ---- */

void
gitea_hook_list_free(struct gitea_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].type);
		free(h[i].target);
		secret_free(h[i].url);
	}
	free(h);
}

static long
hook_id(const cJSON *id)
{
	if (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble > 9e15 ||
	    id->valuedouble != (double)(long long)id->valuedouble)
		return -1;
	return (long)id->valuedouble;
}

int
gitea_hook_list_parse(const char *buf, size_t len, struct gitea_hook **out, size_t *n, char **cause)
{
	cJSON *j = parse_array(buf, len, "hooks", cause), *e, *ev;
	struct gitea_hook *hooks = NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(e, j) {
		const char *type = json_get_str(e, "type"), *url = json_get_str(json_get(e, "config"), "url");
		struct gitea_hook *h;
		char *r;

		if (!cJSON_IsObject(e))
			continue;
		hooks = xreallocarray(hooks, count + 1, sizeof *hooks);
		h = &hooks[count++];
		h->id = hook_id(json_get(e, "id"));
		h->type = sanitize_str(type != NULL ? type : "?");
		r = url != NULL ? url_redact(url) : xstrdup("?");
		h->target = sanitize_str(r);
		free(r);
		h->url = url != NULL ? xstrdup(url) : NULL;
		h->active = (json_get_bool(e, "active", 0) == 1);
		h->push = false;
		cJSON_ArrayForEach(ev, json_get(e, "events"))
			if (h->active && cJSON_IsString(ev) && strcmp(ev->valuestring, "push") == 0)
				h->push = true;
	}
	cJSON_Delete(j);
	*out = hooks;
	*n = count;
	return 0;
}

int
gitea_hooks_parse(const char *buf, size_t len, struct gitea_hooks *out, char **cause)
{
	struct gitea_hook *h;
	size_t n;

	if (gitea_hook_list_parse(buf, len, &h, &n, cause) != 0)
		return -1;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		out->total++;
		out->active += h[i].active;
		out->push += h[i].push;
	}
	gitea_hook_list_free(h, n);
	return 0;
}

static bool
major_minor(const char *s, int *major, int *minor)
{
	long ma = 0, mi = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s) && ma < 100000)
		ma = ma * 10 + (*s++ - '0');
	if (*s == '.')
		s++;
	while (isdigit((unsigned char)*s) && mi < 100000)
		mi = mi * 10 + (*s++ - '0');
	*major = (int)ma;
	*minor = (int)mi;
	return true;
}

int
gitea_version_parse(const char *buf, size_t len, int *major, int *minor, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const char *v = json_get_str(j, "version"), *g;
	bool ok;

	if (v == NULL) {
		cJSON_Delete(j);
		*cause = xstrdup(_("version: no \"version\" string"));
		return -1;
	}
	while (*v == 'v' || *v == 'V' || *v == ' ')
		v++;
	/* Forgejo reports "7.0.4+gitea-1.21.11": the Gitea part says which
	 * API it has. */
	g = strstr(v, "gitea-");
	ok = (g != NULL && major_minor(g + 6, major, minor)) || major_minor(v, major, minor);
	if (!ok)
		*cause = xasprintf(_("version: cannot read \"%.40s\""), v);
	cJSON_Delete(j);
	return ok ? 0 : -1;
}

bool
gitea_version_has_feeds(int major, int minor)
{
	return major > 1 || (major == 1 && minor >= 20);
}

/* Whether a Link header value has an entry with rel="next". */
static bool
link_has_next(const char *link)
{
	const char *p = link;

	while ((p = strchr(p, '>')) != NULL) {
		const char *end = strchr(p, '<');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *r = p;

		while ((r = strchr(r, ';')) != NULL && r < p + n) {
			r++;
			while (*r == ' ')
				r++;
			if (strncasecmp(r, "rel=", 4) == 0) {
				const char *v = r + 4;
				size_t vn;

				if (*v == '"')
					v++;
				vn = strcspn(v, "\";,");
				/* rel may hold several space-separated types. */
				for (const char *w = v; w < v + vn;) {
					size_t wn = strcspn(w, " \";,");

					if (wn == 4 && strncasecmp(w, "next", 4) == 0)
						return true;
					w += wn;
					while (*w == ' ')
						w++;
				}
			}
		}
		p += n;
		if (end == NULL)
			break;
	}
	return false;
}

bool
gitea_has_next_page(const char *link, const char *total_count, int page, int limit, size_t got)
{
	long total;

	if (got == 0)
		return false;
	if (link != NULL && *link != '\0')
		return link_has_next(link);
	if (total_count != NULL) {
		char buf[32];

		snprintf(buf, sizeof buf, "%s", total_count);
		if (parse_long(str_trim(buf), 0, 1L << 40, &total) == 0)
			return (long)page * limit < total;
	}
	return got >= (size_t)limit;
}

char *
gitea_error_message(const char *buf, size_t len)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);
	const char *m = json_get_str(j, "message");
	char *out = m != NULL && *m != '\0' ? act_clip(sanitize_str(m), 200) : NULL;

	cJSON_Delete(j);
	return out;
}
