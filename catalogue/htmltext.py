"""HTML from a directory feed to the plain text people read by SMS.

A real parser (the standard library's `html.parser`), not a pattern: comments (CKEditor's
`<!--{cke_protected}...-->` included), scripts and styles are dropped; entities and
non-breaking spaces become plain characters; headings, paragraphs, line breaks and list
items become lines of their own, so a heading never runs into the sentence after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "section",
    "article", "header", "footer", "blockquote", "pre", "hr", "address", "h1", "h2", "h3",
    "h4", "h5", "h6",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HIDDEN = frozenset({"script", "style", "template", "head", "title"})
ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")  # removed, not made spaces


@dataclass(frozen=True)
class Line:
    text: str
    heading: bool = False
    item: bool = False  # a list item


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.words: list[str] = []
        self.hidden = 0
        self.heading = False
        self.item = False

    def flush(self) -> None:
        text = tidy("".join(self.words))
        if text:
            self.lines.append(Line(text, self.heading, self.item))
        self.words = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.flush()
            self.heading, self.item = tag in HEADINGS, tag == "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.flush()
            self.heading = self.item = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.words.append(data)

    def handle_comment(self, data: str) -> None:
        """Comments are never shown."""


def tidy(text: str) -> str:
    """One line, single spaces (str.split() also splits at no-break and other odd spaces)."""
    if not text.isascii():
        text = ZERO_WIDTH.sub("", text)
    return " ".join(text.split())


def html_lines(text: str) -> list[Line]:
    """The text's lines, with which are headings and list items."""
    collector = _Collector()
    collector.feed(text)
    collector.close()
    collector.flush()
    return collector.lines


def plain_text(text: str) -> str:
    """Plain text, one line per paragraph, heading or list item ("- " before items)."""
    return joined(html_lines(text))


def joined(lines: list[Line]) -> str:
    return "\n".join(("- " + line.text) if line.item else line.text for line in lines)


def body_text(lines: list[Line]) -> str:
    """The lines without the headings: what a summary is cut from."""
    return "\n".join(line.text for line in lines if not line.heading)
