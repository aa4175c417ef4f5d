/* Keycloak answers readiness reads: the realm's OIDC discovery document
 * (public), and with an admin token the realm representation (brute
 * force, OTP policy, browser flow), the required actions (CONFIGURE_TOTP),
 * the browser flow's executions (is an OTP or WebAuthn step REQUIRED on
 * every path, or only for users who configured it?) and the clients. */
#include "ceres/util/i18n.h"
#include "ceres/sources/readiness.h"
#include "ceres/util/sanitize.h"
#include "ceres/util/json.h"
#include "ceres/util/util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KC_MAX_CLIENTS	10000
#define KC_MAX_LEVEL	32

static const char *
str_item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *
parse_kind(const char *buf, size_t len, bool array, char **cause)
{
	cJSON *j = json_parse_bounded(buf, len, NULL);

	if (j == NULL || (array ? !cJSON_IsArray(j) : !cJSON_IsObject(j))) {
		*cause = xstrdup(j == NULL ? _("invalid JSON") :
		    array ? _("expected a JSON array") : _("expected a JSON object"));
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}


int
rd_parse_kc_discovery(const char *buf, size_t len, const char *realm, struct rd_keycloak *out,
    char **cause)
{
	cJSON *j = parse_kind(buf, len, false, cause);
	const char *iss;
	const cJSON *m, *v;
	size_t n;

	if (j == NULL)
		return -1;
	iss = str_item(j, "issuer");
	if (iss == NULL) {
		*cause = xstrdup(_("no issuer in the discovery document"));
		cJSON_Delete(j);
		return -1;
	}
	/* The issuer reflects the frontend URL; only its realm part is ours
	 * to compare. */
	n = strlen(iss);
	while (n > 0 && iss[n - 1] == '/')
		n--;
	if (realm != NULL) {
		size_t rl = strlen(realm);

		if (n < rl + 8 || strncmp(iss + n - rl, realm, rl) != 0 ||
		    strncmp(iss + n - rl - 8, "/realms/", 8) != 0) {
			char *clean = sanitize_str(iss);

			*cause = xasprintf(_("issuer %s is not realm %s"), clean, realm);
			free(clean);
			cJSON_Delete(j);
			return -1;
		}
	}
	free(out->issuer);
	out->issuer = sanitize_text(iss, n);
	out->code_flow = str_item(j, "authorization_endpoint") != NULL &&
	    str_item(j, "token_endpoint") != NULL;
	out->pkce_s256 = false;
	m = cJSON_GetObjectItemCaseSensitive(j, "code_challenge_methods_supported");
	cJSON_ArrayForEach(v, m)
		if (cJSON_IsString(v) && strcmp(v->valuestring, "S256") == 0)
			out->pkce_s256 = true;
	cJSON_Delete(j);
	return 0;
}

int
rd_parse_kc_realm(const char *buf, size_t len, struct rd_keycloak *out, char **cause)
{
	cJSON *j = parse_kind(buf, len, false, cause);
	const cJSON *bf;
	const char *s;

	if (j == NULL)
		return -1;
	bf = cJSON_GetObjectItemCaseSensitive(j, "bruteForceProtected");
	out->brute_force = cJSON_IsBool(bf) ? cJSON_IsTrue(bf) : -1;
	free(out->otp_type);
	out->otp_type = (s = str_item(j, "otpPolicyType")) != NULL ? sanitize_str(s) : NULL;
	free(out->browser_flow);
	out->browser_flow = (s = str_item(j, "browserFlow")) != NULL ? sanitize_str(s) : NULL;
	cJSON_Delete(j);
	return 0;
}

int
rd_parse_kc_actions(const char *buf, size_t len, struct rd_keycloak *out, char **cause)
{
	cJSON *j = parse_kind(buf, len, true, cause);
	const cJSON *a;

	if (j == NULL)
		return -1;
	out->totp_enabled = out->totp_default = -1;
	cJSON_ArrayForEach(a, j) {
		const char *alias = str_item(a, "alias"), *pid = str_item(a, "providerId");

		if ((alias != NULL && strcmp(alias, "CONFIGURE_TOTP") == 0) ||
		    (pid != NULL && strcmp(pid, "CONFIGURE_TOTP") == 0)) {
			out->totp_enabled = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "enabled"));
			out->totp_default = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "defaultAction"));
		}
	}
	cJSON_Delete(j);
	return 0;
}

static bool
is_mfa_step(const char *pid)
{
	return pid != NULL && (strcmp(pid, "auth-otp-form") == 0 ||
	    strcmp(pid, "auth-conditional-otp-form") == 0 ||
	    strcmp(pid, "webauthn-authenticator") == 0 ||
	    strcmp(pid, "auth-recovery-authn-code-form") == 0);
}

/* Executions come flattened, parents first, with a level.  An MFA step is
 * enforced when it is REQUIRED and no enclosing subflow is CONDITIONAL
 * or DISABLED; under a conditional subflow it only asks users who set
 * OTP up themselves. */
int
rd_parse_kc_flow(const char *buf, size_t len, struct rd_keycloak *out, char **cause)
{
	cJSON *j = parse_kind(buf, len, true, cause);
	const cJSON *e;
	char req[KC_MAX_LEVEL][16];
	int best = 0;

	if (j == NULL)
		return -1;
	memset(req, 0, sizeof req);
	cJSON_ArrayForEach(e, j) {
		const cJSON *lv = cJSON_GetObjectItemCaseSensitive(e, "level");
		const char *r = str_item(e, "requirement"), *pid = str_item(e, "providerId");
		int level = cJSON_IsNumber(lv) && lv->valuedouble >= 0 && lv->valuedouble < KC_MAX_LEVEL ?
		    (int)lv->valuedouble : 0;
		bool gated = false;

		if (r == NULL)
			r = "";
		snprintf(req[level], sizeof req[level], "%s", r);
		for (int l = level + 1; l < KC_MAX_LEVEL; l++)
			req[l][0] = '\0';
		if (!is_mfa_step(pid) || strcmp(r, "DISABLED") == 0)
			continue;
		for (int l = 0; l < level; l++)
			if (strcmp(req[l], "CONDITIONAL") == 0 || strcmp(req[l], "DISABLED") == 0)
				gated = true;
		if (strcmp(pid, "auth-conditional-otp-form") == 0)
			gated = true;	/* its own config decides who is asked */
		if (strcmp(r, "REQUIRED") == 0 && !gated)
			best = 2;
		else if (best < 1)
			best = 1;
	}
	out->otp_in_flow = best;
	cJSON_Delete(j);
	return 0;
}

int
rd_parse_kc_clients(const char *buf, size_t len, struct rd_keycloak *out, char **cause)
{
	cJSON *j = parse_kind(buf, len, true, cause);
	const cJSON *c;

	if (j == NULL)
		return -1;
	for (size_t i = 0; i < out->nclient; i++)
		free(out->client[i]);
	free(out->client);
	out->client = NULL;
	out->nclient = 0;
	cJSON_ArrayForEach(c, j) {
		const char *id = str_item(c, "clientId");
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(c, "enabled");

		if (id == NULL || cJSON_IsFalse(en) || out->nclient >= KC_MAX_CLIENTS)
			continue;
		out->client = xreallocarray(out->client, out->nclient + 1, sizeof *out->client);
		out->client[out->nclient++] = sanitize_str(id);
	}
	cJSON_Delete(j);
	return 0;
}
