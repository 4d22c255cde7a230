"""Matrices and arrays from anything a user gives: text, a file, stdin, Python lists or a numpy array.

The forms of text (see :func:`parse_array`)::

    1 2; 3 4                 rows separated by ';' or newlines, entries by spaces and/or commas
    [[1, 2], [3, 4]]         brackets, any depth up to 6
    @weights.npy             a file: .npy, .csv or .json
    -                        read the text from standard input
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from dlcalc.errors import InputError
from dlcalc.parse.arrays import Array, array_shape, format_shape, parse_inline
from dlcalc.parse.files import check_ndarray, convert_nested, load_file, open_npy, read_stdin
from dlcalc.parse.numbers import Number
from dlcalc.parse.text import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ELEMENTS,
    ENV_MAX_BYTES,
    ENV_MAX_ELEMENTS,
    check_text_length,
    env_limit,
    quote,
)


def parse_numeric(text: str, option: str | None = None, *, stdin: TextIO | None = None):
    """Like :func:`parse_array`, but a ``@file.npy`` comes back as the numpy array itself.

    For the numeric commands: a large .npy stays a compact array instead of becoming Python
    lists (a 4096×4096 float64 array would take four times its size as lists). Such a file is
    limited by ``DLCALC_MAX_BYTES`` (default 2 GiB) rather than the element count.
    """
    spec = text.strip() if isinstance(text, str) else text
    if isinstance(spec, str) and spec.startswith("@") and spec.lower().endswith(".npy"):
        path = os.path.expanduser(spec[1:].strip())
        shown = quote(spec[1:].strip())
        if not os.path.exists(path):
            raise InputError(f"cannot read {shown}: no such file", option)
        limit = env_limit(ENV_MAX_BYTES, DEFAULT_MAX_BYTES, option)
        array = open_npy(path, shown, option, sys.maxsize, max_bytes=limit)
        if array.dtype.kind != "f":
            import numpy

            array = numpy.asarray(array, dtype=numpy.int64) if array.dtype.kind in "iu" and \
                array.dtype != numpy.uint64 else numpy.asarray(array).astype(object)
        return array
    return parse_array(text, option, stdin=stdin)


def parse_array(text: str, option: str | None = None, *, stdin: TextIO | None = None) -> Array:
    """Parse an array of numbers: nested lists (rectangular, 0 to 6 dimensions) of ints, Fractions, floats.

    Accepted forms:

    * rows: ``1 2; 3 4`` or rows on separate lines, entries separated by whitespace and/or
      commas; one row gives a flat list, one entry gives the number itself.
    * brackets: ``[[1, 2], [3, 4]]``, any depth up to 6, whitespace anywhere, no trailing commas;
      entries may also be separated by whitespace alone (numpy's printed form ``[[1 2] [3 4]]``).
    * ``@path.npy`` (integer or float dtype), ``@path.csv`` (rows; blank and ``#`` lines skipped),
      ``@path.json`` (a number or nested lists; strings such as ``"1/2"`` are parsed as numbers).
    * ``-``: the text on ``stdin`` (default ``sys.stdin``), in the rows or bracket syntax.

    Limits, read from the environment at each call: ``DLCALC_MAX_ELEMENTS`` (default 4,000,000
    elements) and ``DLCALC_MAX_TEXT`` (default 64,000,000 characters).

    Raises:
        InputError: anything that is not such an array, naming ``option``.
    """
    if not isinstance(text, str):
        raise InputError(f"expected array text, got {type(text).__name__}", option)
    check_text_length(len(text), option)
    max_elements = env_limit(ENV_MAX_ELEMENTS, DEFAULT_MAX_ELEMENTS, option)
    stripped = text.strip()
    if stripped == "-":
        return parse_inline(read_stdin(stdin, option), option, max_elements, "stdin")
    if stripped.startswith("@"):
        return load_file(stripped, option, max_elements)
    return parse_inline(text, option, max_elements)


def parse_matrix(text: str, option: str | None = None, *, stdin: TextIO | None = None) -> list[list[Number]]:
    """Parse a matrix (rows of numbers) with :func:`parse_array`.

    A bare number gives ``[[x]]`` and a flat list gives one row.

    Raises:
        InputError: as :func:`parse_array`, or an array of 3 or more dimensions.
    """
    value = parse_array(text, option, stdin=stdin)
    if not isinstance(value, list):
        return [[value]]
    if not isinstance(value[0], list):
        return [value]
    shape = array_shape(value)
    if len(shape) > 2:
        raise InputError(f"expected a matrix (rows of numbers), got a {format_shape(shape)} array", option)
    return value


def parse_number_list(text: str, option: str | None = None) -> list[Number]:
    """Parse a flat list of numbers: ``0.5,-1``, ``0.5 -1``, ``[0.5, -1]``, ``1/2, 3/4``.

    Raises:
        InputError: a bad entry, or nested lists or several rows.
    """
    if not isinstance(text, str):
        raise InputError(f"expected number-list text, got {type(text).__name__}", option)
    check_text_length(len(text), option)
    max_elements = env_limit(ENV_MAX_ELEMENTS, DEFAULT_MAX_ELEMENTS, option)
    if not text.strip():
        raise InputError("expected a list of numbers (like 0.5, -1), got empty text", option)
    value = parse_inline(text, option, max_elements)
    if not isinstance(value, list):
        return [value]
    shape = array_shape(value)
    if len(shape) > 1:
        raise InputError(f"expected a flat list of numbers, got a {format_shape(shape)} array", option)
    return value


def as_array(value: Any, option: str, *, stdin: TextIO | None = None) -> Any:
    """An array given any way: text (:func:`parse_numeric`: a ``.npy`` file stays a numpy array), a numpy
    array, a number, or Python numbers in nested lists (checked to be rectangular and finite)."""
    if isinstance(value, str):
        return parse_numeric(value, option, stdin=stdin)
    max_elements = env_limit(ENV_MAX_ELEMENTS, DEFAULT_MAX_ELEMENTS, option)
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        import numpy

        array = check_ndarray(numpy.asarray(value), "the array", option, max_elements,
                              env_limit(ENV_MAX_BYTES, DEFAULT_MAX_BYTES, option))
        if array.dtype.kind in "iu":
            array = numpy.asarray(array, dtype=numpy.int64) if array.dtype != numpy.uint64 else array.astype(object)
        return array
    converted, _shape = convert_nested(value, "$", 0, [0], "the array", option, max_elements)
    return converted


def as_number_list(value: Any, option: str) -> list[Number]:
    """A flat list of numbers given as text (:func:`parse_number_list`), one number, or a sequence."""
    if isinstance(value, str):
        return parse_number_list(value, option)
    converted = as_array(value, option)
    values = converted.tolist() if hasattr(converted, "tolist") else converted
    values = values if isinstance(values, list) else [values]
    if any(isinstance(v, list) for v in values):
        raise InputError("expected a flat list of numbers, got nested lists", option)
    return values
