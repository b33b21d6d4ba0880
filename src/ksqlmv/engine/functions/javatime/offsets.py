"""Offset and zone printer-parsers: `X`, `x`, `Z`, `O` offsets, `VV` zone IDs and `z`/`v` names."""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.engine.functions.javatime.elements import Element, ParseContext, describe_moment
from ksqlmv.engine.functions.javatime.fields import Field, Moment, TemporalError
from ksqlmv.engine.functions.javatime.zones import zone_name, zone_of, zone_text_candidates

__all__ = ["LocalizedOffset", "Offset", "ZoneIdElement", "ZoneText"]

_OFFSET_PATTERNS = (
    "+HH",
    "+HHmm",
    "+HH:mm",
    "+HHMM",
    "+HH:MM",
    "+HHMMss",
    "+HH:MM:ss",
    "+HHMMSS",
    "+HH:MM:SS",
    "+HHmmss",
    "+HH:mm:ss",
)


@dataclass(frozen=True, slots=True)
class Offset(Element):
    """An offset from UTC in one of Java's offset patterns; `zero` is printed for +00:00."""

    pattern: str
    zero: str

    def print(self, moment: Moment, out: list[str]) -> bool:
        seconds = moment.get(Field.OFFSET_SECONDS)
        if seconds == 0:
            out.append(self.zero)
            return True
        hours, rest = divmod(abs(seconds), 3600)
        minutes, secs = divmod(rest, 60)
        colon = ":" in self.pattern
        lenient_minutes = "mm" in self.pattern
        text = ["-" if seconds < 0 else "+", f"{hours:02d}"]
        needs_minutes = len(self.pattern) > 3 and (not lenient_minutes or minutes or secs)
        if needs_minutes:
            text.append((":" if colon else "") + f"{minutes:02d}")
            has_seconds = self.pattern.endswith(("SS", "ss"))
            if has_seconds and (self.pattern.endswith("SS") or secs):
                text.append((":" if colon else "") + f"{secs:02d}")
        out.append("".join(text))
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        text = context.text
        if self.zero and context.matches(position, self.zero):
            return context.set_field(Field.OFFSET_SECONDS, 0, position, position + len(self.zero))
        if position >= len(text) or text[position] not in "+-":
            if not self.zero:
                return context.set_field(Field.OFFSET_SECONDS, 0, position, position)
            return ~position
        sign = -1 if text[position] == "-" else 1
        colon = ":" in self.pattern
        pos = position + 1
        parts = []
        wanted = (
            1
            + (self.pattern.count("m") + self.pattern.count("M") > 0)
            + (self.pattern.count("s") + self.pattern.count("S") > 0)
        )
        optional_from = 1 if "mm" in self.pattern else (2 if "ss" in self.pattern else wanted)
        for index in range(wanted):
            start = pos
            if index and colon:
                if not context.matches(pos, ":"):
                    break
                start += 1
            chunk = text[start : start + 2]
            if len(chunk) != 2 or not chunk.isdigit():
                break
            parts.append(int(chunk))
            pos = start + 2
        if len(parts) < optional_from or not parts:
            return ~position
        hours, minutes, secs = [*parts, 0, 0][:3]
        if hours > 18 or minutes > 59 or secs > 59:
            return ~position
        total = sign * (hours * 3600 + minutes * 60 + secs)
        return context.set_field(Field.OFFSET_SECONDS, total, position, pos)


@dataclass(frozen=True, slots=True)
class LocalizedOffset(Element):
    """`O` / `OOOO` (and `ZZZZ`): `GMT`, `GMT+8`, `GMT-07:00`."""

    full: bool

    def print(self, moment: Moment, out: list[str]) -> bool:
        seconds = moment.get(Field.OFFSET_SECONDS)
        out.append("GMT")
        if seconds:
            hours, rest = divmod(abs(seconds), 3600)
            minutes, secs = divmod(rest, 60)
            sign = "-" if seconds < 0 else "+"
            if self.full:
                out.append(f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else ""))
            else:
                out.append(
                    f"{sign}{hours}"
                    + (f":{minutes:02d}" if minutes or secs else "")
                    + (f":{secs:02d}" if secs else "")
                )
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        if not context.matches(position, "GMT"):
            return ~position
        position += 3
        inner = Offset("+HH:MM:ss" if self.full else "+HH:mm:ss", "")
        return inner.parse(context, position)


@dataclass(frozen=True, slots=True)
class ZoneIdElement(Element):
    """`VV`: the zone's ID, parsed as any ID `ZoneId.of` accepts."""

    def print(self, moment: Moment, out: list[str]) -> bool:
        if moment.zone is None:
            raise TemporalError("Unable to extract ZoneId from temporal " + describe_moment(moment))
        out.append(moment.zone)
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        text = context.text
        end = position
        while end < len(text) and (text[end].isalnum() or text[end] in "~/._+-:"):
            end += 1
        while end > position:
            try:
                context.zone = zone_of(text[position:end])
            except TemporalError:
                end -= 1
                continue
            return end
        return ~position


@dataclass(frozen=True, slots=True)
class ZoneText(Element):
    """`z` (short) and `zzzz` (full) zone names; `v`/`vvvv` generic names."""

    full: bool
    generic: bool = False

    def print(self, moment: Moment, out: list[str]) -> bool:
        if moment.zone is None:
            raise TemporalError("Unable to extract ZoneId from temporal " + describe_moment(moment))
        zone = zone_of(moment.zone)
        seconds = moment.get(Field.INSTANT_SECONDS) if moment.supports(Field.INSTANT_SECONDS) else 0
        out.append(zone_name(zone, seconds, self.full, self.generic))
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        # ksqlDB only parses zone names with case-insensitive formatters
        rest = context.text[position:]
        if rest[:1] in ("+", "-"):
            return Offset("+HH:MM:ss", "Z").parse(context, position)
        probe = rest.upper()
        candidates = zone_text_candidates()
        best = max((name for name in candidates if probe.startswith(name)), key=len, default="")
        if not best:
            return ~position
        context.zone = zone_of(candidates[best])
        return position + len(best)
