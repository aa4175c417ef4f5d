"""Fake Gitea API (the 1.22 shapes, and older servers without activity feeds).

  GET  /api/healthz                              pretty JSON, status pass|warn|fail (424)
  GET  /api/v1/version                           {"version": state "version"}
  GET  /api/v1/repos/{o}/{r}/activities/feeds    every op_type, newest first; page/limit
                                                 (limit capped at 50), X-Total-Count + Link;
                                                 404 when "version" < 1.20 (no feeds API yet)
  GET  /api/v1/users/{u}/activities/feeds        the feeds of every known repo, merged;
                                                 only-performed-by=true: only u's own
  GET  /api/v1/repos/{o}/{r}/commits             Commit objects; stats/files/verification null
                                                 with stat/files/verification=false; X-Total,
                                                 X-Hasmore ... headers; 409 on an empty repo
  GET  /api/v1/repos/{o}/{r}/pulls               state=open|closed|all, sort=recentupdate
  GET  /api/v1/repos/{o}/{r}/releases
  GET  /api/v1/repos/{o}/{r}/hooks               default: one active push hook (id 1)
  POST /api/v1/repos/{o}/{r}/hooks/{id}/tests    204 (404 for an unknown id)

What the feeds hold (times relative to the fake's start, stable between
requests, ids stable too): a push whose content is the JSON-encoded
PushCommits (two commits listed of Len 3, a '|' in a message), a PR whose
title has '|', a comment with a unicode body, a release, an issue closed by
the Ghost user (id -1) whose title has '|' and an escape sequence, a branch
deletion with empty content, a mirror push with empty content, a star with
act_user null, an op_type this client cannot know, and more.

Auth: if the --state dir holds a file "token", requests under /api/v1/repos/
and /api/v1/users/ must send "Authorization: token <T>" (or Bearer) when it
is given: a wrong token is always 401 {"message": ...}; a missing one is
401 for hooks and allowed for feeds and lists (public repositories), unless
state "require_token" is true.

State (POST /__fake/state; POST /__fake/reset restores these defaults):
  "health": "pass" | "warn" | "fail"
  "version": "1.22.0"                 "1.19.4": no feeds API (feeds answer 404)
  "repos": ["ceres/infra", ...]       known repositories (others: 404); null = any
  "empty_repos": ["ceres/empty"]      no commits: /commits is 409, feeds and lists empty
  "history": 0                        extra older filler events per repository (paging)
  "add": [{"op": "comment_issue", "repo": "ceres/infra", "actor": "bob",
           "content": "42|Title", "comment": "text", "ref": "refs/heads/main",
           "created": "RFC3339"}]      more events, newest first; "created" defaults to
                                      the time the fake first saw the entry; a push
                                      may give "message", "sha", "before", "author"
                                      and "email"
  "extra_feeds": [{activity}, ...]    raw Activity objects prepended to every repo's feed
  "hooks": [{hook}, ...]              replaces the default hook list
  "require_token": false
  "base_feed": true                   false: no built-in history, only "add" and
                                      "extra_feeds" (the demo's own story)
"""

import calendar
import json
import re
import time

SWAGGER = "http://127.0.0.1/api/swagger"
TZ_OFFSET = 3600            # the server's zone: +01:00
MAX_ITEMS = 50              # Gitea's MAX_RESPONSE_ITEMS
DEFAULT_LIMIT = 30


