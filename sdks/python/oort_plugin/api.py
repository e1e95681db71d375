"""The plugin contract for Python: base classes a plugin subclasses.

Mirrors eKuiper's Python SDK (configure/open/collect/close, validate/exec/is_aggregate) so
existing portable plugins port with few changes, but runs on Oort's JSON-lines protocol and
needs nothing outside the standard library.
"""

from typing import Any, Callable, Dict, List, Optional

Emit = Callable[..., None]


class RetryableError(Exception):
    """A failure worth retrying (connection lost, server busy): the engine keeps the data and
    sends it again. ``ConnectionError``, ``TimeoutError`` and ``OSError`` count as retryable too.

    Example::

        raise RetryableError("database unreachable")
    """

    retryable = True


class Source:
    """A source of records. ``open`` runs in its own thread and may loop until
    ``ctx.stopping`` is set; it hands records over with ``emit(data, meta=None)``.

    Example::

        class Ticks(Source):
            def configure(self, datasource, props):
                self.interval = props.get("interval", 1000) / 1000
            def open(self, ctx, emit):
                n = 0
                while not ctx.stopping.wait(self.interval):
                    n += 1
                    emit({"n": n})
            def close(self, ctx):
                pass
    """

    def configure(self, datasource: str, props: Dict[str, Any]) -> None:
        """Validates and keeps the properties; no I/O here. Raise to refuse them."""

    def open(self, ctx: "Any", emit: Emit) -> None:
        raise NotImplementedError("Source.open")

    def close(self, ctx: "Any") -> None:
        """Releases resources. ``ctx.stopping`` is already set when this runs."""


class Sink:
    """A destination for rule results. ``collect`` gets a list of rows (dicts); it is called
    for one instance at a time, in order. Raise :class:`RetryableError` to have the data resent.

    Example::

        class Printer(Sink):
            def collect(self, ctx, data):
                for row in data:
                    print(row, file=sys.stderr)
    """

    def configure(self, props: Dict[str, Any]) -> None:
        """Validates and keeps the properties; no I/O here. Raise to refuse them."""

    def open(self, ctx: "Any") -> None:
        """Connects to the destination."""

    def collect(self, ctx: "Any", data: List[Dict[str, Any]]) -> None:
        raise NotImplementedError("Sink.collect")

    def close(self, ctx: "Any") -> None:
        """Flushes what is pending and disconnects."""


class Function:
    """A SQL function. Scalar functions get one value per argument; aggregate functions get,
    for each argument, the list of its values over the group.

    Example::

        class Echo(Function):
            def validate(self, args):
                return None if len(args) == 1 else "echo expects 1 argument"
            def exec(self, args, ctx):
                return args[0]
    """

    def validate(self, args: List[Any]) -> Optional[str]:
        """Returns an error message to refuse a call, or None. ``args`` describe the
        arguments: ``{"kind": "literal", "value": ...}``, ``{"kind": "field", "name": ...}``."""
        return None

    def exec(self, args: List[Any], ctx: "Any") -> Any:
        raise NotImplementedError("Function.exec")

    def is_aggregate(self) -> bool:
        return False
