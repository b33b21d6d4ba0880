"""The KSQL front end: pure functions of text (splitting, lexing, parsing, formatting).

* `parse(text)` -> the statements of a script (each ends with `;`);
* `parse_statement(text)` -> one statement; `parse_expression(text)` -> one expression;
* `format_sql(node)` -> KSQL text that parses back to an equal tree;
* `substitute_variables(text, variables)` -> `text` with `${name}` references replaced;
* `parse_with_variables(text, variables)` -> a script's statements, each substituted with the
  variables its preceding DEFINE/UNDEFINE statements leave, and the variables at the end;
* `split_statements(text)` -> statement texts with their positions, without parsing them.

The syntax tree is made of the frozen dataclasses of `ksqlmv.sql.ast`, re-exported here; SQL
types are those of `ksqlmv.sql.types`. Errors are `ksqlmv.errors.ParseError`, with line and column.

>>> statement = parse_statement("SELECT id, amount * 2 AS twice FROM orders EMIT CHANGES")
>>> format_sql(statement.select[1])
'AMOUNT * 2 AS TWICE'
"""

from __future__ import annotations

from ksqlmv.sql import ast as ast
from ksqlmv.sql.ast import AliasedRelation as AliasedRelation
from ksqlmv.sql.ast import AllColumns as AllColumns
from ksqlmv.sql.ast import AlterColumn as AlterColumn
from ksqlmv.sql.ast import AlterSource as AlterSource
from ksqlmv.sql.ast import AlterSystemProperty as AlterSystemProperty
from ksqlmv.sql.ast import ArithmeticBinary as ArithmeticBinary
from ksqlmv.sql.ast import ArithmeticOperator as ArithmeticOperator
from ksqlmv.sql.ast import ArithmeticUnary as ArithmeticUnary
from ksqlmv.sql.ast import AssertSchema as AssertSchema
from ksqlmv.sql.ast import AssertStream as AssertStream
from ksqlmv.sql.ast import AssertTable as AssertTable
from ksqlmv.sql.ast import AssertTombstone as AssertTombstone
from ksqlmv.sql.ast import AssertTopic as AssertTopic
from ksqlmv.sql.ast import AssertValues as AssertValues
from ksqlmv.sql.ast import Between as Between
from ksqlmv.sql.ast import BooleanLiteral as BooleanLiteral
from ksqlmv.sql.ast import Cast as Cast
from ksqlmv.sql.ast import ColumnConstraint as ColumnConstraint
from ksqlmv.sql.ast import ColumnRef as ColumnRef
from ksqlmv.sql.ast import Comparison as Comparison
from ksqlmv.sql.ast import ComparisonOperator as ComparisonOperator
from ksqlmv.sql.ast import ConnectorKind as ConnectorKind
from ksqlmv.sql.ast import ConnectorScope as ConnectorScope
from ksqlmv.sql.ast import CreateArray as CreateArray
from ksqlmv.sql.ast import CreateAsSelect as CreateAsSelect
from ksqlmv.sql.ast import CreateConnector as CreateConnector
from ksqlmv.sql.ast import CreateMap as CreateMap
from ksqlmv.sql.ast import CreateSource as CreateSource
from ksqlmv.sql.ast import CreateStream as CreateStream
from ksqlmv.sql.ast import CreateStreamAsSelect as CreateStreamAsSelect
from ksqlmv.sql.ast import CreateStruct as CreateStruct
from ksqlmv.sql.ast import CreateTable as CreateTable
from ksqlmv.sql.ast import CreateTableAsSelect as CreateTableAsSelect
from ksqlmv.sql.ast import CreateType as CreateType
from ksqlmv.sql.ast import DecimalLiteral as DecimalLiteral
from ksqlmv.sql.ast import DefineVariable as DefineVariable
from ksqlmv.sql.ast import Dereference as Dereference
from ksqlmv.sql.ast import DescribeConnector as DescribeConnector
from ksqlmv.sql.ast import DescribeFunction as DescribeFunction
from ksqlmv.sql.ast import DescribeSource as DescribeSource
from ksqlmv.sql.ast import DescribeStreams as DescribeStreams
from ksqlmv.sql.ast import DescribeTables as DescribeTables
from ksqlmv.sql.ast import DoubleLiteral as DoubleLiteral
from ksqlmv.sql.ast import DropConnector as DropConnector
from ksqlmv.sql.ast import DropSource as DropSource
from ksqlmv.sql.ast import DropStream as DropStream
from ksqlmv.sql.ast import DropTable as DropTable
from ksqlmv.sql.ast import DropType as DropType
from ksqlmv.sql.ast import Explain as Explain
from ksqlmv.sql.ast import Expression as Expression
from ksqlmv.sql.ast import FunctionCall as FunctionCall
from ksqlmv.sql.ast import HoppingWindow as HoppingWindow
from ksqlmv.sql.ast import InList as InList
from ksqlmv.sql.ast import InsertInto as InsertInto
from ksqlmv.sql.ast import InsertValues as InsertValues
from ksqlmv.sql.ast import IntegerLiteral as IntegerLiteral
from ksqlmv.sql.ast import IntervalUnit as IntervalUnit
from ksqlmv.sql.ast import IsNotNull as IsNotNull
from ksqlmv.sql.ast import IsNull as IsNull
from ksqlmv.sql.ast import Join as Join
from ksqlmv.sql.ast import JoinedSource as JoinedSource
from ksqlmv.sql.ast import JoinType as JoinType
from ksqlmv.sql.ast import Lambda as Lambda
from ksqlmv.sql.ast import LambdaVariable as LambdaVariable
from ksqlmv.sql.ast import Like as Like
from ksqlmv.sql.ast import ListConnectorPlugins as ListConnectorPlugins
from ksqlmv.sql.ast import ListConnectors as ListConnectors
from ksqlmv.sql.ast import ListFunctions as ListFunctions
from ksqlmv.sql.ast import ListProperties as ListProperties
from ksqlmv.sql.ast import ListQueries as ListQueries
from ksqlmv.sql.ast import ListStreams as ListStreams
from ksqlmv.sql.ast import ListTables as ListTables
from ksqlmv.sql.ast import ListTopics as ListTopics
from ksqlmv.sql.ast import ListTypes as ListTypes
from ksqlmv.sql.ast import ListVariables as ListVariables
from ksqlmv.sql.ast import Literal as Literal
from ksqlmv.sql.ast import LogicalBinary as LogicalBinary
from ksqlmv.sql.ast import LogicalOperator as LogicalOperator
from ksqlmv.sql.ast import LongLiteral as LongLiteral
from ksqlmv.sql.ast import Node as Node
from ksqlmv.sql.ast import Not as Not
from ksqlmv.sql.ast import NullLiteral as NullLiteral
from ksqlmv.sql.ast import OutputRefinement as OutputRefinement
from ksqlmv.sql.ast import PauseQuery as PauseQuery
from ksqlmv.sql.ast import PrintTopic as PrintTopic
from ksqlmv.sql.ast import Property as Property
from ksqlmv.sql.ast import Query as Query
from ksqlmv.sql.ast import Relation as Relation
from ksqlmv.sql.ast import ResumeQuery as ResumeQuery
from ksqlmv.sql.ast import RunScript as RunScript
from ksqlmv.sql.ast import SearchedCase as SearchedCase
from ksqlmv.sql.ast import SelectItem as SelectItem
from ksqlmv.sql.ast import SessionWindow as SessionWindow
from ksqlmv.sql.ast import SetProperty as SetProperty
from ksqlmv.sql.ast import SimpleCase as SimpleCase
from ksqlmv.sql.ast import SingleColumn as SingleColumn
from ksqlmv.sql.ast import SourceKind as SourceKind
from ksqlmv.sql.ast import Statement as Statement
from ksqlmv.sql.ast import StringLiteral as StringLiteral
from ksqlmv.sql.ast import StructAll as StructAll
from ksqlmv.sql.ast import StructFieldValue as StructFieldValue
from ksqlmv.sql.ast import Subscript as Subscript
from ksqlmv.sql.ast import TableElement as TableElement
from ksqlmv.sql.ast import TerminateQuery as TerminateQuery
from ksqlmv.sql.ast import TimeClause as TimeClause
from ksqlmv.sql.ast import TimeUnit as TimeUnit
from ksqlmv.sql.ast import TumblingWindow as TumblingWindow
from ksqlmv.sql.ast import TypeRef as TypeRef
from ksqlmv.sql.ast import UnarySign as UnarySign
from ksqlmv.sql.ast import UndefineVariable as UndefineVariable
from ksqlmv.sql.ast import UnsetProperty as UnsetProperty
from ksqlmv.sql.ast import WhenClause as WhenClause
from ksqlmv.sql.ast import WindowExpression as WindowExpression
from ksqlmv.sql.ast import WithinExpression as WithinExpression
from ksqlmv.sql.ast import iter_children as iter_children
from ksqlmv.sql.ast import property_map as property_map
from ksqlmv.sql.ast import walk as walk
from ksqlmv.sql.formatter import format_sql as format_sql
from ksqlmv.sql.parser import parse as parse
from ksqlmv.sql.parser import parse_expression as parse_expression
from ksqlmv.sql.parser import parse_statement as parse_statement
from ksqlmv.sql.splitter import SplitStatement as SplitStatement
from ksqlmv.sql.splitter import split_statements as split_statements
from ksqlmv.sql.variables import parse_with_variables as parse_with_variables
from ksqlmv.sql.variables import substitute_variables as substitute_variables

