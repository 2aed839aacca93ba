from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mpi.cli import main
from mpi.identity.curp import complete_curp, derive_root


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


TRUTH = "institution,record_id,person_id\nIMSS,1,P1\nIMSS,2,P1\nISSSTE,1,P2\nIMSS,3,P3\n"
PREDICTED = "institution,record_id,person_id\nIMSS,1,A\nIMSS,2,A\nISSSTE,1,A\nIMSS,4,B\n"


def test_evaluate_prints_a_readable_report_with_hard_negatives_found_beside_the_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = write(tmp_path / "truth.csv", TRUTH)
    predicted = write(tmp_path / "predicted.csv", PREDICTED)
    write(tmp_path / "hard_negatives.csv", "person_a,person_b,kind\nP1,P2,twin\n")
    assert main(["evaluate", "--truth", truth, "--predicted", predicted]) == 0
    out = capsys.readouterr().out
    assert "precision 0.3333  recall 1.0000" in out
    assert "missing from predicted: 1 (e.g. IMSS:3)" in out
    assert "not in truth: 1 (e.g. IMSS:4)" in out
    assert "twin                    1 merged of 1" in out


def test_evaluate_json_carries_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = write(tmp_path / "t.csv", TRUTH)
    predicted = write(tmp_path / "p.csv", PREDICTED)
    hard = write(tmp_path / "h.csv", "person_a,person_b,kind\nP1,P3,sibling\n")
    args = ["evaluate", "--truth", truth, "--predicted", predicted, "--hard-negatives", hard]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pairwise"]["true_positives"] == 1
    assert report["pairwise"]["false_positives"] == 2
    assert report["clusters"]["merged_clusters"] == 1
    assert report["clusters"]["merged_examples"] == ["A"]
    assert report["records"]["compared"] == 3
    assert report["hard_negatives"] == {"sibling": {"pairs": 1, "false_merges": 0, "examples": []}}


def test_evaluate_names_the_file_and_line_of_a_bad_assignment_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = write(tmp_path / "t.csv", TRUTH)
    predicted = write(tmp_path / "p.csv", "institution,record_id,person_id\nIMSS,1\n")
    assert main(["evaluate", "--truth", truth, "--predicted", predicted]) == 2
    assert "p.csv line 2: wrong number of values" in capsys.readouterr().err


def test_evaluate_with_the_records_tells_merges_against_evidence_from_merges_on_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = write(tmp_path / "truth.csv", TRUTH)
    predicted = write(tmp_path / "predicted.csv", PREDICTED)
    hard = write(tmp_path / "h.csv", "person_a,person_b,kind\nP1,P2,twin\nP1,P3,sibling\n")
    # The twins' records in the merged cluster hold two valid keys of one root.
    root = derive_root("ANA", "PEREZ", "SOLIS", date(1985, 3, 14), "M", "JC")
    first, later = complete_curp(root, "0"), complete_curp(root, "1")
    records = write(
        tmp_path / "records.csv",
        "institution,record_id,curp,given_names,first_surname,second_surname,birth_date\n"
        f"IMSS,1,{first},ANA,PEREZ,SOLIS,1985-03-14\nIMSS,2,,ANA,PEREZ,SOLIS,1985-03-14\n"
        f"ISSSTE,1,{later},ANA,PEREZ,SOLIS,1985-03-14\n",
    )
    args = ["evaluate", "--truth", truth, "--predicted", predicted, "--hard-negatives", hard]
    assert main([*args, "--records", records]) == 0
    out = capsys.readouterr().out
    assert "twin                    1 merged of 1 (1 against evidence in the batch, 0 on" in out
    assert main([*args, "--records", records, "--json"]) == 0
    twin = json.loads(capsys.readouterr().out)["hard_negatives"]["twin"]
    assert (twin["against_evidence"], twin["on_absent_evidence"]) == (1, 0)
