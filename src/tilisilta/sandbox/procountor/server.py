"""Run the Procountor sandbox on loopback with a demo company, for demos and other clients."""

from __future__ import annotations

import uvicorn

from .sandbox import ProcountorSandbox


def serve(host: str = "127.0.0.1", port: int = 8765, seed: int = 0) -> None:
    """Serve the sandbox with uvicorn after printing the demo company's credentials.

    The secret and API key are printed too: they exist only in this sandbox process.
    """
    sb, creds = ProcountorSandbox.with_demo_company(seed=seed)
    base = f"http://{host}:{port}"
    print(f"Procountor sandbox on {base} (API base {base}/api, token {base}/api/oauth/token)")
    print(f"  client_id:     {creds['client_id']}")
    print(f"  redirect_uri:  {creds['redirect_uri']}")
    print(f"  company_id:    {creds['company_id']}")
    print(f"  iban:          {creds['iban']}")
    print("  sandbox-only secrets (valid nowhere but this process):")
    print(f"  client_secret: {creds['client_secret']}")
    print(f"  api_key:       {creds['api_key']}")
    print(
        f"  admin:         {base}/_sandbox/ (faults, requests, requests/log, clock,"
        " clock/advance, rate_limit, companies, companies/{cid}/invoices/{iid}/payments|reversals,"
        " webhooks/outbox)"
    )
    uvicorn.run(sb.app, host=host, port=port, log_level="warning")
