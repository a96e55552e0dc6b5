"""Run the Netvisor sandbox on loopback with the demo company, for demos and other clients."""

from __future__ import annotations

import uvicorn

from .sandbox import NetvisorSandbox


def serve(host: str = "127.0.0.1", port: int = 8766, seed: int = 0) -> None:
    """Serve the sandbox with uvicorn after printing the demo company's credentials. Clients
    sign ``http://{host}:{port}/<resource>.nv?…`` exactly as they send it. The keys exist only
    in this sandbox process."""
    base = f"http://{host}:{port}"
    sb, creds = NetvisorSandbox.with_demo_company(seed=seed)
    print(f"Netvisor sandbox on {base} (resources {base}/<resource>.nv)")
    print(f"  organisation_id: {creds['organisation_id']}")
    print(f"  customer_id:     {creds['customer_id']}")
    print(f"  partner_id:      {creds['partner_id']}")
    print("  sandbox-only secrets (valid nowhere but this process):")
    print(f"  customer_key:    {creds['customer_key']}")
    print(f"  partner_key:     {creds['partner_key']}")
    print(
        f"  admin:           {base}/_sandbox/ (faults, requests, requests/log, clock, switches,"
        " companies, companies/{business_id}/customers|products|purchaseinvoices|payments|lock)"
    )
    uvicorn.run(sb.app, host=host, port=port, log_level="warning")
