"""Every exception ksqlmv raises on purpose, in one tree.

```
KsqlmvError                       exit 1   root: a failure the CLI reports in one line
├── ConfigError                   exit 2   a bad flag, environment variable or configuration file
│   └── PortInUseError                     a service's port is taken: names the port and its flag
├── ValidationError               exit 3   input checked before anything ran (migration, scenario)
│   └── ScenarioError                      a simulator scenario, naming its file and field
├── SqlError                      exit 4   KSQL text that cannot run
│   ├── ParseError                         syntax, with line, column and what was expected
│   └── AnalysisError                      meaning: unknown source or column, type mismatch, ...
│       └── UnknownFunctionError           a call of a function the engine does not have (`.name`)
├── StatementError                exit 4   a server refused a statement (with ksqlDB's error code)
│   ├── MigrationStatementError            a migration file's statement failed: file, line, column
│   └── PartialRequestError                a statement failed after others of its request ran
├── ServiceUnavailableError       exit 5   a broker, registry or ksqlDB server cannot be reached
├── AuthenticationError           exit 6   a service refused our credentials
├── LockHeldError                 exit 7   another process holds a lock (who, since when) too long
├── SerdeError                             bytes that do not decode, or values that do not encode
│   ├── FormatError                        a format that cannot carry these columns or properties
│   └── RecordSerdeError                   one record that does not (de)serialize: processing log
│       ├── DeserializationError           a key or value whose bytes do not decode
│       └── SerializationError             a key or value row that does not encode
├── ProtocolError                          a peer broke the Kafka or HTTP protocol
│   └── KafkaError                         a Kafka request refused with a protocol error code
├── HttpError                              an HTTP request answered with an error status (404, 413)
├── RegistryError                          Schema Registry refused a request (with its error code)
└── ExecutionError                         a running query or service failed
    ├── ServiceExitedError                 a service of `ksqlmv local` died (name, exit code)
    └── FunctionError                      a function failed on one record's values: the
                                           expression yields NULL, the processing log says why
```

The CLI maps each family to its `exit_code` and prints `str(error)`: never a traceback for what the
user can fix. Servers map the same families to HTTP status codes and ksqlDB's error bodies in one
place each.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "AuthenticationError",
    "ConfigError",
    "DeserializationError",
    "ExecutionError",
    "FormatError",
    "FunctionError",
    "HttpError",
    "KafkaError",
    "KsqlmvError",
    "LockHeldError",
    "MigrationStatementError",
    "ParseError",
    "PartialRequestError",
    "PortInUseError",
    "ProtocolError",
    "RecordSerdeError",
    "RegistryError",
    "ScenarioError",
    "SerdeError",
    "SerializationError",
    "ServiceExitedError",
    "ServiceUnavailableError",
    "SqlError",
    "StatementError",
    "UnknownFunctionError",
    "ValidationError",
]


class KsqlmvError(Exception):
    """Root of every error ksqlmv raises on purpose."""

    exit_code = 1


class ConfigError(KsqlmvError):
    """A flag, environment variable or configuration file has a bad value."""

    exit_code = 2


class PortInUseError(ConfigError):
    """A service cannot bind its port; says which port, which flag moves it and who holds it."""

    def __init__(self, port: int, flag: str, holder: str | None = None) -> None:
        held = f" by {holder}" if holder else ""
        super().__init__(f"port {port} is already in use{held}; choose another with {flag}")
        self.port = port
        self.flag = flag
        self.holder = holder


class ValidationError(KsqlmvError):
    """Input was checked before anything ran, and failed: a migration file, a scenario."""

    exit_code = 3


class ScenarioError(ValidationError):
    """A simulator scenario that cannot run: names the file, the line and the field at fault.

    `problems` lists every `(path, line, message)` found, so one run reports them all; `str()`
    shows one line per problem, each starting with `file:line:`.
    """

    def __init__(self, file: str, problems: list[tuple[str, int | None, str]]) -> None:
        lines = [
            f"{file}:{line}: {path}: {message}" if line else f"{file}: {path}: {message}"
            for path, line, message in problems
        ]
        super().__init__("\n".join(lines))
        self.file = file
        self.problems = problems


class SqlError(KsqlmvError):
    """KSQL text that cannot run."""

    exit_code = 4


class ParseError(SqlError):
    """KSQL text that does not follow the grammar.

    `line` and `column` are 1-based and point at the offending token, as ksqlDB reports them.
    """

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}:{column}: {message}")
        self.reason = message
        self.line = line
        self.column = column


class AnalysisError(SqlError):
    """Well-formed KSQL that means nothing: an unknown source or column, a type mismatch."""


class UnknownFunctionError(AnalysisError):
    """A statement calls a function the engine does not have; `name` is the name it used."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


