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
# come first, so every stage may use them. A trained model's inference sits with the
# stage that asks (its folder under models/); its data, training, evaluation and
# command, and the training machinery they share (training/), come after the whole
# assistant and its evaluation's question sets, which they run and learn from.
BASICS = {"errors", "settings", "response", "common"}
TRAINING = "training"
STAGES = [
    BASICS,
    {"workers"},
    {"documents"},
    {"indexing"},
    {"asking", "models"},
    {"answerers"},
    {"display", "serving"},
    {"chain"},
    {"api"},
    {"app"},
    {"evaluation"},
    {TRAINING, "training"},
    {"cli", "__init__", "__main__"},
]
TRAINING_PARTS = ("data", "training", "evaluation", "command", "report")
"""A model folder's modules named so are its training side, not its inference."""
MAX_TOP_LEVEL_MODULES = 10
MAX_LINES = 400
MAX_FOLDER_SHARE = 0.22
MAX_ENTRY_POINT_LINES = 60


def _module_name(path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _is_training(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "models" and len(parts) == 3 and parts[2].startswith(TRAINING_PARTS)


def _stage(module: str) -> int:
    top = TRAINING if _is_training(module) else module.split(".", maxsplit=1)[0]
    for index, stage in enumerate(STAGES):
        if top in stage:
            return index
    raise AssertionError(f"assistant.{module} is in no stage of the pipeline; add it to STAGES")


def _is_module(dotted: str) -> bool:
    path = REPO.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path) -> set[str]:
    """What a file imports from the package: modules, packages (their ``__init__``), and the
    package's own ``__init__`` for ``from assistant import Name``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            if node.module == "assistant":
                for alias in node.names:
                    dotted = f"assistant.{alias.name}"
                    found.add(dotted if _is_module(dotted) else "assistant.__init__")
                continue
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_module(f"{node.module}.{alias.name}")
            )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("assistant."))
    return {name.removeprefix("assistant.") for name in found}


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


def test_importing_a_name_from_the_package_counts_as_importing_its_front_door(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from assistant import Assistant\nfrom assistant.models.reader import weights\n"
    )
    assert _imports(module) == {"__init__", "models.reader", "models.reader.weights"}


def test_a_model_folders_training_side_comes_after_the_whole_assistant():
    assert _stage("models.reader.training") > _stage("api")
    assert _stage("models.reader.data_article") > _stage("evaluation")
    assert _stage("models.reader.reader") == _stage("asking")


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


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_no_top_level_folder_holds_more_than_22_percent_of_the_package(folder):
    def lines(paths) -> int:
        return sum(len(p.read_text().splitlines()) for p in paths)

    share = lines((PACKAGE / folder).rglob("*.py")) / lines(PACKAGE.rglob("*.py"))
    assert share <= MAX_FOLDER_SHARE, f"assistant/{folder}/ holds {share:.0%} of the package"


def test_the_chat_apps_entry_point_is_short_and_only_launches_the_package_app():
    entry = REPO / "ui.py"
    assert len(entry.read_text().splitlines()) <= MAX_ENTRY_POINT_LINES
    assert {m.split(".", maxsplit=1)[0] for m in _imports(entry)} <= {"app", "errors"}


def test_importing_the_package_loads_neither_evaluation_libraries_nor_models():
    heavy = ["matplotlib", "langchain_chroma", "langchain_text_splitters", "torch", "sklearn"]
    script = f"import sys, assistant\nprint([m for m in {heavy!r} if m in sys.modules])\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"
