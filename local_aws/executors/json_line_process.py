"""A child process spoken to one JSON object a line: requests on its stdin, replies on a pipe whose
descriptor it gets as its last argument, so that nothing it prints mixes with its replies. The warm
executors (Lambda execution environments, Spark drivers) each keep one per process."""

import contextlib
import json
import os
import select
import signal
import subprocess
from typing import IO, Any


class ProcessEnded(RuntimeError):
    """The process exited before it replied."""


class NoReplyInTime(RuntimeError):
    """The process did not reply within the time given."""


class JsonLineProcess:
    def __init__(self, argv: list[str], environment: dict[str, str], stdout: int | IO[bytes], stderr: int | IO[bytes]) -> None:
        read_end, write_end = os.pipe()
        self._process = subprocess.Popen(
            [*argv, str(write_end)],
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=stderr,
            env=environment,
            pass_fds=(write_end,),
            start_new_session=True,
        )
        os.close(write_end)
        self._replies = os.fdopen(read_end)

    def request(self, message: Any, timeout_seconds: float) -> dict[str, Any]:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(message) + "\n").encode())
            self._process.stdin.flush()
        except BrokenPipeError as error:
            raise ProcessEnded() from error
        return self.reply(timeout_seconds)

    def reply(self, timeout_seconds: float) -> dict[str, Any]:
        ready, _, _ = select.select([self._replies], [], [], timeout_seconds)
        if not ready:
            raise NoReplyInTime()
        line = self._replies.readline()
        if not line:
            raise ProcessEnded()
        answer: dict[str, Any] = json.loads(line)
        return answer

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def stop(self) -> None:
        """Kill the process and what it started (its own session)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        self._replies.close()
