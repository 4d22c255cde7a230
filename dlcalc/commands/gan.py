"""``dlcalc gan-optimal-d``: the optimal discriminator, the value of the game and the JSD."""

from typing import Annotated

import typer

from dlcalc.commands import AtolOpt, JsonOpt, LatexOpt, MarkdownOpt, RtolOpt, command_app, examples, finish, output_mode

app = command_app()

EXAMPLES = examples(
    'dlcalc gan-optimal-d --p-data "0.2,0.5,0.3" --p-g "0.4,0.4,0.2" --check "0.333,0.556,0.6"',
    'dlcalc gan-optimal-d --p-data "normal(0,1)" --p-g "normal(1,1)" --x "-1,0,1,2"',
    'dlcalc gan-optimal-d --p-data "0.5*normal(-2,1) + 0.5*normal(2,1)" --p-g "normal(0,2)" --grid -6:6:121 --plot',
    'dlcalc gan-optimal-d --p-data "uniform(0,1)" --p-g "uniform(0,1)" --derive',
)


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
    from dlcalc.core.gan import gan_request

    solution = gan_request(p_data=p_data, p_g=p_g, support=support, x=x, grid=grid, plot=plot, derive=derive,
                           check=check, rtol=rtol, atol=atol)
    return finish(solution, mode)
