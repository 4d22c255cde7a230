"""The names a gradient formula may use, and how they may be spelled (see :mod:`dlcalc.parse.formula`)."""

from __future__ import annotations

NAMES: dict[str, str] = {
    "dh": "δh_t",
    "dc": "δc_t",
    "dc_next": "δc_{t+1}",
    "f_next": "f_{t+1}",
    "i": "i_t",
    "f": "f_t",
    "o": "o_t",
    "g": "g_t",
    "c": "c_t",
    "c_prev": "c_{t−1}",
    "h_prev": "h_{t−1}",
    "x": "x_t",
    "h": "h_t",
    "do": "δo_t",
    "di": "δi_t",
    "df": "δf_t",
    "dg": "δg_t",
}
"""The variables a right side may use, canonical name → display in the seed's notation."""

LEFT: dict[str, str] = {
    "do": "δo_t",
    "dc": "δc_t",
    "di": "δi_t",
    "df": "δf_t",
    "dg": "δg_t",
    "dc_prev": "δc_{t−1}",
    "di_hat": "δî_t",
    "df_hat": "δf̂_t",
    "do_hat": "δô_t",
    "dg_hat": "δĝ_t",
}
"""The gradients a formula may define (its left side), canonical name → display. ``di_hat`` is the
gradient of the pre-activation of ``i`` (before the sigmoid), and likewise for the other hats."""

MAX_LENGTH = 2000
"""The longest formula text accepted, in characters."""

MAX_NESTING = 50
"""The deepest nesting of parentheses (and braces) accepted."""

MAX_LEVELS = 64
"""The deepest nesting of parentheses and chained powers (``a^b^c``) together."""

MAX_EXPONENT = 100
"""The largest absolute value of a numeric exponent (and of the numbers in ``exp`` of a ``log``)."""

MAX_NUMBER_BITS = 1024
"""The most bits of the numerator or denominator of any number in the result."""

MAX_DIGITS = 320  # enough for any number of MAX_NUMBER_BITS bits

# (is a gradient, letter, has a hat, time offset) → canonical name
KEYS: dict[tuple[bool, str, bool, int], str] = {
    (True, "h", False, 0): "dh",
    (True, "c", False, 0): "dc",
    (True, "c", False, 1): "dc_next",
    (True, "c", False, -1): "dc_prev",
    (False, "f", False, 1): "f_next",
    (False, "c", False, -1): "c_prev",
    (False, "h", False, -1): "h_prev",
    **{(False, v, False, 0): v for v in "ifogchx"},
    **{(True, v, False, 0): "d" + v for v in "ofig"},
    **{(True, v, True, 0): f"d{v}_hat" for v in "ifog"},
}

LATEX_NAMES: dict[str, str] = {
    "dh": r"\delta h_t",
    "dc": r"\delta c_t",
    "dc_next": r"\delta c_{t+1}",
    "dc_prev": r"\delta c_{t-1}",
    "f_next": "f_{t+1}",
    "c_prev": "c_{t-1}",
    "h_prev": "h_{t-1}",
    **{v: f"{v}_t" for v in "ifogchx"},
    **{"d" + v: rf"\delta {v}_t" for v in "ofig"},
    **{f"d{v}_hat": rf"\delta \hat{{{v}}}_t" for v in "ifog"},
}

DISPLAY: dict[str, str] = {**NAMES, **LEFT}
ORDER: list[str] = list(NAMES) + [name for name in LEFT if name not in NAMES]
RANK: dict[str, int] = {name: k for k, name in enumerate(ORDER)}

FUNCTIONS: dict[str, str] = {"tanh": "tanh", "sigma": "sigma", "sigmoid": "sigma", "exp": "exp", "log": "log",
                              "ln": "log"}
TIMES: dict[str, int] = {"t": 0, "next": 1, "t+1": 1, "tp1": 1, "prev": -1, "t-1": -1, "tm1": -1}
HAT_LETTERS: dict[str, str] = {"î": "i", "ô": "o", "ĝ": "g"}
COMBINING_HAT = "\u0302"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUBSCRIPTS: dict[str, str] = {"ₜ": "t", "₊": "+", "₋": "-", **{chr(0x2080 + d): str(d) for d in range(10)}}
TIMES_OPS = "*⊙·⋅∙∘×∗"
MINUS = "-−–"
LATEX_OPS: dict[str, str] = {"odot": "*", "cdot": "*", "circ": "*", "times": "*", "ast": "*", "div": "/"}
LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}
CANDIDATES: list[str] = list(dict.fromkeys([*ORDER, *FUNCTIONS]))

PAIRS = {")": "(", "}": "{"}
STARTS = {"num", "name", "func", "(", "frac"}


