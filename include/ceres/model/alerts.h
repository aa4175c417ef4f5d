/* The alerts model: Alertmanager v2 alerts and silences as plain data,
 * grouping (alertname + severity, critical first), matcher evaluation for
 * silence previews, and what the console knows of the cluster (peers,
 * the current alert set, silences, status).
 *
 * Strings in an alert set are kept as the backend sent them (made valid
 * UTF-8, nothing else): silence matchers must carry the exact label values
 * and --once JSON must give them back intact.  Everything shown on a
 * terminal goes through sanitize at the point of display instead; the
 * d_* fields are the sanitized display copies made once at ingestion. */
#ifndef CERES_MODEL_ALERTS_H
#define CERES_MODEL_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* Strings and arrays of one parsed answer, released together. */
struct alerts_arena {
	struct alerts_arena_block	*head;
	size_t				 bytes;
	struct alerts_intern		*intern;	/* see alerts_arena_intern() */
};
void *alerts_arena_alloc(struct alerts_arena *a, size_t n);
char *alerts_arena_strndup(struct alerts_arena *a, const char *s, size_t n);
char *alerts_arena_strdup(struct alerts_arena *a, const char *s);
/* One copy per distinct short string (label names, alertname, severity):
 * equal strings of one arena then have equal pointers, which the sort
 * and the grouping compare first.  Past a few hundred distinct strings
 * (or for a long one) it is a plain copy. */
const char *alerts_arena_intern(struct alerts_arena *a, const char *s, size_t n);
void alerts_arena_free(struct alerts_arena *a);

struct alert_pair {
	const char	*name;
	const char	*value;
};

enum alert_state {
	ALERT_ACTIVE = 0,	/* firing, notifications go out */
	ALERT_SILENCED,		/* suppressed by a silence */
	ALERT_INHIBITED,	/* suppressed by another alert */
	ALERT_MUTED,		/* suppressed by a mute time interval only */
	ALERT_UNPROCESSED,	/* received, not yet through the pipeline */
};
const char *alert_state_name(enum alert_state s);	/* "active", ... (not translated) */

/* Severity classes, in display order. */
enum alert_sev {
	ALERT_SEV_CRITICAL = 0,	/* critical, page, emergency, fatal */
	ALERT_SEV_WARNING,	/* warning, warn, error, major, high */
	ALERT_SEV_INFO,		/* info, notice, low, minor, none */
	ALERT_SEV_OTHER,	/* anything else, or no severity label */
};
enum alert_sev alerts_sev_class(const char *severity);

struct alert {
	const char		*fingerprint;
	const char		*alertname;	/* "" when the label is missing */
	const char		*severity;	/* "" when the label is missing */
	const char		*summary;	/* annotation summary, else message, else "" */
	const char		*am_state;	/* "active", "suppressed", "unprocessed" */
	enum alert_state	 state;
	enum alert_sev		 sev;
	const char		*starts_at;	/* raw RFC 3339, "" if absent */
	const char		*ends_at;
	const char		*updated_at;
	double			 starts;	/* epoch seconds, 0 unknown */
	double			 ends;
	const char		*generator_url;	/* NULL when absent */
	struct alert_pair	*labels;	/* sorted by name, unique */
	size_t			 nlabels;
	struct alert_pair	*annotations;	/* sorted by name, unique */
	size_t			 nannotations;
	const char		**silenced_by;	/* silence ids */
	size_t			 nsilenced_by;
	const char		**inhibited_by;	/* alert fingerprints */
	size_t			 ninhibited_by;
	const char		**muted_by;	/* time interval names */
	size_t			 nmuted_by;
	const char		**receivers;
	size_t			 nreceivers;
	const char		*d_alertname;	/* sanitized display copies */
	const char		*d_summary;
	uint64_t		 raw_hash;	/* of its bytes in the answer, 0 unknown */
	size_t			 index_at;	/* its slot in alert_set.index */
};

/* One line of the pane: the alerts that share alertname and severity. */
struct alert_group {
	size_t			 first;		/* index into alert_set.alerts */
	size_t			 n;
	enum alert_sev		 sev;
	const char		*alertname;	/* raw, from the first alert */
	const char		*severity;
	const char		*d_alertname;
	const char		*d_severity;
	const char		*d_summary;	/* of the oldest alert */
	double			 oldest;	/* earliest startsAt, 0 unknown */
	size_t			 nactive;	/* active or unprocessed */
	size_t			 nsilenced;
	size_t			 ninhibited;	/* inhibited or muted */
	struct alert_pair	*common;	/* labels every alert shares */
	size_t			 ncommon;
};

