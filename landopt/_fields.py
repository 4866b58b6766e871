"""Field names, status values and units shared by the parcel and scenario modules."""

from __future__ import annotations

import re

#: Square metres in one mu (亩), exactly 10000/15.
SQM_PER_MU: float = 10000.0 / 15.0

#: Parcel statuses landopt knows, in display order.
STATUSES: tuple[str, ...] = ("inefficient", "idle", "upgrade_candidate", "cleared", "in_use")

#: Chinese (and common English) spellings of the statuses, mapped to the canonical ones.
STATUS_ALIASES: dict[str, str] = {
    "低效": "inefficient",
    "低效用地": "inefficient",
    "闲置": "idle",
    "闲置土地": "idle",
    "闲置用地": "idle",
    "转型升级": "upgrade_candidate",
    "升级": "upgrade_candidate",
    "已出清": "cleared",
    "已腾空": "cleared",
    "腾空": "cleared",
    "在用": "in_use",
    "正常": "in_use",
    "inefficient": "inefficient",
    "low_efficiency": "inefficient",
    "idle": "idle",
    "upgrade": "upgrade_candidate",
    "upgrade_candidate": "upgrade_candidate",
    "cleared": "cleared",
    "vacated": "cleared",
    "in_use": "in_use",
    "in use": "in_use",
    "efficient": "in_use",
}

#: Fields every parcel layer must have (after column mapping).
REQUIRED_FIELDS: tuple[str, ...] = ("parcel_id", "status")

#: Numeric cost fields (万元 per parcel, whole-parcel totals).
COST_FIELDS: tuple[str, ...] = ("cost_clear_wan", "cost_revitalize_wan", "cost_upgrade_wan")

#: Other numeric fields checked for type when present.
NUMERIC_FIELDS: tuple[str, ...] = (
    "area_mu",
    "far",
    "building_coef",
    "tax_wan_per_mu",
    "idle_years",
    "land_price_paid_wan",
    "benefit_tax_after_wan_per_mu",
    "benefit_tax_gain_wan",
    "floor_area_added_m2",
    "difficulty",
    *COST_FIELDS,
)

#: The layer's fields in the order landopt writes them.
CORE_FIELDS: tuple[str, ...] = (
    "parcel_id",
    "name",
    "township",
    "park",
    "landuse_code",
    "planned_use_code",
    "status",
    "area_mu",
    "far",
    "building_coef",
    "tax_wan_per_mu",
    "muyi_class",
    "industry_code",
    "industry_policy",
    "operating_status",
    "idle_years",
    "delay_cause",
    "land_price_paid_wan",
    "contamination_risk",
    "encumbrance",
    "cost_clear_wan",
    "cost_revitalize_wan",
    "cost_upgrade_wan",
    "benefit_tax_after_wan_per_mu",
    "benefit_tax_gain_wan",
    "floor_area_added_m2",
    "difficulty",
    "project_ready",
)

#: Column added by :func:`landopt.parcels.read_parcels` that keeps the area the input declared.
DECLARED_AREA_FIELD: str = "area_mu_declared"

#: Key of ``GeoDataFrame.attrs`` holding the list of :class:`~landopt.errors.Problem` found
#: (warnings) when the layer was read or prepared.
PROBLEMS_ATTR: str = "landopt_problems"

#: Key of ``GeoDataFrame.attrs`` holding the input CRS (a string) before reprojection.
INPUT_CRS_ATTR: str = "landopt_input_crs"

#: Key of ``GeoDataFrame.attrs`` holding where the layer came from (path or ``"<GeoDataFrame>"``).
SOURCE_ATTR: str = "landopt_source"

#: Key of ``GeoDataFrame.attrs`` holding the SHA-256 of a layer read from a database (the
#: run's input hash: :func:`landopt.parcels.postgis.rows_sha256`).
SOURCE_SHA256_ATTR: str = "landopt_source_sha256"

#: Default working (area) CRS: CGCS2000 3-degree Gauss-Krüger, central meridian 117°E.
DEFAULT_AREA_CRS: str = "EPSG:4548"

#: Longitudes (°E) of the centre of data for which :data:`DEFAULT_AREA_CRS` is used.
DEFAULT_AREA_CRS_LON: tuple[float, float] = (115.5, 118.5)

#: Common column names in Chinese layers, used only to suggest a mapping (never applied
#: silently).
COLUMN_HINTS: dict[str, tuple[str, ...]] = {
    "parcel_id": ("地块编号", "宗地编号", "宗地代码", "不动产单元号", "编号", "id", "fid", "code"),
    "status": ("状态", "现状", "用地状态", "类型", "类别"),
    "area_mu": ("面积", "面积亩", "面积_亩", "亩", "area"),
    "township": ("乡镇", "街道", "镇街", "乡镇街道", "所属镇街"),
    "name": ("名称", "企业名称", "单位名称", "权利人"),
    "park": ("园区", "所属园区"),
}


#: A parcel's number (cost, benefit, area, ...) beyond this magnitude is an error: no parcel
#: costs 10 trillion yuan, and such values overflow the solver's sums (HiGHS calls 1e20 infinite).
MAX_ABS_VALUE: float = 1e9

#: A text field longer than this many characters is an error (a pasted file, not a value).
MAX_TEXT_LENGTH: int = 100_000

#: The CSS named colours (the same 148 as matplotlib's ``CSS4_COLORS``), accepted as an
#: action's ``color`` besides ``#rgb``, ``#rgba``, ``#rrggbb`` and ``#rrggbbaa``.
CSS_COLOR_NAMES: frozenset[str] = frozenset(
    """
    aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue
    cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey
    darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon
    darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
    deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen
    fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew
    hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon
    lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey
    lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey
    lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine
    mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue
    mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose
    moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink
    plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon
    sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey
    snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white
    whitesmoke yellow yellowgreen
    """.split()
)


def status_key(value: object) -> str:
    """The form a status spelling is compared in: trimmed, case-folded, ``-``/spaces as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(value).strip().casefold())
