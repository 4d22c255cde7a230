"""The reference for start-up: an empty Typer app with one command (what `bench/startup.py` compares to)."""

import typer

app = typer.Typer()


@app.command()
def main(size: int = 1) -> None:
    print(size)


if __name__ == "__main__":
    app()
