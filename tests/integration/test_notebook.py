"""The quickstart notebook runs top to bottom with the offline defaults."""

from __future__ import annotations

import pytest

from tests.support import REPO

pytestmark = pytest.mark.slow

NOTEBOOK = REPO / "examples" / "quickstart.ipynb"


def test_the_quickstart_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    import nbclient
    import nbformat

    # The notebook's answer() uses the repository's corpus; its index goes to a temporary folder.
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    rendered = "".join(
        str(o.get("data", {}).get("text/markdown", ""))
        for o in outputs
        if o.output_type == "execute_result"
    )
    assert "**Sources**" in rendered
    assert any("image/png" in o.get("data", {}) for o in outputs if o.output_type == "display_data")
