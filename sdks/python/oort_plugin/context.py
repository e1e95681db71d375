"""What a plugin instance knows about where it runs, and its way to talk back to the engine."""

import threading
from typing import Any, Callable, Dict, Optional


class Logger:
    """Sends log lines to the engine log (tagged with the rule and operator)."""

    def __init__(self, send: Callable[[Dict[str, Any]], None], prefix: str) -> None:
        self._send = send
        self._prefix = prefix

    def _log(self, level: str, msg: str, *args: Any) -> None:
        text = (msg % args) if args else str(msg)
        self._send({"type": "log", "level": level, "msg": self._prefix + text})

    def debug(self, msg: str, *args: Any) -> None:
        self._log("debug", msg, *args)

    def info(self, msg: str, *args: Any) -> None:
        self._log("info", msg, *args)

    def warn(self, msg: str, *args: Any) -> None:
        self._log("warn", msg, *args)

    warning = warn

    def error(self, msg: str, *args: Any) -> None:
        self._log("error", msg, *args)


class Context:
    """The context of one source, sink or function instance.

    ``rule_id``, ``op_id``, ``instance_id``, ``instance`` (the engine's instance key),
    ``logger``, ``stopping`` (a :class:`threading.Event` set when the instance closes) and,
    for sources, ``emit``/``emit_eof``/``emit_error``. The ``get_*`` methods are eKuiper's names.
    """

    def __init__(self, instance: str, meta: Dict[str, Any], send: Callable[[Dict[str, Any]], None]) -> None:
        self.instance = instance
        self.rule_id = str(meta.get("ruleId", ""))
        self.op_id = str(meta.get("opId", ""))
        self.instance_id = int(meta.get("instanceId", 0) or 0)
        self.stopping = threading.Event()
        self._send = send
        self.logger = Logger(send, "[%s/%s] " % (self.rule_id, self.op_id) if self.rule_id else "")

    def emit(self, data: Any, meta: Optional[Dict[str, Any]] = None) -> None:
        """Hands a record (dict) or a list of records to the engine. Ignored once stopping."""
        if self.stopping.is_set():
            return
        msg = {"type": "emit", "instance": self.instance, "data": data}
        if meta:
            msg["meta"] = meta
        self._send(msg)

    def emit_eof(self) -> None:
        """A bounded source has no more data."""
        self._send({"type": "eof", "instance": self.instance})

    def emit_error(self, error: Any) -> None:
        """Reports an error that does not stop the source."""
        self._send({"type": "error", "instance": self.instance, "error": str(error)})

    def get_rule_id(self) -> str:
        return self.rule_id

    def get_op_id(self) -> str:
        return self.op_id

    def get_instance_id(self) -> int:
        return self.instance_id

    def get_logger(self) -> Logger:
        return self.logger
