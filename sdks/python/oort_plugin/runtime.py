"""The JSON-lines protocol loop (Oort external-process plugin protocol v1).

The engine writes one request per line on stdin; the plugin answers each with a ``result``
carrying the same ``id`` and may send ``emit``/``eof``/``error``/``log`` lines at any time.
Requests for one instance run in order on that instance's own worker thread, so a slow sink
never blocks another instance or the reading of stdin; every write to stdout holds one lock.
"""

import base64
import datetime
import json
import queue
import sys
import threading
import traceback
from typing import Any, BinaryIO, Callable, Dict, Mapping, Optional

from .api import Function
from .context import Context

PROTOCOL = 1
_STOP = object()


def _json_default(v: Any) -> Any:
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, (set, frozenset, tuple)):
        return list(v)
    raise TypeError("value of type %s is not JSON serializable" % type(v).__name__)


def _retryable(err: BaseException) -> bool:
    return bool(getattr(err, "retryable", False)) or isinstance(err, (ConnectionError, TimeoutError, OSError))


class _Worker:
    """Runs the jobs of one instance in order, on a daemon thread."""

    def __init__(self, name: str) -> None:
        self._q: "queue.Queue[Any]" = queue.Queue()
        self._t = threading.Thread(target=self._run, name=name, daemon=True)
        self._t.start()

    def submit(self, job: Callable[[], None]) -> None:
        self._q.put(job)

    def stop(self) -> None:
        self._q.put(_STOP)

    def join(self, timeout: float) -> None:
        self._t.join(timeout)

    def _run(self) -> None:
        while True:
            job = self._q.get()
            if job is _STOP:
                return
            job()


class _Instance:
    def __init__(self, kind: str, symbol: str, obj: Any, ctx: Context) -> None:
        self.kind = kind
        self.symbol = symbol
        self.obj = obj
        self.ctx = ctx
        self.worker = _Worker("oort-" + ctx.instance)
        self.source_thread: Optional[threading.Thread] = None


def _make(factory: Any) -> Any:
    """Factories may be classes, zero-argument callables or (for functions) ready instances."""
    if isinstance(factory, type) or (callable(factory) and not isinstance(factory, Function)):
        return factory()
    return factory


