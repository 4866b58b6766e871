"""Write the notebooks in notebooks/ from the cells below, executed (run by hand after editing).

Keeping the cells here, as plain Python, makes the notebooks reviewable in diffs. The
notebooks are stored with their outputs (tables and figures show on the repository page):
``python scripts/make_notebooks.py`` executes each one with nbclient in notebooks/ and saves
it; ``--no-execute`` writes them bare. CI executes the .ipynb files again with nbmake so they
cannot rot. The notebooks write only into temporary folders (nothing into the repository), and
print no timings or temporary paths, so re-running leaves no diff when nothing changed.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

YOUR_OWN_DATA = [
    (
        "md",
        """# 用你自己的数据：从一个 GBK 编码的 Shapefile 做出再开发方案

区县自然资源局手里的地块数据，通常是一个 **Shapefile**：字段名和字段值是中文（地块编号、
乡镇街道、状态为“低效”“闲置”……），属性表用 **GBK** 编码保存，坐标是 **CGCS2000**
（EPSG:4490 经纬度，或 EPSG:4527/4548 高斯-克吕格投影）。

本笔记本先用仓库自带的演示数据 `data/parcels.geojson`（*虚构*的区县，不描述任何真实地块）
**在笔记本里生成**这样一个 Shapefile，然后一步步用 landopt 读它：

1. 编码：GBK，以及编码声明错了会怎样；
2. 坐标系：4490、4527、4548；
3. 字段对应：`columns = {...}` 和 `status_values = {...}`；
4. 检查数据：`landopt.validate_parcels`；
5. 写方案文件（TOML，中文标签）、求解 `landopt.solve`、汇总表和方案图；
6. 输出成果：`landopt.write_plan`。

换成你自己的文件时，只需改第 1 节的路径和第 3 节的字段对应。""",
    ),
    (
        "code",
        """import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

import landopt

HERE = Path.cwd()
ROOT = HERE.parent if HERE.name == "notebooks" else HERE
# 所有文件都写在一个临时文件夹里，笔记本结束时删除；仓库里不留下任何文件
WORK = Path(tempfile.mkdtemp(prefix="landopt-"))
os.chdir(WORK)  # 下面一律用相对路径，输出里不出现临时文件夹的名字
landopt.__version__""",
    ),
    (
        "md",
        """## 1. 做一个“局里的” Shapefile

把演示图层的英文字段改成中文字段名，把英文状态改成中文（低效、闲置、转型升级、在用、
已收储），权利限制和产业政策也改成中文，坐标转成 EPSG:4490，按 GBK 编码写出。

注意 Shapefile 的字段名最多 **10 个字节**：GBK 里一个汉字占 2 个字节，所以字段名最多
5 个汉字（`面积_亩` 是 2+1+2 = 5 个字节）。""",
    ),
    (
        "code",
        """demo = gpd.read_file(ROOT / "data" / "parcels.geojson")

# 演示数据的字段 → 局里常用的中文字段名
中文字段 = {
    "parcel_id": "地块编号",
    "name": "企业名称",
    "township": "乡镇街道",
    "park": "所属园区",
    "status": "状态",
    "area_mu": "面积_亩",
    "muyi_class": "亩均等级",
    "idle_years": "闲置年限",
    "encumbrance": "权利限制",
    "contamination_risk": "污染风险",
    "industry_policy": "产业政策",
    "planned_use_code": "规划用途",
    "cost_clear_wan": "出清成本",
    "cost_revitalize_wan": "盘活成本",
    "cost_upgrade_wan": "升级成本",
    "benefit_tax_gain_wan": "新增税收",
}
ours = demo[[*中文字段, "geometry"]].rename(columns=中文字段)
ours["状态"] = ours["状态"].map(
    {"inefficient": "低效", "idle": "闲置", "upgrade_candidate": "转型升级", "in_use": "在用", "cleared": "已收储"}
)
ours["权利限制"] = ours["权利限制"].map({"none": "无", "mortgaged": "抵押", "seized": "查封"})
ours["产业政策"] = ours["产业政策"].map(
    {"encouraged": "鼓励类", "permitted": "允许类", "restricted": "限制类", "eliminated": "淘汰类"}
)
ours["污染风险"] = ours["污染风险"].map({"low": "低", "medium": "中", "high": "高"})
ours = ours.to_crs("EPSG:4490")  # CGCS2000 经纬度

ours.to_file("地块.shp", encoding="GBK")  # 同时写出 地块.cpg（内容为 GBK）和 地块.prj
print(sorted(p.name for p in Path(".").iterdir()))
print("地块.cpg 的内容：", Path("地块.cpg").read_text())
ours.drop(columns="geometry").head(3)""",
    ),
    ("md", """每种状态各有多少宗、多少亩（字段值是中文）："""),
    (
        "code",
        """ours.groupby("状态")["面积_亩"].agg(["count", "sum"]).round(0).rename(columns={"count": "宗数", "sum": "亩"})""",
    ),
    (
        "md",
        """## 2. 编码

