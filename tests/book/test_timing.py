"""lambdalib.book.timing: the chapter's timing line says where its runs came from."""

import pytest

from lambdalib.book import timing
from lambdalib.book.sweep import sweep


def square(x: int) -> dict:
    return {"y": x * x}


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(timing, "_RUNS", {"cached": 0, "executed": 0})


def test_sweep_counts_cached_and_executed_runs(tmp_path):
    sweep(square, {"x": [1, 2]}, client="serial", cache_dir=tmp_path, progress=False)
    assert timing.run_counts() == {"cached": 0, "executed": 2}
    sweep(square, {"x": [1, 2, 3]}, client="serial", cache_dir=tmp_path, progress=False)
    assert timing.run_counts() == {"cached": 2, "executed": 3}
    assert timing.chapter_timing(0.0, now=90.0) == "1.5 minutes (2 of its 5 training runs were read from the run cache)"


def test_timing_line_for_all_cached_all_run_and_none():
    assert timing.chapter_timing(0.0, now=30.0) == "0.5 minutes"
    timing.count_runs(4, 0)
    assert "all 4 training runs were read from the run cache" in timing.chapter_timing(0.0, now=6.0)
    timing.count_runs(0, 0)
    with pytest.raises(ValueError, match="cached and executed"):
        timing.count_runs(-1, 0)


def test_all_run():
    timing.count_runs(0, 3)
    assert timing.chapter_timing(0.0, now=60.0) == "1.0 minutes (all 3 training runs ran)"
