"""Time zones as java.time names them: `ZoneId.of`, offsets at an instant, and zone names.

Region rules come from the IANA database through `zoneinfo`, the same data Java ships. IDs are
accepted exactly as `ZoneId.of` accepts them: `Z`, offsets (`+02:00`, `-0800`), `UTC`, `GMT`,
`UT`, those prefixes with an offset (`GMT+2`), and region IDs (`Europe/London`, `EST`); an
abbreviation such as `PST` is not a ZoneId in Java either.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ksqlmv.engine.functions.javatime._zone_names import ZONE_NAMES
from ksqlmv.engine.functions.javatime.fields import TemporalError

__all__ = [
    "Zone",
    "java_knows",
    "offset_text",
    "system_zone",
    "zone_name",
    "zone_of",
    "zone_text_candidates",
]

# instants zoneinfo can place: the years 2 to 9998, with a day's margin for offsets
_EARLIEST = -62_104_060_800 + 86_400
_LATEST = 253_339_228_800 - 86_400
_CYCLE = 146_097 * 86_400  # 400 Gregorian years
_REGION = re.compile(r"[A-Za-z][A-Za-z0-9~/._+-]+")
_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?")


class Zone:
    """A ZoneId: a fixed offset or a region with rules. `id` is Java's normalized spelling."""

    __slots__ = ("fixed", "id", "info")

    def __init__(self, zone_id: str, fixed: int | None = None, info: ZoneInfo | None = None):
        self.id = zone_id
        self.fixed = fixed
        self.info = info

    @property
    def is_offset(self) -> bool:
        """True for a ZoneOffset (`Z`, `+02:00`), as opposed to a region."""
        return self.fixed is not None and self.info is None and not _is_prefixed(self.id)

    def offset_at(self, epoch_second: int) -> int:
        """The offset from UTC in seconds at an instant."""
        if self.info is None:
            assert self.fixed is not None
            return self.fixed
        moment = datetime.fromtimestamp(_placeable(epoch_second), UTC).astimezone(self.info)
        offset = moment.utcoffset()
        assert offset is not None
        return int(offset.total_seconds())

    def offset_of_local(self, epoch_day: int, second_of_day: int) -> int:
        """The offset a local date-time takes in this zone (earlier offset in an overlap).

        In a gap (clocks jump forward) the offset before the gap applies, which moves the time
        forward by the gap's length, as `ZonedDateTime.of` does.
        """
        if self.info is None:
            assert self.fixed is not None
            return self.fixed
        local_seconds = _placeable(epoch_day * 86_400 + second_of_day)
        naive = datetime(1970, 1, 1) + timedelta(seconds=local_seconds)
        offset = naive.replace(tzinfo=self.info, fold=0).utcoffset()
        assert offset is not None
        return int(offset.total_seconds())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Zone) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"Zone({self.id!r})"


