"""Fake Gitea 1.22 API subset.

  GET  /api/healthz                              pretty JSON, status pass|warn|fail (424)
  GET  /api/v1/version
  GET  /api/v1/repos/{o}/{r}/activities/feeds    a few entries, newest first; page/limit,
                                                 X-Total-Count + Link headers
  GET  /api/v1/repos/{o}/{r}/hooks               one hook (id 1)
  POST /api/v1/repos/{o}/{r}/hooks/{id}/tests    204 (404 for an unknown id)

Auth: if the --state dir holds a file "token", requests under /api/v1/repos/ must
send "Authorization: token <T>" (or Bearer); a wrong token is 401, a missing one
is 401 for hooks and allowed for public feeds (like Gitea with public repos).

State (POST /__fake/state):
  "health": "pass" | "warn" | "fail"
  "repos": ["ceres/infra", ...]      known repositories (others: 404)
  "extra_feeds": [ {activity}, ... ] prepended to every repo's feed
  "hooks": [ {hook}, ... ]           replaces the default hook list
"""

import json
import re
import time

SWAGGER = "http://127.0.0.1/api/swagger"
TZ = "+01:00"


def _ts(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch + 3600)) + TZ


def _user(uid, login, full_name, base):
    return {
        "id": uid, "login": login, "login_name": "", "source_id": 0, "full_name": full_name,
        "email": "%s@noreply.ceres.local" % login, "avatar_url": "%s/avatars/%032x" % (base, uid),
        "html_url": "%s/%s" % (base, login), "language": "", "is_admin": False,
        "last_login": "2026-01-02T10:00:00Z", "created": "2024-05-01T09:00:00Z",
        "restricted": False, "active": True, "prohibit_login": False, "location": "",
        "website": "", "description": "", "visibility": "public", "followers_count": 0,
        "following_count": 0, "starred_repos_count": 0,
    }


def _repo(full, rid, base):
    owner, name = full.split("/", 1)
    return {
        "id": rid, "owner": _user(100 + rid, owner, owner.capitalize(), base), "name": name,
        "full_name": full, "description": "Ceres %s" % name, "empty": False, "private": False,
        "fork": False, "template": False, "parent": None, "mirror": False, "size": 2048,
        "language": "C", "languages_url": "%s/api/v1/repos/%s/languages" % (base, full),
        "html_url": "%s/%s" % (base, full), "url": "%s/api/v1/repos/%s" % (base, full),
        "link": "", "ssh_url": "git@127.0.0.1:%s.git" % full,
        "clone_url": "%s/%s.git" % (base, full), "original_url": "", "website": "",
        "stars_count": 1, "forks_count": 0, "watchers_count": 1, "open_issues_count": 2,
        "open_pr_counter": 1, "release_counter": 1, "default_branch": "main", "archived": False,
        "created_at": "2024-05-01T09:00:00Z", "updated_at": _ts(time.time()),
        "archived_at": "1970-01-01T00:00:00Z",
        "permissions": {"admin": True, "push": True, "pull": True},
        "has_issues": True, "has_wiki": True, "has_pull_requests": True, "has_projects": True,
        "has_releases": True, "has_packages": True, "has_actions": True,
        "default_merge_style": "merge", "object_format_name": "sha1",
        "mirror_interval": "", "mirror_updated": "0001-01-01T00:00:00Z", "repo_transfer": None,
    }


def _rid(full):
    return 10 + sum(full.encode()) % 900


def _feeds(full, t0, base):
    rid = _rid(full)
    repo = _repo(full, rid, base)
    alice = _user(1, "alice", "Alice Ops", base)
    jurgen = _user(7, "jürgen", "Jürgen Weiß 🦊", base)
    sha = "%040x" % (rid * 7919 + 12345)
    commit = {"Sha1": sha, "Message": "fix(%s): rotate logs daily\n" % full.split("/")[1],
              "AuthorEmail": "alice@ceres.local", "AuthorName": "Alice Ops",
              "CommitterEmail": "alice@ceres.local", "CommitterName": "Alice Ops",
              "Timestamp": _ts(t0 - 300)}
    content = json.dumps({"Commits": [commit], "HeadCommit": commit,
                          "CompareURL": "%s/compare/%s...%s" % (full, "0" * 40, sha), "Len": 1},
                         separators=(",", ":"))

    def act(aid, user, op, content, created, ref="", comment=None):
        return {"id": rid * 100 + aid, "user_id": user["id"], "op_type": op,
                "act_user_id": user["id"], "act_user": user, "repo_id": rid, "repo": repo,
                "comment_id": comment["id"] if comment else 0, "comment": comment,
                "ref_name": ref, "is_private": False, "content": content,
                "created": _ts(created)}

    comment = {"id": rid * 10 + 1, "html_url": "%s/%s/issues/42#issuecomment-%d" % (base, full, rid * 10 + 1),
               "pull_request_url": "", "issue_url": "%s/%s/issues/42" % (base, full),
               "user": jurgen, "original_author": "", "original_author_id": 0,
               "body": "Bestätigt – läuft wieder ✅", "assets": [],
               "created_at": _ts(t0 - 3600), "updated_at": _ts(t0 - 3600)}
    return [
        act(4, alice, "commit_repo", content, t0 - 300, ref="refs/heads/main"),
        act(3, alice, "create_pull_request", "43|feat: Loki tail view | follow mode", t0 - 1200),
        act(2, jurgen, "comment_issue", "42|Terminal flackert bei Resize", t0 - 3600, comment=comment),
        act(1, alice, "publish_release", "v1.4.0", t0 - 7200, ref="v1.4.0"),
    ]


