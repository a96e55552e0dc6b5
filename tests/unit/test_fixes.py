"""Fixes travel in messages as tokens and come back as data; the CLI shows them as commands."""

from __future__ import annotations

from tilisilta.cli.fixes import shown
from tilisilta.fixes import Fix, fix, fixes_in


def test_a_fix_comes_back_as_data_with_its_parameters_spaces_included() -> None:
    token = fix("odoo.unit_map", unit="Dozens of crates")
    text = f"unit 'Dozens of crates' has no code; map it with {token}"
    assert fixes_in(text) == [Fix("odoo.unit_map", {"unit": "Dozens of crates"})]


def test_the_cli_shows_a_fix_as_the_command_to_type_with_placeholders_for_the_unknown() -> None:
    text = f"map it with {fix('odoo.unit_map', unit='Dozens of crates')}"
    assert (
        shown(text)
        == "map it with `tilisilta odoo unit-map <connection> 'Dozens of crates' <code>`"
    )
    assert shown(f"see {fix('company.list')}") == "see `tilisilta company list`"
    assert shown("no fix here {not a token}") == "no fix here {not a token}"


def test_messages_below_the_cli_spell_no_command() -> None:
    import pathlib
    import re

    import tilisilta

    root = pathlib.Path(tilisilta.__file__).parent
    spelled = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.parts[len(root.parts)] not in ("cli", "sandbox", "demo")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"`tilisilta [a-z]", line)
    ]
    assert spelled == []
