"""The prepared problem: a scenario read against its parcels, once.

:func:`prepare` checks the scenario against the layer (columns, parcels, rule values:
:func:`landopt.scenario.check_scenario_against`, plus each rule component's own data
checks) and computes what every later stage reads: the areas, the eligibility of every
parcel for every action with exclusion zones and touching rules applied, each zone's share
of every parcel, numeric columns, and (lazily, once) the adjacency. Compilation
(:func:`landopt.model.compile_model`), the warm start, the minimum-block cuts, the
diagnosis, the summaries and the spatial statistics read this object instead of
re-deriving from ``(scenario, parcels)``.

The independent re-check (:mod:`landopt.check`) does not use it, on purpose.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt.errors import InputError, Problem, ScenarioError
from landopt.scenario import Scenario, check_scenario_against, eligibility
from landopt.zones import IN_ZONE_SHARE, TOUCH_ZONE_SHARE, touch_mask, zone_membership

__all__ = ["Prepared", "effective_eligibility", "prepare"]

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Prepared:
    """A scenario and its parcel layer, read against each other (build with :func:`prepare`).

    Attributes
    ----------
    scenario, parcels
        The inputs (the layer is not copied and never modified).
    ids
        ``parcel_id`` as strings, by row.
    area
        Area in mu, by row.
    eligible
        One boolean column per action: the action's rule, exclusion zones and touching rules.
    zone_share
        Each zone's share (0–1) of every parcel's area, by zone name.
    """

    scenario: Scenario
    parcels: pd.DataFrame
    ids: np.ndarray
    area: np.ndarray
    eligible: pd.DataFrame
    zone_share: dict[str, np.ndarray]
    _adjacency: Any = None
    _columns: dict[str, np.ndarray] = field(default_factory=dict)
    #: a programme's record of steps done before its first year (``landopt.done.Done``), or None
    done: Any = None

    @property
    def n(self) -> int:
        """Number of parcels."""
        return len(self.ids)

    @property
    def adjacency(self) -> Any:
        """The layer's :class:`~landopt.adjacency.Adjacency` (computed once, when first read)."""
        if self._adjacency is None:
            from landopt.adjacency import adjacency

            self._adjacency = adjacency(self.parcels, tolerance=self.scenario.spatial.tolerance_m)
        return self._adjacency

    def column(self, name: str | None) -> np.ndarray:
        """A column as floats (NaN where missing or not a number); zeros for ``None``."""
        if name is None:
            return np.zeros(self.n)
        if name not in self._columns:
            self._columns[name] = pd.to_numeric(self.parcels[name], errors="coerce").to_numpy(float)
        return self._columns[name]

    def in_zone(self, zone_name: str) -> np.ndarray:
        """Parcels *in* a zone: at least :data:`~landopt.zones.IN_ZONE_SHARE` of their area inside."""
        return self.zone_share[zone_name] >= IN_ZONE_SHARE

    def boundary_sets(self) -> tuple[list[int], np.ndarray, np.ndarray]:
        """The penalised actions S, the candidates C and the inner parcels I (see the formulation)."""
        sc = self.scenario
        opts = sc.spatial
        S = [
            k
            for k, a in enumerate(sc.actions)
            if not opts.boundary_actions or a.name in opts.boundary_actions
        ]
        cand = self.eligible[[sc.actions[k].name for k in S]].to_numpy().any(axis=1)
        inner = self.parcels["status"].astype(str).isin(opts.inner_status).to_numpy() & ~cand
        return S, cand, inner

    def serves(self, scenario: Scenario) -> bool:
        """Whether this preparation holds for ``scenario`` too (see :meth:`with_scenario`)."""
        return _prepared_parts(scenario) == _prepared_parts(self.scenario)

    def with_scenario(self, scenario: Scenario) -> Prepared:
        """The same preparation for a variant that differs only in numbers no array depends on.

        Targets, budgets, solver options and extension-table numbers do not change what is
        prepared; anything else (rules, zones, columns, touching, objective) does, and then
        the variant is prepared afresh.
        """
        if self.serves(scenario):
            return replace(self, scenario=scenario, _columns=self._columns)
        return prepare(scenario, self.parcels, adjacency=self._adjacency, done=self.done)


