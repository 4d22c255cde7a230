"""The renderers: plain text, JSON, rich, LaTeX, Markdown, and the mode selection in dlcalc.render."""

from __future__ import annotations

import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.render import MODES, render, render_to_string, resolve_mode
from dlcalc.render.json import sanitize, to_json
from dlcalc.render.latex import to_latex as solution_to_latex
from dlcalc.render.latex import wrap_document
from dlcalc.render.markdown import to_markdown
from dlcalc.render.mathtext import format_value, latex_value, text_to_latex, to_latex
from dlcalc.render.text import to_text
from dlcalc.solution import Solution, Verdict

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

CONV_FORMULA = "O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1"
CONV_SUBSTITUTED = "⌊(32 + 2·0 − 1·(5−1) − 1)/4⌋ + 1"


@pytest.fixture
def solution() -> Solution:
    """A conv-out-like solution with every kind of value, a check and a failed, diagnosed verdict."""
    sol = Solution(
        command="conv-out",
        title="output size of a 1-D convolution",
        inputs={"size": 32, "kernel": 5, "stride": 4},
    )
    sol.step(
        "Output size",
        CONV_FORMULA,
        CONV_SUBSTITUTED,
        7,
        note="27/4 = 6.75: the last 3 input columns are never covered",
    )
    sol.step("Apply the kernel (stride 2)", "O_ij = ∑ₖ∑ₗ x_(2i+k, 2j+l) · w_kl", "", [[1, 19], [26, 64]])
    sol.step("Covered fraction", "c = ((O − 1)·S + K)/L", "(6·4 + 5)/32", Fraction(29, 32))
    sol.step("Sigmoid", "σ(x) = 1/(1 + e^−x)", "σ(0.5)", 0.6224593312018546)
    sol.result["output_size"] = 7
    sol.result["output"] = [[1, 19], [26, 64]]
    sol.answer = "output size 7 (the stride drops 3 columns)"
    sol.add_check("brute force", "sliding window", True, "7 window positions: 0, 4, …, 24 ≤ 32 − 5")
    sol.add_check("exact arithmetic", "fractions", False, "27/4 is not an integer")
    sol.verdict = Verdict(
        claimed=28,
        correct=7,
        passed=False,
        details=["claimed 28, correct 7"],
        diagnosis="28 is what stride 1 gives; with stride 4 the answer is 7",
    )
    return sol


EXPECTED_TEXT = """\
conv-out: output size of a 1-D convolution
Inputs: size = 32, kernel = 5, stride = 4
Steps:
  1. Output size
       O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1
       = ⌊(32 + 2·0 − 1·(5−1) − 1)/4⌋ + 1
       = 7
       27/4 = 6.75: the last 3 input columns are never covered
  2. Apply the kernel (stride 2)
       O_ij = ∑ₖ∑ₗ x_(2i+k, 2j+l) · w_kl
       = [ 1  19]
         [26  64]
  3. Covered fraction
       c = ((O − 1)·S + K)/L
       = (6·4 + 5)/32
       = 29/32
  4. Sigmoid
       σ(x) = 1/(1 + e^−x)
       = σ(0.5)
       = 0.6224593312
Result: output_size = 7
        output =
          [ 1  19]
          [26  64]
Answer: output size 7 (the stride drops 3 columns)
Checks:
  ✓ brute force (sliding window): 7 window positions: 0, 4, …, 24 ≤ 32 − 5
  ✗ exact arithmetic (fractions): 27/4 is not an integer
Verdict: ✗ wrong — 28
  claimed 28, correct 7
  Diagnosis: 28 is what stride 1 gives; with stride 4 the answer is 7
"""


# --------------------------------------------------------------------------- text


def test_text_golden(solution: Solution) -> None:
    assert to_text(solution) == EXPECTED_TEXT


def test_text_has_no_ansi_and_ends_with_one_newline(solution: Solution) -> None:
    text = to_text(solution)
    assert "\x1b" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_text_skips_empty_and_repeated_lines() -> None:
    sol = Solution(command="params", title="t")
    sol.step("Only a value", value=26)
    sol.step("Same formula and substitution", "5·5 + 1", "5·5 + 1", 26)
    sol.step("Label only")
    sol.verdict = Verdict(claimed=26, correct=26, passed=True)
    assert to_text(sol) == (
        "params: t\n"
        "Steps:\n"
        "  1. Only a value\n"
        "       = 26\n"
        "  2. Same formula and substitution\n"
        "       5·5 + 1\n"
        "       = 26\n"
        "  3. Label only\n"
        "Verdict: ✓ correct — 26\n"
    )


