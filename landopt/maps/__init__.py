"""Maps of a plan for print: every parcel coloured by its action, two plans compared, charts.

One job per module:

* :mod:`~landopt.maps.fonts` — a CJK font: the system's, else the shipped one;
* :mod:`~landopt.maps.style` — colours (Okabe–Ito), map groups of parcels, counts and the
  legend entries the maps share; the words come from the catalog, :mod:`landopt.i18n`;
* :mod:`~landopt.maps.layers` — outlines, zone and block overlays, titles and notes (read
  by the web map and the report too);
* :mod:`~landopt.maps.draw` — drawing primitives: polygon and line layers, outlines, frame;
* :mod:`~landopt.maps.plan_map` — the printed map of one plan (:func:`plot_plan`,
  :func:`save_plan_map`);
* :mod:`~landopt.maps.compare_map` — two plans compared (:func:`compare_plans`,
  :func:`plot_comparison`, :func:`save_comparison_map`);
* :mod:`~landopt.maps.programme_map` — a multi-year programme's small multiples, a
  panel per year and the whole programme (:func:`plot_programme_map`,
  :func:`save_programme_map`);
* :mod:`~landopt.maps.charts` — the charts of the analyses (sweep, parcel values,
  calibration) and a programme's timeline;
* :mod:`~landopt.maps.save` — saving figures: format by suffix, atomic writes; :func:`warm_up`.

Chinese labels need a CJK font; :func:`find_cjk_font` prefers one the system has and
otherwise uses the GB 2312 subset of Noto Sans SC that landopt ships (OFL,
``landopt/_vendor/fonts/``). Only without both do maps fall back to English labels (with a
logged warning that says how to install a font) rather than print boxes.

This package is the only part of landopt that imports matplotlib, and it does so inside
its functions, so importing :mod:`landopt.maps` (as :mod:`landopt.webmap` and
:mod:`landopt.report` do, for colours, labels and outlines) is cheap. Every name is
re-exported here: import from ``landopt.maps``, not from the modules.
"""

from __future__ import annotations

from landopt.i18n import Lang
from landopt.maps.charts import (
    plot_calibration,
    plot_parcel_values,
    plot_programme_timeline,
    plot_sweep,
    save_calibration_plot,
    save_parcel_values,
    save_programme_timeline,
    save_sweep_plot,
)
from landopt.maps.compare_map import compare_plans, plot_comparison, save_comparison_map
from landopt.maps.draw import _add_layer as _add_layer
from landopt.maps.fonts import (
    CJK_FAMILIES,
    FONT_HELP,
    SHIPPED_FAMILY,
    find_cjk_font,
    find_system_cjk_font,
    font_face_css,
    map_lang,
    shipped_cjk_font,
    shipped_font_path,
)
from landopt.maps.fonts import _basic_charmap as _basic_charmap
from landopt.maps.layers import (
    crs_text,
    default_district_path,
    is_demo,
    label_point,
    outlines_from_columns,
    plan_subtitle,
    plan_title,
    read_district,
    source_note,
    spatial_overlays,
)
from landopt.maps.plan_map import plot_plan, save_plan_map
from landopt.maps.programme_map import plot_programme_map, save_programme_map
from landopt.maps.save import warm_up
from landopt.maps.style import (
    BLOCK_EDGE,
    BOUNDARY,
    CANDIDATE,
    CANDIDATE_EDGE,
    CANDIDATE_FILL,
    CHANGE_CATEGORIES,
    HATCH,
    HATCH_MAX,
    OKABE_ITO,
    OTHER,
    OTHER_EDGE,
    OTHER_FILL,
    RING_BELOW_PT,
    RING_MAX,
    STATUS_WORDS,
    ZONE_COLORS,
    action_colors,
    action_text,
    count_text,
    group_stats,
    parcel_groups,
    words,
)

__all__ = [
    "BLOCK_EDGE",
    "BOUNDARY",
    "CANDIDATE",
    "CANDIDATE_EDGE",
    "CANDIDATE_FILL",
    "CHANGE_CATEGORIES",
    "CJK_FAMILIES",
    "FONT_HELP",
    "HATCH",
    "HATCH_MAX",
    "OKABE_ITO",
    "OTHER",
    "OTHER_EDGE",
    "OTHER_FILL",
    "RING_BELOW_PT",
    "RING_MAX",
    "SHIPPED_FAMILY",
    "STATUS_WORDS",
    "ZONE_COLORS",
    "Lang",
    "action_colors",
    "action_text",
    "compare_plans",
    "count_text",
    "crs_text",
    "default_district_path",
    "find_cjk_font",
    "find_system_cjk_font",
    "font_face_css",
    "group_stats",
    "is_demo",
    "label_point",
    "map_lang",
    "outlines_from_columns",
    "parcel_groups",
    "plan_subtitle",
    "plan_title",
    "plot_calibration",
    "plot_comparison",
    "plot_parcel_values",
    "plot_plan",
    "plot_programme_map",
    "plot_programme_timeline",
    "plot_sweep",
    "read_district",
    "save_calibration_plot",
    "save_comparison_map",
    "save_parcel_values",
    "save_plan_map",
    "save_programme_map",
    "save_programme_timeline",
    "save_sweep_plot",
    "shipped_cjk_font",
    "shipped_font_path",
    "source_note",
    "spatial_overlays",
    "warm_up",
    "words",
]
