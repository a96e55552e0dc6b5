"""Webhook registrations (``/webhooks``) and the push bodies sent when payment events appear.

A push is ``{eventType, webhookUuid, payload, meta: {version, timestamp}}`` as Procountor
documents it. What ``payload`` holds and what ``meta.version`` means are undocumented; here the
payload names the company, invoice and payment event (``{companyId, invoiceId, paymentEventId}``)
and ``meta.version`` is ``"1"`` (our choices: a receiver should read the event back through the
API rather than trust the push). HMAC signing is undocumented too: ``authenticationMeta`` is stored
and echoed, nothing is signed.

Bodies are built under the sandbox lock and handed to the sandbox's sender after it is released
(a receiver may well call the API back).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import QueryParams

from . import checks as c
from . import enums, paging
from . import errors as e
from .errors import ApiError, ValidationErrors
from .state import SandboxCompany, timestamp

PAYMENT_CREATED = "INVOICE_PAYMENT_CREATED"
PUSH_VERSION = "1"
MAX_URL_LENGTH = 2048
#: Plain http is accepted only for receivers on this machine (demos); anything else needs https.
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

Delivery = tuple[str, dict[str, Any]]


def create(company: SandboxCompany, payload: Any, new_uuid: Callable[[], str]) -> dict[str, Any]:
    """``POST /webhooks`` -> ``{status, uuid}``."""
    if not isinstance(payload, dict):
        raise ApiError(400, e.INVALID_JSON)
    errs = ValidationErrors()
    url = c.string(errs, payload, "url", "", required=True, max_len=MAX_URL_LENGTH)
    if url is not None and not _acceptable_url(url):
        errs.add("url", e.INVALID_URL)
    c.enum(
        errs, payload, "authenticationType", "", enums.WEBHOOK_AUTHENTICATION_TYPES, required=True
    )
    c.obj(errs, payload, "authenticationMeta", "")
    subscriptions = payload.get("subscriptions")
    if subscriptions is None:
        errs.add("subscriptions", e.REQUIRED)
    elif not isinstance(subscriptions, list):
        errs.add("subscriptions", e.INVALID_TYPE)
    elif not subscriptions:
        errs.add("subscriptions", e.REQUIRED)
    else:
        for index, name in enumerate(subscriptions):
            if not isinstance(name, str) or name not in enums.WEBHOOK_EVENTS:
                errs.add(f"subscriptions[{index}]", e.INVALID_VALUE)
            elif subscriptions.index(name) != index:
                errs.add(f"subscriptions[{index}]", e.DUPLICATE_VALUE)
    errs.raise_if_any()
    uuid = new_uuid()
    webhook: dict[str, Any] = {"uuid": uuid, "url": payload["url"]}
    webhook["authenticationType"] = payload["authenticationType"]
    if payload.get("authenticationMeta") is not None:
        webhook["authenticationMeta"] = copy.deepcopy(payload["authenticationMeta"])
    webhook["subscriptions"] = list(payload["subscriptions"])
    company.webhooks[uuid] = webhook
    return {"status": "ACTIVE", "uuid": uuid}


def _acceptable_url(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.netloc or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS


def search(company: SandboxCompany, query: QueryParams) -> dict[str, Any]:
    """``GET /webhooks`` -> ``{results, meta}`` in registration order."""
    hooks = list(company.webhooks.values())
    position = {hook["uuid"]: index for index, hook in enumerate(hooks)}
    return paging.paginate(
        hooks,
        query,
        {},
        lambda hook: position[hook["uuid"]],
        copy.deepcopy,
        default_descending=False,
    )


def delete(company: SandboxCompany, uuid: str) -> None:
    """``DELETE /webhooks/{uuid}``."""
    if company.webhooks.pop(uuid, None) is None:
        raise ApiError(404, e.NOT_FOUND)


def payment_created(
    company: SandboxCompany, event: dict[str, Any], now: datetime
) -> list[Delivery]:
    """The pushes one new payment event causes: one per subscribed webhook."""
    deliveries: list[Delivery] = []
    for hook in company.webhooks.values():
        if PAYMENT_CREATED not in hook["subscriptions"]:
            continue
        body = {
            "eventType": PAYMENT_CREATED,
            "webhookUuid": hook["uuid"],
            "payload": {
                "companyId": company.company_id,
                "invoiceId": event["invoiceId"],
                "paymentEventId": event["id"],
            },
            "meta": {"version": PUSH_VERSION, "timestamp": timestamp(now)},
        }
        deliveries.append((str(hook["url"]), body))
    return deliveries