Shapefile 的属性表（`.dbf`）本身不记录编码，编码写在旁边的 `.cpg` 文件里。landopt 的做法：

- 有 `.cpg`：按它读；
- 没有 `.cpg`：先试 UTF-8，再试 GB18030（GBK 的超集），并给出**警告**，提示补一个 `.cpg`；
- 你明确指定了 `encoding=`：按你说的读——说错了就会出错或出现乱码。

先做两个“坏”副本：一个没有 `.cpg`，一个的 `.cpg` 写成了 UTF-8。""",
    ),
    (
        "code",
        """for part in ("shp", "shx", "dbf", "prj"):
    shutil.copy(f"地块.{part}", f"无cpg.{part}")
    shutil.copy(f"地块.{part}", f"错cpg.{part}")
Path("错cpg.cpg").write_text("UTF-8")

# 没有 .cpg：能读（猜出是 GB18030），但会记下一条警告（下面红色的一行），提示补一个 .cpg
guessed = landopt.read_parcels("无cpg.shp", columns={"地块编号": "parcel_id", "状态": "status"},
                               status_values={"已收储": "cleared"})
assert "inefficient" in set(guessed.status)  # 中文“低效”已正确解码并识别
# 警告也记在图层的 attrs 里
[(p.severity, p.field) for p in guessed.attrs["landopt_problems"]]""",
    ),
    (
        "code",
        """# .cpg 写错了（GBK 的文件声明成 UTF-8）：读不下去，错误信息说明了原因
try:
    landopt.read_parcels("错cpg.shp")
except landopt.InputError as e:
    print(type(e).__name__, ":", e)""",
    ),
    (
        "code",
        """# 用 Latin-1 硬读：不报编码错误，但字段名全是乱码，于是字段对应找不到列
try:
    landopt.read_parcels("地块.shp", encoding="latin1", columns={"地块编号": "parcel_id", "状态": "status"})
except landopt.ParcelDataError as e:
    print(e.problems[0].what)
    print("  ->", e.problems[0].fix[:90], "…")""",
    ),
    (
        "md",
        """**做法**：确认 `.cpg` 存在且内容正确（ArcGIS 导出的中文数据一般是 `GBK` 或 `GB18030`，
QGIS 导出的可能是 `UTF-8`）；没有 `.cpg` 时就在方案文件里写 `encoding = "GBK"`，
或在命令行加 `--encoding GBK`。""",
    ),
    (
        "md",
        """## 3. 坐标系：4490、4527、4548

- **EPSG:4490**：CGCS2000 地理坐标（经纬度，单位是度）。面积不能直接在经纬度上算。
- **EPSG:4548**：CGCS2000 3 度带高斯-克吕格投影，中央经线 117°E，单位米，横坐标**不带**带号。
- **EPSG:4527**：同一个 3 度带（第 39 带，中央经线 117°E），横坐标**带**带号（前面加 39）。

landopt 在投影坐标系里算面积（亩）。文件是经纬度时，它为淄博一带（115.5–118.5°E）自动选
EPSG:4548；你也可以用 `crs=` 指定（方案文件里是 `[parcels] crs`，命令行是 `--crs`）。
文件本身已是投影坐标（4527、4548 等，单位米）时，就用文件自己的坐标系。
4527 和 4548 只差一个横坐标平移，算出的面积相同。""",
    ),
    (
        "code",
        """raw = gpd.read_file("地块.shp")  # geopandas 按 .cpg 读 GBK
print("文件的坐标系：", raw.crs.to_epsg(), raw.crs.name)
print("landopt 选用的计算坐标系：", landopt.area_crs_for(raw).to_epsg())

x0 = {epsg: round(raw.to_crs(epsg=epsg).total_bounds[0]) for epsg in (4490, 4527, 4548)}
print("第一个横坐标（西边界）：", x0)""",
    ),
    (
        "code",
        """# 用 4548 或 4527 计算面积，总面积相同（亩）
columns_min = {"地块编号": "parcel_id", "状态": "status"}
areas = {
    epsg: landopt.read_parcels("地块.shp", crs=f"EPSG:{epsg}", columns=columns_min,
                               status_values={"已收储": "cleared"}).area_mu.sum()
    for epsg in (4548, 4527)
}
assert abs(areas[4548] - areas[4527]) < 1e-6 * areas[4548]

