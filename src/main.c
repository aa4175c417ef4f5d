/* ceres-top: command line, locale and text domain, then the console or
 * one --once poll.  Usage errors exit 64 (EX_USAGE). */
#include "ceres/core/app.h"
#include "ceres/core/fleet.h"
#include "ceres/core/paths.h"
#include "ceres/util/i18n.h"
#include "ceres/ui/theme.h"
#include "ceres/util/util.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EX_USAGE_CODE	64

static void
usage(FILE *f)
{
	char *names = feature_names(",");

	fputs(_(
"Usage: ceres-top [OPTIONS]           interactive console\n"
"       ceres-top --once [OPTIONS]    one poll of every source, print, exit\n"
"\n"
"  -c, --config FILE      config file (default: $CERES_TOP_CONFIG, else\n"
"                         $XDG_CONFIG_HOME/ceres-top/config, else\n"
"                         /etc/ceres-top/config, else built-in defaults)\n"
"  -s, --site NAME        use the [site \"NAME\"] overrides of the config\n"
"      --once             poll once, print a snapshot, exit 0/1/2/3\n"
"      --format FORMAT    text, json, nagios or openmetrics (with --once;\n"
"                         default text)\n"), f);
	fputs(_(
"      --fleet            every [site] of the config at once: the sites\n"
"                         screen first; with --once one snapshot per site\n"
"                         and a summary, exit code of the worst site\n"), f);
	fprintf(f, _("      --panes LIST       comma list of %s\n"), names);
	fputs(_("                         (default all; the console shows only these)\n"), f);
	fputs(_(
"      --incident SEL     with --once: the incident view of one alert (a\n"
"                         fingerprint or alertname=X[,label=value...]),\n"
"                         --format text, json or markdown; exit 3 if none\n"), f);
	fputs(_(
"      --timeout SECONDS  overall deadline for --once (default 10)\n"
"  -r, --read-only        no action can be taken\n"
"      --theme NAME       colour theme: a name or a file (default \"default\")\n"
"      --no-color         no colours (also: NO_COLOR environment variable)\n"
"      --rotate SECONDS   cycle the focused pane (NOC wall screen)\n"
"      --check-config     validate the config and its theme, print the config\n"
"                         with secrets redacted\n"
"      --check-theme NAME validate a theme, print it as a theme file\n"
"      --list-themes      print the names of the themes found\n"
"  -V, --version          print the version\n"
"  -h, --help             print this help\n"), f);
	free(names);
}

static int
parse_panes(const char *list, unsigned *mask)
{
	char *copy = xstrdup(list), *save = NULL, *tok;

	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		int i = feature_index(str_trim(tok));

		if (i < 0) {
			char *names = feature_names(", ");

			fprintf(stderr, _("ceres-top: unknown pane \"%s\" (%s)\n"), tok, names);
			free(names);
			free(copy);
			return -1;
		}
		*mask |= 1u << i;
	}
	free(copy);
	return *mask != 0 ? 0 : -1;
}

/* --check-theme: 0 and the effective theme, or 1 and file:line: message. */
static int
check_theme(const char *name)
{
	char *cause = NULL, *desc;
	struct theme *t = theme_load(name, &cause);

	if (t == NULL) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		return 1;
	}
	desc = theme_describe(t);
	fputs(desc, stdout);
	free(desc);
	theme_free(t);
	return 0;
}

static int
check_theme_quiet(const char *name)
{
	char *cause = NULL;
	struct theme *t = theme_load(name, &cause);

	if (t == NULL) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		return 1;
	}
	theme_free(t);
	return 0;
}

static int
list_themes(void)
{
	char **names = theme_list();

	for (char **p = names; *p != NULL; p++) {
		puts(*p);
		free(*p);
	}
	free(names);
	return 0;
}

static void
init_locale(void)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	{
		/* CERES_TOP_LOCALEDIR overrides; else the installed
		 * catalogues, or the build tree's locale/ when this is the
		 * uninstalled binary (core/paths.c). */
		const char *ld = getenv("CERES_TOP_LOCALEDIR");
		char *dir = ld != NULL && *ld != '\0' ? xstrdup(ld) : paths_data_dir(PATHS_LOCALE);

		bindtextdomain(PACKAGE, dir);
		textdomain(PACKAGE);
		free(dir);
	}
#endif
}

enum { OPT_ONCE = 256, OPT_FORMAT, OPT_PANES, OPT_TIMEOUT, OPT_THEME, OPT_NO_COLOR,
    OPT_CHECK, OPT_ROTATE, OPT_CHECK_THEME, OPT_LIST_THEMES, OPT_INCIDENT, OPT_FLEET };
static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "site", required_argument, NULL, 's' },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "fleet", no_argument, NULL, OPT_FLEET },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "panes", required_argument, NULL, OPT_PANES },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "read-only", no_argument, NULL, 'r' },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "no-colour", no_argument, NULL, OPT_NO_COLOR },
	{ "check-config", no_argument, NULL, OPT_CHECK },
	{ "rotate", required_argument, NULL, OPT_ROTATE },
	{ "check-theme", required_argument, NULL, OPT_CHECK_THEME },
	{ "list-themes", no_argument, NULL, OPT_LIST_THEMES },
	{ "incident", required_argument, NULL, OPT_INCIDENT },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line into *opt: -1 to go on, else the exit code (usage
 * errors, --help, --version, --check-theme, --list-themes). */
