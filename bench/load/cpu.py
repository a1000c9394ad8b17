"""CPU time of the served processes, from /proc: a process tree (gunicorn's master and workers, Celery's) and
PostgreSQL's backends serving one database. Linux only; where /proc cannot be read, nothing is counted."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # the fields after the command name, which may hold spaces


def own_seconds(pid: int) -> float:
    """The process's own user and system time."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0


def tree_seconds(pid: int) -> float:
    """A process, its live descendants and the children it has reaped (a worker replaced after max_requests)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    total = sum(int(value) for value in fields[11:15]) / TICK
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (child := _stat(int(entry.name))) is not None:
            children.setdefault(int(child[1]), []).append(int(entry.name))
    stack = list(children.get(pid, []))
    while stack:
        child = stack.pop()
        total += own_seconds(child)
        stack.extend(children.get(child, []))
    return total


def machine_seconds() -> float:
    """Busy CPU time of the whole machine, all cores, since boot (/proc/stat: all but idle and iowait)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK
