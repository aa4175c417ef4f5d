/* The details of one alert (Enter in the alerts pane): its state, times,
 * fingerprint, runbook, source, peer and receivers, its labels and its
 * annotations wrapped to the screen, and the silences that match it. */
#include "ceres/features/alerts.h"
#include "ceres/core/app.h"
#include "ceres/util/i18n.h"
#include "ceres/util/sanitize.h"
#include "ceres/ui/ui.h"
#include "ceres/util/util.h"
#include "alerts_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Append value under indent, wrapped to width columns (sanitized). */
static void
add_wrapped(struct strbuf *sb, const char *value, int indent, int width)
{
	char *safe = sanitize_multiline(value, strlen(value));
	const char *p = safe;
	mbstate_t st;

	if (width < 20)
		width = 20;
	while (*p != '\0') {
		const char *line = p, *brk = NULL, *q = p;
		int cols = 0;

		memset(&st, 0, sizeof st);
		while (*q != '\0' && *q != '\n') {
			wchar_t wc;
			size_t n = mbrtowc(&wc, q, strlen(q), &st);
			int cw;

			if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
				n = 1;
				cw = 1;
				memset(&st, 0, sizeof st);
			} else
				cw = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
			if (cols + cw > width && q > line)
				break;
			if (*q == ' ')
				brk = q;
			cols += cw;
			q += n;
		}
		if (*q != '\0' && *q != '\n' && brk != NULL && brk > line)
			q = brk;
		strbuf_addf(sb, "%*s%.*s\n", indent, "", (int)(q - line), line);
		p = q;
		if (*p == ' ' || *p == '\n')
			p++;
	}
	free(safe);
}

void
alerts_details(struct app *app, struct alerts *al, const struct alert *a)
{
	struct strbuf sb;
	char age[16];
	double now = now_wall();
	int width = COLS - 16;
	const char *runbook = NULL;

	strbuf_init(&sb);
	for (size_t i = 0; i < a->nannotations; i++)
		if (strcmp(a->annotations[i].name, "runbook_url") == 0)
			runbook = a->annotations[i].value;
	strbuf_addf(&sb, "%s: %s\n", _("Alert"), a->alertname[0] ? a->alertname : _("(no alertname)"));
	strbuf_addf(&sb, "%s: %s\n", _("Severity"), a->severity[0] ? a->severity : "-");
	strbuf_addf(&sb, "%s: %s (Alertmanager: %s)\n", _("State"), alerts_state_label(a->state), a->am_state);
	if (a->starts > 0)
		strbuf_addf(&sb, "%s: %s (%s %s)\n", _("Started"), a->starts_at,
		    fmt_age(now - a->starts, age, sizeof age), _("ago"));
	if (a->ends > 0)
		strbuf_addf(&sb, "%s: %s\n", _("Ends (projected)"), a->ends_at);
	strbuf_addf(&sb, "%s: %s\n", _("Fingerprint"), a->fingerprint);
	strbuf_addf(&sb, "%s: %s\n", _("Runbook"), runbook != NULL ? runbook : _("(none)"));
	strbuf_addf(&sb, "%s: %s\n", _("Source"), a->generator_url != NULL ? a->generator_url : _("(none)"));
	if (al->peer >= 0)
		strbuf_addf(&sb, "%s: %s\n", _("Peer"), al->peers[al->peer].shown);
	if (a->nreceivers > 0) {
		strbuf_addf(&sb, "%s:", _("Receivers"));
		for (size_t i = 0; i < a->nreceivers; i++)
			strbuf_addf(&sb, " %s", a->receivers[i]);
		strbuf_addc(&sb, '\n');
	}
	if (a->nsilenced_by > 0)
		strbuf_addf(&sb, "\n%s:\n", _("Silenced by"));
	for (size_t i = 0; i < a->nsilenced_by; i++) {
		const struct silence *s = silence_set_find(al->silences, a->silenced_by[i]);

		strbuf_addf(&sb, "  %s\n", a->silenced_by[i]);
		if (s == NULL)
			continue;
		strbuf_addf(&sb, "    %s %s, %s %s", _("by"), s->created_by, _("until"), s->ends_at);
		if (s->ends > now)
			strbuf_addf(&sb, " (%s %s)", _("in"), fmt_age(s->ends - now, age, sizeof age));
		strbuf_addc(&sb, '\n');
		add_wrapped(&sb, s->comment, 4, width);
	}
	if (a->ninhibited_by > 0)
		strbuf_addf(&sb, "\n%s:\n", _("Inhibited by"));
	for (size_t i = 0; i < a->ninhibited_by; i++) {
		const struct alert *o = alert_set_find(al->set, a->inhibited_by[i]);

		strbuf_addf(&sb, "  %s %s\n", a->inhibited_by[i], o != NULL ? o->alertname : "");
	}
	if (a->nmuted_by > 0) {
		strbuf_addf(&sb, "\n%s:", _("Muted by time intervals"));
		for (size_t i = 0; i < a->nmuted_by; i++)
			strbuf_addf(&sb, " %s", a->muted_by[i]);
		strbuf_addc(&sb, '\n');
	}
	strbuf_addf(&sb, "\n%s:\n", _("Labels"));
	for (size_t i = 0; i < a->nlabels; i++) {
		strbuf_addf(&sb, "  %s = ", a->labels[i].name);
		add_wrapped(&sb, a->labels[i].value, 0, width);
	}
	strbuf_addf(&sb, "\n%s:\n", _("Annotations"));
	for (size_t i = 0; i < a->nannotations; i++) {
		strbuf_addf(&sb, "  %s:\n", a->annotations[i].name);
		add_wrapped(&sb, a->annotations[i].value, 4, width);
	}
	ui_text_overlay_pass(app, a->alertname[0] ? a->alertname : _("Alert"), strbuf_detach(&sb), "i");
}
