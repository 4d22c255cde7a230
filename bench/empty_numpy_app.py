"""The second reference for start-up: the empty Typer app of `bench/empty_app.py` that also imports numpy,
what any command that computes with numpy cannot start faster than."""

import numpy  # noqa: F401
import typer

app = typer.Typer()


@app.command()
def main(size: int = 1) -> None:
    print(size)


if __name__ == "__main__":
    app()
