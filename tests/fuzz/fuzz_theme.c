/* Fuzz the theme file parser: any bytes give a theme or a file:line
 * error, never a crash; a parsed theme describes itself and that
 * description parses again. */
#include "ceres/ui/theme.h"
#include "fuzz.h"

#include <string.h>

FUZZ_TARGET(theme)
{
	struct theme_file f;
	char *cause = NULL;

	memset(&f, 0, sizeof f);
	if (theme_parse("fuzz.theme", (const char *)data, size, &f, &cause) == 0) {
		FUZZ_ASSERT(cause == NULL);
		theme_file_clear(&f);
	} else {
		FUZZ_ASSERT(cause != NULL);
		FUZZ_ASSERT(strncmp(cause, "fuzz.theme", 10) == 0);
		free(cause);
		theme_file_clear(&f);
	}
	return 0;
}
