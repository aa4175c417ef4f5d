/* The ':' command line without a terminal: verbs, abbreviations and
 * ambiguity, the focused pane's registration winning for a shared verb,
 * and Tab completion of verbs and arguments (common prefix, candidates). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ceres/core/app.h"
#include "ceres/ui/ui.h"
#include "../../src/ui/ui_internal.h"
#include "ceres/util/util.h"

static int calls_a, calls_b;
static char last_args[64];

static bool
run_a(struct app *app, const char *args, void *arg)
{
	(void)app;
	(void)arg;
	calls_a++;
	snprintf(last_args, sizeof last_args, "%s", args);
	return true;
}

static bool
run_b(struct app *app, const char *args, void *arg)
{
	(void)app;
	(void)arg;
	calls_b++;
	snprintf(last_args, sizeof last_args, "%s", args);
	return true;
}

static char **
complete_fruit(struct app *app, const char *args, void *arg)
{
	static const char *const fruit[] = { "apple", "apricot", "banana", "яблоко", "ягода" };
	char **v = xcalloc(6, sizeof *v);

	(void)app;
	(void)args;
	(void)arg;
	for (int i = 0; i < 5; i++)
		v[i] = xstrdup(fruit[i]);
	return v;
}

/* Whole-argument completer (as the logs pane's LogQL one): candidates
 * replace everything typed after the verb. */
static char **
complete_selector(struct app *app, const char *args, void *arg)
{
	static const char *const sel[] = { "{app=\"gitea\"}", "{app=\"grafana\"}", "{job=\"node\"}" };
	char **v = xcalloc(4, sizeof *v);
	size_t n = 0;

	(void)app;
	(void)arg;
	for (int i = 0; i < 3; i++)
		if (strncmp(sel[i], args, strlen(args)) == 0)
			v[n++] = xstrdup(sel[i]);
	return v;
}

static char *line_of(struct app *app);

static struct app *
fake_app(void)
{
	struct app *app = xcalloc(1, sizeof *app);

	app->ui = xcalloc(1, sizeof *app->ui);
	app->config = config_parse("test", "", 0, NULL, &(char *){ NULL });
	return app;
}

static void
fake_free(struct app *app)
{
	prompt_reset(app->ui);
	command_free_all(app->ui);
	for (size_t i = 0; i < app->ui->nhist; i++)
		free(app->ui->hist[i]);
	free(app->ui->hist);
	free(app->ui->msg);
	free(app->ui);
	config_free(app->config);
	free(app);
}

static void
test_dispatch(void **state)
{
	struct app *app = fake_app();
	struct ui_command_def fruit = { "fruit", "fruit NAME", "pick", run_a, complete_fruit };

	(void)state;
	calls_a = calls_b = 0;
	ui_command_add(app, &fruit, NULL);
	ui_command_register(app, "frobnicate", run_b, NULL);
	command_run(app, "  fruit   apple pie ", NULL);
	assert_int_equal(calls_a, 1);
	assert_string_equal(last_args, "apple pie");
	/* A unique prefix runs the command; a shared one is ambiguous. */
	command_run(app, "frob x", NULL);
	assert_int_equal(calls_b, 1);
	command_run(app, "fr x", NULL);
	assert_int_equal(calls_a + calls_b, 2);
	assert_non_null(app->ui->msg);
	assert_non_null(strstr(app->ui->msg, "ambiguous command: fr"));
	command_run(app, "nosuch", NULL);
	assert_non_null(strstr(app->ui->msg, "unknown command: nosuch"));
	/* Built-ins: q quits; a pane cannot take a built-in verb. */
	ui_command_register(app, "quit", run_b, NULL);
	command_run(app, "q", NULL);
	assert_true(app->quit);
	assert_int_equal(calls_b, 1);
	/* History keeps what was typed. */
	assert_true(app->ui->nhist >= 4);
	assert_string_equal(app->ui->hist[0], "fruit   apple pie");
	fake_free(app);
}

static void
test_focused_pane_wins(void **state)
{
	struct app *app = fake_app();
	int a, b;

	(void)state;
	calls_a = calls_b = 0;
	app->feature_data[0] = &a;
	app->feature_data[1] = &b;
	ui_command_register(app, "filter", run_a, &a);
	ui_command_register(app, "filter", run_b, &b);
	app->ui->focus = 1;
	command_run(app, "filter x", NULL);
	assert_int_equal(calls_b, 1);
	assert_int_equal(calls_a, 0);
	app->ui->focus = 0;
	command_run(app, "filter y", NULL);
	assert_int_equal(calls_a, 1);
	/* Another pane focused: the first registration. */
	app->ui->focus = 3;
	command_run(app, "filter z", NULL);
	assert_int_equal(calls_a, 2);
	fake_free(app);
}

