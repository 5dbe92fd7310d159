"""A minimal Wangge plugin in Python: one page, and hooks and lifecycle that do nothing.

Build (see docs/other-languages.md):
    componentize-py -d ../../../wit/v1.1.0 -w plugin componentize app -o /tmp/python-hello.wasm
"""

from html import escape

from componentize_py_types import Err
from wit_world import exports
from wit_world.exports.pages import Request, Response
from wit_world.imports import log, types


class Pages(exports.Pages):
    def handle(self, caller: types.Caller, request: Request) -> Response:
        if request.path != "/":
            # A WIT `result<_, error>` export returns its error by raising Err(...).
            raise Err(types.Error_NotFound(f"no page at {request.path}"))
        # `log` is always granted; it needs no permission in plugin.toml.
        log.write(log.Level.INFO, "python-hello page", [("unit", caller.unit.code)])
        name = escape(caller.display_name or "访客")
        unit = escape(caller.unit.name)
        # A text/html body is a fragment: the host frames it in its own layout.
        body = f"<h1>你好，{name}</h1><p>这是用 Python 编写的插件，当前单位：{unit}。</p>"
        return Response(
            status=200,
            title="Python 示例",
            headers=[("content-type", "text/html; charset=utf-8")],
            body=body.encode("utf-8"),
        )


class Hooks(exports.Hooks):
    def resident_changed(self, kind, resident) -> None:
        pass

    def event_reported(self, event) -> None:
        pass

    def event_transitioned(self, event, from_state, action) -> None:
        pass

    def scheduled(self, schedule, at) -> None:
        pass


class Lifecycle(exports.Lifecycle):
    def install(self) -> None:
        pass

    def migrate(self, from_version: str) -> None:
        pass

    def uninstall(self) -> None:
        pass