# 文件本身是投影坐标（例如 4527，单位米）时，landopt 就在它自己的坐标系里算面积
ours.to_crs("EPSG:4527").to_file("地块_4527.shp", encoding="GBK")
in_4527 = landopt.read_parcels("地块_4527.shp", columns=columns_min, status_values={"已收储": "cleared"})
print("地块_4527.shp 的计算坐标系：EPSG", in_4527.crs.to_epsg())
assert abs(in_4527.area_mu.sum() - areas[4548]) < 1e-6 * areas[4548]
{epsg: float(round(a, 1)) for epsg, a in areas.items()}""",
    ),
    (
        "code",
        """# 没有 .prj（不知道坐标系）的文件：landopt 不猜，直接说明怎么补
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # geopandas 会警告“没有坐标系”——这里正是要做一个这样的文件
    ours.set_crs(None, allow_override=True).to_file("无prj.shp", encoding="GBK")
try:
    landopt.read_parcels("无prj.shp", columns=columns_min, status_values={"已收储": "cleared"})
except landopt.LandoptError as e:
    print(type(e).__name__, ":", e)""",
    ),
    (
        "md",
        """## 4. 字段对应和数据检查

landopt 用英文字段名工作（`parcel_id`、`status`、`area_mu`、`cost_clear_wan`……）。
`columns` 把**你的**字段名对应到 landopt 的字段；没有对应的字段（亩均等级、权利限制……）
原样保留，规则里可以直接用中文字段名。

状态值“低效、闲置、转型升级、在用”landopt 认识；“已收储”它不认识，用 `status_values`
告诉它这是 `cleared`（已出清、已收储的土地）。

不给字段对应时，检查会提示最可能的对应：""",
    ),
    (
        "code",
        """problems = landopt.validate_parcels(raw)
for p in problems:
    print(p)""",
    ),
    (
        "code",
        """columns = {
    "地块编号": "parcel_id",
    "企业名称": "name",
    "乡镇街道": "township",
    "所属园区": "park",
    "状态": "status",
    "面积_亩": "area_mu",
    "出清成本": "cost_clear_wan",
    "盘活成本": "cost_revitalize_wan",
    "升级成本": "cost_upgrade_wan",
    "新增税收": "benefit_tax_gain_wan",
}

# 只给字段对应、不给状态对应：每宗“已收储”地块都报一个错
problems = landopt.validate_parcels(raw, columns=columns)
errors = [p for p in problems if p.severity == "error"]
print(len(errors), "个错误，例如：")
print(errors[0])""",
    ),
    (
        "code",
        """status_values = {"已收储": "cleared"}
problems = landopt.validate_parcels(raw, columns=columns, status_values=status_values)
print("错误", sum(p.severity == "error" for p in problems), "个，警告", sum(p.severity == "warning" for p in problems), "个")

parcels = landopt.read_parcels("地块.shp", columns=columns, status_values=status_values)
print(len(parcels), "宗，", round(parcels.area_mu.sum()), "亩，计算坐标系 EPSG:", parcels.crs.to_epsg())
summary = landopt.summarize_parcels(parcels)
summary["by_status"].round(1)""",
    ),
    (
        "md",
        """## 5. 方案文件

方案写成一个 TOML 文件，和 Shapefile 放在一起。`[parcels]` 里写路径、编码和字段对应
（TOML 里中文键名要加引号）；每项措施的 `eligible` 规则可以用你的中文字段名和中文字段值。
目标沿用张店区 2023 年的计划：出清低效用地 17 宗 560 亩，盘活闲置土地 4 宗 430 亩，
推动 10 宗 810 亩企业用地转型升级，以公共投入最少为目标。""",
    ),
    (
        "code",
        """方案 = '''
title = "张店区低效用地再开发（示例）"
year = 2023
lang = "zh"

[parcels]
path = "地块.shp"
encoding = "GBK"

[parcels.columns]
"地块编号" = "parcel_id"
"企业名称" = "name"
"乡镇街道" = "township"
"所属园区" = "park"
"状态" = "status"
"面积_亩" = "area_mu"
"出清成本" = "cost_clear_wan"
"盘活成本" = "cost_revitalize_wan"
"升级成本" = "cost_upgrade_wan"
"新增税收" = "benefit_tax_gain_wan"

[parcels.status_values]
"已收储" = "cleared"

# 出清：亩均等级 C/D 的低效用地，或闲置两年以上的土地；已查封的不能收回
[actions.clear]
label = "出清"
cost = "cost_clear_wan"
color = "#D55E00"
eligible = { all = [
    { field = "status", in = ["低效", "闲置"] },
    { field = "权利限制", not_in = ["查封"] },
    { any = [ { field = "亩均等级", in = ["C", "D"] }, { field = "闲置年限", ge = 2 } ] },
] }
targets = { count = 17, area_min = 560 }

# 盘活：闲置土地
[actions.revitalize]
label = "盘活"
cost = "cost_revitalize_wan"
color = "#0072B2"
eligible = { all = [
    { field = "status", in = ["闲置"] },
    { field = "权利限制", not_in = ["查封"] },
] }
targets = { count = 4, area_min = 430 }

# 转型升级：企业留下来投资改造；不能是淘汰类产业，规划用途须仍为工业
[actions.upgrade]
label = "转型升级"
cost = "cost_upgrade_wan"
color = "#009E73"
eligible = { all = [
    { field = "status", in = ["低效", "转型升级"] },
    { field = "产业政策", not_in = ["淘汰类"] },
    { field = "规划用途", in = ["100101", "100102", "100103"] },
    { field = "亩均等级", in = ["B", "C", "D"] },
] }
targets = { count = 10, area_min = 810 }

[objective]
sense = "minimize"
terms = [ { of = "cost", weight = 1.0 } ]
'''
Path("方案.toml").write_text(方案, encoding="utf-8")
scenario = landopt.load_scenario("方案.toml")
for a in scenario.actions:
    print(f"{a.label}：{a.targets.describe()}\\n    条件：{a.eligible.describe()}")""",
    ),
    (
        "code",
        """# 每项措施有多少宗地块符合条件（一宗地可能同时符合两项）
