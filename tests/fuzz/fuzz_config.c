/* Fuzz the config parser: any bytes give a config or a file:line error,
 * never a crash, a leak or a secret in the dump. */
#include "ceres/core/config.h"
#include "fuzz.h"

/* Lines of the dump that read "key = value" (maybe with a ; comment). */
static size_t
count_lines(const char *dump, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value), n = 0;

	const char *p = dump;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && strncmp(p + kl, " = ", 3) == 0 &&
		    strncmp(p + kl + 3, value, vl) == 0 &&
		    (p[kl + 3 + vl] == '\n' || p[kl + 3 + vl] == '\0' ||
		    strncmp(p + kl + 3 + vl, " ;", 2) == 0))
			n++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return n;
}

static size_t
plain_entries(const struct config *c, const char *key, const char *value)
{
	size_t n = 0;

	for (size_t e = 0; e < c->nentries; e++)
		if (!c->entries[e].secret && c->entries[e].value != NULL &&
		    strcmp(c->entries[e].key, key) == 0 && strcmp(c->entries[e].value, value) == 0)
			n++;
	return n;
}

FUZZ_TARGET(config)
{
	static const char *const sites[] = { NULL, "staging", "prod" };
	char *cause;

	fuzz_locale();
	for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
		struct config *c;
		char *dump;
		const char **names = NULL;
		size_t n;

		cause = NULL;
		c = config_parse("fuzz", (const char *)data, size, sites[i], &cause);
		if (c == NULL) {
			FUZZ_ASSERT(cause != NULL);
			free(cause);
			continue;
		}
		FUZZ_ASSERT(cause == NULL);
		dump = config_dump(c);
		FUZZ_ASSERT(dump != NULL);
		/* Every secret is redacted in the dump: a line "key = <secret>"
		 * may only be there as often as some plain entry has that very
		 * key and value (another section's url, say). */
		for (size_t e = 0; e < c->nentries; e++) {
			const struct config_entry *ce = &c->entries[e];

			if (ce->secret && ce->value != NULL && ce->value[0] != '\0')
				FUZZ_ASSERT(count_lines(dump, ce->key, ce->value) <=
				    plain_entries(c, ce->key, ce->value));
		}
		free(dump);
		(void)config_get(c, "ceres", NULL, "site");
		(void)config_get_double(c, "ceres", NULL, "interval", 5);
		(void)config_get_bool(c, "ceres", NULL, "read_only", false);
		(void)config_get_int(c, "loki", NULL, "limit", 500);
		n = config_names(c, "service", &names);
		for (size_t k = 0; k < n; k++)
			(void)config_get_default(c, "service", names[k], "kind", "http");
		free(names);
		config_free(c);
	}
	return 0;
}
