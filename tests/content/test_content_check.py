"""`python -m bot content check` passes on the real content and names each problem in Danish."""

from __future__ import annotations

import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from content_helpers import make_text, rewrite

from bot.content import check, cli
from bot.content.check import run_check
from bot.redflags.catalogue import CATEGORY_NAMES
from bot.settings import PROJECT_ROOT


def problems_for(content_dir: Path, used_ids=()) -> list[str]:
    return run_check(content_dir, used_ids=used_ids).problems


def problems_about(problems: list[str], file_name: str) -> list[str]:
    return [p for p in problems if file_name in p]


def test_check_passes_on_the_real_content(capsys):
    assert cli.main(["content", "check", "--content", str(PROJECT_ROOT / "content")]) == 0
    out = capsys.readouterr().out
    assert "Alt er i orden" in out
    assert "velkommen" in out and "LIX" in out


def test_python_m_bot_content_check_is_the_entry_point():
    run = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "content/da/" in run.stdout or "Alt er i orden" in run.stdout


def test_check_prints_the_lix_table_for_every_text(content_copy, capsys):
    cli.main(["content", "check", "--content", str(content_copy)])
    out = capsys.readouterr().out
    for path in (content_copy / "da").glob("*.md"):
        assert path.stem in out


def test_missing_field_is_named_with_its_file(content_copy):
    rewrite(content_copy / "da" / "a.md", make_text("a", replace={"title: En test\n": ""}))
    problems = problems_about(problems_for(content_copy), "a.md")
    assert problems == [
        f"{content_copy / 'da' / 'a.md'}, linje 1: Feltet 'title' mangler. "
        "Tilføj 'title: ...' mellem linjerne med '---'."
    ]


def test_id_that_does_not_match_the_file_name_is_reported_with_its_line(content_copy):
    rewrite(content_copy / "da" / "a.md", make_text("b"))
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert "linje 2" in problem and "passer ikke til filnavnet" in problem
    assert "Filen skal hedde 'b.md', eller id'et skal være 'a'." in problem


def test_empty_source_title_and_bad_url_are_reported(content_copy):
    bad = make_text(
        "a", replace={'title: "Vælg Klogt"': 'title: ""', "url: https://vaelgklogt.dk/": "url: vaelgklogt.dk"}
    )
    rewrite(content_copy / "da" / "a.md", bad)
    problems = problems_about(problems_for(content_copy), "a.md")
    assert any("Kilde nr. 1 mangler en titel" in p and "linje 7" in p for p in problems)
    assert any("Kilde nr. 1 skal have en webadresse, der starter med https://" in p for p in problems)


def test_missing_sources_field_is_a_problem(content_copy):
    bad = make_text("a", replace={"sources:\n  - title: \"Vælg Klogt\"\n    url: https://vaelgklogt.dk/\n": ""})
    rewrite(content_copy / "da" / "a.md", bad)
    assert any("'sources' mangler" in p for p in problems_about(problems_for(content_copy), "a.md"))


def test_unknown_placeholder_is_reported_with_its_line(content_copy):
    rewrite(content_copy / "da" / "a.md", make_text("a", "Hej.\n\nRing til {laegevagten}."))
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert problem.startswith(f"{content_copy / 'da' / 'a.md'}, linje 13: Pladsholderen '{{laegevagten}}' kendes ikke.")
    assert "{laegevagt}" in problem


def test_html_in_the_body_is_reported(content_copy):
    rewrite(content_copy / "da" / "a.md", make_text("a", "Hej <b>du</b>."))
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert "HTML er ikke tilladt" in problem and "linje 11" in problem


def test_broken_yaml_is_reported_with_its_line(content_copy):
    rewrite(content_copy / "da" / "a.md", make_text("a", replace={"title: En test": "title: [ikke lukket"}))
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert "Felterne kan ikke læses" in problem and "linje 4" in problem


def test_missing_front_matter_is_reported(content_copy):
    rewrite(content_copy / "da" / "a.md", "Bare tekst.")
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert "linje 1" in problem and "'---'" in problem


def test_bad_review_date_is_reported(content_copy):
    rewrite(content_copy / "da" / "a.md", make_text("a", replace={"reviewed_on: 2026-01-31": "reviewed_on: i går"}))
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert "'reviewed_on' skal være en dato" in problem and "linje 5" in problem


