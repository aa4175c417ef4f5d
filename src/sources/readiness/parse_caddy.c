/* Caddy admin /config/: walk every HTTP server's routes (subroutes and
 * handle_response routes included) and count the handlers readiness asks
 * about: forward auth (a reverse_proxy that rewrites to an auth endpoint
 * and handles its response, what the forward_auth directive adapts to),
 * rate_limit, encode, load-balanced reverse_proxy; and which servers
 * serve HTTPS. */
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_MAX_DEPTH	64

struct walk {
	struct rd_caddy	*out;
	bool		 server_encodes;
	bool		 has_host;	/* a host matcher not skipped by automatic HTTPS */
	char		 host[64];
	const cJSON	*skip;		/* automatic_https.skip */
};

static void walk_routes(struct walk *w, const cJSON *routes, int depth);

static bool
in_string_array(const cJSON *arr, const char *s)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, arr)
		if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
			return true;
	return false;
}

static const char *
handler_name(const cJSON *h)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(h, "handler");

	return cJSON_IsString(n) ? n->valuestring : "";
}

static void
walk_handler(struct walk *w, const cJSON *h, int depth)
{
	const char *name = handler_name(h);

	if (strcmp(name, "subroute") == 0)
		walk_routes(w, cJSON_GetObjectItemCaseSensitive(h, "routes"), depth + 1);
	else if (strcmp(name, "reverse_proxy") == 0) {
		const cJSON *rw = cJSON_GetObjectItemCaseSensitive(h, "rewrite");
		const cJSON *hr = cJSON_GetObjectItemCaseSensitive(h, "handle_response");
		const cJSON *up = cJSON_GetObjectItemCaseSensitive(h, "upstreams");
		const cJSON *dyn = cJSON_GetObjectItemCaseSensitive(h, "dynamic_upstreams");
		const cJSON *r;

		if (cJSON_IsObject(rw) && cJSON_IsArray(hr) && cJSON_GetArraySize(hr) > 0)
			w->out->forward_auth++;
		else {
			w->out->proxies++;
			if ((cJSON_IsArray(up) && cJSON_GetArraySize(up) >= 2) || cJSON_IsObject(dyn))
				w->out->balanced++;
		}
		cJSON_ArrayForEach(r, hr)
			walk_routes(w, cJSON_GetObjectItemCaseSensitive(r, "routes"), depth + 1);
	} else if (strcmp(name, "rate_limit") == 0)
		w->out->rate_limit++;
	else if (strcmp(name, "encode") == 0) {
		w->out->encode++;
		w->server_encodes = true;
	}
}

static void
note_hosts(struct walk *w, const cJSON *match)
{
	const cJSON *m, *hosts, *hv;

	cJSON_ArrayForEach(m, match) {
		hosts = cJSON_GetObjectItemCaseSensitive(m, "host");
		cJSON_ArrayForEach(hv, hosts) {
			if (!cJSON_IsString(hv) || hv->valuestring[0] == '\0' ||
			    in_string_array(w->skip, hv->valuestring))
				continue;
			if (!w->has_host) {
				char *clean = sanitize_str(hv->valuestring);

				snprintf(w->host, sizeof w->host, "%s", clean);
				free(clean);
			}
			w->has_host = true;
		}
	}
}

static void
walk_routes(struct walk *w, const cJSON *routes, int depth)
{
	const cJSON *r, *h;

	if (!cJSON_IsArray(routes) || depth > WALK_MAX_DEPTH)
		return;
	cJSON_ArrayForEach(r, routes) {
		note_hosts(w, cJSON_GetObjectItemCaseSensitive(r, "match"));
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(r, "handle"))
			walk_handler(w, h, depth);
	}
}

/* A port of a listen address ("127.0.0.1:443", ":443", "tcp/:443"). */
static bool
listens_on(const cJSON *listen, long port)
{
	const cJSON *v;
	char want[16];

	snprintf(want, sizeof want, ":%ld", port);
	cJSON_ArrayForEach(v, listen) {
		const char *s, *c;

		if (!cJSON_IsString(v))
			continue;
		s = v->valuestring;
		c = strrchr(s, ':');
		if (c != NULL && strcmp(c, want) == 0)
			return true;
	}
	return false;
}

static long
port_option(const cJSON *http, const char *key, long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(http, key);

	return cJSON_IsNumber(v) && v->valuedouble > 0 && v->valuedouble < 65536 ? (long)v->valuedouble : def;
}

int
rd_parse_caddy_config(const char *buf, size_t len, struct rd_caddy *out, char **cause)
{
	cJSON *root = json_parse_bounded(buf, len, NULL);
	const cJSON *http, *servers, *srv;
	long http_port, https_port;
	struct rd_fetch keep = out->config;

	/* Every count starts again; the fetch state belongs to the source. */
	memset(out, 0, sizeof *out);
	out->config = keep;
	if (root == NULL) {
		*cause = xstrdup(_("invalid JSON"));
		return -1;
	}
	if (cJSON_IsNull(root)) {
		out->empty = true;
		cJSON_Delete(root);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup(_("not a JSON object"));
		cJSON_Delete(root);
		return -1;
	}
	http = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "apps"), "http");
	http_port = port_option(http, "http_port", 80);
	https_port = port_option(http, "https_port", 443);
	servers = cJSON_GetObjectItemCaseSensitive(http, "servers");
	cJSON_ArrayForEach(srv, servers) {
		const cJSON *ah = cJSON_GetObjectItemCaseSensitive(srv, "automatic_https");
		const cJSON *listen = cJSON_GetObjectItemCaseSensitive(srv, "listen");
		const cJSON *tlsp = cJSON_GetObjectItemCaseSensitive(srv, "tls_connection_policies");
		struct walk w;
		bool https;

		if (!cJSON_IsObject(srv))
			continue;
		memset(&w, 0, sizeof w);
		w.out = out;
		w.skip = cJSON_GetObjectItemCaseSensitive(ah, "skip");
		out->servers++;
		walk_routes(&w, cJSON_GetObjectItemCaseSensitive(srv, "routes"), 0);
		if (w.server_encodes)
			out->encode_servers++;
		/* Explicit TLS, the HTTPS port, or automatic HTTPS for a host
		 * name on a server that is not the plain HTTP port. */
		https = cJSON_IsArray(tlsp) || listens_on(listen, https_port) ||
		    (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ah, "disable")) && w.has_host &&
		    !listens_on(listen, http_port));
		if (https) {
			const cJSON *l0 = cJSON_GetArrayItem(listen, 0);
			char *ln = sanitize_str(cJSON_IsString(l0) ? l0->valuestring : "?");
			char *sn = sanitize_str(srv->string != NULL ? srv->string : "?");

			if (out->https_servers == 0)
				snprintf(out->https_example, sizeof out->https_example, "%s %s%s%s%s", sn, ln,
				    w.host[0] != '\0' ? " (" : "", w.host, w.host[0] != '\0' ? ")" : "");
			out->https_servers++;
			free(ln);
			free(sn);
		}
	}
	cJSON_Delete(root);
	return 0;
}