def test_text_wraps_long_notes_at_width() -> None:
    sol = Solution(command="c", title="t")
    sol.step("s", "x = 1", value=1, note=" ".join(["word"] * 40))
    lines = to_text(sol, width=60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert sum(line.strip().startswith("word") for line in lines) > 1


def test_text_matrix_input_on_its_own_lines() -> None:
    sol = Solution(command="conv-apply", title="t", inputs={"input": [[1, 2], [3, 40]], "stride": 2})
    assert to_text(sol) == "conv-apply: t\nInputs: stride = 2\n  input =\n    [1   2]\n    [3  40]\n"


# --------------------------------------------------------------------------- format_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (28, "28"),
        (-3, "-3"),
        (Fraction(3, 4), "3/4"),
        (Fraction(-3, 4), "-3/4"),
        (Fraction(6, 3), "2"),
        (0.1, "0.1"),
        (1 / 3, "0.3333333333"),
        (1e-12, "1e-12"),
        (1.5e-7, "1.5e-7"),
        (2.0, "2"),
        (-0.0, "0"),
        (123456789012.0, "1.23456789e11"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (True, "yes"),
        (False, "no"),
        (None, ""),
        ([28, 28], "[28, 28]"),
        ((0.5, Fraction(1, 2)), "[0.5, 1/2]"),
        ([], "[]"),
        ([[1, 19], [26, 64]], "[ 1  19]\n[26  64]"),
        ([[0, 0]], "[[0, 0]]"),
        ({"a": 1, "b": [1, 2]}, "a = 1, b = [1, 2]"),
        ("already text", "already text"),
    ],
)
def test_format_value(value: object, expected: str) -> None:
    assert format_value(value) == expected


def test_format_value_uses_tolist() -> None:
    class FakeArray:
        def tolist(self) -> list[list[int]]:
            return [[1, 2], [3, 4]]

    assert format_value(FakeArray()) == "[1  2]\n[3  4]"


# --------------------------------------------------------------------------- mathtext.to_latex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CONV_FORMULA, r"O = \lfloor(L + 2P - D(K-1) - 1)/S\rfloor + 1"),
        ("⌈x⌉ ≤ y ≥ z ≠ w ≈ v", r"\lceil x\rceil \le y \ge z \ne w \approx v"),
        ("a × b ⊙ c · d", r"a \times b \odot c \cdot d"),
        ("σx + δ", r"\sigma x + \delta"),
        ("x² + h₀ + x²³", r"x^{2} + h_{0} + x^{23}"),
        ("Wᵀx", r"W^{T}x"),
        ("√(x + 1) + √2", r"\sqrt{x + 1} + \sqrt{2}"),
        ("∑ᵢ xᵢ", r"\sum_{i} x_{i}"),
        ("ln(x) + log y + tanh(z) + exp(w)", r"\ln(x) + \log y + \tanh(z) + \exp(w)"),
        ("softmax(z)", r"\operatorname{softmax}(z)"),
        ("e^−x", r"e^{-x}"),
        ("e^(x+1)", r"e^{x+1}"),
        ("x_t + W_hh", r"x_{t} + W_{hh}"),
        ("output_size = 7", r"\text{output\_size} = 7"),
        ("✓ 3 → ∞ ✗", r"\checkmark 3 \to \infty \times"),
        ("50% & #1 $ {a} ~ \\", r"50\% \& \#1 \$ \{a\} \sim \backslash"),
        ("x = 3 where x is the input", r"x = 3 \text{ where x is the input}"),
        ("27/4 = 6.75: the last 3 input columns", r"27/4 = 6.75: \text{the last 3 input columns}"),
        ("1e-12", r"10^{-12}"),
        ("x̂", r"\hat{x}"),
    ],
)
def test_to_latex(text: str, expected: str) -> None:
    assert to_latex(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2·3 − 1 ≤ 5", r"2$\cdot$3 $-$ 1 $\le$ 5"),
        ("⌊x⌋ 50% a_b", r"$\lfloor$x$\rfloor$ 50\% a\_b"),
        ("x² ✓", r"x$^{2}$ $\checkmark$"),
        ("a < b > c | d", r"a \textless{} b \textgreater{} c \textbar{} d"),
        ("naïve — ok", r"naive --- ok"),
    ],
)
def test_text_to_latex(text: str, expected: str) -> None:
    assert text_to_latex(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(3, 4), r"\frac{3}{4}"),
        (Fraction(-3, 4), r"-\frac{3}{4}"),
        (Fraction(8, 4), "2"),
        (28, "28"),
        (0.25, "0.25"),
        (1.5e-7, r"1.5 \times 10^{-7}"),
        (1e-12, r"10^{-12}"),
        (float("inf"), r"\infty"),
        ([28, 28], "(28, 28)"),
        ([[1, 2], [3, 4]], r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"),
        (True, r"\text{yes}"),
        (None, ""),
    ],
)
def test_latex_value(value: object, expected: str) -> None:
    assert latex_value(value) == expected


