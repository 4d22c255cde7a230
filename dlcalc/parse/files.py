"""Arrays read from files and stdin: ``@x.npy``, ``@x.csv``, ``@x.json`` and ``-``.

Files are regular files or stdin only, read up to ``DLCALC_MAX_TEXT`` characters and decoded
strictly as UTF-8; a ``.npy`` file is memory-mapped and checked before it is read (integer or
finite float data, at most ``DLCALC_MAX_ELEMENTS`` numbers, or ``DLCALC_MAX_BYTES`` as a numpy
array). numpy is imported only to read a ``.npy`` file, ``json`` only for a ``.json`` one.
"""

from __future__ import annotations

import math
import os
import re
import sys
from fractions import Fraction
from typing import Any, TextIO

from dlcalc.errors import InputError
from dlcalc.parse.arrays import MAX_DEPTH, Array, format_shape, parse_rows, ragged, shape_rows, too_deep
from dlcalc.parse.numbers import MAX_NUMBER_CHARS, to_number
from dlcalc.parse.text import (
    DEFAULT_MAX_TEXT,
    ENV_MAX_BYTES,
    ENV_MAX_TEXT,
    check_text_length,
    env_limit,
    quote,
    too_many,
)


def read_text_file(path: str, shown: str, option: str | None) -> str:
    limit = env_limit(ENV_MAX_TEXT, DEFAULT_MAX_TEXT, option)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read(limit + 1)
    except UnicodeDecodeError as error:
        raise InputError(f"expected UTF-8 text in {shown}, got {error.reason} at byte {error.start}",
                          option) from None
    except OSError as error:
        raise InputError(f"cannot read {shown}: {error.strerror or error}", option) from None
    except ValueError as error:  # e.g. a NUL byte in the path
        raise InputError(f"cannot read {shown}: {error}", option) from None
    check_text_length(len(text), option, f"file {shown}")
    return text


def _load_csv(path: str, shown: str, option: str | None, max_elements: int) -> Array:
    text = read_text_file(path, shown, option)
    lines = text.split("\n")
    # Blank out comment lines (keeping the line numbers right for messages).
    if "#" in text:
        lines = ["" if line.lstrip().startswith("#") else line for line in lines]
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(f"expected rows of numbers in {shown}, got no data", option)
    rows = parse_rows(text, option, max_elements, source=shown, semicolons=False)
    return shape_rows(rows)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def convert_nested(value: object, path: str, depth: int, count: list[int], shown: str,
                   option: str | None, max_elements: int) -> tuple[Array, tuple[int, ...]]:
    """A JSON value, or Python numbers in lists (or tuples), checked and converted: (array, shape).
    Leaves are numbers or number text; recursion is bounded by MAX_DEPTH."""
    if isinstance(value, Fraction):
        count[0] += 1
        return (value.numerator if value.denominator == 1 else value), ()
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        count[0] += 1
        if count[0] > max_elements:
            raise too_many(max_elements, option)
        if isinstance(value, str):
            try:
                return to_number(value.strip(), option), ()
            except InputError as error:
                raise InputError(f"{error.message} at {path} in {shown}", option) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"expected a finite number at {path} in {shown}, got {value}", option)
        if isinstance(value, int) and abs(value) >= 10**MAX_NUMBER_CHARS:
            raise InputError(f"expected a number of at most {MAX_NUMBER_CHARS} digits at {path} in {shown}, "
                              f"got one with {len(str(value))}", option)
        return value, ()
    if not isinstance(value, (list, tuple)):
        raise InputError(f"expected a number or a list at {path} in {shown}, got {_json_kind(value)}",
                          option)
    if depth >= MAX_DEPTH:
        raise too_deep(option, f"{path} in {shown}")
    if not value:
        raise InputError(f"expected a number or a list at {path}[0] in {shown}, got an empty list", option)
    items: list[Array] = []
    first: tuple[int, ...] | None = None
    for k, item in enumerate(value):
        converted, shape = convert_nested(item, f"{path}[{k}]", depth + 1, count, shown, option, max_elements)
        if first is None:
            first = shape
        elif shape != first:
            indices = [int(i) for i in re.findall(r"\[(\d+)\]", path)]
            raise InputError(f"{ragged(indices, k, shape, first)} in {shown}", option)
        items.append(converted)
    assert first is not None
    return items, (len(items), *first)


