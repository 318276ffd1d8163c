"""The package reads as the pipeline: each module imports only the steps before it."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.support import REPO

PACKAGE = REPO / "assistant"

# The pipeline's stages, first first: a module may import its own stage or an earlier
# one, never a later one (lazy imports inside functions count). The shared basics
# come first, so every stage may use them.
BASICS = {"errors", "settings", "response", "common", "model"}
STAGES = [
    BASICS,
    {"workers"},
    {"documents"},
    {"indexing"},
    {"asking"},
    {"answerers"},
    {"display", "serving"},
    {"chain", "api"},
    {"evaluation"},
    {"cli", "__init__", "__main__"},
]
MAX_TOP_LEVEL_MODULES = 10
MAX_LINES = 400


def _module_name(path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _stage(module: str) -> int:
    for index, stage in enumerate(STAGES):
        if module.split(".", maxsplit=1)[0] in stage:
            return index
    raise AssertionError(f"assistant.{module} is in no stage of the pipeline; add it to STAGES")


def _imports(path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            names = [node.module] if node.module != "assistant" else []
            names += [
                f"assistant.{alias.name}"
                for alias in node.names
                if (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir()
            ]
            found.update(n.removeprefix("assistant.") for n in names if n != "assistant")
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("assistant.")
                for a in node.names
                if a.name.startswith("assistant.")
            )
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_and_earlier_stages_of_the_pipeline(module):
    upward = [
        imported
        for imported in _imports(MODULES[module])
        if imported != module
        and not imported.startswith(module + ".")
        and _stage(imported) > _stage(module)
    ]
    assert upward == [], f"assistant.{module} imports later stages: {upward}"


def test_the_top_level_holds_only_what_users_import_or_run():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_stage_package_says_what_it_takes_and_gives(package):
    docstring = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
    assert docstring, f"assistant/{package}/__init__.py has no docstring naming its stage"


def test_the_import_graph_has_no_cycles():
    graph = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*visiting, module])
        visiting.append(module)
        for imported in graph[module]:
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_longer_than_a_few_screens(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"assistant.{module} has {lines} lines"


def test_importing_the_package_loads_neither_evaluation_libraries_nor_models():
    heavy = ["matplotlib", "langchain_chroma", "langchain_text_splitters", "torch", "sklearn"]
    script = f"import sys, assistant\nprint([m for m in {heavy!r} if m in sys.modules])\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"