struct alert_set {
	struct alerts_arena	 arena;
	struct alert		*alerts;	/* group order: sev, severity, alertname, start */
	size_t			 n;
	struct alert_group	*groups;
	size_t			 ngroups;
	size_t			*index;		/* fingerprint hash -> alert index + 1 */
	size_t			 index_cap;
	size_t			 duplicates;	/* dropped: same fingerprint seen before */
	size_t			 malformed;	/* array elements that were not alerts */
	/* Active (or unprocessed) alerts per class, and the suppressed ones. */
	size_t			 ncritical;
	size_t			 nwarning;
	size_t			 nsuppressed;
};

struct silence_matcher {
	const char	*name;
	const char	*value;
	bool		 is_regex;
	bool		 is_equal;
};

struct silence {
	const char		*id;
	const char		*state;		/* "active", "pending", "expired", ... */
	const char		*created_by;
	const char		*comment;
	const char		*starts_at;	/* raw: re-sent unchanged on extend */
	const char		*ends_at;
	const char		*updated_at;
	double			 starts;
	double			 ends;
	struct silence_matcher	*matchers;
	size_t			 nmatchers;
	size_t			 nsilencing;	/* current alerts whose silencedBy names it */
	long			 nwould;	/* pending: alerts it would match now, -1 unknown */
};

struct silence_set {
	struct alerts_arena	 arena;
	struct silence		*v;		/* active, pending, expired; then by end */
	size_t			 n;
};

/* Alertmanager /api/v2/status, the parts the pane shows. */
struct am_status {
	char	cluster[16];	/* "ready", "settling", "disabled" */
	char	version[64];
	int	npeers;
};

void alert_set_free(struct alert_set *set);
void silence_set_free(struct silence_set *set);

/* Look-ups and matching (alerts_model.c). */
const struct alert *alert_set_find(const struct alert_set *set, const char *fingerprint);
const char *alert_label(const struct alert *a, const char *name);
const struct silence *silence_set_find(const struct silence_set *set, const char *id);
/* Group the alerts of a set and fill its counters and fingerprint index;
 * duplicates (same fingerprint) are dropped first.  Called by the parser. */
void alert_set_group(struct alert_set *set);
/* The same when most alerts are those of the previous set, in its (group)
 * order: prev_pos[i] is the position of alert i in the previous set + 1,
 * 0 for an alert new or changed this round (prev_pos is compacted with
 * the alerts).  Only the new ones are sorted, then merged with the kept
 * ones, which are in order already: the same set as alert_set_group(). */
void alert_set_group_merge(struct alert_set *set, size_t *prev_pos, size_t prev_n);
/* Append the labels of a that its group g does not share (all but alertname
 * and severity when a is alone), space-separated k="v" (quoted) or k=v;
 * raw backend text, to be sanitized by the caller's output. */
void alert_own_labels(const struct alert_group *g, const struct alert *a, bool quoted,
    struct strbuf *sb);
/* Fill nsilencing (and nwould for pending silences) from the alerts. */
void silence_set_count(struct silence_set *ss, const struct alert_set *as);

/* Matchers compiled once (regexes with PCRE2, anchored like Alertmanager's). */
struct matcher_prog;
struct matcher_prog *matcher_prog_new(const struct silence_matcher *m, size_t n, char **cause);
bool matcher_prog_match(const struct matcher_prog *p, const struct alert *a);
void matcher_prog_free(struct matcher_prog *p);
/* Indices of every alert of set the matchers select; returns the count. */
size_t alerts_preview(const struct alert_set *set, const struct silence_matcher *m, size_t n,
    size_t **idx);
/* "name=\"value\"" style text of a matcher (raw, quoted like amtool). */
char *silence_matcher_text(const struct silence_matcher *m);
/* One Alertmanager peer of [alertmanager] url. */
struct alerts_peer {
	char	*url;		/* base URL, no trailing slash */
	char	*shown;		/* url_redact()ed, for display, JSON and audit */
	double	 failed_at;	/* wall clock of the last failure, 0 none */
	char	*error;		/* last error, NULL when it answered */
	bool	 tried;		/* asked in the current round */
};

/* What the console knows of the Alertmanager cluster: written by the
 * source, read by the pane, the --once output and the silence actions. */
struct alerts {
	struct alerts_peer	*peers;
	size_t			 npeers;
	struct alert_set	*set;		/* NULL until the first answer */
	struct silence_set	*silences;	/* NULL until the first answer */
	int			 peer;		/* index that answered last, -1 none */
	char			*silences_error;
	struct am_status	 status;
	bool			 have_status;
	int			 status_peer;	/* peer the status belongs to */
	unsigned		 generation;	/* bumped when set or silences change */
	double			 updated;	/* wall clock of the last good answer */
};
/* Add a peer (base URL of len bytes, trailing slashes dropped). */
void alerts_add_peer(struct alerts *al, const char *url, size_t len);
/* Free the peers, sets and messages (not al itself). */
void alerts_clear(struct alerts *al);
/* Peers in the order to ask them: healthy first, config order. */
size_t alerts_peer_order(const struct alerts *al, double now, int *order);

#endif
