"""Classic consumer groups: Kafka's group coordinator state machine.

```
            join (new member, leader rejoin, changed metadata), leave, session timeout
   Empty ────────────────► PreparingRebalance ◄──────────────────────────────┐
     ▲                         │ every member rejoined, or rebalance timeout  │
     │ last member gone        ▼                                              │
     └──────────────── CompletingRebalance ──── leader's SyncGroup ───► Stable
```

A rebalance ends when every known member has sent JoinGroup again, or when the longest rebalance
timeout runs out (members that did not rejoin are dropped). Then the generation goes up, a
protocol all members support is chosen by vote, the leader receives every member's metadata and
computes the assignment (client side, as Kafka does), and SyncGroup hands each member its share.
Heartbeats keep a member alive; one that stays silent past its session timeout is removed and
the others rebalance. Heartbeats during a rebalance answer REBALANCE_IN_PROGRESS, which is how
members learn they must rejoin.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Coordinator", "Group", "GroupState", "JoinResult", "Member"]

NONE = 0
ILLEGAL_GENERATION = 22
INCONSISTENT_GROUP_PROTOCOL = 23
INVALID_GROUP_ID = 24
UNKNOWN_MEMBER_ID = 25
INVALID_SESSION_TIMEOUT = 26
REBALANCE_IN_PROGRESS = 27
NON_EMPTY_GROUP = 68
GROUP_ID_NOT_FOUND = 69
FENCED_INSTANCE_ID = 82


class GroupState:
    """The names DescribeGroups reports."""

    EMPTY = "Empty"
    PREPARING = "PreparingRebalance"
    COMPLETING = "CompletingRebalance"
    STABLE = "Stable"
    DEAD = "Dead"


@dataclass(frozen=True, slots=True)
class JoinResult:
    """What JoinGroup answers one member."""

    error: int
    generation: int = -1
    protocol_type: str | None = None
    protocol_name: str | None = None
    leader: str = ""
    member_id: str = ""
    members: tuple[tuple[str, str | None, bytes], ...] = ()


@dataclass(slots=True)
class Member:
    """One consumer in a group."""

    member_id: str
    instance_id: str | None
    client_id: str
    client_host: str
    session_timeout_ms: int
    rebalance_timeout_ms: int
    protocols: list[tuple[str, bytes]]
    deadline: float = 0.0
    assignment: bytes = b""
    join_waiter: asyncio.Future[JoinResult] | None = None
    sync_waiter: asyncio.Future[tuple[int, bytes]] | None = None

    def metadata_for(self, protocol: str | None) -> bytes:
        """This member's subscription metadata for the chosen protocol."""
        return next((data for name, data in self.protocols if name == protocol), b"")


@dataclass(slots=True)
class Group:
    """One group's membership and generation."""

    group_id: str
    state: str = GroupState.EMPTY
    generation: int = 0
    protocol_type: str | None = None
    protocol_name: str | None = None
    leader: str = ""
    members: dict[str, Member] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None
    delaying: bool = False  # the first rebalance waits group.initial.rebalance.delay.ms


