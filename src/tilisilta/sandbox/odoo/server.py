"""Run the Odoo sandbox on loopback with a demo company, for demos and other clients."""

from __future__ import annotations

import uvicorn

from .sandbox import OdooSandbox


def serve(host: str = "127.0.0.1", port: int = 8069, version: int = 17, seed: int = 0) -> None:
    """Serve the sandbox with uvicorn after printing the demo company's credentials.

    The API key is printed too: it exists only in this sandbox process.
    """
    sb, creds = OdooSandbox.with_demo_company(version=version, seed=seed)
    base = f"http://{host}:{port}"
    routes = f"JSON-RPC {base}/jsonrpc, XML-RPC {base}/xmlrpc/2"
    if version >= 19:
        routes += f", JSON-2 {base}/json/2/<model>/<method>"
    print(f"Odoo {version}.0 sandbox on {base} ({routes})")
    print(f"  database:    {creds.database}")
    print(f"  login:       {creds.login}")
    print(f"  uid:         {creds.uid}")
    print(f"  company_id:  {creds.company_id}")
    print("  sandbox-only secret (valid nowhere but this process):")
    print(f"  api_key:     {creds.api_key}")
    print(
        f"  admin:       {base}/_sandbox/ (faults, requests, requests/log, clock,"
        " clock/advance, records/<model>)"
    )
    uvicorn.run(sb.app, host=host, port=port, log_level="warning")
