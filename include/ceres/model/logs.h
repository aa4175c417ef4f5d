/* The logs model: log entries as Loki gives them (label sets and
 * values), the bounded ring of sanitized lines, PCRE2 matchers (level
 * rules, search, filters), and the state of the tail the console shows. */
#ifndef CERES_MODEL_LOGS_H
#define CERES_MODEL_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ceres/util/sanitize.h"

struct loki_label {
	char	*name;
	char	*value;
};

struct loki_value {
	int64_t		 ts;		/* ns since the epoch, exact */
	const char	*line;		/* raw bytes, in the stream's text */
	size_t		 len;
};

struct loki_stream {
	struct loki_label	*labels;	/* raw, sorted by name */
	size_t			 nlabels;
	uint64_t		 hash;		/* of the label set */
	struct loki_value	*values;	/* see loki_result_order() */
	size_t			 nvalues;
	char			*text;		/* the lines' bytes, owned */
};

/* ---- PCRE2 matchers and level rules (loki_ring.c) ---- */

struct log_regex {
	void		*code;		/* pcre2_code */
	void		*md;		/* pcre2_match_data */
	char		*pattern;	/* as typed, NULL when unset */
};
/* Compile pattern (UTF, JIT when available).  smartcase: caseless unless
 * the pattern has an upper-case letter.  On error *cause says what and at
 * which offset, and re is left unchanged. */
int log_regex_set(struct log_regex *re, const char *pattern, bool smartcase, char **cause);
void log_regex_clear(struct log_regex *re);
static inline bool log_regex_active(const struct log_regex *re) { return re->code != NULL; }
/* First match in s[from, len): true and its byte range. */
bool log_regex_find(struct log_regex *re, const char *s, size_t len, size_t from,
    size_t *ms, size_t *me);

enum log_level {
	LOG_LEVEL_NONE = 0,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_COUNT
};
const char *log_level_name(enum log_level l);	/* "error", ... "" */
extern const char *const log_level_defaults[LOG_LEVEL_COUNT];

struct log_levels {
	struct log_regex	re[LOG_LEVEL_COUNT];
};
/* patterns[l] NULL: the default rule of that level. */
int log_levels_init(struct log_levels *lv, const char *const patterns[LOG_LEVEL_COUNT], char **cause);
void log_levels_free(struct log_levels *lv);
/* The level whose rule matches earliest in the line (ties: most severe). */
enum log_level log_levels_classify(struct log_levels *lv, const char *s, size_t len);

/* ---- The ring of log lines (loki_ring.c) ---- */

/* A label set, shared by the lines of one stream. */
struct log_stream {
	uint64_t		 hash;		/* of the raw label set */
	unsigned		 refs;
	struct loki_label	*labels;	/* sanitized, sorted */
	size_t			 nlabels;
	char			*compact;	/* labels not common to all streams */
	int			 compact_width;
	enum log_level		 label_level;	/* from a level/detected_level label */
	struct log_stream	*next;		/* hash chain */
};

struct log_line {
	int64_t			 ts;
	uint64_t		 seq;		/* arrival order, contiguous */
	struct log_stream	*stream;
	char			*text;		/* sanitized; newlines kept */
	struct sgr_span		*spans;		/* colours lifted from SGR */
	uint32_t		 len;
	uint16_t		 nspans;
	uint8_t			 level;
	uint8_t			 visible;	/* filter verdict, valid at vis_gen */
	uint32_t		 vis_gen;
};

struct log_ring {
	struct log_line		*lines;
	size_t			 cap;
	size_t			 head;		/* index of the oldest line */
	size_t			 count;
	uint64_t		 next_seq;	/* seq of the next line added */
	uint64_t		 seen_seq;	/* newest seq the user could see + 1 */
	uint64_t		 skipped;	/* evicted before they could be seen */
	uint64_t		 total;
	size_t			 bytes;		/* text held, for max_bytes */
	size_t			 max_bytes;
	size_t			 level_count[LOG_LEVEL_COUNT];
	struct log_stream	**buckets;
	size_t			 nbuckets;
	size_t			 nstreams;
	unsigned		 streams_gen;	/* bumped when streams come or go */
	unsigned		 compact_gen;	/* streams_gen the compact labels match */
	char			*common;	/* labels every stream has, "{a=b}" */
	struct log_levels	*levels;	/* borrowed */
};

struct log_ring *log_ring_new(size_t cap, struct log_levels *levels);
void log_ring_free(struct log_ring *r);
void log_ring_clear(struct log_ring *r);
/* Lines longer than this are cut (with a note) when they are stored. */
#define LOG_LINE_MAX	(64 * 1024)
/* Add one entry: sanitize, classify, evict the oldest when full (in
 * lines, or in bytes past max_bytes). */
struct log_line *log_ring_add(struct log_ring *r, const struct loki_stream *st,
    const struct loki_value *v);
/* The line with that seq, or NULL when it is not (or no longer) held. */
struct log_line *log_ring_get(const struct log_ring *r, uint64_t seq);
static inline uint64_t log_ring_first(const struct log_ring *r) { return r->next_seq - r->count; }
/* Recompute the compact labels when the set of streams changed. */
void log_ring_update_labels(struct log_ring *r);

/* LogQL completion for ':query': candidates replacing text as a whole. */
struct loki_labelset {
	char	 *name;
	char	**values;
	size_t	  nvalues;
};
/* The tail: what the Loki source writes and the pane and --once read. */
struct logs {
	struct log_ring		*ring;
	struct log_levels	 levels;
	char			*query;
	char			*url_shown;	/* url_redact() */
	unsigned		 limit;
	unsigned		 buffer_lines;
	double			 since;		/* seconds of history on start */
	double			 delay;		/* seconds behind now (late lines) */
	char			*error;		/* query error shown in the pane */
	char			*warning;	/* Loki's "warnings" */
	bool			 catching_up;
	uint64_t		 skipped_ts;
	size_t			 malformed;	/* streams and lines of Loki's answers
						 * skipped as malformed, since the query */
	struct loki_labelset	*labels;	/* for ':query' completion */
	size_t			 nlabels;
};
/* Free what the tail holds (not lg itself). */
void logs_clear(struct logs *lg);

#endif
