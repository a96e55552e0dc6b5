"""Routes of the registers: business partners, products, product groups and dimensions."""

from __future__ import annotations

import copy

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import dimensions, paging, products, registers
from .handlers import Handlers, header_text
from .jsonio import JSONResponse


class RegisterApi(Handlers):
    def routes(self) -> list[Route]:
        r = Route
        return [
            r("/api/businesspartners", self.search_partners, methods=["GET"]),
            r("/api/businesspartners", self.create_partner, methods=["POST"]),
            r("/api/businesspartners/{ids}", self.get_partners, methods=["GET"]),
            r("/api/businesspartners/{id}", self.replace_partner, methods=["PUT"]),
            r("/api/businesspartners/{id}", self.patch_partner, methods=["PATCH"]),
            # /products/groups before /products/{ids}, which would otherwise match "groups".
            r("/api/products/groups", self.product_groups, methods=["GET"]),
            r("/api/products/groups", self.create_product_group, methods=["POST"]),
            r("/api/products/groups/{id}", self.update_product_group, methods=["PUT"]),
            r("/api/products/groups/{id}", self.delete_product_group, methods=["DELETE"]),
            r("/api/products", self.search_products, methods=["GET"]),
            r("/api/products", self.create_product, methods=["POST"]),
            r("/api/products/{ids}", self.get_products, methods=["GET"]),
            r("/api/products/{id}", self.replace_product, methods=["PUT"]),
            r("/api/products/{id}", self.delete_product, methods=["DELETE"]),
            r("/api/dimensions", self.search_dimensions, methods=["GET"]),
            r("/api/dimensions/{id}", self.get_dimension, methods=["GET"]),
            r("/api/dimensions/{id}/items", self.add_dimension_item, methods=["POST"]),
        ]

    # --- business partners -----------------------------------------------------------------

    async def create_partner(self, request: Request) -> Response:
        c = self._caller(request).company
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(registers.create_partner(c, payload, self.sb.clock.now()))

    async def get_partners(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = paging.batch_get(request.path_params["ids"], c.partners.get, copy.deepcopy)
        return JSONResponse(body)

    async def replace_partner(self, request: Request) -> Response:
        c = self._caller(request).company
        partner_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            body = registers.replace_partner(c, partner_id, payload, self.sb.clock.now())
        return JSONResponse(body)

    async def patch_partner(self, request: Request) -> Response:
        c = self._caller(request).company
        partner_id = self._id(request)
        payload = await self._json(request)
        version = request.query_params.get("version")
        with self.sb.lock:
            body = registers.patch_partner(c, partner_id, payload, version, self.sb.clock.now())
        return JSONResponse(body)

    async def search_partners(self, request: Request) -> Response:
        c = self._caller(request).company
        # Procountor reads these two filters from HTTP headers, not the query string.
        name = header_text(request, "name")
        identifier = header_text(request, "identifier")
        with self.sb.lock:
            body = registers.search_partners(c, request.query_params, name, identifier)
        return JSONResponse(body)

    # --- products and product groups -------------------------------------------------------

    async def create_product(self, request: Request) -> Response:
        c = self._caller(request).company
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(products.create(c, payload))

    async def get_products(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = paging.batch_get(request.path_params["ids"], c.products.get, products.render)
        return JSONResponse(body)

    async def replace_product(self, request: Request) -> Response:
        c = self._caller(request).company
        product_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(products.replace(c, product_id, payload))

    async def delete_product(self, request: Request) -> Response:
        c = self._caller(request).company
        product_id = self._id(request)
        with self.sb.lock:
            products.delete(c, product_id)
        return Response(status_code=204)

    async def search_products(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            body = products.search(c, request.query_params)
        return JSONResponse(body)

    async def product_groups(self, request: Request) -> Response:
        c = self._caller(request).company
        with self.sb.lock:
            return JSONResponse(products.groups(c, request.query_params))

    async def create_product_group(self, request: Request) -> Response:
        c = self._caller(request).company
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(products.create_group(c, payload))

    async def update_product_group(self, request: Request) -> Response:
        c = self._caller(request).company
        group_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(products.update_group(c, group_id, payload))

    async def delete_product_group(self, request: Request) -> Response:
        c = self._caller(request).company
        group_id = self._id(request)
        with self.sb.lock:
            products.delete_group(c, group_id)
        return Response(status_code=204)

    # --- dimensions ------------------------------------------------------------------------

    async def search_dimensions(self, request: Request) -> Response:
        c = self._caller(request).company
        query = request.query_params
        with self.sb.lock:
            body = dimensions.search(c, query.get("name") or "", query.get("codeName") or "")
        return JSONResponse(body)

    async def get_dimension(self, request: Request) -> Response:
        c = self._caller(request).company
        dimension_id = self._id(request)
        with self.sb.lock:
            return JSONResponse(dimensions.render(dimensions.find(c, dimension_id)))

    async def add_dimension_item(self, request: Request) -> Response:
        c = self._caller(request).company
        dimension_id = self._id(request)
        payload = await self._json(request)
        with self.sb.lock:
            return JSONResponse(dimensions.add_item(c, dimension_id, payload))
