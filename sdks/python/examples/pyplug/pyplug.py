"""pyplug: an Oort portable plugin in Python (standard library only).

- source ``pyrandom``: every ``interval`` ms, a row shaped like ``pattern`` with integers
  replaced by random integers in [0, ``seed``);
- sink ``pyfile``: appends each row as a JSON line to ``path``;
- function ``pyecho``: returns its argument.
"""

import json
import os
import random
import sys

try:
    import oort_plugin  # noqa: F401  (shipped next to this file in the zip)
except ImportError:  # running from the Oort repository: use sdks/python
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from oort_plugin import Function, RetryableError, Sink, Source, start  # noqa: E402


class RandomSource(Source):
    def configure(self, datasource, props):
        self.interval = float(props.get("interval", 1000)) / 1000.0
        self.pattern = props.get("pattern") or {"count": 50}
        self.seed = int(props.get("seed", 100))
        if self.interval <= 0:
            raise ValueError("interval must be positive")

    def open(self, ctx, emit):
        ctx.logger.info("pyrandom emits every %ss", self.interval)
        while not ctx.stopping.wait(self.interval):
            row = {}
            for k, v in self.pattern.items():
                row[k] = random.randrange(self.seed) if isinstance(v, int) and not isinstance(v, bool) else v
            emit(row, {"source": "pyrandom"})


class FileSink(Sink):
    def configure(self, props):
        self.path = props.get("path")
        if not self.path:
            raise ValueError("property path is required")
        self.fh = None

    def open(self, ctx):
        try:
            self.fh = open(self.path, "a", encoding="utf-8")
        except OSError as e:
            raise RetryableError("cannot open %s: %s" % (self.path, e))

    def collect(self, ctx, data):
        for row in data:
            self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.fh.flush()

    def close(self, ctx):
        if self.fh:
            self.fh.close()
            self.fh = None


class Echo(Function):
    def validate(self, args):
        return None if len(args) == 1 else "pyecho expects 1 argument but found %d" % len(args)

    def exec(self, args, ctx):
        return args[0]

    def is_aggregate(self):
        return False


if __name__ == "__main__":
    start("pyplug", sources={"pyrandom": RandomSource}, sinks={"pyfile": FileSink}, functions={"pyecho": Echo})
