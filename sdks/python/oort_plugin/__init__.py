"""Oort plugin SDK for Python (standard library only, Python 3.8+).

Write sources, sinks and functions by subclassing :class:`Source`, :class:`Sink` and
:class:`Function`, then call :func:`start` from the executable named in the manifest::

    from oort_plugin import Sink, start

    class Printer(Sink):
        def collect(self, ctx, data):
            ctx.logger.info("got %d rows", len(data))

    if __name__ == "__main__":
        start("printer", sinks={"printer": Printer})
"""

from .api import Function, RetryableError, Sink, Source
from .context import Context, Logger
from .runtime import PROTOCOL, PluginServer, start

__all__ = ["Source", "Sink", "Function", "Context", "Logger", "RetryableError", "PluginServer", "start", "PROTOCOL"]
__version__ = "1.0.0"
