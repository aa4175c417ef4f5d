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
		/* Every secret is redacted in the dump: no line is "key =
		 * <secret>" (the text may appear inside some other value). */
		for (size_t e = 0; e < c->nentries; e++) {
			const struct config_entry *ce = &c->entries[e];
			size_t kl, vl;
			char *needle;

			if (!ce->secret || ce->value == NULL || ce->value[0] == '\0')
				continue;
			kl = strlen(ce->key);
			vl = strlen(ce->value);
			/* "\nkey = value" then "\n" or " ;" (a comment). */
			needle = malloc(kl + vl + 7);
			FUZZ_ASSERT(needle != NULL);
			needle[0] = '\n';
			memcpy(needle + 1, ce->key, kl);
			memcpy(needle + 1 + kl, " = ", 3);
			memcpy(needle + 4 + kl, ce->value, vl);
			memcpy(needle + 4 + kl + vl, "\n", 2);
			FUZZ_ASSERT(strstr(dump, needle) == NULL);
			memcpy(needle + 4 + kl + vl, " ;", 3);
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
