"""Bluesky (AT Protocol XRPC): a service URL, a handle and an app password.

Calls used: com.atproto.server.createSession / refreshSession / getSession, com.atproto.repo.
uploadBlob, createRecord (with our own `rkey`) and getRecord. Errors are JSON
`{"error": "<Name>", "message": "..."}`; an expired access token answers 400 `ExpiredToken`.

Idempotency comes from the record key: the same idempotency key always names the same record, so
a retry cannot create a second post. Creating a record whose key exists fails (the reference PDS
answers 500), which is why any failure of createRecord is followed by a getRecord: if the record is
there, the earlier attempt went through and this one counts as success.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import requests
from PIL import Image, UnidentifiedImageError

from scheduler.links.i18n import gettext as _

from .base import (
    Adapter,
    AdapterError,
    Identity,
    MediaItem,
    PermanentError,
    PublishRequest,
    PublishResult,
    Recorder,
    UnknownOutcomeError,
    network_time,
)
from .bluesky_records import post_record, rkey_for
from .http import DEFAULT_TIMEOUT, HttpCaller, json_object, require_safe_url
from .sessions import DEFAULT_SESSION_STORE, SessionStore

POST_COLLECTION = "app.bsky.feed.post"
MAX_IMAGES = 4
PUBLIC_APP_URL = "https://bsky.app"
_TOKEN_ERRORS = {"ExpiredToken", "InvalidToken"}


class BlueskyAdapter(Adapter):
    network = "bluesky"

    def __init__(
        self,
        *,
        handle: str,
        app_password: str,
        service_url: str = "https://bsky.social",
        session_store: SessionStore | None = None,
        recorder: Recorder | None = None,
        allow_hosts: Iterable[str] = (),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        langs: Iterable[str] = (),
    ) -> None:
        require_safe_url(service_url, allow_hosts=allow_hosts, network="Bluesky")
        self.service_url = service_url.rstrip("/")
        self.handle = handle.lstrip("@")
        self.langs = list(langs)
        self._password = app_password
        self._store = session_store if session_store is not None else DEFAULT_SESSION_STORE
        fingerprint = hashlib.sha256(
            f"{self.service_url}\n{self.handle}\n{app_password}".encode()
        ).hexdigest()
        self._store_key = f"pauta:bluesky:session:{fingerprint[:32]}"
        self._http = HttpCaller(
            network="Bluesky",
            recorder=recorder,
            secrets=[app_password],
            timeout=timeout,
            allow_hosts=allow_hosts,
        )

    def verify_identity(self) -> Identity:
        body = self._xrpc("GET", "com.atproto.server.getSession", what=_("the identity check")).json()
        return Identity(
            account_id=body["did"], handle=body.get("handle", ""), display_name=body.get("handle", "")
        )

    def warm_up(self) -> None:
        """A session that is cached and not expired: created or renewed here, once, rather than by every
        thread of a burst at the same moment (a refresh token is good for one renewal only, and session
        creation is rate-limited)."""
        self._xrpc("GET", "com.atproto.server.getSession", what=_("the identity check"))

    def publish(self, req: PublishRequest) -> PublishResult:
        if len(req.media) > MAX_IMAGES:
            raise PermanentError(
                _("Bluesky accepts at most %(count)d images per post") % {"count": MAX_IMAGES}
            )
        images = [self._upload(item) for item in req.media]
        record = post_record(text=req.text, links=req.links, images=images, langs=self.langs)
        rkey = rkey_for(req.idempotency_key)
        body = {"repo": self._session()["did"], "collection": POST_COLLECTION, "rkey": rkey, "record": record}
        try:
            response = self._xrpc(
                "POST",
                "com.atproto.repo.createRecord",
                what=_("the post"),
                unsafe=True,
                json=body,
                check=False,
            )
        except UnknownOutcomeError:
            found = self._read_back_quietly(rkey)
            if found is None:
                raise
            return self._result(rkey, _("the earlier attempt had published it"), found)
        found = self._read_back_quietly(rkey) if _may_already_exist(response) else None
        if found is not None:
            return self._result(rkey, _("already published under the same record key"), found)
        self._raise_for_status(response, what=_("the post"))
        return self._result(rkey, self._http.summarize(response))

    def find_published(
        self, idempotency_key: str, *, since: datetime | None = None, text: str = ""
    ) -> PublishResult | None:
        rkey = rkey_for(idempotency_key)
        found = self._read_back(rkey)
        if found is None:
            return None
        return self._result(rkey, _("found by its record key"), found)

    def _read_back(self, rkey: str) -> dict[str, Any] | None:
        params = {"repo": self._session()["did"], "collection": POST_COLLECTION, "rkey": rkey}
        response = self._xrpc(
            "GET", "com.atproto.repo.getRecord", what=_("the post"), params=params, check=False
        )
        if response.status_code == 400 and _error_name(response) == "RecordNotFound":
            return None
        self._raise_for_status(response, what=_("the post"))
        return response.json()

    def _read_back_quietly(self, rkey: str) -> dict[str, Any] | None:
        """After a failed create, a failed read-back must not hide the create's own error."""
        try:
            return self._read_back(rkey)
        except AdapterError:
            return None

    def _upload(self, item: MediaItem) -> dict[str, Any]:
        what = _("the image %(name)s") % {"name": item.filename}
        response = self._xrpc(
            "POST",
            "com.atproto.repo.uploadBlob",
            what=what,
            data=item.data,
            headers={"Content-Type": item.mime_type},
        )
        image: dict[str, Any] = {"alt": item.alt_text, "image": response.json()["blob"]}
        with (
            contextlib.suppress(UnidentifiedImageError, OSError),
            Image.open(io.BytesIO(item.data)) as picture,
        ):
            image["aspectRatio"] = {"width": picture.width, "height": picture.height}
        return image

    def _result(self, rkey: str, summary: str, found: dict[str, Any] | None = None) -> PublishResult:
        """`found` is the record read back (getRecord's answer): its `createdAt`, written by the attempt that
        created it, is when that post went public if this was a replay (`PublishResult.public_since`)."""
        session = self._session()
        return PublishResult(
            remote_id=f"at://{session['did']}/{POST_COLLECTION}/{rkey}",
            url=f"{PUBLIC_APP_URL}/profile/{session.get('handle') or self.handle}/post/{rkey}",
            raw_summary=summary,
            created_at=_created_at(found),
        )

    def _xrpc(
        self,
        method: str,
        nsid: str,
        *,
        what: str,
        unsafe: bool = False,
        check: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """An authenticated call; a rejected token is renewed once and the call repeated."""
        session = self._session()
        for attempt in range(2):
            auth = {"Authorization": f"Bearer {session['accessJwt']}", **(headers or {})}
            response = self._http.call(method, self._url(nsid), unsafe=unsafe, headers=auth, **kwargs)
            if attempt == 0 and response.status_code in (400, 401) and _error_name(response) in _TOKEN_ERRORS:
                session = self._renew(session)
                continue
            break
        if check:
            self._raise_for_status(response, what=what)
        return response

    def _session(self) -> dict[str, Any]:
        session = self._store.get(self._store_key)
        if session is None:
            session = self._create_session()
        self._http.add_secret(session.get("accessJwt"))
        self._http.add_secret(session.get("refreshJwt"))
        return session

    def _create_session(self) -> dict[str, Any]:
        response = self._http.call(
            "POST",
            self._url("com.atproto.server.createSession"),
            json={"identifier": self.handle, "password": self._password},
        )
        self._http.raise_for_status(
            response,
            subject=_("the handle or app password"),
            what=_("the login"),
            detail=_error_detail(response),
        )
        return self._keep(response.json())

    def _renew(self, session: dict[str, Any]) -> dict[str, Any]:
        response = self._http.call(
            "POST",
            self._url("com.atproto.server.refreshSession"),
            headers={"Authorization": f"Bearer {session['refreshJwt']}"},
        )
        if response.status_code in (400, 401):
            return self._create_session()
        self._raise_for_status(response, what=_("the session renewal"))
        return self._keep({**session, **response.json()})

    def _keep(self, body: dict[str, Any]) -> dict[str, Any]:
        session = {key: body.get(key) for key in ("accessJwt", "refreshJwt", "did", "handle")}
        self._http.add_secret(session["accessJwt"])
        self._http.add_secret(session["refreshJwt"])
        self._store.set(self._store_key, session)
        return session

    def _raise_for_status(self, response: requests.Response, *, what: str) -> None:
        self._http.raise_for_status(
            response, subject=_("access for this account"), what=what, detail=_error_detail(response)
        )

    def _url(self, nsid: str) -> str:
        return f"{self.service_url}/xrpc/{nsid}"


def _created_at(found: dict[str, Any] | None) -> datetime | None:
    value = found.get("value") if found else None
    return network_time(value.get("createdAt")) if isinstance(value, dict) else None


def _may_already_exist(response: requests.Response) -> bool:
    """A duplicate record key is reported as 500 by the reference PDS, as a conflict elsewhere."""
    status = response.status_code
    return status >= 500 or status == 409 or (status == 400 and "exist" in _error_detail(response).lower())


def _error_name(response: requests.Response) -> str:
    return str(json_object(response).get("error", ""))


def _error_detail(response: requests.Response) -> str:
    body = json_object(response)
    return str(body.get("message") or body.get("error") or "")