DEFAULT_HOOK = {
    "id": 1, "type": "gitea", "branch_filter": "*",
    "config": {"content_type": "json", "http_method": "post", "url": "http://127.0.0.1/hooks/gitea"},
    "events": ["push", "pull_request", "release"], "authorization_header": "", "active": True,
    "updated_at": "2026-01-02T10:00:00Z", "created_at": "2025-11-30T10:00:00Z",
}


def init(state, ctx):
    state["health"] = "pass"
    state["repos"] = None          # None = any owner/repo exists
    state["extra_feeds"] = []
    state["hooks"] = None


def _error(req, status, message):
    return req.reply_json({"message": message, "url": SWAGGER}, status=status)


def _auth(req, required):
    """None if OK, else an error response."""
    want = req.state_file("token")
    if not want:
        return None
    got = req.header("authorization", "")
    m = re.fullmatch(r"(?i)(token|bearer)\s+(\S+)", got.strip())
    if not m:
        return _error(req, 401, "token is required") if required else None
    if m.group(2) != want:
        return _error(req, 401, "user does not exist [uid: 0, name: ]")
    return None


def handle(req):
    p = req.path
    base = req.base_url
    if p == "/api/healthz" and req.method in ("GET", "HEAD"):
        st = req.state.get("health", "pass")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        body = {"status": st, "description": "Gitea: Git with a cup of tea",
                "checks": {"cache:ping": [{"status": "pass", "time": now}],
                           "database:ping": [{"status": "fail" if st == "fail" else "pass", "time": now}]}}
        return 424 if st == "fail" else 200, {"Content-Type": "application/json"}, \
            json.dumps(body, indent=2, ensure_ascii=False).encode()
    if p == "/api/v1/version":
        return req.reply_json({"version": "1.22.0"})
    m = re.fullmatch(r"/api/v1/repos/([^/]+)/([^/]+)(/.*)?", p)
    if not m:
        return None
    full, rest = "%s/%s" % (m.group(1), m.group(2)), m.group(3) or ""
    repos = req.state.get("repos")
    if repos is not None and full not in repos:
        return req.reply_json({"errors": [], "message": "The target couldn't be found.", "url": SWAGGER},
                              status=404)
    if rest == "/activities/feeds" and req.method == "GET":
        err = _auth(req, required=False)
        if err:
            return err
        items = list(req.state.get("extra_feeds") or []) + _feeds(full, int(req.ctx["started"]), base)
        try:
            page = max(1, int(req.query.get("page", "1")))
            limit = int(req.query.get("limit", "30"))
        except ValueError:
            return _error(req, 422, "invalid page or limit")
        limit = 30 if limit <= 0 else min(limit, 50)
        chunk = items[(page - 1) * limit: page * limit]
        last = max(1, (len(items) + limit - 1) // limit)
        link = []
        url = "%s/api/v1/repos/%s/activities/feeds?limit=%d&page=%%d" % (base, full, limit)
        if page < last:
            link += ['<%s>; rel="next"' % (url % (page + 1)), '<%s>; rel="last"' % (url % last)]
        if page > 1:
            link += ['<%s>; rel="first"' % (url % 1), '<%s>; rel="prev"' % (url % (page - 1))]
        h = {"X-Total-Count": str(len(items)),
             "Access-Control-Expose-Headers": "X-Total-Count, Link"}
        if link:
            h["Link"] = ",".join(link)
        return req.reply_json(chunk, headers=h)
    if rest == "/hooks" and req.method == "GET":
        err = _auth(req, required=True)
        if err:
            return err
        hooks = req.state.get("hooks")
        return req.reply_json(hooks if hooks is not None else [DEFAULT_HOOK],
                              headers={"X-Total-Count": "1"})
    mh = re.fullmatch(r"/hooks/(\d+)/tests", rest)
    if mh and req.method == "POST":
        err = _auth(req, required=True)
        if err:
            return err
        hooks = req.state.get("hooks")
        ids = [h.get("id") for h in (hooks if hooks is not None else [DEFAULT_HOOK])]
        if int(mh.group(1)) not in ids:
            return req.reply_json({"errors": [], "message": "The target couldn't be found.",
                                   "url": SWAGGER}, status=404)
        return 204, {}, b""
    return None
