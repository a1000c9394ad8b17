"""Start `honcho start` with a Procfile as `make demo` does, and stop it as Ctrl-C in a terminal would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process on the machine."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,stat="], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        pid, ppid, state = line.split(None, 2)
        table[int(pid)] = (int(ppid), state)
    return table


def descendants(root: int) -> set[int]:
    table = process_table()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (ppid, _) in table.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    table = process_table()
    return {pid for pid in pids if pid in table and not table[pid][1].startswith("Z")}


class CollectedProcess:
    """A command in a session of its own, like a shell's foreground job; its output collected line by line."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path):
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))


class Honcho(CollectedProcess):
    """honcho running the demo's Procfile."""

    def __init__(self, procfile: Path, env: dict[str, str], cwd: Path):
        bin_dir = str(Path(sys.executable).parent)
        env = {**env, "PATH": bin_dir + os.pathsep + env.get("PATH", "")}
        super().__init__([sys.executable, "-m", "honcho", "start", "-f", str(procfile), "-d", str(cwd)], env, cwd)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            if text in self.output:
                return True
            time.sleep(0.1)
        return text in self.output

    def ctrl_c(self, seconds: float = 30) -> int:
        """SIGINT to the whole foreground process group, as the terminal sends it."""
        os.killpg(self.process.pid, signal.SIGINT)
        code = self.process.wait(timeout=seconds)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