def _braces_balanced(source: str) -> bool:
    depth = 0
    for token in re.findall(r"\\.|[{}]", source):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


MATHY = st.lists(
    st.sampled_from(
        list("abxyzKLOPS0123456789 +-=/()[]{}_^%#&$~\\.,:'|<>")
        + list("⌊⌋⌈⌉·×−≤≥≠≈⊙√∑σδμαΔΣ²³₀₁ᵢ✓✗→∞é中\u0302")
        + ["ln", "log", "tanh", "exp", "the ", "output_size", "W_hh"]
    ),
    max_size=30,
).map("".join)


@given(MATHY)
@settings(max_examples=300, deadline=None)
def test_to_latex_is_ascii_and_balanced(text: str) -> None:
    for source in (to_latex(text), text_to_latex(text)):
        assert source.isascii()
        assert _braces_balanced(source), source


# --------------------------------------------------------------------------- JSON


def test_json_keys_and_round_trip(solution: Solution) -> None:
    text = to_json(solution)
    data = json.loads(text)
    assert list(data) == ["command", "inputs", "result", "steps", "checks", "verdict"]
    assert all(list(step) == ["label", "formula", "substituted", "value", "note"] for step in data["steps"])
    assert all(list(check) == ["name", "method", "passed", "detail"] for check in data["checks"])
    assert list(data["verdict"]) == ["claimed", "correct", "passed", "details", "diagnosis"]
    assert data == solution.to_dict()
    assert data["steps"][2]["value"] == 29 / 32
    assert data["steps"][3]["value"] == 0.6224593312018546  # full precision, not the display form
    assert data["steps"][0]["formula"] == CONV_FORMULA  # ensure_ascii=False: readable Unicode
    assert CONV_FORMULA in text


def test_json_is_exactly_one_object(solution: Solution) -> None:
    text = to_json(solution)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    obj, end = json.JSONDecoder().raw_decode(text)
    assert isinstance(obj, dict)
    assert text[end:] == "\n"


def test_json_full_precision() -> None:
    sol = Solution(command="c", title="t", result={"x": 0.1 + 0.2, "tiny": 5e-324})
    data = json.loads(to_json(sol))
    assert data["result"] == {"x": 0.30000000000000004, "tiny": 5e-324}


