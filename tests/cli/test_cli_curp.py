from __future__ import annotations

import pytest

from mpi.cli import main


def test_curp_command_prints_the_parsed_fields_of_a_valid_curp(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["curp", "hegg560427mvzrrl04", "--today", "2026-11-21"]) == 0
    out = capsys.readouterr().out
    assert "valid:       yes" in out
    assert "birth_date:  1956-04-27" in out
    assert "state:       VZ (Veracruz)" in out


def test_curp_command_exits_1_and_names_the_reason_for_an_invalid_curp(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["curp", "SABC560626MDFLRN09"]) == 1
    out = capsys.readouterr().out
    assert "valid:       no" in out
    assert "check_digit: check digit is 9, expected 1" in out


def test_curp_command_flags_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["curp", "XEXX010101HNEXXXA4"]) == 1
    assert "placeholder: yes" in capsys.readouterr().out


def test_curp_command_compares_two_curps_field_by_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["curp", "HEGG560427MVZRRL04", "HEGG560427HVZRRL04"]) == 0
    out = capsys.readouterr().out
    assert "kind:          one_edit" in out
    assert "disagreements: sex" in out
    assert "positions:     11" in out


def test_curp_command_compares_a_curp_with_a_root(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["curp", "HEGG560427MVZRRL04", "HEGG560427MVZRRL"]) == 0
    out = capsys.readouterr().out
    assert "HEGG560427MVZRRL (root)" in out
    assert "same_root:     yes" in out


def test_curp_command_reports_a_value_that_cannot_be_compared(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["curp", "HEGG560427MVZRRL04", "HEGG"]) == 2
    assert "mpi curp: error: b:" in capsys.readouterr().err
