"""`localsupport catalogue import|check|export` as a council officer runs them."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from catalogue.store import load_entries, open_db

DATA = Path(__file__).parent / "data"
CIRCUMSTANCES = "code,question\nincome_benefit,Do you get Universal Credit?\n"
CATALOGUE = (
    "id,kind,title,summary,min_age,max_age,criteria\n"
    "fsm,entitlement,Free school meals,Free lunch at school.,4,18,income_benefit\n"
    "youth,service,Youth club,Evening sessions.,11,19,\n"
)
BAD = CATALOGUE + "bins,servise,Bins,Bin day.,,,\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, text in [("circumstances.csv", CIRCUMSTANCES), ("catalogue.csv", CATALOGUE),
                       ("bad.csv", BAD)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths[name] = str(tmp_path / name)
    paths["db"] = str(tmp_path / "localsupport.db")
    return paths


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def entry_ids(db: str) -> list[str]:
    return [e.id for e in load_entries(open_db(db))]


def test_import_circumstances_then_catalogue(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    code, out, _ = run(capsys, "catalogue", "import", files["circumstances.csv"],
                       "--db", files["db"])
    assert code == 0 and out.startswith("Imported: 1 circumstance (circumstances.csv): 1 new")
    code, out, err = run(capsys, "catalogue", "import", files["catalogue.csv"],
                         "--db", files["db"])
    assert code == 0 and err == ""
    assert out == ("Imported: 2 catalogue entries (catalogue.csv): 2 new, 0 changed, "
                   "0 unchanged, 0 removed.\n")
    assert entry_ids(files["db"]) == ["fsm", "youth"]


def test_a_bad_row_is_named_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    run(capsys, "catalogue", "import", files["circumstances.csv"], "--db", files["db"])
    for command in ("import", "check"):
        code, out, err = run(capsys, "catalogue", command, files["bad.csv"], "--db", files["db"])
        assert (code, out) == (1, "")
        assert err.splitlines() == [
            "1 problem in bad.csv; nothing was imported:",
            'row 4, column "kind": "servise" is not one of service, entitlement, volunteering, '
            'proposal (did you mean "service"?)',
        ]
    assert entry_ids(files["db"]) == []


def test_check_and_dry_run_change_nothing(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    run(capsys, "catalogue", "import", files["circumstances.csv"], "--db", files["db"])
    code, out, _ = run(capsys, "catalogue", "check", files["catalogue.csv"], "--db", files["db"])
    assert code == 0 and out.startswith("OK: 2 catalogue entries")
    code, out, _ = run(capsys, "catalogue", "import", files["catalogue.csv"], "--dry-run",
                       "--db", files["db"])
    assert code == 0 and out.startswith("Dry run, nothing changed: 2 catalogue entries")
    assert entry_ids(files["db"]) == []


def test_replace_removes_what_the_file_does_not_hold(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    run(capsys, "catalogue", "import", files["circumstances.csv"], "--db", files["db"])
    run(capsys, "catalogue", "import", files["catalogue.csv"], "--db", files["db"])
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("id,kind,title,summary\nyouth,service,Youth club,Evening sessions.\n",
                       encoding="utf-8")
    before = entry_ids(files["db"])
    code, out, _ = run(capsys, "catalogue", "import", str(smaller), "--replace", "--dry-run",
                       "--db", files["db"])
    gone = [i for i in before if i != "youth"]
    assert code == 0 and f"Would remove: {', '.join(gone)}." in out
    code, out, _ = run(capsys, "catalogue", "import", str(smaller), "--replace",
                       "--db", files["db"])
    assert code == 0 and f"{len(gone)} removed" in out and f"Removed: {gone[0]}" in out
    assert entry_ids(files["db"]) == ["youth"]


def test_export_and_reimport_round_trip(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    run(capsys, "catalogue", "import", files["circumstances.csv"], "--db", files["db"])
    run(capsys, "catalogue", "import", files["catalogue.csv"], "--db", files["db"])
    out_csv, out_json = str(tmp_path / "out.csv"), str(tmp_path / "out.json")
    code, out, _ = run(capsys, "catalogue", "export", out_csv, "--db", files["db"])
    assert (code, out) == (0, f"Wrote 2 entries to {out_csv} (csv).\n")
    code, out, _ = run(capsys, "catalogue", "export", out_json, "--db", files["db"])
    assert code == 0 and out.endswith("(oruk).\n")
    assert json.loads(Path(out_json).read_text(encoding="utf-8"))["total_items"] == 2
    for exported in (out_csv, out_json):
        code, out, _ = run(capsys, "catalogue", "import", exported, "--db", files["db"])
        assert code == 0 and "2 unchanged" in out


def test_oruk_import(capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> None:
    code, out, _ = run(capsys, "catalogue", "import", str(DATA / "oruk-sample.json"),
                       "--db", files["db"])
    assert code == 0
    assert out.startswith("Imported: 3 services from an Open Referral UK feed")
    assert "oruk-7731" in entry_ids(files["db"])


def test_warnings_go_to_stderr_and_the_import_goes_on(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    path.write_text("id,kind,title,summary\nlong,service,Long," + "x" * 301 + "\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "catalogue", "import", str(path), "--db", files["db"])
    assert code == 0 and "1 warning" in out
    assert err.startswith('warning: row 2, column "summary": is 301 characters long')


def test_unreadable_and_unwritable_paths_are_plain_errors(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "catalogue", "import", str(tmp_path / "nope.csv"),
                       "--db", files["db"])
    assert code == 1 and "cannot read" in err and "nope.csv" in err
    code, _, err = run(capsys, "catalogue", "export", str(tmp_path / "no" / "dir.csv"),
                       "--db", files["db"])
    assert code == 1 and "cannot write" in err


def test_lgsl_catalogue_imports_from_the_command_line(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    code, out, err = run(capsys, "catalogue", "import", str(DATA / "lgsl-catalogue.csv"),
                         "--db", files["db"])
    assert (code, err) == (0, "")
    assert "1519 catalogue entries" in out and "1519 new" in out


def localsupport() -> list[str]:
    script = Path(sys.executable).parent / "localsupport"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def test_installed_command_imports_and_refuses(files: dict[str, str]) -> None:
    def call(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*localsupport(), *argv, "--db", files["db"]],
                              capture_output=True, text=True, timeout=60, check=False)

    done = call("catalogue", "import", files["circumstances.csv"])
    assert done.returncode == 0, done.stderr
    refused = call("catalogue", "import", files["bad.csv"])
    assert refused.returncode == 1
    assert 'row 4, column "kind": "servise"' in refused.stderr
    assert entry_ids(files["db"]) == []
    done = call("catalogue", "import", files["catalogue.csv"])
    assert done.returncode == 0 and "2 new" in done.stdout
    assert entry_ids(files["db"]) == ["fsm", "youth"]


def test_empty_database_gets_the_sample_catalogue(
    capsys: pytest.CaptureFixture[str], files: dict[str, str]
) -> None:
    code, out, err = run(capsys, "ask", "free school meals", "--json", "--db", files["db"])
    assert code == 0 and "SAMPLE catalogue" in err
    assert len(entry_ids(files["db"])) >= 60
    assert json.loads(out.splitlines()[0])["query"] == "free school meals"


# -- the hand-over from the sample ------------------------------------------------------------

def call_with(
    files: dict[str, str], *argv: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "--db", files["db"], *argv],
                          input=stdin, capture_output=True, text=True, check=False)


def test_the_councils_first_import_asks_then_replaces_the_sample(files: dict[str, str]) -> None:
    from catalogue.store import sample_in_use

    started = call_with(files, "ask", "free school meals")
    assert "SAMPLE catalogue" in started.stderr
    assert sample_in_use(open_db(files["db"]))
    assert call_with(files, "catalogue", "import", files["circumstances.csv"]).returncode == 0
    declined = call_with(files, "catalogue", "import", files["catalogue.csv"], stdin="n\n")
    assert declined.returncode == 1
    assert "holds the SAMPLE catalogue (94 made-up entries" in declined.stderr
    assert "Nothing imported: the sample catalogue is still in use." in declined.stderr
    assert len(entry_ids(files["db"])) == 94
    dry = call_with(files, "catalogue", "import", files["catalogue.csv"], "--dry-run")
    assert dry.returncode == 0 and "This would replace the SAMPLE catalogue" in dry.stdout
    accepted = call_with(files, "catalogue", "import", files["catalogue.csv"], stdin="yes\n")
    assert accepted.returncode == 0, accepted.stderr
    assert "2 new" in accepted.stdout
    assert "This replaces the SAMPLE catalogue: its 94 made-up entries are removed." in (
        accepted.stdout)
    assert "sample council's 5 postcode sectors are taken out" in accepted.stdout
    assert entry_ids(files["db"]) == ["fsm", "youth"]
    assert not sample_in_use(open_db(files["db"]))
    after = call_with(files, "ask", "free school meals")
    assert after.returncode == 0 and "SAMPLE" not in after.stderr
    looked_up = call_with(files, "wards", "lookup", "ZZ1 1AA")
    assert looked_up.returncode == 1 and "not in the lookup" in looked_up.stdout


def test_yes_replaces_the_sample_without_asking(files: dict[str, str]) -> None:
    assert call_with(files, "ask", "help").returncode == 0
    done = call_with(files, "catalogue", "import", str(DATA / "oruk-sample.json"), "--yes")
    assert done.returncode == 0 and "its 94 made-up entries are removed" in done.stdout
    assert len(entry_ids(files["db"])) == 3


def test_a_sample_loaded_before_entries_had_a_source_is_still_the_sample(tmp_path: Path) -> None:
    from catalogue.importer import load_sample
    from catalogue.schema import SCHEMA
    from catalogue.storage import migrate
    from catalogue.store import sample_in_use

    db = open_db(tmp_path / "old.db")
    load_sample(db)
    db.execute("UPDATE entries SET source = NULL")  # as an older version left it
    db.execute("DELETE FROM schema_migrations WHERE id = 'catalogue.0003_mark_sample_entries'")
    assert not sample_in_use(db)
    migrate(db, [SCHEMA])
    assert sample_in_use(db)


def test_export_formats_from_the_command_line(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    run(capsys, "catalogue", "import", str(DATA / "oruk-sample.json"), "--db", files["db"])
    for fmt, key in (("oruk", "contents"), ("oruk-v1", "content")):
        path = tmp_path / f"{fmt}.json"
        code, out, _ = run(capsys, "catalogue", "export", str(path), "--format", fmt,
                           "--db", files["db"])
        assert (code, out) == (0, f"Wrote 3 entries to {path} ({fmt}).\n")
        assert len(json.loads(path.read_text(encoding="utf-8"))[key]) == 3


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file and its bytes, but SQLite's shared-memory index (-shm), where a reader
    marks what it reads while another connection has the database open. Connections the
    earlier commands left to the garbage collector are closed first: one closing later
    checkpoints its log, a change no check made."""
    gc.collect()
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.endswith("-shm")}


