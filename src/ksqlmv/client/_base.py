"""Configuration shared by the sync and async clients."""

from __future__ import annotations

import dataclasses
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx

from ksqlmv.config import BasicAuth, Settings

__all__ = ["DEFAULT_TIMEOUT", "STREAM_TIMEOUT", "ClientOptions"]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=300.0, write=30.0, pool=10.0)
"""Connecting fails within seconds; statements such as ASSERT ... TIMEOUT may take minutes."""

STREAM_TIMEOUT = httpx.Timeout(connect=5.0, read=None, write=30.0, pool=10.0)
"""Push queries may be quiet for a long time; they end when the client or server closes them."""


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Where the server is and how to reach it."""

    url: str
    auth: BasicAuth | None = None
    verify: bool | str | ssl.SSLContext = True
    """True (system CAs), False (no check), a CA file path, or a ready TLS context."""
    cert: str | tuple[str, str] | None = None
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """Extra request headers sent with every request (such as a gateway's token)."""
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> ClientOptions:
        """Options from `Settings` (the environment by default), with keyword overrides."""
        settings = settings or Settings.from_env()
        options = cls(url=settings.ksqldb_url, auth=settings.ksqldb_auth)
        return dataclasses.replace(options, **overrides)

    @classmethod
    def resolve(
        cls, url: str | None, options: ClientOptions | None, overrides: dict[str, Any]
    ) -> ClientOptions:
        """A client's options: `options` when given, else from the environment with `url` (when
        not empty) and the keyword `overrides`."""
        if options is not None:
            return options
        chosen = dict(overrides)
        if url:
            chosen["url"] = url
        return cls.from_settings(None, **chosen)

    def httpx_arguments(self, *, http1: bool = True, http2: bool = False) -> dict[str, Any]:
        """Keyword arguments for `httpx.Client` / `httpx.AsyncClient`."""
        return {
            "base_url": self.url.rstrip("/"),
            "auth": self.auth.as_tuple() if self.auth else None,
            "verify": self._tls_context(),
            "timeout": self.timeout,
            "http1": http1,
            "http2": http2,
            "headers": {"Accept": "application/json", **dict(self.headers)},
        }

    def _tls_context(self) -> ssl.SSLContext | bool:
        if isinstance(self.verify, ssl.SSLContext):
            return self.verify
        if self.verify is True and self.cert is None:
            return True
        if self.verify is False:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            cafile = self.verify if isinstance(self.verify, str) else None
            context = ssl.create_default_context(cafile=cafile)
        if isinstance(self.cert, tuple):
            context.load_cert_chain(*self.cert)
        elif self.cert is not None:
            context.load_cert_chain(self.cert)
        return context