def test_json_never_contains_nan_or_infinity() -> None:
    sol = Solution(command="c", title="t", result={"a": math.nan, "b": [math.inf, -math.inf, 1.5]})
    sol.step("s", value=float("nan"))
    sol.verdict = Verdict(claimed=math.inf, correct=1.0, passed=False)
    text = to_json(sol)
    assert "NaN" not in text and "Infinity" not in text

    def reject(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    data = json.loads(text, parse_constant=reject)
    assert data["result"] == {"a": "nan", "b": ["inf", "-inf", 1.5]}
    assert data["steps"][0]["value"] == "nan"
    assert data["verdict"]["claimed"] == "inf"


def test_sanitize_unknown_values() -> None:
    class Thing:
        def __str__(self) -> str:
            return "thing"

    assert sanitize({1: (Fraction(1, 2), Thing())}) == {"1": [0.5, "thing"]}


# --------------------------------------------------------------------------- rich


def test_rich_output_has_the_numbers(solution: Solution) -> None:
    from rich.console import Console

    from dlcalc.render.table import print_rich

    buffer = io.StringIO()
    print_rich(solution, Console(file=buffer, width=100, force_terminal=True))
    raw = buffer.getvalue()
    assert "\x1b[" in raw  # colour on a (forced) terminal
    plain = ANSI.sub("", raw)
    for needle in ("conv-out", "Formula", "Substituted", "0.6224593312", "29/32", "[26  64]",
                   "output_size = 7", "✓", "✗", "Verdict", "Diagnosis", "covered", "⌊"):
        assert needle in plain, needle
    assert all(len(line) <= 100 for line in plain.splitlines())


@pytest.mark.parametrize("width", [40, 100])
def test_rich_record_narrow_console(solution: Solution, width: int) -> None:
    from rich.console import Console

    from dlcalc.render.table import print_rich

    console = Console(file=io.StringIO(), width=width, record=True)
    print_rich(solution, console)
    exported = console.export_text()
    assert "Verdict" in exported and "28" in exported
    assert all(len(line) <= width for line in exported.splitlines())


def test_rich_brackets_are_not_markup() -> None:
    from rich.console import Console

    from dlcalc.render.table import print_rich

    sol = Solution(command="c", title="[bold]t[/bold]", inputs={"x": "[red]"})
    sol.step("[i]s", "[b]x = 1", value=[[1]])
    buffer = io.StringIO()
    print_rich(sol, Console(file=buffer, width=80))
    assert "[bold]t[/bold]" in buffer.getvalue() and "[b]x = 1" in buffer.getvalue()


# --------------------------------------------------------------------------- markdown


def test_markdown(solution: Solution) -> None:
    md = to_markdown(solution)
    assert md.startswith("### conv-out: output size of a 1-D convolution\n")
    assert r"1. Output size: $O = \lfloor(L + 2P - D(K-1) - 1)/S\rfloor + 1 = " in md
    assert r"$\begin{bmatrix} 1 & 19 \\ 26 & 64 \end{bmatrix}$" in md
    assert r"\frac{29}{32}" in md
    assert "- size = $32$" in md
    assert "   *27/4 = 6.75: the last 3 input columns are never covered*" in md
    assert "- ✓ brute force (sliding window) — 7 window positions" in md
    assert "- ✗ exact arithmetic (fractions) — 27/4 is not an integer" in md
    assert "**Verdict:** ✗ wrong — $28$" in md
    assert "- Diagnosis: 28 is what stride 1 gives" in md
    assert "output\\_size" in md  # markdown specials escaped in prose
    assert md.count("$") % 2 == 0


# --------------------------------------------------------------------------- LaTeX


def test_latex_fragment_shape(solution: Solution) -> None:
    tex = solution_to_latex(solution)
    assert tex.isascii()
    assert tex.startswith("% dlcalc conv-out: output size of a 1-D convolution\n")
    assert tex.count(r"\begin{align*}") == 1 and tex.count(r"\end{align*}") == 1
    assert r"&\text{Output size:} && O = \lfloor(L + 2P - D(K-1) - 1)/S\rfloor + 1" in tex
    assert r"\begin{bmatrix} 1 & 19 \\ 26 & 64 \end{bmatrix}" in tex
    assert r"\frac{29}{32}" in tex
    assert r"\sigma(x) = 1/(1 + e^{-x}) = \sigma(0.5) = 0.6224593312" in tex
    assert r"$\checkmark$\ brute force (sliding window): 7 window positions: 0, 4, \ldots{}, 24 $\le$" in tex
    assert r"$\times$\ wrong --- $28$" in tex
    assert "Diagnosis: 28 is what stride 1 gives" in tex
    assert tex.endswith("\\end{align*}\n")


def test_latex_uses_step_latex_verbatim() -> None:
    sol = Solution(command="c", title="t")
    sol.step("Custom", "ignored", "ignored", 1, latex=r"\mathcal{L} = 1")
    tex = solution_to_latex(sol)
    assert r"&\text{Custom:} && \mathcal{L} = 1" in tex
    assert "ignored" not in tex


def _tricky_solution() -> Solution:
    sol = Solution(command="lstm", title="LSTM — ∂L/∂h₀ with 50% & #1 $ {braces} ~ ^ \\ _",
                   inputs={"x": [[0.5, -1.25], [1e-9, Fraction(2, 3)]], "name": "a_b"})
    sol.step("Gate σ(z) ⊙ tanh(c)", "hₜ = oₜ ⊙ tanh(cₜ)", "0.5 ⊙ tanh(0.25)", 0.12245933120185459)
    sol.step("Weird", "x_{out} = e^ + _ + √ + ∑ᵢ₌₁ⁿ xᵢ² + ‖w‖² + Δθ ≈ 1e-12 ∝ ∞ 中文 naïve",
             "50% of {x} ~ N(0, I) & #2 $5 \\alpha", Fraction(-3, 4), note="note with ≤ and ⌈x⌉ & 100%")
    sol.step("Empty")
    sol.step("", "x = 1")
    sol.step("Vector", value=[1, 2.5, Fraction(1, 3)])
    sol.step("Flag", value=True)
    sol.result = {"weird key_%": [[1, 2]], "nan": math.nan}
    sol.answer = "≈ 0.12 — done ✓"
    sol.add_check("sympy", "exact: σ'(x) = σ(1−σ)", True, "matches to 1e-12 < tol")
    sol.verdict = Verdict(claimed=[[1, 2], [3, 4]], correct=[[1, 2], [3, 5]], passed=False,
                          details=["cell (1,1): 4 ≠ 5"], diagnosis="off by one ⇒ wrong")
    return sol


def _compile(tmp_path: Path, fragment: str) -> None:
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-base); cannot compile LaTeX")
    source = tmp_path / "doc.tex"
    source.write_text(wrap_document(fragment), encoding="ascii")
    proc = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (tmp_path / "doc.log").read_text(encoding="latin-1") if (tmp_path / "doc.log").exists() else ""
    assert proc.returncode == 0, proc.stdout[-3000:] + log[-3000:]
    assert (tmp_path / "doc.pdf").exists()