def _placeable(epoch_second: int) -> int:
    """An instant zoneinfo can handle with the same rules as `epoch_second`.

    Far-future instants move back by whole 400-year Gregorian cycles (the rules repeat);
    instants before year 2 keep the zone's local mean time, the offset before its first change.
    """
    if epoch_second > _LATEST:
        return epoch_second - ((epoch_second - _LATEST) // _CYCLE + 1) * _CYCLE
    return max(epoch_second, _EARLIEST)


def _is_prefixed(zone_id: str) -> bool:
    return zone_id in ("UTC", "GMT", "UT") or zone_id.startswith(
        ("UTC+", "UTC-", "GMT+", "GMT-", "UT+", "UT-")
    )


def offset_text(seconds: int) -> str:
    """A ZoneOffset's ID: `Z`, `+02:00`, `-05:30`, `+01:02:03`."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return text + (f":{secs:02d}" if secs else "")


def _parse_offset(text: str) -> int:
    match = _OFFSET.fullmatch(text)
    if match is None or (len(match.group(2)) == 1 and match.group(3) is not None):
        raise TemporalError(f"Invalid ID for ZoneOffset, invalid format: {text}")
    sign, hours, minutes, seconds = match.groups()
    h, m, s = int(hours), int(minutes or 0), int(seconds or 0)
    if h > 18 or m > 59 or s > 59 or (h == 18 and (m or s)):
        raise TemporalError(f"Zone offset not in valid range: -18:00 to +18:00 in {text}")
    total = h * 3600 + m * 60 + s
    return -total if sign == "-" else total


@functools.lru_cache(maxsize=1024)
def zone_of(zone_id: str) -> Zone:
    """`ZoneId.of(zone_id)`; TemporalError with Java's message for an unknown or bad ID."""
    if zone_id == "Z":
        return Zone("Z", 0)
    if zone_id[:1] in ("+", "-"):
        seconds = _parse_offset(zone_id)
        return Zone(offset_text(seconds), seconds)
    if zone_id in ("UTC", "GMT", "UT"):
        return Zone(zone_id, 0)
    for prefix in ("UTC", "GMT", "UT"):
        if zone_id.startswith(prefix) and zone_id[len(prefix) : len(prefix) + 1] in ("+", "-"):
            seconds = _parse_offset(zone_id[len(prefix) :])
            shown = prefix if seconds == 0 else prefix + offset_text(seconds)
            return Zone(shown, seconds)
    if not _REGION.fullmatch(zone_id):
        raise TemporalError(f"Invalid ID for region-based ZoneId, invalid format: {zone_id}")
    if zone_id.startswith(("posix/", "right/")) or not java_knows(zone_id):
        raise TemporalError(f"Unknown time-zone ID: {zone_id}")
    try:
        info = ZoneInfo(zone_id)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TemporalError(f"Unknown time-zone ID: {zone_id}") from None
    return Zone(zone_id, None, info)


def system_zone() -> Zone:
    """The JVM's `ZoneId.systemDefault()`: the TZ variable, else /etc/localtime, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return zone_of(name)
        except TemporalError:
            pass
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "/zoneinfo/"
        if marker in target:
            return zone_of(target.split(marker, 1)[1])
    except (OSError, TemporalError):
        pass
    return zone_of("UTC")


@functools.cache
def _names() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in ZONE_NAMES.splitlines():
        zone_id, *names = line.split("\t")
        table[zone_id] = tuple(names)
    return table


def java_knows(zone_id: str) -> bool:
    """True for a region ID in Java's time-zone database (or newer than the names table)."""
    return zone_id in _names() or zone_id not in _NOT_IN_JAVA


# region IDs the system's tz database has and java.time does not
_NOT_IN_JAVA = frozenset({"EST", "HST", "MST", "ROC", "Factory", "localtime", "GMT+0", "GMT-0"})

# the zone Java picks for an abbreviation many zones share (its preferred zones for en_US)
_PREFERRED = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "GMT": "GMT",
    "UTC": "UTC",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "EET": "Europe/Athens",
    "EEST": "Europe/Athens",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
}


def _is_daylight(zone: Zone, epoch_second: int) -> bool:
    if zone.info is None:
        return False
    moment = datetime.fromtimestamp(_placeable(epoch_second), UTC).astimezone(zone.info)
    return bool(moment.dst())


def zone_name(zone: Zone, epoch_second: int, full: bool, generic: bool = False) -> str:
    """What pattern letters `z`/`zzzz` (or `v`/`vvvv`) print for `zone` at an instant.

    A ZoneOffset prints its ID; a region prints Java's name, `PDT` or `Pacific Daylight Time`.
    """
    if zone.is_offset:
        return zone.id
    names = _names().get(zone.id)
    if names is None:
        return zone.id
    if generic:
        return names[5] if full else names[4]
    column = 2 if _is_daylight(zone, epoch_second) else 0
    return names[column + 1] if full else names[column]


@functools.cache
def zone_text_candidates() -> dict[str, str]:
    """Every zone name and ID pattern letter `z` parses, upper-cased, with the zone it means."""
    found: dict[str, str] = {}
    for zone_id, names in sorted(_names().items()):
        found.setdefault(zone_id.upper(), zone_id)
        for name in names:
            found.setdefault(name.upper(), zone_id)
    found.update((name, zone_id) for name, zone_id in _PREFERRED.items())
    return found
