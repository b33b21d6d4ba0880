"""Overload resolution exactly as ksqlDB's `UdfIndex` does it.

The overloads of one name sit in a trie whose edges each consume two arguments at once, one from
each end of the argument list, so that a variadic parameter anywhere in a signature matches in
linear time. A variadic overload is reachable three ways: with its variadic parameter given as
one ARRAY argument, with no arguments for it, and with one or more; past the fixed parameters a
self-loop takes any number of extra arguments.

A lookup walks every edge whose two parameters accept the next pair of arguments, binding type
variables outside-in as it goes. First it allows exact matches only; if nothing fits and the
function allows implicit casts, it tries again with casts. When several nodes fit, the overload
that ranks highest wins (see `_Overload.rank`); a tie is an ambiguity error, as in ksqlDB, even
when both nodes hold the same overload (`GREATEST(1, NULL)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import hashmap_order
from ksqlmv.engine.functions.arguments import ArgType, argument_text
from ksqlmv.engine.functions.generics import Bindings, accepts
from ksqlmv.engine.functions.signature import Param, _Overload
from ksqlmv.errors import AnalysisError

__all__ = ["OverloadIndex"]

_O = TypeVar("_O", bound=_Overload)


@dataclass(frozen=True, slots=True)
class _Edge:
    """One side of an edge: the parameter type it accepts; `loop` marks the varargs self-loop."""

    type: p.ParamType
    loop: bool = False


_EdgeKey = tuple[_Edge, _Edge | None]


@dataclass(slots=True)
class _Node(Generic[_O]):
    children: dict[_EdgeKey, _Node[_O]] = field(default_factory=dict)
    value: _O | None = None

    def offer(self, overload: _O) -> None:
        """Keep `overload` here if it ranks above what the node holds (first wins a tie)."""
        if self.value is None or overload.rank() > self.value.rank():
            self.value = overload


class OverloadIndex(Generic[_O]):
    """The overloads of one function, ready to resolve calls.

    `name` is the function's spelling in error headers; `display_name` its spelling in the list
    of valid alternatives (ksqlDB upper-cases scalar function names there, not the others).
    """

    def __init__(
        self, name: str, display_name: str, overloads: Sequence[_O], implicit_casts: bool
    ) -> None:
        self._name = name
        self._display_name = display_name
        self._overloads = tuple(overloads)
        self._implicit_casts = implicit_casts
        self._root: _Node[_O] = _Node()
        seen: set[tuple[p.ParamType, ...]] = set()
        for overload in self._overloads:
            if overload.param_types in seen:
                raise ValueError(f"{name} declares {overload.param_types} twice")
            seen.add(overload.param_types)
            self._add(overload)

    @property
    def overloads(self) -> tuple[_O, ...]:
        """Every overload, in ksqlDB's listing order (its HashMap of parameter lists)."""
        return tuple(hashmap_order((p.list_hash(list(o.param_types)), o) for o in self._overloads))

    # ------------------------------------------------------------------------------ building

    def _add(self, overload: _O) -> None:
        params = list(overload.params)
        parent, offset = self._insert(self._root, params, overload, keep_arrays=False, loop=False)
        if parent is None:
            return
        # the variadic argument given as one ARRAY value
        self._insert(parent, params, overload, keep_arrays=True, loop=False)
        size = len(params)
        left_side = params[offset].variadic
        # the parameters still unmatched once the walk reaches the variadic one, without it
        rest = (
            params[offset + 1 : size - offset] if left_side else params[offset : size - offset - 1]
        )
        self._insert(parent, rest, overload, keep_arrays=False, loop=False)
        variadic = params[offset] if left_side else params[size - offset - 1]
        copies = [variadic] * (len(rest) + 1)
        combined = copies + rest if left_side else rest + copies
        low, high = (len(copies) - 1, len(combined)) if left_side else (0, len(rest) + 1)
        # one, two, ... copies of the variadic parameter paired against the rest; the longest
        # branch ends in the self-loop that takes any number of further arguments
        while low >= 0 and high <= len(combined):
            branch = combined[low:high]
            self._insert(parent, branch, overload, False, loop=len(branch) == len(combined))
            if left_side:
                low -= 1
            else:
                high += 1

    @staticmethod
    def _edge_type(item: Param, keep_arrays: bool) -> p.ParamType:
        return item.type if keep_arrays else item.element

    def _insert(
        self, start: _Node[_O], params: list[Param], overload: _O, keep_arrays: bool, loop: bool
    ) -> tuple[_Node[_O] | None, int]:
        node = parent = start
        variadic_parent: _Node[_O] | None = None
        variadic_offset = -1
        last = len(params) - 1
        for offset in range((len(params) + 1) // 2):
            left, right = params[offset], params[last - offset]
            key = (
                _Edge(self._edge_type(left, keep_arrays)),
                None if offset == last - offset else _Edge(self._edge_type(right, keep_arrays)),
            )
            parent = node
            node = node.children.setdefault(key, _Node())
            if left.variadic or right.variadic:
                variadic_parent, variadic_offset = parent, offset
        if loop:
            if variadic_offset < 0:
                raise ValueError(f"{self._name}: a varargs loop needs a variadic parameter")
            edge = _Edge(self._edge_type(params[variadic_offset], keep_arrays), loop=True)
            cycle = parent.children.setdefault((edge, edge), _Node())
            cycle.offer(overload)
            cycle.children.setdefault((edge, edge), cycle)
            cycle.children.setdefault((edge, None), _Node()).offer(overload)
        node.offer(overload)
        return variadic_parent, variadic_offset

    # ------------------------------------------------------------------------------ lookup

    def resolve(self, args: Sequence[ArgType]) -> _O:
        """The overload a call with these argument types uses; AnalysisError when none or many."""
        found = self._find(args, allow_casts=False)
        if found is None and self._implicit_casts:
            found = self._find(args, allow_casts=True)
        if found is None:
            raise AnalysisError(
                f"Function '{self._name}' does not accept parameters {self._args(args)}.\n"
                f"Valid alternatives are:\n{self._alternatives()}\n"
                "For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;"
            )
        return found

    def _find(self, args: Sequence[ArgType], allow_casts: bool) -> _O | None:
        reached: list[_O] = []
        self._walk(args, 0, self._root, {}, allow_casts, reached)
        if not reached:
            return None
        reached.sort(key=lambda overload: overload.rank())
        if len(reached) == 1 or reached[-1].rank() > reached[-2].rank():
            return reached[-1]
        raise AnalysisError(
            f"Function '{self._name}' cannot be resolved due to ambiguous method parameters "
            f"{self._args(args)}.\n"
            "Use CAST() to explicitly cast your parameters to one of the supported function "
            f"calls.\nValid function calls are:\n{self._alternatives()}\n"
            "For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;"
        )

    def _walk(
        self,
        args: Sequence[ArgType],
        offset: int,
        node: _Node[_O],
        bindings: Bindings,
        allow_casts: bool,
        reached: list[_O],
    ) -> None:
        right = len(args) - 1 - offset
        if offset > right:
            if node.value is not None:
                reached.append(node.value)
            return
        left_arg = args[offset]
        single = right == offset
        for (left_edge, right_edge), child in node.children.items():
            scope = dict(bindings)
            if not accepts(left_edge.type, left_arg, scope, allow_casts):
                continue
            if single:
                if right_edge is not None:
                    continue
            elif right_edge is None or not accepts(
                right_edge.type, args[right], scope, allow_casts
            ):
                continue
            self._walk(args, offset + 1, child, scope, allow_casts, reached)

    # ------------------------------------------------------------------------------ messages

    @staticmethod
    def _args(args: Sequence[ArgType]) -> str:
        return "(" + ", ".join(argument_text(arg) for arg in args) + ")"

    def _alternatives(self) -> str:
        return "\n".join(self.signature_text(o) for o in self.overloads)

    def signature_text(self, overload: _O) -> str:
        """One overload as ksqlDB lists it: `LPAD(VARCHAR input, INT targetLen, ...)`."""
        shown = []
        for item in overload.params:
            text = f"{item.element}..." if item.variadic else str(item.type)
            shown.append(f"{text} {item.name}" if item.name else text)
        return f"{self._display_name}({', '.join(shown)})"