static void
test_complete(void **state)
{
	struct app *app = fake_app();
	struct ui_command_def fruit = { "fruit", "fruit NAME", "pick", run_a, complete_fruit };
	char *hint, *s;

	(void)state;
	ui_command_add(app, &fruit, NULL);
	/* A unique verb gets a space after it. */
	s = command_complete(app, "fr", &hint);
	assert_string_equal(s, "fruit ");
	assert_null(hint);
	free(s);
	/* Several verbs: the common prefix, and the candidates as a hint. */
	s = command_complete(app, "q", &hint);
	assert_string_equal(s, "quit ");
	free(s);
	free(hint);
	s = command_complete(app, "", &hint);
	assert_string_equal(s, "");
	assert_non_null(hint);
	assert_non_null(strstr(hint, "help, quit, refresh, site, theme, fruit"));
	free(s);
	free(hint);
	/* Arguments: the last word is completed. */
	s = command_complete(app, "fruit ap", &hint);
	assert_string_equal(s, "fruit ap");
	assert_string_equal(hint, "apple, apricot");
	free(s);
	free(hint);
	s = command_complete(app, "fruit apr", &hint);
	assert_string_equal(s, "fruit apricot");
	assert_null(hint);
	free(s);
	s = command_complete(app, "fruit big b", &hint);
	assert_string_equal(s, "fruit big banana");
	free(s);
	/* Cyrillic candidates: the common prefix never splits a character. */
	s = command_complete(app, "fruit я", &hint);
	assert_string_equal(s, "fruit я");
	assert_string_equal(hint, "яблоко, ягода");
	free(s);
	free(hint);
	s = command_complete(app, "fruit x", &hint);
	assert_string_equal(s, "fruit x");
	assert_string_equal(hint, "no completion");
	free(s);
	free(hint);
	/* An abbreviated verb completes its arguments too. */
	s = command_complete(app, "fru ban", &hint);
	assert_string_equal(s, "fru banana");
	free(s);
	fake_free(app);
}

static char *
line_of(struct app *app)
{
	struct ui_prompt *p = &app->ui->prompt;
	char *s = xcalloc(p->len * 4 + 1, 1);

	for (size_t i = 0, o = 0; i < p->len; i++)
		o += wcrtomb(s + o, p->buf[i], NULL);
	return s;
}

static void
test_whole_and_cycle(void **state)
{
	struct app *app = fake_app();
	char *hint, *s;

	(void)state;
	ui_command_register(app, "query", run_a, NULL);
	ui_command_complete(app, "query", complete_selector, NULL);
	/* Blanks inside the argument do not start a new word here. */
	s = command_complete(app, "query {app=\"gi", &hint);
	assert_string_equal(s, "query {app=\"gitea\"}");
	assert_null(hint);
	free(s);
	s = command_complete(app, "query {", &hint);
	assert_string_equal(s, "query {");
	assert_non_null(strstr(hint, "{app=\"gitea\"}, {app=\"grafana\"}, {job=\"node\"}"));
	free(s);
	free(hint);
	s = command_complete(app, "query {a", &hint);
	assert_string_equal(s, "query {app=\"g");
	free(s);
	free(hint);

	/* In the prompt: Tab lists, further Tabs cycle, another key stops. */
	ui_prompt(app, ":", "", command_run, NULL);
	app->ui->prompt.history = true;
	for (const char *c = "query {a"; *c != '\0'; c++)
		prompt_key(app, *c);
	prompt_key(app, '\t');
	s = line_of(app);
	assert_string_equal(s, "query {app=\"g");
	free(s);
	assert_non_null(app->ui->prompt.hint);
	prompt_key(app, '\t');
	s = line_of(app);
	assert_string_equal(s, "query {app=\"gitea\"}");
	free(s);
	prompt_key(app, '\t');
	s = line_of(app);
	assert_string_equal(s, "query {app=\"grafana\"}");
	free(s);
	prompt_key(app, '\t');
	s = line_of(app);
	assert_string_equal(s, "query {app=\"gitea\"}");
	free(s);
	prompt_key(app, 'x');
	assert_null(app->ui->prompt.hint);
	assert_null(app->ui->prompt.comp);
	/* Verbs in the prompt: a unique one gets its space. */
	prompt_key(app, 21);	/* ^U */
	prompt_key(app, 'q');
	prompt_key(app, 'u');
	prompt_key(app, '\t');		/* quit and query */
	s = line_of(app);
	assert_string_equal(s, "qu");
	free(s);
	assert_non_null(strstr(app->ui->prompt.hint, "quit"));
	prompt_key(app, 'e');
	prompt_key(app, '\t');
	s = line_of(app);
	assert_string_equal(s, "query ");
	free(s);
	calls_a = 0;
	prompt_key(app, '\r');
	assert_int_equal(calls_a, 1);
	assert_false(app->ui->prompt.active);
	fake_free(app);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_focused_pane_wins),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_whole_and_cycle),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
