"""The one CSV writer behind every export (pairs, goals answers, claims for finance, selection).

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return) as a formula, so a name or title typed by a participant could become a live link or a
calculation in the mentor's sheet: such cells are written with a leading apostrophe, which the
spreadsheet shows as plain text. The file is UTF-8 with a byte-order mark, so that Excel opens
accented names correctly.
"""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value) -> str:
    """`value` as text a spreadsheet shows and never evaluates."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_rows(out, header: Iterable, rows: Iterable[Iterable]) -> None:
    """Write the BOM, `header` and `rows` to the text stream `out`, every cell made safe."""
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A download of `rows` under `filename`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_rows(response, header, rows)
    return response
