"""Serving the sandboxes on loopback, for demos and for clients other than ours."""

from __future__ import annotations

from typing import Annotated

import typer

sandbox_app = typer.Typer(help="Local imitations of the external systems.", no_args_is_help=True)
serve_app = typer.Typer(help="Serve a sandbox on loopback.", no_args_is_help=True)
sandbox_app.add_typer(serve_app, name="serve")


@serve_app.command("procountor")
def serve_procountor(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: int = 8765,
    seed: int = 0,
) -> None:
    """Serve the Procountor sandbox, with a demo company, until interrupted."""
    from tilisilta.sandbox.procountor import serve

    serve(host=host, port=port, seed=seed)
