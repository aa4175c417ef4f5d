/* The audit trail view (`a`): the newest entries of the local audit log,
 * newest first, one line per action plus its parameters, every field made
 * terminal-safe, and the state of the central audit database on top.
 * Viewing changes nothing, so it is allowed in read-only mode too. */
#include "ceres/actions/actions.h"
#include "ceres/core/app.h"
#include "ceres/actions/audit.h"
#include "ceres/util/i18n.h"
#include "ceres/util/json.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_BYTES	(1u << 20)
#define VIEW_LINES	2000
#define PARAMS_WIDTH	200

static void
add_field(struct strbuf *sb, const cJSON *o, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *s = sanitize_str(cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : def);

	strbuf_adds(sb, s);
	free(s);
}

/* "kind=mattermost url=http://host/… status=200" */
static void
add_params(struct strbuf *sb, const cJSON *p)
{
	const cJSON *e;
	struct strbuf line;
	char *s;

	if (!cJSON_IsObject(p) || p->child == NULL)
		return;
	strbuf_init(&line);
	cJSON_ArrayForEach(e, p) {
		char *v;

		if (line.len > 0)
			strbuf_addc(&line, ' ');
		strbuf_adds(&line, e->string != NULL ? e->string : "?");
		strbuf_addc(&line, '=');
		if (cJSON_IsString(e))
			strbuf_adds(&line, e->valuestring);
		else if (cJSON_IsNumber(e) && e->valuedouble > -1e15 && e->valuedouble < 1e15)
			strbuf_addf(&line, "%g", e->valuedouble);
		else if ((v = cJSON_PrintUnformatted(e)) != NULL) {
			strbuf_adds(&line, v);
			cJSON_free(v);
		}
		if (line.len > PARAMS_WIDTH)
			break;
	}
	s = sanitize_text(line.buf, line.len > PARAMS_WIDTH ? PARAMS_WIDTH : line.len);
	strbuf_addf(sb, "\n      %s%s", s, line.len > PARAMS_WIDTH ? "…" : "");
	free(s);
	strbuf_free(&line);
}

static void
format_line(struct strbuf *sb, const char *line, size_t len)
{
	cJSON *o = json_parse_bounded(line, len, NULL);

	if (!cJSON_IsObject(o)) {
		char *s = sanitize_text(line, len > 120 ? 120 : len);

		strbuf_addf(sb, "%s  %s\n", _("(unreadable line)"), s);
		free(s);
		cJSON_Delete(o);
		return;
	}
	/* What happened and how it ended first; the rest below it, so a
	 * long target never pushes the result off the screen. */
	add_field(sb, o, "time", "?");
	strbuf_adds(sb, "  ");
	add_field(sb, o, "action", "?");
	strbuf_adds(sb, "  → ");
	add_field(sb, o, "result", "-");
	strbuf_addf(sb, "\n      %s ", _("target"));
	add_field(sb, o, "target", "-");
	strbuf_addf(sb, " · %s ", _("by"));
	add_field(sb, o, "user", "?");
	strbuf_addc(sb, '@');
	add_field(sb, o, "host", "?");
	strbuf_addf(sb, " · %s ", _("site"));
	add_field(sb, o, "site", "?");
	add_params(sb, cJSON_GetObjectItemCaseSensitive(o, "parameters"));
	strbuf_addc(sb, '\n');
	cJSON_Delete(o);
}

char *
audit_view_format(const char *buf, size_t len, size_t max_lines)
{
	struct strbuf sb;
	size_t end = len, shown = 0;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	/* Walk backwards: newest first. */
	while (end > 0 && shown < max_lines) {
		size_t start = end;

		if (buf[end - 1] == '\n')
			end--;
		start = end;
		while (start > 0 && buf[start - 1] != '\n')
			start--;
		if (end > start) {
			format_line(&sb, buf + start, end - start);
			shown++;
		}
		end = start;
	}
	return strbuf_detach(&sb);
}

/* The last TAIL_BYTES of the log, starting at a line boundary. */
static char *
read_tail(const char *path, size_t *len, char **cause)
{
	struct stat st;
	off_t from;
	char *buf;
	size_t got = 0, skip = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	from = st.st_size > (off_t)TAIL_BYTES ? st.st_size - (off_t)TAIL_BYTES : 0;
	buf = xmalloc(TAIL_BYTES + 1);
	while (got < TAIL_BYTES) {
		ssize_t n = pread(fd, buf + got, TAIL_BYTES - got, from + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (from > 0) {
		const char *nl = memchr(buf, '\n', got);

		skip = nl != NULL ? (size_t)(nl - buf) + 1 : got;
		memmove(buf, buf + skip, got - skip + 1);
	}
	*len = got - skip;
	return buf;
}

bool
audit_view_key(struct app *app, void *arg)
{
	char *path = audit_path(app), *cause = NULL, *buf, *body, *central;
	struct strbuf sb;
	size_t len = 0;

	(void)arg;
	strbuf_init(&sb);
	buf = read_tail(path, &len, &cause);
	central = audit_db_status(app);
	strbuf_addf(&sb, "%s %s\n%s\n\n", _("Audit log:"), path, central);
	if (buf == NULL) {
		strbuf_addf(&sb, "%s\n", errno == ENOENT || (cause != NULL && strstr(cause, strerror(ENOENT))) ?
		    _("No action has been recorded yet.") : cause);
	} else {
		body = audit_view_format(buf, len, VIEW_LINES);
		strbuf_adds(&sb, *body != '\0' ? body : _("No action has been recorded yet."));
		free(body);
	}
	free(buf);
	free(cause);
	free(central);
	free(path);
	ui_text_overlay(app, _("Audit trail — newest first"), strbuf_detach(&sb));
	return true;
}
