"""Delbar's Swedish formats (settings.FORMAT_MODULE_PATH; docs/decisions/0038-phone-layout-and-tree-filters.md).
Templates name a format (``|date:"DATE_FORMAT"``, ``|date:"SHORT_DATE_FORMAT"``, ``|number``), never a pattern of
their own, so each language has one way of writing a date and a number. Whatever is not set here is Django's."""

DATE_FORMAT = "j F Y"  # 30 november 2026
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-11-30 (the Swedish standard, SS-ISO 8601)
DATETIME_FORMAT = "j F Y H:i"  # 30 november 2026 14:05
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"  # a no-break space: 12 345
NUMBER_GROUPING = 3
