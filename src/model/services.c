/* The health rows of the model.  Every string stored here has passed the
 * sanitizer; renderers and panes can draw it as it is. */
#include "ceres/model/services.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
svc_state_name(enum svc_state s)
{
	switch (s) {
	case SVC_UP: return "up";
	case SVC_DEGRADED: return "degraded";
	case SVC_DOWN: return "down";
	default: return "unknown";
	}
}

int
svc_state_rank(enum svc_state s)
{
	switch (s) {
	case SVC_DOWN: return 0;
	case SVC_DEGRADED: return 1;
	case SVC_UNKNOWN: return 2;
	default: return 3;
	}
}

void
model_init(struct model *m)
{
	memset(m, 0, sizeof *m);
}

static void
service_free(struct service *sv)
{
	free(sv->name);
	free(sv->kind);
	free(sv->parent);
	free(sv->detail);
	free(sv->info);
	free(sv->facts);
	free(sv);
}

void
model_free(struct model *m)
{
	for (size_t i = 0; i < m->nservices; i++)
		service_free(m->services[i]);
	free(m->services);
	for (size_t i = 0; i < m->ntrans; i++) {
		free(m->trans[i].name);
		free(m->trans[i].detail);
	}
	free(m->trans);
	model_init(m);
}

void
model_touch(struct model *m)
{
	m->generation++;
	m->dirty = true;
}

struct service *
model_service_find(struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nservices; i++)
		if (strcmp(m->services[i]->name, name) == 0)
			return m->services[i];
	return NULL;
}

struct service *
model_service(struct model *m, const char *name, const char *kind)
{
	char *clean = sanitize_str(name);
	struct service *sv = model_service_find(m, clean);

	if (sv != NULL) {
		free(clean);
		sv->seen = true;
		return sv;
	}
	sv = xcalloc(1, sizeof *sv);
	sv->name = clean;
	sv->kind = sanitize_str(kind);
	sv->latency_ms = -1;
	sv->detail = xstrdup("");
	sv->seen = true;
	m->services = xreallocarray(m->services, m->nservices + 1, sizeof *m->services);
	m->services[m->nservices++] = sv;
	model_touch(m);
	return sv;
}

/* Keep the transition, dropping the oldest when the list is full. */
static void
transition_add(struct model *m, const struct service *sv, enum svc_state from, double now)
{
	struct svc_transition *t;

	if (m->trans == NULL)
		m->trans = xcalloc(MODEL_TRANSITIONS, sizeof *m->trans);
	if (m->ntrans == MODEL_TRANSITIONS) {
		free(m->trans[0].name);
		free(m->trans[0].detail);
		memmove(m->trans, m->trans + 1, (MODEL_TRANSITIONS - 1) * sizeof *m->trans);
		m->ntrans--;
	}
	t = &m->trans[m->ntrans++];
	t->time = now;
	t->name = xstrdup(sv->name);
	t->from = from;
	t->to = sv->state;
	t->detail = xstrdup(sv->detail != NULL ? sv->detail : "");
}

void
model_service_update(struct model *m, struct service *sv, enum svc_state st,
    double latency_ms, const char *detail)
{
	double now = now_wall();
	enum svc_state from = sv->state;
	bool changed = sv->updated > 0 && st != from;

	sv->state = st;
	sv->latency_ms = latency_ms;
	free(sv->detail);
	sv->detail = sanitize_str(detail);
	sv->updated = now;
	if (changed)
		transition_add(m, sv, from, now);
	sv->seen = true;
	if (latency_ms >= 0) {
		if (sv->nspark == SPARK_LEN) {
			memmove(sv->spark, sv->spark + 1, (SPARK_LEN - 1) * sizeof sv->spark[0]);
			sv->nspark--;
		}
		sv->spark[sv->nspark++] = latency_ms;
	}
	model_touch(m);
}

void
model_service_set_info(struct model *m, struct service *sv, const char *info)
{
	free(sv->info);
	sv->info = info != NULL ? sanitize_multiline(info, strlen(info)) : NULL;
	model_touch(m);
}

void
model_service_prune(struct model *m, const char *parent)
{
	size_t j = 0;

	for (size_t i = 0; i < m->nservices; i++) {
		struct service *sv = m->services[i];

		if (sv->parent != NULL && strcmp(sv->parent, parent) == 0) {
			if (!sv->seen) {
				service_free(sv);
				model_touch(m);
				continue;
			}
			sv->seen = false;
		}
		m->services[j++] = sv;
	}
	m->nservices = j;
}

static int
cmp_service(const void *a, const void *b)
{
	const struct service *x = *(struct service *const *)a;
	const struct service *y = *(struct service *const *)b;
	int d = svc_state_rank(x->state) - svc_state_rank(y->state);

	if (d != 0)
		return d;
	return strcmp(x->name, y->name);
}

struct service **
model_services_sorted(const struct model *m, size_t *n)
{
	struct service **v = xcalloc(m->nservices + 1, sizeof *v);

	if (m->nservices > 0)
		memcpy(v, m->services, m->nservices * sizeof *v);
	qsort(v, m->nservices, sizeof *v, cmp_service);
	*n = m->nservices;
	return v;
}

void
model_service_set_fact(struct model *m, struct service *sv, const char *key, const char *value)
{
	struct strbuf sb;
	const char *p = sv->facts;
	size_t klen = strlen(key);
	char *clean = sanitize_str(value);

	/* Rewrite the list without the old value of key, then append. */
	strbuf_init(&sb);
	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, '\n');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

		if (!(n > klen && strncmp(p, key, klen) == 0 && p[klen] == '='))
			strbuf_add(&sb, p, n), strbuf_addc(&sb, '\n');
		p += n + (e != NULL);
	}
	strbuf_addf(&sb, "%s=%s\n", key, clean);
	free(clean);
	free(sv->facts);
	sv->facts = strbuf_detach(&sb);
	(void)m;
}

const char *
service_fact(const struct service *sv, const char *key, char *buf, size_t n)
{
	const char *p = sv->facts;
	size_t klen = strlen(key);

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, '\n');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(buf, n, "%.*s", (int)(len - klen - 1), p + klen + 1);
			return buf;
		}
		p += len + (e != NULL);
	}
	return NULL;
}
