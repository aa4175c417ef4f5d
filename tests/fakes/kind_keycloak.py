"""Fake Keycloak (>= 25).

Main port (--port):
  GET /realms/{realm}/.well-known/openid-configuration   realms "ceres" and "master";
      issuer = http://127.0.0.1:PORT/realms/{realm}; unknown realm -> 404
  GET /realms/{realm}                                    public realm info
Management port (--port2):
  GET /health, /health/ready, /health/live               {"status":"UP","checks":[]}

State (POST /__fake/state):
  "status": "UP" | "DOWN"     DOWN -> 503 on the health endpoints
  "realms": ["ceres", "master"]
"""

import re

ALGS = ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384",
        "ES512", "PS256", "PS512", "RS512"]


def init(state, ctx):
    state["status"] = "UP"
    state["realms"] = ["ceres", "master"]


def _discovery(base, realm):
    iss = "%s/realms/%s" % (base, realm)
    oidc = iss + "/protocol/openid-connect"
    return {
        "issuer": iss,
        "authorization_endpoint": oidc + "/auth",
        "token_endpoint": oidc + "/token",
        "introspection_endpoint": oidc + "/token/introspect",
        "userinfo_endpoint": oidc + "/userinfo",
        "end_session_endpoint": oidc + "/logout",
        "frontchannel_logout_session_supported": True,
        "frontchannel_logout_supported": True,
        "jwks_uri": oidc + "/certs",
        "check_session_iframe": oidc + "/login-status-iframe.html",
        "grant_types_supported": ["authorization_code", "client_credentials", "implicit", "password",
                                  "refresh_token", "urn:ietf:params:oauth:grant-type:device_code",
                                  "urn:ietf:params:oauth:grant-type:token-exchange",
                                  "urn:ietf:params:oauth:grant-type:uma-ticket",
                                  "urn:openid:params:grant-type:ciba"],
        "acr_values_supported": ["0", "1"],
        "response_types_supported": ["code", "none", "id_token", "token", "id_token token",
                                     "code id_token", "code token", "code id_token token"],
        "subject_types_supported": ["public", "pairwise"],
        "prompt_values_supported": ["none", "login", "consent"],
        "id_token_signing_alg_values_supported": ALGS,
        "userinfo_signing_alg_values_supported": ALGS + ["none"],
        "response_modes_supported": ["query", "fragment", "form_post", "query.jwt",
                                     "fragment.jwt", "form_post.jwt", "jwt"],
        "registration_endpoint": iss + "/clients-registrations/openid-connect",
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic",
                                                  "client_secret_post", "tls_client_auth",
                                                  "client_secret_jwt"],
        "claims_supported": ["aud", "sub", "iss", "auth_time", "name", "given_name",
                             "family_name", "preferred_username", "email", "acr"],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": True,
        "scopes_supported": ["openid", "profile", "email", "roles", "web-origins",
                             "offline_access", "address", "phone", "microprofile-jwt",
                             "basic", "acr", "organization"],
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": True,
        "code_challenge_methods_supported": ["plain", "S256"],
        "tls_client_certificate_bound_access_tokens": True,
        "revocation_endpoint": oidc + "/revoke",
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "device_authorization_endpoint": oidc + "/auth/device",
        "pushed_authorization_request_endpoint": oidc + "/ext/par/request",
        "mtls_endpoint_aliases": {"token_endpoint": oidc + "/token",
                                  "revocation_endpoint": oidc + "/revoke",
                                  "introspection_endpoint": oidc + "/token/introspect",
                                  "device_authorization_endpoint": oidc + "/auth/device",
                                  "registration_endpoint": iss + "/clients-registrations/openid-connect",
                                  "userinfo_endpoint": oidc + "/userinfo",
                                  "pushed_authorization_request_endpoint": oidc + "/ext/par/request",
                                  "backchannel_authentication_endpoint": oidc + "/ext/ciba/auth"},
        "authorization_response_iss_parameter_supported": True,
    }


def handle(req):
    if req.method not in ("GET", "HEAD"):
        return None
    main_base = "http://127.0.0.1:%d" % req.ctx["port"]
    if req.is_port2 or req.ctx.get("port2") is None:
        if req.path in ("/health", "/health/ready", "/health/live", "/health/started"):
            st = req.state.get("status", "UP")
            return req.reply_json({"status": st, "checks": []}, status=200 if st == "UP" else 503)
        if req.is_port2:
            return None
    m = re.fullmatch(r"/realms/([^/]+)/\.well-known/openid-configuration", req.path)
    if m:
        if m.group(1) not in (req.state.get("realms") or []):
            return req.reply_json({"error": "Realm does not exist"}, status=404)
        return req.reply_json(_discovery(main_base, m.group(1)))
    m = re.fullmatch(r"/realms/([^/]+)/?", req.path)
    if m:
        if m.group(1) not in (req.state.get("realms") or []):
            return req.reply_json({"error": "Realm does not exist"}, status=404)
        iss = "%s/realms/%s" % (main_base, m.group(1))
        return req.reply_json({"realm": m.group(1), "public_key": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfake",
                               "token-service": iss + "/protocol/openid-connect",
                               "account-service": iss + "/account", "tokens-not-before": 0})
    return None
