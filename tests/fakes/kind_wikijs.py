"""Fake Wiki.js: GET / returns an HTML page (200)."""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Ceres Wiki</title></head>
<body><div id="root">Wiki.js (fake) &mdash; Ceres runbooks</div></body>
</html>
"""


def handle(req):
    if req.method in ("GET", "HEAD") and req.path in ("/", "/healthz"):
        return req.reply_text(PAGE, content_type="text/html; charset=utf-8")
    return None
