"""Fake Nextcloud: GET /status.php.

state keys "installed", "maintenance", "needsDbUpgrade" (bools) can be set via
POST /__fake/state to produce the maintenance / upgrade cases.
"""


def init(state, ctx):
    state.update({"installed": True, "maintenance": False, "needsDbUpgrade": False})


def handle(req):
    if req.path == "/status.php" and req.method in ("GET", "HEAD"):
        s = req.state
        body = {
            "installed": bool(s.get("installed", True)),
            "maintenance": bool(s.get("maintenance", False)),
            "needsDbUpgrade": bool(s.get("needsDbUpgrade", False)),
            "version": "30.0.4.1",
            "versionstring": "30.0.4",
            "edition": "",
            "productname": "Nextcloud",
            "extendedSupport": False,
        }
        return req.reply_json(body, headers={"Cache-Control": "no-cache, no-store, must-revalidate"})
    return None
