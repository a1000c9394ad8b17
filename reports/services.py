"""Writes of reports: the public ledger of the organisations' figures (decision 0035)."""

from .ledger import refresh as refresh_impact_ledger
from .ledger import refresh_all as refresh_impact_ledger_of_all

__all__ = ["refresh_impact_ledger", "refresh_impact_ledger_of_all"]
