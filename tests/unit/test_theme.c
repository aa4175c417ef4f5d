/* Themes: every shipped theme file parses and default.theme equals the
 * built-in theme; errors carry file:line; colour names and numbers; the
 * fallback from 256 to 16 to 8 colours; inherit and its loops; the list
 * of themes from the search path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceres/ui/theme.h"
#include "ceres/util/util.h"

#ifndef THEMES_DIR
#define THEMES_DIR "themes"
#endif

static char tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* Parse text; return the error (owned) or NULL. */
static char *
parse_err(const char *text)
{
	struct theme_file tf;
	char *cause = NULL;

	if (theme_parse("t.theme", text, strlen(text), &tf, &cause) == 0) {
		theme_file_clear(&tf);
		return NULL;
	}
	assert_non_null(cause);
	return cause;
}

static void
test_shipped_themes(void **state)
{
	DIR *d = opendir(THEMES_DIR);
	struct dirent *e;
	int n = 0;
	bool seen_noc = false, seen_mono = false, seen_light = false, seen_hc = false;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *path, *cause = NULL;
		struct theme *t;

		if (strstr(e->d_name, ".theme") == NULL)
			continue;
		path = xasprintf("%s/%s", THEMES_DIR, e->d_name);
		t = theme_load(path, &cause);
		if (t == NULL)
			fail_msg("%s", cause);
		n++;
		seen_noc |= strcmp(t->name, "noc") == 0;
		seen_mono |= strcmp(t->name, "monochrome") == 0;
		seen_light |= strcmp(t->name, "light") == 0;
		seen_hc |= strcmp(t->name, "high-contrast") == 0;
		if (strcmp(t->name, "monochrome") == 0) {
			/* No colour anywhere, and crit stands out. */
			for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
				assert_int_equal(t->role[r].fg, THEME_COLOR_DEFAULT);
				assert_int_equal(t->role[r].bg, THEME_COLOR_DEFAULT);
			}
			assert_true(t->role[COLOR_ROLE_CRIT].attrs & THEME_BOLD);
		}
		if (strcmp(t->name, "noc") == 0) {
			/* Wall screen: warn and crit are solid blocks. */
			assert_int_not_equal(t->role[COLOR_ROLE_CRIT].bg, THEME_COLOR_DEFAULT);
			assert_int_not_equal(t->role[COLOR_ROLE_WARN].bg, THEME_COLOR_DEFAULT);
		}
		theme_free(t);
		free(path);
	}
	closedir(d);
	assert_true(n >= 5);
	assert_true(seen_noc && seen_mono && seen_light && seen_hc);
}

static void
test_default_file_is_builtin(void **state)
{
	char *cause = NULL;
	struct theme *f = theme_load(THEMES_DIR "/default.theme", &cause);
	struct theme *b = theme_builtin();

	(void)state;
	assert_non_null(f);
	for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
		assert_int_equal(f->role[r].fg, b->role[r].fg);
		assert_int_equal(f->role[r].bg, b->role[r].bg);
		assert_int_equal(f->role[r].attrs, b->role[r].attrs);
	}
	assert_string_equal(f->name, "default");
	assert_null(b->path);
	theme_free(f);
	theme_free(b);
}

