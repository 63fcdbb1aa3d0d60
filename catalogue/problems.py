"""What is wrong with a catalogue file, said so that a council officer can fix it.

A problem names the row as the spreadsheet shows it (the header is row 1) and the
column; in an Open Referral UK JSON file it names the service's position and field.
Problems stop an import; warnings are reported and the import goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REPORT_LINES = 25


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row (header = 1), or the service's position in a JSON file
    column: str | None
    message: str
    unit: str = "row"  # "row" in a CSV file, "service" in an Open Referral UK file
    record: str = ""  # the record's own id, where the file gives one (an ORUK service's)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.record:
            where[-1:] = [f'{" ".join(where[-1:])} (id "{self.record}")'.lstrip()]
        if self.column:
            word = "column" if self.unit == "row" else "field"
            where.append(f'{word} "{self.column}"')
        return f"{', '.join(where)}: {self.message}" if where else self.message


def report_lines(items: list[Problem], limit: int = REPORT_LINES) -> list[str]:
    """One line per item, at most `limit` of them, then "... and N more"."""
    lines = [str(item) for item in items[:limit]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more")
    return lines


class CatalogueError(Exception):
    """A file that cannot be imported; `problems` says why, `report()` says it to a person."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        where = f" in {self.source}" if self.source else ""
        head = f"{count} {noun}{where}; nothing was imported:"
        return "\n".join([head, *report_lines(self.problems)])


@dataclass
class Log:
    """Collects the problems and warnings found while reading one file."""

    unit: str = "row"
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # circumstance codes used while none are loaded, with the first row using each:
    # reported once for the file rather than on every row
    codes_without_circumstances: dict[str, int] = field(default_factory=dict)

    # how the file itself names a catalogue column (e.g. ORUK's "name" for "title")
    names: dict[str, str] = field(default_factory=dict)

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(row, self.names.get(column or "", column), message,
                                     self.unit))

    def warn(self, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Problem(row, self.names.get(column or "", column), message,
                                     self.unit))

    def raise_if_any(self, source: str) -> None:
        if self.codes_without_circumstances:
            codes = ", ".join(self.codes_without_circumstances)
            first = min(self.codes_without_circumstances.values())
            self.problems.insert(0, Problem(None, None, (
                f"the criteria use circumstance codes ({codes}; first on {self.unit} {first}) "
                "but no circumstances are loaded yet: import the circumstances CSV "
                "(header code,question) first")))
            self.codes_without_circumstances = {}
        if self.problems:
            raise CatalogueError(self.problems, source)