def _ts(epoch, offset=TZ_OFFSET):
    sign = "+" if offset >= 0 else "-"
    off = abs(offset)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch + offset)) + \
        "%s%02d:%02d" % (sign, off // 3600, off % 3600 // 60)


def _user(uid, login, full_name, base):
    return {
        "id": uid, "login": login, "login_name": "", "source_id": 0, "full_name": full_name,
        "email": "%s@noreply.ceres.local" % login if uid > 0 else "",
        "avatar_url": "%s/avatars/%032x" % (base, max(uid, 0)),
        "html_url": "%s/%s" % (base, login), "language": "", "is_admin": False,
        "last_login": "2026-01-02T10:00:00Z" if uid > 0 else "1970-01-01T00:00:00Z",
        "created": "2024-05-01T09:00:00Z" if uid > 0 else "1970-01-01T00:00:00Z",
        "restricted": False, "active": True, "prohibit_login": False, "location": "",
        "website": "", "description": "", "visibility": "public", "followers_count": 0,
        "following_count": 0, "starred_repos_count": 0,
    }


def _users(base):
    return {
        "alice": _user(1, "alice", "Alice Ops", base),
        "jürgen": _user(7, "jürgen", "Jürgen Weiß 🦊", base),
        "bob": _user(2, "bob", "Bob Builder", base),
        "Ghost": _user(-1, "Ghost", "", base),
    }


def _rid(full):
    return 10 + sum(full.encode()) % 900


def _repo(full, base, empty=False):
    owner, name = full.split("/", 1)
    rid = _rid(full)
    return {
        "id": rid, "owner": _user(100 + rid, owner, owner.capitalize(), base), "name": name,
        "full_name": full, "description": "Ceres %s" % name, "empty": empty, "private": False,
        "fork": False, "template": False, "parent": None, "mirror": False, "size": 2048,
        "language": "C", "languages_url": "%s/api/v1/repos/%s/languages" % (base, full),
        "html_url": "%s/%s" % (base, full), "url": "%s/api/v1/repos/%s" % (base, full),
        "link": "", "ssh_url": "git@127.0.0.1:%s.git" % full,
        "clone_url": "%s/%s.git" % (base, full), "original_url": "", "website": "",
        "stars_count": 1, "forks_count": 0, "watchers_count": 1, "open_issues_count": 2,
        "open_pr_counter": 1, "release_counter": 1, "default_branch": "main", "archived": False,
        "created_at": "2024-05-01T09:00:00Z", "updated_at": "2026-01-02T10:00:00Z",
        "archived_at": "1970-01-01T00:00:00Z",
        "permissions": {"admin": True, "push": True, "pull": True},
        "has_issues": True, "has_wiki": True, "has_pull_requests": True, "has_projects": True,
        "has_releases": True, "has_packages": True, "has_actions": True,
        "internal_tracker": {"enable_time_tracker": True, "allow_only_contributors_to_track_time": True,
                             "enable_issue_dependencies": True},
        "default_merge_style": "merge", "object_format_name": "sha1",
        "mirror_interval": "", "mirror_updated": "0001-01-01T00:00:00Z", "repo_transfer": None,
    }


def _sha(full, n):
    return "%040x" % ((_rid(full) * 7919 + n * 104729 + 12345) % (1 << 160))


def _commit_meta(full, n, msg, when, author="Alice Ops", email="alice@ceres.local"):
    return {"Sha1": _sha(full, n), "Message": msg, "AuthorEmail": email, "AuthorName": author,
            "CommitterEmail": email, "CommitterName": author, "Timestamp": _ts(when)}


def _comment(cid, full, index, user, body, when, base, pull=False):
    kind = "pulls" if pull else "issues"
    return {"id": cid, "html_url": "%s/%s/%s/%d#issuecomment-%d" % (base, full, kind, index, cid),
            "pull_request_url": "%s/%s/pulls/%d" % (base, full, index) if pull else "",
            "issue_url": "" if pull else "%s/%s/issues/%d" % (base, full, index),
            "user": user, "original_author": "", "original_author_id": 0,
            "body": body, "assets": [], "created_at": _ts(when), "updated_at": _ts(when)}


def _act(aid, user, op, content, when, repo, ref="", comment=None, private=False):
    return {"id": aid, "user_id": user["id"] if user else 0, "op_type": op,
            "act_user_id": user["id"] if user else 0, "act_user": user,
            "repo_id": repo["id"] if repo else 0, "repo": repo,
            "comment_id": comment["id"] if comment else 0, "comment": comment,
            "ref_name": ref, "is_private": private, "content": content, "created": _ts(when)}


def _push_content(full, commits, total, before=None):
    return json.dumps({"Commits": commits, "HeadCommit": commits[0] if commits else None,
                       "CompareURL": "%s/compare/%s...%s" % (full, before or "0" * 40, commits[0]["Sha1"])
                       if commits else "",
                       "Len": total}, separators=(",", ":"), ensure_ascii=False)


def _base_feed(full, t0, base, history):
    """The repository's own history, newest first (ids descending)."""
    rid = _rid(full)
    u = _users(base)
    repo = _repo(full, base)
    name = full.split("/")[1]
    c1 = _commit_meta(full, 1, "fix(%s): rotate logs daily\n\nKeeps 14 days.\n" % name, t0 - 310)
    c2 = _commit_meta(full, 2, "feat: alerts | silences view\n", t0 - 305, "Bob Builder", "bob@ceres.local")
    ev = [
        _act(rid * 1000 + 20, u["alice"], "commit_repo", _push_content(full, [c1, c2], 3), t0 - 300, repo,
             "refs/heads/main"),
        _act(rid * 1000 + 19, u["alice"], "create_pull_request", "43|feat: Loki tail view | follow mode",
             t0 - 1200, repo),
        _act(rid * 1000 + 18, u["jürgen"], "comment_issue", "42|Terminal flackert bei Resize", t0 - 3600, repo,
             comment=_comment(rid * 10 + 1, full, 42, u["jürgen"], "Bestätigt – läuft wieder ✅\nZweite Zeile",
                              t0 - 3600, base)),
        _act(rid * 1000 + 17, u["alice"], "publish_release", "v1.4.0", t0 - 7200, repo, "refs/tags/v1.4.0"),
        _act(rid * 1000 + 16, u["Ghost"], "close_issue", "7|Ünïcödé | pipe \x1b[31mred\x1b[0m 🐛", t0 - 7300, repo),
        _act(rid * 1000 + 15, u["bob"], "merge_pull_request", "41|chore: bump deps", t0 - 7400, repo),
        _act(rid * 1000 + 14, u["jürgen"], "delete_branch", "", t0 - 7500, repo, "refs/heads/feature/ß-umlaut"),
        _act(rid * 1000 + 13, u["alice"], "mirror_sync_push", "", t0 - 7600, repo, "refs/heads/main"),
        _act(rid * 1000 + 12, None, "star_repo", "", t0 - 7700, repo),
        _act(rid * 1000 + 11, u["bob"], "a_future_op_type", "", t0 - 7800, repo, "refs/heads/x"),
        _act(rid * 1000 + 10, u["bob"], "create_issue", "44|Disk full on db01", t0 - 7900, repo),
    ]
    for i in range(history):
        ev.append(_act(rid * 100000 + 10000 - i, u["bob"], "watch_repo" if i % 2 else "push_tag", "",
                       t0 - 8000 - 60 * i, repo, "" if i % 2 else "refs/tags/v0.%d" % i))
    return ev


def _added(req, full, base):
    """Events from state "add", newest first, with stable ids and times."""
    out = []
    u = _users(base)
    stamps = req.state.setdefault("_stamps", {})
    for i, spec in enumerate(req.state.get("add") or []):
        if spec.get("repo", full) != full:
            continue
        key = json.dumps(spec, sort_keys=True)
        with req.lock:
            stamps.setdefault(key, time.time())
        when = stamps[key]
        created = spec.get("created")
        aid = 900000 + i
        actor = u.get(spec.get("actor", "alice")) or _user(50 + i, spec["actor"], spec["actor"], base)
        op = spec.get("op", "commit_repo")
        content = spec.get("content", "")
        if op in ("commit_repo", "mirror_sync_push") and not content:
            cwhen = when
            try:   # the commit's time is the push's when it is given
                cwhen = calendar.timegm(time.strptime(created, "%Y-%m-%dT%H:%M:%SZ")) if created else when
            except (TypeError, ValueError):
                pass
            c = _commit_meta(full, 100 + i, spec.get("message", "push %d\n" % i), cwhen,
                             spec.get("author", "Alice Ops"), spec.get("email", "alice@ceres.local"))
            if spec.get("sha"):
                c["Sha1"] = spec["sha"]
            content = _push_content(full, [c], 1, spec.get("before"))
        comment = None
        if spec.get("comment") is not None:
            idx = int(str(content).split("|", 1)[0] or 0)
            comment = _comment(800000 + i, full, idx, actor, spec["comment"], when, base,
                               pull=op == "comment_pull")
        a = _act(aid, actor, op, content, when, _repo(full, base), spec.get("ref", ""), comment)
        if created:
            a["created"] = created
        out.append(a)
    out.reverse()
    return out


def _feed(req, full, base):
    if full in (req.state.get("empty_repos") or []):
        return []
    t0 = int(req.ctx["started"])
    own = _base_feed(full, t0, base, int(req.state.get("history") or 0)) \
        if req.state.get("base_feed", True) else []
    return list(req.state.get("extra_feeds") or []) + _added(req, full, base) + own


def init(state, ctx):
    state["health"] = "pass"
    state["version"] = "1.22.0"
    state["repos"] = None          # None = any owner/repo exists
    state["empty_repos"] = []
    state["history"] = 0
    state["add"] = []
    state["extra_feeds"] = []
    state["hooks"] = None
    state["require_token"] = False
    state["base_feed"] = True


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
        return _error(req, 401, "token is required") if required or req.state.get("require_token") else None
    if m.group(2) != want:
        return _error(req, 401, "user does not exist [uid: 0, name: ]")
    return None


def _version_tuple(v):
    m = re.search(r"gitea-(\d+)\.(\d+)", v) or re.match(r"v?(\d+)\.(\d+)", v)
    return (int(m.group(1)), int(m.group(2))) if m else (1, 22)


def _page(req, items, path, extra_headers=None):
    """One page of items with Gitea's paging headers."""
    try:
        page = max(1, int(req.query.get("page", "1")))
        limit = int(req.query.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        return _error(req, 422, "invalid page or limit")
    limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_ITEMS)
    chunk = items[(page - 1) * limit: page * limit]
    last = max(1, (len(items) + limit - 1) // limit)
    others = "&".join("%s=%s" % (k, v) for k, v in sorted(req.query.items()) if k not in ("page", "limit"))
    url = "%s%s?%slimit=%d&page=%%d" % (req.base_url, path, others + "&" if others else "", limit)
    link = []
    if page < last:
        link += ['<%s>; rel="next"' % (url % (page + 1)), '<%s>; rel="last"' % (url % last)]
    if page > 1:
        link += ['<%s>; rel="first"' % (url % 1), '<%s>; rel="prev"' % (url % (page - 1))]
    h = {"X-Total-Count": str(len(items)),
         "Access-Control-Expose-Headers": "X-Total-Count, Link"}
    if link:
        h["Link"] = ",".join(link)
    h.update(extra_headers(page, limit, last, len(items)) if extra_headers else {})
    return req.reply_json(chunk, headers=h)


def _commits(req, full, base):
    """Commits of the pushes in the feed, newest first."""
    cheap = {k: req.query.get(k, "true") == "false" for k in ("stat", "files", "verification")}
    out = []
    for a in _feed(req, full, base):
        if a.get("op_type") != "commit_repo" or not a.get("content"):
            continue
        try:
            pc = json.loads(a["content"])
        except ValueError:
            continue
        for c in pc.get("Commits") or []:
            user = _users(base).get("alice") if c["AuthorEmail"].startswith("alice") else None
            out.append({
                "url": "%s/api/v1/repos/%s/git/commits/%s" % (base, full, c["Sha1"]), "sha": c["Sha1"],
                "created": c["Timestamp"], "html_url": "%s/%s/commit/%s" % (base, full, c["Sha1"]),
                "commit": {"url": "", "author": {"name": c["AuthorName"], "email": c["AuthorEmail"],
                                                 "date": c["Timestamp"]},
                           "committer": {"name": c["CommitterName"], "email": c["CommitterEmail"],
                                         "date": c["Timestamp"]},
                           "message": c["Message"], "tree": {"url": "", "sha": "0" * 40, "created": c["Timestamp"]},
                           "verification": None if cheap["verification"] else
                           {"verified": False, "reason": "gpg.error.not_signed_commit", "signature": "",
                            "signer": None, "payload": ""}},
                # null when the e-mail maps to no Gitea account
                "author": user, "committer": user,
                "parents": [{"url": "", "sha": "0" * 40, "created": c["Timestamp"]}],
                "files": None if cheap["files"] else [{"filename": "README", "status": "modified"}],
                "stats": None if cheap["stat"] else {"total": 2, "additions": 1, "deletions": 1},
            })
    return out


def _pulls(req, full, base, t0):
    u = _users(base)
    repo = _repo(full, base)

    def pr(pid, num, title, state, user, created, merged_by=None, merged_at=None, closed_at=None,
           head_repo=True, draft=False):
        return {"id": pid, "url": "%s/api/v1/repos/%s/pulls/%d" % (base, full, num), "number": num,
                "user": user, "title": title, "body": "", "labels": [], "milestone": None, "assignee": None,
                "assignees": None, "requested_reviewers": None, "state": state, "draft": draft,
                "is_locked": False, "comments": 0, "html_url": "%s/%s/pulls/%d" % (base, full, num),
                "diff_url": "", "patch_url": "", "mergeable": True, "merged": merged_at is not None,
                "merged_at": _ts(merged_at) if merged_at else None,
                "merge_commit_sha": "f" * 40 if merged_at else None, "merged_by": merged_by,
                "allow_maintainer_edit": False,
                "base": {"label": "main", "ref": "main", "sha": "1" * 40, "repo_id": repo["id"], "repo": repo},
                "head": {"label": "feature/%d" % num, "ref": "feature/%d" % num, "sha": "2" * 40,
                         "repo_id": repo["id"] if head_repo else 0, "repo": repo if head_repo else None},
                "merge_base": "3" * 40, "due_date": None, "created_at": _ts(created),
                "updated_at": _ts(merged_at or closed_at or created),
                "closed_at": _ts(closed_at) if closed_at else None, "pin_order": 0}
    items = [pr(_rid(full) * 10 + 3, 43, "feat: Loki tail view | follow mode", "open", u["alice"], t0 - 1200),
             pr(_rid(full) * 10 + 2, 41, "chore: bump deps", "closed", u["bob"], t0 - 9000,
                merged_by=u["bob"], merged_at=t0 - 7400, closed_at=t0 - 7400, head_repo=False),
             pr(_rid(full) * 10 + 1, 40, "wip: experiment", "closed", u["jürgen"], t0 - 9900,
                closed_at=t0 - 9500, draft=True)]
    state = req.query.get("state", "open")
    if state != "all":
        items = [p for p in items if p["state"] == state]
    return items


def _releases(req, full, base, t0):
    u = _users(base)
    return [{"id": _rid(full) * 10 + 1, "tag_name": "v1.4.0", "target_commitish": "main", "name": "v1.4.0",
             "body": "## Changes\n- Loki panel\n", "url": "%s/api/v1/repos/%s/releases/1" % (base, full),
             "html_url": "%s/%s/releases/tag/v1.4.0" % (base, full), "tarball_url": "", "zipball_url": "",
             "upload_url": "", "draft": False, "prerelease": False, "created_at": _ts(t0 - 7200),
             "published_at": _ts(t0 - 7200), "author": u["alice"], "assets": []}]


DEFAULT_HOOK = {
    "id": 1, "type": "gitea", "branch_filter": "*",
    "config": {"content_type": "json", "http_method": "post", "url": "http://127.0.0.1/hooks/gitea"},
    "events": ["push", "pull_request", "release"], "authorization_header": "", "active": True,
    "updated_at": "2026-01-02T10:00:00Z", "created_at": "2025-11-30T10:00:00Z",
}


def _known(req):
    repos = req.state.get("repos")
    return repos if repos is not None else ["ceres/infra", "ceres/app"]


def handle(req):
    p = req.path
    base = req.base_url
    t0 = int(req.ctx["started"])
    if p == "/api/healthz" and req.method in ("GET", "HEAD"):
        st = req.state.get("health", "pass")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        body = {"status": st, "description": "Gitea: Git with a cup of tea",
                "checks": {"cache:ping": [{"status": "pass", "time": now}],
                           "database:ping": [{"status": "fail" if st == "fail" else "pass", "time": now}]}}
        return 424 if st == "fail" else 200, {"Content-Type": "application/json"}, \
            json.dumps(body, indent=2, ensure_ascii=False).encode()
    if p == "/api/v1/version":
        return req.reply_json({"version": req.state.get("version", "1.22.0")})
    has_feeds = _version_tuple(req.state.get("version", "1.22.0")) >= (1, 20)
    mu = re.fullmatch(r"/api/v1/users/([^/]+)/activities/feeds", p)
    if mu and req.method == "GET":
        if not has_feeds:
            return None
        err = _auth(req, required=False)
        if err:
            return err
        items = []
        for full in _known(req):
            items += _feed(req, full, base)
        if req.query.get("only-performed-by") == "true":
            items = [a for a in items if (a.get("act_user") or {}).get("login") == mu.group(1)]
        items.sort(key=lambda a: -a["id"])
        return _page(req, items, p)
    m = re.fullmatch(r"/api/v1/repos/([^/]+)/([^/]+)(/.*)?", p)
    if not m:
        return None
    full, rest = "%s/%s" % (m.group(1), m.group(2)), m.group(3) or ""
    repos = req.state.get("repos")
    if repos is not None and full not in repos and full not in (req.state.get("empty_repos") or []):
        return req.reply_json({"errors": [], "message": "The target couldn't be found.", "url": SWAGGER},
                              status=404)
    empty = full in (req.state.get("empty_repos") or [])
    if req.method == "GET" and rest in ("/activities/feeds", "/commits", "/pulls", "/releases"):
        if rest == "/activities/feeds" and not has_feeds:
            return None     # the route does not exist before 1.20
        err = _auth(req, required=False)
        if err:
            return err
        if rest == "/activities/feeds":
            return _page(req, _feed(req, full, base), p)
        if rest == "/commits":
            if empty:
                return _error(req, 409, "Git Repository is empty.")

            def commit_headers(page, limit, last, total):
                return {"X-Total": str(total), "X-Page": str(page), "X-Perpage": str(limit),
                        "X-Pagecount": str(last), "X-Hasmore": "true" if page < last else "false"}
            return _page(req, _commits(req, full, base), p, commit_headers)
        if rest == "/pulls":
            return _page(req, [] if empty else _pulls(req, full, base, t0), p)
        return _page(req, [] if empty else _releases(req, full, base, t0), p)
    if rest == "/hooks" and req.method == "GET":
        err = _auth(req, required=True)
        if err:
            return err
        hooks = req.state.get("hooks")
        hooks = hooks if hooks is not None else [DEFAULT_HOOK]
        return req.reply_json(hooks, headers={"X-Total-Count": str(len(hooks))})
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
