"""``dlcalc elbo``: the VAE evidence lower bound, term by term, derived and checked."""

from typing import Annotated

import click
import typer

from dlcalc.commands import (
    AtolOpt,
    JsonOpt,
    LatexOpt,
    MarkdownOpt,
    RtolOpt,
    SymbolicOpt,
    command_app,
    examples,
    finish,
    output_mode,
)

app = command_app()


DECODER = click.Choice(["bernoulli", "gaussian"])


EXAMPLES = examples(
    'dlcalc elbo --mu "0.5,-1" --logvar "-0.2,0.3" --x "1,0,1" --x-hat "0.8,0.3,0.6"',
    'dlcalc elbo --mu "0.5,-1" --sigma "0.9,1.2" --check kl=0.74',
    'dlcalc elbo --discrete --prior "0.3,0.7" --likelihood "0.9,0.2" --q "0.5,0.5" --derive',
    'dlcalc elbo --mu "0.1" --logvar "-1" --x "0.2,0.4" --decoder-weights "1 0; -1 0.5" --decoder gaussian '
    '--sigma-x 0.5 --samples 10000',
)
GAUSS = "Gaussian encoder"
DISCRETE = "Discrete latent"


@app.command("elbo", epilog=EXAMPLES)
def elbo_command(
    mu: Annotated[str | None, typer.Option("--mu", help="Encoder means μ, e.g. \"0.5,-1\".", rich_help_panel=GAUSS,
                                           show_default=False)] = None,
    logvar: Annotated[str | None, typer.Option("--logvar", help="Encoder ln σ² per dimension.",
                                               rich_help_panel=GAUSS, show_default=False)] = None,
    sigma: Annotated[str | None, typer.Option("--sigma", help="Encoder σ per dimension (instead of --logvar).",
                                              rich_help_panel=GAUSS, show_default=False)] = None,
    prior_mu: Annotated[str | None, typer.Option("--prior-mu", help="Prior means [default: 0].",
                                                 rich_help_panel=GAUSS, show_default=False)] = None,
    prior_sigma: Annotated[str | None, typer.Option("--prior-sigma", help="Prior σ [default: 1].",
                                                    rich_help_panel=GAUSS, show_default=False)] = None,
    x: Annotated[str | None, typer.Option("--x", help="The data x.", rich_help_panel=GAUSS, show_default=False)
                 ] = None,
    x_hat: Annotated[str | None, typer.Option("--x-hat", help="The decoder's output x̂ (Bernoulli means, or Gaussian "
                                              "means).", rich_help_panel=GAUSS, show_default=False)] = None,
    decoder: Annotated[str, typer.Option(click_type=DECODER, help="The decoder's likelihood.", rich_help_panel=GAUSS)
                       ] = "bernoulli",
    sigma_x: Annotated[float | None, typer.Option("--sigma-x", help="The Gaussian decoder's σ_x.",
                                                  rich_help_panel=GAUSS, show_default=False)] = None,
    drop_constant: Annotated[bool, typer.Option("--drop-constant", help="Leave out −½ ln(2πσ_x²), as many courses "
                                                "do.", rich_help_panel=GAUSS)] = False,
    samples: Annotated[int | None, typer.Option("--samples", help="Monte Carlo estimates with N samples.",
                                                rich_help_panel=GAUSS, show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for --samples.", rich_help_panel=GAUSS)] = 0,
    decoder_weights: Annotated[str | None, typer.Option(
        "--decoder-weights", help="A linear decoder x̂ = W z (+ b as a last column) for --samples: a matrix or @file.",
        rich_help_panel=GAUSS, show_default=False)] = None,
    discrete: Annotated[bool, typer.Option("--discrete", help="A discrete latent z (the seed's sums).",
                                           rich_help_panel=DISCRETE)] = False,
    prior: Annotated[str | None, typer.Option("--prior", help="p(z), e.g. \"0.3,0.7\".", rich_help_panel=DISCRETE,
                                              show_default=False)] = None,
    likelihood: Annotated[str | None, typer.Option(
        "--likelihood", help="p(x|z) for each z; several rows for several x.", rich_help_panel=DISCRETE,
        show_default=False)] = None,
    q: Annotated[str | None, typer.Option("--q", help="q(z), e.g. \"0.5,0.5\" (or one row per x).",
                                          rich_help_panel=DISCRETE, show_default=False)] = None,
    derive: Annotated[bool, typer.Option("--derive", help="The derivation, each step checked by sympy.")] = False,
    bits: Annotated[bool, typer.Option("--bits", help="Report in bits instead of nats.")] = False,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    symbolic: SymbolicOpt = None,
    check: Annotated[list[str] | None, typer.Option(
        "--check", metavar="NAME=VALUE", help="A claim: elbo=-1.23, kl=0.4, recon=-0.9 (repeatable).",
        rich_help_panel="Checking", show_default=False)] = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """The VAE evidence lower bound, term by term: KL, reconstruction, ELBO, and log p(x) = ELBO + KL.

    ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z)) (Kingma & Welling 2014).
    """
    mode = output_mode(json_, latex, markdown)
    from dlcalc.core.elbo import elbo_request

    solution = elbo_request(
        discrete=discrete, prior=prior, likelihood=likelihood, q=q, mu=mu, logvar=logvar, sigma=sigma,
        prior_mu=prior_mu, prior_sigma=prior_sigma, x=x, x_hat=x_hat, decoder=decoder, sigma_x=sigma_x,
        drop_constant=drop_constant, samples=samples, seed=seed, decoder_weights=decoder_weights, derive=derive,
        bits=bits, symbolic=(mode != "json") if symbolic is None else symbolic, check=check, rtol=rtol, atol=atol)
    return finish(solution, mode)
