"""The Helm chart rendered without helm (none can be had here; decision 0059): deploy/chart/render, a Go program on
Go's text/template — Helm's own engine — with the Helm and Sprig functions the chart uses. Needs `go` (Debian's
golang-go; .ci/run installs it)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "chart" / "delbar"
RENDERER = ROOT / "deploy" / "chart" / "render"
SECRETS = {"values": {"SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://u:p@db/delbar",
                      "REDIS_URL": "redis://redis:6379/0"}}


def build_renderer(folder: Path) -> Path:
    go = shutil.which("go")
    if go is None:
        # CI must render the chart (.ci/run installs Go); a developer's machine without Go skips, saying why.
        message = "The chart tests need Go (Debian's golang-go) to render the chart; .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    binary = folder / "render"
    subprocess.run([go, "build", "-o", str(binary), "."], cwd=RENDERER, check=True, timeout=240,
                   env={**_go_env(folder)})
    return binary


def _go_env(folder: Path) -> dict[str, str]:
    import os

    return {**os.environ, "GOPROXY": "off", "GOTOOLCHAIN": "local",
            "GOCACHE": os.environ.get("GOCACHE", str(Path.home() / ".cache" / "go-build"))}


def merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def render(binary: Path, overrides: dict | None = None, *, release: str = "delbar") -> list[dict]:
    """Every manifest of the chart with values.yaml and ``overrides``, as ``helm template`` would give them."""
    result = render_raw(binary, overrides, release=release)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def render_raw(binary: Path, overrides: dict | None = None, *, release: str = "delbar"):
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    data = json.dumps({"Chart": chart, "Values": merge(values, overrides or {})})
    return subprocess.run([str(binary), str(CHART), release, "delbar"], input=data, capture_output=True, text=True,
                          timeout=60)