def test_check_creates_and_changes_no_database(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    new_db = tmp_path / "nowhere.db"
    code, out, _ = run(capsys, "catalogue", "check", files["circumstances.csv"],
                       "--db", str(new_db))
    assert code == 0 and out.startswith("OK: 1 circumstance (circumstances.csv)")
    code, out, _ = run(capsys, "catalogue", "import", files["catalogue.csv"], "--dry-run",
                       "--db", str(new_db))
    assert code == 1  # no circumstances in a database that is not there
    assert not new_db.exists() and not list(tmp_path.glob("nowhere.db*"))
    run(capsys, "catalogue", "import", files["circumstances.csv"], "--db", files["db"])
    before = folder_state(tmp_path)
    code, out, _ = run(capsys, "catalogue", "check", files["catalogue.csv"], "--db", files["db"])
    assert code == 0 and out.startswith("OK: 2 catalogue entries")  # the database's codes
    code, out, _ = run(capsys, "catalogue", "import", files["catalogue.csv"], "--dry-run",
                       "--db", files["db"])
    assert code == 0 and "2 new" in out
    assert folder_state(tmp_path) == before
    # a database nothing has open: not even a write-ahead log appears beside it
    closed = tmp_path / "closed"
    closed.mkdir()
    db = open_db(closed / "closed.db")
    db.close()
    before = folder_state(closed)
    code, _, _ = run(capsys, "catalogue", "check", files["circumstances.csv"],
                     "--db", str(closed / "closed.db"))
    assert code == 0 and [p.name for p in closed.iterdir()] == ["closed.db"]
    assert folder_state(closed) == before


def test_replace_from_a_feed_removes_only_the_feeds_entries(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    run(capsys, "catalogue", "import", files["circumstances.csv"], "--db", files["db"])
    run(capsys, "catalogue", "import", files["catalogue.csv"], "--db", files["db"])
    run(capsys, "catalogue", "import", str(DATA / "oruk-sample.json"), "--db", files["db"])
    page = json.loads((DATA / "oruk-sample.json").read_text(encoding="utf-8"))
    dropped = page["content"].pop()
    smaller = tmp_path / "feed.json"
    smaller.write_text(json.dumps(page), encoding="utf-8")
    code, out, _ = run(capsys, "catalogue", "import", str(smaller), "--replace",
                       "--db", files["db"])
    gone = f"oruk-{dropped['id']}"
    assert code == 0 and ", 1 removed;" in out and out.endswith(
        f". Removed: {gone}. --replace replaces only the entries that came from an "
        "Open Referral UK feed: the 2 entries from a catalogue CSV are kept.\n")
    assert gone not in entry_ids(files["db"]) and {"fsm", "youth"} <= set(entry_ids(files["db"]))


def test_counts_of_one_read_right_on_the_command_line(
    capsys: pytest.CaptureFixture[str], files: dict[str, str], tmp_path: Path
) -> None:
    one = tmp_path / "one.csv"
    one.write_text("id,kind,title,summary\nyouth,service,Youth club,Evening sessions.\n",
                   encoding="utf-8")
    code, out, _ = run(capsys, "catalogue", "import", str(one), "--db", files["db"])
    assert (code, out) == (0, "Imported: 1 catalogue entry (one.csv): 1 new, 0 changed, "
                              "0 unchanged, 0 removed.\n")
    exported = tmp_path / "out.csv"
    code, out, _ = run(capsys, "catalogue", "export", str(exported), "--db", files["db"])
    assert (code, out) == (0, f"Wrote 1 entry to {exported} (csv).\n")