static int
parse_args(int argc, char **argv, struct options *opt)
{
	const char *nc;
	int c;

	memset(opt, 0, sizeof *opt);
	opt->format = FORMAT_TEXT;
	opt->panes = (1u << FEATURE_COUNT) - 1;
	opt->timeout = 10;
	nc = getenv("NO_COLOR");
	opt->no_color = nc != NULL && *nc != '\0';

	while ((c = getopt_long(argc, argv, "c:s:rVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->config_path = optarg;
			break;
		case 's':
			opt->site = optarg;
			break;
		case OPT_ONCE:
			opt->once = true;
			break;
		case OPT_FLEET:
			opt->fleet = true;
			break;
		case OPT_INCIDENT:
			opt->incident = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				opt->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				opt->format = FORMAT_JSON;
			else if (strcmp(optarg, "nagios") == 0)
				opt->format = FORMAT_NAGIOS;
			else if (strcmp(optarg, "markdown") == 0)
				opt->format = FORMAT_MARKDOWN;
			else if (strcmp(optarg, "openmetrics") == 0)
				opt->format = FORMAT_OPENMETRICS;
			else {
				fprintf(stderr, _("ceres-top: --format must be text, json, nagios or openmetrics\n"));
				return EX_USAGE_CODE;
			}
			break;
		case OPT_PANES:
			if (parse_panes(optarg, &opt->panes) != 0)
				return EX_USAGE_CODE;
			break;
		case OPT_TIMEOUT:
			if (parse_double(optarg, &opt->timeout) != 0 || opt->timeout <= 0 || opt->timeout > 3600) {
				fprintf(stderr, _("ceres-top: --timeout must be a number of seconds (0-3600]\n"));
				return EX_USAGE_CODE;
			}
			break;
		case OPT_ROTATE:
			if (parse_double(optarg, &opt->rotate) != 0 || opt->rotate < 1) {
				fprintf(stderr, _("ceres-top: --rotate must be at least 1 second\n"));
				return EX_USAGE_CODE;
			}
			break;
		case 'r':
			opt->read_only = true;
			break;
		case OPT_THEME:
			opt->theme = optarg;
			break;
		case OPT_NO_COLOR:
			opt->no_color = true;
			break;
		case OPT_CHECK:
			opt->check_config = true;
			break;
		case OPT_CHECK_THEME:
			return check_theme(optarg);
		case OPT_LIST_THEMES:
			return list_themes();
		case 'V':
			printf("ceres-top %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_CODE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("ceres-top: unexpected argument \"%s\"\n"), argv[optind]);
		usage(stderr);
		return EX_USAGE_CODE;
	}
	if (opt->incident != NULL && (!opt->once || opt->format == FORMAT_NAGIOS)) {
		fprintf(stderr, _("ceres-top: --incident needs --once and --format text, json or markdown\n"));
		return EX_USAGE_CODE;
	}
	if (opt->fleet && (opt->incident != NULL || opt->format == FORMAT_OPENMETRICS)) {
		fprintf(stderr, _("ceres-top: --fleet takes --format text, json or nagios, and no --incident\n"));
		return EX_USAGE_CODE;
	}
	if (opt->incident == NULL && opt->format == FORMAT_MARKDOWN) {
		fprintf(stderr, _("ceres-top: --format markdown needs --incident\n"));
		return EX_USAGE_CODE;
	}
	return -1;
}

/* --check-config: the effective config with secrets redacted, and
 * whether its theme loads. */
static int
check_config(struct options *opt)
{
	char *cause = NULL, *dump;
	struct config *cfg = config_load(opt->config_path, opt->site, &cause);
	int code;

	if (cfg == NULL) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		return 1;
	}
	dump = config_dump(cfg);
	fputs(dump, stdout);
	free(dump);
	/* The theme is part of the configuration too. */
	if (opt->theme == NULL)
		opt->theme = config_get(cfg, "ceres", NULL, "theme");
	code = check_theme_quiet(opt->theme != NULL ? opt->theme : "default");
	config_free(cfg);
	return code;
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct app *app;
	char *cause = NULL;
	int code;

	init_locale();
	if ((code = parse_args(argc, argv, &opt)) >= 0)
		return code;
	/* JSON, metrics and the nagios line are read by programs: whatever a feature
	 * marks for translation, they stay English under any LANG. */
	if (opt.once && opt.format != FORMAT_TEXT)
		setlocale(LC_MESSAGES, "C");
	if (opt.check_config)
		return check_config(&opt);
	if (!opt.once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, _("ceres-top: the console needs a terminal; use --once for scripts\n"));
		return EX_USAGE_CODE;
	}
	if (opt.once && opt.fleet)
		return fleet_run_once(&opt);
	app = app_new(&opt, &cause);
	if (app == NULL) {
		fprintf(stderr, "ceres-top: %s\n", cause);
		free(cause);
		return opt.once ? 3 : 1;
	}
	code = opt.once ? app_run_once(app) : app_run_tui(app);
	app_free(app);
	return code;
}
