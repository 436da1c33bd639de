"""In a Jupyter kernel, as when papermill or nbval runs a chapter, progress bars and what Dask
workers print or warn go to the terminal, never into the notebook's outputs (which are committed).
Starts a kernel and a one-worker LocalCluster: about 15 s."""

import pytest

nbclient = pytest.importorskip("nbclient")
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

CELL = '''
from lambdalib.book.sweep import sweep
from lambdalib.core.progress import progress_bar

def noisy(seed):
    import sys, warnings
    warnings.warn("a warning in a worker")
    print("a line on a worker's stderr", file=sys.stderr)
    return {"x": seed}

for _ in progress_bar(range(3), desc="a bar in the kernel", mininterval=0):
    pass
table = sweep(noisy, {"seed": [0, 1]}, n_workers=1)
assert table["x"].tolist() == [0, 1]
'''


def test_bars_and_worker_output_stay_out_of_the_notebook(tmp_path):
    nb = new_notebook(cells=[new_code_cell(CELL)])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert nb.cells[0].outputs == []
