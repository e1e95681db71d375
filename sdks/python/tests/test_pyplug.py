"""Spawns the example plugin as the engine does and speaks the protocol to it."""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYPLUG = os.path.join(HERE, "..", "examples", "pyplug")
sys.path.insert(0, os.path.join(HERE, ".."))


class Plugin:
    """The engine side of the protocol, for tests."""

    def __init__(self):
        env = dict(os.environ, OORT_PLUGIN_PROTOCOL="1")
        self.p = subprocess.Popen(
            [sys.executable, "-u", "pyplug.py"], cwd=PYPLUG, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0

    def _read(self):
        for raw in self.p.stdout:
            with self.cond:
                self.lines.append(json.loads(raw))
                self.cond.notify_all()

    def wait(self, pred, timeout=10):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for m in self.lines:
                    if pred(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no matching message; got %r" % self.lines)
                self.cond.wait(left)

    def request(self, **req):
        self.next_id += 1
        rid = self.next_id
        self.p.stdin.write((json.dumps(dict(req, id=rid)) + "\n").encode())
        self.p.stdin.flush()
        return self.wait(lambda m: m.get("type") == "result" and m.get("id") == rid)

    def stop(self):
        self.p.stdin.close()
        code = self.p.wait(10)
        self.p.stdout.close()
        self.p.stderr.close()
        return code


class PyplugTest(unittest.TestCase):
    def setUp(self):
        self.plugin = Plugin()
        self.addCleanup(lambda: self.plugin.p.poll() is None and self.plugin.stop())

    def test_it_announces_its_symbols_first(self):
        ready = self.plugin.wait(lambda m: m["type"] == "ready")
        self.assertIs(self.plugin.lines[0], ready)
        self.assertEqual(ready["protocol"], 1)
        self.assertEqual(ready["name"], "pyplug")
        self.assertEqual((ready["sources"], ready["sinks"], ready["functions"]), (["pyrandom"], ["pyfile"], ["pyecho"]))

    def test_the_sink_writes_json_lines_and_closes(self):
        path = os.path.join(tempfile.mkdtemp(), "out.jsonl")
        ctx = {"ruleId": "r1", "opId": "sink", "instanceId": 0}
        r = self.plugin.request(type="open", kind="sink", symbol="pyfile", instance="r1/sink/0", props={"path": path}, ctx=ctx)
        self.assertTrue(r["ok"], r)
        r = self.plugin.request(type="collect", instance="r1/sink/0", data=[{"a": 1}, {"a": "x'); DROP --"}])
        self.assertTrue(r["ok"], r)
        self.assertTrue(self.plugin.request(type="close", instance="r1/sink/0")["ok"])
        with open(path, encoding="utf-8") as fh:
            self.assertEqual([json.loads(l) for l in fh], [{"a": 1}, {"a": "x'); DROP --"}])

    def test_a_sink_refusing_its_props_answers_with_an_error(self):
        r = self.plugin.request(type="open", kind="sink", symbol="pyfile", instance="r1/bad/0", props={})
        self.assertFalse(r["ok"])
        self.assertIn("path is required", r["error"])
        r = self.plugin.request(type="collect", instance="r1/bad/0", data=[{"a": 1}])
        self.assertFalse(r["ok"])

    def test_the_function_echoes_and_validates(self):
        r = self.plugin.request(type="exec", symbol="pyecho", args=[{"k": [1, 2]}], instance="r1/f/0")
        self.assertEqual(r, {"id": r["id"], "type": "result", "ok": True, "value": {"k": [1, 2]}})
        r = self.plugin.request(type="validate", symbol="pyecho", args=[])
        self.assertIn("expects 1 argument", r["value"])

    def test_the_source_emits_until_closed(self):
        r = self.plugin.request(type="open", kind="source", symbol="pyrandom", instance="r1/src/0",
                                props={"interval": 10, "pattern": {"count": 1, "tag": "t"}, "seed": 5})
        self.assertTrue(r["ok"], r)
        m = self.plugin.wait(lambda m: m["type"] == "emit" and m["instance"] == "r1/src/0")
        self.assertEqual(m["data"]["tag"], "t")
        self.assertIn(m["data"]["count"], range(5))
        self.assertTrue(self.plugin.request(type="close", instance="r1/src/0")["ok"])

    def test_it_answers_pings_and_unknown_requests(self):
        self.assertTrue(self.plugin.request(type="ping")["ok"])
        self.assertFalse(self.plugin.request(type="frobnicate")["ok"])

    def test_it_exits_0_when_stdin_closes(self):
        self.plugin.request(type="open", kind="source", symbol="pyrandom", instance="r1/s/0", props={"interval": 5})
        self.assertEqual(self.plugin.stop(), 0)


class PackTest(unittest.TestCase):
    def test_pack_ships_the_sdk_next_to_the_executable(self):
        from oort_plugin.pack import pack

        out = os.path.join(tempfile.mkdtemp(), "pyplug.zip")
        pack(PYPLUG, out)
        names = zipfile.ZipFile(out).namelist()
        for n in ("pyplug.json", "pyplug.py", "oort_plugin/__init__.py", "oort_plugin/runtime.py"):
            self.assertIn(n, names)
        with open(out + ".sha256") as fh:
            self.assertEqual(len(fh.read().split()[0]), 64)


if __name__ == "__main__":
    unittest.main()
