"""Procountor's business partner and product registers over HTTP; nothing of the ledger.

Lists are read page by page (``size`` at most 200, ``page`` from 0) until a page comes back
short: Procountor often leaves ``totalCount`` out, so it is never relied on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tilisilta.connectors.procountor.client.base import PAGE_SIZE, Calls
from tilisilta.connectors.procountor.client.base import results as _results


class RegisterClient:
    def __init__(self, client: Calls) -> None:
        self.client = client

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        # Ascending ids keep the pages stable while records are being added.
        seen: set[Any] = set()
        page = 0
        while True:
            body = self.client.call(
                "GET",
                path,
                repeatable=True,
                params={**params, "size": PAGE_SIZE, "page": page, "orderById": "ASC"},
            )
            results = _results(body)
            fresh = [r for r in results if r.get("id") not in seen]
            seen.update(r.get("id") for r in results)
            yield from fresh
            # A short page is the last; a page of nothing new means paging is being ignored.
            if len(results) < PAGE_SIZE or not fresh:
                return
            page += 1

    # -- business partners ------------------------------------------------------------------
    def customers(self) -> Iterator[dict[str, Any]]:
        """Every active customer, as the search returns them (basic info)."""
        return self._pages("/businesspartners", {"type": "CUSTOMER"})

    def customers_by_number(self, customer_number: str) -> list[dict[str, Any]]:
        body = self.client.call(
            "GET",
            "/businesspartners",
            repeatable=True,
            params={"type": "CUSTOMER", "customerNumber": customer_number, "size": PAGE_SIZE},
        )
        return _results(body)

    def partner(self, partner_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.client.call(
            "GET", f"/businesspartners/{partner_id}", repeatable=True
        )
        return result

    def create_partner(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.client.call(
            "POST", "/businesspartners", repeatable=False, json_body=body
        )
        return result

    def patch_partner(self, partner_id: int, body: dict[str, Any], version: str) -> dict[str, Any]:
        # Not repeatable: a repeat after a lost answer would meet a version that moved on.
        result: dict[str, Any] = self.client.call(
            "PATCH",
            f"/businesspartners/{partner_id}",
            repeatable=False,
            json_body={**body, "version": version},
        )
        return result

    def replace_partner(self, partner_id: int, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.client.call(
            "PUT", f"/businesspartners/{partner_id}", repeatable=False, json_body=body
        )
        return result

    # -- products ---------------------------------------------------------------------------
    def sales_products(self) -> Iterator[dict[str, Any]]:
        return self._pages("/products", {"type": "SALES"})

    def sales_products_by_code(self, code: str) -> list[dict[str, Any]]:
        """Procountor's code filter matches any part of the code."""
        body = self.client.call(
            "GET",
            "/products",
            repeatable=True,
            params={"type": "SALES", "code": code, "size": PAGE_SIZE},
        )
        return _results(body)

    def product(self, product_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.client.call("GET", f"/products/{product_id}", repeatable=True)
        return result

    def create_product(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.client.call(
            "POST", "/products", repeatable=False, json_body=body
        )
        return result

    def replace_product(self, product_id: int, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.client.call(
            "PUT", f"/products/{product_id}", repeatable=False, json_body=body
        )
        return result

    def sales_product_groups(self) -> list[dict[str, Any]]:
        body = self.client.call(
            "GET", "/products/groups", repeatable=True, params={"type": "SALES"}
        )
        if isinstance(body, dict) and isinstance(body.get("productGroups"), list):
            return list(body["productGroups"])
        return _results(body)

    def create_product_group(self, name: str, kind: str = "SALES") -> dict[str, Any]:
        result: dict[str, Any] = self.client.call(
            "POST", "/products/groups", repeatable=False, json_body={"name": name, "type": kind}
        )
        return result
