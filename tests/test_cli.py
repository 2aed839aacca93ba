from __future__ import annotations

import subprocess
import sys

import pytest

from mpi.cli import main


def test_version_flag_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("mpi ")


def test_package_runs_as_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mpi", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("mpi ")