elig = landopt.eligibility(scenario, parcels)
elig.sum().rename(index={a.name: a.label for a in scenario.actions}).to_frame("符合条件的宗数")""",
    ),
    (
        "md",
        """## 6. 求解、汇总表和方案图

`landopt.solve(scenario)` 按方案文件里的路径、编码和字段对应读图层，建整数规划模型，用 HiGHS
求解，再逐条复核目标和规则。""",
    ),
    (
        "code",
        """plan = landopt.solve(scenario)
print(plan.format_summary())
assert plan.targets_met and all(c.ok for c in plan.checks)
print("\\n是否证明最优：", plan.result.proven_optimal, "；总投入", round(plan.result.objective), "万元")""",
    ),
    (
        "code",
        """# 和英文字段的演示数据求出的最优值相同：中文字段、GBK、4490 在读入时没有丢失任何信息
demo_plan = landopt.solve(landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml"))
assert abs(plan.result.objective - demo_plan.result.objective) < 1e-6
# 选中的地块（按措施、面积排列）
cols = ["parcel_id", "name", "township", "park", "action_label", "area_mu", "权利限制"]
plan.chosen[cols].sort_values(["action_label", "area_mu"], ascending=[True, False]).head(10)""",
    ),
    (
        "code",
        """from landopt.maps import plot_plan

ax = plot_plan(plan)  # 方案图显示在下面""",
    ),
    (
        "md",
        """## 7. 输出成果

`write_plan` 写出 `plan.gpkg`（方案图层，可在 QGIS/ArcGIS 里打开）、`summary.csv`（汇总表）
和 `run.json`（运行记录：方案原文、输入文件的校验值、求解器状态和版本）；
再加上方案图 `plan.png`、网页地图 `plan.html` 和报告 `report.html`。""",
    ),
    (
        "code",
        """from landopt.report import plan_outputs

files = landopt.write_plan(plan, "成果", extra=plan_outputs(plan))
print([f.name for f in files])
# summary.csv 用 UTF-8（带 BOM）写出，Excel 直接打开不乱码
pd.read_csv("成果/summary.csv", encoding="utf-8-sig")""",
    ),
    (
        "code",
        """# summary.xlsx：每张表一个工作表（方案汇总、入选地块、分镇街、分园区、校核、运行记录），
# 目标为数值、表头为中文，可直接用于上会材料
xlsx = pd.ExcelFile("成果/summary.xlsx", engine="openpyxl")
print(xlsx.sheet_names)
pd.read_excel(xlsx, "方案汇总")""",
    ),
    (
        "code",
        """# 方案图层按地块编号可以接回原始数据
# plan.gpkg 保留原始字段名和字段值，另加“措施”“措施代码”“可选措施”等成果字段
back = gpd.read_file("成果/plan.gpkg", layer="plan")
joined = ours.drop(columns="geometry").merge(back[["地块编号", "措施"]], on="地块编号", validate="one_to_one")
assert len(joined) == len(ours)
joined.groupby("措施")["面积_亩"].agg(["count", "sum"]).round(1)""",
    ),
    (
        "code",
        """# 收尾：回到笔记本所在的文件夹，删除临时文件夹
os.chdir(HERE)
shutil.rmtree(WORK)""",
    ),
]

