/* Bounded JSON parsing and typed getters. */
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Values are counted by what starts one: the first, and every ',' '['
 * '{' outside a string (an upper bound, off by one per empty container). */
bool
json_too_complex(const char *buf, size_t len)
{
	size_t n = 1;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"')
			in_str = true;
		else if ((c == ',' || c == '[' || c == '{') && ++n > JSON_MAX_VALUES)
			return true;
	}
	return false;
}

cJSON *
json_parse_bounded(const char *buf, size_t len, enum json_error *err)
{
	cJSON *j = NULL;
	enum json_error e = JSON_OK;

	if (buf == NULL || len == 0)
		e = JSON_INVALID;
	else if (json_too_complex(buf, len))
		e = JSON_TOO_COMPLEX;
	else if ((j = cJSON_ParseWithLength(buf, len)) == NULL)
		e = JSON_INVALID;
	if (err != NULL)
		*err = e;
	return j;
}

const cJSON *
json_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *
json_get_str(const cJSON *o, const char *key)
{
	const cJSON *v = json_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool
json_get_num(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = json_get(o, key);

	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}

int
json_get_bool(const cJSON *o, const char *key, int def)
{
	const cJSON *v = json_get(o, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

const cJSON *
json_get_obj(const cJSON *o, const char *key)
{
	const cJSON *v = json_get(o, key);

	return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *
json_get_arr(const cJSON *o, const char *key)
{
	const cJSON *v = json_get(o, key);

	return cJSON_IsArray(v) ? v : NULL;
}

/* Bytes written as they are: not a control character, '"' or '\\' (and
 * not the terminating NUL, which stops the scan).  Filled once. */
static unsigned char plain[256];

static void
plain_init(void)
{
	for (int c = 0x20; c < 0x100; c++)
		plain[c] = c != '"' && c != '\\';
}

/* Whether any of eight bytes needs escaping: below 0x20 (NUL too), a
 * quote or a backslash (exact as a yes or no). */
static inline uint64_t
escape8(uint64_t x)
{
	return json_bytes_below8(x, 0x20) | json_bytes_eq8(x, '"') | json_bytes_eq8(x, '\\');
}

/* Escaping follows RFC 8259 as cJSON prints it: quote, backslash and
 * controls escaped (\u00xx in lower case but the short forms), every
 * other byte (valid UTF-8 included) passed through. */
void
json_write_str(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	size_t len = strlen(s), i = 0;

	if (!plain['a'])
		plain_init();
	/* The long runs of plain bytes, eight at a time. */
	while (i + 8 <= len) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (escape8(x))
			break;
		i += 8;
	}
	s += i;
	while (plain[(unsigned char)*s])
		s++;
	if (*s == '\0') {
		/* Nothing to escape (most strings): one copy. */
		size_t n = (size_t)(s - run);
		char *d = strbuf_room(sb, n + 2);

		d[0] = '"';
		memcpy(d + 1, run, n);
		d[n + 1] = '"';
		strbuf_commit(sb, n + 2);
		return;
	}
	strbuf_addc(sb, '"');
	for (;; s++) {
		unsigned char c;

		/* The long runs of plain bytes, four at a time. */
		while (plain[(unsigned char)s[0]] && plain[(unsigned char)s[1]] &&
		    plain[(unsigned char)s[2]] && plain[(unsigned char)s[3]])
			s += 4;
		while (plain[(unsigned char)*s])
			s++;
		if ((c = (unsigned char)*s) == '\0')
			break;
		strbuf_add(sb, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': strbuf_adds(sb, "\\\""); break;
		case '\\': strbuf_adds(sb, "\\\\"); break;
		case '\n': strbuf_adds(sb, "\\n"); break;
		case '\r': strbuf_adds(sb, "\\r"); break;
		case '\t': strbuf_adds(sb, "\\t"); break;
		case '\b': strbuf_adds(sb, "\\b"); break;
		case '\f': strbuf_adds(sb, "\\f"); break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			strbuf_add(sb, esc, sizeof esc);
			break;
		}
		}
	}
	strbuf_add(sb, run, (size_t)(s - run));
	strbuf_addc(sb, '"');
}
