"""landopt: optimal plans for clearing, revitalizing and upgrading under-used industrial land.

The public API, in the order a plan is made::

    import landopt

    scenario = landopt.load_scenario("data/scenarios/zhangdian-2023.toml")
    parcels = landopt.read_parcels("data/parcels.geojson")
    plan = landopt.solve(scenario, parcels)           # or solve(scenario): reads its layer
    print(plan.summary)
    landopt.write_plan(plan, "out/")

Power users compile the model themselves::

    model = landopt.compile_model(scenario, parcels)  # arrays: model.c, model.A, model.rhs ...
    prob, x = model.to_pulp()                         # a PuLP problem to extend or export
    result = landopt.solve_model(model, backend="cbc")
"""

from __future__ import annotations

import sys as _sys

if _sys.argv[:1] == ["-m"]:
    # ``python -m landopt``: Python put the working directory first on the import path, and
    # this runs before any other import, so take it off again. landopt never runs code from
    # the planner's folder (a stray numpy.py or highspy.py there would otherwise be imported).
    from landopt._syspath import drop_working_directory as _drop

    _drop(_sys.path)

__version__ = "0.1.0"

# the function landopt.adjacency.adjacency is not re-exported: it would hide the module
from landopt.adjacency import Adjacency
from landopt.analysis import (
    alternatives,
    calibrate,
    compare,
    replacement_costs,
    selection_frequency,
    sweep,
)
from landopt.diagnose import Diagnosis, Shortfall, diagnose, precheck
from landopt.errors import (
    InputError,
    LandoptError,
    ParcelDataError,
    Problem,
    ScenarioError,
    SolverError,
    TargetsUnmetError,
)
from landopt.model import CompiledModel, compile_model
from landopt.parcels import (
    area_crs_for,
    compute_area_mu,
    prepare_parcels,
    read_parcels,
    summarize_parcels,
    validate_parcels,
)
from landopt.plan import Check, Plan, check_plan, read_plan, solve, write_plan
from landopt.rolling import YearByYear, plan_year_by_year, year_scenario
from landopt.scenario import Scenario, eligibility, load_scenario, scenario_from_dict
from landopt.solvers import SolverResult, available_backends, solve_model

__all__ = [
    "Adjacency",
    "Check",
    "CompiledModel",
    "Diagnosis",
    "InputError",
    "LandoptError",
    "ParcelDataError",
    "Plan",
    "Problem",
    "Scenario",
    "ScenarioError",
    "Shortfall",
    "SolverError",
    "SolverResult",
    "TargetsUnmetError",
    "YearByYear",
    "__version__",
    "alternatives",
    "area_crs_for",
    "available_backends",
    "calibrate",
    "check_plan",
    "compare",
    "compile_model",
    "compute_area_mu",
    "diagnose",
    "eligibility",
    "load_scenario",
    "plan_year_by_year",
    "precheck",
    "prepare_parcels",
    "read_parcels",
    "read_plan",
    "replacement_costs",
    "scenario_from_dict",
    "selection_frequency",
    "solve",
    "solve_model",
    "summarize_parcels",
    "sweep",
    "validate_parcels",
    "write_plan",
    "year_scenario",
]
