"""A QGIS layer style for ``plan.gpkg``: the plan opens in QGIS coloured by action.

QGIS keeps a GeoPackage layer's styles in the file itself, in a table named
``layer_styles`` (one row per style, the style as QML text; the row marked
``useAsDefault`` is applied when the layer is opened). :func:`write_layer_style` writes
that table, in QGIS's own layout, with one style for the layer ``plan``: a categorized
renderer on the ``action`` column with the colours of the maps
(:func:`landopt.maps.style.action_colors`), unchosen parcels in the maps' pale grey.

The table is registered in ``gpkg_contents`` as an attribute table, as QGIS does, so the
file stays a valid GeoPackage; it is plain SQLite (:mod:`sqlite3`), no QGIS needed.
"""

from __future__ import annotations

import datetime as _dt
import logging
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

from landopt import i18n
from landopt.scenario import Scenario

__all__ = ["STYLE_TABLE", "style_qml", "write_layer_style"]

log = logging.getLogger(__name__)

#: The table QGIS reads a GeoPackage layer's styles from.
STYLE_TABLE = "layer_styles"

#: Unchosen parcels (``action`` = ``none``): the maps' fill and edge of other parcels.
NONE_FILL = "#F1F1EE"
NONE_EDGE = "#B4B4AC"

i18n.add_messages(
    {
        "none": {"en": "not chosen", "zh": "未选"},
        "style_name": {"en": "landopt plan by action", "zh": "landopt 方案（按措施）"},
        "description": {
            "en": "parcels coloured by their action, as on landopt's maps",
            "zh": "按措施着色的地块，与 landopt 地图配色一致",
        },
    },
    prefix="qgis.",
)

# QGIS's own DDL for the table (QgsOgrProvider, GeoPackage)
_DDL = f"""CREATE TABLE IF NOT EXISTS {STYLE_TABLE} (
 id INTEGER PRIMARY KEY AUTOINCREMENT,
 f_table_catalog TEXT(256),
 f_table_schema TEXT(256),
 f_table_name TEXT(256),
 f_geometry_column TEXT(256),
 styleName TEXT(30),
 styleQML TEXT,
 styleSLD TEXT,
 useAsDefault BOOLEAN,
 description TEXT,
 owner TEXT(30),
 ui TEXT(30),
 update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)"""


def _rgba(color: str) -> str:
    """``#RRGGBB`` → QGIS's ``r,g,b,255``."""
    c = color.lstrip("#")
    r, g, b = (int(c[k : k + 2], 16) for k in (0, 2, 4))
    return f"{r},{g},{b},255"


def _darker(color: str, factor: float = 0.7) -> str:
    c = color.lstrip("#")
    r, g, b = (round(int(c[k : k + 2], 16) * factor) for k in (0, 2, 4))
    return f"#{r:02X}{g:02X}{b:02X}"


def _fill_symbol(parent: ET.Element, name: str, fill: str, edge: str) -> None:
    sym = ET.SubElement(
        parent,
        "symbol",
        {
            "type": "fill",
            "name": name,
            "alpha": "1",
            "clip_to_extent": "1",
            "force_rhr": "0",
        },
    )
    layer = ET.SubElement(
        sym, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"}
    )
    props = {
        "color": _rgba(fill),
        "outline_color": _rgba(edge),
        "outline_style": "solid",
        "outline_width": "0.26",
        "outline_width_unit": "MM",
        "joinstyle": "bevel",
        "style": "solid",
    }
    opts = ET.SubElement(layer, "Option", {"type": "Map"})  # QGIS ≥ 3.26
    for k, v in props.items():
        ET.SubElement(opts, "Option", {"name": k, "type": "QString", "value": v})
    for k, v in props.items():  # older QGIS 3 reads these
        ET.SubElement(layer, "prop", {"k": k, "v": v})


def style_qml(scenario: Scenario, *, lang: str | None = None, column: str = "action") -> str:
    """The QML of the plan's style: categorized on ``column``, one category per action.

    Each action gets its map colour (a darker edge of the same hue) and its label as on
    the maps; ``none`` (not chosen) the maps' pale grey. ``lang``: the labels' language
    (default the scenario's).
    """
    from landopt.maps.style import action_colors, action_text

    lg = i18n.resolve_lang(lang or scenario.lang)
    colors = action_colors(scenario)
    root = ET.Element("qgis", {"version": "3.28.0", "styleCategories": "Symbology"})
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        {
            "type": "categorizedSymbol",
            "attr": column,
            "symbollevels": "0",
            "enableorderby": "0",
            "forceraster": "0",
            "referencescale": "-1",
        },
    )
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    entries = [
        (a.name, action_text(scenario, a.name, lg), colors[a.name], _darker(colors[a.name]))
        for a in scenario.actions
    ]
    entries.append(("none", i18n.t("qgis.none", lg), NONE_FILL, NONE_EDGE))
    for k, (value, label, fill, edge) in enumerate(entries):
        ET.SubElement(
            cats,
            "category",
            {"value": value, "symbol": str(k), "label": label, "render": "true", "type": "string"},
        )
        _fill_symbol(symbols, str(k), fill, edge)
    source = ET.SubElement(renderer, "source-symbol")
    _fill_symbol(source, "0", NONE_FILL, NONE_EDGE)
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")
    ET.SubElement(root, "layerGeometryType").text = "2"  # polygons
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def write_layer_style(
    gpkg: str | Path,
    scenario: Scenario,
    *,
    layer: str = "plan",
    lang: str | None = None,
    column: str = "action",
) -> None:
    """Add the plan's style to ``gpkg``'s ``layer_styles`` table as the default for ``layer``.

    Creates the table (QGIS's layout) and registers it in ``gpkg_contents`` when absent;
    an earlier default style of ``layer`` is replaced. Call on a file no one else has
    open (``write_plan`` calls it on the staged file, before it is moved in place).
    ``column``: the layer's column holding the action names.
    """
    qml = style_qml(scenario, lang=lang, column=column)
    lg = i18n.resolve_lang(lang or scenario.lang)
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    con = sqlite3.connect(str(gpkg))
    try:
        with con:
            row = con.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
            ).fetchone()
            geom = row[0] if row else ""
            con.execute(_DDL)
            con.execute(
                "INSERT OR IGNORE INTO gpkg_contents "
                "(table_name, data_type, identifier, description, last_change) "
                "VALUES (?, 'attributes', ?, '', ?)",
                (STYLE_TABLE, STYLE_TABLE, now),
            )
            con.execute(
                f"DELETE FROM {STYLE_TABLE} WHERE f_table_name = ? AND useAsDefault",
                (layer,),
            )
            con.execute(
                f"INSERT INTO {STYLE_TABLE} (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL, ?)",
                (
                    layer,
                    geom,
                    i18n.t("qgis.style_name", lg),
                    qml,
                    i18n.t("qgis.description", lg),
                    now,
                ),
            )
    finally:
        con.close()
    log.debug("wrote the QGIS style of %s in %s", layer, gpkg)
