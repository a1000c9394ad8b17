"""Delbar's English formats (settings.FORMAT_MODULE_PATH; docs/decisions/0038-phone-layout-and-tree-filters.md):
day, month, year as in British English, never the US month-first order Django's "en" uses. Whatever is not set here
is Django's."""

DATE_FORMAT = "j F Y"  # 30 November 2026
SHORT_DATE_FORMAT = "j M Y"  # 30 Nov 2026
DATETIME_FORMAT = "j F Y, H:i"  # 30 November 2026, 14:05
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
