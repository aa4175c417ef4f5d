/* Label matcher lists: see include/ceres/model/matchers.h. */
#include "ceres/model/matchers.h"
#include "ceres/util/i18n.h"
#include "ceres/util/util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MATCHERS_MAX	32

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool
name_start(int c)
{
	return isalpha(c) || c == '_';
}

/* The value at *pp: quoted or bare.  NULL on a bad quote. */
static char *
parse_value(const char **pp)
{
	const char *p = *pp;
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	if (*p != '"') {
		size_t n = strcspn(p, ", \t}\"");

		strbuf_add(&sb, p, n);
		*pp = p + n;
		return strbuf_detach(&sb);
	}
	for (p++; *p != '"'; p++) {
		if (*p == '\0' || (unsigned char)*p < 0x20) {
			strbuf_free(&sb);
			return NULL;
		}
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		strbuf_addc(&sb, *p);
	}
	*pp = p + 1;
	return strbuf_detach(&sb);
}

/* One matcher at *pp into m.  Returns NULL or what is wrong. */
static const char *
parse_one(const char **pp, struct silence_matcher *m)
{
	const char *p = skip_space(*pp), *start = p;
	char *value;

	if (!name_start((unsigned char)*p))
		return N_("a label name");
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	m->name = xstrndup(start, (size_t)(p - start));
	p = skip_space(p);
	if (strncmp(p, "=~", 2) == 0 || strncmp(p, "!~", 2) == 0 || strncmp(p, "!=", 2) == 0) {
		m->is_equal = p[0] == '=';
		m->is_regex = p[1] == '~';
		p += 2;
	} else if (*p == '=') {
		m->is_equal = true;
		p++;
	} else
		return N_("=, !=, =~ or !~");
	p = skip_space(p);
	if ((value = parse_value(&p)) == NULL)
		return N_("a closing quote");
	m->value = value;
	*pp = p;
	return NULL;
}

int
matcher_list_parse(const char *text, struct matcher_list *l, char **cause)
{
	const char *p = skip_space(text), *want = NULL;
	bool brace = *p == '{';

	memset(l, 0, sizeof *l);
	if (brace)
		p = skip_space(p + 1);
	while (want == NULL && *p != '\0' && *p != '}') {
		struct silence_matcher *m;

		if (l->n == MATCHERS_MAX) {
			want = N_("at most 32 matchers");
			break;
		}
		l->m = xreallocarray(l->m, l->n + 1, sizeof *l->m);
		m = &l->m[l->n++];
		memset(m, 0, sizeof *m);
		if ((want = parse_one(&p, m)) != NULL)
			break;
		p = skip_space(p);
		if (*p == ',')
			p = skip_space(p + 1);
		else if (*p != '\0' && *p != '}')
			want = N_("',' between matchers");
	}
	if (want == NULL && brace && *p != '}')
		want = N_("a closing '}'");
	else if (want == NULL && brace)
		p++;
	if (want == NULL && *skip_space(p) != '\0')
		want = N_("nothing after the matchers");
	if (want == NULL && l->n == 0)
		want = N_("at least one matcher such as site=\"berlin\"");
	if (want == NULL)
		return 0;
	*cause = xasprintf(_("expected %s at '%.40s'"), _(want), p);
	matcher_list_free(l);
	return -1;
}

void
matcher_list_free(struct matcher_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->m[i].name);
		free((char *)l->m[i].value);
	}
	free(l->m);
	memset(l, 0, sizeof *l);
}

char *
matcher_list_query(const struct matcher_list *l)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (size_t i = 0; i < l->n; i++) {
		char *t = silence_matcher_text(&l->m[i]), *e = url_escape(t);

		strbuf_addf(&sb, "&filter=%s", e);
		free(e);
		free(t);
	}
	return strbuf_detach(&sb);
}
