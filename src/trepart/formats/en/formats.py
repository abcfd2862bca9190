"""English dates as written in Europe (28 March 2007, 28/03/2007, 24-hour clock), not US ones."""

from __future__ import annotations

DATE_FORMAT = "j F Y"  # 28 March 2007
SHORT_DATE_FORMAT = "d/m/Y"  # 28/03/2007
YEAR_MONTH_FORMAT = "F Y"  # June 2008
MONTH_DAY_FORMAT = "j F"  # 28 March
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
