/* Tab completion of LogQL stream selectors for ':query': label names
 * after '{' or ',', label values inside the quotes after an operator.
 * Pure: the label names and values come from the Loki source's cache. */
#include "ceres/features/logs.h"
#include "ceres/sources/logs.h"
#include "ceres/util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES	500

enum cstate {
	CS_OUT,		/* outside a selector */
	CS_NAME0,	/* expecting a label name */
	CS_NAME,	/* in a label name */
	CS_OP,		/* expecting an operator */
	CS_VALUE0,	/* expecting a quoted value */
	CS_VALUE,	/* in a quoted value */
	CS_NEXT,	/* expecting ',' or '}' */
	CS_STRING,	/* in a string outside the selector (line filter) */
	CS_BAD,
};

struct cands {
	char	**v;
	size_t	  n;
};

static void
cand_add(struct cands *c, const char *prefix, size_t plen, const char *a, const char *b)
{
	struct strbuf sb;
	char *s;

	if (c->n >= MAX_CANDIDATES)
		return;
	strbuf_init(&sb);
	strbuf_add(&sb, prefix, plen);
	strbuf_adds(&sb, a);
	strbuf_adds(&sb, b);
	s = strbuf_detach(&sb);
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i], s) == 0) {
			free(s);
			return;
		}
	}
	c->v = xreallocarray(c->v, c->n + 2, sizeof *c->v);
	c->v[c->n++] = s;
	c->v[c->n] = NULL;
}

/* A value as the body of a LogQL string in the given quote. */
static char *
quote_body(const char *v, char quote)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "", 0);
	for (; *v != '\0'; v++) {
		if (quote == '`' && *v == '`') {
			strbuf_free(&sb);
			return NULL;	/* not expressible in a raw string */
		}
		if (quote == '"' && (*v == '"' || *v == '\\'))
			strbuf_addc(&sb, '\\');
		strbuf_addc(&sb, *v);
	}
	return strbuf_detach(&sb);
}

static const struct loki_labelset *
find_label(const struct loki_labelset *ls, size_t nls, const char *name, size_t len)
{
	for (size_t i = 0; i < nls; i++)
		if (strlen(ls[i].name) == len && strncmp(ls[i].name, name, len) == 0)
			return &ls[i];
	return NULL;
}

static bool
name_char(int c, bool first)
{
	return c == '_' || isalpha(c) || (!first && isdigit(c));
}

/* Where a selector being typed stands: the scanner's state at the end of
 * text, and where the label name and the value being typed start. */
struct scan {
	enum cstate	 st;
	size_t		 name_s, name_e, val_s;
	char		 quote;
};

static void
scan_selector(const char *text, size_t len, struct scan *sc)
{
	enum cstate st = CS_OUT;
	char quote = '"';

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		switch (st) {
		case CS_OUT:
			if (ch == '{')
				st = CS_NAME0;
			else if (ch == '"' || ch == '`') {
				quote = (char)ch;
				st = CS_STRING;
			}
			break;
		case CS_STRING:
			if (quote == '"' && ch == '\\')
				i++;
			else if (ch == (unsigned char)quote)
				st = CS_OUT;
			break;
		case CS_NAME0:
			if (name_char(ch, true)) {
				sc->name_s = i;
				st = CS_NAME;
			} else if (ch == '}')
				st = CS_OUT;
			else if (!isspace(ch))
				st = CS_BAD;
			break;
		case CS_NAME:
			if (name_char(ch, false))
				break;
			sc->name_e = i;
			st = CS_OP;
			/* FALLTHROUGH */
		case CS_OP:
			if (ch == '=') {
				if (i + 1 < len && text[i + 1] == '~')
					i++;
				st = CS_VALUE0;
			} else if (ch == '!') {
				if (i + 1 < len && (text[i + 1] == '=' || text[i + 1] == '~')) {
					i++;
					st = CS_VALUE0;
				} else
					st = CS_BAD;
			} else if (!isspace(ch))
				st = CS_BAD;
			break;
		case CS_VALUE0:
			if (ch == '"' || ch == '`') {
				quote = (char)ch;
				sc->val_s = i + 1;
				st = CS_VALUE;
			} else if (!isspace(ch))
				st = CS_BAD;
			break;
		case CS_VALUE:
			if (quote == '"' && ch == '\\')
				i++;
			else if (ch == (unsigned char)quote)
				st = CS_NEXT;
			break;
		case CS_NEXT:
			if (ch == ',')
				st = CS_NAME0;
			else if (ch == '}')
				st = CS_OUT;
			else if (!isspace(ch))
				st = CS_BAD;
			break;
		case CS_BAD:
			if (ch == '}')
				st = CS_OUT;
			break;
		}
	}
	sc->st = st;
	sc->quote = quote;
}

/* The known values of the label being typed, quoted, as candidates. */
static void
value_cands(struct cands *c, const char *text, size_t len, const struct scan *sc,
    const struct loki_labelset *ls, size_t nls)
{
	const struct loki_labelset *lab = find_label(ls, nls, text + sc->name_s, sc->name_e - sc->name_s);
	bool open = sc->st == CS_VALUE0;
	size_t val_s = open ? len : sc->val_s;

	for (size_t i = 0; lab != NULL && i < lab->nvalues; i++) {
		char *q = quote_body(lab->values[i], open ? '"' : sc->quote);
		char close[2] = { open ? '"' : sc->quote, '\0' };

		if (q == NULL)
			continue;
		if (open) {
			char *v = xasprintf("\"%s", q);

			cand_add(c, text, len, v, close);
			free(v);
		} else if (strncmp(q, text + val_s, len - val_s) == 0)
			cand_add(c, text, val_s, q, close);
		free(q);
	}
}

char **
logql_complete(const char *text, const struct loki_labelset *ls, size_t nls, size_t *n)
{
	size_t len = strlen(text);
	struct cands c = { NULL, 0 };
	struct scan sc = { CS_OUT, 0, 0, 0, '"' };

	scan_selector(text, len, &sc);
	switch (sc.st) {
	case CS_OUT:
		if (text[strspn(text, " \t")] == '\0')
			cand_add(&c, text, len, "{", "");
		break;
	case CS_NAME0:
		sc.name_s = len;
		/* FALLTHROUGH */
	case CS_NAME:
		for (size_t i = 0; i < nls; i++)
			if (strncmp(ls[i].name, text + sc.name_s, len - sc.name_s) == 0)
				cand_add(&c, text, sc.name_s, ls[i].name, "=\"");
		break;
	case CS_OP:
		cand_add(&c, text, len, "=\"", "");
		break;
	case CS_VALUE0:
	case CS_VALUE:
		value_cands(&c, text, len, &sc, ls, nls);
		break;
	case CS_NEXT:
		cand_add(&c, text, len, "}", "");
		cand_add(&c, text, len, ", ", "");
		break;
	default:
		break;
	}
	*n = c.n;
	return c.v;
}