def _prepared_parts(sc: Scenario) -> tuple[Any, ...]:
    """What :class:`Prepared` depends on."""
    return (
        tuple((a.name, a.eligible, a.cost, a.benefit) for a in sc.actions),
        sc.spatial.zones,
        sc.spatial.touch,
        sc.spatial.tolerance_m,
        sc.spatial.district,
        str(sc.parcels.location) if sc.parcels else "",
    )


def prepare(
    scenario: Scenario, parcels: pd.DataFrame, *, adjacency: Any = None, done: Any = None
) -> Prepared:
    """Read a scenario against its parcel layer (see the module docstring).

    Parameters
    ----------
    scenario
        The planning question.
    parcels
        The layer from :func:`landopt.read_parcels` (needs ``parcel_id``, ``area_mu`` and
        the columns the scenario names; a GeoDataFrame when the scenario has zones or
        touching rules).
    adjacency
        A precomputed :class:`~landopt.adjacency.Adjacency` of ``parcels``.
    done
        A programme's record of steps done before its first year (a rolling re-plan).

    Raises
    ------
    ScenarioError
        When the scenario names columns, parcels or values the layer does not have, or an
        eligible parcel lacks the cost its action spends.
    """
    from landopt.rules import COMPONENTS

    problems = check_scenario_against(scenario, parcels)
    if "area_mu" not in parcels.columns:
        problems.append(
            Problem(
                "parcels",
                "area_mu",
                "missing",
                "read the layer with landopt.read_parcels, which computes it",
            )
        )
    for comp in COMPONENTS:
        if comp.active(scenario):
            problems += comp.data_problems(scenario, parcels)
    if problems:
        src = str(scenario.source) if scenario.source else scenario.name
        raise ScenarioError(src, problems)
    shares = _zone_shares(scenario, parcels)
    prep = Prepared(
        scenario=scenario,
        parcels=parcels,
        ids=parcels["parcel_id"].astype(str).to_numpy(),
        area=parcels["area_mu"].to_numpy(dtype=float),
        eligible=pd.DataFrame(index=parcels.index),
        zone_share=shares,
        _adjacency=adjacency,
        done=done,
    )
    # touching rules read the same adjacency the model will (computed at most once)
    prep.eligible = effective_eligibility(
        scenario, parcels, shares=shares, adjacency=lambda: prep.adjacency
    )
    return prep


def _zone_shares(scenario: Scenario, parcels: pd.DataFrame) -> dict[str, np.ndarray]:
    if not scenario.spatial.zones:
        return {}
    _need_geometry(parcels)
    return {z.name: zone_membership(z, parcels, scenario) for z in scenario.spatial.zones}


def _need_geometry(parcels: pd.DataFrame) -> None:
    if not isinstance(parcels, gpd.GeoDataFrame):
        raise InputError(
            "zones and touching rules need the parcels' geometry: read them with landopt.read_parcels"
        )


def effective_eligibility(
    scenario: Scenario,
    parcels: pd.DataFrame,
    *,
    shares: dict[str, np.ndarray] | None = None,
    adjacency: Any = None,
) -> pd.DataFrame:
    """Eligibility after the scenario's rules, exclusion zones and touching rules.

    Without zones or touching rules this is :func:`landopt.scenario.eligibility`.
    ``shares`` are the zones' shares of every parcel when already measured; ``adjacency``
    returns the layer's adjacency (for touching ``"cleared"``).
    """
    elig = eligibility(scenario, parcels)
    sp = scenario.spatial
    if not sp.zones and not sp.touch:
        return elig
    _need_geometry(parcels)
    members = shares if shares is not None else _zone_shares(scenario, parcels)
    for z in sp.zones:
        if z.kind != "exclude":
            continue
        out = members[z.name] > TOUCH_ZONE_SHARE
        for a in z.actions or scenario.action_names:
            elig[a] &= ~out
    for action, targets in sp.touch:
        ok = np.zeros(len(parcels), dtype=bool)
        for t in targets:
            ok |= touch_mask(t, parcels, scenario, members, adjacency)
        elig[action] &= ok
    return elig
