"""Procountor products: fetching and matching them, binding by hand, product groups, and
creating or updating the products before an invoice whose rows link to them
(option ``create_products``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import invoice
from tests.hub import Procountor, TestHub
from tilisilta.cli.registers import products_app
from tilisilta.clock import ManualClock
from tilisilta.connectors.procountor.client import ProcountorClient
from tilisilta.connectors.procountor.flows.registers import (
    BindRefused,
    bind_product,
    fetch_products,
)
from tilisilta.domain.documents import Product
from tilisilta.store import companies as repo
from tilisilta.store.models import Binding, Document
from tilisilta.store.registers import PRODUCT, upsert_product


# -- helpers ------------------------------------------------------------------------------------
def person(procountor: Procountor, clock: ManualClock) -> ProcountorClient:
    """Someone working in Procountor directly, through the public API."""
    creds = procountor.credentials
    return ProcountorClient(
        "http://procountor.test/api",
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        redirect_uri=creds["redirect_uri"],
        api_key=creds["api_key"],
        clock=clock,
        transport=procountor.transport,
    )


def add_product(
    pc: ProcountorClient, name: str, code: str | None = None, kind: str = "SALES"
) -> int:
    body: dict[str, Any] = {
        "type": kind,
        "name": name,
        "price": Decimal("10.00"),
        "discount": Decimal(0),
        "active": True,
        "currency": "EUR",
    }
    if code:
        body["code"] = code
    return int(pc.call("POST", "/products", repeatable=False, json_body=body)["id"])


def read_product(pc: ProcountorClient, product_id: int) -> dict[str, Any]:
    result: dict[str, Any] = pc.call("GET", f"/products/{product_id}", repeatable=True)
    return result


def set_options(hub: TestHub, **options: Any) -> None:
    with hub.store.session() as session:
        connection = repo.find_connection(session, hub.connection)
        connection.options = {**connection.options, **options}


def calls(procountor: Procountor, method: str, path: str) -> int:
    return procountor.sandbox.request_counts[f"{method} {path}"]


def add_local_product(hub: TestHub, product: Product) -> None:
    with hub.store.session() as session:
        company = repo.find_company(session, hub.company)
        upsert_product(session, company.id, product, hub.clock.now())


def product_bindings(hub: TestHub) -> dict[str, str]:
    """product code -> Procountor id."""
    with hub.store.session() as session:
        rows = session.execute(
            select(Document.ref, Binding.external_id)
            .join(Document, Document.id == Binding.local_id)
            .where(Binding.local_kind == PRODUCT)
        ).all()
    return {ref: ext for ref, ext in rows}


def line(code: str | None, description: str, price: str = "85.00", **fields: Any) -> dict[str, Any]:
    data = {
        "description": description,
        "quantity": "2",
        "unit": "HUR",
        "unit_price": price,
        "vat_rate": "25.5",
        **fields,
    }
    if code:
        data["product_code"] = code
    return data


COFFEE = line("KAHVI-1", "Kahvi 1 kg", "21.90", unit="KGM", vat_rate="13.5")
WORK = line("ASENNUS", "Asennustyö")
FREE_TEXT = line(None, "Matkakulut", "40.00")


# -- fetching and matching ----------------------------------------------------------------------
def test_fetch_matches_by_code_then_name(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    coffee = add_product(pc, "Coffee", "kahvi-1")
    work = add_product(pc, "Asennustyö", "X-200")
    add_product(pc, "Kahvi 10 kg", "KAHVI-10")  # a longer code that contains ours
    add_product(pc, "Asennustyö", "ASENNUS", kind="PURCHASE")  # not a sales product
    twins = [add_product(pc, "Lahja"), add_product(pc, " lahja ")]
    hub.import_invoices([invoice("1001", lines=[COFFEE, WORK, FREE_TEXT])], tmp_path)
    add_local_product(hub, Product(code="LAHJA", name="Lahja"))
    add_local_product(hub, Product(code="UUSI", name="Uusi tuote"))

    report = hub.run("pc", fetch_products)

    assert report.fetched == 5
    assert {(m.local_ref, m.external_id, m.by) for m in report.matched} == {
        ("KAHVI-1", str(coffee), "code"),
        ("ASENNUS", str(work), "name"),
    }
    [ambiguous] = report.ambiguous
    assert ambiguous.local_ref == "LAHJA"
    assert {c for c, _ in ambiguous.candidates} == {str(t) for t in twins}
    assert report.unmatched_local == [("UUSI", "Uusi tuote")]
    assert [name for _, name in report.unmatched_remote] == ["Kahvi 10 kg"]
    assert product_bindings(hub) == {"KAHVI-1": str(coffee), "ASENNUS": str(work)}


def test_fetch_reads_every_page(hub: TestHub, procountor: Procountor) -> None:
    pc = person(procountor, hub.clock)
    ids = [add_product(pc, f"Tuote {n:03}", f"T-{n:03}") for n in range(201)]
    add_local_product(hub, Product(code="T-200", name="Viimeinen"))

    report = hub.run("pc", fetch_products)

    assert report.fetched == 201
    assert calls(procountor, "GET", "/api/products") == 2
    assert product_bindings(hub) == {"T-200": str(ids[-1])}


# -- binding by hand ----------------------------------------------------------------------------
def test_bind_by_hand_and_through_the_cli(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    sales = add_product(pc, "Kahvi", "K1")
    purchase = add_product(pc, "Kahvi (osto)", "K1-OSTO", kind="PURCHASE")
    hub.import_invoices([invoice("1001", lines=[COFFEE])], tmp_path)

    result = hub.run("pc", bind_product, product_code="KAHVI-1", procountor_id=sales)
    assert (result.local_name, result.external_name) == ("Kahvi 1 kg", "Kahvi")
    with pytest.raises(BindRefused, match="PURCHASE"):
        hub.run("pc", bind_product, product_code="KAHVI-1", procountor_id=purchase)

    context = hub.runtime("pc")
    runner = CliRunner()
    fetched = runner.invoke(products_app, ["fetch", "--connection", "pc"], obj=context)
    assert fetched.exit_code == 0, fetched.output
    assert "1 Procountor products read: 0 bound, 1 bound before" in fetched.output
    rebound = runner.invoke(
        products_app, ["bind", "--connection", "pc", "KAHVI-1", str(purchase)], obj=context
    )
    assert rebound.exit_code == 1
    assert "PURCHASE" in rebound.output
    assert product_bindings(hub) == {"KAHVI-1": str(sales)}

    set_options(hub, create_products=True)
    assert hub.send().lines[0].state == "sent"
    [sent] = procountor.invoices()
    assert sent["invoiceRows"][0]["productId"] == sales
    assert "partnerId" not in sent  # customers were not asked for
    assert calls(procountor, "POST", "/api/products") == 2  # the two added above


# -- creating and updating before an invoice ----------------------------------------------------
def test_products_are_created_before_sending_and_the_rows_link_to_them(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    set_options(hub, create_products=True)
    hub.import_invoices(
        [
            invoice("1001", lines=[COFFEE, WORK, FREE_TEXT]),
            invoice("1002", lines=[WORK, COFFEE]),
        ],
        tmp_path,
    )

    assert [line.state for line in hub.send().lines] == ["sent", "sent"]

    assert calls(procountor, "POST", "/api/products") == 2
    assert calls(procountor, "GET", "/api/products") == 2  # each code searched once
    sent = {inv["originalInvoiceNumber"]: inv for inv in procountor.invoices()}
    first, second = sent["1001"], sent["1002"]
    ids = {row["product"]: row.get("productId") for row in first["invoiceRows"]}
    assert ids["Matkakulut"] is None  # a row without a product code links to nothing
    assert [row["productId"] for row in second["invoiceRows"]] == [
        ids["Asennustyö"],
        ids["Kahvi 1 kg"],
    ]
    coffee = read_product(person(procountor, hub.clock), ids["Kahvi 1 kg"])
    assert {k: coffee[k] for k in ("type", "name", "code", "unit", "vatStatus", "currency")} == {
        "type": "SALES",
        "name": "Kahvi 1 kg",
        "code": "KAHVI-1",
        "unit": "KILOGRAM",
        "vatStatus": 1,
        "currency": "EUR",
    }
    assert (Decimal(str(coffee["price"])), Decimal(str(coffee["vat"]))) == (
        Decimal("21.90"),
        Decimal("13.5"),
    )
    assert "productGroupId" not in coffee  # no group asked for


def test_an_existing_product_with_the_exact_code_is_taken_not_duplicated(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    longer = add_product(pc, "Kahvi 10 kg", "KAHVI-10")
    existing = add_product(pc, "Kahvi", "kahvi-1")  # codes compare in any case
    set_options(hub, create_products=True)
    hub.import_invoices([invoice("1001", lines=[COFFEE])], tmp_path)

    assert hub.send().lines[0].state == "sent"

    assert calls(procountor, "POST", "/api/products") == 2  # only the two above
    assert procountor.invoices()[0]["invoiceRows"][0]["productId"] == existing
    # Bound by code, never sent: our data is brought over once, the other one left alone.
    assert read_product(pc, existing)["name"] == "Kahvi 1 kg"
    assert read_product(pc, longer)["name"] == "Kahvi 10 kg"


def test_a_changed_product_master_is_written_with_a_whole_record_put(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    pc = person(procountor, hub.clock)
    set_options(hub, create_products=True, product_group="Tilisilta")
    hub.import_invoices([invoice("1001", lines=[COFFEE])], tmp_path)
    hub.send()
    product_id = procountor.invoices()[0]["invoiceRows"][0]["productId"]
    hub.clock.advance(60)
    # A line sold at another price does not change the product ...
    hub.import_invoices([invoice("1002", lines=[{**COFFEE, "unit_price": "19.90"}])], tmp_path)
    hub.send()
    assert calls(procountor, "PUT", "/api/products/{id}") == 0
    # ... the product master does.
    add_local_product(
        hub,
        Product(
            code="KAHVI-1",
            name="Kahvi 1 kg, tumma",
            unit="KGM",
            unit_price=Decimal("23.50"),
            vat_rate=Decimal("13.5"),
        ),
    )
    hub.import_invoices([invoice("1003", lines=[COFFEE])], tmp_path)

    assert hub.send().lines[0].state == "sent"

    assert calls(procountor, "PUT", "/api/products/{id}") == 1
    after = read_product(pc, product_id)
    assert (after["name"], Decimal(str(after["price"]))) == ("Kahvi 1 kg, tumma", Decimal("23.5"))
    assert after["productGroupId"] is not None  # what we did not manage stays
    assert procountor.invoices()[-1]["invoiceRows"][0]["productId"] == product_id
    hub.import_invoices([invoice("1004", lines=[COFFEE])], tmp_path)
    hub.send()
    assert calls(procountor, "PUT", "/api/products/{id}") == 1


# -- product groups -----------------------------------------------------------------------------
@pytest.mark.parametrize("exists", [True, False])
def test_the_product_group_is_found_by_name_or_created_once(
    hub: TestHub, procountor: Procountor, tmp_path: Path, exists: bool
) -> None:
    pc = person(procountor, hub.clock)
    found = None
    if exists:
        found = pc.call(
            "POST", "/products/groups", repeatable=False, json_body={"name": "TILISILTA"}
        )["id"]
    set_options(hub, create_products=True, product_group="Tilisilta")
    hub.import_invoices([invoice("1001", lines=[COFFEE, WORK])], tmp_path)

    assert hub.send().lines[0].state == "sent"

    assert calls(procountor, "POST", "/api/products/groups") == 1
    groups = pc.call("GET", "/products/groups", repeatable=True)["productGroups"]
    [group] = [g for g in groups if g["name"].lower() == "tilisilta"]
    if exists:
        assert group["id"] == found
    rows = procountor.invoices()[0]["invoiceRows"]
    assert {read_product(pc, r["productId"])["productGroupId"] for r in rows} == {group["id"]}


def test_a_product_group_that_cannot_be_created_stops_the_invoice(
    hub: TestHub, procountor: Procountor, tmp_path: Path
) -> None:
    name = "Tilisillan tuotteet " * 5  # longer than the 80 characters Procountor allows
    set_options(hub, create_products=True, product_group=name)
    hub.import_invoices([invoice("1001", lines=[COFFEE])], tmp_path)

    [line] = hub.send().lines

    assert line.state == "response_error" and line.message
    assert line.message.startswith(
        f"The product group {name.strip()} does not exist/could not be created in Procountor"
    )
    assert "product_group option" in line.message
    assert calls(procountor, "POST", "/api/products") == 0
    assert procountor.invoices() == []
