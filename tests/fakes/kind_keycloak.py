"""Fake Keycloak (>= 25).

Main port (--port):
  GET /realms/{realm}/.well-known/openid-configuration   realms "ceres" and "master";
      issuer = http://127.0.0.1:PORT/realms/{realm}; unknown realm -> 404
  GET /realms/{realm}                                    public realm info
Management port (--port2):
  GET /health, /health/ready, /health/live               {"status":"UP","checks":[]}

Admin REST API (main port), "Authorization: Bearer <admin_token>" required:
  GET /admin/realms/{realm}                              RealmRepresentation subset
      (bruteForceProtected, otpPolicy*, browserFlow)
  GET /admin/realms/{realm}/authentication/required-actions
  GET /admin/realms/{realm}/authentication/flows/{alias}/executions
      the default browser flow (OTP only in the "Conditional OTP" sub-flow), or with
      otp_required the OTP Form REQUIRED in the forms sub-flow
  GET /admin/realms/{realm}/clients
  No or another token -> 401 {"error":"HTTP 401 Unauthorized"}; "admin_forbidden" -> 403;
  unknown realm -> 404; unknown flow alias -> 404.
  POST /realms/{realm}/protocol/openid-connect/token   client credentials grant (form body
      grant_type=client_credentials&client_id=..&client_secret=..): the service client of
      the state gets {"access_token": <admin_token>, "expires_in": 60, ...}; a wrong client
      -> 401 {"error":"unauthorized_client",...}; another grant -> 400 unsupported_grant_type

State (POST /__fake/state):
  "status": "UP" | "DOWN"     DOWN -> 503 on the health endpoints
  "realms": ["ceres", "master"]
  "admin_token": "ceres-admin-token"   the bearer token the admin API accepts
                                       (a file "admin_token" in the --state dir wins)
  "admin_forbidden": false
  "brute_force": false        bruteForceProtected (Keycloak's default is off)
  "totp_default": false       CONFIGURE_TOTP as a default required action
  "totp_enabled": true
  "otp_required": false       browser flow enforces the OTP form for everyone
  "browser_flow": "browser"
  "service_client": {"id": "ceres-top", "secret": "ceres-top-secret"}
  "clients": [...]            clientIds of the realm (Keycloak's own + the apps the
                              seed has on SSO: grafana, gitea, nextcloud, wikijs)
"""

import re

ALGS = ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384",
        "ES512", "PS256", "PS512", "RS512"]


BUILTIN_CLIENTS = ["account", "account-console", "admin-cli", "broker", "realm-management",
                   "security-admin-console"]


def init(state, ctx):
    state["status"] = "UP"
    state["realms"] = ["ceres", "master"]
    state["admin_token"] = "ceres-admin-token"
    state["admin_forbidden"] = False
    state["brute_force"] = False
    state["totp_default"] = False
    state["totp_enabled"] = True
    state["otp_required"] = False
    state["browser_flow"] = "browser"
    state["clients"] = BUILTIN_CLIENTS + ["grafana", "gitea", "nextcloud", "wikijs"]
    state["service_client"] = {"id": "ceres-top", "secret": "ceres-top-secret"}


def _token(req, realm):
    import urllib.parse
    form = urllib.parse.parse_qs(req.text, keep_blank_values=True)
    one = {k: v[-1] for k, v in form.items()}
    if realm not in (req.state.get("realms") or []):
        return req.reply_json({"error": "Realm does not exist"}, status=404)
    if one.get("grant_type") != "client_credentials":
        return req.reply_json({"error": "unsupported_grant_type",
                               "error_description": "Unsupported grant_type"}, status=400)
    sc = req.state.get("service_client") or {}
    if one.get("client_id") != sc.get("id") or one.get("client_secret") != sc.get("secret"):
        return req.reply_json({"error": "unauthorized_client",
                               "error_description": "Invalid client or Invalid client credentials"},
                              status=401)
    return req.reply_json({"access_token": req.state_file("admin_token") or req.state.get("admin_token"),
                           "expires_in": 60, "refresh_expires_in": 0, "token_type": "Bearer",
                           "not-before-policy": 0, "scope": "profile email"})


def _admin_auth(req):
    """None when the bearer token is accepted, else the error answer."""
    want = req.state_file("admin_token") or req.state.get("admin_token")
    got = req.header("authorization", "").strip()
    m = re.fullmatch(r"(?i)bearer\s+(\S+)", got)
    if not want or not m or m.group(1) != want:
        return req.reply_json({"error": "HTTP 401 Unauthorized"}, status=401)
    if req.state.get("admin_forbidden"):
        return req.reply_json({"error": "HTTP 403 Forbidden"}, status=403)
    return None


