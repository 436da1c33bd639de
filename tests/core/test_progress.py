"""Tests for lambdalib.core.progress: bars and child processes write to the process's own stderr,
not to a notebook's stream (simulated here: a stream whose fileno() is another file, as
ipykernel's OutStream returns its saved copy of the terminal's fd 2)."""

import os
import subprocess
import sys

from lambdalib.core.progress import progress_bar, stderr_to_terminal


class NotebookStream:
    """Stands in for ipykernel's sys.stderr: what is written to it would land in the notebook."""

    def __init__(self, terminal_fd):
        self.terminal_fd, self.written = terminal_fd, []

    def fileno(self):
        return self.terminal_fd

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def test_progress_bar_draws_on_the_terminal_not_the_notebook(tmp_path, monkeypatch):
    with open(tmp_path / "terminal", "w") as terminal:
        notebook = NotebookStream(terminal.fileno())
        monkeypatch.setattr(sys, "stderr", notebook)
        assert list(progress_bar(range(3), desc="steps", mininterval=0)) == [0, 1, 2]
    assert notebook.written == []
    assert "steps: 100%" in (tmp_path / "terminal").read_text(encoding="utf-8")


def test_stderr_to_terminal_gives_child_processes_the_terminal(tmp_path, monkeypatch):
    before = os.fstat(2)
    with open(tmp_path / "terminal", "w") as terminal:
        monkeypatch.setattr(sys, "stderr", NotebookStream(terminal.fileno()))
        with stderr_to_terminal():
            subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('from a worker')"], check=True)
    assert (tmp_path / "terminal").read_text(encoding="utf-8") == "from a worker"
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)  # fd 2 restored
