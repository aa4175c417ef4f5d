/* Fuzz the config parser: any bytes give a config or a file:line error,
 * never a crash, a leak or a secret in the dump. */
#include "ceres/config.h"
#include "fuzz.h"

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
		/* Every secret is redacted in the dump: "key = <secret>" never
		 * appears (the value alone may, as some other key's value). */
		for (size_t e = 0; e < c->nentries; e++) {
			const struct config_entry *ce = &c->entries[e];
			size_t kl, vl;
			char *needle;

			if (!ce->secret || ce->value == NULL || ce->value[0] == '\0')
				continue;
			kl = strlen(ce->key);
			vl = strlen(ce->value);
			needle = malloc(kl + vl + 4);
			FUZZ_ASSERT(needle != NULL);
			memcpy(needle, ce->key, kl);
			memcpy(needle + kl, " = ", 3);
			memcpy(needle + kl + 3, ce->value, vl + 1);
			FUZZ_ASSERT(strstr(dump, needle) == NULL);
			free(needle);
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