__all__ = [
    "AliasedRelation",
    "AllColumns",
    "AlterColumn",
    "AlterSource",
    "AlterSystemProperty",
    "ArithmeticBinary",
    "ArithmeticOperator",
    "ArithmeticUnary",
    "AssertSchema",
    "AssertStream",
    "AssertTable",
    "AssertTombstone",
    "AssertTopic",
    "AssertValues",
    "Between",
    "BooleanLiteral",
    "Cast",
    "ColumnConstraint",
    "ColumnRef",
    "Comparison",
    "ComparisonOperator",
    "ConnectorKind",
    "ConnectorScope",
    "CreateArray",
    "CreateAsSelect",
    "CreateConnector",
    "CreateMap",
    "CreateSource",
    "CreateStream",
    "CreateStreamAsSelect",
    "CreateStruct",
    "CreateTable",
    "CreateTableAsSelect",
    "CreateType",
    "DecimalLiteral",
    "DefineVariable",
    "Dereference",
    "DescribeConnector",
    "DescribeFunction",
    "DescribeSource",
    "DescribeStreams",
    "DescribeTables",
    "DoubleLiteral",
    "DropConnector",
    "DropSource",
    "DropStream",
    "DropTable",
    "DropType",
    "Explain",
    "Expression",
    "FunctionCall",
    "HoppingWindow",
    "InList",
    "InsertInto",
    "InsertValues",
    "IntegerLiteral",
    "IntervalUnit",
    "IsNotNull",
    "IsNull",
    "Join",
    "JoinType",
    "JoinedSource",
    "Lambda",
    "LambdaVariable",
    "Like",
    "ListConnectorPlugins",
    "ListConnectors",
    "ListFunctions",
    "ListProperties",
    "ListQueries",
    "ListStreams",
    "ListTables",
    "ListTopics",
    "ListTypes",
    "ListVariables",
    "Literal",
    "LogicalBinary",
    "LogicalOperator",
    "LongLiteral",
    "Node",
    "Not",
    "NullLiteral",
    "OutputRefinement",
    "PauseQuery",
    "PrintTopic",
    "Property",
    "Query",
    "Relation",
    "ResumeQuery",
    "RunScript",
    "SearchedCase",
    "SelectItem",
    "SessionWindow",
    "SetProperty",
    "SimpleCase",
    "SingleColumn",
    "SourceKind",
    "SplitStatement",
    "Statement",
    "StringLiteral",
    "StructAll",
    "StructFieldValue",
    "Subscript",
    "TableElement",
    "TerminateQuery",
    "TimeClause",
    "TimeUnit",
    "TumblingWindow",
    "TypeRef",
    "UnarySign",
    "UndefineVariable",
    "UnsetProperty",
    "WhenClause",
    "WindowExpression",
    "WithinExpression",
    "ast",
    "format_sql",
    "iter_children",
    "parse",
    "parse_expression",
    "parse_statement",
    "parse_with_variables",
    "property_map",
    "split_statements",
    "substitute_variables",
    "walk",
]