class Coordinator:
    """Every group of the broker (this broker coordinates them all)."""

    def __init__(self, min_session_ms: int, max_session_ms: int, initial_delay_ms: int) -> None:
        self.groups: dict[str, Group] = {}
        self._min_session_ms = min_session_ms
        self._max_session_ms = max_session_ms
        self._initial_delay_ms = initial_delay_ms

    # -- JoinGroup ---------------------------------------------------------------------------

    async def join(
        self,
        group_id: str,
        member_id: str,
        instance_id: str | None,
        client_id: str,
        client_host: str,
        session_timeout_ms: int,
        rebalance_timeout_ms: int,
        protocol_type: str,
        protocols: list[tuple[str, bytes]],
    ) -> JoinResult:
        """Add or refresh a member and answer once the rebalance completes."""
        if not group_id:
            return JoinResult(INVALID_GROUP_ID, member_id=member_id)
        if not self._min_session_ms <= session_timeout_ms <= self._max_session_ms:
            return JoinResult(INVALID_SESSION_TIMEOUT, member_id=member_id)
        group = self.groups.setdefault(group_id, Group(group_id))
        if not protocols or (
            group.members
            and (
                protocol_type != group.protocol_type or not self._shares_protocol(group, protocols)
            )
        ):
            return JoinResult(INCONSISTENT_GROUP_PROTOCOL, member_id=member_id)
        if rebalance_timeout_ms < 0:  # JoinGroup v0 has none: Kafka uses the session timeout
            rebalance_timeout_ms = session_timeout_ms
        if member_id:
            member = group.members.get(member_id)
            if member is None:
                return JoinResult(UNKNOWN_MEMBER_ID, member_id=member_id)
            unchanged = member.protocols == protocols
            member.protocols = protocols
            member.session_timeout_ms = session_timeout_ms
            member.rebalance_timeout_ms = rebalance_timeout_ms
            if (
                group.state in (GroupState.STABLE, GroupState.COMPLETING)
                and unchanged
                and member_id != group.leader
            ):
                self._touch(member)
                return self._result_for(group, member)
        else:
            member = self._add_member(
                group,
                instance_id,
                client_id,
                client_host,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
            )
        group.protocol_type = protocol_type
        waiter: asyncio.Future[JoinResult] = asyncio.get_running_loop().create_future()
        if member.join_waiter is not None and not member.join_waiter.done():
            member.join_waiter.set_result(JoinResult(UNKNOWN_MEMBER_ID, member_id=member_id))
        member.join_waiter = waiter
        self._touch(member)
        if group.state != GroupState.PREPARING:
            self._prepare_rebalance(group, initial=group.state == GroupState.EMPTY)
        else:
            self._maybe_complete_join(group)
        return await waiter

    def _add_member(
        self,
        group: Group,
        instance_id: str | None,
        client_id: str,
        client_host: str,
        session_timeout_ms: int,
        rebalance_timeout_ms: int,
        protocols: list[tuple[str, bytes]],
    ) -> Member:
        if instance_id is not None:
            # a static member restarting: the new incarnation fences the old one
            for old in list(group.members.values()):
                if old.instance_id == instance_id:
                    self._drop(group, old, FENCED_INSTANCE_ID)
        member_id = f"{client_id or 'member'}-{uuid.uuid4()}"
        member = Member(
            member_id,
            instance_id,
            client_id,
            client_host,
            session_timeout_ms,
            rebalance_timeout_ms,
            protocols,
        )
        group.members[member_id] = member
        return member

    @staticmethod
    def _shares_protocol(group: Group, protocols: list[tuple[str, bytes]]) -> bool:
        names = {name for name, _ in protocols}
        return all(
            names & {name for name, _ in member.protocols} for member in group.members.values()
        )

    def _prepare_rebalance(self, group: Group, *, initial: bool = False) -> None:
        if group.state == GroupState.COMPLETING:
            for member in group.members.values():
                _resolve(member.sync_waiter, (REBALANCE_IN_PROGRESS, b""))
                member.sync_waiter = None
        group.state = GroupState.PREPARING
        if group.timer is not None:
            group.timer.cancel()
        loop = asyncio.get_running_loop()
        if initial and self._initial_delay_ms > 0:
            delay = self._initial_delay_ms / 1000
            group.delaying = True
            group.timer = loop.call_later(delay, self._initial_delay_over, group)
            return
        timeout = max((m.rebalance_timeout_ms for m in group.members.values()), default=0)
        group.timer = loop.call_later(timeout / 1000, self._complete_join, group)
        self._maybe_complete_join(group)

    def _initial_delay_over(self, group: Group) -> None:
        group.delaying = False
        timeout = max((m.rebalance_timeout_ms for m in group.members.values()), default=0)
        group.timer = asyncio.get_running_loop().call_later(
            timeout / 1000, self._complete_join, group
        )
        self._maybe_complete_join(group)

    def _maybe_complete_join(self, group: Group) -> None:
        if group.state != GroupState.PREPARING:
            return
        if group.delaying:
            return
        if all(member.join_waiter is not None for member in group.members.values()):
            self._complete_join(group)

    def _complete_join(self, group: Group) -> None:
        if group.state != GroupState.PREPARING:
            return
        if group.timer is not None:
            group.timer.cancel()
            group.timer = None
        group.delaying = False
        for member in [m for m in group.members.values() if m.join_waiter is None]:
            del group.members[member.member_id]  # did not rejoin within the rebalance timeout
        group.generation += 1
        if not group.members:
            group.state, group.protocol_name, group.leader = GroupState.EMPTY, None, ""
            return
        group.protocol_name = self._vote(group)
        if group.leader not in group.members:
            group.leader = next(iter(group.members))
        group.state = GroupState.COMPLETING
        for member in group.members.values():
            waiter, member.join_waiter = member.join_waiter, None
            self._touch(member)
            _resolve(waiter, self._result_for(group, member))

    @staticmethod
    def _vote(group: Group) -> str:
        members = list(group.members.values())
        common = set.intersection(*({name for name, _ in m.protocols} for m in members))
        votes = Counter(next(name for name, _ in m.protocols if name in common) for m in members)
        return votes.most_common(1)[0][0]

    @staticmethod
    def _result_for(group: Group, member: Member) -> JoinResult:
        members: tuple[tuple[str, str | None, bytes], ...] = ()
        if member.member_id == group.leader:
            members = tuple(
                (m.member_id, m.instance_id, m.metadata_for(group.protocol_name))
                for m in group.members.values()
            )
        return JoinResult(
            NONE,
            group.generation,
            group.protocol_type,
            group.protocol_name,
            group.leader,
            member.member_id,
            members,
        )

    # -- SyncGroup, Heartbeat, LeaveGroup ----------------------------------------------------

    async def sync(
        self, group_id: str, generation: int, member_id: str, assignments: dict[str, bytes]
    ) -> tuple[int, bytes]:
        """Hand each member its assignment once the leader has sent them all."""
        group, member, error = self._find(group_id, member_id, generation)
        if error or group is None or member is None:
            return error, b""
        if group.state == GroupState.PREPARING:
            return REBALANCE_IN_PROGRESS, b""
        self._touch(member)
        if group.state == GroupState.STABLE:
            return NONE, member.assignment
        waiter: asyncio.Future[tuple[int, bytes]] = asyncio.get_running_loop().create_future()
        _resolve(member.sync_waiter, (REBALANCE_IN_PROGRESS, b""))
        member.sync_waiter = waiter
        if member_id == group.leader:
            for other in group.members.values():
                other.assignment = assignments.get(other.member_id, b"")
            group.state = GroupState.STABLE
            for other in group.members.values():
                _resolve(other.sync_waiter, (NONE, other.assignment))
                other.sync_waiter = None
        return await waiter

    def heartbeat(self, group_id: str, generation: int, member_id: str) -> int:
        """Keep a member alive; tell it to rejoin while a rebalance is under way."""
        group, member, error = self._find(group_id, member_id, generation)
        if error or group is None or member is None:
            return error
        self._touch(member)
        return REBALANCE_IN_PROGRESS if group.state == GroupState.PREPARING else NONE

    def leave(self, group_id: str, member_id: str) -> int:
        """Remove a member that is shutting down; the rest rebalance."""
        group = self.groups.get(group_id)
        member = group.members.get(member_id) if group is not None else None
        if group is None or member is None:
            return UNKNOWN_MEMBER_ID
        self._drop(group, member, UNKNOWN_MEMBER_ID)
        return NONE

    def _drop(self, group: Group, member: Member, error: int) -> None:
        del group.members[member.member_id]
        _resolve(member.join_waiter, JoinResult(error, member_id=member.member_id))
        _resolve(member.sync_waiter, (error, b""))
        if not group.members:
            if group.timer is not None:
                group.timer.cancel()
                group.timer = None
            if group.state != GroupState.EMPTY:
                group.generation += 1
            group.state, group.protocol_name, group.leader = GroupState.EMPTY, None, ""
        elif group.state == GroupState.PREPARING:
            self._maybe_complete_join(group)
        elif group.state in (GroupState.STABLE, GroupState.COMPLETING):
            self._prepare_rebalance(group)

    def _find(
        self, group_id: str, member_id: str, generation: int
    ) -> tuple[Group | None, Member | None, int]:
        group = self.groups.get(group_id)
        member = group.members.get(member_id) if group is not None else None
        if group is None or member is None:
            return group, None, UNKNOWN_MEMBER_ID
        if generation != group.generation:
            return group, member, ILLEGAL_GENERATION
        return group, member, NONE

    @staticmethod
    def _touch(member: Member) -> None:
        member.deadline = asyncio.get_running_loop().time() + member.session_timeout_ms / 1000

    def expire(self) -> list[tuple[str, str]]:
        """Remove members whose session timed out; returns (group, member) for each."""
        now = asyncio.get_running_loop().time()
        expired: list[tuple[str, str]] = []
        for group in list(self.groups.values()):
            for member in list(group.members.values()):
                if member.join_waiter is None and member.deadline < now:
                    expired.append((group.group_id, member.member_id))
                    self._drop(group, member, UNKNOWN_MEMBER_ID)
        return expired

    # -- offsets and administration ----------------------------------------------------------

    def check_commit(self, group_id: str, generation: int, member_id: str) -> int:
        """Whether a member (or a standalone consumer) may commit offsets now."""
        group = self.groups.get(group_id)
        if generation < 0 and not member_id:
            # a consumer outside any rebalance (assign(), not subscribe()) may commit only
            # while no member owns the group's partitions
            has_members = group is not None and bool(group.members)
            return UNKNOWN_MEMBER_ID if has_members else NONE
        found, member, error = self._find(group_id, member_id, generation)
        if error or found is None or member is None:
            return error
        if found.state == GroupState.COMPLETING:
            return REBALANCE_IN_PROGRESS
        self._touch(member)
        return NONE

    def delete(self, group_id: str) -> int:
        """Delete an empty group's membership record (offsets are the caller's)."""
        group = self.groups.get(group_id)
        if group is not None and group.members:
            return NON_EMPTY_GROUP
        self.groups.pop(group_id, None)
        return NONE

    def close(self) -> None:
        """Cancel timers (at shutdown)."""
        for group in self.groups.values():
            if group.timer is not None:
                group.timer.cancel()


def _resolve(waiter: asyncio.Future[Any] | None, value: object) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(value)