class StatementError(KsqlmvError):
    """A ksqlDB server refused a statement; carries its error code and message."""

    exit_code = 4

    def __init__(self, message: str, error_code: int = 40001, statement: str = "") -> None:
        super().__init__(message)
        self.error_code = error_code
        self.statement = statement


class MigrationStatementError(StatementError):
    """A statement of a migration file cannot run: a syntax error, a statement the migrations
    tool does not allow, or the server's refusal. Names the file, line and column."""

    def __init__(
        self,
        reason: str,
        *,
        path: object,
        line: int,
        column: int,
        statement: str = "",
        error_code: int = 40001,
    ) -> None:
        super().__init__(f"{path}:{line}:{column}: {reason}", error_code, statement)
        self.reason = reason
        self.path = path
        self.line = line
        self.column = column


class PartialRequestError(StatementError):
    """A statement of a `/ksql` request failed after earlier ones of the request had run.

    `entities` are the results of those earlier statements, which stay applied: ksqlDB returns
    them in the `entities` field of its `statement_error` body.
    """

    def __init__(
        self,
        message: str,
        error_code: int,
        statement: str,
        entities: list[dict[str, object]],
    ) -> None:
        super().__init__(message, error_code, statement)
        self.entities = entities


class ServiceUnavailableError(KsqlmvError):
    """A broker, registry or ksqlDB server cannot be reached."""

    exit_code = 5


class AuthenticationError(KsqlmvError):
    """A service refused the credentials we sent (or we sent none and it wants some)."""

    exit_code = 6


class LockHeldError(KsqlmvError):
    """Another process holds a lock and did not release it within the time we were willing to
    wait; the message names the holder, since when it holds it and when its lease ends."""

    exit_code = 7


class SerdeError(KsqlmvError):
    """Bytes that do not decode in the declared format, or values that do not encode."""


class FormatError(SerdeError):
    """A format that cannot carry the declared columns, serde features or properties.

    Raised when a serde is built (CREATE time), never per record; the message is ksqlDB's.
    """


class RecordSerdeError(SerdeError):
    """One record's key or value that does not (de)serialize: the engine logs it and skips it.

    `message` is ksqlDB's message, `causes` the messages of the errors beneath it (the processing
    log's `cause` list), `topic` the topic and `target` "key" or "value".
    """

    def __init__(
        self, message: str, causes: tuple[str, ...] = (), *, topic: str = "", is_key: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.causes = causes
        self.topic = topic
        self.target = "key" if is_key else "value"


class DeserializationError(RecordSerdeError):
    """A key or value whose bytes do not decode in the source's format."""


class SerializationError(RecordSerdeError):
    """A key or value row that does not encode in the sink's format."""


class ProtocolError(KsqlmvError):
    """A peer broke the Kafka or HTTP protocol."""


class KafkaError(ProtocolError):
    """A Kafka request the broker refuses with one of the protocol's error codes.

    `error_code` is Kafka's number (2 CORRUPT_MESSAGE, 3 UNKNOWN_TOPIC_OR_PARTITION, ...); the
    broker puts it in the response and logs the message.
    """

    def __init__(self, error_code: int, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code


class HttpError(KsqlmvError):
    """An HTTP request that gets an error status instead of its handler's answer.

    Raised by the HTTP layer itself (no route: 404, wrong method: 405, body too large: 413) and by
    handlers for generic refusals. Each server renders it in its own error-body dialect.
    """

    def __init__(
        self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


class RegistryError(KsqlmvError):
    """Schema Registry refused a request; carries the registry's error code (40401, 42201, ...).

    The HTTP status is the code's first three digits, as Confluent's registry sends it; a bare
    three-digit code (400, 404) is its own status.
    """

    def __init__(self, error_code: int, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message

    @property
    def http_status(self) -> int:
        """The status the REST API answers with: 40401 -> 404, 42201 -> 422, 409 -> 409."""
        code = self.error_code
        while code >= 1000:
            code //= 10
        return code


class ExecutionError(KsqlmvError):
    """A running query or service failed."""


class ServiceExitedError(ExecutionError):
    """A service of `ksqlmv local` exited on its own; carries its name and exit code."""

    def __init__(self, service: str, exit_code: int | None, detail: str = "") -> None:
        if exit_code is not None and exit_code < 0:
            how = f"was killed by signal {-exit_code}"
        else:
            how = f"exited with code {exit_code}"
        suffix = f": {detail}" if detail else ""
        super().__init__(f"{service} {how}{suffix}")
        self.service = service
        self.returncode = exit_code


class FunctionError(ExecutionError):
    """A scalar, table or aggregate function failed on the values of one record.

    As in ksqlDB, this never stops a query: the expression that called the function yields NULL
    and the error, with its message, goes to the processing log.
    """
