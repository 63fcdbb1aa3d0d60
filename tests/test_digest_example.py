"""The digest the README shows is the digest the code makes (docs/digest_example.py), and
its PNG is the HTML part at a phone's width."""

from __future__ import annotations

import asyncio
import re
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))

import digest_example  # noqa: E402


def test_the_readme_shows_the_plain_text_part_as_made() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [shown] = re.findall(r"```text\n(Local Support: weekly digest.*?)```", readme, re.S)
    made = digest_example.example()
    assert shown == made.text
    assert "(docs/digest-phone.png)" in readme and (ROOT / "docs" / "digest-phone.png").exists()
    assert "Sandra" not in made.html and "07700 900456" not in made.html


@pytest.mark.skipif(not digest_example.CHROMIUM.exists(), reason="Debian's chromium is not "
                    "at /usr/bin/chromium")
def test_the_png_is_the_html_part_at_a_phones_width(tmp_path: Path) -> None:
    out = tmp_path / "digest.png"
    asyncio.run(digest_example.screenshot(digest_example.example(), out))
    data = out.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert data.startswith(b"\x89PNG") and width == 390 and height > 1500
