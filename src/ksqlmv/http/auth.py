"""Optional HTTP basic authentication in front of any `App`.

Credentials compare in constant time, and the password is held as a `Secret` so it never reaches a
log line or a repr.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from ksqlmv.config import BasicAuth, Secret
from ksqlmv.errors import ConfigError, HttpError
from ksqlmv.http.messages import Answer, App, Request
from ksqlmv.http.routing import ErrorHandler, default_error_handler

__all__ = ["BasicAuthGuard", "parse_credentials"]


def parse_credentials(text: str, source: str = "--auth") -> BasicAuth:
    """Read `user:password` (the password may itself contain colons) into `BasicAuth`."""
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise ConfigError(f"{source} must look like user:password")
    return BasicAuth(user, Secret(password))


class BasicAuthGuard:
    """An `App` that lets a request through to `app` only with the right basic credentials.

    A missing or wrong `Authorization` header gets 401 with a `WWW-Authenticate` challenge, rendered
    by `error_handler` so the body matches the server's error dialect.
    """

    def __init__(
        self,
        app: App,
        credentials: BasicAuth,
        realm: str = "ksqlmv",
        error_handler: ErrorHandler = default_error_handler,
    ) -> None:
        self.app = app
        self.realm = realm
        self.error_handler = error_handler
        user, password = credentials.as_tuple()
        self._expected = b"Basic " + base64.b64encode(f"{user}:{password}".encode())

    def authorized(self, request: Request) -> bool:
        """Whether the request carries exactly the expected credentials."""
        header = request.headers.get("authorization")
        if header is None:
            return False
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            # Re-encode what the client sent so equivalent spellings compare byte for byte.
            decoded = base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(b"Basic " + base64.b64encode(decoded), self._expected)

    async def __call__(self, request: Request) -> Answer:
        if self.authorized(request):
            return await self.app(request)
        challenge = (("WWW-Authenticate", f'Basic realm="{self.realm}"'),)
        return self.error_handler(request, HttpError(401, "Unauthorized", challenge))