static void
test_parse_forms(void **state)
{
	const char *text =
	    "# comment\n"
	    "\n"
	    "ok = bright-green default bold\n"
	    "crit  #ff0000  colour17  bold,reverse   ; trailing comment\n"
	    "log-error red # a comment after the colour\n"
	    "header black cyan\n"
	    "dim grey underline\n";
	struct theme_file tf;
	char *cause = NULL;

	(void)state;
	assert_int_equal(theme_parse("t.theme", text, strlen(text), &tf, &cause), 0);
	assert_true(tf.set[COLOR_ROLE_OK]);
	assert_int_equal(tf.role[COLOR_ROLE_OK].fg, 10);
	assert_int_equal(tf.role[COLOR_ROLE_OK].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(tf.role[COLOR_ROLE_OK].attrs, THEME_BOLD);
	assert_int_equal(tf.role[COLOR_ROLE_CRIT].fg, 196);
	assert_int_equal(tf.role[COLOR_ROLE_CRIT].bg, 17);
	assert_int_equal(tf.role[COLOR_ROLE_CRIT].attrs, THEME_BOLD | THEME_REVERSE);
	assert_int_equal(tf.role[COLOR_ROLE_LOG_ERROR].fg, 1);
	assert_int_equal(tf.role[COLOR_ROLE_HEADER].bg, 6);
	/* An attribute where the background would be: no background. */
	assert_int_equal(tf.role[COLOR_ROLE_DIM].fg, 8);
	assert_int_equal(tf.role[COLOR_ROLE_DIM].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(tf.role[COLOR_ROLE_DIM].attrs, THEME_UNDERLINE);
	assert_false(tf.set[COLOR_ROLE_WARN]);
	theme_file_clear(&tf);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "ok green\nfoo red\n", "t.theme:2: unknown role 'foo'" },
		{ "\n\nok purple\n", "t.theme:3: unknown colour 'purple'" },
		{ "ok colour256\n", "t.theme:1: colour colour256 is out of range" },
		{ "ok 999\n", "t.theme:1: colour 999 is out of range" },
		{ "ok green default blink\n", "t.theme:1: unknown attribute 'blink'" },
		{ "ok green blink\n", "t.theme:1: unknown background colour or attribute 'blink'" },
		{ "ok green colour300\n", "t.theme:1: colour colour300 is out of range" },
		{ "ok green #dark green\n", "t.theme:1: unknown background colour or attribute '#dark'" },
		{ "ok green\nwarn red\nok red\n", "t.theme:3: role ok is set twice (first on line 1)" },
		{ "ok\n", "t.theme:1: role ok needs a foreground colour" },
		{ "ok green\ninherit noc\n", "t.theme:2: inherit must come before the roles" },
		{ "inherit\n", "t.theme:1: inherit takes one theme name" },
		{ "inherit a\ninherit b\n", "t.theme:2: inherit given twice" },
		{ "ok #12345\n", "t.theme:1: unknown colour '#12345'" },
		{ "ok #gg0000\n", "t.theme:1: unknown colour '#gg0000'" },
		{ "ok green\x1b[31m\n", "t.theme:1: unknown colour 'green␛[31m'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *e = parse_err(cases[i].text);

		if (e == NULL)
			fail_msg("no error for case %zu", i);
		if (strncmp(e, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, e, cases[i].want);
		free(e);
	}
	{
		/* A NUL byte is an error with its line, not the end of the file. */
		static const char nul[] = "ok green\nwarn red\0\n";
		struct theme_file tf;
		char *cause = NULL;

		assert_int_equal(theme_parse("t.theme", nul, sizeof nul - 1, &tf, &cause), -1);
		assert_string_equal(cause, "t.theme:2: NUL byte");
		free(cause);
	}
}

static void
test_colors(void **state)
{
	short c;
	char buf[32];

	(void)state;
	assert_int_equal(theme_color_parse("default", &c), 0);
	assert_int_equal(c, THEME_COLOR_DEFAULT);
	assert_int_equal(theme_color_parse("RED", &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(theme_color_parse("bright-white", &c), 0);
	assert_int_equal(c, 15);
	assert_int_equal(theme_color_parse("brightblue", &c), 0);
	assert_int_equal(c, 12);
	assert_int_equal(theme_color_parse("bright_cyan", &c), 0);
	assert_int_equal(c, 14);
	assert_int_equal(theme_color_parse("gray", &c), 0);
	assert_int_equal(c, 8);
	assert_int_equal(theme_color_parse("colour208", &c), 0);
	assert_int_equal(c, 208);
	assert_int_equal(theme_color_parse("color0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(theme_color_parse("255", &c), 0);
	assert_int_equal(c, 255);
	assert_int_equal(theme_color_parse("#ff8700", &c), 0);
	assert_int_equal(c, 208);
	assert_int_equal(theme_color_parse("#000000", &c), 0);
	assert_int_equal(c, 16);	/* the fixed black, not palette slot 0 */
	assert_int_equal(theme_color_parse("#808080", &c), 0);
	assert_int_equal(c, 244);
	assert_int_equal(theme_color_parse("256", &c), -2);
	assert_int_equal(theme_color_parse("colour", &c), -1);
	assert_int_equal(theme_color_parse("bright", &c), -1);
	assert_int_equal(theme_color_parse("", &c), -1);
	assert_int_equal(theme_color_parse("-1", &c), -1);
	assert_string_equal(theme_color_name(9, buf, sizeof buf), "bright-red");
	assert_string_equal(theme_color_name(100, buf, sizeof buf), "colour100");
	assert_string_equal(theme_color_name(THEME_COLOR_DEFAULT, buf, sizeof buf), "default");
}

static void
test_fit(void **state)
{
	bool bright;

	(void)state;
	/* 256 colours: unchanged. */
	assert_int_equal(theme_color_fit(208, 256, &bright), 208);
	assert_false(bright);
	assert_int_equal(theme_color_fit(THEME_COLOR_DEFAULT, 8, &bright), THEME_COLOR_DEFAULT);
	/* 16 colours: the nearest of the sixteen. */
	assert_int_equal(theme_color_fit(196, 16, &bright), 9);	/* #ff0000 */
	assert_int_equal(theme_color_fit(46, 16, &bright), 10);	/* #00ff00 */
	assert_int_equal(theme_color_fit(160, 16, &bright), 1);	/* #d70000 */
	assert_int_equal(theme_color_fit(220, 16, &bright), 3);	/* gold: yellow */
	assert_int_equal(theme_color_fit(232, 16, &bright), 0);	/* near black */
	assert_int_equal(theme_color_fit(244, 16, &bright), 8);	/* grey */
	assert_int_equal(theme_color_fit(255, 16, &bright), 7);	/* #eeeeee */
	assert_int_equal(theme_color_fit(231, 16, &bright), 15);	/* #ffffff */
	assert_int_equal(theme_color_fit(9, 16, &bright), 9);
	assert_false(bright);
	/* 8 colours: bright becomes base + bold; grey becomes white. */
	assert_int_equal(theme_color_fit(9, 8, &bright), 1);
	assert_true(bright);
	assert_int_equal(theme_color_fit(196, 8, &bright), 1);
	assert_true(bright);
	assert_int_equal(theme_color_fit(160, 8, &bright), 1);
	assert_false(bright);
	assert_int_equal(theme_color_fit(8, 8, &bright), 7);
	assert_false(bright);
	assert_int_equal(theme_color_fit(19, 8, &bright), 4);	/* navy */
	assert_int_equal(theme_color_fit(3, 8, &bright), 3);
	assert_false(bright);
	for (short c = 0; c < 256; c++) {
		assert_in_range(theme_color_fit(c, 8, &bright), 0, 7);
		assert_in_range(theme_color_fit(c, 16, &bright), 0, 15);
	}
}

static void
test_inherit_and_search(void **state)
{
	struct theme *t;
	char *cause = NULL, **names;
	bool found_mine = false, found_default = false;

	(void)state;
	write_file("mine.theme", "inherit noc\ncrit red default\n");
	write_file("loop-a.theme", "inherit loop-b\n");
	write_file("loop-b.theme", "inherit loop-a\n");
	write_file("broken.theme", "ok green\nwarn yellow sparkly\n");
	write_file("base-bad.theme", "inherit broken\n");
	write_file("from-builtin.theme", "inherit builtin\nok blue\n");
	setenv("CERES_TOP_THEME_PATH", tmpdir, 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent-ceres-test", 1);
	/* noc comes from THEMES_DIR, which is on the path too. */
	{
		char *path = xasprintf("%s:%s", tmpdir, THEMES_DIR);

		setenv("CERES_TOP_THEME_PATH", path, 1);
		free(path);
	}
	t = theme_load("mine", &cause);
	assert_non_null(t);
	assert_string_equal(t->name, "mine");
	assert_int_equal(t->role[COLOR_ROLE_CRIT].fg, 1);
	assert_int_equal(t->role[COLOR_ROLE_CRIT].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t->role[COLOR_ROLE_CRIT].attrs, 0);
	assert_int_equal(t->role[COLOR_ROLE_WARN].bg, 220);	/* from noc */
	theme_free(t);

	t = theme_load("from-builtin", &cause);
	assert_non_null(t);
	assert_int_equal(t->role[COLOR_ROLE_OK].fg, 4);
	assert_int_equal(t->role[COLOR_ROLE_HEADER].bg, 6);
	theme_free(t);

	assert_null(theme_load("loop-a", &cause));
	assert_non_null(strstr(cause, "more than 4 levels"));
	free(cause);

	assert_null(theme_load("broken", &cause));
	assert_non_null(strstr(cause, "broken.theme:2: unknown background colour or attribute 'sparkly'"));
	free(cause);

	/* The error of an inherited theme names both places. */
	assert_null(theme_load("base-bad", &cause));
	assert_non_null(strstr(cause, "base-bad.theme:1: inherit broken: "));
	assert_non_null(strstr(cause, "broken.theme:2:"));
	free(cause);

	assert_null(theme_load("no-such-theme", &cause));
	assert_non_null(strstr(cause, "theme no-such-theme not found"));
	free(cause);
	assert_null(theme_load("bad name!", &cause));
	assert_non_null(strstr(cause, "invalid theme name"));
	free(cause);
	assert_null(theme_load("", &cause));
	free(cause);

	/* default is built in when no file has that name. */
	setenv("CERES_TOP_THEME_PATH", tmpdir, 1);
	t = theme_load("default", &cause);
	assert_non_null(t);
	assert_null(t->path);
	theme_free(t);

	names = theme_list();
	for (size_t i = 0; names[i] != NULL; i++) {
		found_mine |= strcmp(names[i], "mine") == 0;
		found_default |= strcmp(names[i], "default") == 0;
		if (names[i + 1] != NULL)
			assert_true(strcmp(names[i], names[i + 1]) < 0);	/* sorted, unique */
		free(names[i]);
	}
	free(names);
	assert_true(found_mine && found_default);
}

static void
test_describe_round_trip(void **state)
{
	char *cause = NULL, *desc;
	struct theme *t = theme_load(THEMES_DIR "/light.theme", &cause);
	struct theme_file tf;

	(void)state;
	assert_non_null(t);
	desc = theme_describe(t);
	/* --check-theme prints a theme file that says the same thing. */
	assert_int_equal(theme_parse("desc", desc, strlen(desc), &tf, &cause), 0);
	for (int r = 0; r < COLOR_ROLE_COUNT; r++) {
		assert_true(tf.set[r]);
		assert_int_equal(tf.role[r].fg, t->role[r].fg);
		assert_int_equal(tf.role[r].bg, t->role[r].bg);
		assert_int_equal(tf.role[r].attrs, t->role[r].attrs);
	}
	theme_file_clear(&tf);
	free(desc);
	theme_free(t);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ceres-theme-test.XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_default_file_is_builtin),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_inherit_and_search),
		cmocka_unit_test(test_describe_round_trip),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, setup, teardown);
}
