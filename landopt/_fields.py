"""Field names, status values and units shared by the parcel and scenario modules."""

from __future__ import annotations

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

#: The layer's fields in the order landopt writes them (domain.md §6).
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