def _action(alias, name, prio, enabled=True, default=False):
    return {"alias": alias, "name": name, "providerId": alias, "enabled": enabled,
            "defaultAction": default, "priority": prio, "config": {}}


def _execution(eid, req_, name, level, index, provider=None):
    e = {"id": "exec-%d" % eid, "requirement": req_, "displayName": name,
         "requirementChoices": ["REQUIRED", "ALTERNATIVE", "DISABLED"], "configurable": False,
         "level": level, "index": index, "priority": (index + 1) * 10}
    if provider is None:
        e["authenticationFlow"] = True
        e["flowId"] = "flow-%d" % eid
    else:
        e["providerId"] = provider
    return e


def _browser_executions(otp_required):
    ex = [_execution(1, "ALTERNATIVE", "Cookie", 0, 0, "auth-cookie"),
          _execution(2, "DISABLED", "Kerberos", 0, 1, "auth-spnego"),
          _execution(3, "ALTERNATIVE", "Identity Provider Redirector", 0, 2, "identity-provider-redirector"),
          _execution(4, "ALTERNATIVE", "forms", 0, 3),
          _execution(5, "REQUIRED", "Username Password Form", 1, 0, "auth-username-password-form")]
    if otp_required:
        ex.append(_execution(6, "REQUIRED", "OTP Form", 1, 1, "auth-otp-form"))
    else:
        ex += [_execution(7, "CONDITIONAL", "Browser - Conditional OTP", 1, 1),
               _execution(8, "REQUIRED", "Condition - user configured", 2, 0, "conditional-user-configured"),
               _execution(9, "REQUIRED", "OTP Form", 2, 1, "auth-otp-form")]
    return ex


def _admin(req, realm, rest):
    err = _admin_auth(req)
    if err:
        return err
    st = req.state
    if realm not in (st.get("realms") or []):
        return req.reply_json({"error": "Realm not found."}, status=404)
    if rest == "":
        return req.reply_json({
            "id": "f3c2a1b0-9d8e-4f7a-8b6c-%012x" % (sum(realm.encode()) * 7919),
            "realm": realm, "displayName": "Ceres – Betrieb", "enabled": True,
            "otpPolicyType": "totp", "otpPolicyAlgorithm": "HmacSHA1", "otpPolicyInitialCounter": 0,
            "otpPolicyDigits": 6, "otpPolicyLookAheadWindow": 1, "otpPolicyPeriod": 30,
            "otpPolicyCodeReusable": False,
            "otpSupportedApplications": ["totpAppFreeOTPName", "totpAppGoogleName"],
            "requiredActions": None, "browserFlow": st.get("browser_flow", "browser"),
            "bruteForceProtected": bool(st.get("brute_force")), "failureFactor": 30})
    if rest == "/authentication/required-actions":
        return req.reply_json([
            _action("CONFIGURE_TOTP", "Configure OTP", 10, bool(st.get("totp_enabled", True)),
                    bool(st.get("totp_default"))),
            _action("TERMS_AND_CONDITIONS", "Terms and Conditions", 20, False),
            _action("UPDATE_PASSWORD", "Update Password", 30),
            _action("UPDATE_PROFILE", "Update Profile", 40),
            _action("VERIFY_EMAIL", "Verify Email", 50),
            _action("webauthn-register", "Webauthn Register", 70)])
    m = re.fullmatch(r"/authentication/flows/([^/]+)/executions", rest)
    if m:
        if m.group(1) != st.get("browser_flow", "browser"):
            return req.reply_json({"error": "Could not find flow with alias"}, status=404)
        return req.reply_json(_browser_executions(bool(st.get("otp_required"))))
    if rest == "/clients":
        return req.reply_json([{"id": "c%04d" % i, "clientId": c, "enabled": True,
                                "protocol": "openid-connect", "publicClient": c.endswith("console")}
                               for i, c in enumerate(st.get("clients") or [])])
    return None


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
    m = re.fullmatch(r"/realms/([^/]+)/protocol/openid-connect/token", req.path)
    if m and req.method == "POST" and not req.is_port2:
        return _token(req, m.group(1))
    if req.method not in ("GET", "HEAD"):
        return None
    main_base = "http://127.0.0.1:%d" % req.ctx["port"]
    if req.is_port2 or req.ctx.get("port2") is None:
        if req.path in ("/health", "/health/ready", "/health/live", "/health/started"):
            st = req.state.get("status", "UP")
            return req.reply_json({"status": st, "checks": []}, status=200 if st == "UP" else 503)
        if req.is_port2:
            return None
    m = re.fullmatch(r"/admin/realms/([^/]+)(/.*)?", req.path)
    if m:
        return _admin(req, m.group(1), m.group(2) or "")
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
