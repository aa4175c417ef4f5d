/* New alerts: those that arrive after the console's first answer, kept
 * "new" until the operator has had them selected in the alerts pane.  The
 * header counts the new critical ones and `!` brings the newest into view;
 * the bell ([ceres] bell = critical) rings once per new critical. */
#include "ceres/features/alerts.h"
#include "ceres/util/util.h"

#include <stdlib.h>
#include <string.h>

#define FRESH_MAX	1000

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
known(const struct alerts_news *n, const char *fp)
{
	return n->nknown > 0 && bsearch(&fp, n->known, n->nknown, sizeof *n->known, cmp_str) != NULL;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
alerts_news_update(struct alerts_area *af)
{
	struct alerts_news *n = &af->news;
	const struct alert_set *set = af->al.set;
	char **now;
	size_t keep = 0;

	if (set == NULL || (n->primed && n->gen == af->al.generation))
		return;
	n->gen = af->al.generation;
	now = xcalloc(set->n + 1, sizeof *now);
	for (size_t i = 0; i < set->n; i++) {
		const struct alert *a = &set->alerts[i];

		now[i] = xstrdup(a->fingerprint);
		if (!n->primed || known(n, a->fingerprint) || n->nfresh >= FRESH_MAX ||
		    a->state != ALERT_ACTIVE)
			continue;
		n->fresh = xreallocarray(n->fresh, n->nfresh + 1, sizeof *n->fresh);
		n->fresh[n->nfresh++] = xstrdup(a->fingerprint);
		if (a->sev == ALERT_SEV_CRITICAL)
			n->bell++;
	}
	qsort(now, set->n, sizeof *now, cmp_str);
	free_list(n->known, n->nknown);
	n->known = now;
	n->nknown = set->n;
	n->primed = true;
	/* An alert that is gone (resolved) is no longer new. */
	for (size_t i = 0; i < n->nfresh; i++) {
		if (known(n, n->fresh[i]))
			n->fresh[keep++] = n->fresh[i];
		else
			free(n->fresh[i]);
	}
	n->nfresh = keep;
}

bool
alerts_news_is_new(const struct alerts_area *af, const char *fp)
{
	for (size_t i = 0; i < af->news.nfresh; i++)
		if (strcmp(af->news.fresh[i], fp) == 0)
			return true;
	return false;
}

void
alerts_news_seen(struct alerts_area *af, const char *fp)
{
	struct alerts_news *n = &af->news;

	for (size_t i = 0; i < n->nfresh; i++) {
		if (strcmp(n->fresh[i], fp) == 0) {
			free(n->fresh[i]);
			n->fresh[i] = n->fresh[--n->nfresh];
			return;
		}
	}
}

size_t
alerts_news_critical(const struct alerts_area *af, const struct alert **newest)
{
	const struct alert_set *set = af->al.set;
	size_t count = 0;

	*newest = NULL;
	for (size_t i = 0; set != NULL && i < af->news.nfresh; i++) {
		const struct alert *a = alert_set_find(set, af->news.fresh[i]);

		if (a == NULL || a->sev != ALERT_SEV_CRITICAL)
			continue;
		count++;
		if (*newest == NULL || a->starts > (*newest)->starts)
			*newest = a;
	}
	return count;
}

void
alerts_news_free(struct alerts_news *n)
{
	free_list(n->known, n->nknown);
	free_list(n->fresh, n->nfresh);
	memset(n, 0, sizeof *n);
}
