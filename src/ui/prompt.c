/* The one-line prompt of the status line: text answers (comments,
 * durations, ':' commands with history) and y/n confirmations.  Input is
 * wide characters, so Cyrillic comments edit correctly. */
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ui_internal.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PROMPT_MAX 4096

/* Forget the Tab candidates being cycled and the list shown. */
static void
comp_reset(struct ui_prompt *p)
{
	for (size_t i = 0; i < p->ncomp; i++)
		free(p->comp[i]);
	free(p->comp);
	p->comp = NULL;
	p->ncomp = 0;
	p->comp_idx = 0;
	free(p->comp_prefix);
	free(p->comp_after);
	p->comp_prefix = p->comp_after = NULL;
	free(p->hint);
	p->hint = NULL;
}

void
prompt_reset(struct ui *ui)
{
	comp_reset(&ui->prompt);
	free(ui->prompt.label);
	free(ui->prompt.buf);
	memset(&ui->prompt, 0, sizeof ui->prompt);
}

static void
prompt_set_text(struct ui_prompt *p, const char *s)
{
	size_t n = mbstowcs(NULL, s, 0);

	if (n == (size_t)-1)
		n = 0;
	if (n + 1 > p->cap) {
		p->cap = n + 64;
		p->buf = xreallocarray(p->buf, p->cap, sizeof *p->buf);
	}
	if (n > 0)
		mbstowcs(p->buf, s, n + 1);
	p->len = n;
	p->pos = n;
}

static void
open_prompt(struct app *app, const char *label, const char *initial)
{
	struct ui *ui = app->ui;

	prompt_reset(ui);
	ui->prompt.active = true;
	ui->prompt.label = sanitize_str(label);
	ui->prompt.cap = 64;
	ui->prompt.buf = xcalloc(ui->prompt.cap, sizeof *ui->prompt.buf);
	prompt_set_text(&ui->prompt, initial != NULL ? initial : "");
	ui->prompt.hist_pos = ui->nhist;
	app_dirty(app);
}

void
ui_prompt(struct app *app, const char *label, const char *initial, ui_prompt_cb cb, void *arg)
{
	if (app->ui == NULL) {
		cb(app, NULL, arg);
		return;
	}
	open_prompt(app, label, initial);
	app->ui->prompt.cb = cb;
	app->ui->prompt.arg = arg;
}

void
ui_confirm(struct app *app, const char *question, ui_confirm_cb cb, void *arg)
{
	char *label;

	if (app->ui == NULL) {
		cb(app, false, arg);
		return;
	}
	/* TRANSLATORS: the answers accepted as yes are y, yes and the
	 * translations of "y" and "yes" below. */
	label = xasprintf("%s %s ", question, _("[y/N]"));
	open_prompt(app, label, "");
	free(label);
	app->ui->prompt.confirm = true;
	app->ui->prompt.confirm_cb = cb;
	app->ui->prompt.arg = arg;
}

void
ui_history_add(struct ui *ui, const char *line)
{
	if (ui->nhist > 0 && strcmp(ui->hist[ui->nhist - 1], line) == 0)
		return;
	if (ui->nhist == 100) {
		free(ui->hist[0]);
		memmove(ui->hist, ui->hist + 1, 99 * sizeof *ui->hist);
		ui->nhist--;
	}
	ui->hist = xreallocarray(ui->hist, ui->nhist + 1, sizeof *ui->hist);
	ui->hist[ui->nhist++] = xstrdup(line);
}

static char *
prompt_text(const struct ui_prompt *p)
{
	wchar_t *w = xcalloc(p->len + 1, sizeof *w);
	size_t n;
	char *s;

	memcpy(w, p->buf, p->len * sizeof *w);
	n = wcstombs(NULL, w, 0);
	if (n == (size_t)-1) {
		free(w);
		return xstrdup("");
	}
	s = xmalloc(n + 1);
	wcstombs(s, w, n + 1);
	free(w);
	return s;
}

