"""Every command the README shows runs, in the order shown, in a fresh folder holding the
files it names (STYLE habit 8). `serve` is run for real in test_app.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(language: str = "") -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def commands() -> list[str]:
    """`localsupport ...` lines of the README's plain and shell blocks, comments dropped."""
    found = []
    for body in blocks("") + blocks("sh"):
        for line in body.splitlines():
            line = line.strip().split("  #", 1)[0].strip()
            if "localsupport " in line and " serve" not in line:
                found.append(line)
    return found


def test_readme_opens_with_the_two_commands() -> None:
    first = blocks("")[0]
    assert first.splitlines()[0].startswith("make run")
    assert first.splitlines()[1].startswith("make test")


def test_every_readme_command_runs(tmp_path: Path) -> None:
    sample = resources.files("catalogue") / "sample"
    for name in ("sample-catalogue.csv", "sample-circumstances.csv"):
        (tmp_path / name).write_bytes((sample / name).read_bytes())
    for name, header in (("wards.csv", "postcode,ward"), ("councillors.csv", "name,ward,")):
        (tmp_path / name).write_text(next(b for b in blocks("csv") if b.startswith(header)),
                                     encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "LOCALSUPPORT_DB": str(tmp_path / "localsupport.db")}
    ran = commands()
    assert len(ran) >= 15
    assert shutil.which("localsupport", path=env["PATH"])
    for line in ran:
        line = line.replace(".venv/bin/", "")
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60, check=False)
        if "NOT sent:" in done.stderr and "is not set" in done.stderr:
            # digest send or respond with no Twilio or mail server here: said, and non-zero
            assert done.returncode == 1 and line.split()[1] in ("digest", "respond"), line
            continue
        assert done.returncode == 0, (line, done.stdout, done.stderr)
    assert (tmp_path / "catalogue.csv").exists() and (tmp_path / "services.json").exists()
