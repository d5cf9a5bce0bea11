"""A Lambda execution environment: one Python process that imports a function's handler once and
serves invocation after invocation, as Lambda reuses a warm environment (module state, clients
created at import, /tmp survive between invocations). Started by `lambda_environments` as
`python lambda_runtime.py <module.function> <reply descriptor>`, with the deployed zip on PYTHONPATH
and the function's environment and role credentials in its environment.

Protocol: one JSON event a line on stdin; one JSON line on the reply descriptor for each:
{"result": ...} or {"error": {errorMessage, errorType, stackTrace}}, with "logs", what the handler
printed. An import that fails is reported as the invocation's error and tried again on the next,
as Lambda retries a failed init.
"""

import contextlib
import importlib
import io
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

# The deployed code, not this folder, is what the handler's imports start from.
sys.path[:] = [entry for entry in sys.path if os.path.realpath(entry or ".") != os.path.dirname(os.path.realpath(__file__))]


def main() -> None:
    module_name, function_name = sys.argv[1].rsplit(".", 1)
    replies = os.fdopen(int(sys.argv[2]), "w", buffering=1)
    handler: Callable[[Any, Any], Any] | None = None
    for line in sys.stdin:
        logs = io.StringIO()
        with contextlib.redirect_stdout(logs), contextlib.redirect_stderr(logs):
            try:
                if handler is None:
                    handler = getattr(importlib.import_module(module_name), function_name)
                outcome: dict[str, Any] = {"result": handler(json.loads(line), None)}
            except Exception as error:
                outcome = {
                    "error": {
                        "errorMessage": str(error),
                        "errorType": type(error).__name__,
                        "stackTrace": traceback.format_tb(error.__traceback__),
                    }
                }
        replies.write(json.dumps({**outcome, "logs": logs.getvalue()}, default=str) + "\n")


if __name__ == "__main__":
    main()
