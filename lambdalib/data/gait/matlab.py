"""Reading MATLAB v7.3 files (HDF5) as MATLAB wrote them: variables, (name, value) cells and
numeric matrices, each failure a :class:`GaitFileError` that names where in the file it happened."""

from __future__ import annotations

import numpy as np

__all__ = ["GaitFileError", "read_value", "read_name_value_cell", "read_matrix", "matlab_class"]


class GaitFileError(ValueError):
    """A gait file that is not an InclineExperiment.mat: unreadable, truncated or mis-laid-out."""


def matlab_class(obj, default: str = "") -> str:
    """The ``MATLAB_class`` attribute MATLAB v7.3 writes on every variable ("double", "char", "cell")."""
    cls = obj.attrs.get("MATLAB_class", default)
    return cls.decode() if isinstance(cls, bytes) else str(cls)


def read_value(ds, where: str):
    """One MATLAB v7.3 variable or cell element: a char array as ``str``, numbers as a float array
    (transposed back to MATLAB's shape); MATLAB's empty arrays as ``""`` or an empty array."""
    import h5py

    if not isinstance(ds, h5py.Dataset):
        raise GaitFileError(f"{where}: a group, expected a MATLAB array")
    char = matlab_class(ds) == "char"
    if ds.attrs.get("MATLAB_empty", 0):  # v7.3 stores an empty array's dimensions, not data
        return "" if char else np.zeros(0)
    if char:  # UTF-16 code units, one per character
        return "".join(map(chr, np.ravel(ds[()])))
    try:
        return np.asarray(ds[()], dtype=np.float64).T
    except OSError as e:  # as in read_matrix: a truncated file
        raise GaitFileError(f"{where}: cannot read the data ({e}); is the file truncated?") from e
    except (TypeError, ValueError) as e:
        raise GaitFileError(f"{where}: MATLAB class {matlab_class(ds)!r}, expected text or numbers ({e})") from e


def read_name_value_cell(ds, where: str) -> dict[str, object]:
    """A MATLAB cell of (name, value) rows as ``{name.lower(): value}``. MATLAB v7.3 stores an
    n x 2 cell transposed, as a (2, n) dataset of object references into ``#refs#``."""
    import h5py

    if not (isinstance(ds, h5py.Dataset) and matlab_class(ds) == "cell"
            and h5py.check_dtype(ref=ds.dtype) is h5py.Reference and ds.ndim == 2 and ds.shape[0] == 2):
        raise GaitFileError(f"{where}: expected a MATLAB cell of (name, value) rows (n x 2, references), "
                            f"found {type(ds).__name__} of MATLAB class {matlab_class(ds)!r}")
    pairs = {}
    for i, refs in enumerate(ds[()].T):  # (2,) references: name, value
        try:
            name, value = (ds.file[r] for r in refs)
        except (ValueError, KeyError) as e:
            raise GaitFileError(f"{where}: row {i + 1} holds a broken reference ({e})") from e
        name = read_value(name, f"{where}{{{i + 1},1}}")
        if not isinstance(name, str):
            raise GaitFileError(f"{where}: row {i + 1} is named by {name!r}, expected text")
        pairs[name.strip().lower()] = read_value(value, f"{where}{{{i + 1},2}}")
    return pairs


def read_matrix(ds, where: str, n_cols: int) -> np.ndarray:
    """A numeric matrix as ``(n_rows, n_cols)`` float64 (strides: ``(n_strides, 150)``). h5py
    shows MATLAB's arrays transposed; public scripts read the file's strides as h5py rows, which
    is taken when it has ``n_cols`` columns, else the transposed ``(n_cols, n_rows)``."""
    cls = matlab_class(ds, "double")
    if cls not in ("double", "single"):
        raise GaitFileError(f"{where}: MATLAB class {cls!r}, expected a double matrix")
    try:
        x = np.asarray(ds[()], dtype=np.float64)
    except OSError as e:  # a truncated file can open yet fail on the data
        raise GaitFileError(f"{where}: cannot read the data ({e}); is the file truncated?") from e
    if x.ndim == 2 and x.shape[1] != n_cols and x.shape[0] == n_cols:
        x = x.T
    if x.ndim != 2 or x.shape[1] != n_cols:
        raise GaitFileError(f"{where}: shape {x.shape} (as h5py sees it), expected (n_strides, {n_cols}) "
                            f"or ({n_cols}, n_strides)")
    return x
