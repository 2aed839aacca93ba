"""Imports point inward (DESIGN.md §1): checked by walking every module's import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mpi"

# Which mpi subpackages each layer may import; anything not listed is forbidden.
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "identity": {"domain", "identity"},
    "matching": {"_fork", "domain", "identity", "matching"},
    "store": {"domain", "store"},
    "synthetic": {"domain", "identity", "synthetic"},
    "io": {"_fork", "domain", "identity", "io"},
    "evaluation": {"domain", "identity", "evaluation"},
    "services": {"_fork", "domain", "identity", "matching", "store", "services"},
    "api": {"api", "domain", "identity", "matching", "services", "bootstrap", "config"},
}
# Third-party packages that mean I/O or a framework, kept out of the pure layers.
FORBIDDEN_THIRD_PARTY: dict[str, set[str]] = {
    "api": {"neo4j", "sqlite3"},
    "domain": {"neo4j", "sqlite3", "strawberry", "starlette", "uvicorn", "numpy", "rapidfuzz"},
    "identity": {"neo4j", "sqlite3", "strawberry", "starlette", "uvicorn"},
    "matching": {"neo4j", "sqlite3", "strawberry", "starlette", "uvicorn"},
    "services": {"neo4j", "sqlite3", "strawberry", "starlette", "uvicorn"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def layer_files(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_inner_mpi_layers(layer: str) -> None:
    offenders = []
    for path in layer_files(layer):
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "mpi" and len(parts) > 1 and parts[1] not in ALLOWED[layer]:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_THIRD_PARTY))
def test_pure_layers_do_not_import_io_or_frameworks(layer: str) -> None:
    offenders = []
    for path in layer_files(layer):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN_THIRD_PARTY[layer]:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_domain_uses_only_the_standard_library() -> None:
    import sys

    offenders = []
    for path in layer_files("domain"):
        for name in imported_modules(path):
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top not in {"mpi", "__future__"}:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []
