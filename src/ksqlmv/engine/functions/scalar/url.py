"""URL functions: the URL_EXTRACT_* family and URL_ENCODE_PARAM / URL_DECODE_PARAM.

URLs parse as `java.net.URI` parses them (RFC 2396): illegal characters such as spaces fail the
record, an authority that is not a host name (`a_b.com`) has no host, an opaque URI
(`mailto:x@y`) has no path or query, and the path, query and fragment come back decoded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import URL
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS", "Uri", "parse_uri"]

_ALLOWED = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'();/?:@&=+$,%#[]"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_FORM_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.*")


@dataclass(frozen=True, slots=True)
class Uri:
    """The parts of a URI, decoded as `java.net.URI`'s getters return them."""

    scheme: str | None
    host: str | None
    port: int
    path: str | None
    query: str | None
    fragment: str | None


def _decode(text: str | None) -> str | None:
    return None if text is None else unquote(text, errors="replace")


def _is_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        return True
    if _IPV4.fullmatch(host):
        return True
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return all(_LABEL.fullmatch(label) for label in labels) and not labels[-1][:1].isdigit()


def parse_uri(text: str) -> Uri:
    """`new URI(text)`; FunctionError for invalid syntax."""
    invalid = FunctionError(f"URL input has invalid syntax: {text}")
    for index, ch in enumerate(text):
        if ch in _ALLOWED:
            if ch == "%" and not re.fullmatch(r"[0-9A-Fa-f]{2}", text[index + 1 : index + 3]):
                raise invalid
            continue
        if ord(ch) < 128 or ch.isspace() or not ch.isprintable():
            raise invalid
    if not text or text.count("#") > 1:
        raise invalid
    rest, _, fragment_part = text.partition("#")
    fragment = fragment_part if "#" in text else None
    scheme_match = _SCHEME.match(rest)
    scheme = scheme_match.group(0)[:-1] if scheme_match else None
    if scheme_match:
        rest = rest[scheme_match.end() :]
        if not rest:
            raise invalid
        if not rest.startswith("/"):
            return Uri(scheme, None, -1, None, None, _decode(fragment))
    host: str | None = None
    port = -1
    if rest.startswith("//"):
        end = len(rest)
        for marker in "/?":
            found = rest.find(marker, 2)
            if found >= 0:
                end = min(end, found)
        authority = rest[2:end]
        rest = rest[end:]
        host, port = _server(authority)
    path, _, query_part = rest.partition("?")
    query = query_part if "?" in rest else None
    return Uri(scheme, host, port, _decode(path), _decode(query), _decode(fragment))


def _server(authority: str) -> tuple[str | None, int]:
    hostport = authority.rpartition("@")[2]
    port = -1
    host = hostport
    if not hostport.endswith("]") and ":" in hostport:
        host, _, digits = hostport.rpartition(":")
        if digits:
            if not digits.isdigit():
                return None, -1
            port = int(digits)
    if not host or not _is_host(host):
        return None, -1
    return host, port


def _extract(part: Callable[[Uri], str | int | None]) -> Callable[[str | None], object]:
    def call(url: str | None) -> object:
        return None if url is None else part(parse_uri(url))

    return call


def _port(uri: Uri) -> int | None:
    return None if uri.port < 0 else uri.port


def _parameter(url: str | None, name: str | None) -> str | None:
    if url is None:
        return None
    query = parse_uri(url).query
    if query is None:
        return None
    for item in query.split("&"):
        key, equals, value = item.partition("=")
        if key == name:
            return value if equals else ""
    return None


def _encode_param(text: str | None) -> str | None:
    if text is None:
        return None
    out: list[str] = []
    for ch in text:
        if ch in _FORM_SAFE:
            out.append(ch)
        elif ch == " ":
            out.append("+")
        else:
            out.extend(f"%{byte:02X}" for byte in ch.encode("utf-8", errors="surrogatepass"))
    return "".join(out)


def _decode_param(text: str | None) -> str | None:
    if text is None:
        return None
    for index, ch in enumerate(text):
        if ch == "%":
            digits = text[index + 1 : index + 3]
            if len(digits) < 2:
                raise FunctionError("URLDecoder: Incomplete trailing escape (%) pattern")
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
                raise FunctionError(
                    "URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 "
                    f'in: "{digits}"'
                )
    return unquote(text.replace("+", " "), errors="replace")


def _one(
    name: str,
    description: str,
    parameter: str,
    returns: p.ParamType,
    function: Callable[..., object],
) -> FunctionEntry:
    return scalar(
        name, URL, description, overload([param("input", p.STRING, parameter)], returns, function)
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    _one(
        "url_decode_param",
        "Decodes a previously encoded application/x-www-form-urlencoded String",
        "the value to decode",
        p.STRING,
        _decode_param,
    ),
    _one(
        "url_encode_param",
        "Returns a version of the input with all URL sensitive characters "
        "encoded using the application/x-www-form-urlencoded standard.",
        "the value to encode",
        p.STRING,
        _encode_param,
    ),
    _one(
        "url_extract_fragment",
        "Extracts the fragment of an application/x-www-form-urlencoded String input",
        "a valid URL to extract a fragment from",
        p.STRING,
        _extract(lambda uri: uri.fragment),
    ),
    _one(
        "url_extract_host",
        "Extracts the Host Name of an application/x-www-form-urlencoded String input",
        "a valid URL",
        p.STRING,
        _extract(lambda uri: uri.host),
    ),
    scalar(
        "url_extract_parameter",
        URL,
        "Extracts a parameter with a specified name encoded inside an "
        "application/x-www-form-urlencoded String.",
        overload(
            [
                param("input", p.STRING, "a valid URL"),
                param("paramToFind", p.STRING, "the parameter key"),
            ],
            p.STRING,
            _parameter,
        ),
    ),
    _one(
        "url_extract_path",
        "Extracts the path of an application/x-www-form-urlencoded encoded String input",
        "a valid URL",
        p.STRING,
        _extract(lambda uri: uri.path),
    ),
    _one(
        "url_extract_port",
        "Extracts the port from an application/x-www-form-urlencoded "
        "encoded String. If there is no port or the string is invalid, this will return null.",
        "a valid URL to extract a port from",
        p.INT,
        _extract(_port),
    ),
    _one(
        "url_extract_protocol",
        "Extracts the Scheme Component (protocol) of an "
        "application/x-www-form-urlencoded encoded String input",
        "a valid URL to extract a protocl from",
        p.STRING,
        _extract(lambda uri: uri.scheme),
    ),
    _one(
        "url_extract_query",
        "Extracts the query parameters of an "
        "application/x-www-form-urlencoded encoded String input, if it exists.",
        "a valid URL to extract a query from",
        p.STRING,
        _extract(lambda uri: uri.query),
    ),
)