def test_latex_compiles(solution: Solution, tmp_path: Path) -> None:
    _compile(tmp_path, solution_to_latex(solution))


def test_latex_tricky_content_is_ascii_and_compiles(tmp_path: Path) -> None:
    fragment = solution_to_latex(_tricky_solution())
    assert fragment.isascii()
    empty = solution_to_latex(Solution(command="c", title="empty"))
    only_checks = Solution(command="c", title="checks only")
    only_checks.add_check("a", "b", True)
    markdown_math = re.findall(r"\$([^$]+)\$", to_markdown(_tricky_solution()).replace("\\$", ""))
    inline = "\n\n".join(f"${m}$" for m in markdown_math if "\\" in m)
    _compile(tmp_path, fragment + empty + solution_to_latex(only_checks) + inline + "\n")


# --------------------------------------------------------------------------- render / modes


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_render_auto_to_a_pipe_is_text(solution: Solution) -> None:
    buffer = io.StringIO()
    render(solution, mode="auto", file=buffer)
    assert buffer.getvalue() == EXPECTED_TEXT


def test_render_auto_on_a_terminal_is_rich(solution: Solution) -> None:
    buffer = FakeTTY()
    render(solution, file=buffer)
    assert "Substituted" in buffer.getvalue()  # the rich table header
    assert resolve_mode("auto", FakeTTY()) == "rich"


@pytest.mark.parametrize(("name", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_render_auto_respects_no_color_and_dumb_terminals(
    solution: Solution, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    buffer = FakeTTY()
    render(solution, file=buffer)
    assert buffer.getvalue() == EXPECTED_TEXT


def test_render_auto_empty_no_color_still_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")
    assert resolve_mode("auto", FakeTTY()) == "rich"


def test_render_defaults_to_stdout(solution: Solution, capsys: pytest.CaptureFixture[str]) -> None:
    render(solution, mode="json")
    assert json.loads(capsys.readouterr().out) == solution.to_dict()


@pytest.mark.parametrize("mode", ["json", "latex", "markdown", "text"])
def test_render_matches_render_to_string(solution: Solution, mode: str) -> None:
    buffer = io.StringIO()
    render(solution, mode=mode, file=buffer)
    assert buffer.getvalue() == render_to_string(solution, mode)


def test_render_rich_mode_into_a_file_has_no_colour(solution: Solution) -> None:
    buffer = io.StringIO()
    render(solution, mode="rich", file=buffer)
    assert "\x1b" not in buffer.getvalue() and "Substituted" in buffer.getvalue()


def test_render_to_an_ascii_stream_does_not_crash(solution: Solution) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    render(solution, mode="text", file=stream)
    assert b"Verdict: ? wrong" in raw.getvalue()


@pytest.mark.parametrize("mode", ["rich", "auto", "html"])
def test_render_to_string_rejects_stream_modes(solution: Solution, mode: str) -> None:
    with pytest.raises(ValueError, match="mode"):
        render_to_string(solution, mode)


def test_render_rejects_unknown_mode(solution: Solution) -> None:
    with pytest.raises(ValueError, match="unknown output mode"):
        render(solution, mode="html", file=io.StringIO())
    assert set(MODES) == {"auto", "rich", "text", "json", "latex", "markdown"}


# --------------------------------------------------------------------------- import cost


def test_fast_renderers_import_no_rich_numpy_or_sympy() -> None:
    code = "import dlcalc.render, dlcalc.render.json, dlcalc.render.text, dlcalc.render.mathtext"
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    modules = [line.rsplit("|", 1)[-1].strip() for line in lines]
    assert "dlcalc.render.text" in modules
    heavy = [m for m in modules if m.split(".")[0] in {"rich", "numpy", "sympy"}]
    assert heavy == []