def _load_json(path: str, shown: str, option: str | None, max_elements: int) -> Array:
    import json

    text = read_text_file(path, shown, option)

    def no_constant(name: str) -> float:
        raise InputError(f"expected a finite number in {shown}, got {name}", option)

    try:
        data = json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        raise InputError(f"expected valid JSON in {shown}, got a syntax error ({error.msg}) "
                          f"at line {error.lineno}, column {error.colno}", option) from None
    except RecursionError:
        raise too_deep(option, shown) from None
    except InputError:
        raise
    except ValueError:  # an integer with thousands of digits
        raise InputError(f"expected numbers of at most {MAX_NUMBER_CHARS} digits in {shown}, "
                          "got a longer one", option) from None
    value, _shape = convert_nested(data, "$", 0, [0], shown, option, max_elements)
    return value


def _load_npy(path: str, shown: str, option: str | None, max_elements: int) -> Array:
    array = open_npy(path, shown, option, max_elements)
    result: Array = array.tolist()
    del array
    return result


def open_npy(path: str, shown: str, option: str | None, max_elements: int,
              max_bytes: int | None = None):  # -> numpy.ndarray
    """Load and validate a .npy file: integer or finite float data, not empty, not too large."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is a dependency
        raise InputError(f"reading {shown} needs numpy, which is not installed", option) from None
    try:
        array = numpy.load(path, mmap_mode="r", allow_pickle=False)
    except OSError as error:
        raise InputError(f"cannot read {shown}: {error.strerror or error}", option) from None
    except Exception as error:  # numpy raises ValueError, EOFError, SyntaxError... on bad files
        detail = str(error).split("\n")[0][:80]
        if "Python objects" in detail:
            detail = "object arrays are not accepted"
        elif "pickled" in detail:
            detail = "not in .npy format"
        raise InputError(f"expected a .npy array of numbers in {shown}, got an unreadable file ({detail})",
                          option) from None
    if not isinstance(array, numpy.ndarray):
        if hasattr(array, "close"):
            array.close()
        raise InputError(f"expected a .npy array in {shown}, got a .npz archive", option)
    return check_ndarray(array, shown, option, max_elements, max_bytes)


def check_ndarray(array: Any, shown: str, option: str | None, max_elements: int,
                  max_bytes: int | None = None) -> Any:
    """A numpy array of integer or finite float data, not empty, not too large (float arrays as float64)."""
    import numpy

    kind = array.dtype.kind
    if kind not in "iuf":
        name = {"b": "boolean", "c": "complex", "O": "object", "U": "string", "S": "bytes"}.get(kind, "")
        raise InputError(f"expected an integer or float array in {shown}, got dtype {name or array.dtype}"
                          + (f" ({array.dtype})" if name else ""), option)
    if array.ndim > MAX_DEPTH:
        raise InputError(f"expected at most {MAX_DEPTH} dimensions in {shown}, got {array.ndim}", option)
    if max_bytes is not None and array.size * 8 > max_bytes:
        raise InputError(f"{shown} holds {array.size:,} numbers ({array.size * 8 / 1024**3:.2f} GiB as float64), "
                          f"more than the limit of {max_bytes:,} bytes; raise it with {ENV_MAX_BYTES}=<bytes>", option)
    if array.size > max_elements:
        raise too_many(max_elements, option)
    if array.size == 0:
        raise InputError(f"expected numbers in {shown}, got an empty {format_shape(array.shape)} array",
                          option)
    if kind == "f":
        array = numpy.asarray(array, dtype=numpy.float64)
        finite = numpy.isfinite(array)
        if not finite.all():
            index = tuple(int(i) for i in numpy.argwhere(~finite)[0])
            where = "".join(f"[{i}]" for i in index)
            raise InputError(f"expected finite numbers in {shown}, "
                              f"got {array[index]} at {where or 'the scalar'}", option)
    return array


_LOADERS = {".npy": _load_npy, ".csv": _load_csv, ".json": _load_json}


def load_file(spec: str, option: str | None, max_elements: int) -> Array:
    path = spec[1:].strip()
    if not path:
        raise InputError("expected a file path after '@' (like @weights.npy), got nothing", option)
    shown = quote(path)
    loader = _LOADERS.get(os.path.splitext(path)[1].lower())
    if loader is None:
        raise InputError(f"expected a .npy, .csv or .json file after '@', got {shown}", option)
    full = os.path.expanduser(path)
    if not os.path.exists(full):
        raise InputError(f"cannot read {shown}: no such file", option)
    return loader(full, shown, option, max_elements)


def read_stdin(stdin: TextIO | None, option: str | None) -> str:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        raise InputError("expected an array on standard input, but there is no standard input", option)
    limit = env_limit(ENV_MAX_TEXT, DEFAULT_MAX_TEXT, option)
    try:
        text = stream.read(limit + 1)
    except UnicodeDecodeError as error:
        raise InputError(f"expected UTF-8 text on stdin, got {error.reason}", option) from None
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read stdin: {error}", option) from None
    if not isinstance(text, str):
        raise InputError("expected text on stdin, got bytes", option)
    check_text_length(len(text), option, "stdin")
    return text

