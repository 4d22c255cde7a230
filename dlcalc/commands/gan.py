"""``dlcalc gan-optimal-d`` and :func:`dlcalc.gan_optimal_d`: the optimal discriminator, the value of the
game and the JSD."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from dlcalc.commands import AtolOpt, JsonOpt, LatexOpt, MarkdownOpt, RtolOpt, command_app, examples, finish, output_mode
from dlcalc.errors import InputError

if TYPE_CHECKING:  # imported when the command runs, not when its module loads
    from dlcalc.core.gan import Density
    from dlcalc.solution import Solution

app = command_app()

EXAMPLES = examples(
    'dlcalc gan-optimal-d --p-data "0.2,0.5,0.3" --p-g "0.4,0.4,0.2" --check "0.333,0.556,0.6"',
    'dlcalc gan-optimal-d --p-data "normal(0,1)" --p-g "normal(1,1)" --x "-1,0,1,2"',
    'dlcalc gan-optimal-d --p-data "0.5*normal(-2,1) + 0.5*normal(2,1)" --p-g "normal(0,2)" --grid -6:6:121 --plot',
    'dlcalc gan-optimal-d --p-data "uniform(0,1)" --p-g "uniform(0,1)" --derive',
)


def gan_optimal_d(p_data: Any = None, p_g: Any = None, support: Any = None, x: Any = None, grid: Any = None,
                  plot: str | None = None, derive: bool = False, check: Any = None, rtol: float | None = None,
                  atol: float | None = None) -> "Solution":
    """The optimal GAN discriminator ``D*(x) = p_data(x)/(p_data(x) + p_g(x))``, the value of the game
    ``V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g)`` and the JSD's two KL terms to the mixture (Goodfellow et
    al. 2014, "Generative Adversarial Nets", Proposition 1 and Theorem 1); natural logarithms.

    ``p_data`` and ``p_g`` are both probabilities (``[0.2, 0.5, 0.3]`` or ``"0.2,0.5,0.3"``, on
    ``support``'s names: ``["a", "b", "c"]`` or ``"a,b,c"``) or both densities (``"normal(0,1)"``,
    ``"uniform(a,b)"``, ``"laplace(m,b)"``, weighted sums such as ``"0.5*normal(-2,1) + 0.5*normal(2,1)"``,
    or :class:`~dlcalc.core.gan.Density` objects), evaluated at the points ``x`` (``[-1, 0, 1]``) or on a
    ``grid`` (``"-4:4:81"`` or ``(-4, 4, 81)``). ``plot`` draws D* in the terminal (``"-"``) or into a
    .png/.svg file; ``derive`` adds sympy's maximisation of a·log y + b·log(1 − y). ``check`` is a claim
    or a list of them: D* values (the default), ``v=…`` (the value), ``jsd=…``, ``kl_data_mix=…``,
    ``kl_g_mix=…``.

    Example:
        >>> import dlcalc
        >>> sol = dlcalc.gan_optimal_d(p_data=[0.2, 0.5, 0.3], p_g=[0.4, 0.4, 0.2])
        >>> [round(d, 4) for d in sol.result["d_star"].tolist()]
        [0.3333, 0.5556, 0.6]
        >>> sol.check("v=0.0496").diagnosis
        'value: 0.0496 is 2·JSD without the −log 4; the answer is -1.336679753'
        >>> dlcalc.gan_optimal_d(p_data="normal(0,1)", p_g="normal(0,1)", x=[0]).result["value"]  # −log 4
        -1.386294361...
    """
    from dlcalc.core.gan import game, optimal_discriminator

    if p_data is None or p_g is None:
        raise InputError("is required, e.g. --p-data \"0.2,0.5,0.3\" or \"normal(0,1)\"",
                         "--p-data" if p_data is None else "--p-g")
    probabilities = _looks_discrete(p_data) and _looks_discrete(p_g)
    p, q = _distribution(p_data, "--p-data", probabilities), _distribution(p_g, "--p-g", probabilities)
    if x is not None and grid is not None:
        raise InputError("give points with --x or a grid with --grid, not both", "--grid")
    problem = game(p, q, support=_support(support), x=_points(x), grid=_grid(grid))
    sol = optimal_discriminator(problem)
    if plot is not None:
        from dlcalc.render.plot import add_plot

        if not isinstance(plot, str):
            raise InputError(f"expected - (a terminal plot) or a .png or .svg file, got {plot!r}", "--plot")

        add_plot(sol, problem.series(), plot)
    if derive:
        from dlcalc.symbolic.gan import derivation

        derivation(sol)
    return sol.checked(check, rtol=rtol, atol=atol)


def _looks_discrete(value: Any) -> bool:
    """Probabilities rather than a density: numbers only, as text or as a list."""
    from dlcalc.core.gan import Density
    from dlcalc.parse.distributions import looks_discrete

    return looks_discrete(value) if isinstance(value, str) else not isinstance(value, Density)


def _distribution(value: Any, option: str, probabilities: bool) -> "Density | list[float]":
    """A density (a Density, or its text), or probabilities (a list, or text of numbers when both
    distributions are: text that is a density on one side makes both densities)."""
    from dlcalc.core.gan import Density
    from dlcalc.parse.distributions import parse_density
    from dlcalc.parse.matrices import as_number_list

    if isinstance(value, Density):
        return value
    if isinstance(value, str) and not probabilities:
        return parse_density(value, option)
    return [float(v) for v in as_number_list(value, option)]


def _support(value: Any) -> list[str] | None:
    """The names of the points of a discrete support: ``"a,b,c"`` or a list."""
    if value is None:
        return None
    if isinstance(value, str):
        return [s.strip() for s in value.split(",")]
    if not isinstance(value, (list, tuple)):
        raise InputError(f"expected names such as a,b,c, got {value!r}", "--support")
    return [str(v) for v in value]


def _points(value: Any) -> list[float] | None:
    from dlcalc.parse.matrices import as_number_list

    return None if value is None else [float(v) for v in as_number_list(value, "--x")]


def _grid(value: Any) -> list[float] | None:
    from dlcalc.parse.distributions import parse_grid

    return None if value is None else parse_grid(value, "--grid")


@app.command("gan-optimal-d", epilog=EXAMPLES)
def gan_command(
    p_data: Annotated[str | None, typer.Option("--p-data", help='Data distribution: "0.2,0.5,0.3" or '
                                               '"normal(0,1)", uniform(a,b), laplace(m,b), mixtures.',
                                               show_default=False)] = None,
    p_g: Annotated[str | None, typer.Option("--p-g", help="Generator distribution, the same way.",
                                            show_default=False)] = None,
    support: Annotated[str | None, typer.Option("--support", help='Names of the discrete points, e.g. "a,b,c".',
                                                show_default=False)] = None,
    x: Annotated[str | None, typer.Option("--x", help="Points to evaluate densities at [default: -2,-1,0,1,2].",
                                          show_default=False)] = None,
    grid: Annotated[str | None, typer.Option("--grid", help="A grid START:STOP:COUNT, e.g. -4:4:81.",
                                             show_default=False)] = None,
    plot: Annotated[str | None, typer.Option(
        "--plot", help="Draw D*, p_data and p_g: in the terminal (--plot -), or into a .png/.svg file "
        "(needs dlcalc[plot]).", show_default=False)] = None,
    derive: Annotated[bool, typer.Option("--derive", help="Sympy maximises a·log y + b·log(1 − y).")] = False,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    check: Annotated[list[str] | None, typer.Option(
        "--check", metavar="CLAIM", help='D* values "0.333,0.556", or v=-1.2, jsd=0.05 (repeatable).',
        rich_help_panel="Checking", show_default=False)] = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """The optimal GAN discriminator D* = p_data/(p_data + p_g), the value of the game and the JSD.

    V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g) (Goodfellow et al. 2014).
    """
    mode = output_mode(json_, latex, markdown)
    return finish(gan_optimal_d(p_data, p_g, support=support, x=x, grid=grid, plot=plot, derive=derive, check=check,
                                rtol=rtol, atol=atol), mode)
