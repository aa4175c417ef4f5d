/* The readiness score over time: one point per hour (the last round of
 * the hour wins), kept for RD_HISTORY_DAYS days, in a per-site text file
 * of the state directory.  A line is "<epoch> <cat 0> ... <cat 5> <total>",
 * each a percent or "-" when nothing was decided; lines that do not parse
 * are dropped, so a damaged file costs its damaged lines only. */
#include "ceres/features/readiness.h"
#include "ceres/util/file.h"
#include "ceres/util/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOUR	3600.0
#define DAY	86400.0
/* Far above what 400 days of hourly points take (about 300 KiB). */
#define HISTORY_FILE_MAX	(4u << 20)

void
rd_history_free(struct rd_history *h)
{
	free(h->p);
	memset(h, 0, sizeof *h);
}

static void
push(struct rd_history *h, const struct rd_hist_point *pt)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->p = xreallocarray(h->p, h->cap, sizeof *h->p);
	}
	h->p[h->n++] = *pt;
}

static int
parse_value(const char *tok, short *out)
{
	char *end;
	long v;

	if (strcmp(tok, "-") == 0) {
		*out = -1;
		return 0;
	}
	errno = 0;
	v = strtol(tok, &end, 10);
	if (errno != 0 || *end != '\0' || end == tok || v < 0 || v > 100)
		return -1;
	*out = (short)v;
	return 0;
}

static int
parse_line(char *line, struct rd_hist_point *pt)
{
	char *save = NULL, *tok = strtok_r(line, " \t", &save), *end;

	if (tok == NULL || *tok == '#')
		return -1;
	errno = 0;
	pt->t = strtod(tok, &end);
	if (errno != 0 || *end != '\0' || !isfinite(pt->t) || pt->t <= 0)
		return -1;
	for (int i = 0; i <= RD_NCATEGORIES; i++) {
		tok = strtok_r(NULL, " \t", &save);
		if (tok == NULL || parse_value(tok, &pt->pct[i]) != 0)
			return -1;
	}
	return strtok_r(NULL, " \t", &save) == NULL ? 0 : -1;
}

/* Sorted by time, one point per hour (the later wins), the bound kept. */
static void
normalize(struct rd_history *h)
{
	size_t w = 0;

	for (size_t i = 1; i < h->n; i++)	/* insertion sort: the file is sorted already */
		for (size_t j = i; j > 0 && h->p[j - 1].t > h->p[j].t; j--) {
			struct rd_hist_point t = h->p[j];

			h->p[j] = h->p[j - 1];
			h->p[j - 1] = t;
		}
	for (size_t i = 0; i < h->n; i++) {
		if (w > 0 && floor(h->p[w - 1].t / HOUR) == floor(h->p[i].t / HOUR))
			w--;
		h->p[w++] = h->p[i];
	}
	h->n = w;
	if (h->n > RD_HISTORY_POINTS) {
		memmove(h->p, h->p + (h->n - RD_HISTORY_POINTS), RD_HISTORY_POINTS * sizeof *h->p);
		h->n = RD_HISTORY_POINTS;
	}
}

void
rd_history_parse(const char *buf, size_t len, struct rd_history *h)
{
	size_t i = 0;

	rd_history_free(h);
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t ll = nl != NULL ? (size_t)(nl - (buf + i)) : len - i;
		struct rd_hist_point pt;

		if (ll > 0 && ll < 256) {
			char line[256];

			memcpy(line, buf + i, ll);
			line[ll] = '\0';
			if (parse_line(line, &pt) == 0)
				push(h, &pt);
		}
		i += ll + 1;
	}
	normalize(h);
}

char *
rd_history_format(const struct rd_history *h)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_adds(&sb, "# ceres-top readiness history: time security availability observability "
	    "integration manageability performance total (percent, - when nothing was decided)\n");
	for (size_t i = 0; i < h->n; i++) {
		strbuf_addf(&sb, "%.0f", h->p[i].t);
		for (int c = 0; c <= RD_NCATEGORIES; c++) {
			if (h->p[i].pct[c] < 0)
				strbuf_adds(&sb, " -");
			else
				strbuf_addf(&sb, " %d", h->p[i].pct[c]);
		}
		strbuf_addc(&sb, '\n');
	}
	return strbuf_detach(&sb);
}

static short
pct_of(int score, int max)
{
	return max > 0 ? (short)((score * 200 + max) / (max * 2)) : -1;
}

bool
rd_history_add(struct rd_history *h, double t, const struct rd_score *sc)
{
	struct rd_hist_point pt;
	size_t drop = 0;

	if (!isfinite(t) || t <= 0)
		return false;
	/* A clock that went back does not rewrite the past. */
	if (h->n > 0 && floor(t / HOUR) < floor(h->p[h->n - 1].t / HOUR))
		return false;
	pt.t = floor(t);
	pt.pct[RD_NCATEGORIES] = sc->max > 0 ? (short)sc->percent : -1;
	for (int c = 0; c < RD_NCATEGORIES; c++)
		pt.pct[c] = pct_of(sc->cat[c].score, sc->cat[c].max);
	if (h->n > 0 && floor(t / HOUR) == floor(h->p[h->n - 1].t / HOUR))
		h->n--;
	push(h, &pt);
	while (drop < h->n && h->p[drop].t < t - RD_HISTORY_DAYS * DAY)
		drop++;
	if (h->n - drop > RD_HISTORY_POINTS)
		drop = h->n - RD_HISTORY_POINTS;
	if (drop > 0) {
		memmove(h->p, h->p + drop, (h->n - drop) * sizeof *h->p);
		h->n -= drop;
	}
	return true;
}

bool
rd_history_change(const struct rd_history *h, int cat, double days, int *delta)
{
	const struct rd_hist_point *last, *then = NULL;

	if (h->n == 0 || cat < 0 || cat > RD_NCATEGORIES)
		return false;
	last = &h->p[h->n - 1];
	for (size_t i = h->n - 1; i-- > 0;)
		if (h->p[i].t <= last->t - days * DAY) {
			then = &h->p[i];
			break;
		}
	if (then == NULL || then->pct[cat] < 0 || last->pct[cat] < 0)
		return false;
	*delta = last->pct[cat] - then->pct[cat];
	return true;
}

int
rd_history_load(const char *path, struct rd_history *h, char **cause)
{
	size_t len;
	char *buf;

	*cause = NULL;
	rd_history_free(h);
	if (path != NULL && access(path, F_OK) != 0 && errno == ENOENT)
		return 0;	/* no history yet */
	buf = file_read_small(path, HISTORY_FILE_MAX, &len, cause);
	if (buf == NULL)
		return -1;
	rd_history_parse(buf, len, h);
	free(buf);
	return 0;
}

int
rd_history_save(const char *path, const struct rd_history *h, char **cause)
{
	char *text = rd_history_format(h);
	int rc;

	if (path != NULL)
		file_make_parent(path);
	rc = file_write_atomic(path, text, strlen(text), cause);
	free(text);
	return rc;
}
