from __future__ import annotations

from pathlib import Path

import pytest

from mpi.cli import main
from mpi.rules_file import default_rules, load_rules
from mpi.synthetic.generate import generate
from mpi.synthetic.output import write_population


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("population")
    write_population(generate(400, seed=11), out)
    return out


def test_train_writes_rules_that_load_and_reports_convergence(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rules.toml"
    args = ["train", str(population / "records.csv"), "--out", str(out), "--u-pairs", "50000"]
    assert main(args) == 0
    rules = load_rules(out)
    assert [c.name for c in rules.comparisons] == [c.name for c in default_rules().comparisons]
    printed = capsys.readouterr().out
    assert "EM:             converged after" in printed
    assert f"rules written:  {out}" in printed


def test_train_says_when_em_hit_the_iteration_cap(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rules.toml"
    args = ["train", str(population / "records.csv"), "--out", str(out)]
    assert main([*args, "--max-iterations", "1", "--tolerance", "1e-12", "--u-pairs", "20000"]) == 0
    assert "NOT converged: stopped at the iteration cap (1)" in capsys.readouterr().out


def test_train_skips_bad_rows_and_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], population: Path
) -> None:
    lines = (population / "records.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(3, "IMSS,bad row,,JUAN,PEREZ,,Q,1990-13-45,,,,")
    records = tmp_path / "records.csv"
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "rules.toml"
    assert main(["train", str(records), "--out", str(out), "--u-pairs", "20000"]) == 0
    err = capsys.readouterr().err
    assert "line 4" in err and "1 row(s) rejected" in err


def test_train_rejects_a_malformed_base_rules_file(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.toml"
    base.write_text(default_rules().to_toml().replace("link = 0.95", "link = 1.5"), "utf-8")
    args = ["train", str(population / "records.csv"), "--out", str(tmp_path / "o.toml")]
    assert main([*args, "--rules", str(base)]) == 2
    assert "thresholds.link" in capsys.readouterr().err


def test_blocking_report_prints_recall_and_candidate_pairs(
    population: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["blocking-report", str(population / "records.csv")]
    assert main([*args, "--truth", str(population / "truth.csv")]) == 0
    out = capsys.readouterr().out
    recall = float(out.split("blocking recall:")[1].split("%")[0])
    assert recall > 99.0
    assert "candidate pairs:" in out and "surname_birth_date" in out
