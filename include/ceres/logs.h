/* The logs area: Loki answers (pure parsers), the cursor that keeps a
 * forward tail free of losses and duplicates across query windows, the
 * bounded ring of sanitized lines, PCRE2 matchers (level rules, search,
 * filters), the Loki source, and the state the logs pane draws from. */
#ifndef CERES_LOGS_H
#define CERES_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sanitize.h"

struct app;
struct source;

/* ---- Loki answers (loki_parse.c).  Pure: (buf, len, out, cause). ---- */

struct loki_label {
	char	*name;
	char	*value;
};

struct loki_value {
	int64_t		 ts;		/* ns since the epoch, exact */
	const char	*line;		/* raw bytes, owned by the result */
	size_t		 len;
};

struct loki_stream {
	struct loki_label	*labels;	/* raw, sorted by name */
	size_t			 nlabels;
	uint64_t		 hash;		/* of the label set */
	struct loki_value	*values;	/* see loki_result_order() */
	size_t			 nvalues;
};

struct loki_result {
	struct loki_stream	*streams;
	size_t			 nstreams;
	size_t			 nentries;	/* values over all streams */
	size_t			 nbad;		/* malformed values skipped */
	char			**warnings;	/* raw */
	size_t			 nwarnings;
	void			*json;		/* the parse tree lines point into */
};

/* A query_range (or query) answer with resultType "streams", values in
 * the order they came. */
int loki_parse_streams(const char *buf, size_t len, struct loki_result *out, char **cause);
/* Put every stream's values oldest first (backward: the answer to a
 * direction=backward query, whose streams come newest first). */
void loki_result_order(struct loki_result *r, bool backward);
void loki_result_free(struct loki_result *r);
/* /loki/api/v1/labels and /loki/api/v1/label/<name>/values: a missing
 * "data" key is an empty list (Loki omits it). */
int loki_parse_labels(const char *buf, size_t len, char ***names, size_t *n, char **cause);
void loki_strv_free(char **v, size_t n);
/* A nanosecond timestamp string ("1767436620123456789"); -1 on error. */
int loki_ts_parse(const char *s, size_t len, int64_t *out);
/* RFC 3339 with nanoseconds, UTC, trailing zeros trimmed (Go's
 * RFC3339Nano): "2026-01-03T10:37:00.123456789Z". */
char *loki_ts_format(int64_t ns, char *buf, size_t n);
/* Loki errors are text/plain: a one-line, sanitized, bounded message. */
char *loki_error_text(const char *body, size_t len);
uint64_t loki_hash(const void *p, size_t n, uint64_t seed);

/* Every entry of a result, merged across streams in timestamp order. */
struct loki_ref {
	int64_t		ts;
	uint32_t	stream;
	uint32_t	value;
};
struct loki_ref *loki_result_merge(const struct loki_result *r, size_t *n);

/* ---- The tail cursor (loki_cursor.c) ----
 * Polls ask for [cursor.ts, now) forward.  Start is inclusive, so lines
 * sharing the boundary timestamp come again; the set of (labels, line)
 * hashes already delivered at that timestamp drops them.  A full answer
 * means more may be waiting: ask again at once.  When more lines share
 * one timestamp than a query may return, the limit grows, and past the
 * server's maximum the timestamp is skipped (and counted). */
struct loki_cursor {
	bool		 started;	/* the initial (backward) answer arrived */
	int64_t		 ts;		/* newest timestamp delivered */
	uint64_t	*seen;		/* open-addressing set of hashes at ts */
	size_t		 nseen;
	size_t		 capseen;
	unsigned	 limit;		/* for the next query */
	bool		 boosted;	/* limit raised for the ties at boost_ts */
	int64_t		 boost_ts;
	uint64_t	 skipped_ts;	/* timestamps given up on */
};
void loki_cursor_init(struct loki_cursor *c, unsigned limit);
void loki_cursor_reset(struct loki_cursor *c, unsigned limit);
void loki_cursor_free(struct loki_cursor *c);
/* Where the next forward query starts (inclusive), given the time now
 * and the longest history wanted, both in ns. */
int64_t loki_cursor_start(const struct loki_cursor *c, int64_t now, int64_t since);
/* Keep (in place, in order) only the refs not delivered before and
 * advance the cursor over them; returns how many are kept. */
size_t loki_cursor_take(struct loki_cursor *c, const struct loki_result *r,
    struct loki_ref *refs, size_t n);
/* After a forward answer of total entries (fresh of them new) asked with
 * limit_used: true when the next query should go out at once; sets
 * c->limit for it. */
bool loki_cursor_next(struct loki_cursor *c, size_t total, size_t fresh,
    unsigned limit_used, unsigned base_limit, unsigned max_limit);

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
char **logql_complete(const char *text, const struct loki_labelset *ls, size_t nls, size_t *n);

/* ---- The logs feature: state shared by the source and the pane ---- */

struct logs_view {
	bool			 follow;	/* bottom is the newest visible line */
	uint64_t		 sel;		/* selected line when paused */
	uint64_t		 bottom;	/* line drawn last when paused */
	uint64_t		 pause_seq;	/* lines from here on are "new" */
	bool			 wrap;
	int			 hscroll;
	int			 height;	/* rows of lines at the last draw */
	struct log_regex	 search;
	bool			 search_back;	/* n goes to older lines */
	struct log_regex	 include;
	struct log_regex	 exclude;
	uint32_t		 vis_gen;	/* bumped when a filter changes */
	struct logs_pair {
		int16_t		 fg;
		int16_t		 bg;
		short		 pair;
	}			 pairs[192];	/* SGR colours given curses pairs */
	int			 npairs;
};

struct logs {
	struct app		*app;
	struct source		*src;		/* NULL: Loki is not configured */
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
	struct loki_labelset	*labels;	/* for ':query' completion */
	size_t			 nlabels;
	struct logs_view	 view;
};

struct loki_opts {
	const char	*url;
	const char	*org_id;
	const char	*token;
	const char	*user;
	const char	*password;
	bool		 insecure;
};
struct source *loki_source_new(struct app *app, struct logs *lg, const struct loki_opts *o, char **cause);
/* Switch the tail to another LogQL query: the buffer starts over. */
void loki_set_query(struct source *s, const char *query);

#endif