void
prompt_draw(struct app *app, int y)
{
	struct ui_prompt *p = &app->ui->prompt;
	int x = ui_put(stdscr, y, 0, p->label, COLS, ui_attr(COLOR_ROLE_TITLE));
	int avail = COLS - x - 1, before = 0;
	size_t start = 0;

	/* Scroll the text so the cursor stays visible. */
	for (size_t i = 0; i < p->pos; i++) {
		int cw = wcwidth(p->buf[i]);

		before += cw > 0 ? cw : 1;
	}
	while (before > avail && start < p->pos) {
		int cw = wcwidth(p->buf[start++]);

		before -= cw > 0 ? cw : 1;
	}
	move(y, x);
	for (size_t i = start; i < p->len; i++) {
		wchar_t c = p->buf[i];

		if (c < 0x20 || c == 0x7f)
			c = L'?';
		if (getcurx(stdscr) + (wcwidth(c) > 0 ? wcwidth(c) : 1) >= COLS)
			break;
		addnwstr(&c, 1);
	}
	p->cursor_x = x + before;
}

/* Completion candidates go on the line above the prompt, over the panes:
 * a window of their own, drawn after the panes. */
void
prompt_draw_hint(struct app *app)
{
	struct ui_prompt *p = &app->ui->prompt;
	WINDOW *w;

	if (!p->active || p->hint == NULL || LINES < 3)
		return;
	if ((w = newwin(1, COLS, LINES - 2, 0)) == NULL)
		return;
	wbkgdset(w, ' ' | ui_attr(COLOR_ROLE_HIGHLIGHT));
	werase(w);
	ui_put(w, 0, 0, p->hint, COLS, ui_attr(COLOR_ROLE_HIGHLIGHT));
	wnoutrefresh(w);
	delwin(w);
}

static void prompt_finish(struct app *app, bool accept);

/* A y/n question takes one key: y (or the translation's first letter of
 * "y") confirms, n refuses; the Enter often typed after it is dropped.
 * Returns true when the key answered. */
static bool
confirm_key(struct app *app, int key)
{
	wchar_t ty = 0;
	int c = key & ~UI_KEY_CHAR;

	if (mbtowc(&ty, _("y"), strlen(_("y"))) <= 0)
		ty = L'y';
	if (c == 'y' || c == 'Y' || (wint_t)c == (wint_t)ty) {
		prompt_set_text(&app->ui->prompt, "y");
		prompt_finish(app, true);
	} else if (c == 'n' || c == 'N')
		prompt_finish(app, false);
	else
		return false;
	app->ui->enter_grace = now_mono() + 1.0;
	return true;
}

static void
prompt_finish(struct app *app, bool accept)
{
	struct ui *ui = app->ui;
	struct ui_prompt p = ui->prompt;
	char *text = prompt_text(&p);

	/* The callback may open another prompt: detach this one first. */
	memset(&ui->prompt, 0, sizeof ui->prompt);
	if (p.confirm) {
		bool yes = accept && (strcmp(text, "y") == 0 || strcmp(text, "Y") == 0 ||
		    strcmp(text, "yes") == 0 || strcmp(text, _("y")) == 0 ||
		    strcmp(text, _("yes")) == 0);

		p.confirm_cb(app, yes, p.arg);
	} else
		p.cb(app, accept ? text : NULL, p.arg);
	free(text);
	free(p.label);
	free(p.buf);
	comp_reset(&p);
	app_dirty(app);
}

static char *
prompt_text_range(const struct ui_prompt *p, size_t from, size_t to)
{
	struct ui_prompt part = *p;

	part.buf = p->buf + from;
	part.len = to - from;
	return prompt_text(&part);
}

/* Put before + after in the prompt, the cursor between them. */
static void
prompt_set_split(struct ui_prompt *p, const char *before, const char *after)
{
	char *line = xasprintf("%s%s", before, after);
	size_t pos = mbstowcs(NULL, before, 0);

	prompt_set_text(p, line);
	if (pos != (size_t)-1 && pos <= p->len)
		p->pos = pos;
	free(line);
}

/* Tab on the ':' line: complete the verb or the argument before the
 * cursor.  Several candidates: the common prefix goes in and the list is
 * shown above the prompt; each further Tab puts in the next one. */
