"""The syntax tree of KSQL: frozen, slotted dataclasses with source positions.

Families: `base` (Node, Statement, Expression, TimeClause, TypeRef, walk), `expressions`,
`query` (SELECT, joins, windows), `statements` (DDL and DML), `admin` (SHOW, DESCRIBE, EXPLAIN,
query control, properties, variables) and `asserts`. Import every node from here.
"""

from __future__ import annotations

from ksqlmv.sql.ast.admin import AlterSystemProperty as AlterSystemProperty
from ksqlmv.sql.ast.admin import ConnectorScope as ConnectorScope
from ksqlmv.sql.ast.admin import DefineVariable as DefineVariable
from ksqlmv.sql.ast.admin import DescribeConnector as DescribeConnector
from ksqlmv.sql.ast.admin import DescribeFunction as DescribeFunction
from ksqlmv.sql.ast.admin import DescribeSource as DescribeSource
from ksqlmv.sql.ast.admin import DescribeStreams as DescribeStreams
from ksqlmv.sql.ast.admin import DescribeTables as DescribeTables
from ksqlmv.sql.ast.admin import Explain as Explain
from ksqlmv.sql.ast.admin import ListConnectorPlugins as ListConnectorPlugins
from ksqlmv.sql.ast.admin import ListConnectors as ListConnectors
from ksqlmv.sql.ast.admin import ListFunctions as ListFunctions
from ksqlmv.sql.ast.admin import ListProperties as ListProperties
from ksqlmv.sql.ast.admin import ListQueries as ListQueries
from ksqlmv.sql.ast.admin import ListStreams as ListStreams
from ksqlmv.sql.ast.admin import ListTables as ListTables
from ksqlmv.sql.ast.admin import ListTopics as ListTopics
from ksqlmv.sql.ast.admin import ListTypes as ListTypes
from ksqlmv.sql.ast.admin import ListVariables as ListVariables
from ksqlmv.sql.ast.admin import PauseQuery as PauseQuery
from ksqlmv.sql.ast.admin import PrintTopic as PrintTopic
from ksqlmv.sql.ast.admin import ResumeQuery as ResumeQuery
from ksqlmv.sql.ast.admin import SetProperty as SetProperty
from ksqlmv.sql.ast.admin import TerminateQuery as TerminateQuery
from ksqlmv.sql.ast.admin import UndefineVariable as UndefineVariable
from ksqlmv.sql.ast.admin import UnsetProperty as UnsetProperty
from ksqlmv.sql.ast.asserts import AssertSchema as AssertSchema
from ksqlmv.sql.ast.asserts import AssertStream as AssertStream
from ksqlmv.sql.ast.asserts import AssertTable as AssertTable
from ksqlmv.sql.ast.asserts import AssertTombstone as AssertTombstone
from ksqlmv.sql.ast.asserts import AssertTopic as AssertTopic
from ksqlmv.sql.ast.asserts import AssertValues as AssertValues
from ksqlmv.sql.ast.asserts import RunScript as RunScript
from ksqlmv.sql.ast.base import Expression as Expression
from ksqlmv.sql.ast.base import Node as Node
from ksqlmv.sql.ast.base import Statement as Statement
from ksqlmv.sql.ast.base import TimeClause as TimeClause
from ksqlmv.sql.ast.base import TimeUnit as TimeUnit
from ksqlmv.sql.ast.base import TypeRef as TypeRef
from ksqlmv.sql.ast.base import iter_children as iter_children
from ksqlmv.sql.ast.base import walk as walk
from ksqlmv.sql.ast.expressions import ArithmeticBinary as ArithmeticBinary
from ksqlmv.sql.ast.expressions import ArithmeticOperator as ArithmeticOperator
from ksqlmv.sql.ast.expressions import ArithmeticUnary as ArithmeticUnary
from ksqlmv.sql.ast.expressions import Between as Between
from ksqlmv.sql.ast.expressions import BooleanLiteral as BooleanLiteral
from ksqlmv.sql.ast.expressions import Cast as Cast
from ksqlmv.sql.ast.expressions import ColumnRef as ColumnRef
from ksqlmv.sql.ast.expressions import Comparison as Comparison
from ksqlmv.sql.ast.expressions import ComparisonOperator as ComparisonOperator
from ksqlmv.sql.ast.expressions import CreateArray as CreateArray
from ksqlmv.sql.ast.expressions import CreateMap as CreateMap
from ksqlmv.sql.ast.expressions import CreateStruct as CreateStruct
from ksqlmv.sql.ast.expressions import DecimalLiteral as DecimalLiteral
from ksqlmv.sql.ast.expressions import Dereference as Dereference
from ksqlmv.sql.ast.expressions import DoubleLiteral as DoubleLiteral
from ksqlmv.sql.ast.expressions import FunctionCall as FunctionCall
from ksqlmv.sql.ast.expressions import InList as InList
from ksqlmv.sql.ast.expressions import IntegerLiteral as IntegerLiteral
from ksqlmv.sql.ast.expressions import IntervalUnit as IntervalUnit
from ksqlmv.sql.ast.expressions import IsNotNull as IsNotNull
from ksqlmv.sql.ast.expressions import IsNull as IsNull
from ksqlmv.sql.ast.expressions import Lambda as Lambda
from ksqlmv.sql.ast.expressions import LambdaVariable as LambdaVariable
from ksqlmv.sql.ast.expressions import Like as Like
from ksqlmv.sql.ast.expressions import Literal as Literal
from ksqlmv.sql.ast.expressions import LogicalBinary as LogicalBinary
from ksqlmv.sql.ast.expressions import LogicalOperator as LogicalOperator
from ksqlmv.sql.ast.expressions import LongLiteral as LongLiteral
from ksqlmv.sql.ast.expressions import Not as Not
from ksqlmv.sql.ast.expressions import NullLiteral as NullLiteral
from ksqlmv.sql.ast.expressions import SearchedCase as SearchedCase
from ksqlmv.sql.ast.expressions import SimpleCase as SimpleCase
from ksqlmv.sql.ast.expressions import StringLiteral as StringLiteral
from ksqlmv.sql.ast.expressions import StructFieldValue as StructFieldValue
from ksqlmv.sql.ast.expressions import Subscript as Subscript
from ksqlmv.sql.ast.expressions import UnarySign as UnarySign
from ksqlmv.sql.ast.expressions import WhenClause as WhenClause
from ksqlmv.sql.ast.query import AliasedRelation as AliasedRelation
from ksqlmv.sql.ast.query import AllColumns as AllColumns
from ksqlmv.sql.ast.query import HoppingWindow as HoppingWindow
from ksqlmv.sql.ast.query import Join as Join
from ksqlmv.sql.ast.query import JoinedSource as JoinedSource
from ksqlmv.sql.ast.query import JoinType as JoinType
from ksqlmv.sql.ast.query import OutputRefinement as OutputRefinement
from ksqlmv.sql.ast.query import Query as Query
from ksqlmv.sql.ast.query import Relation as Relation
from ksqlmv.sql.ast.query import SelectItem as SelectItem
from ksqlmv.sql.ast.query import SessionWindow as SessionWindow
from ksqlmv.sql.ast.query import SingleColumn as SingleColumn
from ksqlmv.sql.ast.query import StructAll as StructAll
from ksqlmv.sql.ast.query import TumblingWindow as TumblingWindow
from ksqlmv.sql.ast.query import WindowExpression as WindowExpression
from ksqlmv.sql.ast.query import WithinExpression as WithinExpression
from ksqlmv.sql.ast.statements import AlterColumn as AlterColumn
from ksqlmv.sql.ast.statements import AlterSource as AlterSource
from ksqlmv.sql.ast.statements import ColumnConstraint as ColumnConstraint
from ksqlmv.sql.ast.statements import ConnectorKind as ConnectorKind
from ksqlmv.sql.ast.statements import CreateAsSelect as CreateAsSelect
from ksqlmv.sql.ast.statements import CreateConnector as CreateConnector
from ksqlmv.sql.ast.statements import CreateSource as CreateSource
from ksqlmv.sql.ast.statements import CreateStream as CreateStream
from ksqlmv.sql.ast.statements import CreateStreamAsSelect as CreateStreamAsSelect
from ksqlmv.sql.ast.statements import CreateTable as CreateTable
from ksqlmv.sql.ast.statements import CreateTableAsSelect as CreateTableAsSelect
from ksqlmv.sql.ast.statements import CreateType as CreateType
from ksqlmv.sql.ast.statements import DropConnector as DropConnector
from ksqlmv.sql.ast.statements import DropSource as DropSource
from ksqlmv.sql.ast.statements import DropStream as DropStream
from ksqlmv.sql.ast.statements import DropTable as DropTable
from ksqlmv.sql.ast.statements import DropType as DropType
from ksqlmv.sql.ast.statements import InsertInto as InsertInto
from ksqlmv.sql.ast.statements import InsertValues as InsertValues
from ksqlmv.sql.ast.statements import Property as Property
from ksqlmv.sql.ast.statements import SourceKind as SourceKind
from ksqlmv.sql.ast.statements import TableElement as TableElement
from ksqlmv.sql.ast.statements import property_map as property_map

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
    "iter_children",
    "property_map",
    "walk",
]
