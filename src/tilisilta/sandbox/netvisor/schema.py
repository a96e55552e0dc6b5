"""The structure of every body the sandbox accepts: which children, in which order, how often,
and which attributes with which values.

Transcribed from Netvisor's 2024 DTDs (reference netvisor.md §3, §5, §8.2 item 7; the files in
``shared/specs/netvisor/dtd/``); ``tests/contract/test_netvisor_sandbox_dtd.py`` parses those files
and checks that these rules say the same. ``matchcreditnote`` has no published DTD: its rule is
the two keys of NVD 77000554165 and HEL ``SalesInvoiceMatchCreditNote.xml``.

Content models are written as in a DTD: ``a? b c* d+`` is a sequence, ``a | b`` a choice of one.
Attribute specs: ``name`` (CDATA, optional), ``name!`` (required), ``name(x|y)`` (enumeration),
``name=value`` (a default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VAT_CODES = [
    "NONE",
    "KOOS",
    "EUOS",
    "EUUO",
    "EUPO",
    "100",
    "KOMY",
    "EUMY",
    "EUUM",
    "EUPM312",
    "EUPM309",
    "MUUL",
    "EVTO",
    "EVPO",
    "EVKV",
    "KAVE",
    "RAMY",
    "RAOS",
    "EVRO",
    "MAAL",
    "EVMA",
    "KOMY0",
]
#: salespayment.dtd allows fewer codes on its voucher lines.
PAYMENT_VAT_CODES = (
    "NONE KOOS EUOS EUUO EUPO 100 KOMY EUMY EUUM EUPM312 EUPM309 MUUL EVTO EVPO KOMY0"
)

_VAT = "(" + "|".join(VAT_CODES) + ")"


@dataclass(frozen=True)
class Attr:
    required: bool = False
    values: tuple[str, ...] | None = None  # None: any text (CDATA)
    default: str | None = None


@dataclass(frozen=True)
class Rule:
    """A compound element: its children in order, each with ``""``, ``?``, ``*`` or ``+``."""

    children: tuple[tuple[str, str], ...]
    choice: bool = False


@dataclass(frozen=True)
class Schema:
    root: str  # the one element under <root>
    rules: dict[str, Rule]
    attrs: dict[str, dict[str, Attr]] = field(default_factory=dict)

    def is_leaf(self, name: str) -> bool:
        return name not in self.rules


_TOKEN = re.compile(r"^([a-z0-9]+)([?*+]?)$")
_ATTR = re.compile(r"^([a-z0-9]+)(!?)(?:\(([^)]*)\))?(?:=(\S+))?$")


def _rule(model: str) -> Rule:
    choice = "|" in model
    parts = model.split("|") if choice else model.split()
    children = []
    for part in parts:
        match = _TOKEN.match(part.strip())
        assert match, part
        children.append((match.group(1), match.group(2)))
    return Rule(tuple(children), choice)


def _attrs(spec: str) -> dict[str, Attr]:
    out: dict[str, Attr] = {}
    for part in spec.split():
        match = _ATTR.match(part)
        assert match, part
        name, required, values, default = match.groups()
        out[name] = Attr(bool(required), tuple(values.split("|")) if values else None, default)
    return out


def _schema(root: str, models: dict[str, str], attrs: dict[str, str]) -> Schema:
    return Schema(
        root,
        {name: _rule(model) for name, model in models.items()},
        {name: _attrs(spec) for name, spec in attrs.items()},
    )


_DIMENSION_ATTRS = "integrationdimensiondetailguid"

SALES_INVOICE = _schema(
    "salesinvoice",
    {
        "root": "salesinvoice",
        "salesinvoice": (
            "salesinvoicenumber? salesinvoicedate salesinvoiceeventdate? salesinvoiceduedate? "
            "salesinvoicevaluedate? salesinvoicedeliverydate? salesinvoicedeliverytocustomerdate? "
            "salesinvoicewaybillidentifier? salesinvoicereferencenumber? salesinvoiceamount "
            "selleridentifier? sellername? invoicetype? salesinvoicestatus "
            "salesinvoicefreetextbeforelines? salesinvoicefreetextafterlines? "
            "salesinvoiceourreference? salesinvoiceyourreference? salesinvoiceprivatecomment? "
            "invoicingcustomeridentifier invoicingcustomername? invoicingcustomernameextension? "
            "invoicingcustomeraddressline? invoicingcustomeradditionaladdressline? "
            "invoicingcustomerpostnumber? invoicingcustomertown? invoicingcustomercountrycode? "
            "officeidentifier? deliveryoffice? deliveryaddressname? deliveryaddressnameextension? "
            "deliveryaddressline? deliveryaddresspostnumber? deliveryaddresstown? "
            "deliveryaddresscountrycode? deliverymethod? deliveryterm? "
            "salesinvoicetaxhandlingtype? paymenttermnetdays? paymenttermcashdiscountdays? "
            "paymenttermcashdiscount? expectpartialpayments? trydirectdebitlink? "
            "overridevouchersalesreceivablesaccountnumber? invoicesubjecttype? "
            "salesinvoiceagreementidentifier? printchannelformat? secondname? "
            "overriderateofoverdue? ordernumber? invoicelines invoicevoucherlines? "
            "salesinvoiceaccrual? accrualrule? salesinvoiceattachments? customtags?"
        ),
        "invoicelines": "invoiceline+",
        "invoiceline": "salesinvoiceproductline | salesinvoicecommentline",
        "salesinvoiceproductline": (
            "productidentifier productname productunitprice productunitpurchaseprice? "
            "productvatpercentage salesinvoiceproductlinequantity "
            "salesinvoiceproductlinediscountpercentage? salesinvoiceproductlinefreetext? "
            "salesinvoiceproductlinevatsum? salesinvoiceproductlinesum? "
            "salesinvoiceproductlineinventoryid? accountingaccountsuggestion? skipaccrual? "
            "dimension* provisionpercentage? accrualrule? productunitname?"
        ),
        "salesinvoicecommentline": "comment",
        "invoicevoucherlines": "voucherline+",
        "voucherline": "linesum description? accountnumber vatpercent skipaccrual? dimension*",
        "dimension": "dimensionname dimensionitem metadata*",
        "metadata": "data",
        "salesinvoiceaccrual": (
            "overridedefaultsalesaccrualaccountnumber? salesinvoiceaccrualtype? "
            "accrualvoucherentry+"
        ),
        "accrualvoucherentry": "month year sum",
        "salesinvoiceattachments": "salesinvoiceattachment+",
        "salesinvoiceattachment": (
            "mimetype attachmentdescription filename documentdata printbydefault?"
        ),
        "customtags": "tag*",
        "tag": "tagname tagvalue",
        "accrualrule": "startmonth startyear endmonth? endyear? divisioncurvename?",
    },
    {
        "salesinvoicedate": "format=ansi",
        "salesinvoiceeventdate": "format=ansi",
        "salesinvoiceduedate": "format=ansi",
        "salesinvoicevaluedate": "format=ansi",
        "salesinvoicedeliverydate": "format=ansi",
        "salesinvoicedeliverytocustomerdate": "format=ansi type!(date|weeknumber)",
        "salesinvoiceamount": "iso4217currencycode currencyrate pricetype(netvisor|customer)",
        "selleridentifier": "type(netvisor|customer)",
        "salesinvoicestatus": "type=netvisor",
        "invoicingcustomeridentifier": (
            "type!(netvisor|customer|organizationunitnumber) contactpersonid"
        ),
        "invoicingcustomercountrycode": "type=ISO-xxx",
        "trydirectdebitlink": "mode!(ignore_error|fail_on_error)",
        "printchannelformat": "type!(netvisor|customer)",
        "secondname": "type!(netvisor|customer)",
        "officeidentifier": "type(automatic)",
        "deliveryoffice": "type!(netvisor|customer)",
        "deliveryaddresscountrycode": "type=ISO-xxx",
        "productidentifier": "type!(netvisor|customer|primaryeancode|secondaryeancode)",
        "productunitprice": "type!(net|gross|netvisor)",
        "productunitpurchaseprice": "type!(net)",
        "productvatpercentage": f"vatcode{_VAT}",
        "paymenttermcashdiscount": "type!(percentage|sum)",
        "linesum": "type!(net|gross)",
        "vatpercent": f"vatcode!{_VAT}",
        "dimensionitem": _DIMENSION_ATTRS,
        "documentdata": "type(finvoice|pdf)",
        "tagvalue": "datatype!(date|text|float|enum)",
    },
)

CUSTOMER = _schema(
    "customer",
    {
        "root": "customer",
        "customer": (
            "customerbaseinformation customerfinvoicedetails? customermaventaedidetails? "
            "customerdeliverydetails? customercontactdetails? customeradditionalinformation? "
            "customerdimensiondetails?"
        ),
        "customerbaseinformation": (
            "internalidentifier? externalidentifier? organizationunitnumber? name? "
            "nameextension? streetaddress? additionaladdressline? city? postnumber? country? "
            "customergroupname? phonenumber? faxnumber? email? homepageuri? isactive? "
            "isprivatecustomer? emailinvoicingaddress?"
        ),
        "customerfinvoicedetails": "finvoiceaddress? finvoiceroutercode?",
        "customermaventaedidetails": "maventaedichannel maventaedicustomeridentifier?",
        "customerdeliverydetails": (
            "deliveryname? deliverystreetaddress? deliverycity? deliverypostnumber? "
            "deliverycountry?"
        ),
        "customercontactdetails": (
            "contactname? contactperson? contactpersonemail? contactpersonphone?"
        ),
        "customeradditionalinformation": (
            "comment? customeragreementidentifier? customerreferencenumber? "
            "directdebitbankaccount? invoicinglanguage? invoiceprintchannelformat? "
            "yourdefaultreference? defaulttextbeforeinvoicelines? defaulttextafterinvoicelines? "
            "defaultpaymentterm? defaultsalesperson?"
        ),
        "defaultsalesperson": "salespersonid",
        "customerdimensiondetails": "dimension*",
        "dimension": "dimensionname dimensionitem",
    },
    {
        "internalidentifier": "type(automatic)",
        "country": "type=ISO-3166",
        "deliverycountry": "type=ISO-3166",
        "invoicinglanguage": "type=ISO-3166",
        "invoiceprintchannelformat": "type!(netvisor)",
        "defaultpaymentterm": "type!(netvisor|customer)",
        "salespersonid": "type!(netvisor)",
        "dimensionitem": "fatherid",
    },
)

PRODUCT = _schema(
    "product",
    {
        "root": "product",
        "product": (
            "productbaseinformation productbookkeepingdetails? productadditionalinformation?"
        ),
        "productbaseinformation": (
            "productcode? productgroup name description? unitprice unit? unitweight? "
            "kaukevaproductcode? purchaseprice? tariffheading? comissionpercentage? isactive "
            "issalesproduct inventoryenabled? countryoforigin? primaryeancode? secondaryeancode?"
        ),
        "productbookkeepingdetails": (
            "defaultvatpercentage defaultdomesticaccountnumber? defaulteuaccountnumber? "
            "defaultoutsideeuaccountnumber?"
        ),
        "productadditionalinformation": (
            "productnetweight? productgrossweight? productweightunit? "
            "productpackageinformation? dimension*"
        ),
        "productpackageinformation": "packagewidth packageheight packagelength",
        "dimension": "dimensionname dimensionitem",
    },
    {
        "unitprice": "type!(net|gross)",
        "countryoforigin": "type=ISO-3166",
        "dimensionitem": "fatherid",
    },
)

SALES_PAYMENT = _schema(
    "salespayment",
    {
        "root": "salespayment",
        "salespayment": (
            "sum paymentdate targetidentifier sourcename paymentmethod salespaymentvoucherlines*"
        ),
        "salespaymentvoucherlines": "voucherline+",
        "voucherline": "linesum description? accountnumber vatpercent dimension*",
        "dimension": "dimensionname dimensionitem",
    },
    {
        "sum": "currency=EUR",
        "targetidentifier": "type!(netvisor|invoicenumber|reference) targettype(invoice|order)",
        "paymentmethod": (
            "type! overrideaccountingaccountnumber overridesalesreceivableaccountnumber"
        ),
        "linesum": "type!(net|gross)",
        "vatpercent": "vatcode!(" + PAYMENT_VAT_CODES.replace(" ", "|") + ")",
    },
)

POSTING_DATA = _schema(
    "purchaseinvoicepostingdata",
    {
        "root": "purchaseinvoicepostingdata",
        "purchaseinvoicepostingdata": (
            "purchaseinvoicenetvisorkey status? isreadyforaccounting comment? "
            "purchaseinvoicepostingline*"
        ),
        "purchaseinvoicepostingline": (
            "purchaseinvoicelinenetvisorkey? productcode? productname orderedamount? "
            "deliveredamount unitname? unitprice discountpercentage? vatpercent linesum "
            "description? sort? accountingsuggestion? dimension*"
        ),
        "dimension": "dimensionname dimensionitem",
    },
    {"linesum": "type!(gross)", "vatpercent": "vatcode"},
)

PURCHASE_INVOICE = _schema(
    "purchaseinvoice",
    {
        "root": "purchaseinvoice",
        "purchaseinvoice": (
            "invoicenumber invoicedate invoicesource? valuedate? eventdate? duedate "
            "purchaseinvoiceonround? vendorcode? vendorname? vendoraddressline? vendorpostnumber? "
            "vendorcity? vendorcountry? vendorphonenumber? vendorfaxnumber? vendoremail? "
            "vendorhomepage? amount accountnumber? organizationidentifier? deliverydate? "
            "overduefinepercent? bankreferencenumber? ourreference? yourreference? currencycode? "
            "deliveryterms? deliverymethod? comment? checksum? pdfextrapages? readyforaccounting? "
            "agreementidentifier? primaryvendormatchtype? purchaseinvoicelines? "
            "purchaseinvoicesublines? purchaseinvoicecommentlines? purchaseinvoiceattachments? "
            "purchaseinvoicerelatedpurchaseordernumbers? partialpaymentdetails*"
        ),
        "purchaseinvoicelines": "purchaseinvoiceline+",
        "purchaseinvoiceline": (
            "productcode? productname orderedamount? deliveredamount unitname? unitprice "
            "discountpercentage? vatpercent linesum description? sort? accountingsuggestion? "
            "dimension*"
        ),
        "dimension": "dimensionname dimensionitem",
        "purchaseinvoicesublines": "purchaseinvoicesubline+",
        "purchaseinvoicesubline": (
            "productcode? productname? orderedamount? deliveredamount? unitname? unitprice? "
            "discountpercentage? vatpercent? linesum? description? sort?"
        ),
        "purchaseinvoicecommentlines": "purchaseinvoicecommentline+",
        "purchaseinvoicecommentline": "comment sort?",
        "purchaseinvoiceattachments": "purchaseinvoiceattachment+",
        "purchaseinvoiceattachment": "mimetype attachmentdescription filename documentdata",
        "purchaseinvoicerelatedpurchaseordernumbers": "purchaseinvoicerelatedpurchaseordernumber+",
        "purchaseinvoicerelatedpurchaseordernumber": "purchaseordernumber",
        "partialpaymentdetails": "paidamount",
    },
    {
        "invoicedate": "format=ansi findopendate(true)",
        "valuedate": "format=ansi",
        "eventdate": "format=ansi",
        "duedate": "format=ansi",
        "purchaseinvoiceonround": "type=netvisor",
        "deliverydate": "format=ansi",
        "linesum": "type!(brutto)",
        "documentdata": "documenttype(invoiceimage|otherattachment)",
        "paidamount": "amountcurrencyidentifier!",
    },
)

MATCH_CREDIT_NOTE = _schema(
    "matchcreditnote",
    {"root": "matchcreditnote", "matchcreditnote": "creditnotenetvisorkey invoicenetvisorkey"},
    {},
)

#: Each schema by the DTD file it was transcribed from.
BY_DTD = {
    "salesinvoice": SALES_INVOICE,
    "customer": CUSTOMER,
    "product": PRODUCT,
    "salespayment": SALES_PAYMENT,
    "purchaseinvoicepostingdata": POSTING_DATA,
    "purchaseinvoice": PURCHASE_INVOICE,
}
