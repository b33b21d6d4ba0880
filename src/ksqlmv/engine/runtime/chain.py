"""Stateless operators fused into one generated Python function per query.

A run of filters, projections, re-keyings and flat-maps between two stateful operators (or a
source and a sink) compiles to a single `def` whose body evaluates each step inline, so a record
costs one Python call for the whole run. Each top-level expression is guarded: an error makes
it NULL (or, in a filter, drops the record) and goes to the processing log, as in ksqlDB.
Table tombstones (`row is None`) pass through filters and projections unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from ksqlmv.engine.analysis import bound as b
from ksqlmv.engine.codegen.compiler import CodeBuilder, ExpressionCompiler, may_raise
from ksqlmv.engine.planning.nodes import (
    FilterNode,
    FlatMapNode,
    NodeSchema,
    PlanNode,
    ProjectNode,
    RekeyNode,
)
from ksqlmv.engine.runtime.aggregate import RETRACT
from ksqlmv.engine.runtime.base import Emit, QueryContext
from ksqlmv.engine.runtime.stores import freeze

__all__ = ["compile_chain", "is_stateless"]

_STATELESS = (FilterNode, ProjectNode, RekeyNode, FlatMapNode)


def is_stateless(node: PlanNode) -> bool:
    """True for the nodes a chain can fuse."""
    return isinstance(node, _STATELESS)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def compile_chain(
    ctx: QueryContext,
    nodes: Sequence[PlanNode],
    input_schema: NodeSchema,
    emit: Emit,
    builder: CodeBuilder | None = None,
) -> Emit:
    """One function that runs `nodes` (in data-flow order) and calls `emit` with the result."""
    builder = builder or CodeBuilder(ctx.report)
    builder.namespace["_RETRACT"] = RETRACT
    builder.namespace["_freeze"] = freeze
    emit_name = builder.ref(emit, "emit")
    writer = _Writer()
    writer.line(0, "def _chain(key, row, ts, window, headers, old):")
    indent = 1
    in_loop = False
    schema = input_schema
    row_var, key_var = "row", "key"
    for node in nodes:
        accessors = {name: f"{row_var}[{i}]" for i, (name, _) in enumerate(schema.row)}
        compiler = ExpressionCompiler(builder, accessors)
        if isinstance(node, FilterNode):
            indent = _filter(
                writer,
                compiler,
                builder,
                node,
                indent,
                in_loop,
                row_var,
                key_var,
                emit_name,
                schema.is_table,
            )
        elif isinstance(node, ProjectNode):
            row_var, key_var = _project(
                writer, compiler, builder, node, indent, row_var, key_var, schema.is_table
            )
        elif isinstance(node, RekeyNode):
            row_var, key_var = _rekey(writer, compiler, builder, node, schema, indent, row_var)
        elif isinstance(node, FlatMapNode):
            row_var, indent = _flat_map(writer, compiler, builder, node, indent, row_var)
            in_loop = True
        else:  # pragma: no cover - the builder only passes stateless nodes
            raise TypeError(f"not a stateless node: {node}")
        schema = node.schema
    writer.line(indent, f"{emit_name}({key_var}, {row_var}, ts, window, headers, old)")
    source = "\n".join(writer.lines) + "\n"
    return builder.function(source, "_chain")


def _guarded(
    writer: _Writer,
    builder: CodeBuilder,
    indent: int,
    target: str,
    expression: b.Bound,
    code: str,
    message: str,
    fallback: str = "None",
) -> None:
    if not may_raise(expression):
        writer.line(indent, f"{target} = {code}")
        return
    note = builder.ref(message, "msg")
    writer.line(indent, "try:")
    writer.line(indent + 1, f"{target} = {code}")
    writer.line(indent, "except Exception as _err:")
    writer.line(indent + 1, f"_report({note}, _err)")
    writer.line(indent + 1, f"{target} = {fallback}")


def _filter(
    writer: _Writer,
    compiler: ExpressionCompiler,
    builder: CodeBuilder,
    node: FilterNode,
    indent: int,
    in_loop: bool,
    row_var: str,
    key_var: str,
    emit_name: str,
    is_table: bool,
) -> int:
    keep = writer.fresh("_keep")
    stop = "continue" if in_loop else "return"
    code = compiler.expr(node.predicate)
    message = f"Error evaluating predicate {node.predicate.text}"
    if not is_table:
        writer.line(indent, f"if {row_var} is None:")
        writer.line(indent + 1, stop)
        _guarded(writer, builder, indent, keep, node.predicate, code, message, "False")
        writer.line(indent, f"if {keep} is not True:")
        writer.line(indent + 1, stop)
        return indent
    # A table filter remembers which keys currently pass: a row that stops passing (or a
    # tombstone for a passing key) becomes a tombstone; rows that never passed emit nothing.
    passing = builder.ref(set(), "passing")
    frozen = writer.fresh("_fk")
    writer.line(indent, f"{frozen} = _freeze({key_var})")
    writer.line(indent, f"if {row_var} is None:")
    writer.line(indent + 1, f"if {frozen} in {passing}:")
    writer.line(indent + 2, f"{passing}.discard({frozen})")
    writer.line(indent + 2, f"{emit_name}({key_var}, None, ts, window, headers, old)")
    writer.line(indent + 1, stop)
    _guarded(writer, builder, indent, keep, node.predicate, code, message, "False")
    writer.line(indent, f"if {keep} is not True:")
    writer.line(indent + 1, f"if old is not _RETRACT and {frozen} in {passing}:")
    writer.line(indent + 2, f"{passing}.discard({frozen})")
    writer.line(indent + 2, f"{emit_name}({key_var}, None, ts, window, headers, old)")
    writer.line(indent + 1, stop)
    writer.line(indent, "if old is not _RETRACT:")
    writer.line(indent + 1, f"{passing}.add({frozen})")
    return indent


def _project(
    writer: _Writer,
    compiler: ExpressionCompiler,
    builder: CodeBuilder,
    node: ProjectNode,
    indent: int,
    row_var: str,
    key_var: str,
    is_table: bool,
) -> tuple[str, str]:
    new_row = writer.fresh("_row")
    new_key = writer.fresh("_key") if node.key is not None else key_var
    # A NULL row (a table tombstone, or a stream record without value) keeps its key.
    writer.line(indent, f"if {row_var} is None:")
    writer.line(indent + 1, f"{new_row} = None")
    if node.key is not None:
        writer.line(indent + 1, f"{new_key} = {key_var}")
    writer.line(indent, "else:")
    body = indent + 1
    names = []
    for i, (name, expression) in enumerate(node.columns):
        var = f"{new_row}_{i}"
        names.append(var)
        _guarded(
            writer,
            builder,
            body,
            var,
            expression,
            compiler.expr(expression),
            f"Error computing expression {expression.text} for column {name} with index {i}",
        )
    writer.line(body, f"{new_row} = ({', '.join(names)}{',' if len(names) == 1 else ''})")
    if node.key is not None:
        parts = [compiler.expr(k) for k in node.key]
        writer.line(body, f"{new_key} = ({', '.join(parts)}{',' if len(parts) == 1 else ''})")
    return new_row, new_key


def _rekey(
    writer: _Writer,
    compiler: ExpressionCompiler,
    builder: CodeBuilder,
    node: RekeyNode,
    input_schema: NodeSchema,
    indent: int,
    row_var: str,
) -> tuple[str, str]:
    new_key = writer.fresh("_key")
    new_row = writer.fresh("_row")
    old_keys = [c.name for c in input_schema.key]
    # A NULL row still has a key: expressions over key columns only are computed from it
    # (as ksqlDB does), others are NULL.
    key_compiler = ExpressionCompiler(
        builder, {name: f"key[{i}]" for i, name in enumerate(old_keys)}
    )
    writer.line(indent, f"if {row_var} is None:")
    from_key = []
    for expression in node.key:
        var = writer.fresh("_k")
        if set(b.columns_in(expression)) <= set(old_keys):
            _guarded(
                writer,
                builder,
                indent + 1,
                var,
                expression,
                key_compiler.expr(expression),
                f"Error computing new key from expression {expression.text}",
            )
        else:
            writer.line(indent + 1, f"{var} = None")
        from_key.append(var)
    writer.line(
        indent + 1, f"{new_key} = ({', '.join(from_key)}{',' if len(from_key) == 1 else ''})"
    )
    writer.line(indent + 1, f"{new_row} = None")
    writer.line(indent, "else:")
    body = indent + 1
    parts = []
    for expression in node.key:
        var = writer.fresh("_k")
        _guarded(
            writer,
            builder,
            body,
            var,
            expression,
            compiler.expr(expression),
            f"Error computing new key from expression {expression.text}",
        )
        parts.append(var)
    writer.line(body, f"{new_key} = ({', '.join(parts)}{',' if len(parts) == 1 else ''})")
    appended = len(node.schema.row) - len(input_schema.row)
    if appended <= 0:
        writer.line(body, f"{new_row} = {row_var}")
        return new_row, new_key
    added_names = [n for n, _ in node.schema.row[len(input_schema.row) :]]
    key_names = [c.name for c in node.schema.key]
    extra = [parts[key_names.index(name)] for name in added_names]
    writer.line(body, f"{new_row} = {row_var} + ({', '.join(extra)},)")
    return new_row, new_key


def _flat_map(
    writer: _Writer,
    compiler: ExpressionCompiler,
    builder: CodeBuilder,
    node: FlatMapNode,
    indent: int,
    row_var: str,
) -> tuple[str, int]:
    writer.line(indent, f"if {row_var} is None:")
    writer.line(indent + 1, "return")
    results = []
    for call in node.calls:
        var = writer.fresh("_tf")
        fn = builder.ref(call.function, call.name.lower())
        args = ", ".join(compiler.expr(a) for a in call.args)
        note = builder.ref(f"Error processing table function {call.name}", "msg")
        writer.line(indent, "try:")
        writer.line(indent + 1, f"{var} = {fn}({args})")
        writer.line(indent, "except Exception as _err:")
        writer.line(indent + 1, f"_report({note}, _err)")
        writer.line(indent + 1, f"{var} = None")
        writer.line(indent, f"if {var} is None:")
        writer.line(indent + 1, f"{var} = ()")
        results.append(var)
    index = writer.fresh("_i")
    longest = ", ".join(f"len({r})" for r in results)
    writer.line(indent, f"for {index} in range(max({longest}, 0)):")
    indent += 1
    new_row = writer.fresh("_row")
    items = ", ".join(f"({r}[{index}] if {index} < len({r}) else None)" for r in results)
    writer.line(indent, f"{new_row} = {row_var} + ({items},)")
    return new_row, indent