def test_a_hard_text_fails_on_lix(content_copy):
    hard = " ".join(["Behandlingsmuligheder, undersøgelsesresultater og sundhedsmyndighedernes anbefalinger"] * 6) + "."
    rewrite(content_copy / "da" / "a.md", make_text("a", hard))
    (problem,) = problems_about(problems_for(content_copy), "a.md")
    assert "LIX er" in problem and "højst være 35" in problem and "linje 11" in problem


def test_a_text_the_assistant_uses_must_exist(content_copy):
    (content_copy / "da" / "privatliv.md").unlink()
    problems = problems_for(content_copy, used_ids={"privatliv", "velkommen"})
    assert problems_about(problems, "privatliv.md") == [
        f"{content_copy / 'da' / 'privatliv.md'}: Teksten mangler. "
        "Botten bruger id'et 'privatliv' (se bot/routing.py). Opret filen."
    ]


def test_a_broken_region_is_reported_with_its_line(content_copy):
    path = content_copy / "regions.yml"
    rewrite(path, path.read_text(encoding="utf-8").replace('phone: "1818"', 'phone: ""'))
    (problem,) = problems_about(problems_for(content_copy), "regions.yml")
    assert "linje 9" in problem and "'sjaelland'" in problem and "telefonnummer" in problem


def test_the_cli_exits_non_zero_and_prints_each_problem(content_copy, capsys):
    rewrite(content_copy / "da" / "a.md", make_text("b"))
    rewrite(content_copy / "da" / "c.md", make_text("c", "Ring {x}."))
    assert cli.main(["content", "check", "--content", str(content_copy)]) == 1
    out = capsys.readouterr().out
    assert "Fejl:" in out and "a.md" in out and "c.md" in out
    assert "Ret dem, og kør tjekket igen." in out


@dataclass
class FakeCategory:
    name: str
    level: str
    question: str
    why: str
    simpler: str


def fake_catalogue(monkeypatch, categories: dict) -> None:
    """Stand in for the detector engineer's parser, to test what the check does with its result."""
    monkeypatch.setattr(check, "parse_catalogue", lambda path: types.SimpleNamespace(categories=categories))


def full_categories() -> dict:
    return {name: FakeCategory(name, "urgent", "Spørgsmål?", "Fordi.", "Enklere?") for name in CATEGORY_NAMES}


def test_every_red_flag_category_needs_question_why_and_simpler(content_copy, monkeypatch):
    categories = full_categories()
    categories["infection"].simpler = " "
    del categories["trauma"]
    fake_catalogue(monkeypatch, categories)
    problems = problems_about(problems_for(content_copy), "redflags.yml")
    assert any("Kategorien 'infection' mangler teksten 'simpler'" in p for p in problems)
    assert any("Kategorien 'trauma' mangler" in p and "navne må ikke ændres" in p for p in problems)
    assert len(problems) == 2


def test_a_complete_catalogue_passes_and_gets_a_lix_row_per_category(content_copy, monkeypatch, capsys):
    fake_catalogue(monkeypatch, full_categories())
    result = run_check(content_copy, used_ids=())
    assert problems_about(result.problems, "redflags.yml") == []
    assert [row.name for row in result.redflag_rows] == list(CATEGORY_NAMES)
    cli.main(["content", "check", "--content", str(content_copy)])
    assert "fracture_risk" in capsys.readouterr().out


def test_catalogue_parse_errors_are_passed_on_line_by_line(content_copy, monkeypatch):
    from bot.content import ContentError

    def broken(path):
        raise ContentError(f"{path}, linje 3: Feltet 'question' mangler.\n{path}, linje 9: Ukendt niveau.")

    monkeypatch.setattr(check, "parse_catalogue", broken)
    problems = problems_about(problems_for(content_copy), "redflags.yml")
    assert [p.split(": ", 1)[1] for p in problems] == ["Feltet 'question' mangler.", "Ukendt niveau."]


def test_a_renamed_red_flag_category_fails_with_the_catalogue_parsers_message(content_copy):
    path = content_copy / "redflags.yml"
    rewrite(path, path.read_text(encoding="utf-8").replace("\nbladder_bowel:", "\nblaere:"))
    (problem,) = problems_about(problems_for(content_copy), "redflags.yml")
    assert "linje" in problem and "'blaere'" in problem


def test_a_missing_catalogue_file_is_a_problem(content_copy):
    (content_copy / "redflags.yml").unlink(missing_ok=True)
    assert any("Filen med røde flag mangler" in p for p in problems_for(content_copy))


def test_the_make_target_runs_this_check():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-m bot content check" in makefile