PLAN_2023 = [
    (
        "md",
        """# The 2023 plan for Zhangdian District

Zhangdian District (Zibo, Shandong) set its 2023 targets as: **clear 17 low-efficiency plots
totalling 560 mu, revitalize 4 idle parcels totalling 430 mu, and upgrade 10 enterprise plots
totalling 810 mu**. This notebook makes that plan with landopt on the shipped demo district
(`data/parcels.geojson`, a *synthetic* district modelled on public figures; no real parcel is
described), explores the data, checks the plan and writes the map and the report.""",
    ),
    (
        "code",
        """from pathlib import Path
import tempfile

import landopt

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
landopt.__version__""",
    ),
    (
        "md",
        """## 1. The parcel layer

`read_parcels` checks every row (ids, statuses, geometries, costs, overlaps) and computes
each plot's area in mu from its geometry, in EPSG:4548 (CGCS2000 3-degree Gauss-Krüger, 117°E).""",
    ),
    (
        "code",
        """parcels = landopt.read_parcels(ROOT / "data" / "parcels.geojson")
print(len(parcels), "parcels,", round(parcels.area_mu.sum()), "mu, CRS", parcels.crs.to_epsg())
summary = landopt.summarize_parcels(parcels)
summary["by_status"]""",
    ),
    (
        "code",
        """# where the candidates are: mu by township and status
summary["by_status_township"].round(0)""",
    ),
    (
        "code",
        """# low-efficiency plots have low plot ratios and pay little tax per mu
parcels.groupby("status")[["far", "tax_wan_per_mu", "area_mu"]].median().round(2)""",
    ),
    (
        "md",
        """## 2. The scenario

A scenario is a TOML file: the actions, who is eligible for each (rules on the fields),
their targets, the objective, budgets, locks and solver options.""",
    ),
    (
        "code",
        """scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
for a in scenario.actions:
    print(f"{a.label} ({a.name}): {a.targets.describe()}\\n    eligible: {a.eligible.describe()}")
print("objective:", scenario.objective.describe())""",
    ),
    (
        "code",
        """# how many plots each rule admits (a parcel may be eligible for two actions)
elig = landopt.eligibility(scenario, parcels)
elig.sum().to_frame("eligible plots").assign(eligible_mu=[parcels.area_mu[elig[c]].sum().round(0) for c in elig])""",
    ),
    (
        "md",
        """## 3. The plan

`solve` compiles the integer program, solves it with HiGHS, and re-checks every target,
budget, lock and eligibility rule from the plan's own parcels before returning it.""",
    ),
    (
        "code",
        """plan = landopt.solve(scenario, parcels)
print(plan.format_summary())
r = plan.result
print(f"\\n{r.status}, proven optimal: {r.proven_optimal}, gap {r.gap:.4%}, {r.solver} {r.solver_version}")""",
    ),
    (
        "code",
        """assert plan.targets_met and all(c.ok for c in plan.checks)
[(c.name, c.detail) for c in plan.checks]""",
    ),
    (
        "code",
        """# the chosen plots
cols = ["parcel_id", "name", "township", "park", "status", "action_label", "area_mu", "cost_clear_wan", "cost_revitalize_wan", "cost_upgrade_wan"]
plan.chosen[cols].sort_values(["action_label", "area_mu"], ascending=[True, False]).head(12)""",
    ),
    ("md", """## 4. The map and the report"""),
    (
        "code",
        """from landopt.maps import plot_plan

ax = plot_plan(plan)  # the figure shows below the cell""",
    ),
    (
        "code",
        """from landopt.report import plan_outputs

tmp = tempfile.TemporaryDirectory()  # removed when the kernel stops
out = Path(tmp.name) / "plan-2023"
files = landopt.write_plan(plan, out, extra=plan_outputs(plan))  # plan.gpkg, summary.csv, run.json + maps
[f.name for f in files]""",
    ),
    (
        "md",
        """`report.html` is self-contained (maps, tables, solver record) and opens without network.
The run record `run.json` keeps the scenario as resolved, the SHA-256 of the input, the
solver's status, bound and gap, and every package's version.""",
    ),
    (
        "code",
        """import json

run = json.loads((out / "run.json").read_text(encoding="utf-8"))
{k: run["solver"][k] for k in ("status", "proven_optimal", "objective", "bound", "gap", "solver", "solver_version")}""",
    ),
    (
        "md",
        """## 5. When targets cannot be met

Ask for more than the data allows and landopt says which of *your* statements conflict,
with the numbers, and how close a plan can get.""",
    ),
    (
        "code",
        """greedy = scenario.with_value("actions.upgrade.targets.area_min", 2500)
try:
    landopt.solve(greedy, parcels)
except landopt.TargetsUnmetError as e:
    print(e)""",
    ),
]

