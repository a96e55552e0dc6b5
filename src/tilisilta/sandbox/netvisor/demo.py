"""The demo company of ``tilisilta sandbox serve netvisor``: a business ID, an API user and a
partner, products, customers (TEMP included), and purchase invoices awaiting factual
verification, one with a PDF attachment."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import TYPE_CHECKING

from tilisilta.clock import today

if TYPE_CHECKING:
    from .sandbox import NetvisorSandbox

DEMO_BUSINESS_ID = "2077474-0"
DEMO_PDF = b"%PDF-1.4\n% Tilisilta Netvisor sandbox demo attachment\n%%EOF\n"


def seed_demo(sb: NetvisorSandbox) -> dict[str, str]:
    company = sb.add_company(DEMO_BUSINESS_ID, "Demo Oy")
    partner = sb.add_partner("TILISILTA_DEMO")
    user = sb.add_user([company.business_id], customer_id="TK_DEMO")
    bid = company.business_id
    sb.add_product(
        bid, {"code": "ASENNUS", "name": "Asennustyö", "unit_price": "85.00", "unit": "h"}
    )
    sb.add_product(bid, {"code": "KAHVI", "name": "Kahvipaketti", "unit_price": "6.90"})
    sb.add_product(
        bid, {"code": "KIRJA", "name": "Kirja", "unit_price": "30.00", "vat_percent": "14"}
    )
    sb.add_customer(
        bid,
        {
            "name": "Asiakas Oy",
            "code": "C-1",
            "business_id": "0112038-9",
            "street": "Mannerheimintie 1",
            "post_number": "00100",
            "city": "Helsinki",
            "country": "FI",
        },
    )
    sb.add_customer(bid, {"name": "Matti Meikäläinen", "code": "C-2", "city": "Lappeenranta"})
    day = today(sb.clock)
    sb.add_purchase_invoice(
        bid,
        {
            "number": "PI-1001",
            "date": (day - timedelta(days=3)).isoformat(),
            "due_date": (day + timedelta(days=11)).isoformat(),
            "vendor": "Toimittaja Oy",
            "vendor_business_id": "1572860-0",
            "reference": "1232",
            "lines": [
                {
                    "name": "Toimistotarvikkeet",
                    "quantity": 2,
                    "unit_price": "40.00",
                    "vat_percent": "25.5",
                    "line_sum": "100.40",
                }
            ],
            "attachments": [
                {
                    "file_name": "PI-1001.pdf",
                    "content_type": "application/pdf",
                    "data_base64": base64.b64encode(DEMO_PDF).decode(),
                }
            ],
        },
    )
    sb.add_purchase_invoice(
        bid,
        {
            "number": "PI-1002",
            "date": (day - timedelta(days=1)).isoformat(),
            "vendor": "Sähkö Oy",
            "vendor_business_id": "0101263-6",
            "approval": "approved",
            "lines": [{"name": "Sähkö", "unit_price": "50.00", "line_sum": "62.75"}],
        },
    )
    return {
        "organisation_id": bid,
        "customer_id": user.customer_id,
        "customer_key": user.customer_key,
        "partner_id": partner.partner_id,
        "partner_key": partner.partner_key,
    }
