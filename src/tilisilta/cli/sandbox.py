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


@serve_app.command("odoo")
def serve_odoo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: int = 8069,
    version: Annotated[int, typer.Option(min=16, max=19, help="Odoo major version.")] = 17,
    seed: int = 0,
) -> None:
    """Serve the Odoo sandbox, with a demo company and a bot user, until interrupted."""
    from tilisilta.sandbox.odoo import serve

    serve(host=host, port=port, version=version, seed=seed)


@serve_app.command("netvisor")
def serve_netvisor(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: int = 8766,
    seed: int = 0,
) -> None:
    """Serve the Netvisor sandbox, with a demo company and API keys, until interrupted."""
    from tilisilta.sandbox.netvisor import serve

    serve(host=host, port=port, seed=seed)