SCENARIOS = [
    (
        "md",
        """# What if? Sweeps, comparisons, alternatives and irreplaceability

Planners do not run one plan. This notebook asks four questions of the 2023 plan on the
synthetic demo district: what each extra mu of clearance costs, how a plan that avoids
contaminated sites differs, which genuinely different plans cost nearly the same, and which
plots no good plan can do without.""",
    ),
    (
        "code",
        """from pathlib import Path

import numpy as np

import landopt
from landopt import analysis, maps

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023.toml")
parcels = landopt.read_parcels(scenario.parcels.path)
base = landopt.solve(scenario, parcels)
print(base.format_summary())""",
    ),
    (
        "md",
        """## 1. Sweep: the cost of clearing more

The clearance area target from 300 to 900 mu. Only right-hand sides change between points,
so the compiled model is reused; points run in parallel across the machine's cores.""",
    ),
    (
        "code",
        """result = analysis.sweep(scenario, parcels, {"actions.clear.targets.area_min": np.arange(300, 901, 60)})
print(f"{len(result.table)} points")  # result.wall_s and result.jobs say how long it took, on how many workers
result.table[["actions.clear.targets.area_min", "status", "objective", "mu_clear", "cost_clear", "marginal"]]""",
    ),
    (
        "code",
        """objective = result.table["objective"].dropna()
assert objective.is_monotonic_increasing  # a larger minimum can only cost more
axes = maps.plot_sweep(result, scenario=scenario)
axes[0].figure""",
    ),
    (
        "md",
        """## 2. Compare: a plan that avoids contaminated sites

Excluding only the *high*-risk parcels would change nothing: their costs include the
remediation, so the optimum avoids them already. The question that matters is whether to take
on sites with any known contamination (medium or high risk). Keep those out of all actions
(locks), solve, and compare with the base plan.""",
    ),
    (
        "code",
        """high = parcels.loc[parcels.contamination_risk == "high", "parcel_id"]
print(f"{len(high)} high-risk parcels; the optimum chose {base.chosen.parcel_id.isin(high).sum()} of them")

risky = parcels.loc[parcels.contamination_risk.isin(["medium", "high"]), "parcel_id"]
dropped = base.chosen[base.chosen.parcel_id.isin(risky)]
print(f"{len(risky)} medium- or high-risk parcels; the optimum chose {len(dropped)} of them:")
dropped[["parcel_id", "name", "action_label", "contamination_risk", "area_mu"]]""",
    ),
    (
        "code",
        """clean = scenario.with_locks(exclude={pid: None for pid in risky})
clean_plan = landopt.solve(clean, parcels)
table, changes = analysis.compare([base, clean_plan], names=["base", "no contaminated sites"])

assert len(dropped) > 0 and len(changes) >= len(dropped)  # the exclusion removes plots the optimum chose
assert not clean_plan.chosen.parcel_id.isin(risky).any() and clean_plan.targets_met
extra = clean_plan.result.objective - base.result.objective
assert extra > 0  # and avoiding them costs more
print(f"{len(changes)} parcels change action; cost {base.result.objective:,.1f} -> "
      f"{clean_plan.result.objective:,.1f} 万元 ({extra:+,.1f} 万元, {extra / base.result.objective:+.1%})")
table[["scenario", "action", "plots", "mu", "cost_wan", "met"]]""",
    ),
    (
        "code",
        """# the parcels whose action changes, with their action in each plan
changes.head(12)""",
    ),
    (
        "code",
        """axs = maps.plot_comparison(base, clean_plan)  # the figure shows below the cell""",
    ),
    (
        "md",
        """## 3. Alternatives: different plans at nearly the same cost

Three plans, each within 5 % of the optimum and differing from every earlier plan (the optimum
included) in at least 5 parcels' actions.""",
    ),
    (
        "code",
        """alt = analysis.alternatives(scenario, parcels, k=3, within=0.05, differ=5, optimal=base)
print(alt.message)
z = base.result.objective
for i, p in enumerate(alt.plans, start=1):
    assert p.result.objective <= 1.05 * z + 1e-6
    print(f"alternative {i}: {p.result.objective:,.1f} 万元 ({(p.result.objective / z - 1):+.2%}), differs from the optimum in {alt.differences[i][0]} parcels")
np.array(alt.differences)""",
    ),
    (
        "md",
        """## 4. Irreplaceability

**Replacement cost**: how much the optimum worsens when a chosen plot is excluded.
**Selection frequency**: how often each plot is chosen across the optimum and its alternatives.""",
    ),
    (
        "code",
        """rc = analysis.replacement_costs(base, parcels)
rc.head(10)""",
    ),
    (
        "code",
        """sf = analysis.selection_frequency(alt.all_plans)
sf[sf.times_chosen > 0].sort_values("selection_frequency", ascending=False).head(10)""",
    ),
    (
        "code",
        """ax = maps.plot_parcel_values(base, rc.set_index("parcel_id")["replacement_cost"], label="replacement cost (万元)")
ax.figure""",
    ),
]