static void
prompt_complete(struct app *app)
{
	struct ui_prompt *p = &app->ui->prompt;
	struct ui_completion c;
	char *before, *after, *line;
	size_t typed;

	if (p->ncomp > 1) {
		p->comp_idx = (p->comp_idx + 1) % p->ncomp;
		line = xasprintf("%s%s", p->comp_prefix, p->comp[p->comp_idx]);
		prompt_set_split(p, line, p->comp_after);
		free(line);
		return;
	}
	comp_reset(p);
	before = prompt_text_range(p, 0, p->pos);
	after = prompt_text_range(p, p->pos, p->len);
	command_completion(app, before, &c);
	typed = strlen(before) - strlen(c.prefix);
	if (c.n == 0)
		p->hint = xstrdup(_("no completion"));
	else if (c.n == 1) {
		line = xasprintf("%s%s%s", c.prefix, c.cands[0], c.verb ? " " : "");
		prompt_set_split(p, line, after);
		free(line);
	} else {
		if (c.common > typed) {
			line = xasprintf("%s%.*s", c.prefix, (int)c.common, c.cands[0]);
			prompt_set_split(p, line, after);
			free(line);
		}
		p->hint = command_completion_list(&c, 20);
		/* The next Tab starts the cycle at the first candidate. */
		p->comp = c.cands;
		p->ncomp = c.n;
		p->comp_idx = c.n - 1;
		p->comp_prefix = c.prefix;
		p->comp_after = after;
		c.cands = NULL;
		c.n = 0;
		c.prefix = NULL;
		after = NULL;
	}
	command_completion_free(&c);
	free(before);
	free(after);
}

static void
insert(struct ui_prompt *p, wchar_t c)
{
	if (p->len >= PROMPT_MAX)
		return;
	if (p->len + 2 > p->cap) {
		p->cap = p->cap * 2 + 16;
		p->buf = xreallocarray(p->buf, p->cap, sizeof *p->buf);
	}
	memmove(p->buf + p->pos + 1, p->buf + p->pos, (p->len - p->pos) * sizeof *p->buf);
	p->buf[p->pos++] = c;
	p->len++;
}

void
prompt_key(struct app *app, int key)
{
	struct ui *ui = app->ui;
	struct ui_prompt *p = &ui->prompt;

	app_dirty(app);
	if (key != '	')
		comp_reset(p);
	if (p->confirm && p->len == 0 && confirm_key(app, key))
		return;
	switch (key) {
	case '\t':
		if (p->history)
			prompt_complete(app);
		return;
	case 27:		/* Esc */
		prompt_finish(app, false);
		return;
	case '\r': case '\n': case KEY_ENTER:
		prompt_finish(app, true);
		return;
	case KEY_BACKSPACE: case 127: case 8:
		if (p->pos > 0) {
			memmove(p->buf + p->pos - 1, p->buf + p->pos, (p->len - p->pos) * sizeof *p->buf);
			p->pos--;
			p->len--;
		}
		return;
	case KEY_DC:
		if (p->pos < p->len) {
			memmove(p->buf + p->pos, p->buf + p->pos + 1, (p->len - p->pos - 1) * sizeof *p->buf);
			p->len--;
		}
		return;
	case KEY_LEFT:
		if (p->pos > 0)
			p->pos--;
		return;
	case KEY_RIGHT:
		if (p->pos < p->len)
			p->pos++;
		return;
	case KEY_HOME: case 1:	/* ^A */
		p->pos = 0;
		return;
	case KEY_END: case 5:	/* ^E */
		p->pos = p->len;
		return;
	case 21:		/* ^U */
		p->len = p->pos = 0;
		return;
	case 23:		/* ^W: delete the word before the cursor */
		while (p->pos > 0 && p->buf[p->pos - 1] == L' ') {
			memmove(p->buf + p->pos - 1, p->buf + p->pos, (p->len - p->pos) * sizeof *p->buf);
			p->pos--, p->len--;
		}
		while (p->pos > 0 && p->buf[p->pos - 1] != L' ') {
			memmove(p->buf + p->pos - 1, p->buf + p->pos, (p->len - p->pos) * sizeof *p->buf);
			p->pos--, p->len--;
		}
		return;
	case KEY_UP:
		if (p->history && p->hist_pos > 0) {
			p->hist_pos--;
			prompt_set_text(p, ui->hist[p->hist_pos]);
		}
		return;
	case KEY_DOWN:
		if (p->history && p->hist_pos < ui->nhist) {
			p->hist_pos++;
			prompt_set_text(p, p->hist_pos < ui->nhist ? ui->hist[p->hist_pos] : "");
		}
		return;
	default:
		break;
	}
	if (key & UI_KEY_CHAR)
		key &= ~UI_KEY_CHAR;
	else if (key >= KEY_MIN && key <= KEY_MAX)
		return;		/* other function keys do nothing here */
	if (key >= 0x20 && key != 0x7f)
		insert(p, (wchar_t)key);
}