class PluginServer:
    """One plugin process: the symbols it offers and the instances the engine opened."""

    def __init__(
        self,
        name: str,
        sources: Mapping[str, Any],
        sinks: Mapping[str, Any],
        functions: Mapping[str, Any],
        stdin: BinaryIO,
        stdout: BinaryIO,
    ) -> None:
        self.name = name
        self.sources = dict(sources)
        self.sinks = dict(sinks)
        self.functions = dict(functions)
        self._in = stdin
        self._out = stdout
        self._lock = threading.Lock()
        self._instances: Dict[str, _Instance] = {}
        self._shared_functions: Dict[str, Any] = {}
        self._log = Context("", {}, self.send).logger

    def send(self, msg: Dict[str, Any]) -> None:
        line = json.dumps(msg, default=_json_default, separators=(",", ":"), ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        with self._lock:
            self._out.write(data)
            self._out.flush()

    def _reply(self, rid: Any, value: Any = None, has_value: bool = False) -> None:
        msg: Dict[str, Any] = {"id": rid, "type": "result", "ok": True}
        if has_value:
            msg["value"] = value
        try:
            self.send(msg)
        except TypeError as e:
            self._fail(rid, e)

    def _fail(self, rid: Any, err: BaseException) -> None:
        self.send({"id": rid, "type": "result", "ok": False, "error": str(err) or type(err).__name__, "retryable": _retryable(err)})

    def serve(self) -> None:
        aggregates = sorted(n for n in self.functions if _is_aggregate(self._function(n)))
        self.send(
            {
                "type": "ready",
                "protocol": PROTOCOL,
                "name": self.name,
                "sources": sorted(self.sources),
                "sinks": sorted(self.sinks),
                "functions": sorted(self.functions),
                "aggregates": aggregates,
            }
        )
        while True:
            raw = self._in.readline()
            if not raw:
                break
            line = raw.decode("utf-8").strip()
            if not line:
                continue
            try:
                req = json.loads(line)
            except ValueError as e:
                self._log.error("unreadable request: %s", e)
                continue
            try:
                self._handle(req)
            except Exception as e:  # a bug in the plugin must not kill the loop
                self._log.error("request %s failed: %s", req.get("type"), traceback.format_exc())
                if "id" in req:
                    self._fail(req["id"], e)
        self.shutdown()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Closes every instance (stdin reached EOF)."""
        open_now = list(self._instances.values())
        for inst in open_now:
            self._close(inst, None)
        for inst in open_now:
            inst.worker.join(timeout)

    def _handle(self, req: Dict[str, Any]) -> None:
        t = req.get("type")
        rid = req.get("id")
        if t == "ping":
            self._reply(rid)
        elif t == "open":
            self._open(req)
        elif t == "collect":
            inst = self._instances.get(req.get("instance", ""))
            if inst is None or inst.kind != "sink":
                self._fail(rid, KeyError("no open sink instance %s" % req.get("instance")))
                return
            data = req.get("data")
            rows = data if isinstance(data, list) else [data]
            inst.worker.submit(lambda: self._run(rid, lambda: inst.obj.collect(inst.ctx, rows)))
        elif t == "exec":
            self._exec(req)
        elif t == "validate":
            fn = self._function(req.get("symbol", ""))
            self._reply(rid, fn.validate(req.get("args") or []), True)
        elif t == "close":
            inst = self._instances.get(req.get("instance", ""))
            if inst is None:
                self._reply(rid)  # closing twice is fine
            else:
                self._close(inst, rid)
        else:
            self._fail(rid, ValueError("unknown request type %r" % t))

    def _run(self, rid: Any, fn: Callable[[], Any], with_value: bool = False) -> None:
        try:
            v = fn()
        except Exception as e:
            self._fail(rid, e)
            return
        self._reply(rid, v, with_value)

    def _open(self, req: Dict[str, Any]) -> None:
        rid = req.get("id")
        kind = req.get("kind")
        symbol = req.get("symbol", "")
        key = req.get("instance") or "%s/%s" % (kind, symbol)
        table = {"source": self.sources, "sink": self.sinks, "function": self.functions}.get(str(kind))
        if table is None or symbol not in table:
            self._fail(rid, KeyError("plugin %s has no %s %r" % (self.name, kind, symbol)))
            return
        if key in self._instances:
            self._fail(rid, ValueError("instance %s is already open" % key))
            return
        props = req.get("props") or {}
        ctx = Context(key, req.get("ctx") or {}, self.send)
        try:
            obj = _make(table[symbol])
        except Exception as e:
            self._fail(rid, e)
            return
        inst = _Instance(str(kind), symbol, obj, ctx)
        self._instances[key] = inst

        def job() -> None:
            try:
                if kind == "source":
                    obj.configure(str(props.get("datasource", "")), props)
                elif kind == "sink":
                    obj.configure(props)
                    obj.open(ctx)
            except Exception as e:
                self._instances.pop(key, None)
                inst.worker.stop()
                self._fail(rid, e)
                return
            self._reply(rid)
            if kind == "source":
                inst.source_thread = threading.Thread(target=self._source_loop, args=(inst,), name="oort-src-" + key, daemon=True)
                inst.source_thread.start()

        inst.worker.submit(job)

    def _source_loop(self, inst: _Instance) -> None:
        try:
            inst.obj.open(inst.ctx, inst.ctx.emit)
        except Exception as e:
            if not inst.ctx.stopping.is_set():
                inst.ctx.emit_error(e)
                self._log.error("source %s stopped: %s", inst.ctx.instance, traceback.format_exc())

    def _function(self, symbol: str) -> Any:
        if symbol not in self.functions:
            raise KeyError("plugin %s has no function %r" % (self.name, symbol))
        if symbol not in self._shared_functions:
            self._shared_functions[symbol] = _make(self.functions[symbol])
        return self._shared_functions[symbol]

    def _exec(self, req: Dict[str, Any]) -> None:
        rid = req.get("id")
        args = req.get("args") or []
        inst = self._instances.get(req.get("instance") or "")
        if inst is not None and inst.kind == "function":
            inst.worker.submit(lambda: self._run(rid, lambda: inst.obj.exec(args, inst.ctx), True))
            return
        ctx = Context(req.get("instance") or "", req.get("ctx") or {}, self.send)
        self._run(rid, lambda: self._function(req.get("symbol", "")).exec(args, ctx), True)

    def _close(self, inst: _Instance, rid: Any) -> None:
        self._instances.pop(inst.ctx.instance, None)
        inst.ctx.stopping.set()

        def job() -> None:
            try:
                if hasattr(inst.obj, "close"):
                    inst.obj.close(inst.ctx)
            except Exception as e:
                if rid is not None:
                    self._fail(rid, e)
                return
            finally:
                inst.worker.stop()
            if rid is not None:
                self._reply(rid)

        inst.worker.submit(job)


def _is_aggregate(fn: Any) -> bool:
    try:
        return bool(fn.is_aggregate())
    except Exception:
        return False


def start(
    name: str,
    sources: Optional[Mapping[str, Any]] = None,
    sinks: Optional[Mapping[str, Any]] = None,
    functions: Optional[Mapping[str, Any]] = None,
    stdin: Optional[BinaryIO] = None,
    stdout: Optional[BinaryIO] = None,
) -> None:
    """Runs the plugin until the engine closes stdin. Values of the maps are classes (or
    factories) of :class:`Source`, :class:`Sink` and :class:`Function`.

    ``print()`` output is moved to stderr (the engine log) so it cannot corrupt the protocol.

    Example::

        if __name__ == "__main__":
            start("pyplug", sources={"pyrandom": RandomSource}, sinks={"pyfile": FileSink},
                  functions={"pyecho": Echo})
    """
    out = stdout if stdout is not None else sys.stdout.buffer
    inp = stdin if stdin is not None else sys.stdin.buffer
    if stdout is None:
        sys.stdout = sys.stderr
    PluginServer(name, sources or {}, sinks or {}, functions or {}, inp, out).serve()