PROGRAMME_CELLS = [
    (
        "md",
        """# 三年行动计划：2023—2025 年一起排，还是一年一年排？

张店区 2023 年的任务是 **出清 17 宗 560 亩、盘活 4 宗 430 亩、转型升级 10 宗 810 亩**，
目标是工业生产总值“两年内翻番”，另有已腾空的 **2,981 亩（116 宗）** 存量土地可再供应。
本笔记本用仓库自带的三年方案 `data/scenarios/zhangdian-2023-2025.toml`（2023 年是区里公布的
任务；2024—2025 年的目标、分年度预算和产出目标是**示例假设**，见 `data/README.md`），在演示数据
（*虚构*的区县）上：

1. 一次排定三年：每年出清、盘活、转型升级哪些地块；
2. 与“每年只看当年任务、逐年排”的做法比较：短视的代价；
3. 2023 年做完之后，用 `done=` 固定已做的事，滚动重排 2024—2025 年。""",
    ),
    (
        "code",
        """from pathlib import Path
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

import landopt
from landopt.done import read_done

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
scenario = landopt.load_scenario(ROOT / "data" / "scenarios" / "zhangdian-2023-2025.toml")
parcels = landopt.read_parcels(ROOT / "data" / "parcels.geojson")
print(scenario.title)""",
    ),
    (
        "md",
        """## 1. 三年一起排

`landopt.solve` 对每宗地块、每种措施、每个开工年份各设一个决策变量：每年的宗数与面积目标、
分年度预算、“出清后次年起可再供应（盘活）”、“转型升级历时两年、投入各半”，以及 2025 年的
产出目标，同时满足，三年投入的现值（折现率 3%）最小。""",
    ),
    (
        "code",
        """joint = landopt.solve(scenario, parcels)
print(joint.result.status, f"间隙 {joint.result.gap:.2%}")
print("复核未通过：", [c.name for c in joint.checks if c.decided and not c.ok] or "无")""",
    ),
    (
        "code",
        """def by_year(layer):
    # 每年每种措施的宗数、面积（亩）、投入（万元）和新增税收（万元/年）
    per_mu = {s.then: s for s in scenario.rule("programme").sequences}
    rows = []
    for a in scenario.actions:
        cost = pd.to_numeric(layer[a.cost], errors="coerce")
        gain = pd.to_numeric(layer[a.benefit], errors="coerce")
        if a.name in per_mu:  # 再供应：图层里没有成本和收益的，按每亩的假设值
            cost = cost.fillna(per_mu[a.name].cost_per_mu * layer.area_mu)
            gain = gain.fillna(per_mu[a.name].benefit_per_mu * layer.area_mu)
        for act, yr in (("action", "year"), ("action2", "year2")):
            on = layer[act] == a.name
            for y, part in layer[on].groupby(yr):
                rows.append({"年份": int(y), "措施": a.label, "宗数": len(part),
                             "面积（亩）": part.area_mu.sum(), "投入（万元）": cost[part.index].sum(),
                             "新增税收（万元/年）": gain[part.index].sum()})
    out = pd.DataFrame(rows).groupby(["年份", "措施"], sort=False).sum()
    return out.sort_index(level=0).round(1)

joint_years = by_year(joint.parcels)
joint_years""",
    ),
    (
        "md",
        """2023 年一行就是区里公布的任务（17 宗 ≥560 亩、4 宗 ≥430 亩、10 宗 ≥810 亩）。2024—2025 年
的“盘活”里有一部分是**本计划内先出清、次年再供应**的地块（`action2` 一列）。""",
    ),
    (
        "md",
        """## 2. 一年一年排：短视的代价

`landopt.plan_year_by_year` 模拟没有工具时的做法：每年只看当年的任务和预算（以及当年到期的
累计目标），以最少投入完成；前几年做的事作为已完成记录固定下来。最后按**整个三年方案**复核
拼起来的安排。""",
    ),
    (
        "code",
        """myopic = landopt.plan_year_by_year(scenario, parcels)
for c in myopic.missed:
    print("未达标：", c.name, c.detail)
myopic_years = by_year(myopic.parcels)
compare = pd.DataFrame({
    "三年一起排：投入（万元）": joint_years["投入（万元）"].groupby(level=0).sum(),
    "逐年排：投入（万元）": myopic_years["投入（万元）"].groupby(level=0).sum(),
    "三年一起排：新增税收": joint_years["新增税收（万元/年）"].groupby(level=0).sum(),
    "逐年排：新增税收": myopic_years["新增税收（万元/年）"].groupby(level=0).sum(),
})
compare.loc["合计"] = compare.sum()
compare.round(0)""",
    ),
    (
        "code",
        """gain = compare.drop("合计")[["三年一起排：新增税收", "逐年排：新增税收"]].cumsum()
gain.columns = ["joint (3 years at once)", "year by year"]
ax = gain.plot(kind="bar", figsize=(7, 3.5), rot=0)
ax.axhline(190000, color="k", ls="--", lw=1, label="2025 target")
ax.set_ylabel("cumulative added tax (10k yuan / year)")
ax.set_xlabel("year")
ax.legend(loc="upper left")
ax.figure""",
    ),
    (
        "md",
        """逐年排每年都完成了当年的宗数和面积，投入更少，却到 2025 年才面对“产出目标”——这时
转型升级已来不及（历时两年），2025 年的预算也不够用出清和盘活补上，目标落空。三年一起排
在 2023、2024 年就选了税收增量更高的地块、先出清后再供应，三年投入多一些，目标按期达成。""",
    ),
    (
        "md",
        """## 3. 滚动重排：2023 年做完之后

把三年方案写成成果文件夹，当作 2023 年“已经做了”的记录（实际工作中，规划人员把 `action`
一列改成真实完成的情况）。2024—2025 年的方案只排剩下两年，2023 年的决定固定不动；
2023 年开工、2024 年完工的转型升级，其 2024 年的投入和效益计入新方案。""",
    ),
    (
        "code",
        """d = scenario.to_dict()
p = d["programme"]
p["years"] = [2024, 2025]
p["targets"] = [t for t in p["targets"] if t["year"] >= 2024]
p["budgets"] = [b for b in p["budgets"] if b["year"] >= 2024]
# 2023 年已完工措施的效益不再由新方案计入：产出目标扣除它们
done_2023 = joint_years.xs(2023, level=0)
gain_2023 = done_2023.loc[["出清", "盘活"], "新增税收（万元/年）"].sum()
p["benefit_targets"] = [{"by": 2025, "min_wan": 190000 - float(gain_2023)}]
d["name"], d["year"] = "zhangdian-2024-2025", 2024
rest = landopt.scenario_from_dict(d, base_dir=ROOT / "data" / "scenarios")

# 2024 年初的地块图层：2023 年出清的已是存量（cleared），盘活和转型升级的已在用（in_use）
now = parcels.copy()
j = joint.parcels
now.loc[(j.action == "clear") & (j.year == 2023), "status"] = "cleared"
now.loc[j.action.isin(["revitalize", "upgrade"]) & (j.year == 2023), "status"] = "in_use"

with tempfile.TemporaryDirectory() as tmp:
    landopt.write_plan(joint, tmp)
    done = read_done(tmp, rest, now)
    replan = landopt.solve(rest, now, done=done)
print(len(done.entries), "项 2023 年已做的措施固定；", replan.result.status)
print("复核未通过：", [c.name for c in replan.checks if c.decided and not c.ok] or "无")
by_year(replan.parcels)""",
    ),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook from (kind, source) pairs, with a Python 3 kernel spec."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating leaves no diff when nothing changed
    return nb


NOTEBOOKS: tuple[tuple[str, list[tuple[str, str]]], ...] = (
    ("00_your_own_data.ipynb", YOUR_OWN_DATA),
    ("01_plan_2023.ipynb", PLAN_2023),
    ("02_scenarios.ipynb", SCENARIOS),
    ("03_programme.ipynb", PROGRAMME_CELLS),
)


def execute(nb: nbformat.NotebookNode, cwd: Path) -> None:
    """Run a notebook in place (outputs kept), as nbmake does: a python3 kernel in ``cwd``.

    No timing metadata is recorded, so that re-running leaves no diff when nothing changed;
    the kernel imports landopt from this checkout.
    """
    from nbclient import NotebookClient

    path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), path) if p)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        coalesce_streams=True,  # one output per stream, however the kernel flushed it
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in map(_drop_banner, cell.outputs) if o is not None]


#: Lines HiGHS prints to the process's stdout the first time it is loaded: noise that would
#: churn (its copyright year) and lands in whichever cell first solves.
_BANNER = ("Running HiGHS ", "Includes third-party software components")


def _drop_banner(output: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The output without the solver's banner lines (``None`` when nothing is left)."""
    if output.output_type != "stream":
        return output
    lines = output.text.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(_BANNER)]
    if not kept:
        return None
    output.text = "".join(kept)
    return output


def main(argv: list[str] | None = None) -> None:
    """Write the notebooks, executed so that they are stored with their outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true", help="write them without outputs")
    parser.add_argument("names", nargs="*", help="only these notebooks (e.g. 00_your_own_data)")
    args = parser.parse_args(argv)
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS:
        if args.names and Path(name).stem not in args.names and name not in args.names:
            continue
        nb = build(cells)
        if not args.no_execute:
            start = time.perf_counter()
            execute(nb, out)
            print(f"executed {name} in {time.perf_counter() - start:.1f} s")
        nbformat.write(nb, out / name)
        print("wrote", out / name)


if __name__ == "__main__":
    main()
