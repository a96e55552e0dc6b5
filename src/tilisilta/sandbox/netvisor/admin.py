"""The Netvisor sandbox's own admin endpoints under ``/_sandbox`` (no auth; never faulted or
recorded), next to the common ones (faults, requests, clock):

* ``POST /_sandbox/companies`` ``{business_id, name}`` – a company and an API user and partner
  for it; answers their ids and keys (sandbox-only secrets);
* ``GET /_sandbox/companies/{business_id}`` – its state (customers, products, sales invoices,
  payments, purchase invoices, locked period);
* ``POST /_sandbox/companies/{business_id}/customers|products|purchaseinvoices|payments`` –
  seed what Netvisor's users, vendors or the bank would make;
* ``PUT /_sandbox/companies/{business_id}/lock`` ``{"until": "YYYY-MM-DD" | null}``;
* ``GET``/``PUT /_sandbox/switches`` – the behaviour switches (``switches.Switches``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tilisilta.sandbox.common.admin import BadRequest, error, read_object

from .views import company_state, payment_view

if TYPE_CHECKING:
    from .sandbox import NetvisorSandbox


def admin_routes(sb: NetvisorSandbox) -> list[Route]:
    def company_of(request: Request) -> str:
        business_id = str(request.path_params["business_id"])
        if business_id not in sb.companies:
            raise KeyError(f"no company {business_id}")
        return business_id

    async def guarded(request: Request, action: Any, status: int = 200) -> Response:
        try:
            return JSONResponse(await action(request), status_code=status)
        except (BadRequest, ValueError, TypeError, InvalidOperation) as problem:
            return error(400, str(problem))
        except KeyError as problem:
            return error(404, str(problem.args[0]) if problem.args else "not found")

    async def create_company(request: Request) -> Any:
        body = await read_object(request)
        business_id, name = body.get("business_id"), body.get("name") or "Demo Oy"
        if not isinstance(business_id, str) or not business_id.strip():
            raise BadRequest("business_id is required")
        sb.add_company(business_id.strip(), str(name))
        partner = sb.add_partner()
        user = sb.add_user([business_id.strip()])
        return {
            "organisation_id": business_id.strip(),
            "customer_id": user.customer_id,
            "customer_key": user.customer_key,
            "partner_id": partner.partner_id,
            "partner_key": partner.partner_key,
        }

    async def state(request: Request) -> Any:
        with sb.lock:
            return company_state(sb.companies[company_of(request)])

    async def customers(request: Request) -> Any:
        customer = sb.add_customer(company_of(request), await read_object(request))
        return {"netvisor_key": customer.key}

    async def products(request: Request) -> Any:
        product = sb.add_product(company_of(request), await read_object(request))
        return {"netvisor_key": product.key}

    async def purchase_invoices(request: Request) -> Any:
        invoice = sb.add_purchase_invoice(company_of(request), await read_object(request))
        return {"netvisor_key": invoice.key}

    async def payments(request: Request) -> Any:
        business_id = company_of(request)
        body = await read_object(request)
        amount = body.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, str | int):
            raise BadRequest('amount must be a decimal string, e.g. "-12.50"')
        if not isinstance(body.get("date"), str):
            raise BadRequest('date is required, e.g. "2026-12-04"')
        payment = sb.add_bank_payment(
            business_id,
            Decimal(str(amount)),
            date.fromisoformat(body["date"]),
            invoice_number=body.get("invoice_number"),
            name=str(body.get("name", "")),
            reference=body.get("reference"),
        )
        return payment_view(payment)

    async def lock(request: Request) -> Any:
        business_id = company_of(request)
        until = (await read_object(request)).get("until")
        sb.lock_period(business_id, date.fromisoformat(until) if until else None)
        return {"locked_until": until}

    async def get_switches(request: Request) -> Any:
        return sb.switches.to_dict()

    async def put_switches(request: Request) -> Any:
        body = await read_object(request)
        with sb.lock:
            sb.switches.update(body)
            return sb.switches.to_dict()

    def route(path: str, action: Any, method: str, status: int = 200) -> Route:
        async def endpoint(request: Request) -> Response:
            return await guarded(request, action, status)

        return Route(path, endpoint, methods=[method])

    company = "/_sandbox/companies/{business_id}"
    return [
        route("/_sandbox/companies", create_company, "POST", 201),
        route(company, state, "GET"),
        route(f"{company}/customers", customers, "POST", 201),
        route(f"{company}/products", products, "POST", 201),
        route(f"{company}/purchaseinvoices", purchase_invoices, "POST", 201),
        route(f"{company}/payments", payments, "POST", 201),
        route(f"{company}/lock", lock, "PUT"),
        route("/_sandbox/switches", get_switches, "GET"),
        route("/_sandbox/switches", put_switches, "PUT"),
    ]
