"""Text into typed values: what a user types or pastes, parsed by hand and never evaluated.

One module per kind of text, each importing only what it needs (so start-up pays for one):

* :mod:`~dlcalc.parse.text`: quoting text in messages, "at column N", the size limits;
* :mod:`~dlcalc.parse.numbers`: the one number grammar (``3``, ``-0.5``, ``2e-3``, ``3/4``, ``−1``);
* :mod:`~dlcalc.parse.arrays` and :mod:`~dlcalc.parse.files`: matrices and arrays, typed or read
  from ``.npy``/``.csv``/``.json`` files or stdin;
* :mod:`~dlcalc.parse.shapes`: shapes, per-axis values and padding;
* :mod:`~dlcalc.parse.claims`: claimed answers (numbers, expressions, lists, matrices);
* :mod:`~dlcalc.parse.layers`: the layer language of ``params``;
* :mod:`~dlcalc.parse.distributions`: the densities of ``gan-optimal-d``;
* :mod:`~dlcalc.parse.formula`: gradient formulas (into sympy, without eval).

Every bad input raises :class:`~dlcalc.errors.InputError` with one line saying what was expected.
"""
